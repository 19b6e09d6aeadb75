//! Stable, readable addresses: `/jobs/42-senior-rust-engineer`,
//! `/forum/t/7-how-do-i-build-on-arm`. The id decides; the words are for
//! people and may change with the title.

/// Up to 60 characters of lower-case ASCII words from `title`, joined by
/// `-`; `fallback` when the title has none.
pub fn slug(title: &str, fallback: &str) -> String {
    let mut slug = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if slug.len() + word.len() > 60 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word.to_ascii_lowercase());
    }
    if slug.is_empty() {
        slug.push_str(fallback);
    }
    slug
}

/// The id at the front of an `<id>-<slug>` path segment.
pub fn leading_id(segment: &str) -> Option<i64> {
    let digits: String = segment.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_words() {
        assert_eq!(
            slug("Senior Rust Engineer (Remote!)", "job"),
            "senior-rust-engineer-remote"
        );
        assert_eq!(slug("Ünïcode ☃", "job"), "n-code");
        assert_eq!(slug("☃", "thread"), "thread");
        assert_eq!(leading_id("42-senior-rust"), Some(42));
        assert_eq!(leading_id("senior"), None);
        assert_eq!(leading_id("99999999999999999999999-x"), None);
    }
}
