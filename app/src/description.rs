//! A page's meta description: what search engines show under its title.
//! Every public page has one (the home page, the forum, its categories and
//! threads, jobs, contributing, the policy, signing in and registering).

use leptos::prelude::*;
use leptos_meta::Meta;

/// Longest description kept, in characters; search engines cut near 160.
const LONGEST: usize = 160;

/// `<meta name="description">` with `text` (HTML allowed: tags are
/// dropped) cut at a word to at most [`LONGEST`] characters.
#[component]
pub fn Description(#[prop(into)] text: String) -> impl IntoView {
    view! { <Meta name="description" content=excerpt(&text) /> }
}

/// `html` as plain text on one line, at most [`LONGEST`] characters, cut
/// at a word with `…` when it is longer. Markup written as text in a post
/// (`&lt;img …&gt;`) is dropped too: a description has no use for it, and
/// no markup of a post's author reaches the page's head even as text.
pub fn excerpt(html: &str) -> String {
    let text = without_tags(html)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    let text = without_tags(&text);
    let mut out = String::new();
    for word in text.split_whitespace() {
        let needed = out.chars().count() + usize::from(!out.is_empty()) + word.chars().count();
        if needed > LONGEST - 1 {
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `html` with every `<…>` replaced by a space; at most a few thousand
/// characters are read, far more than a description needs.
fn without_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len().min(8 * LONGEST));
    let mut in_tag = false;
    for c in html.chars().take(16 * LONGEST) {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_go_entities_are_read_and_long_text_is_cut_at_a_word() {
        assert_eq!(
            excerpt("<p>Fish &amp; chips</p><ul><li>one</li></ul>"),
            "Fish & chips one"
        );
        let long = "word ".repeat(100);
        let cut = excerpt(&long);
        assert!(cut.chars().count() <= LONGEST, "{}", cut.chars().count());
        assert!(cut.ends_with("word…"), "{cut}");
        assert_eq!(excerpt(""), "");
        assert_eq!(
            excerpt("<p>see &lt;img src=x onerror=alert(1)&gt; here &amp; there</p>"),
            "see here & there"
        );
    }
}
