//! What goes with every HTML page: its Content-Security-Policy (scripts
//! run only from our origin or with this response's nonce, which Leptos
//! puts on its hydration script), and the mark of a page that visitors
//! without a session may share.

use axum::http::HeaderValue;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

/// The response header by which a page says it is the same for every
/// visitor without a session, so the server may serve one rendering of it
/// to the next such visitors for a moment (with a fresh nonce each). The
/// server removes it before the response leaves.
pub const SHARED_PAGE_HEADER: &str = "x-portal-shared-page";

/// Marks the page being rendered as [`SHARED_PAGE_HEADER`] says. Only for
/// pages whose HTML depends on nothing but the address when nobody is
/// signed in: no form tokens, no notices, nothing from request headers.
pub fn mark_page_shared() {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.insert_header(
            axum::http::HeaderName::from_static(SHARED_PAGE_HEADER),
            HeaderValue::from_static("1"),
        );
    }
}

/// The policy for an HTML page. Without a nonce no script may run at all;
/// `'wasm-unsafe-eval'` lets the browser compile our WebAssembly, nothing
/// more. Forms post only to us, and the sign-in buttons' redirects may go
/// on to the configured providers (`form_origins`).
pub fn content_security_policy(nonce: Option<&str>, form_origins: &[String]) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "script-src 'none'".to_owned(),
    };
    format!(
        "default-src 'self'; {scripts}; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'{targets}; frame-ancestors 'none'",
        targets = form_origins
            .iter()
            .map(|origin| format!(" {origin}"))
            .collect::<String>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_need_the_nonce() {
        let policy = content_security_policy(Some("abc"), &[]);
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn without_a_nonce_no_script_runs() {
        assert!(content_security_policy(None, &[]).contains("script-src 'none'"));
    }
}
