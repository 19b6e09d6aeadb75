//! The forum as members use it: posting, what posts may hold, locked
//! threads, held first posts, reports, revisions, search and notifications.

use std::error::Error;

use app::{
    forum::{
        Notification, NotificationKind, PostState, Posting, Revision, SearchResults, ThreadView,
        ssr::{category, post, thread},
    },
    moderation::{Queue, ssr::report},
};
use scraper::{Html, Selector};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use time::Duration;

use crate::{
    admin::roles::admin,
    helpers::{Answer, PASSWORD, TestApp, TestResult, spawn_app_with},
};

/// Posts need no approval, so tests about something else can read them at once.
pub const NOT_HELD: &[(&str, &str)] = &[("PORTAL_FORUM_HELD_POSTS", "0")];

/// The admin "boss", signed in in a browser of their own, and the
/// category "General" they made; returns the browser and the category's id.
pub async fn forum_admin(app: &TestApp) -> Result<(TestApp, i64), Box<dyn Error>> {
    admin(app).await?;
    let boss = TestApp::visitor_of(app)?;
    let signed_in = boss.sign_in("boss", PASSWORD).await?;
    assert_eq!(signed_in.error(), None, "{signed_in:?}");
    boss.accept_policy().await?;
    let general = add_category(&boss, "General").await?;
    Ok((boss, general))
}

/// Makes a category through the admins' server function; returns its id.
pub async fn add_category(admin: &TestApp, name: &str) -> Result<i64, Box<dyn Error>> {
    let saved = admin
        .call(
            "forum/save-category",
            &[
                ("name", name),
                ("description", "Anything goes."),
                ("position", "10"),
            ],
        )
        .await?;
    assert_eq!(saved.error(), None, "{saved:?}");
    let row = category::Entity::find()
        .filter(category::Column::Name.eq(name))
        .one(&admin.db)
        .await?
        .ok_or("category not saved")?;
    Ok(row.id)
}

/// A confirmed member signed in in a browser of their own.
pub async fn member(app: &TestApp, username: &str) -> Result<TestApp, Box<dyn Error>> {
    let browser = TestApp::visitor_of(app)?;
    browser
        .signed_in_member(username, &format!("{username}@example.org"))
        .await?;
    Ok(browser)
}

/// A member holding the moderator role, in a browser of their own.
pub async fn moderator(app: &TestApp, username: &str) -> Result<TestApp, Box<dyn Error>> {
    let browser = member(app, username).await?;
    app.grant(username, "moderator").await?;
    Ok(browser)
}

/// A thread and its first post.
#[derive(Debug, Clone, Copy)]
pub struct Started {
    pub thread: i64,
    pub post: i64,
}

pub async fn try_start_thread(
    author: &TestApp,
    category: i64,
    title: &str,
    body: &str,
) -> reqwest::Result<Answer> {
    author
        .call(
            "forum/start-thread",
            &[
                ("category", &category.to_string()),
                ("title", title),
                ("body", body),
            ],
        )
        .await
}

/// Starts a thread, which must succeed.
pub async fn start_thread(
    author: &TestApp,
    category: i64,
    title: &str,
    body: &str,
) -> Result<Started, Box<dyn Error>> {
    let answer = try_start_thread(author, category, title, body).await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    let location = answer
        .location
        .ok_or("no redirect after starting a thread")?;
    let thread: i64 = location
        .strip_prefix("/forum/t/")
        .and_then(|rest| rest.split('-').next())
        .ok_or_else(|| format!("unexpected redirect {location}"))?
        .parse()?;
    let row = thread::Entity::find_by_id(thread)
        .one(&author.db)
        .await?
        .ok_or("thread not saved")?;
    Ok(Started {
        thread,
        post: row.first_post_id.ok_or("thread without a first post")?,
    })
}

pub async fn try_reply(author: &TestApp, thread: i64, body: &str) -> reqwest::Result<Answer> {
    author
        .call(
            "forum/reply",
            &[("thread", &thread.to_string()), ("body", body)],
        )
        .await
}

/// Replies to a thread, which must succeed; returns the new post's id.
pub async fn reply(author: &TestApp, thread: i64, body: &str) -> Result<i64, Box<dyn Error>> {
    let answer = try_reply(author, thread, body).await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    let location = answer.location.ok_or("no redirect after replying")?;
    // To the post's address, or to its place on the thread's page.
    let id = location
        .strip_prefix("/forum/p/")
        .or_else(|| location.split_once("#post-").map(|(_, id)| id))
        .ok_or_else(|| format!("unexpected redirect {location}"))?;
    Ok(id.parse()?)
}

/// Page 1 of a thread as `reader` sees it, which must be found.
pub async fn read_thread(reader: &TestApp, thread: i64) -> Result<ThreadView, Box<dyn Error>> {
    let answer = reader
        .call(
            "forum/thread",
            &[("thread", &thread.to_string()), ("page", "1")],
        )
        .await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    Ok(serde_json::from_str(&answer.body)?)
}

/// The ids of the posts on page 1 of a thread, as `reader` sees it.
pub async fn post_ids(reader: &TestApp, thread: i64) -> Result<Vec<i64>, Box<dyn Error>> {
    Ok(read_thread(reader, thread)
        .await?
        .posts
        .iter()
        .map(|post| post.id.0)
        .collect())
}

/// Calls a moderation action on a post.
pub async fn moderate_post(
    moderator: &TestApp,
    post: i64,
    action: &str,
) -> reqwest::Result<Answer> {
    moderator
        .call(
            "moderation/post",
            &[
                ("post", &post.to_string()),
                ("action", action),
                ("reason", "Against the forum rules."),
            ],
        )
        .await
}

pub async fn search(
    reader: &TestApp,
    query: &str,
    page: u64,
) -> Result<SearchResults, Box<dyn Error>> {
    let answer = reader
        .call("forum/search", &[("q", query), ("page", &page.to_string())])
        .await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    Ok(serde_json::from_str(&answer.body)?)
}

pub async fn notifications(member: &TestApp) -> Result<Vec<Notification>, Box<dyn Error>> {
    let answer = member.call("forum/notifications", &[]).await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    Ok(serde_json::from_str(&answer.body)?)
}

pub async fn queue(moderator: &TestApp) -> Result<Queue, Box<dyn Error>> {
    let answer = moderator.call("moderation/queue", &[]).await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    Ok(serde_json::from_str(&answer.body)?)
}

/// The status of a post's permanent address, and where it sends the browser.
pub async fn permalink(
    reader: &TestApp,
    post: i64,
) -> Result<(u16, Option<String>), Box<dyn Error>> {
    let response = reader.get(&format!("/forum/p/{post}")).await?;
    let location = response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    Ok((response.status().as_u16(), location))
}

/// The tags of `html` (raw HTML a member typed is shown as escaped text,
/// which has no `<`, so only markup the server wrote is looked at).
fn tags(html: &str) -> impl Iterator<Item = String> + '_ {
    html.split('<')
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or_default().to_lowercase())
}

fn assert_inert(html: &str) {
    for tag in tags(html) {
        for bad in ["script", "img"] {
            assert!(
                !tag.starts_with(bad),
                "a `{bad}` element survived in: {html}"
            );
        }
        for bad in ["onerror", "javascript:"] {
            assert!(!tag.contains(bad), "`{bad}` survived in a tag: {html}");
        }
    }
}

const XSS: &str = "<script>alert(1)</script>\n\n\
     <img src=x onerror=alert(1)>\n\n\
     [x](javascript:alert(1))\n\n\
     <a href=\"javascript:alert(1)\">click</a>\n\n\
     Hello @ada<img src=x onerror=alert(1)>, see [the site](https://example.org).";

#[tokio::test]
async fn a_preview_of_hostile_markup_is_inert_and_marks_links_as_user_content() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;

    let answer = app.call("forum/preview", &[("body", XSS)]).await?;

    assert_eq!(answer.status, 200, "{answer:?}");
    let html: String = serde_json::from_str(&answer.body)?;
    assert_inert(&html);
    assert!(
        html.contains("href=\"https://example.org\""),
        "the safe link was lost: {html}"
    );
    assert!(
        html.contains("rel=\"nofollow ugc noopener\""),
        "links must be marked as user content: {html}"
    );
    Ok(())
}

/// A title that tries to close the page's `<title>` and open a script.
const HOSTILE_TITLE: &str = "</title><script>alert(1)</script> title";

/// Checks a served page: every script is the server's own (it carries the
/// policy's nonce), no element has an event handler or a `javascript:`
/// address, and outside the server's scripts (whose data is JSON text) none
/// of the payloads appears as markup.
fn assert_page_inert(html: &str, nonce: &str) -> TestResult {
    let document = Html::parse_document(html);
    let everything = Selector::parse("*").map_err(|e| e.to_string())?;
    for element in document.select(&everything) {
        let value = element.value();
        if value.name() == "script" {
            assert_eq!(
                value.attr("nonce"),
                Some(nonce),
                "a script the server did not write: {}",
                element.html()
            );
        }
        for (name, content) in value.attrs() {
            assert!(
                !name.to_lowercase().starts_with("on"),
                "an event handler survived: {}",
                element.html()
            );
            assert!(
                !content.trim().to_lowercase().starts_with("javascript:"),
                "a javascript: address survived: {}",
                element.html()
            );
        }
    }
    // The page without the contents of the server's scripts.
    let opening = format!("nonce=\"{nonce}\">");
    let mut markup = String::new();
    let mut rest = html;
    while let Some(start) = rest.find(&opening) {
        let (before, after) = rest.split_at(start + opening.len());
        markup.push_str(before);
        rest = after.find("</script>").map_or("", |end| &after[end..]);
    }
    markup.push_str(rest);
    assert!(!markup.contains("<script>alert"), "a script tag survived");
    for tag in tags(&markup) {
        assert!(
            !tag.contains("onerror="),
            "an event handler survived: <{tag}>"
        );
        assert!(
            !tag.contains("javascript:"),
            "a javascript: address survived: <{tag}>"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_thread_of_hostile_markup_is_served_inert() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let mallory = member(&app, "mallory").await?;
    let started = start_thread(&mallory, general, HOSTILE_TITLE, XSS).await?;
    let reply_id = reply(
        &mallory,
        started.thread,
        "<img src=x onerror=alert(1)> again @ada",
    )
    .await?;

    let view = read_thread(&ada, started.thread).await?;
    // The thread page itself, reached through the post's address.
    let (status, location) = permalink(&app, reply_id).await?;
    let location = location.ok_or("no location")?;
    let page = app.get(&location).await?;

    assert_eq!(view.posts.len(), 2);
    for post in &view.posts {
        assert_inert(&post.html);
    }
    assert!(
        view.posts[0].html.contains("rel=\"nofollow ugc noopener\""),
        "{}",
        view.posts[0].html
    );
    assert!((300..400).contains(&status), "{status}");
    assert_eq!(page.status(), 200, "{location}");
    let nonce = crate::helpers::policy_nonce(&page)?;
    let html = page.text().await?;
    assert_page_inert(&html, &nonce)?;
    let document = Html::parse_document(&html);
    let heading = Selector::parse("h1").map_err(|e| e.to_string())?;
    let shown: Vec<String> = document
        .select(&heading)
        .map(|h1| h1.text().collect())
        .collect();
    assert_eq!(shown, [HOSTILE_TITLE], "the title is not shown as text");
    let head = Selector::parse("title").map_err(|e| e.to_string())?;
    let named: Vec<String> = document
        .select(&head)
        .map(|title| title.text().collect())
        .collect();
    assert_eq!(
        named,
        [format!("{HOSTILE_TITLE} · Community Portal")],
        "the title is not named as text"
    );
    let links = Selector::parse(".prose a[href]").map_err(|e| e.to_string())?;
    let mut count = 0;
    for link in document.select(&links) {
        count += 1;
        assert_eq!(link.value().attr("rel"), Some("nofollow ugc noopener"));
    }
    assert_eq!(count, 1, "the one safe link is shown");
    Ok(())
}

#[tokio::test]
async fn a_locked_thread_takes_no_reply() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let started = start_thread(&ada, general, "A heated debate", "Tabs or spaces?").await?;
    let locked = boss
        .call(
            "moderation/thread",
            &[
                ("thread", &started.thread.to_string()),
                ("action", "lock"),
                ("reason", "Going round in circles."),
            ],
        )
        .await?;
    assert_eq!(locked.error(), None, "{locked:?}");
    let posts = app.count("forum_posts").await?;

    let refused = try_reply(&bob, started.thread, "But tabs!").await?;
    // A plain form posted without the page, as a script or a no-JS browser would.
    let crafted = bob
        .client
        .post(app.url("/api/forum/reply"))
        .header("accept", "text/html")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "thread={}&body=Spaces%2C+obviously&website=",
            started.thread
        ))
        .send()
        .await?;
    let by_staff = try_reply(&boss, started.thread, "Really locked.").await?;

    assert_eq!(refused.status, 422, "{refused:?}");
    assert_eq!(
        refused.error(),
        Some(("invalid".to_owned(), Some("body".to_owned())))
    );
    let crafted_location = crafted
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        !crafted_location.starts_with("/forum/p/"),
        "{} {crafted_location}",
        crafted.status()
    );
    assert_eq!(
        by_staff.status, 422,
        "a lock binds moderators too: {by_staff:?}"
    );
    assert_eq!(app.count("forum_posts").await?, posts);
    assert_eq!(read_thread(&bob, started.thread).await?.posts.len(), 1);
    Ok(())
}

#[tokio::test]
async fn a_locked_thread_whose_first_post_its_author_deleted_still_takes_no_reply() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let started = start_thread(&ada, general, "A heated debate", "Tabs or spaces?").await?;
    let locked = boss
        .call(
            "moderation/thread",
            &[
                ("thread", &started.thread.to_string()),
                ("action", "lock"),
                ("reason", "Going round in circles."),
            ],
        )
        .await?;
    assert_eq!(locked.error(), None, "{locked:?}");
    let deleted = ada
        .call("forum/delete", &[("post", &started.post.to_string())])
        .await?;
    assert_eq!(deleted.error(), None, "{deleted:?}");
    let posts = app.count("forum_posts").await?;

    let by_member = try_reply(&bob, started.thread, "Hello?").await?;
    let by_author = try_reply(&ada, started.thread, "I am back.").await?;
    let by_staff = try_reply(&boss, started.thread, "Still locked.").await?;

    for answer in [&by_member, &by_author, &by_staff] {
        assert!(
            matches!(answer.status, 404 | 422),
            "a reply was not refused: {answer:?}"
        );
    }
    assert_eq!(app.count("forum_posts").await?, posts);
    Ok(())
}

#[tokio::test]
async fn a_locked_thread_whose_first_post_a_moderator_deleted_still_takes_no_reply() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let started = start_thread(&ada, general, "A heated debate", "Tabs or spaces?").await?;
    let locked = boss
        .call(
            "moderation/thread",
            &[
                ("thread", &started.thread.to_string()),
                ("action", "lock"),
                ("reason", "Going round in circles."),
            ],
        )
        .await?;
    assert_eq!(locked.error(), None, "{locked:?}");
    let deleted = moderate_post(&boss, started.post, "delete").await?;
    assert_eq!(deleted.error(), None, "{deleted:?}");
    let posts = app.count("forum_posts").await?;

    let by_member = try_reply(&bob, started.thread, "Hello?").await?;
    let by_author = try_reply(&ada, started.thread, "I am back.").await?;
    let by_staff = try_reply(&boss, started.thread, "Still locked.").await?;

    for answer in [&by_member, &by_author, &by_staff] {
        assert!(
            matches!(answer.status, 404 | 422),
            "a reply was not refused: {answer:?}"
        );
    }
    assert_eq!(app.count("forum_posts").await?, posts);
    Ok(())
}

#[tokio::test]
async fn a_members_first_post_waits_for_a_moderators_approval() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_FORUM_HELD_POSTS", "1")]).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let visitor = TestApp::visitor_of(&app)?;

    let started = start_thread(&ada, general, "Hello everyone", "My first post.").await?;

    let hidden = visitor
        .call(
            "forum/thread",
            &[("thread", &started.thread.to_string()), ("page", "1")],
        )
        .await?;
    assert_eq!(hidden.status, 404, "{hidden:?}");
    assert_eq!(permalink(&visitor, started.post).await?.0, 404);
    let own = read_thread(&ada, started.thread).await?;
    assert_eq!(own.posts.len(), 1);
    assert_eq!(own.posts[0].state, PostState::Pending);
    let pending = queue(&maud).await?.pending;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].post.0, started.post);
    assert_eq!(pending[0].markdown, "My first post.");

    let approved = moderate_post(&maud, started.post, "approve").await?;

    assert_eq!(approved.error(), None, "{approved:?}");
    assert_eq!(app.count("moderation_log").await?, 1);
    assert_eq!(
        app.count("moderation_log WHERE kind = 'approve_post'")
            .await?,
        1
    );
    let public = read_thread(&visitor, started.thread).await?;
    assert_eq!(public.posts.len(), 1);
    assert_eq!(public.posts[0].state, PostState::Visible);
    let (status, location) = permalink(&visitor, started.post).await?;
    assert!((300..400).contains(&status), "{status}");
    assert!(
        location
            .unwrap_or_default()
            .starts_with(&format!("/forum/t/{}-", started.thread))
    );
    assert!(queue(&maud).await?.pending.is_empty());
    // Once approved, the member's next post is public at once.
    let next = reply(&ada, started.thread, "And my second.").await?;
    assert!(post_ids(&visitor, started.thread).await?.contains(&next));
    Ok(())
}

#[tokio::test]
async fn a_moderators_first_post_is_never_held() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_FORUM_HELD_POSTS", "1")]).await?;
    let (boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let visitor = TestApp::visitor_of(&app)?;

    let by_admin = start_thread(&boss, general, "Welcome", "Be kind.").await?;
    let by_moderator = start_thread(&maud, general, "Rules", "Read them.").await?;

    assert_eq!(post_ids(&visitor, by_admin.thread).await?, [by_admin.post]);
    assert_eq!(
        post_ids(&visitor, by_moderator.thread).await?,
        [by_moderator.post]
    );
    assert!(queue(&maud).await?.pending.is_empty());
    Ok(())
}

#[tokio::test]
async fn two_members_reporting_one_post_make_one_report_that_keeps_the_reported_text() -> TestResult
{
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let carol = member(&app, "carol").await?;
    let started = start_thread(&ada, general, "Cheap watches", "Buy cheap watches here.").await?;
    let post = started.post.to_string();

    let first = bob
        .call(
            "forum/report",
            &[("post", &post), ("reason", "spam"), ("note", "")],
        )
        .await?;
    let second = carol
        .call(
            "forum/report",
            &[
                ("post", &post),
                ("reason", "other"),
                ("note", "Looks like a scam."),
            ],
        )
        .await?;
    let edited = ada
        .call(
            "forum/edit",
            &[
                ("post", &post),
                ("title", "Watches"),
                ("body", "Nothing to see."),
            ],
        )
        .await?;

    assert_eq!(first.error(), None, "{first:?}");
    assert_eq!(second.error(), None, "{second:?}");
    assert_eq!(edited.error(), None, "{edited:?}");
    assert_eq!(app.count("forum_reports").await?, 1);
    assert_eq!(app.count("forum_report_flags").await?, 2);
    let row = report::Entity::find()
        .one(&app.db)
        .await?
        .ok_or("no report")?;
    assert_eq!(row.reported_body, "Buy cheap watches here.");
    let reports = queue(&maud).await?.reports;
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].post.0, started.post);
    assert_eq!(reports[0].reported_text, "Buy cheap watches here.");
    let mut reporters: Vec<&str> = reports[0]
        .flags
        .iter()
        .map(|flag| flag.reporter.as_str())
        .collect();
    reporters.sort_unstable();
    assert_eq!(reporters, ["bob", "carol"]);
    Ok(())
}

#[tokio::test]
async fn a_report_for_another_reason_needs_a_note() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let started = start_thread(&ada, general, "Odd post", "Something odd.").await?;

    let answer = bob
        .call(
            "forum/report",
            &[
                ("post", &started.post.to_string()),
                ("reason", "other"),
                ("note", "  "),
            ],
        )
        .await?;

    assert_eq!(answer.status, 422, "{answer:?}");
    assert_eq!(
        answer.error(),
        Some(("invalid".to_owned(), Some("note".to_owned())))
    );
    assert_eq!(app.count("forum_reports").await?, 0);
    assert_eq!(app.count("forum_report_flags").await?, 0);
    Ok(())
}

#[tokio::test]
async fn an_edit_keeps_the_earlier_text_for_moderators_only() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let started = start_thread(&ada, general, "First title", "First words.").await?;
    let post = started.post.to_string();

    let edited = ada
        .call(
            "forum/edit",
            &[
                ("post", &post),
                ("title", "Second title"),
                ("body", "Second words."),
            ],
        )
        .await?;

    assert_eq!(edited.error(), None, "{edited:?}");
    let view = read_thread(&visitor, started.thread).await?;
    assert_eq!(view.title, "Second title");
    assert_eq!(
        view.posts[0].html, "<p>Second words.</p>\n",
        "rendered again"
    );
    assert!(view.posts[0].edited);
    let answer = maud.call("forum/revisions", &[("post", &post)]).await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    let revisions: Vec<Revision> = serde_json::from_str(&answer.body)?;
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].markdown, "First words.");
    assert_eq!(revisions[0].title.as_deref(), Some("First title"));
    let by_author = ada.call("forum/revisions", &[("post", &post)]).await?;
    assert_eq!(by_author.status, 403, "{by_author:?}");
    assert!(!by_author.body.contains("First words."));
    let by_visitor = visitor.call("forum/revisions", &[("post", &post)]).await?;
    assert_eq!(by_visitor.status, 401, "{by_visitor:?}");
    Ok(())
}

#[tokio::test]
async fn a_post_is_rendered_once_when_written_and_shown_as_stored() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let text = "**Bold** and <script>alert(1)</script>";
    let started = start_thread(&ada, general, "Rendering", text).await?;
    let rendered = "<p><strong>Bold</strong> and &lt;script&gt;alert(1)&lt;/script&gt;</p>\n";

    let row = post::Entity::find_by_id(started.post)
        .one(&app.db)
        .await?
        .ok_or("no post")?;
    assert_eq!(row.body_html.as_deref(), Some(rendered));
    let view = read_thread(&visitor, started.thread).await?;
    assert_eq!(view.posts[0].html, rendered);

    // The page shows what is stored, not a fresh rendering...
    let mut changed: post::ActiveModel = row.into();
    changed.body_html = sea_orm::ActiveValue::Set(Some("<p>stored</p>".to_owned()));
    sea_orm::ActiveModelTrait::update(changed, &app.db).await?;
    let view = read_thread(&visitor, started.thread).await?;
    assert_eq!(view.posts[0].html, "<p>stored</p>");
    // ...and a post written before the column existed is rendered on read.
    app.db
        .execute_unprepared("UPDATE forum_posts SET body_html = NULL")
        .await?;
    let view = read_thread(&visitor, started.thread).await?;
    assert_eq!(view.posts[0].html, rendered);
    Ok(())
}

/// Page 1 of `thread` as `reader` sees it, asking to quote post `quote`.
async fn thread_quoting(reader: &TestApp, thread: i64, quote: i64) -> reqwest::Result<Answer> {
    reader
        .call(
            "forum/thread",
            &[
                ("thread", &thread.to_string()),
                ("page", "1"),
                ("quote", &quote.to_string()),
            ],
        )
        .await
}

#[tokio::test]
async fn quoting_fills_the_reply_with_the_quoted_post_only_when_the_viewer_sees_it() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let started = start_thread(&ada, general, "Quotes", "One line.\nTwo lines.").await?;
    let quote = async |post: i64| -> Result<Option<String>, Box<dyn Error>> {
        let answer = thread_quoting(&visitor, started.thread, post).await?;
        assert_eq!(answer.status, 200, "{answer:?}");
        Ok(serde_json::from_str::<ThreadView>(&answer.body)?.quote)
    };

    assert_eq!(
        quote(started.post).await?.as_deref(),
        Some("@ada wrote:\n> One line.\n> Two lines.\n\n")
    );
    assert_eq!(read_thread(&visitor, started.thread).await?.quote, None);
    assert_eq!(quote(999_999).await?, None, "no such post");

    // A post awaiting approval is quoted for a moderator, and nobody else
    // learns anything of it.
    let held = spawn_app_with(&[]).await?;
    let (_boss, general) = forum_admin(&held).await?;
    let bea = member(&held, "bea").await?;
    let pending = start_thread(&bea, general, "Held", "Not yet public.").await?;
    let maud = moderator(&held, "maud").await?;
    let seen = thread_quoting(&maud, pending.thread, pending.post).await?;
    assert_eq!(seen.status, 200, "{seen:?}");
    assert!(
        serde_json::from_str::<ThreadView>(&seen.body)?
            .quote
            .is_some()
    );
    let stranger = TestApp::visitor_of(&held)?;
    let unseen = thread_quoting(&stranger, pending.thread, pending.post).await?;
    assert_eq!(unseen.status, 404, "{unseen:?}");
    assert!(!unseen.body.contains("Not yet public."));
    Ok(())
}

#[tokio::test]
async fn a_member_cannot_edit_or_delete_someone_elses_post() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let mallory = member(&app, "mallory").await?;
    let started = start_thread(&ada, general, "Ada's thread", "Ada's words.").await?;
    let post = started.post.to_string();

    let opened = mallory
        .call("forum/post-to-edit", &[("post", &post)])
        .await?;
    let edited = mallory
        .call(
            "forum/edit",
            &[
                ("post", &post),
                ("title", "Pwned"),
                ("body", "Mallory's words."),
            ],
        )
        .await?;
    let deleted = mallory.call("forum/delete", &[("post", &post)]).await?;

    for answer in [&opened, &edited, &deleted] {
        assert_eq!(answer.status, 404, "{answer:?}");
        assert_eq!(answer.error(), Some(("not_found".to_owned(), None)));
    }
    let row = post::Entity::find_by_id(started.post)
        .one(&app.db)
        .await?
        .ok_or("post gone")?;
    assert_eq!(row.body, "Ada's words.");
    assert_eq!(row.deleted_at, None);
    assert_eq!(row.edited_at, None);
    assert_eq!(app.count("forum_post_revisions").await?, 0);
    assert_eq!(
        read_thread(&ada, started.thread).await?.title,
        "Ada's thread"
    );
    Ok(())
}

#[tokio::test]
async fn a_filled_in_honeypot_writes_nothing() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let bot = member(&app, "botty").await?;
    let started = start_thread(&ada, general, "Real thread", "Real words.").await?;
    let (threads, posts) = (
        app.count("forum_threads").await?,
        app.count("forum_posts").await?,
    );

    let thread = bot
        .call(
            "forum/start-thread",
            &[
                ("category", &general.to_string()),
                ("title", "Cheap pills"),
                ("body", "Buy now."),
                ("website", "https://pills.example"),
            ],
        )
        .await?;
    let answer = bot
        .call(
            "forum/reply",
            &[
                ("thread", &started.thread.to_string()),
                ("body", "Buy now."),
                ("website", "https://pills.example"),
            ],
        )
        .await?;

    assert_eq!(thread.error(), None, "the bot is not told: {thread:?}");
    assert_eq!(answer.error(), None, "the bot is not told: {answer:?}");
    assert_eq!(app.count("forum_threads").await?, threads);
    assert_eq!(app.count("forum_posts").await?, posts);
    assert_eq!(app.count("notifications").await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_new_member_may_include_at_most_two_links() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let posts = app.count("forum_posts").await?;

    let three = try_start_thread(
        &ada,
        general,
        "My links",
        "[a](https://a.example) <https://b.example> www.c.example",
    )
    .await?;

    assert_eq!(three.status, 422, "{three:?}");
    assert_eq!(
        three.error(),
        Some(("invalid".to_owned(), Some("body".to_owned())))
    );
    assert_eq!(app.count("forum_posts").await?, posts);
    assert_eq!(app.count("forum_threads").await?, 0);
    start_thread(
        &ada,
        general,
        "My links",
        "[a](https://a.example) <https://b.example>",
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn a_new_member_may_post_three_times_in_ten_minutes() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let started = start_thread(&ada, general, "Engines", "Who likes engines?").await?;
    reply(&ada, started.thread, "Me, for one.").await?;
    reply(&ada, started.thread, "And steam ones.").await?;
    let posts = app.count("forum_posts").await?;

    let fourth = try_reply(&ada, started.thread, "And diesel ones.").await?;

    assert_eq!(fourth.status, 429, "{fourth:?}");
    assert_eq!(fourth.error(), Some(("rate_limited".to_owned(), None)));
    assert_eq!(app.count("forum_posts").await?, posts);
    app.clock.advance(Duration::minutes(11));
    reply(&ada, started.thread, "And diesel ones.").await?;
    Ok(())
}

#[tokio::test]
async fn search_finds_posts_by_a_body_word_and_a_title_word_with_the_match_highlighted()
-> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let started = start_thread(
        &ada,
        general,
        "Flying machines",
        "I have been building a glider.",
    )
    .await?;
    let answer = reply(
        &bob,
        started.thread,
        "My grandfather flew a zeppelin over the channel once.",
    )
    .await?;
    start_thread(&bob, general, "Gardening", "Tomatoes need sun.").await?;

    let by_body = search(&visitor, "zeppelin", 1).await?;
    let by_title = search(&visitor, "machines", 1).await?;

    assert_eq!(by_body.total, 1);
    assert_eq!(by_body.hits.len(), 1);
    let hit = &by_body.hits[0];
    assert_eq!(hit.post.0, answer);
    assert_eq!(hit.thread.0, started.thread);
    assert_eq!(hit.thread_title, "Flying machines");
    assert_eq!(hit.author.as_deref(), Some("bob"));
    assert!(
        hit.snippet
            .iter()
            .any(|piece| piece.hit && piece.text.to_lowercase().contains("zeppelin")),
        "the word is not highlighted: {:?}",
        hit.snippet
    );
    assert!(
        hit.snippet
            .iter()
            .any(|piece| !piece.hit && piece.text.contains("grandfather")),
        "{:?}",
        hit.snippet
    );
    assert_eq!(by_title.total, 1, "{by_title:?}");
    assert_eq!(by_title.hits[0].post.0, started.post);
    assert_eq!(search(&visitor, "submarine", 1).await?.total, 0);
    Ok(())
}

#[tokio::test]
async fn search_results_come_in_pages_of_twenty() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (boss, general) = forum_admin(&app).await?;
    let started = start_thread(&boss, general, "Breakfast", "Marmalade on toast, 0.").await?;
    for n in 1..23 {
        if n % 10 == 0 {
            // Stay within the posting rate limit.
            app.clock.advance(Duration::minutes(11));
        }
        reply(&boss, started.thread, &format!("More marmalade, {n}.")).await?;
    }

    let first = search(&app, "marmalade", 1).await?;
    let second = search(&app, "marmalade", 2).await?;

    assert_eq!(first.total, 23);
    assert_eq!(first.hits.len(), 20);
    assert_eq!((first.paging.number, first.paging.total), (1, 2));
    assert_eq!(second.hits.len(), 3);
    assert_eq!((second.paging.number, second.paging.total), (2, 2));
    let mut all: Vec<i64> = first
        .hits
        .iter()
        .chain(&second.hits)
        .map(|hit| hit.post.0)
        .collect();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 23, "pages overlap");
    Ok(())
}

#[tokio::test]
async fn search_lists_threads_with_the_words_in_their_title_first_then_the_newest() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (boss, general) = forum_admin(&app).await?;
    let visitor = TestApp::visitor_of(&app)?;
    let about = start_thread(&boss, general, "Zeppelin trips", "Who has flown in one?").await?;
    let elsewhere = start_thread(&boss, general, "Holidays", "A zeppelin over the lake.").await?;
    let older = reply(&boss, about.thread, "My zeppelin was late.").await?;
    let newer = reply(&boss, elsewhere.thread, "The zeppelin came back.").await?;

    let found = search(&visitor, "zeppelin", 1).await?;

    let order: Vec<i64> = found.hits.iter().map(|hit| hit.post.0).collect();
    assert_eq!(order, [about.post, newer, older, elsewhere.post]);
    Ok(())
}

#[tokio::test]
async fn a_post_written_after_a_search_is_found_by_the_same_search_at_once() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (boss, general) = forum_admin(&app).await?;
    let visitor = TestApp::visitor_of(&app)?;
    let started = start_thread(&boss, general, "Kites", "A kite of red silk.").await?;
    assert_eq!(search(&visitor, "silk", 1).await?.total, 1);
    assert_eq!(search(&visitor, "silk", 1).await?.total, 1);

    let answer = reply(&boss, started.thread, "Mine is of blue silk.").await?;

    let again = search(&visitor, "silk", 1).await?;
    assert_eq!(again.total, 2, "{again:?}");
    assert!(
        again.hits.iter().any(|hit| hit.post.0 == answer),
        "{again:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_reply_notifies_the_threads_author_and_a_mention_the_member_named() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let carol = member(&app, "carol").await?;
    let started = start_thread(&ada, general, "Engines", "Who else likes engines?").await?;

    let answer = reply(&bob, started.thread, "Me! And @carol does too.").await?;

    let for_ada = notifications(&ada).await?;
    assert_eq!(for_ada.len(), 1, "{for_ada:?}");
    assert_eq!(for_ada[0].kind, NotificationKind::Reply);
    assert_eq!(for_ada[0].post.0, answer);
    assert_eq!(for_ada[0].actor.as_deref(), Some("bob"));
    assert_eq!(for_ada[0].thread_title, "Engines");
    assert!(for_ada[0].unread);
    let for_carol = notifications(&carol).await?;
    assert_eq!(for_carol.len(), 1, "{for_carol:?}");
    assert_eq!(for_carol[0].kind, NotificationKind::Mention);
    assert_eq!(for_carol[0].post.0, answer);
    assert!(
        notifications(&bob).await?.is_empty(),
        "nobody notifies themself"
    );
    // Seen once, they are read.
    assert!(!notifications(&ada).await?[0].unread);
    Ok(())
}

#[tokio::test]
async fn reading_the_forum_needs_no_account_but_posting_does() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let started = start_thread(&ada, general, "Open to all", "Read me.").await?;
    let visitor = TestApp::visitor_of(&app)?;

    let thread = try_start_thread(&visitor, general, "Anonymous", "Hello.").await?;
    let answer = try_reply(&visitor, started.thread, "Hello.").await?;
    let compose = visitor
        .call("forum/compose", &[("category", &general.to_string())])
        .await?;

    assert_eq!(thread.status, 401, "{thread:?}");
    assert_eq!(answer.status, 401, "{answer:?}");
    assert_eq!(post_ids(&visitor, started.thread).await?, [started.post]);
    let (_, posting): (app::forum::Category, Posting) = serde_json::from_str(&compose.body)?;
    assert_eq!(posting, Posting::SignedOut);
    assert!(
        visitor
            .call("forum/categories", &[])
            .await?
            .body
            .contains("General"),
        "categories are public"
    );
    Ok(())
}

/// The threads a category's page lists, and its "Previous" and "Next"
/// links.
async fn category_listing(
    reader: &TestApp,
    path: &str,
) -> Result<(Vec<String>, Option<String>, Option<String>), Box<dyn Error>> {
    let page = reader.get(path).await?;
    assert_eq!(page.status(), 200, "{path}");
    let html = Html::parse_document(&page.text().await?);
    let threads = Selector::parse(".thread-list a[href^='/forum/t/']")?;
    let link = |rel: &str| -> Result<Option<String>, Box<dyn Error>> {
        let selector =
            Selector::parse(&format!(".pager a[rel='{rel}']")).map_err(|e| e.to_string())?;
        Ok(html
            .select(&selector)
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(str::to_owned))
    };
    let listed = html
        .select(&threads)
        .filter_map(|a| a.value().attr("href"))
        .map(str::to_owned)
        .collect();
    Ok((listed, link("prev")?, link("next")?))
}

#[tokio::test]
async fn a_categorys_next_page_goes_on_below_the_last_thread_seen_even_after_a_thread_moved_up()
-> TestResult {
    let app = spawn_app_with(&[("PORTAL_PAGE_CACHE_SECONDS", "0")]).await?;
    let plan = server::seed::Plan {
        posts: 900,
        members: 20,
        categories: 1,
        jobs: 0,
        page_views: 0,
        keep_days: 30,
        random_seed: 11,
    };
    server::seed::seed(&app.db, app.clock.now(), plan).await?;
    let forum = app.get("/forum").await?.text().await?;
    let forum = Html::parse_document(&forum);
    let category = forum
        .select(&Selector::parse("a[href^='/forum/c/']")?)
        .next()
        .and_then(|a| a.value().attr("href"))
        .ok_or("no category")?
        .to_owned();
    let (first, previous, next) = category_listing(&app, &category).await?;
    let (second, _, _) = category_listing(&app, &format!("{category}?page=2")).await?;
    let (third, _, _) = category_listing(&app, &format!("{category}?page=3")).await?;
    assert_eq!(first.len(), 25);
    assert_eq!(previous, None);
    let next = next.ok_or("no next page")?;
    assert!(next.contains("page=2&before="), "{next}");

    // A thread of the third page gets a reply and moves to the top.
    let moved: i64 = third[0]
        .trim_start_matches("/forum/t/")
        .split('-')
        .next()
        .ok_or("no id")?
        .parse()?;
    thread::Entity::update_many()
        .col_expr(
            thread::Column::LastActivityAt,
            sea_orm::sea_query::Expr::value(app.clock.now() + Duration::hours(1)),
        )
        .filter(thread::Column::Id.eq(moved))
        .exec(&app.db)
        .await?;

    // Counting from the top, the second page would now begin with the
    // first page's last thread; seeking below it, it is as it was.
    let (numbered, _, _) = category_listing(&app, &format!("{category}?page=2")).await?;
    assert_eq!(numbered[0], first[24], "counting repeats a thread");
    let (sought, previous, next) = category_listing(&app, &next).await?;
    assert_eq!(sought, second);
    let previous = previous.ok_or("no previous page")?;
    assert_eq!(previous, format!("{category}?page=1"));
    let (after_second, back, _) = category_listing(&app, &next.ok_or("no third page")?).await?;
    assert!(
        !after_second.contains(&third[0]),
        "the moved thread is above"
    );
    assert_eq!(after_second[..24], third[1..]);
    let (back_to_second, _, _) = category_listing(&app, &back.ok_or("no way back")?).await?;
    assert_eq!(back_to_second, second);
    // A key that is not one falls back to the page's number.
    let (junk, _, _) = category_listing(&app, &format!("{category}?page=2&before=x.y")).await?;
    assert_eq!(junk, numbered);
    Ok(())
}

#[tokio::test]
async fn only_an_admin_deletes_a_category_and_only_an_empty_one() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (boss, general) = forum_admin(&app).await?;
    let empty = add_category(&boss, "Empty").await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let started = start_thread(&ada, general, "Hello", "First post.").await?;

    for (who, refused) in [
        (&maud, "forbidden"),
        (&ada, "forbidden"),
        (&visitor, "unauthorized"),
    ] {
        let deleted = who
            .call("forum/delete-category", &[("id", &empty.to_string())])
            .await?;
        assert_eq!(deleted.error(), Some((refused.to_owned(), None)));
        let renamed = who
            .call(
                "forum/save-category",
                &[
                    ("id", &general.to_string()),
                    ("name", "Mine now"),
                    ("description", ""),
                    ("position", "1"),
                ],
            )
            .await?;
        assert_eq!(renamed.error(), Some((refused.to_owned(), None)));
    }
    assert_eq!(category::Entity::find().count(&app.db).await?, 2);

    // A deleted thread still holds on to its category: it can be restored.
    let moderated = moderate_post(&maud, started.post, "delete").await?;
    assert_eq!(moderated.error(), None, "{moderated:?}");
    let refused = boss
        .call("forum/delete-category", &[("id", &general.to_string())])
        .await?;
    let body: serde_json::Value = serde_json::from_str(&refused.body)?;
    assert_eq!(
        refused.error(),
        Some(("invalid".to_owned(), Some("id".to_owned())))
    );
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|message| message.contains("still holds 1 thread,")),
        "{body}"
    );

    let deleted = boss
        .call("forum/delete-category", &[("id", &empty.to_string())])
        .await?;
    assert_eq!(deleted.error(), None, "{deleted:?}");
    let left: Vec<i64> = category::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect();
    assert_eq!(left, [general]);
    let again = boss
        .call("forum/delete-category", &[("id", &empty.to_string())])
        .await?;
    assert_eq!(again.error(), Some(("not_found".to_owned(), None)));
    Ok(())
}

#[tokio::test]
async fn searches_past_the_bound_are_refused_at_once_and_the_rest_still_run() -> TestResult {
    let app = spawn_app_with(&[]).await?;
    let (boss, general) = forum_admin(&app).await?;
    start_thread(&boss, general, "Bounded", "A word to find: kestrel.").await?;
    let slots = app::forum::ssr::search::SEARCHES.available_permits();
    assert!(slots >= 2);
    // Every slot taken, as by searches in flight: the next is refused.
    let taken = app::forum::ssr::search::SEARCHES.try_acquire_many(u32::try_from(slots)?)?;
    let started = std::time::Instant::now();
    let answer = app
        .call("forum/search", &[("q", "kestrel"), ("page", "1")])
        .await?;
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(
        answer.error().map(|(code, _)| code).as_deref(),
        Some("busy")
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    // A slot free again: searches run.
    drop(taken);
    let found = search(&app, "kestrel", 1).await?;
    assert_eq!(found.hits.len(), 1);
    Ok(())
}
