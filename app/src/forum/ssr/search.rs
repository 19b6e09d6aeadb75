//! Full-text search with the database's own engine: FTS5 on SQLite, a
//! stored `tsvector` column with a GIN index on PostgreSQL. Both index
//! every post (the first post of a thread with its title); visibility is
//! applied when searching, so a post hidden a second ago is already never
//! found.

use std::{
    cmp::Reverse,
    collections::HashMap,
    sync::{Arc, LazyLock},
    time::Duration,
};

use quick_cache::{Weighter, sync::Cache};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, Value,
    prelude::TimeDateTimeWithTimeZone,
};

use crate::ssr::dates::moment;
use crate::{
    error::AppError,
    forum::{
        Paging, PostId, RESULTS_PER_PAGE, SEARCH_MATCHES_AT_MOST, SearchHit, SearchResults,
        Segment, ThreadId,
    },
    ssr::{AppState, db::public_generation, db_error},
};

/// Marks around matched words in snippets. Posts cannot hold control
/// characters, so these never come from a member.
const START: char = '\u{2}';
const STOP: char = '\u{3}';

/// (Re)writes the index entry of a post.
pub async fn index<C: ConnectionTrait>(
    db: &C,
    post_id: i64,
    title: &str,
    body: &str,
) -> Result<(), AppError> {
    let backend = db.get_database_backend();
    let (delete, insert) = match backend {
        DbBackend::Postgres => (
            "DELETE FROM forum_search WHERE post_id = $1",
            "INSERT INTO forum_search (post_id, title, body) VALUES ($1, $2, $3)",
        ),
        _ => (
            "DELETE FROM forum_search WHERE rowid = ?1",
            "INSERT INTO forum_search (rowid, post_id, title, body) VALUES (?1, ?1, ?2, ?3)",
        ),
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        delete,
        [post_id.into()],
    ))
    .await
    .map_err(|e| db_error("indexing a post", e))?;
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        insert,
        [post_id.into(), title.into(), body.into()],
    ))
    .await
    .map_err(|e| db_error("indexing a post", e))?;
    Ok(())
}

/// The words of a query, at most ten, each at most 40 characters.
fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| word.chars().take(40).collect())
        .take(10)
        .collect()
}

/// Public posts only: the post is approved, not hidden and not deleted,
/// and its thread is public (as `refresh_thread` stores it).
const VISIBLE: &str = "p.approved_at IS NOT NULL AND p.hidden_at IS NULL AND p.deleted_at IS NULL \
     AND t.public";
/// The post and thread of an index entry. On SQLite the entry's rowid is
/// its post's id (see [`index`]): reading its `post_id` column instead
/// would read the entry's stored text, one random page per match.
fn joins(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "JOIN forum_posts p ON p.id = forum_search.post_id \
             JOIN forum_threads t ON t.id = p.thread_id"
        }
        _ => {
            "JOIN forum_posts p ON p.id = forum_search.rowid \
             JOIN forum_threads t ON t.id = p.thread_id"
        }
    }
}

/// The SQL that lists the newest [`SEARCH_MATCHES_AT_MOST`] visible
/// matches, each with whether the words are all in its title. Both
/// engines read the matches newest first from the index and stop at the
/// bound, so a word in every post costs no more than a word in a
/// thousand. (Weighing by frequency, as FTS5's `bm25` does, counts every
/// post that has each word: 12 ms for a word in half of a million posts,
/// more than the rest of the search together.) FTS5 walks a word's posts
/// from the newest when asked for them newest first, and from the oldest
/// otherwise, so every walk here goes newest first.
fn candidates_sql(backend: DbBackend, windowed: bool) -> String {
    let joins = joins(backend);
    match backend {
        // With a window, `$2` is how many of the newest post ids to search
        // (see `newest_in_windows`). Two statements rather than one with
        // an optional bound, so that each keeps a plan of its own.
        DbBackend::Postgres => format!(
            "SELECT forum_search.post_id AS id, \
             to_tsvector('english', forum_search.title) @@ query AS in_title \
             FROM forum_search {joins} CROSS JOIN plainto_tsquery('english', $1) AS query \
             WHERE forum_search.document @@ query {} AND {VISIBLE} \
             ORDER BY forum_search.post_id DESC LIMIT {SEARCH_MATCHES_AT_MOST}",
            if windowed {
                "AND forum_search.post_id > (SELECT max(post_id) FROM forum_search) - $2"
            } else {
                ""
            }
        ),
        _ => format!(
            "WITH newest AS MATERIALIZED (\
               SELECT forum_search.rowid AS id FROM forum_search {joins} \
               WHERE forum_search MATCH ?1 AND {VISIBLE} \
               ORDER BY forum_search.rowid DESC LIMIT {SEARCH_MATCHES_AT_MOST}) \
             SELECT newest.id AS id, newest.id IN (\
               SELECT rowid FROM forum_search \
               WHERE forum_search MATCH ?2 AND rowid >= (SELECT min(id) FROM newest) \
               ORDER BY rowid DESC LIMIT {}) AS in_title \
             FROM newest",
            2 * SEARCH_MATCHES_AT_MOST
        ),
    }
}

/// The SQL that reads the hits of one page (`count` posts, their ids
/// bound after the query's own values): the snippet, the thread and the
/// author in one statement.
///
/// FTS5 finds a single row of a full-text query by walking the word's
/// list of posts from its start, so asking for twenty rows by id walked it
/// twenty times (7 ms for a word in 14,000 posts). Instead one walk goes
/// down from the newest post of the page to its oldest, never past the
/// thousand newest matches, and keeps the page's posts (`+` makes SQLite
/// filter by the ids itself rather than hand them to FTS5).
fn hits_sql(backend: DbBackend, count: usize) -> String {
    let columns = "p.id AS post_id, p.created_at AS posted, \
         a.username AS author, t.id AS thread_id, t.title AS thread_title";
    let joins = format!(
        "{} LEFT JOIN accounts a ON a.id = p.author_id",
        joins(backend)
    );
    match backend {
        DbBackend::Postgres => {
            let ids = (3..3 + count).map(|n| format!("${n}")).collect::<Vec<_>>();
            format!(
                "SELECT {columns}, \
                 ts_headline('english', forum_search.body, plainto_tsquery('english', $1), $2) AS snippet \
                 FROM forum_search {joins} \
                 WHERE forum_search.post_id IN ({}) AND {VISIBLE}",
                ids.join(", ")
            )
        }
        _ => {
            let ids = (4..4 + count).map(|n| format!("?{n}")).collect::<Vec<_>>();
            format!(
                "SELECT {columns}, \
                 snippet(forum_search, 2, char(2), char(3), '…', 32) AS snippet \
                 FROM forum_search {joins} \
                 WHERE forum_search MATCH ?1 AND forum_search.rowid BETWEEN ?2 AND ?3 \
                 AND +forum_search.rowid IN ({}) AND {VISIBLE} \
                 ORDER BY forum_search.rowid DESC",
                ids.join(", ")
            )
        }
    }
}

#[derive(FromQueryResult)]
struct Candidate {
    id: i64,
    in_title: bool,
}

#[derive(FromQueryResult)]
struct Hit {
    post_id: i64,
    posted: TimeDateTimeWithTimeZone,
    author: Option<String>,
    thread_id: i64,
    thread_title: String,
    snippet: String,
}

/// Splits a highlighted snippet into plain and matched pieces.
fn segments(snippet: &str) -> Vec<Segment> {
    let mut pieces = Vec::new();
    let mut hit = false;
    let mut text = String::new();
    for c in snippet.chars() {
        if c == START || c == STOP {
            if !text.is_empty() {
                pieces.push(Segment {
                    text: std::mem::take(&mut text),
                    hit,
                });
            }
            hit = c == START;
        } else {
            text.push(c);
        }
    }
    if !text.is_empty() {
        pieces.push(Segment { text, hit });
    }
    pieces
}

/// The newest matches of recent searches, best first, so that the next
/// page of results, or the next person asking the same, costs one small
/// statement instead of reading a thousand matches again.
/// An entry is good until the counter of public changes moves (a post
/// written, edited, hidden or deleted anywhere, by any instance); the
/// memory is bounded in bytes, the least used entries going first. The
/// page's hits are read afresh each time, visibility included.
#[derive(Clone)]
pub struct RecentMatches(Arc<Cache<MatchesKey, Arc<[i64]>, ByLength>>);

/// The counter of public changes when the matches were read, and the
/// query's terms.
type MatchesKey = (i64, String);

impl std::fmt::Debug for RecentMatches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecentMatches({} entries)", self.0.len())
    }
}

/// What [`RecentMatches`] may hold: up to 512 full lists of matches.
const RECENT_MATCHES_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Clone)]
struct ByLength;

impl Weighter<MatchesKey, Arc<[i64]>> for ByLength {
    fn weight(&self, key: &MatchesKey, ids: &Arc<[i64]>) -> u64 {
        (key.1.len() + 8 * ids.len() + 64) as u64
    }
}

impl Default for RecentMatches {
    fn default() -> Self {
        Self(Arc::new(Cache::with_weighter(
            1024,
            RECENT_MATCHES_BYTES,
            ByLength,
        )))
    }
}

impl RecentMatches {
    /// The newest [`SEARCH_MATCHES_AT_MOST`] visible matches of `terms`,
    /// best first: those with the words in their title (a thread about
    /// them), then the newest. Requests for the same terms at the same
    /// moment wait for one reading instead of each reading the index.
    async fn ranked(&self, db: &DatabaseConnection, terms: &str) -> Result<Arc<[i64]>, AppError> {
        let generation = public_generation(db)
            .await
            .map_err(|e| db_error("reading the counter of public changes", e))?;
        self.0
            .get_or_insert_async(&(generation, terms.to_owned()), async {
                let mut found = match db.get_database_backend() {
                    DbBackend::Postgres => newest_in_windows(db, terms).await?,
                    backend => {
                        candidates(
                            db,
                            Statement::from_sql_and_values(
                                backend,
                                candidates_sql(backend, false),
                                [terms.into(), format!("title : ({terms})").into()],
                            ),
                        )
                        .await?
                    }
                };
                // Threads whose title has the words first, then the newest.
                found.sort_by_key(|c| (Reverse(c.in_title), Reverse(c.id)));
                Ok(found.into_iter().map(|c| c.id).collect())
            })
            .await
    }
}

async fn candidates(
    db: &DatabaseConnection,
    statement: Statement,
) -> Result<Vec<Candidate>, AppError> {
    Candidate::find_by_statement(statement)
        .all(db)
        .await
        .map_err(|e| db_error("searching the forum", e))
}

/// The window of post ids PostgreSQL searches first, counted down from
/// the newest post, and the next, eight times wider.
const FIRST_WINDOW: i64 = 16 * SEARCH_MATCHES_AT_MOST as i64;
const SECOND_WINDOW: i64 = 8 * FIRST_WINDOW;

/// PostgreSQL's newest [`SEARCH_MATCHES_AT_MOST`] matches.
///
/// Its GIN index gives a word's posts in no particular order, so the
/// newest thousand cost either fetching and checking every post that has
/// the words (cheap when they are few) or walking the posts from the
/// newest and testing each (cheap when most have them); its planner's
/// pick between the two flips with its estimates. So the search first
/// looks only at the newest 16,000 post ids. A query found that often is
/// answered there; one found often enough that eight times the window
/// should hold a thousand matches looks there next; any rarer query is
/// asked of the whole index, where its matches are few. Measured on a
/// million seeded posts, warm, against the whole index at once: the rare
/// word (in 1.4 % of the posts) 41 ms where it took 87, with a common word
/// 41–43 ms where it took 49–89; a common word 10 ms (8–13 before); two
/// words found together in a tenth of a percent 57 ms (42 before).
async fn newest_in_windows(
    db: &DatabaseConnection,
    terms: &str,
) -> Result<Vec<Candidate>, AppError> {
    let search = |window: Option<i64>| {
        let sql = candidates_sql(DbBackend::Postgres, window.is_some());
        let values: Vec<Value> = match window {
            Some(window) => vec![terms.into(), window.into()],
            None => vec![terms.into()],
        };
        candidates(
            db,
            Statement::from_sql_and_values(DbBackend::Postgres, sql, values),
        )
    };
    let bound = usize::try_from(SEARCH_MATCHES_AT_MOST).unwrap_or(usize::MAX);
    let found = search(Some(FIRST_WINDOW)).await?;
    if found.len() >= bound {
        return Ok(found);
    }
    if found.len() >= bound / 8 {
        let found = search(Some(SECOND_WINDOW)).await?;
        if found.len() >= bound {
            return Ok(found);
        }
    }
    search(None).await
}

/// Searches that run at once on this instance, at most: two per core.
/// More are refused at once (`busy`: 503 with `Retry-After`), so that a
/// flood of searches can never take the cores and database connections
/// that pages need.
pub static SEARCHES: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    tokio::sync::Semaphore::new(2 * cores)
});

/// How long a search may wait for one of the [`SEARCHES`] slots.
const SLOT_WAIT: Duration = Duration::from_millis(20);

/// Page `page` of the public posts matching `query`: those with the words
/// in their title first, then the newest.
pub async fn search(state: &AppState, query: &str, page: u64) -> Result<SearchResults, AppError> {
    let words = words(query);
    let empty = SearchResults {
        query: query.trim().to_owned(),
        hits: Vec::new(),
        total: 0,
        paging: Paging::of(1, 0, RESULTS_PER_PAGE),
    };
    if words.is_empty() {
        return Ok(empty);
    }
    let Ok(Ok(_slot)) = tokio::time::timeout(SLOT_WAIT, SEARCHES.acquire()).await else {
        return Err(AppError::Busy);
    };
    let db = &state.reads;
    let backend = db.get_database_backend();
    let terms = match backend {
        DbBackend::Postgres => words.join(" "),
        _ => words
            .iter()
            .map(|word| format!("\"{word}\""))
            .collect::<Vec<_>>()
            .join(" "),
    };
    let ranked = state
        .settings::<super::ForumSettings>()?
        .matches
        .ranked(db, &terms)
        .await?;
    let total = ranked.len() as u64;
    let paging = Paging::of(page, total, RESULTS_PER_PAGE);
    let skip = usize::try_from(paging.offset(RESULTS_PER_PAGE)).unwrap_or(usize::MAX);
    let take = usize::try_from(RESULTS_PER_PAGE).unwrap_or(20);
    let page_ids: Vec<i64> = ranked.iter().skip(skip).take(take).copied().collect();
    if page_ids.is_empty() {
        return Ok(SearchResults {
            total,
            paging,
            ..empty
        });
    }
    let mut values: Vec<Value> = vec![terms.into()];
    if backend == DbBackend::Postgres {
        values.push(
            format!(
                "StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \""
            )
            .into(),
        );
    } else {
        let oldest = page_ids.iter().min().copied().unwrap_or_default();
        let newest = page_ids.iter().max().copied().unwrap_or_default();
        values.extend([oldest.into(), newest.into()]);
    }
    values.extend(page_ids.iter().map(|&id| Value::from(id)));
    let mut hits: HashMap<i64, Hit> = Hit::find_by_statement(Statement::from_sql_and_values(
        backend,
        hits_sql(backend, page_ids.len()),
        values,
    ))
    .all(db)
    .await
    .map_err(|e| db_error("reading search results", e))?
    .into_iter()
    .map(|hit| (hit.post_id, hit))
    .collect();
    // In the candidates' order; a post hidden since the first statement is
    // left out.
    let hits = page_ids
        .iter()
        .filter_map(|id| hits.remove(id))
        .map(|hit| SearchHit {
            post: PostId(hit.post_id),
            thread: ThreadId(hit.thread_id),
            thread_title: hit.thread_title,
            snippet: segments(&hit.snippet),
            author: hit.author,
            posted: moment(hit.posted),
        })
        .collect();
    Ok(SearchResults {
        hits,
        total,
        paging,
        ..empty
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_words_drop_operators_and_quotes() {
        assert_eq!(
            words("\"rust\" OR build* -- NEAR(arm)"),
            ["rust", "OR", "build", "NEAR", "arm"]
        );
        assert!(words("*** \"\"").is_empty());
    }

    #[test]
    fn snippets_split_into_hits() {
        let pieces = segments("a \u{2}rust\u{3} b");
        assert_eq!(
            pieces,
            [
                Segment {
                    text: "a ".into(),
                    hit: false
                },
                Segment {
                    text: "rust".into(),
                    hit: true
                },
                Segment {
                    text: " b".into(),
                    hit: false
                },
            ]
        );
    }
}
