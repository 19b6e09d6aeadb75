//! A moment's memory of public pages, for visitors without a session.
//!
//! Most of a community site's traffic is people who are not signed in
//! reading the same few pages: the forum's index, a busy thread, the jobs
//! board. For them a page depends only on its address, so one rendering
//! can serve every such request for a second or two instead of each one
//! querying and rendering again. What is shared, and when:
//!
//! - Only a `GET` without a `Cookie` or `Authorization` header, to an
//!   address whose query is empty or only `page=N`; anything else passes
//!   straight through.
//! - Only a `200` HTML response that its page marked as the same for every
//!   such visitor ([`SHARED_PAGE_HEADER`], set by the page itself, so a
//!   page nobody thought about is never shared), that sets no cookie and is
//!   at most [`MAX_PAGE_BYTES`] long.
//! - For at most the configured number of seconds, and never after a
//!   committed change to what such visitors see. Such a change bumps a
//!   counter in the database in the same transaction (triggers on the
//!   tables public pages show; see the `public_generation` migration),
//!   whoever makes it: this instance, another one, the `portal` command or
//!   a background job. The cache reads the counter at most once a second,
//!   and at the next request after a successful write answered here, and
//!   empties itself only when the counter moved. So a request that merely
//!   reads — a read-only server function, a sign-in — never empties it,
//!   and a flood of them costs one small query a second at most.
//! - Each response gets a fresh Content-Security-Policy nonce, swapped into
//!   the stored page and its policy, so no two responses share one.
//!
//! While a page is being rendered, other requests for it wait for that
//! rendering instead of rendering it too. The cache is bounded in bytes,
//! so neither many addresses nor large pages can grow it.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use app::ssr::SHARED_PAGE_HEADER;
use app::ssr::db::public_generation;
use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use quick_cache::{Weighter, sync::Cache};
use sea_orm::DatabaseConnection;

/// The most the cache holds, counting addresses and pages.
const CAPACITY_BYTES: u64 = 32 * 1024 * 1024;
/// The longest page it keeps.
pub const MAX_PAGE_BYTES: usize = 1024 * 1024;
/// The longest address it keeps a page for.
const MAX_KEY_BYTES: usize = 512;
/// How often, at most, the counter of public changes is read.
const CHECK_EVERY: Duration = Duration::from_secs(1);

/// The cache, or nothing when it is turned off.
#[derive(Clone, Default)]
pub struct PageCache(Option<Arc<Pages>>);

struct Pages {
    entries: Cache<String, Arc<Entry>, ByLength>,
    ttl: Duration,
    /// Counts the times the cache was emptied, so a page whose rendering
    /// began before a write is not stored after it.
    writes: AtomicU64,
    /// Where the counter of public changes is read.
    db: DatabaseConnection,
    /// The counter as last read, held by the one request reading it (the
    /// others go on without waiting). A lock rather than a flag, so a
    /// request dropped in the middle of the reading releases it.
    seen: tokio::sync::Mutex<Seen>,
    /// Set by a successful write answered here: read the counter at the
    /// next request instead of waiting for the second to pass.
    recheck: AtomicBool,
}

/// The counter of public changes as last read, and when.
#[derive(Default)]
struct Seen {
    generation: Option<i64>,
    at: Option<Instant>,
}

/// What the last rendering of an address gave.
struct Entry {
    stored: Instant,
    /// `None` when the response was not one to share: later requests within
    /// the same moment are rendered each for itself, without waiting.
    page: Option<Page>,
}

struct Page {
    headers: HeaderMap,
    /// The body cut at each occurrence of its nonce, so that a response is
    /// the pieces joined by a new one; a single piece when it has none.
    pieces: Vec<Bytes>,
    /// The Content-Security-Policy, cut the same way.
    policy: Vec<String>,
    length: usize,
}

#[derive(Clone)]
struct ByLength;

impl Weighter<String, Arc<Entry>> for ByLength {
    fn weight(&self, key: &String, entry: &Arc<Entry>) -> u64 {
        let page = entry.page.as_ref().map_or(0, |page| page.length + 512);
        (key.len() + page + 64) as u64
    }
}

impl PageCache {
    /// A cache keeping pages for `seconds` (off for 0), reading the counter
    /// of public changes from `db`.
    pub fn new(seconds: u64, db: DatabaseConnection) -> Self {
        Self((seconds > 0).then(|| {
            Arc::new(Pages {
                entries: Cache::with_weighter(4096, CAPACITY_BYTES, ByLength),
                ttl: Duration::from_secs(seconds),
                writes: AtomicU64::new(0),
                db,
                seen: tokio::sync::Mutex::new(Seen::default()),
                recheck: AtomicBool::new(false),
            })
        }))
    }
}

impl Pages {
    /// Empties the cache if the counter of public changes moved since it
    /// was last read; reads it only when that is due.
    async fn follow_changes(&self) {
        let Ok(mut seen) = self.seen.try_lock() else {
            return; // another request is reading it
        };
        let due = self.recheck.swap(false, Ordering::SeqCst)
            || seen.at.is_none_or(|at| at.elapsed() >= CHECK_EVERY);
        if !due {
            return;
        }
        match public_generation(&self.db).await {
            Ok(now) => {
                if seen.generation.is_some_and(|before| before != now) {
                    self.writes.fetch_add(1, Ordering::SeqCst);
                    self.entries.clear();
                }
                seen.generation = Some(now);
            }
            // Pages kept so far still expire on time; try again in a second.
            Err(error) => tracing::warn!(%error, "reading the counter of public changes failed"),
        }
        seen.at = Some(Instant::now());
    }
}

/// What browsers and proxies may keep of a page or an answer, unless the
/// handler said: a page shared by every visitor without a session may be
/// kept but must be asked for again each time (`public, max-age=0,
/// must-revalidate`: a proxy in front never serves one page to two people
/// for longer than this server would, and the server answers in a
/// millisecond from its own cache); a page or an answer to anyone who sent
/// a cookie or credentials is theirs alone and kept nowhere (`private,
/// no-store`). Files (the WebAssembly, the style sheet) are left alone.
const SHARED: HeaderValue = HeaderValue::from_static("public, max-age=0, must-revalidate");
const PERSONAL: HeaderValue = HeaderValue::from_static("private, no-store");

/// The middleware: answers from the cache, fills it, empties it when a
/// public page changed; says what others may keep of each answer.
pub async fn serve(state: State<PageCache>, request: Request, next: Next) -> Response {
    let credentials = request.headers().contains_key(header::COOKIE)
        || request.headers().contains_key(header::AUTHORIZATION);
    let shared = shareable_address(&request).is_some();
    let mut response = serve_from_cache(state, request, next).await;
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let is_answer = kind.starts_with("text/html") || kind.starts_with("application/json");
    if is_answer && !response.headers().contains_key(header::CACHE_CONTROL) {
        let marked = response.extensions().get::<SharedCopy>().is_some();
        if credentials {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, PERSONAL);
        } else if shared && marked {
            response.headers_mut().insert(header::CACHE_CONTROL, SHARED);
        }
    }
    response
}

/// Set on a response that is, or could have been, a shared page.
#[derive(Clone, Copy)]
struct SharedCopy;

async fn serve_from_cache(
    State(cache): State<PageCache>,
    request: Request,
    next: Next,
) -> Response {
    let Some(pages) = cache.0 else {
        return without_marker(next.run(request).await);
    };
    if !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        let response = next.run(request).await;
        if response.status().is_success() || response.status().is_redirection() {
            // It may have changed a public page: look at the counter next.
            pages.recheck.store(true, Ordering::SeqCst);
        }
        return without_marker(response);
    }
    let Some(key) = shareable_address(&request) else {
        return without_marker(next.run(request).await);
    };
    pages.follow_changes().await;
    loop {
        match pages.entries.get_value_or_guard_async(&key).await {
            Ok(entry) if entry.stored.elapsed() < pages.ttl => {
                return match &entry.page {
                    Some(page) => page.response(),
                    None => without_marker(next.run(request).await),
                };
            }
            Ok(_) => {
                pages
                    .entries
                    .remove_if(&key, |entry| entry.stored.elapsed() >= pages.ttl);
            }
            Err(guard) => {
                let writes = pages.writes.load(Ordering::SeqCst);
                let (response, page) = keep(next.run(request).await).await;
                if pages.writes.load(Ordering::SeqCst) == writes {
                    let stored = Instant::now();
                    let _ = guard.insert(Arc::new(Entry { stored, page }));
                }
                return response;
            }
        }
    }
}

/// The cache key of a request whose page may be shared, if it is one.
fn shareable_address(request: &Request) -> Option<String> {
    let headers = request.headers();
    if request.method() != Method::GET
        || headers.contains_key(header::COOKIE)
        || headers.contains_key(header::AUTHORIZATION)
    {
        return None;
    }
    let uri = request.uri();
    let query_is_plain = match uri.query() {
        None | Some("") => true,
        Some(query) => query.strip_prefix("page=").is_some_and(|n| {
            !n.is_empty() && n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit())
        }),
    };
    let key = uri.path_and_query().map(|p| p.as_str())?;
    (query_is_plain && key.len() <= MAX_KEY_BYTES).then(|| key.to_owned())
}

/// The response to send, and the page to keep if it may be shared.
async fn keep(response: Response) -> (Response, Option<Page>) {
    let shared = response.headers().contains_key(SHARED_PAGE_HEADER);
    let response = without_marker(response);
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if !shared
        || response.status() != StatusCode::OK
        || !is_html
        || response.headers().contains_key(header::SET_COOKIE)
    {
        return (response, None);
    }
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::warn!(%error, "reading a page to share failed");
            return (StatusCode::INTERNAL_SERVER_ERROR.into_response(), None);
        }
    };
    let page = Page::new(parts.headers.clone(), bytes.clone());
    (Response::from_parts(parts, Body::from(bytes)), page)
}

/// The nonce a Content-Security-Policy allows scripts by.
fn nonce_in(policy: &str) -> Option<String> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let length = policy[start..].find('\'')?;
    Some(policy[start..start + length].to_owned())
}

impl Page {
    /// A page to keep, if it is short enough and UTF-8.
    fn new(headers: HeaderMap, body: Bytes) -> Option<Self> {
        let text = std::str::from_utf8(&body).ok()?;
        if body.len() > MAX_PAGE_BYTES {
            return None;
        }
        let policy = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|policy| policy.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let (pieces, policy) = match nonce_in(&policy) {
            Some(nonce) => {
                let mut pieces = Vec::new();
                let mut start = 0;
                for (at, _) in text.match_indices(nonce.as_str()) {
                    pieces.push(body.slice(start..at));
                    start = at + nonce.len();
                }
                pieces.push(body.slice(start..));
                (
                    pieces,
                    policy.split(nonce.as_str()).map(str::to_owned).collect(),
                )
            }
            None => (vec![body.clone()], Vec::new()),
        };
        Some(Self {
            headers,
            pieces,
            policy,
            length: body.len(),
        })
    }

    /// The stored page with a nonce of its own.
    fn response(&self) -> Response {
        let mut headers = self.headers.clone();
        let body = match self.pieces.as_slice() {
            [whole] => whole.clone(),
            pieces => {
                let nonce = leptos::nonce::Nonce::new().to_string();
                if let Ok(policy) = HeaderValue::from_str(&self.policy.join(nonce.as_str())) {
                    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
                }
                let mut body = Vec::with_capacity(self.length + pieces.len() * nonce.len());
                for (i, piece) in pieces.iter().enumerate() {
                    if i > 0 {
                        body.extend_from_slice(nonce.as_bytes());
                    }
                    body.extend_from_slice(piece);
                }
                Bytes::from(body)
            }
        };
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = headers;
        response.extensions_mut().insert(SharedCopy);
        response
    }
}

/// Takes the page's marker off the response, remembering it inside.
fn without_marker(mut response: Response) -> Response {
    if response.headers_mut().remove(SHARED_PAGE_HEADER).is_some() {
        response.extensions_mut().insert(SharedCopy);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ConnectionTrait;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn get(uri: &str) -> Request {
        let mut request = Request::new(Body::empty());
        *request.uri_mut() = uri.parse().unwrap_or_default();
        request
    }

    #[test]
    fn only_plain_addresses_without_credentials_are_shared() {
        assert_eq!(shareable_address(&get("/forum")).as_deref(), Some("/forum"));
        assert_eq!(
            shareable_address(&get("/forum/t/7-x?page=3")).as_deref(),
            Some("/forum/t/7-x?page=3")
        );
        for uri in [
            "/forum/t/7?quote=9",
            "/forum/search?q=rust",
            "/forum?page=",
            "/forum?page=1&x=2",
            "/forum?page=12345678",
        ] {
            assert_eq!(shareable_address(&get(uri)), None, "{uri}");
        }
        let long = format!("/{}", "a".repeat(MAX_KEY_BYTES));
        assert_eq!(shareable_address(&get(&long)), None);
        let mut with_cookie = get("/forum");
        with_cookie
            .headers_mut()
            .insert(header::COOKIE, HeaderValue::from_static("portal_session=x"));
        assert_eq!(shareable_address(&with_cookie), None);
        let mut post = get("/forum");
        *post.method_mut() = Method::POST;
        assert_eq!(shareable_address(&post), None);
    }

    fn html(marked: bool) -> Response {
        let mut response = Response::new(Body::from("<p>page</p>"));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        if marked {
            headers.insert(SHARED_PAGE_HEADER, HeaderValue::from_static("1"));
        }
        response
    }

    #[tokio::test]
    async fn only_marked_html_pages_that_set_no_cookie_are_kept() {
        let (response, page) = keep(html(true)).await;
        assert!(!response.headers().contains_key(SHARED_PAGE_HEADER));
        let pieces = page.map(|page| page.pieces);
        assert_eq!(pieces, Some(vec![Bytes::from_static(b"<p>page</p>")]));

        assert!(keep(html(false)).await.1.is_none(), "a page nobody marked");
        let mut cookie = html(true);
        cookie
            .headers_mut()
            .insert(header::SET_COOKIE, HeaderValue::from_static("a=b"));
        assert!(keep(cookie).await.1.is_none(), "a page that sets a cookie");
        let mut missing = html(true);
        *missing.status_mut() = StatusCode::NOT_FOUND;
        let (response, page) = keep(missing).await;
        assert!(page.is_none(), "an error page");
        assert!(!response.headers().contains_key(SHARED_PAGE_HEADER));
        let mut json = html(true);
        json.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert!(keep(json).await.1.is_none(), "not a page");
        let long = Bytes::from(vec![b'a'; MAX_PAGE_BYTES + 1]);
        assert!(
            Page::new(HeaderMap::new(), long).is_none(),
            "too long to keep"
        );
    }

    /// A cache over a database of its own holding the counter at `n`: a
    /// file, since each connection to `sqlite::memory:` is a database of
    /// its own, and a read cut short can cost the pool its connection.
    async fn cache_counting_from(n: i64) -> Result<Arc<Pages>, Box<dyn std::error::Error>> {
        let file =
            std::env::temp_dir().join(format!("portal-page-cache-{}.db", uuid::Uuid::new_v4()));
        let db =
            sea_orm::Database::connect(format!("sqlite://{}?mode=rwc", file.display())).await?;
        db.execute_unprepared(&format!(
            "CREATE TABLE public_generation (id INTEGER PRIMARY KEY, generation INTEGER); \
             INSERT INTO public_generation VALUES (1, {n})"
        ))
        .await?;
        PageCache::new(60, db).0.ok_or_else(|| "no cache".into())
    }

    #[tokio::test]
    async fn a_reading_of_the_counter_cut_short_leaves_the_next_one_free() -> TestResult {
        let pages = cache_counting_from(7).await?;
        // A request dropped while it reads (a client that hung up).
        let _ = tokio::time::timeout(Duration::ZERO, pages.follow_changes()).await;
        pages.follow_changes().await;
        assert_eq!(pages.seen.try_lock()?.generation, Some(7));

        // A change after that empties the cache at the next due reading.
        pages
            .db
            .execute_unprepared("UPDATE public_generation SET generation = 8")
            .await?;
        let emptied = pages.writes.load(Ordering::SeqCst);
        pages.recheck.store(true, Ordering::SeqCst);
        pages.follow_changes().await;
        assert_eq!(pages.writes.load(Ordering::SeqCst), emptied + 1);
        assert_eq!(pages.seen.try_lock()?.generation, Some(8));
        Ok(())
    }

    #[test]
    fn the_nonce_is_read_from_the_policy() {
        let policy = app::ssr::content_security_policy(Some("abc+/="), &[]);
        assert_eq!(nonce_in(&policy).as_deref(), Some("abc+/="));
        assert_eq!(
            nonce_in(&app::ssr::content_security_policy(None, &[])),
            None
        );
    }

    #[tokio::test]
    async fn each_response_gets_a_nonce_of_its_own() -> TestResult {
        let old = "c3RvcmVkIG5vbmNlIDEyMw";
        let mut headers = HeaderMap::new();
        let policy = app::ssr::content_security_policy(Some(old), &[]);
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&policy)?,
        );
        let body = format!(r#"<script nonce="{old}"></script><p>Hi</p><script nonce="{old}">"#);
        let page = Page::new(headers, Bytes::from(body)).ok_or("not kept")?;
        assert_eq!(page.pieces.len(), 3);
        let mut seen = Vec::new();
        for _ in 0..2 {
            let response = page.response();
            let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()?
                .to_owned();
            let nonce = nonce_in(&policy).ok_or("no nonce")?;
            let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
            let body = String::from_utf8(body.to_vec())?;
            assert_eq!(
                body,
                format!(r#"<script nonce="{nonce}"></script><p>Hi</p><script nonce="{nonce}">"#)
            );
            seen.push(nonce);
        }
        assert!(!seen.contains(&old.to_owned()));
        assert_ne!(seen[0], seen[1]);
        Ok(())
    }
}
