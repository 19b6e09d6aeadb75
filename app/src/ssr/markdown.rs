//! Markdown to HTML that is safe to put in a page: rendered by
//! `pulldown-cmark`, then cleaned by `ammonia` so that no script, event
//! handler, `javascript:` URL, inline style or remote image survives.

use std::sync::LazyLock;

use ammonia::Builder;
use pulldown_cmark::{Event, Options, Parser, Tag, html};
use quick_cache::{Weighter, sync::Cache};
use sha2::{Digest, Sha256};

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::default();
    builder
        .link_rel(Some("nofollow ugc noopener"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .rm_tags(["img"]);
    builder
});

/// Renders `markdown` to sanitised HTML.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut rendered = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut rendered, Parser::new_ext(markdown, options));
    CLEANER.clean(&rendered).to_string()
}

/// Most HTML [`RENDERED`] holds, in bytes.
const RENDERED_BYTES: u64 = 4 * 1024 * 1024;

/// Rendered texts by the SHA-256 of their Markdown.
static RENDERED: LazyLock<Cache<[u8; 32], String, BySize>> =
    LazyLock::new(|| Cache::with_weighter(256, RENDERED_BYTES, BySize));

#[derive(Clone, Copy)]
struct BySize;

impl Weighter<[u8; 32], String> for BySize {
    fn weight(&self, _: &[u8; 32], html: &String) -> u64 {
        html.len() as u64 + 64
    }
}

/// [`to_safe_html`] of a text that is read far more often than it changes
/// (a published document, a job's description), remembered by the SHA-256
/// of the text. An entry is never stale, on any instance: an edit or a new
/// version is another text, and so another key. At most [`RENDERED_BYTES`]
/// are kept, the least used leaving first. Only stored texts come here,
/// never a visitor's input, so no one can fill it at will.
pub fn to_safe_html_remembered(markdown: &str) -> String {
    let key: [u8; 32] = Sha256::digest(markdown.as_bytes()).into();
    if let Some(html) = RENDERED.get(&key) {
        return html;
    }
    let html = to_safe_html(markdown);
    RENDERED.insert(key, html.clone());
    html
}

/// Whether a link leads to a web page (what a campaign counts clicks of).
fn is_web(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// The web links of `markdown`, in the order they appear.
pub fn links(markdown: &str) -> Vec<String> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    Parser::new_ext(markdown, options)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. }) if is_web(&dest_url) => {
                Some(dest_url.into_string())
            }
            _ => None,
        })
        .collect()
}

/// [`to_safe_html`], with the `n`-th web link (as [`links`] counts them)
/// leading to `via(n)` instead.
pub fn to_safe_html_via(markdown: &str, via: impl Fn(usize) -> String) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut n = 0;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if is_web(&dest_url) => {
            let dest_url = via(n).into();
            n += 1;
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    });
    let mut rendered = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut rendered, events);
    CLEANER.clean(&rendered).to_string()
}

/// Renders a member's `markdown` (forum posts): like [`to_safe_html`], but
/// raw HTML in the text is shown as text, never interpreted.
pub fn member_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut rendered = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut rendered, events);
    CLEANER.clean(&rendered).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_text_renders_as_it_would_afresh_and_an_edit_is_new() {
        let text = "# Policy\n\nWe keep *little*.";
        assert_eq!(to_safe_html_remembered(text), to_safe_html(text));
        assert_eq!(to_safe_html_remembered(text), to_safe_html(text));
        let key: [u8; 32] = Sha256::digest(text.as_bytes()).into();
        assert!(RENDERED.get(&key).is_some(), "the first render was kept");
        let edited = "# Policy\n\nWe keep *less*.";
        assert_eq!(to_safe_html_remembered(edited), to_safe_html(edited));
    }

    #[test]
    fn markdown_becomes_html() {
        assert_eq!(
            to_safe_html("## Hello *you*"),
            "<h2>Hello <em>you</em></h2>\n"
        );
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = to_safe_html("<script>alert(1)</script><p onclick=\"x()\">hi</p>");
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
    }

    #[test]
    fn javascript_links_lose_their_target() {
        let html = to_safe_html("[click](javascript:alert(1))");
        assert!(!html.contains("javascript"), "{html}");
    }

    #[test]
    fn links_are_marked_as_user_content() {
        let html = to_safe_html("[site](https://example.org)");
        assert!(html.contains("rel=\"nofollow ugc noopener\""), "{html}");
    }

    #[test]
    fn members_raw_html_is_shown_as_text() {
        let html = member_html("<b>bold</b> <details>x</details>\n\n<script>alert(1)</script>");
        assert!(
            !html.contains("<b>") && !html.contains("<details>"),
            "{html}"
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"), "{html}");
        assert_eq!(member_html("**bold**"), "<p><strong>bold</strong></p>\n");
    }

    #[test]
    fn remote_images_are_dropped() {
        let html = to_safe_html("![tracker](https://tracker.example/p.gif)");
        assert!(!html.contains("<img"), "{html}");
    }
}
