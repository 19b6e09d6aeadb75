//! Where a form returns to: a path on this site, never another one.
//!
//! Browsers are lenient with addresses: they drop tabs and line breaks,
//! read `\` as `/`, and take `//host` as another site. So a return path is
//! refused outright when it holds any of those, then resolved by a real
//! URL parser against a fixed base and kept only if it stays on that base.

use url::Url;

/// The origin a return path is resolved against; never shown to anyone.
const BASE: &str = "http://portal.invalid/";

/// A path on this site (with its query and fragment), safe to send as a
/// `Location` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPath(String);

impl LocalPath {
    /// `input` when it names a page of this site, written as an absolute
    /// path (`/forum/t/1?page=2#post-3`).
    pub fn parse(input: &str) -> Option<Self> {
        let refused = |c: char| c.is_control() || c.is_whitespace() || c == '\\';
        if !input.starts_with('/')
            || input.starts_with("//")
            || input.contains(refused)
            || escapes_a_control(input)
        {
            return None;
        }
        let base = Url::parse(BASE).ok()?;
        let resolved = base.join(input).ok()?;
        if resolved.origin() != base.origin() {
            return None;
        }
        let mut path = resolved.path().to_owned();
        if let Some(query) = resolved.query() {
            path.push('?');
            path.push_str(query);
        }
        if let Some(fragment) = resolved.fragment() {
            path.push('#');
            path.push_str(fragment);
        }
        // The parser may turn `/.//host` into `//host`; refuse that too.
        if path.starts_with("//") || path.contains(refused) {
            return None;
        }
        Some(Self(path))
    }

    /// `back` when it is a local path, else `fallback` (itself a fixed
    /// local path written by the caller).
    pub fn or(back: Option<&str>, fallback: &str) -> Self {
        back.and_then(Self::parse)
            .or_else(|| Self::parse(fallback))
            .unwrap_or_else(|| Self("/".to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `input` holds a percent-escaped control character or backslash
/// (`%09`, `%5C`): harmless here, but never part of a real return path.
fn escapes_a_control(input: &str) -> bool {
    input.split('%').skip(1).any(|rest| {
        rest.get(..2)
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .is_some_and(|byte| byte < 0x20 || byte == 0x7f || byte == b'\\')
    })
}

impl std::fmt::Display for LocalPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(input: &str) -> Option<String> {
        LocalPath::parse(input).map(|path| path.0)
    }

    #[test]
    fn a_local_path_keeps_its_query_and_fragment() {
        assert_eq!(
            parsed("/forum/t/1-a?page=2#post-3").as_deref(),
            Some("/forum/t/1-a?page=2#post-3")
        );
        assert_eq!(parsed("/").as_deref(), Some("/"));
    }

    #[test]
    fn other_sites_are_refused() {
        for input in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/%09/evil.example",
            "/%5c/evil.example",
            " /forum",
            "/forum x",
            "forum",
            "",
            "javascript:alert(1)",
        ] {
            assert_eq!(parsed(input), None, "{input:?}");
        }
    }

    #[test]
    fn dot_segments_cannot_make_a_host() {
        for input in [
            "/.//evil.example",
            "/..//evil.example",
            "/a/..//evil.example",
        ] {
            let path = parsed(input);
            assert!(
                path.as_deref().is_none_or(|p| !p.starts_with("//")),
                "{input:?} gave {path:?}"
            );
        }
    }

    #[test]
    fn a_bad_fallback_still_stays_on_the_site() {
        assert_eq!(
            LocalPath::or(Some("//evil.example"), "/forum").as_str(),
            "/forum"
        );
        assert_eq!(LocalPath::or(None, "https://evil.example").as_str(), "/");
    }

    proptest! {
        #[test]
        fn never_leaves_the_site(input in any::<String>()) {
            check(&input)?;
        }

        #[test]
        fn never_leaves_the_site_from_path_like_input(
            input in "[/\\\\\t\r\n .%a-z0-9:?#@]{0,24}"
        ) {
            check(&input)?;
        }
    }

    fn check(input: &str) -> Result<(), TestCaseError> {
        if let Some(path) = LocalPath::parse(input) {
            let path = path.as_str();
            prop_assert!(path.starts_with('/'));
            prop_assert!(!path.starts_with("//") && !path.starts_with("/\\"));
            prop_assert!(!path.chars().any(char::is_control));
            prop_assert!(http::HeaderValue::from_str(path).is_ok());
        }
        Ok(())
    }
}
