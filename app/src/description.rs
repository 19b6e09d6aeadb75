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
/// at a word with `…` when it is longer.
pub fn excerpt(html: &str) -> String {
    let mut text = String::with_capacity(html.len().min(4 * LONGEST));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
        if text.len() > 8 * LONGEST {
            break;
        }
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'");
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    for word in words {
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
    }
}
