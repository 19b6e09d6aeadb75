//! Moderation: only moderators act, every action writes one row to a log
//! nobody can change, sanctions stop posting, and hidden posts show up
//! nowhere but in the moderators' views.

use std::error::Error;

use app::{
    accounts::ssr::account,
    forum::{
        CategoryPage, PostState, Posting,
        ssr::{post, thread},
    },
    moderation::{
        ActionKind, LogPage,
        ssr::{log_row, report, sanction},
    },
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use time::Duration;

use crate::{
    forum::threads::{
        NOT_HELD, add_category, forum_admin, member, moderate_post, moderator, notifications,
        permalink, post_ids, queue, read_thread, reply, search, start_thread, try_reply,
        try_start_thread,
    },
    helpers::{Answer, PASSWORD, TestApp, TestResult, spawn_app, spawn_app_with},
};

async fn account_id(app: &TestApp, username: &str) -> Result<i64, Box<dyn Error>> {
    Ok(account::Entity::find()
        .filter(account::Column::Username.eq(username))
        .one(&app.db)
        .await?
        .ok_or("no such member")?
        .id)
}

async fn moderate_thread(
    moderator: &TestApp,
    thread: i64,
    action: &str,
    category: Option<i64>,
) -> reqwest::Result<Answer> {
    let thread = thread.to_string();
    let category = category.map(|id| id.to_string());
    let mut form = vec![
        ("thread", thread.as_str()),
        ("action", action),
        ("reason", "Keeping the forum tidy."),
    ];
    if let Some(category) = &category {
        form.push(("category", category));
    }
    moderator.call("moderation/thread", &form).await
}

async fn sanction_member(
    moderator: &TestApp,
    username: &str,
    kind: &str,
    days: &str,
) -> reqwest::Result<Answer> {
    moderator
        .call(
            "moderation/sanction",
            &[
                ("username", username),
                ("kind", kind),
                ("days", days),
                ("reason", "Repeated personal attacks."),
            ],
        )
        .await
}

async fn file_report(reporter: &TestApp, post: i64) -> Result<i64, Box<dyn Error>> {
    let answer = reporter
        .call(
            "forum/report",
            &[
                ("post", &post.to_string()),
                ("reason", "spam"),
                ("note", ""),
            ],
        )
        .await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    Ok(report::Entity::find()
        .filter(report::Column::PostId.eq(post))
        .one(&reporter.db)
        .await?
        .ok_or("report not saved")?
        .id)
}

/// The id of the newest sanction.
async fn last_sanction(app: &TestApp) -> Result<i64, Box<dyn Error>> {
    Ok(sanction::Entity::find()
        .order_by_desc(sanction::Column::Id)
        .one(&app.db)
        .await?
        .ok_or("no sanction")?
        .id)
}

/// Something to act on for every moderation action.
struct Targets {
    general: i64,
    elsewhere: i64,
    thread: i64,
    first: i64,
    pending: i64,
    report: i64,
    sanction: i64,
}

/// A thread by the admin with a reply by "ada" awaiting approval, a report
/// by "carol", a second category and a suspension of "ada" (written
/// directly, so the log stays empty).
async fn targets(app: &TestApp) -> Result<Targets, Box<dyn Error>> {
    let (boss, general) = forum_admin(app).await?;
    let elsewhere = add_category(&boss, "Elsewhere").await?;
    let started = start_thread(&boss, general, "Welcome", "Be kind to each other.").await?;
    let ada = member(app, "ada").await?;
    let pending = reply(&ada, started.thread, "Hello all, glad to be here.").await?;
    let carol = member(app, "carol").await?;
    let report = file_report(&carol, started.post).await?;
    let now = app.clock.now();
    let sanction = sanction::ActiveModel {
        account_id: Set(account_id(app, "ada").await?),
        kind: Set("suspension".to_owned()),
        reason: Set("Cooling off.".to_owned()),
        starts_at: Set(now),
        ends_at: Set(Some(now + Duration::days(3))),
        lifted_at: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await?
    .id;
    Ok(Targets {
        general,
        elsewhere,
        thread: started.thread,
        first: started.post,
        pending,
        report,
        sanction,
    })
}

/// Every moderation call, each with a real target.
fn moderation_calls(t: &Targets) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let reason = || ("reason", "Because I say so.".to_owned());
    let mut calls = vec![("moderation/queue", vec![])];
    for (post, action) in [
        (t.pending, "approve"),
        (t.first, "hide"),
        (t.first, "unhide"),
        (t.first, "delete"),
        (t.first, "restore"),
    ] {
        calls.push((
            "moderation/post",
            vec![
                ("post", post.to_string()),
                ("action", action.to_owned()),
                reason(),
            ],
        ));
    }
    for action in ["lock", "unlock", "move"] {
        calls.push((
            "moderation/thread",
            vec![
                ("thread", t.thread.to_string()),
                ("action", action.to_owned()),
                ("category", t.elsewhere.to_string()),
                reason(),
            ],
        ));
    }
    calls.extend([
        (
            "moderation/resolve",
            vec![
                ("report", t.report.to_string()),
                ("conclusion", "Nothing wrong.".to_owned()),
            ],
        ),
        (
            "moderation/sanction",
            vec![
                ("username", "carol".to_owned()),
                ("kind", "suspension".to_owned()),
                ("days", "3".to_owned()),
                reason(),
            ],
        ),
        (
            "moderation/sanction",
            vec![
                ("username", "carol".to_owned()),
                ("kind", "ban".to_owned()),
                ("days", String::new()),
                reason(),
            ],
        ),
        (
            "moderation/lift",
            vec![("sanction", t.sanction.to_string()), reason()],
        ),
        ("moderation/log", vec![("page", "1".to_owned())]),
        ("forum/revisions", vec![("post", t.first.to_string())]),
    ]);
    calls
}

/// Calls every moderation endpoint as `caller`; each must answer `status`.
async fn refused_everywhere(caller: &TestApp, t: &Targets, status: u16, code: &str) -> TestResult {
    for (endpoint, form) in moderation_calls(t) {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = caller.call(endpoint, &form).await?;
        assert_eq!(answer.status, status, "{endpoint} {form:?}: {answer:?}");
        assert_eq!(answer.error(), Some((code.to_owned(), None)), "{endpoint}");
        assert!(
            !answer.body.contains("Be kind") && !answer.body.contains("glad to be here"),
            "{endpoint} leaked a post: {}",
            answer.body
        );
    }
    Ok(())
}

/// Nothing the moderation calls would change has changed.
async fn untouched(app: &TestApp, t: &Targets) -> TestResult {
    assert_eq!(app.count("moderation_log").await?, 0);
    assert_eq!(app.count("member_sanctions").await?, 1);
    assert_eq!(
        app.count("member_sanctions WHERE lifted_at IS NULL")
            .await?,
        1
    );
    assert_eq!(
        app.count("forum_reports WHERE resolved_at IS NULL").await?,
        1
    );
    let thread = thread::Entity::find_by_id(t.thread)
        .one(&app.db)
        .await?
        .ok_or("thread gone")?;
    assert!(!thread.locked);
    assert_eq!(thread.category_id, t.general);
    let first = post::Entity::find_by_id(t.first)
        .one(&app.db)
        .await?
        .ok_or("post gone")?;
    assert_eq!((first.hidden_at, first.deleted_at), (None, None));
    let pending = post::Entity::find_by_id(t.pending)
        .one(&app.db)
        .await?
        .ok_or("post gone")?;
    assert_eq!(pending.approved_at, None);
    let visitor = TestApp::visitor_of(app)?;
    let (status, _) = permalink(&visitor, t.first).await?;
    assert!((300..400).contains(&status), "the post is no longer public");
    Ok(())
}

#[tokio::test]
async fn a_visitor_can_take_no_moderation_action() -> TestResult {
    let app = spawn_app().await?;
    let t = targets(&app).await?;
    let visitor = TestApp::visitor_of(&app)?;

    refused_everywhere(&visitor, &t, 401, "unauthorized").await?;

    untouched(&app, &t).await
}

#[tokio::test]
async fn a_plain_member_can_take_no_moderation_action() -> TestResult {
    let app = spawn_app().await?;
    let t = targets(&app).await?;
    let mallory = member(&app, "mallory").await?;

    refused_everywhere(&mallory, &t, 403, "forbidden").await?;

    untouched(&app, &t).await?;
    // The same calls are open to a moderator.
    let maud = moderator(&app, "maud").await?;
    let seen = queue(&maud).await?;
    assert_eq!((seen.reports.len(), seen.pending.len()), (1, 1));
    Ok(())
}

#[tokio::test]
async fn a_suspended_member_can_read_but_not_post_until_the_suspension_ends() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let own = start_thread(&ada, general, "Ada's thread", "Ada's words.").await?;
    let other = start_thread(&bob, general, "Bob's thread", "Bob's words.").await?;
    let suspended = sanction_member(&maud, "ada", "suspension", "3").await?;
    assert_eq!(suspended.error(), None, "{suspended:?}");
    let (posts, reports) = (
        app.count("forum_posts").await?,
        app.count("forum_reports").await?,
    );

    let started = try_start_thread(&ada, general, "Another", "More words.").await?;
    let replied = try_reply(&ada, other.thread, "A reply.").await?;
    let edited = ada
        .call(
            "forum/edit",
            &[("post", &own.post.to_string()), ("body", "Changed words.")],
        )
        .await?;
    let reported = ada
        .call(
            "forum/report",
            &[
                ("post", &other.post.to_string()),
                ("reason", "spam"),
                ("note", ""),
            ],
        )
        .await?;

    for answer in [&started, &replied, &edited, &reported] {
        assert_eq!(answer.status, 403, "{answer:?}");
    }
    assert_eq!(app.count("forum_posts").await?, posts);
    assert_eq!(app.count("forum_reports").await?, reports);
    assert_eq!(app.count("forum_post_revisions").await?, 0);
    let view = read_thread(&ada, other.thread).await?;
    assert_eq!(view.posts.len(), 1);
    assert!(
        matches!(&view.posting, Posting::Sanctioned { until: Some(_), reason } if reason == "Repeated personal attacks."),
        "{:?}",
        view.posting
    );
    assert!((300..400).contains(&permalink(&ada, other.post).await?.0));

    app.clock.advance(Duration::days(3) + Duration::minutes(1));
    let signed_in = ada.sign_in("ada", PASSWORD).await?;
    assert_eq!(signed_in.error(), None, "{signed_in:?}");
    start_thread(&ada, general, "I am back", "Sorry about that.").await?;
    reply(&ada, other.thread, "Peace?").await?;
    Ok(())
}

#[tokio::test]
async fn a_banned_member_cannot_post_however_long_they_wait() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let other = start_thread(&ada, general, "Ada's thread", "Ada's words.").await?;
    let banned = sanction_member(&maud, "bob", "ban", "").await?;
    assert_eq!(banned.error(), None, "{banned:?}");
    let posts = app.count("forum_posts").await?;

    let started = try_start_thread(&bob, general, "Let me in", "Please.").await?;
    let replied = try_reply(&bob, other.thread, "Please.").await?;
    app.clock.advance(Duration::days(400));
    let signed_in = bob.sign_in("bob", PASSWORD).await?;
    assert_eq!(signed_in.error(), None, "{signed_in:?}");
    let later = try_start_thread(&bob, general, "Let me in", "Please.").await?;

    for answer in [&started, &replied, &later] {
        assert_eq!(answer.status, 403, "{answer:?}");
    }
    assert_eq!(app.count("forum_posts").await?, posts);
    assert_eq!(read_thread(&bob, other.thread).await?.posts.len(), 1);
    Ok(())
}

#[tokio::test]
async fn a_hidden_post_is_shown_to_moderators_only() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let carol = member(&app, "carol").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let started = start_thread(&ada, general, "Engines", "Who likes engines?").await?;
    let rude = reply(&bob, started.thread, "This reply breaks the rules.").await?;

    let hidden = moderate_post(&maud, rude, "hide").await?;

    assert_eq!(hidden.error(), None, "{hidden:?}");
    for reader in [&visitor, &carol, &ada] {
        assert_eq!(post_ids(reader, started.thread).await?, [started.post]);
        assert_eq!(permalink(reader, rude).await?.0, 404);
    }
    let page = visitor
        .call(
            "forum/category",
            &[("category", &general.to_string()), ("page", "1")],
        )
        .await?;
    let page: CategoryPage = serde_json::from_str(&page.body)?;
    assert_eq!(
        page.threads[0].reply_count, 0,
        "the hidden reply is counted"
    );
    let seen = read_thread(&maud, started.thread).await?;
    let post = seen
        .posts
        .iter()
        .find(|post| post.id.0 == rude)
        .ok_or("a moderator no longer sees the hidden post")?;
    assert_eq!(post.state, PostState::Hidden);
    assert!((300..400).contains(&permalink(&maud, rude).await?.0));
    for reader in [&visitor, &carol] {
        let page = reader.get(&seen.path(1)).await?;
        assert_eq!(page.status(), 200);
        let html = page.text().await?;
        assert!(html.contains("Who likes engines?"));
        assert!(
            !html.contains("breaks the rules"),
            "the hidden post is on the page"
        );
    }
    Ok(())
}

#[tokio::test]
async fn hiding_a_threads_first_post_takes_the_whole_thread_out_of_view() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let carol = member(&app, "carol").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let started = start_thread(&ada, general, "Balloons", "Buy my balloons!").await?;
    let answer = reply(&bob, started.thread, "A dirigible for @carol, please.").await?;
    let path = read_thread(&visitor, started.thread).await?.path(1);
    let posts = app.count("forum_posts").await?;

    let hidden = moderate_post(&maud, started.post, "hide").await?;

    assert_eq!(hidden.error(), None, "{hidden:?}");
    for reader in [&visitor, &bob, &carol] {
        let thread = reader
            .call(
                "forum/thread",
                &[("thread", &started.thread.to_string()), ("page", "1")],
            )
            .await?;
        assert_eq!(thread.status, 404, "{thread:?}");
        assert_eq!(permalink(reader, answer).await?.0, 404);
        assert_eq!(reader.get(&path).await?.status(), 404);
        let page = reader
            .call(
                "forum/category",
                &[("category", &general.to_string()), ("page", "1")],
            )
            .await?;
        let page: CategoryPage = serde_json::from_str(&page.body)?;
        assert!(page.threads.is_empty(), "{:?}", page.threads);
        assert_eq!(page.category.thread_count, 0);
        assert_eq!(search(reader, "dirigible", 1).await?.total, 0);
    }
    assert!(notifications(&carol).await?.is_empty());
    assert_eq!(try_reply(&bob, started.thread, "Hello?").await?.status, 404);
    assert_eq!(app.count("forum_posts").await?, posts);
    assert_eq!(
        read_thread(&maud, started.thread).await?.state,
        PostState::Hidden
    );
    Ok(())
}

#[tokio::test]
async fn a_hidden_post_is_not_found_by_search() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let started = start_thread(&ada, general, "Airships", "Who likes airships?").await?;
    let rude = reply(&bob, started.thread, "A zeppelin is a rude word here.").await?;
    let other = start_thread(&ada, general, "Balloons", "Anyone for a dirigible?").await?;
    reply(&bob, other.thread, "A dirigible, yes please.").await?;
    assert_eq!(search(&app, "zeppelin", 1).await?.total, 1);
    assert_eq!(search(&app, "dirigible", 1).await?.total, 2);

    let hidden = moderate_post(&maud, rude, "hide").await?;
    // Hiding a thread's first post hides the whole thread.
    let whole = moderate_post(&maud, other.post, "hide").await?;

    assert_eq!(hidden.error(), None, "{hidden:?}");
    assert_eq!(whole.error(), None, "{whole:?}");
    for reader in [&app, &bob, &maud] {
        let found = search(reader, "zeppelin", 1).await?;
        assert_eq!((found.total, found.hits.len()), (0, 0), "{found:?}");
        let found = search(reader, "dirigible", 1).await?;
        assert_eq!((found.total, found.hits.len()), (0, 0), "{found:?}");
    }
    Ok(())
}

#[tokio::test]
async fn a_notification_about_a_post_hidden_since_disappears() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let carol = member(&app, "carol").await?;
    let started = start_thread(&ada, general, "Engines", "Who likes engines?").await?;
    let rude = reply(&bob, started.thread, "You are all wrong, and @carol too.").await?;
    assert_eq!(notifications(&ada).await?.len(), 1);
    assert_eq!(app.count("notifications").await?, 2);

    let hidden = moderate_post(&maud, rude, "hide").await?;

    assert_eq!(hidden.error(), None, "{hidden:?}");
    let for_ada = notifications(&ada).await?;
    assert!(for_ada.is_empty(), "{for_ada:?}");
    let for_carol = notifications(&carol).await?;
    assert!(for_carol.is_empty(), "{for_carol:?}");
    Ok(())
}

/// Checks the last action succeeded and the log now holds `rows` rows,
/// one of them of `kind`.
async fn logged(app: &TestApp, answer: Answer, rows: i64, kind: &str) -> TestResult {
    assert_eq!(answer.error(), None, "{kind}: {answer:?}");
    assert_eq!(app.count("moderation_log").await?, rows, "after {kind}");
    assert_eq!(
        app.count(&format!("moderation_log WHERE kind = '{kind}'"))
            .await?,
        1,
        "{kind}"
    );
    Ok(())
}

#[tokio::test]
async fn every_moderation_action_writes_exactly_one_log_row() -> TestResult {
    let app = spawn_app().await?;
    let t = targets(&app).await?;
    // Only the sanctions this test makes exist.
    sanction::Entity::delete_by_id(t.sanction)
        .exec(&app.db)
        .await?;
    let maud = moderator(&app, "maud").await?;
    let boss = TestApp::visitor_of(&app)?;
    let signed_in = boss.sign_in("boss", PASSWORD).await?;
    assert_eq!(signed_in.error(), None, "{signed_in:?}");
    boss.accept_policy().await?;
    let target = reply(&boss, t.thread, "A reply to act on.").await?;

    let answer = moderate_post(&maud, target, "hide").await?;
    logged(&app, answer, 1, "hide_post").await?;
    let answer = moderate_post(&maud, target, "unhide").await?;
    logged(&app, answer, 2, "unhide_post").await?;
    let answer = moderate_thread(&maud, t.thread, "lock", None).await?;
    logged(&app, answer, 3, "lock_thread").await?;
    let answer = moderate_thread(&maud, t.thread, "unlock", None).await?;
    logged(&app, answer, 4, "unlock_thread").await?;
    let answer = moderate_thread(&maud, t.thread, "move", Some(t.elsewhere)).await?;
    logged(&app, answer, 5, "move_thread").await?;
    let answer = moderate_post(&maud, target, "delete").await?;
    logged(&app, answer, 6, "delete_post").await?;
    let answer = moderate_post(&maud, target, "restore").await?;
    logged(&app, answer, 7, "restore_post").await?;
    let answer = moderate_post(&maud, t.pending, "approve").await?;
    logged(&app, answer, 8, "approve_post").await?;
    let answer = maud
        .call(
            "moderation/resolve",
            &[
                ("report", &t.report.to_string()),
                ("conclusion", "Not spam."),
            ],
        )
        .await?;
    logged(&app, answer, 9, "resolve_report").await?;
    let answer = sanction_member(&maud, "ada", "suspension", "3").await?;
    logged(&app, answer, 10, "suspend_member").await?;
    let answer = maud
        .call(
            "moderation/lift",
            &[
                ("sanction", &last_sanction(&app).await?.to_string()),
                ("reason", "Apologised."),
            ],
        )
        .await?;
    logged(&app, answer, 11, "lift_sanction").await?;
    let answer = sanction_member(&maud, "ada", "ban", "").await?;
    logged(&app, answer, 12, "ban_member").await?;

    let page = maud.call("moderation/log", &[("page", "1")]).await?;
    let page: LogPage = serde_json::from_str(&page.body)?;
    assert_eq!(page.entries.len(), 12);
    assert_eq!(page.entries[0].kind, ActionKind::BanMember);
    assert_eq!(page.entries[0].target, "member ada");
    assert_eq!(page.entries[0].moderator.as_deref(), Some("maud"));
    assert_eq!(page.entries[11].kind, ActionKind::HidePost);
    // The actions took effect.
    let moved = thread::Entity::find_by_id(t.thread)
        .one(&app.db)
        .await?
        .ok_or("thread gone")?;
    assert_eq!((moved.category_id, moved.locked), (t.elsewhere, false));
    assert!(
        post_ids(&TestApp::visitor_of(&app)?, t.thread)
            .await?
            .contains(&t.pending)
    );
    Ok(())
}

#[tokio::test]
async fn repeating_an_action_is_a_conflict_and_logs_nothing() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let carol = member(&app, "carol").await?;
    let started = start_thread(&ada, general, "Engines", "Who likes engines?").await?;
    let target = reply(&ada, started.thread, "Me.").await?;
    let report = file_report(&carol, started.post).await?;
    for answer in [
        moderate_post(&maud, target, "hide").await?,
        moderate_thread(&maud, started.thread, "lock", None).await?,
        maud.call(
            "moderation/resolve",
            &[("report", &report.to_string()), ("conclusion", "Fine.")],
        )
        .await?,
        sanction_member(&maud, "carol", "suspension", "2").await?,
    ] {
        assert_eq!(answer.error(), None, "{answer:?}");
    }
    let lifted = maud
        .call(
            "moderation/lift",
            &[
                ("sanction", &last_sanction(&app).await?.to_string()),
                ("reason", ""),
            ],
        )
        .await?;
    assert_eq!(lifted.error(), None, "{lifted:?}");
    assert_eq!(app.count("moderation_log").await?, 5);

    let again = [
        moderate_post(&maud, target, "hide").await?,
        moderate_post(&maud, started.post, "approve").await?,
        moderate_post(&maud, started.post, "restore").await?,
        moderate_thread(&maud, started.thread, "lock", None).await?,
        maud.call(
            "moderation/resolve",
            &[("report", &report.to_string()), ("conclusion", "Fine.")],
        )
        .await?,
        maud.call(
            "moderation/lift",
            &[
                ("sanction", &last_sanction(&app).await?.to_string()),
                ("reason", ""),
            ],
        )
        .await?,
    ];

    for answer in &again {
        assert_eq!(answer.status, 409, "{answer:?}");
        assert_eq!(answer.error(), Some(("conflict".to_owned(), None)));
    }
    assert_eq!(app.count("moderation_log").await?, 5);
    Ok(())
}

#[tokio::test]
async fn the_moderation_log_cannot_be_changed_or_emptied() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let started = start_thread(&ada, general, "Engines", "Who likes engines?").await?;
    let answer = moderate_post(&maud, started.post, "hide").await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    let answer = moderate_thread(&maud, started.thread, "lock", None).await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    let before = log_row::Entity::find()
        .order_by_asc(log_row::Column::Id)
        .all(&app.db)
        .await?;
    assert_eq!(before.len(), 2);

    let updated = app
        .db
        .execute_unprepared("UPDATE moderation_log SET reason = 'x'")
        .await;
    let deleted = app
        .db
        .execute_unprepared("DELETE FROM moderation_log")
        .await;

    assert!(updated.is_err(), "the log was changed: {updated:?}");
    assert!(deleted.is_err(), "the log was emptied: {deleted:?}");
    let after = log_row::Entity::find()
        .order_by_asc(log_row::Column::Id)
        .all(&app.db)
        .await?;
    assert_eq!(after, before);
    assert_eq!(app.count("moderation_log WHERE reason = 'x'").await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_moderation_action_never_sends_the_browser_off_site() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let started = start_thread(&ada, general, "Engines", "Who likes engines?").await?;
    let thread = started.thread.to_string();
    let mut locked = true;

    for (back, expected) in [
        ("//evil.example/phish", "/moderation"),
        ("https://evil.example/phish", "/moderation"),
        ("/\\evil.example/phish", "/moderation"),
        ("/\t/evil.example/phish", "/moderation"),
        ("/%09/evil.example/phish", "/moderation"),
        ("/\n/evil.example/phish", "/moderation"),
        ("/forum\r\nSet-Cookie: x=1", "/moderation"),
        ("/ /evil.example", "/moderation"),
        ("/forum", "/forum"),
    ] {
        let action = if locked { "lock" } else { "unlock" };
        locked = !locked;
        let answer = maud
            .call(
                "moderation/thread",
                &[
                    ("thread", &thread),
                    ("action", action),
                    ("reason", "Keeping the forum tidy."),
                    ("back", back),
                ],
            )
            .await?;

        assert_eq!(answer.error(), None, "{answer:?}");
        assert_eq!(answer.location.as_deref(), Some(expected), "back={back}");
    }
    Ok(())
}
