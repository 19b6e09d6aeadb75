//! Full-text search with the database's own engine: FTS5 on SQLite, a
//! stored `tsvector` column with a GIN index on PostgreSQL. Both index
//! every post (the first post of a thread with its title); visibility is
//! applied when searching, so a post hidden a second ago is already never
//! found.

use std::{collections::HashMap, sync::LazyLock, time::Duration};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement, Value,
};

use super::{moment, post, thread, usernames};
use crate::{
    error::AppError,
    forum::{
        Paging, PostId, RESULTS_PER_PAGE, SEARCH_WEIGHS_AT_MOST, SearchHit, SearchResults, Segment,
        ThreadId,
    },
    ssr::{AppState, db_error},
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
const JOINS: &str = "JOIN forum_posts p ON p.id = forum_search.post_id \
     JOIN forum_threads t ON t.id = p.thread_id";

/// The SQL that counts matches (up to [`SEARCH_WEIGHS_AT_MOST`]) and the SQL that
/// lists a page of them, best first among the newest [`SEARCH_WEIGHS_AT_MOST`].
fn statements(backend: DbBackend) -> (String, String) {
    match backend {
        DbBackend::Postgres => {
            let matches = "forum_search.document @@ plainto_tsquery('english', $1)";
            let newest = format!(
                "SELECT forum_search.post_id FROM forum_search {JOINS} WHERE {matches} AND {VISIBLE} \
                 ORDER BY forum_search.post_id DESC LIMIT {SEARCH_WEIGHS_AT_MOST}"
            );
            (
                format!("SELECT COUNT(*) AS total FROM ({newest}) AS newest"),
                format!(
                    "SELECT forum_search.post_id AS post_id, \
                     ts_headline('english', forum_search.body, plainto_tsquery('english', $1), $2) AS snippet \
                     FROM forum_search WHERE forum_search.post_id IN ({newest}) \
                     ORDER BY ts_rank(forum_search.document, plainto_tsquery('english', $1)) DESC, \
                     forum_search.post_id DESC \
                     LIMIT $3 OFFSET $4"
                ),
            )
        }
        _ => {
            let newest = format!(
                "SELECT forum_search.rowid AS id, forum_search.rank AS rank FROM forum_search {JOINS} \
                 WHERE forum_search MATCH ?1 AND {VISIBLE} \
                 ORDER BY forum_search.rowid DESC LIMIT {SEARCH_WEIGHS_AT_MOST}"
            );
            (
                format!("SELECT COUNT(*) AS total FROM ({newest})"),
                format!(
                    "SELECT forum_search.post_id AS post_id, \
                     snippet(forum_search, 2, char(2), char(3), '…', 32) AS snippet \
                     FROM ({newest}) AS newest JOIN forum_search ON forum_search.rowid = newest.id \
                     WHERE forum_search MATCH ?1 \
                     ORDER BY newest.rank, newest.id DESC LIMIT ?2 OFFSET ?3"
                ),
            )
        }
    }
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

/// Page `page` of the public posts matching `query`, best first.
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
    let (count_sql, page_sql) = statements(backend);
    let total: i64 = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            count_sql,
            [terms.clone().into()],
        ))
        .await
        .map_err(|e| db_error("counting search results", e))?
        .map(|row| row.try_get("", "total"))
        .transpose()
        .map_err(|e| db_error("counting search results", e))?
        .unwrap_or(0);
    let total = u64::try_from(total).unwrap_or(0);
    let paging = Paging::of(page, total, RESULTS_PER_PAGE);
    let options = format!(
        "StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \""
    );
    let limit: Value = i64::try_from(RESULTS_PER_PAGE).unwrap_or(20).into();
    let offset: Value = i64::try_from(paging.offset(RESULTS_PER_PAGE))
        .unwrap_or(0)
        .into();
    let values: Vec<Value> = match backend {
        DbBackend::Postgres => vec![terms.into(), options.into(), limit, offset],
        _ => vec![terms.into(), limit, offset],
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, page_sql, values))
        .await
        .map_err(|e| db_error("searching the forum", e))?;
    let mut found: Vec<(i64, String)> = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row
            .try_get("", "post_id")
            .map_err(|e| db_error("reading search results", e))?;
        let snippet: String = row
            .try_get("", "snippet")
            .map_err(|e| db_error("reading search results", e))?;
        found.push((id, snippet));
    }
    let posts: HashMap<i64, post::Model> = post::Entity::find()
        .filter(post::Column::Id.is_in(found.iter().map(|(id, _)| *id)))
        .all(db)
        .await
        .map_err(|e| db_error("loading search results", e))?
        .into_iter()
        .map(|post| (post.id, post))
        .collect();
    let threads: HashMap<i64, thread::Model> = thread::Entity::find()
        .filter(thread::Column::Id.is_in(posts.values().map(|post| post.thread_id)))
        .all(db)
        .await
        .map_err(|e| db_error("loading search results", e))?
        .into_iter()
        .map(|thread| (thread.id, thread))
        .collect();
    let names = usernames(db, posts.values().filter_map(|post| post.author_id)).await?;
    let hits = found
        .into_iter()
        .filter_map(|(id, snippet)| {
            let post = posts.get(&id)?;
            let thread = threads.get(&post.thread_id)?;
            Some(SearchHit {
                post: PostId(id),
                thread: ThreadId(thread.id),
                thread_title: thread.title.clone(),
                snippet: segments(&snippet),
                author: post.author_id.and_then(|id| names.get(&id).cloned()),
                posted: moment(post.created_at),
            })
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
