//! The browser's build files (`/pkg/`): their names carry a digest of their
//! contents, so that a file, once fetched, is kept for a year without
//! asking again, and a new build is fetched under its new name at once.
//!
//! `scripts/build-site.sh` writes `pkg/portal.<digest>.{wasm,js,css}` and
//! names the build in `pkg/assets.txt`. Without that file (cargo-leptos's
//! watch loop writes plain `pkg/portal.*`) the plain names are used, and
//! browsers ask again every time.

use std::path::Path;

use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::Response,
};

/// The file naming the build, in the site root's `pkg/`.
pub const NAMES_FILE: &str = "assets.txt";

/// What a build's files may be kept for: a year, never revalidated.
const FOREVER: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
/// What other files under `/pkg/` get: ask again before using a copy.
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");

/// The name the build's files share (`portal.<digest>`), or `plain` when
/// the site root names none.
pub fn build_name(site_root: &str, plain: &str) -> String {
    std::fs::read_to_string(Path::new(site_root).join("pkg").join(NAMES_FILE))
        .ok()
        .map(|text| text.trim().to_owned())
        .filter(|name| is_digested(name, plain))
        .unwrap_or_else(|| plain.to_owned())
}

/// Whether `name` is `plain` followed by a dot and a hexadecimal digest.
fn is_digested(name: &str, plain: &str) -> bool {
    name.strip_prefix(plain)
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|digest| {
            digest.len() >= 8 && digest.bytes().all(|byte| byte.is_ascii_hexdigit())
        })
}

/// The build's name as the middleware sees it: `Some` only for a digested
/// build.
#[derive(Clone, Debug)]
pub struct Build(pub Option<String>);

impl Build {
    pub fn new(name: &str, plain: &str) -> Self {
        Self(is_digested(name, plain).then(|| format!("/pkg/{name}.")))
    }
}

/// Middleware: a year of caching for this build's files, revalidation for
/// anything else under `/pkg/`.
pub async fn caching(State(build): State<Build>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !path.starts_with("/pkg/") {
        return next.run(request).await;
    }
    let this_build = build
        .0
        .as_deref()
        .is_some_and(|prefix| path.starts_with(prefix));
    let mut response = next.run(request).await;
    if response.status() == StatusCode::OK {
        let value = if this_build { FOREVER } else { REVALIDATE };
        response.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_digest_after_the_plain_name_counts() {
        assert!(is_digested("portal.0123456789abcdef", "portal"));
        assert!(!is_digested("portal", "portal"));
        assert!(!is_digested("portal.abc", "portal"));
        assert!(!is_digested("portal.../../x", "portal"));
        assert!(!is_digested("other.0123456789abcdef", "portal"));
    }

    #[test]
    fn a_site_without_the_names_file_uses_the_plain_name() {
        assert_eq!(build_name("/nowhere", "portal"), "portal");
    }
}
