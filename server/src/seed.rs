//! `portal seed`: a realistic community written straight into the
//! database, for trying the portal and measuring it at size.
//!
//! Members, categories, threads with a long-tailed reply distribution (one
//! thread of exactly 500 replies, so benchmarks can page through a long
//! one), Markdown bodies of realistic length, hidden, deleted and held
//! posts, reports, CLA signatures, jobs and applications, page views of the
//! visit statistics — with the same
//! derived state the application keeps (reply counts, latest activity,
//! public threads, category counts, the search index). Rows go in as
//! multi-row `INSERT`s inside one transaction per table, so a million
//! posts take minutes. Everything is made up and reproducible from
//! `--random-seed`; every member's password is [`PASSWORD`].

mod visits;

use std::time::Instant;

use anyhow::{Context, bail};
use app::{
    accounts::{Email, Username},
    ssr::markdown::member_html,
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, Statement,
    TransactionTrait, Value,
};
use secrecy::SecretString;
use time::{Duration, OffsetDateTime};

/// The password of every seeded member (for sign-in benchmarks).
pub const PASSWORD: &str = "seeded member password";

/// The thread with exactly this many replies is the first one seeded.
pub const LONG_THREAD_REPLIES: u64 = 500;

/// A word that about one post in five thousand contains, for benchmarks of
/// a search with few hits.
pub const RARE_WORD: &str = "quasarflux";

/// How much to make.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub posts: u64,
    pub members: u64,
    pub categories: u64,
    pub jobs: u64,
    /// Page views of the visit statistics, over the last
    /// [`visits::DAYS`] days.
    pub page_views: u64,
    /// Days raw page views are kept (the configured retention).
    pub keep_days: u16,
    pub random_seed: u64,
}

/// What was made.
#[derive(Debug, Default)]
pub struct Seeded {
    pub members: u64,
    pub categories: u64,
    pub threads: u64,
    pub posts: u64,
    pub reports: u64,
    pub signatures: u64,
    pub jobs: u64,
    pub applications: u64,
    pub page_views: u64,
}

/// Fills an empty forum. Refuses a database that already holds posts.
pub async fn seed(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    plan: Plan,
) -> anyhow::Result<Seeded> {
    let backend = db.get_database_backend();
    if count(db, "SELECT COUNT(*) AS n FROM forum_posts").await? > 0 {
        bail!("the database already holds forum posts; seed an empty one");
    }
    let mut rng = StdRng::seed_from_u64(plan.random_seed);
    let mut seeded = Seeded::default();
    let started = Instant::now();
    let password_hash = app::accounts::ssr::hash_password(
        app::accounts::ssr::Password::parse(SecretString::from(PASSWORD))
            .map_err(anyhow::Error::msg)?,
    )
    .await
    .context("hashing the seeded members' password")?;

    let tx = db.begin().await?;
    let first_member = next_id(&tx, "accounts").await?;
    let mut rows = Rows::new(
        "accounts",
        &[
            "id",
            "username",
            "username_key",
            "email",
            "email_key",
            "email_verified_at",
            "password_hash",
            "age_confirmed_at",
            "created_at",
        ],
    );
    for n in 0..plan.members {
        let name = format!("member{:06}", n + 1);
        let username = Username::parse(&name).map_err(anyhow::Error::msg)?;
        let email = Email::parse(&format!("{name}@example.test")).map_err(anyhow::Error::msg)?;
        let joined = now - Duration::days(730) + Duration::minutes(i64::try_from(n)? % 1_000_000);
        rows.push(vec![
            (first_member + i64::try_from(n)?).into(),
            name.clone().into(),
            username.key().into(),
            email.as_str().to_owned().into(),
            email.key().into(),
            joined.into(),
            password_hash.clone().into(),
            joined.into(),
            joined.into(),
        ]);
        rows.flush_if_full(&tx).await?;
    }
    rows.flush(&tx).await?;
    tx.commit().await?;
    seeded.members = plan.members;
    let member = |rng: &mut StdRng| {
        first_member + rng.random_range(0..i64::try_from(plan.members.max(1)).unwrap_or(1))
    };
    tracing::info!(members = plan.members, elapsed = ?started.elapsed(), "members seeded");

    let tx = db.begin().await?;
    let first_category = next_id(&tx, "forum_categories").await?;
    let mut rows = Rows::new(
        "forum_categories",
        &["id", "name", "description", "position", "created_at"],
    );
    for n in 0..plan.categories {
        let name = CATEGORY_NAMES
            .get(usize::try_from(n)?)
            .map_or_else(|| format!("Category {}", n + 1), |name| (*name).to_owned());
        rows.push(vec![
            (first_category + i64::try_from(n)?).into(),
            name.into(),
            sentence(&mut rng, 8, 16).into(),
            i32::try_from(n)?.into(),
            (now - Duration::days(731)).into(),
        ]);
    }
    rows.flush(&tx).await?;
    tx.commit().await?;
    seeded.categories = plan.categories;

    // Threads and their replies.
    let threads = (plan.posts / 3).max(1).min(plan.posts);
    let replies = plan.posts - threads;
    let shares = reply_counts(&mut rng, threads, replies);
    let first_thread = next_id(db, "forum_threads").await?;
    let first_post = next_id(db, "forum_posts").await?;
    let span = 730 * 24 * 60; // two years, in minutes
    let mut thread_rows = Rows::new(
        "forum_threads",
        &[
            "id",
            "category_id",
            "author_id",
            "title",
            "first_post_id",
            "locked",
            "reply_count",
            "last_activity_at",
            "created_at",
            "public",
        ],
    );
    let mut post_rows = Rows::new(
        "forum_posts",
        &[
            "id",
            "thread_id",
            "author_id",
            "body",
            "body_html",
            "created_at",
            "edited_at",
            "approved_at",
            "hidden_at",
            "deleted_at",
        ],
    );
    let mut post_id = first_post;
    let mut reported = Vec::new();
    let tx = db.begin().await?;
    for (index, thread_replies) in shares.iter().enumerate() {
        let thread_id = first_thread + i64::try_from(index)?;
        // The oldest threads first, so ids and times grow together.
        let started_at = now - Duration::minutes(span)
            + Duration::minutes(span * i64::try_from(index)? / i64::try_from(threads)?);
        let category = first_category + i64::try_from(rng.random_range(0..plan.categories.max(1)))?;
        let first_id = post_id;
        let mut last_visible = started_at;
        let mut visible_replies = 0;
        let mut thread_public = false;
        let mut at = started_at;
        let mut posts = Vec::new();
        for reply in 0..=*thread_replies {
            if reply > 0 {
                at += Duration::minutes(rng.random_range(1..600));
                at = at.min(now - Duration::minutes(1));
            }
            let state = PostState::draw(&mut rng);
            let text = body(&mut rng);
            let html = member_html(&text);
            posts.push(vec![
                post_id.into(),
                thread_id.into(),
                member(&mut rng).into(),
                text.into(),
                html.into(),
                at.into(),
                Value::from(rng.random_bool(0.05).then_some(at + Duration::minutes(5))),
                Value::from((state != PostState::Held).then_some(at)),
                Value::from((state == PostState::Hidden).then_some(at + Duration::hours(1))),
                Value::from((state == PostState::Deleted).then_some(at + Duration::hours(2))),
            ]);
            if state == PostState::Visible {
                last_visible = last_visible.max(at);
                if reply == 0 {
                    thread_public = true;
                } else {
                    visible_replies += 1;
                }
            }
            if rng.random_bool(0.005) {
                reported.push((post_id, at));
            }
            post_id += 1;
        }
        thread_rows.push(vec![
            thread_id.into(),
            category.into(),
            member(&mut rng).into(),
            title(&mut rng).into(),
            first_id.into(),
            rng.random_bool(0.02).into(),
            visible_replies.into(),
            last_visible.into(),
            started_at.into(),
            thread_public.into(),
        ]);
        for row in posts {
            post_rows.push(row);
            if post_rows.is_full() {
                // Threads go in before the posts that point at them.
                thread_rows.flush(&tx).await?;
                post_rows.flush(&tx).await?;
            }
        }
        thread_rows.flush_if_full(&tx).await?;
    }
    thread_rows.flush(&tx).await?;
    post_rows.flush(&tx).await?;
    tx.commit().await?;
    seeded.threads = threads;
    seeded.posts = u64::try_from(post_id - first_post)?;
    tracing::info!(threads, posts = seeded.posts, elapsed = ?started.elapsed(), "posts seeded");

    let tx = db.begin().await?;
    tx.execute_unprepared(
        "UPDATE forum_categories SET public_threads = (
             SELECT COUNT(*) FROM forum_threads t
             WHERE t.category_id = forum_categories.id AND t.public)",
    )
    .await?;
    tx.execute_raw(Statement::from_sql_and_values(
        backend,
        match backend {
            DbBackend::Postgres => {
                "INSERT INTO forum_search (post_id, title, body) \
                 SELECT p.id, CASE WHEN t.first_post_id = p.id THEN t.title ELSE '' END, p.body \
                 FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id WHERE p.id >= $1"
            }
            _ => {
                "INSERT INTO forum_search (rowid, post_id, title, body) \
                 SELECT p.id, p.id, CASE WHEN t.first_post_id = p.id THEN t.title ELSE '' END, p.body \
                 FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id WHERE p.id >= ?"
            }
        },
        [first_post.into()],
    ))
    .await
    .context("filling the search index")?;
    tx.commit().await?;
    tracing::info!(elapsed = ?started.elapsed(), "search index filled");

    // Reports, each flagged by one to three members.
    let tx = db.begin().await?;
    let first_report = next_id(&tx, "forum_reports").await?;
    let mut reports = Rows::new(
        "forum_reports",
        &["id", "post_id", "reported_body", "created_at"],
    );
    let mut flags = Rows::new(
        "forum_report_flags",
        &["report_id", "reporter_id", "reason", "created_at"],
    );
    for (n, (post, at)) in reported.iter().enumerate() {
        let report = first_report + i64::try_from(n)?;
        reports.push(vec![
            report.into(),
            (*post).into(),
            body(&mut rng).into(),
            (*at + Duration::hours(3)).into(),
        ]);
        let mut reporters: Vec<i64> = (0..rng.random_range(1..=3))
            .map(|_| member(&mut rng))
            .collect();
        reporters.sort_unstable();
        reporters.dedup();
        for reporter in reporters {
            flags.push(vec![
                report.into(),
                reporter.into(),
                ["spam", "abuse", "off_topic"][rng.random_range(0..3)].into(),
                (*at + Duration::hours(3)).into(),
            ]);
        }
        if reports.is_full() || flags.is_full() {
            // Reports go in before the flags that point at them.
            reports.flush(&tx).await?;
            flags.flush(&tx).await?;
        }
    }
    reports.flush(&tx).await?;
    flags.flush(&tx).await?;
    tx.commit().await?;
    seeded.reports = u64::try_from(reported.len())?;

    seeded.signatures = seed_signatures(db, &mut rng, now, first_member, plan.members).await?;
    (seeded.jobs, seeded.applications) = seed_jobs(db, &mut rng, now, plan.jobs).await?;
    seeded.page_views = visits::seed_views(
        db,
        &mut rng,
        now,
        plan.page_views,
        plan.keep_days,
        (first_thread, threads),
        (first_category, plan.categories),
    )
    .await?;
    tracing::info!(page_views = seeded.page_views, elapsed = ?started.elapsed(), "page views seeded");
    fix_sequences(db).await?;
    // Statistics for the planner after a bulk load and, on SQLite, the
    // write-ahead log folded into the database, so that the first reads
    // do not have to search a log of a million rows.
    match backend {
        DbBackend::Postgres => db.execute_unprepared("ANALYZE").await?,
        _ => {
            db.execute_unprepared("PRAGMA optimize").await?;
            db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await?
        }
    };
    tracing::info!(elapsed = ?started.elapsed(), "seeding done");
    Ok(seeded)
}

/// Individual CLA signatures by one member in ten, under the current
/// agreement, confirmed.
async fn seed_signatures(
    db: &DatabaseConnection,
    rng: &mut StdRng,
    now: OffsetDateTime,
    first_member: i64,
    members: u64,
) -> anyhow::Result<u64> {
    let agreement = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id, version, sha256 FROM documents WHERE kind = 'individual_cla' \
             ORDER BY version DESC LIMIT 1",
        ))
        .await?;
    let Some(agreement) = agreement else {
        return Ok(0);
    };
    let document: i64 = agreement.try_get("", "id")?;
    let version: i32 = agreement.try_get("", "version")?;
    let sha256: String = agreement.try_get("", "sha256")?;
    let tx = db.begin().await?;
    let mut rows = Rows::new(
        "cla_signatures",
        &[
            "account_id",
            "document_id",
            "kind",
            "version",
            "sha256",
            "full_name",
            "email",
            "email_key",
            "github_login",
            "github_login_key",
            "signature",
            "signed_at",
            "email_confirmed_at",
        ],
    );
    let mut signed = 0;
    for n in (0..members).step_by(10) {
        let name = format!("member{:06}", n + 1);
        let at = now - Duration::days(rng.random_range(1..700));
        rows.push(vec![
            (first_member + i64::try_from(n)?).into(),
            document.into(),
            "individual".into(),
            version.into(),
            sha256.clone().into(),
            format!("Member {}", n + 1).into(),
            format!("{name}@example.test").into(),
            format!("{name}@example.test").into(),
            format!("{name}-gh").into(),
            format!("{name}-gh").into(),
            format!("Member {}", n + 1).into(),
            at.into(),
            at.into(),
        ]);
        rows.flush_if_full(&tx).await?;
        signed += 1;
    }
    rows.flush(&tx).await?;
    tx.commit().await?;
    Ok(signed)
}

/// Open jobs, each with a few applications at every stage.
async fn seed_jobs(
    db: &DatabaseConnection,
    rng: &mut StdRng,
    now: OffsetDateTime,
    jobs: u64,
) -> anyhow::Result<(u64, u64)> {
    let tx = db.begin().await?;
    let first_job = next_id(&tx, "jobs").await?;
    let mut job_rows = Rows::new(
        "jobs",
        &[
            "id",
            "title",
            "team",
            "location",
            "workplace",
            "employment",
            "description",
            "open",
            "created_at",
            "updated_at",
        ],
    );
    let mut applications = Rows::new(
        "job_applications",
        &[
            "job_id",
            "status",
            "full_name",
            "street",
            "city",
            "postal_code",
            "country",
            "phone",
            "cover_note",
            "email",
            "email_key",
            "submitted_at",
            "updated_at",
        ],
    );
    let mut applied = 0;
    for n in 0..jobs {
        let id = first_job + i64::try_from(n)?;
        let posted = now - Duration::days(rng.random_range(1..90));
        job_rows.push(vec![
            id.into(),
            format!(
                "{} {}",
                JOB_TITLES[rng.random_range(0..JOB_TITLES.len())],
                n + 1
            )
            .into(),
            ["Engineering", "Community", "Security", "Design"][rng.random_range(0..4)].into(),
            ["Berlin", "Lisbon", "Toronto", "Remote (EU)"][rng.random_range(0..4)].into(),
            ["on_site", "hybrid", "remote"][rng.random_range(0..3)].into(),
            ["full_time", "part_time", "contract"][rng.random_range(0..3)].into(),
            body(rng).into(),
            true.into(),
            posted.into(),
            posted.into(),
        ]);
        for a in 0..rng.random_range(2..12) {
            let address = format!("applicant{n}-{a}@example.test");
            let at = posted + Duration::hours(rng.random_range(1..48));
            applications.push(vec![
                id.into(),
                ["received", "reviewing", "interview"][rng.random_range(0..3)].into(),
                format!("Applicant {n}-{a}").into(),
                format!("{} Example Street", rng.random_range(1..200)).into(),
                "Springfield".into(),
                format!("{:05}", rng.random_range(10000..99999)).into(),
                "Germany".into(),
                format!("+49 30 {:07}", rng.random_range(1_000_000..9_999_999)).into(),
                sentence(rng, 10, 30).into(),
                address.clone().into(),
                address.into(),
                at.into(),
                at.into(),
            ]);
            applied += 1;
        }
        if job_rows.is_full() || applications.is_full() {
            // Jobs go in before the applications that point at them.
            job_rows.flush(&tx).await?;
            applications.flush(&tx).await?;
        }
    }
    job_rows.flush(&tx).await?;
    applications.flush(&tx).await?;
    tx.commit().await?;
    Ok((jobs, applied))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PostState {
    Visible,
    Held,
    Hidden,
    Deleted,
}

impl PostState {
    fn draw(rng: &mut StdRng) -> Self {
        match rng.random_range(0..1000) {
            0..10 => Self::Held,
            10..30 => Self::Hidden,
            30..40 => Self::Deleted,
            _ => Self::Visible,
        }
    }
}

/// How many replies each of `threads` threads gets, `total` in all: the
/// first gets [`LONG_THREAD_REPLIES`], the rest follow a Pareto
/// distribution (most threads get a few replies, a few get hundreds).
fn reply_counts(rng: &mut StdRng, threads: u64, total: u64) -> Vec<u64> {
    let count = usize::try_from(threads).unwrap_or(0);
    if count == 0 {
        return Vec::new();
    }
    let mut counts = vec![0; count];
    let long = LONG_THREAD_REPLIES.min(total);
    counts[0] = long;
    let rest = total - long;
    if count < 2 {
        counts[0] = total;
        return counts;
    }
    let weights: Vec<f64> = (1..count)
        .map(|_| (1.0 - rng.random::<f64>()).powf(-1.0 / 1.5))
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut given = 0;
    for (slot, weight) in counts[1..].iter_mut().zip(&weights) {
        // A share of at most `rest`, rounded down.
        let share = (weight / sum * rest as f64) as u64;
        *slot = share;
        given += share;
    }
    // What rounding left over goes one each to threads spread over the list.
    let mut left = rest.saturating_sub(given);
    let mut index = 1;
    while left > 0 {
        counts[index] += 1;
        left -= 1;
        index = index % (count - 1) + 1;
    }
    counts
}

const CATEGORY_NAMES: &[&str] = &[
    "Announcements",
    "Help and support",
    "Development",
    "Ideas and feedback",
    "Show and tell",
    "Security",
    "Packaging",
    "Off topic",
];

const JOB_TITLES: &[&str] = &[
    "Backend engineer",
    "Community manager",
    "Security engineer",
    "Technical writer",
    "Release engineer",
];

const WORDS: &[&str] = &[
    "the",
    "a",
    "release",
    "build",
    "server",
    "config",
    "we",
    "you",
    "it",
    "is",
    "on",
    "with",
    "for",
    "to",
    "in",
    "and",
    "of",
    "after",
    "upgrade",
    "database",
    "migration",
    "plugin",
    "error",
    "log",
    "version",
    "docs",
    "cache",
    "thread",
    "memory",
    "fix",
    "patch",
    "test",
    "works",
    "fails",
    "again",
    "maybe",
    "because",
    "install",
    "package",
    "docker",
    "proxy",
    "timeout",
    "request",
    "latency",
    "query",
    "index",
    "schema",
    "backup",
    "restore",
    "cluster",
    "node",
    "token",
    "session",
    "login",
    "password",
    "key",
    "feature",
    "issue",
    "bug",
    "report",
    "thanks",
    "question",
    "answer",
    "idea",
    "roadmap",
    "api",
    "client",
    "library",
    "crate",
    "compile",
    "runtime",
    "linux",
    "windows",
    "mac",
    "arm",
    "performance",
    "slow",
    "fast",
    "option",
    "flag",
    "default",
    "setting",
    "file",
    "folder",
    "path",
    "network",
    "port",
    "certificate",
    "tls",
    "update",
    "community",
    "contributor",
    "license",
    "review",
    "merge",
];

fn word(rng: &mut StdRng) -> &'static str {
    WORDS[rng.random_range(0..WORDS.len())]
}

fn sentence(rng: &mut StdRng, least: usize, most: usize) -> String {
    let length = rng.random_range(least..=most);
    let mut text = String::new();
    for n in 0..length {
        let next = if rng.random_ratio(1, 5000) {
            RARE_WORD
        } else {
            word(rng)
        };
        if n == 0 {
            let mut chars = next.chars();
            if let Some(first) = chars.next() {
                text.extend(first.to_uppercase());
                text.push_str(chars.as_str());
            }
        } else {
            text.push(' ');
            if rng.random_ratio(1, 40) {
                text.push('`');
                text.push_str(next);
                text.push('`');
            } else {
                text.push_str(next);
            }
        }
    }
    text.push(['.', '.', '.', '?', '!'][rng.random_range(0..5)]);
    text
}

fn title(rng: &mut StdRng) -> String {
    let mut title = sentence(rng, 3, 9);
    title.pop();
    title.replace('`', "")
}

/// A Markdown post of one to four paragraphs, now and then a list or a
/// link: about 400 characters on average, with a long tail.
fn body(rng: &mut StdRng) -> String {
    let mut text = String::new();
    for paragraph in 0..rng.random_range(1..=4) {
        if paragraph > 0 {
            text.push_str("\n\n");
        }
        if rng.random_ratio(1, 8) {
            for _ in 0..rng.random_range(2..5) {
                text.push_str("- ");
                text.push_str(&sentence(rng, 3, 8));
                text.push('\n');
            }
            continue;
        }
        for s in 0..rng.random_range(1..=4) {
            if s > 0 {
                text.push(' ');
            }
            text.push_str(&sentence(rng, 5, 18));
        }
        if rng.random_ratio(1, 10) {
            text.push_str(" See [the docs](https://docs.example.org/guide) for more.");
        }
    }
    text
}

/// Rows for one table, written as multi-row `INSERT`s of at most
/// [`Rows::LIMIT`] values each.
struct Rows {
    table: &'static str,
    columns: &'static [&'static str],
    values: Vec<Value>,
}

impl Rows {
    /// Below SQLite's 32,766 and PostgreSQL's 65,535 bound values, with room
    /// for the few rows a parent's children may add before the next check.
    const LIMIT: usize = 30_000;

    fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            table,
            columns,
            values: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.values.extend(row);
    }

    fn len(&self) -> usize {
        self.values.len() / self.columns.len()
    }

    fn is_full(&self) -> bool {
        self.values.len() + self.columns.len() > Self::LIMIT
    }

    async fn flush_if_full(&mut self, tx: &DatabaseTransaction) -> anyhow::Result<()> {
        if self.is_full() {
            self.flush(tx).await?;
        }
        Ok(())
    }

    async fn flush(&mut self, tx: &DatabaseTransaction) -> anyhow::Result<()> {
        if self.values.is_empty() {
            return Ok(());
        }
        let backend = tx.get_database_backend();
        let width = self.columns.len();
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            self.table,
            self.columns.join(", ")
        );
        for row in 0..self.len() {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            for column in 0..width {
                if column > 0 {
                    sql.push_str(", ");
                }
                match backend {
                    DbBackend::Postgres => sql.push_str(&format!("${}", row * width + column + 1)),
                    _ => sql.push('?'),
                }
            }
            sql.push(')');
        }
        let values = std::mem::take(&mut self.values);
        tx.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await
            .with_context(|| format!("writing rows of {}", self.table))?;
        Ok(())
    }
}

async fn count<C: ConnectionTrait>(db: &C, sql: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .context("no answer to a count")?;
    Ok(row.try_get("", "n")?)
}

/// The id after the largest one in `table`.
async fn next_id<C: ConnectionTrait>(db: &C, table: &str) -> anyhow::Result<i64> {
    count(
        db,
        &format!("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM {table}"),
    )
    .await
}

/// PostgreSQL hands out ids from sequences, which rows written with their
/// own ids do not move: set each past the largest id.
async fn fix_sequences(db: &DatabaseConnection) -> anyhow::Result<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in [
        "accounts",
        "forum_categories",
        "forum_threads",
        "forum_posts",
        "forum_reports",
        "jobs",
        "insight_page_views",
    ] {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
        ))
        .await
        .with_context(|| format!("moving the id sequence of {table}"))?;
    }
    Ok(())
}
