//! Edits pass the same rules as new posts: the link limit for new members,
//! the posting rate limit, and approval for members whose posts are held.

use std::error::Error;

use app::forum::{PostState, ssr::post};
use sea_orm::EntityTrait;

use crate::{
    forum::threads::{
        NOT_HELD, Started, forum_admin, member, moderate_post, moderator, queue, read_thread,
        start_thread,
    },
    helpers::{Answer, TestApp, TestResult, spawn_app_with},
};

async fn edit(author: &TestApp, started: Started, body: &str) -> reqwest::Result<Answer> {
    author
        .call(
            "forum/edit",
            &[
                ("post", &started.post.to_string()),
                ("title", "Hello"),
                ("body", body),
            ],
        )
        .await
}

async fn body_of(app: &TestApp, started: Started) -> Result<String, Box<dyn Error>> {
    let row = post::Entity::find_by_id(started.post)
        .one(&app.db)
        .await?
        .ok_or("no post")?;
    Ok(row.body)
}

#[tokio::test]
async fn an_edit_may_not_hold_more_links_than_a_new_members_post() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let started = start_thread(&ada, general, "Hello", "No links here.").await?;

    let edited = edit(
        &ada,
        started,
        "https://a.example https://b.example https://c.example",
    )
    .await?;

    assert_eq!(edited.status, 422, "{edited:?}");
    assert_eq!(
        edited.error(),
        Some(("invalid".to_owned(), Some("body".to_owned())))
    );
    assert_eq!(body_of(&app, started).await?, "No links here.");
    Ok(())
}

#[tokio::test]
async fn edits_count_against_the_posting_rate_limit() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let started = start_thread(&ada, general, "Hello", "Version 1.").await?;

    // A new member may post three times in ten minutes; the thread was one.
    let second = edit(&ada, started, "Version 2.").await?;
    let third = edit(&ada, started, "Version 3.").await?;
    let fourth = edit(&ada, started, "Version 4.").await?;

    assert_eq!(second.error(), None, "{second:?}");
    assert_eq!(third.error(), None, "{third:?}");
    assert_eq!(fourth.status, 429, "{fourth:?}");
    assert_eq!(fourth.error(), Some(("rate_limited".to_owned(), None)));
    assert_eq!(body_of(&app, started).await?, "Version 3.");
    Ok(())
}

#[tokio::test]
async fn a_held_members_edit_of_an_approved_post_waits_for_approval_again() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_FORUM_HELD_POSTS", "2")]).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let started = start_thread(&ada, general, "Hello", "A harmless first post.").await?;
    let approved = moderate_post(&maud, started.post, "approve").await?;
    assert_eq!(approved.error(), None, "{approved:?}");
    assert_eq!(read_thread(&visitor, started.thread).await?.posts.len(), 1);

    let edited = edit(&ada, started, "Buy cheap watches now.").await?;

    assert_eq!(edited.error(), None, "{edited:?}");
    let hidden = visitor
        .call(
            "forum/thread",
            &[("thread", &started.thread.to_string()), ("page", "1")],
        )
        .await?;
    assert_eq!(hidden.status, 404, "{hidden:?}");
    let own = read_thread(&ada, started.thread).await?;
    assert_eq!(own.posts[0].state, PostState::Pending);
    let pending = queue(&maud).await?.pending;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].markdown, "Buy cheap watches now.");
    Ok(())
}

#[tokio::test]
async fn a_members_edit_is_public_at_once_once_they_are_no_longer_held() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_FORUM_HELD_POSTS", "1")]).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let maud = moderator(&app, "maud").await?;
    let ada = member(&app, "ada").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let started = start_thread(&ada, general, "Hello", "A first post.").await?;
    moderate_post(&maud, started.post, "approve").await?;

    let edited = edit(&ada, started, "A first post, spelled right.").await?;

    assert_eq!(edited.error(), None, "{edited:?}");
    let public = read_thread(&visitor, started.thread).await?;
    assert_eq!(public.posts[0].state, PostState::Visible);
    assert!(queue(&maud).await?.pending.is_empty());
    Ok(())
}
