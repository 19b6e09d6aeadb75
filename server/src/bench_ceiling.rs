//! The benchmark's ceiling: a bare axum handler that answers every request
//! with the same bytes from memory, as an HTML page, with none of the
//! portal's middleware. `scripts/bench.py` measures each page against it,
//! so its figures are also ratios that hold across machines.

use std::path::Path;

use anyhow::Context;
use axum::{Router, http::header, routing::get};

pub async fn serve(port: u16, file: &Path) -> anyhow::Result<()> {
    let page: &'static [u8] =
        Vec::leak(std::fs::read(file).with_context(|| format!("reading {}", file.display()))?);
    let app = Router::new().fallback(get(move || async move {
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page)
    }));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
