//! The benchmark's ceiling: a bare axum handler that answers every request
//! with the same bytes from memory, as an HTML page. `scripts/bench.py`
//! measures each portal page against it, so its figures are ratios that
//! hold across machines.
//!
//!     cargo run --release -p server --example ceiling -- PORT FILE

use axum::{Router, http::header, response::IntoResponse, routing::get};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port = args.next().unwrap_or_else(|| "3900".to_owned());
    let file = args.next().unwrap_or_else(|| "page.html".to_owned());
    let page: &'static [u8] = Vec::leak(std::fs::read(&file)?);
    let app = Router::new().fallback(get(move || async move {
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
    }));
    let listener =
        tokio::net::TcpListener::bind(("127.0.0.1", port.parse().unwrap_or(3900))).await?;
    axum::serve(listener, app).await
}
