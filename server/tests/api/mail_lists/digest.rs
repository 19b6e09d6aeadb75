//! The daily forum digest: sent only to members who turned it on, listing
//! only unread notifications about public posts, and stopped in one click
//! from the mail without a sign-in (RFC 8058).

use std::error::Error;

use app::{
    forum::ssr::send_digests,
    ssr::mail::{self, outbox},
};
use scraper::{Html, Selector};
use sea_orm::{EntityTrait, QueryOrder};
use time::Duration;

use crate::{
    forum::threads::{
        NOT_HELD, forum_admin, member, moderate_post, moderator, notifications, reply, start_thread,
    },
    helpers::{TestApp, TestResult, spawn_app_with},
    platform::outbox::deliver_to_files,
};

async fn digest_on(member: &TestApp) -> Result<bool, Box<dyn Error>> {
    let answer = member.call("forum/digest", &[]).await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    Ok(serde_json::from_str(&answer.body)?)
}

async fn turn_digest(member: &TestApp, on: bool) -> TestResult {
    let answer = member
        .call("forum/digest/set", &[("on", &on.to_string())])
        .await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    Ok(())
}

/// The digests in the outbox, oldest first: recipient, subject, text and
/// unsubscribe link.
async fn digests(app: &TestApp) -> Result<Vec<outbox::Model>, Box<dyn Error>> {
    Ok(outbox::Entity::find()
        .order_by_asc(outbox::Column::Id)
        .all(&app.db)
        .await?
        .into_iter()
        .filter(|row| row.subject.starts_with("Forum digest"))
        .collect())
}

/// The path and query of an absolute link, to call it on the test server.
fn path_of(link: &str) -> Result<String, Box<dyn Error>> {
    let start = link.find("/mail/").ok_or("not an unsubscribe link")?;
    Ok(link[start..].to_owned())
}

async fn one_click(app: &TestApp, path: &str) -> reqwest::Result<u16> {
    // A mail provider's server: no cookie, and a foreign origin at most.
    Ok(reqwest::Client::new()
        .post(app.url(path))
        .header("origin", "https://mail.example.net")
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await?
        .status()
        .as_u16())
}

/// Ada with the digest on, Bob, the thread Ada started and Bob answered,
/// and the path (with its token) of the unsubscribe link in Ada's digest.
struct Digested {
    ada: TestApp,
    bob: TestApp,
    thread: i64,
    path: String,
}

async fn one_digest_sent(app: &TestApp) -> Result<Digested, Box<dyn Error>> {
    let (_boss, general) = forum_admin(app).await?;
    let ada = member(app, "ada").await?;
    let bob = member(app, "bob").await?;
    turn_digest(&ada, true).await?;
    app.clock.advance(Duration::minutes(1));
    let started = start_thread(&ada, general, "Packaging", "Debian or Nix?").await?;
    reply(&bob, started.thread, "Both, with a shared recipe.").await?;
    assert_eq!(send_digests(&app.state).await?, 1);
    let link = digests(app).await?[0]
        .list_unsubscribe
        .clone()
        .ok_or("no unsubscribe link")?;
    Ok(Digested {
        ada,
        bob,
        thread: started.thread,
        path: path_of(&link)?,
    })
}

#[tokio::test]
async fn only_members_who_turned_it_on_get_a_digest_of_what_is_new() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let started = start_thread(&ada, general, "Build times", "How long does yours take?").await?;
    let first = reply(&bob, started.thread, "About four minutes here.").await?;

    assert_eq!(send_digests(&app.state).await?, 0, "nobody asked for one");
    assert!(!digest_on(&ada).await?);
    turn_digest(&ada, true).await?;
    turn_digest(&ada, true).await?;
    assert!(digest_on(&ada).await?);
    // The first digest lists what came after it was turned on.
    app.clock.advance(Duration::minutes(1));
    let second = reply(&bob, started.thread, "Twelve with a cold cache.").await?;
    assert_eq!(send_digests(&app.state).await?, 1);
    assert_eq!(send_digests(&app.state).await?, 0, "once a day at most");

    // Sessions end after a day without use: the members act first.
    app.clock.advance(Duration::minutes(1));
    let third = reply(&bob, started.thread, "And @ada, try sccache.").await?;
    app.clock.advance(Duration::hours(24));
    assert_eq!(send_digests(&app.state).await?, 1);

    let sent = digests(&app).await?;
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|mail| mail.recipient == "ada@example.org"));
    assert_eq!(sent[0].subject, "Forum digest: 1 new notification");
    assert!(
        sent[0]
            .body_text
            .contains("bob replied to \u{201c}Build times\u{201d}")
    );
    assert!(sent[0].body_text.contains(&format!("/forum/p/{second}\n")));
    assert!(!sent[0].body_text.contains(&format!("/forum/p/{first}\n")));
    assert!(sent[1].body_text.contains(&format!("/forum/p/{third}\n")));
    assert!(!sent[1].body_text.contains(&format!("/forum/p/{second}\n")));
    for mail in &sent {
        let link = mail
            .list_unsubscribe
            .as_deref()
            .ok_or("no unsubscribe link")?;
        assert!(link.contains("/mail/unsubscribe?token="), "{link}");
        assert!(mail.body_text.contains(link));
    }
    assert_ne!(sent[0].list_unsubscribe, sent[1].list_unsubscribe);
    Ok(())
}

#[tokio::test]
async fn a_digest_leaves_out_hidden_posts_and_what_was_read_in_the_forum() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let bob = member(&app, "bob").await?;
    let carol = member(&app, "carol").await?;
    let maud = moderator(&app, "maud").await?;
    turn_digest(&ada, true).await?;
    app.clock.advance(Duration::minutes(1));
    let started = start_thread(&ada, general, "Release notes", "Drafts go here.").await?;
    let read = reply(&bob, started.thread, "First draft attached.").await?;
    notifications(&ada).await?;
    let hidden = reply(&bob, started.thread, "Buy cheap watches").await?;
    let kept = reply(&carol, started.thread, "Looks good to me.").await?;
    let moderated = moderate_post(&maud, hidden, "hide").await?;
    assert_eq!(moderated.error(), None, "{moderated:?}");

    assert_eq!(send_digests(&app.state).await?, 1);
    let sent = digests(&app).await?;
    let text = &sent[0].body_text;
    assert_eq!(sent[0].subject, "Forum digest: 1 new notification");
    assert!(text.contains(&format!("/forum/p/{kept}\n")), "{text}");
    assert!(!text.contains(&format!("/forum/p/{hidden}\n")), "{text}");
    assert!(!text.contains("watches"), "{text}");
    assert!(!text.contains(&format!("/forum/p/{read}\n")), "{text}");

    // Nothing new and public: no mail at all.
    app.clock.advance(Duration::minutes(1));
    let spam = reply(&bob, started.thread, "More cheap watches").await?;
    moderate_post(&maud, spam, "hide").await?;
    app.clock.advance(Duration::hours(24));
    assert_eq!(send_digests(&app.state).await?, 0);
    Ok(())
}

#[tokio::test]
async fn one_click_in_the_mail_stops_the_digest_without_a_sign_in() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let Digested {
        ada,
        bob,
        thread,
        path,
    } = one_digest_sent(&app).await?;

    assert_eq!(
        one_click(&app, "/mail/unsubscribe?token=forged").await?,
        404
    );
    assert_eq!(one_click(&app, "/mail/unsubscribe").await?, 404);
    assert!(digest_on(&ada).await?, "a forged link changed nothing");
    assert_eq!(one_click(&app, &path).await?, 200);
    assert!(!digest_on(&ada).await?);
    assert_eq!(one_click(&app, &path).await?, 200, "a second click is fine");

    app.clock.advance(Duration::minutes(1));
    reply(&bob, thread, "Nix, then.").await?;
    app.clock.advance(Duration::hours(24));
    assert_eq!(send_digests(&app.state).await?, 0);

    // A year on, the link no longer works.
    app.clock.advance(Duration::days(366));
    assert_eq!(one_click(&app, &path).await?, 404);
    Ok(())
}

#[tokio::test]
async fn the_unsubscribe_page_asks_for_a_press_of_a_button() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let Digested { ada, path, .. } = one_digest_sent(&app).await?;
    let token = path.split("token=").nth(1).ok_or("no token")?.to_owned();
    let visitor = TestApp::visitor_of(&app)?;
    let lead = Selector::parse("p.lead").map_err(|e| e.to_string())?;
    let lead_of = |html: &str| {
        Html::parse_document(html)
            .select(&lead)
            .map(|p| p.text().collect::<String>())
            .collect::<String>()
    };

    // Opening the link (as a link scanner would) changes nothing.
    let page = visitor.get(&path).await?;
    assert_eq!(page.status(), 200);
    let body = page.text().await?;
    assert_eq!(
        lead_of(&body),
        "Stop getting the daily forum digest by mail?"
    );
    assert!(digest_on(&ada).await?);

    let wrong = visitor
        .call("mail/unsubscribe", &[("token", "forged")])
        .await?;
    assert_eq!(wrong.error(), Some(("not_found".to_owned(), None)));
    let pressed = visitor
        .call("mail/unsubscribe", &[("token", &token)])
        .await?;
    assert_eq!(pressed.error(), None, "{pressed:?}");
    assert!(!digest_on(&ada).await?);
    let body = visitor.get(&path).await?.text().await?;
    assert_eq!(
        lead_of(&body),
        "You will not get the daily forum digest any more."
    );
    let body = visitor
        .get("/mail/unsubscribe?token=forged")
        .await?
        .text()
        .await?;
    assert!(lead_of(&body).contains("does not work any more"), "{body}");
    Ok(())
}

#[tokio::test]
async fn the_digest_setting_needs_a_member_with_a_confirmed_address() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let visitor = TestApp::visitor_of(&app)?;
    for answer in [
        visitor.call("forum/digest", &[]).await?,
        visitor.call("forum/digest/set", &[("on", "true")]).await?,
    ] {
        assert_eq!(answer.error(), Some(("unauthorized".to_owned(), None)));
    }
    let unconfirmed = TestApp::visitor_of(&app)?;
    unconfirmed
        .signed_in_member("newbie", "newbie@example.org")
        .await?;
    unconfirmed.unconfirm("newbie").await?;
    let refused = unconfirmed
        .call("forum/digest/set", &[("on", "true")])
        .await?;
    assert_eq!(
        refused.error(),
        Some(("invalid".to_owned(), Some("on".to_owned())))
    );
    assert!(!digest_on(&unconfirmed).await?);
    Ok(())
}

#[tokio::test]
async fn a_digest_tells_mail_programs_how_to_unsubscribe_in_one_click() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_MAIL_WORKER", "false")]).await?;
    let to = app::accounts::Email::parse("ada@example.org").map_err(|e| e.to_string())?;
    let link = "https://community.example.org/mail/unsubscribe?token=Qm9vdHN0cmFwcGluZyBhIHRva2VuIG9mIDQzIGNoYXJz";
    let on_list = mail::Mail::new(&to, "Forum digest", "x".to_owned(), "x".to_owned())
        .unsubscribe_at(link.to_owned());
    mail::enqueue(&app.db, &app.clock, on_list).await?;
    let (sent, files) = deliver_to_files(&app).await?;
    assert_eq!(sent, 1);
    let file = files.first().ok_or("no mail written")?;
    assert!(
        file.contains(&format!("List-Unsubscribe: <{link}>\r\n")),
        "{file}"
    );
    assert!(
        file.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
        "{file}"
    );
    Ok(())
}

#[tokio::test]
async fn a_mail_to_the_unsubscribe_address_leaves_the_list_too() -> TestResult {
    use crate::platform::cli::{portal, text};

    let app = spawn_app_with(&[NOT_HELD, &[("PORTAL_MAIL_WORKER", "false")]].concat()).await?;
    let Digested { ada, path, .. } = one_digest_sent(&app).await?;
    let token = path.rsplit_once("token=").ok_or("no token")?.1.to_owned();

    // The mail offers the address beside the one-click link.
    let folder = std::env::temp_dir().join(format!("portal-mailto-{}", uuid::Uuid::new_v4()));
    let worker = mail::Worker::new(
        app.db.clone(),
        app.clock.clone(),
        mail::Transport::files(&folder.display().to_string())?,
        "Portal <noreply@example.org>",
    )?
    .unsubscribing_by_mail_at(Some("leave@example.org".parse()?));
    worker.deliver_due().await?;
    let file = std::fs::read_dir(&folder)?
        .filter_map(Result::ok)
        .map(|entry| std::fs::read_to_string(entry.path()))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .find(|eml| eml.contains("Subject: Forum digest"))
        .ok_or("no digest written")?
        .replace("\r\n ", " ");
    let mailto = format!("<mailto:leave@example.org?subject=unsubscribe%20{token}>");
    assert!(file.contains(&format!("{path}>, {mailto}\r\n")), "{file}");
    std::fs::remove_dir_all(&folder)?;

    // What the operator's mail server pipes in, From anyone: only the
    // token in the subject counts, and nothing else of the mail is read.
    let leave = |subject: &str| {
        let mail = format!(
            "From: Someone Else <eve@example.net>\r\nTo: leave@example.org\r\n\
             Subject: {subject}\r\n\r\nPlease take me off.\r\n"
        );
        portal(
            &["unsubscribe-mail"],
            &[("DATABASE_URL", app.database_url())],
            &mail,
        )
    };
    let forged = leave(&format!("unsubscribe {}", "A".repeat(43)))?;
    assert_eq!(forged.status.code(), Some(0), "{}", text(&forged.stderr));
    assert!(text(&forged.stdout).contains("unknown or expired"));
    let none = leave("Re: your digest")?;
    assert_eq!(none.status.code(), Some(0));
    assert!(text(&none.stdout).contains("No link"));
    assert!(digest_on(&ada).await?, "neither took Ada off");

    // Mail programs may encode the subject (RFC 2047).
    let encoded = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("unsubscribe {token}"),
    );
    let left = leave(&format!("=?utf-8?b?{encoded}?="))?;
    assert_eq!(left.status.code(), Some(0), "{}", text(&left.stderr));
    assert!(
        text(&left.stdout).contains("Left the list forum_digest."),
        "{}",
        text(&left.stdout)
    );
    assert!(!digest_on(&ada).await?);

    // A database that cannot be reached asks the mail server to try again.
    let unreachable = portal(
        &["unsubscribe-mail"],
        &[("DATABASE_URL", "sqlite:///nonexistent-folder/portal.db")],
        &format!("Subject: unsubscribe {token}\r\n\r\n"),
    )?;
    assert_eq!(unreachable.status.code(), Some(75), "EX_TEMPFAIL");
    Ok(())
}
