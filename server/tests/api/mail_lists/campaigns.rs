//! Campaigns: only administrators write and send them; a send goes once to
//! each confirmed subscriber of the lists chosen, through the outbox, in
//! batches at the configured rate; every mail is multipart with the
//! one-click unsubscribe headers, and a bare POST to its link leaves.

use serde_json::Value;
use time::Duration;

use super::newsletter::{make_list, subscribe, subscribed};
use crate::{
    forum::threads::{forum_admin, member},
    helpers::{TestApp, TestResult, files_under, spawn_app, spawn_app_with},
};

const BODY: &str =
    "# December\n\nWe shipped **search**. Read [the notes](https://example.org/notes).";

async fn new_campaign(
    boss: &TestApp,
    lists: &[&str],
) -> Result<String, Box<dyn std::error::Error>> {
    let keys: Vec<String> = lists.iter().map(|id| format!("lists[{id}]")).collect();
    let mut form = vec![("subject", "News for December"), ("body", BODY)];
    form.extend(keys.iter().map(|key| (key.as_str(), "on")));
    let saved = boss.call("admin/save-campaign", &form).await?;
    assert_eq!(saved.error(), None, "{saved:?}");
    let location = saved.location.ok_or("no redirect")?;
    Ok(location
        .trim_start_matches("/admin/campaigns/")
        .trim_end_matches("?saved=1")
        .to_owned())
}

async fn detail(boss: &TestApp, id: &str) -> Result<Value, Box<dyn std::error::Error>> {
    let answer = boss.call("admin/campaign", &[("id", id)]).await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    Ok(serde_json::from_str(&answer.body)?)
}

async fn tick(app: &TestApp) -> Result<u64, Box<dyn std::error::Error>> {
    let counts = app::features::tick(&app.state).await?;
    Ok(counts
        .iter()
        .filter(|(what, _)| *what == "campaign mails queued")
        .map(|(_, n)| n)
        .sum())
}

/// Adds `n` confirmed subscribers on `list` straight to the database.
async fn many_subscribers(app: &TestApp, list: &str, n: usize) -> TestResult {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = app.db.get_database_backend();
    for i in 0..n {
        let email = format!("reader{i}@example.org");
        app.db
            .execute_raw(Statement::from_string(
                backend,
                format!(
                    "INSERT INTO mail_subscribers (name, email, email_key, created_at, confirmed_at) \
                     VALUES ('Reader {i}', '{email}', '{email}', '2026-12-01 00:00:00+00:00', '2026-12-01 00:00:00+00:00')"
                ),
            ))
            .await?;
        app.db
            .execute_raw(Statement::from_string(
                backend,
                format!(
                    "INSERT INTO mail_list_subscriptions (subscriber_id, list_id, created_at) \
                     SELECT id, {list}, '2026-12-01 00:00:00+00:00' FROM mail_subscribers WHERE email_key = '{email}'"
                ),
            ))
            .await?;
    }
    Ok(())
}

#[tokio::test]
async fn only_administrators_see_write_or_send_campaigns() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    let news = make_list(&boss, "Product news", "everyone").await?;
    let id = new_campaign(&boss, &[&news]).await?;
    let ada = member(&app, "ada").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let calls: [(&str, Vec<(&str, &str)>); 7] = [
        ("admin/campaigns", vec![]),
        ("admin/campaign", vec![("id", &id)]),
        ("admin/campaign-lists", vec![]),
        (
            "admin/save-campaign",
            vec![("id", &id), ("subject", "Mine"), ("body", "x")],
        ),
        ("admin/test-campaign", vec![("id", &id)]),
        ("admin/send-campaign", vec![("id", &id)]),
        ("admin/stop-campaign", vec![("id", &id)]),
    ];
    for (endpoint, form) in &calls {
        assert_eq!(
            visitor.call(endpoint, form).await?.status,
            401,
            "{endpoint}"
        );
        assert_eq!(ada.call(endpoint, form).await?.status, 403, "{endpoint}");
    }
    let shown = detail(&boss, &id).await?;
    assert_eq!(shown["subject"], "News for December");
    assert_eq!(shown["status"], "draft");
    assert!(
        app.mails()
            .await?
            .iter()
            .all(|mail| !mail.subject.contains("News for December"))
    );
    Ok(())
}

#[tokio::test]
async fn a_campaign_goes_once_to_each_confirmed_subscriber_with_one_click_headers() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    let news = make_list(&boss, "Product news", "everyone").await?;
    let other = make_list(&boss, "Other news", "everyone").await?;
    subscribed(&app, "Ada", "ada@example.org", &[&news, &other]).await?;
    subscribed(&app, "Bob", "bob@example.org", &[&other]).await?;
    subscribed(&app, "Cy", "cy@example.org", &[&news]).await?;
    // Not confirmed: gets nothing.
    subscribe(
        &TestApp::visitor_of(&app)?,
        "Dee",
        "dee@example.org",
        &[&news],
    )
    .await?;
    // A member who joined with their confirmed address.
    let eve = member(&app, "eve").await?;
    eve.accept_policy().await?;
    let joined = eve
        .call("newsletter/set-mine", &[("list", &news), ("on", "true")])
        .await?;
    assert_eq!(joined.error(), None, "{joined:?}");

    let id = new_campaign(&boss, &[&news]).await?;
    assert_eq!(detail(&boss, &id).await?["audience"], 3);
    let before = app.mails().await?.len();

    // A test to the administrator only.
    let tested = boss.call("admin/test-campaign", &[("id", &id)]).await?;
    assert_eq!(tested.error(), None, "{tested:?}");
    let mails = app.mails().await?;
    assert_eq!(mails.len(), before + 1);
    assert_eq!(mails[before].subject, "[Test] News for December");
    assert_eq!(mails[before].to, "boss@example.org");

    let sent = boss
        .call("admin/send-campaign", &[("id", &id), ("send_at", "")])
        .await?;
    assert_eq!(sent.error(), None, "{sent:?}");
    assert_eq!(detail(&boss, &id).await?["status"], "scheduled");
    assert_eq!(tick(&app).await?, 3);
    app.clock.advance(Duration::seconds(10));
    assert_eq!(tick(&app).await?, 0, "nobody twice");
    let shown = detail(&boss, &id).await?;
    assert_eq!(shown["status"], "sent");
    assert_eq!(shown["progress"]["left"], 3);
    let campaign: Vec<_> = app
        .mails()
        .await?
        .into_iter()
        .filter(|mail| mail.subject == "News for December")
        .collect();
    let mut to: Vec<&str> = campaign.iter().map(|mail| mail.to.as_str()).collect();
    to.sort_unstable();
    assert_eq!(to, ["ada@example.org", "cy@example.org", "eve@example.org"]);
    for mail in &campaign {
        assert!(
            mail.text.starts_with(BODY),
            "the text part is complete: {}",
            mail.text
        );
        assert!(
            mail.text
                .contains("Unsubscribe from \"Product news\": http")
        );
        assert!(mail.text.contains("/newsletter/preferences?token="));
    }

    // Delivered: multipart, with the one-click headers of RFC 2369 and 8058.
    let worker = app.mail_folder_worker()?;
    worker.deliver_due().await?;
    let folder = app.state.mail_folder.clone().ok_or("no mail folder")?;
    let ada_file = files_under(&folder)
        .into_iter()
        .map(std::fs::read_to_string)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .find(|eml| {
            eml.contains("To: ada@example.org")
                && eml.contains("News for December")
                && !eml.contains("[Test]")
        })
        .ok_or("no mail to ada")?;
    assert!(ada_file.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert!(ada_file.contains("multipart/alternative"));
    assert!(ada_file.contains("Content-Type: text/plain"));
    assert!(ada_file.contains("Content-Type: text/html"));
    assert!(ada_file.contains("<strong>search</strong>"));
    let link = ada_file
        .lines()
        .find_map(|line| line.strip_prefix("List-Unsubscribe: <"))
        .and_then(|rest| rest.strip_suffix('>'))
        .ok_or("no List-Unsubscribe")?
        .replace("http://127.0.0.1:3000", &app.address);
    let progress = detail(&boss, &id).await?["progress"].clone();
    assert_eq!(
        (progress["sent"].as_i64(), progress["left"].as_i64()),
        (Some(3), Some(0))
    );

    // A mail program's one-click POST: no cookie, no Origin, no page.
    let bare = reqwest::Client::new()
        .post(&link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await?;
    assert_eq!(bare.status(), 200);
    let lists: Value = serde_json::from_str(
        &TestApp::visitor_of(&app)?
            .call(
                "newsletter/preferences",
                &[("token", &preferences_token(&campaign, "ada@example.org")?)],
            )
            .await?
            .body,
    )?;
    let on: Vec<&str> = lists["lists"]
        .as_array()
        .ok_or("no lists")?
        .iter()
        .filter(|list| list["on"] == true)
        .filter_map(|list| list["name"].as_str())
        .collect();
    assert_eq!(on, ["Other news"], "left the campaign's list only");
    Ok(())
}

fn preferences_token(
    mails: &[crate::helpers::QueuedMail],
    to: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let text = &mails
        .iter()
        .find(|mail| mail.to == to)
        .ok_or("no mail")?
        .text;
    let start = text
        .find("/newsletter/preferences?token=")
        .ok_or("no link")?
        + 30;
    Ok(text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect())
}

#[tokio::test]
async fn a_send_keeps_to_the_rate_and_waits_for_the_outbox() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_MAIL_RATE_PER_MINUTE", "12")]).await?;
    let (boss, _) = forum_admin(&app).await?;
    let news = make_list(&boss, "Product news", "everyone").await?;
    many_subscribers(&app, &news, 30).await?;
    let id = new_campaign(&boss, &[&news]).await?;
    boss.call("admin/send-campaign", &[("id", &id)]).await?;

    assert_eq!(tick(&app).await?, 12, "a minute's worth at first");
    app.clock.advance(Duration::seconds(30));
    assert_eq!(
        tick(&app).await?,
        0,
        "the outbox still holds a minute's worth"
    );
    app.mail_folder_worker()?.deliver_due().await?;
    assert_eq!(tick(&app).await?, 6, "half a minute's worth");
    let shown = detail(&boss, &id).await?;
    assert_eq!(shown["status"], "sending");
    assert_eq!(shown["progress"]["sent"], 12);
    assert_eq!(shown["progress"]["left"], 18);

    // Stopped: nothing more is queued; what is queued still goes.
    let stopped = boss.call("admin/stop-campaign", &[("id", &id)]).await?;
    assert_eq!(stopped.error(), None, "{stopped:?}");
    app.clock.advance(Duration::minutes(5));
    assert_eq!(tick(&app).await?, 0);
    let shown = detail(&boss, &id).await?;
    assert_eq!(shown["status"], "cancelled");
    assert_eq!(shown["progress"]["sent"], 12);
    assert_eq!(
        shown["progress"]["left"], 6,
        "queued before the stop, still to go"
    );
    Ok(())
}

#[tokio::test]
async fn a_scheduled_campaign_waits_for_its_time_and_only_drafts_change() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    let news = make_list(&boss, "Product news", "everyone").await?;
    subscribed(&app, "Ada", "ada@example.org", &[&news]).await?;
    let id = new_campaign(&boss, &[&news]).await?;

    for (when, field) in [("yesterday", "send_at"), ("2026-12-01T09:00", "send_at")] {
        let refused = boss
            .call("admin/send-campaign", &[("id", &id), ("send_at", when)])
            .await?;
        assert_eq!(
            refused.error(),
            Some(("invalid".into(), Some(field.into()))),
            "{when}"
        );
    }
    let empty = new_campaign(&boss, &[]).await?;
    let refused = boss.call("admin/send-campaign", &[("id", &empty)]).await?;
    assert_eq!(
        refused.error(),
        Some(("invalid".into(), Some("lists".into())))
    );

    let scheduled = boss
        .call(
            "admin/send-campaign",
            &[("id", &id), ("send_at", "2026-12-07T13:00")],
        )
        .await?;
    assert_eq!(scheduled.error(), None, "{scheduled:?}");
    assert_eq!(tick(&app).await?, 0, "not yet");
    app.clock.advance(Duration::minutes(61));
    assert_eq!(tick(&app).await?, 1);
    let changed = boss
        .call(
            "admin/save-campaign",
            &[
                ("id", &id),
                ("subject", "Too late"),
                ("body", "x"),
                (&format!("lists[{news}]"), "on"),
            ],
        )
        .await?;
    assert_eq!(
        changed.error(),
        Some(("invalid".into(), Some("subject".into())))
    );
    assert_eq!(detail(&boss, &id).await?["subject"], "News for December");
    Ok(())
}

/// The real binary on `database`, sending mail as files to `mail_dir`.
fn serve(
    database: &crate::helpers::TestDatabase,
    mail_dir: &std::path::Path,
) -> std::io::Result<std::process::Child> {
    std::process::Command::new(env!("CARGO_BIN_EXE_portal"))
        .arg("serve")
        .env("DATABASE_URL", &database.url)
        .env("PORTAL_LISTEN", "127.0.0.1:0")
        .env("PORTAL_MAIL_DIR", mail_dir)
        .env("PORTAL_MAIL_RATE_PER_MINUTE", "6000")
        .env("PORTAL_SECRET_KEY", crate::helpers::TEST_SECRET_KEY)
        .env("PORTAL_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
}

/// The recipients of every campaign mail written to `folder`.
fn recipients(folder: &std::path::Path) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let mut to = Vec::new();
    for path in files_under(folder) {
        if path.extension().is_some_and(|ext| ext == "eml") {
            let eml = std::fs::read_to_string(&path)?;
            if let Some(line) = eml.lines().find(|line| line.starts_with("To: ")) {
                to.push(line.trim_start_matches("To: ").to_owned());
            }
        }
    }
    Ok(to)
}

#[tokio::test]
async fn a_send_killed_mid_way_resumes_and_mails_everyone_once() -> TestResult {
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
    const READERS: usize = 1200;

    let database = crate::helpers::TestDatabase::migrated().await?;
    let db = database.connect().await?;
    let backend = db.get_database_backend();
    let run = |sql: String| Statement::from_string(backend, sql);
    let now = "2026-12-01 00:00:00+00:00";
    let txn = db.begin().await?;
    txn.execute_raw(run(format!(
        "INSERT INTO mail_lists (slug, name, description, audience, created_at) \
         VALUES ('news', 'News', '', 'everyone', '{now}')"
    )))
    .await?;
    for i in 0..READERS {
        let email = format!("reader{i}@example.org");
        txn.execute_raw(run(format!(
            "INSERT INTO mail_subscribers (name, email, email_key, created_at, confirmed_at) \
             VALUES ('Reader', '{email}', '{email}', '{now}', '{now}')"
        )))
        .await?;
    }
    txn.execute_raw(run(format!(
        "INSERT INTO mail_list_subscriptions (subscriber_id, list_id, created_at) \
         SELECT s.id, l.id, '{now}' FROM mail_subscribers s, mail_lists l WHERE l.slug = 'news'"
    )))
    .await?;
    txn.execute_raw(run(format!(
        "INSERT INTO mail_campaigns (subject, body, status, created_at, updated_at, send_at, cursor) \
         VALUES ('Once each', 'Hello.', 'scheduled', '{now}', '{now}', '{now}', 0)"
    )))
    .await?;
    txn.execute_raw(run(
        "INSERT INTO mail_campaign_lists (campaign_id, list_id) \
         SELECT c.id, l.id FROM mail_campaigns c, mail_lists l"
            .to_owned(),
    ))
    .await?;
    txn.commit().await?;

    let mail_dir = std::env::temp_dir().join(format!("portal-kill-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&mail_dir)?;
    // Killed at a different point each run, once some mail is out.
    let at = 1 + usize::try_from(uuid::Uuid::new_v4().as_u128() % 400)?;
    let mut server = serve(&database, &mail_dir)?;
    let started = std::time::Instant::now();
    while recipients(&mail_dir)?.len() < at {
        assert!(started.elapsed().as_secs() < 60, "nothing was sent");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    server.kill()?;
    server.wait()?;
    let before = recipients(&mail_dir)?.len();
    assert!(before < READERS, "killed mid-way: {before} sent");
    // The killed worker's claim on the mail it was sending lapses after
    // five minutes; lapse it now rather than wait.
    db.execute_raw(run(
        "UPDATE mail_outbox SET claimed_until = NULL WHERE sent_at IS NULL".to_owned(),
    ))
    .await?;

    let mut server = serve(&database, &mail_dir)?;
    let done = async {
        loop {
            let left = db
                .query_one_raw(run(
                    "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL".to_owned(),
                ))
                .await?
                .ok_or("no row")?
                .try_get_by_index::<i64>(0)?;
            let status = db
                .query_one_raw(run("SELECT status FROM mail_campaigns".to_owned()))
                .await?
                .ok_or("no row")?
                .try_get_by_index::<String>(0)?;
            if left == 0 && status == "sent" {
                return Ok::<(), Box<dyn std::error::Error>>(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    };
    let finished = tokio::time::timeout(std::time::Duration::from_secs(120), done).await;
    server.kill()?;
    server.wait()?;
    finished.map_err(|_| "the send did not finish after the restart")??;

    let mut to = recipients(&mail_dir)?;
    let all = to.len();
    to.sort_unstable();
    to.dedup();
    assert_eq!(to.len(), READERS, "everyone, killed after {before}");
    assert_eq!(all, READERS, "nobody twice, killed after {before}");
    let _ = std::fs::remove_dir_all(&mail_dir);
    Ok(())
}

/// The campaign's HTML part for `to`, as queued.
async fn html_to(app: &TestApp, to: &str) -> Result<String, Box<dyn std::error::Error>> {
    use app::ssr::mail::outbox;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(outbox::Entity::find()
        .filter(outbox::Column::Recipient.eq(to))
        .filter(outbox::Column::Subject.eq("News for December"))
        .one(&app.db)
        .await?
        .ok_or("no campaign mail")?
        .body_html)
}

#[tokio::test]
async fn opens_and_clicks_are_counted_per_campaign_and_nothing_else_is_kept() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    let news = make_list(&boss, "Product news", "everyone").await?;
    subscribed(&app, "Ada", "ada@example.org", &[&news]).await?;
    let bob = subscribed(&app, "Bob", "bob@example.org", &[&news]).await?;
    // Bob unticks counting.
    let saved = TestApp::visitor_of(&app)?
        .call(
            "newsletter/save-preferences",
            &[
                ("token", &bob),
                ("name", "Bob"),
                (&format!("lists[{news}]"), "on"),
            ],
        )
        .await?;
    assert_eq!(saved.error(), None, "{saved:?}");
    let id = new_campaign(&boss, &[&news]).await?;
    boss.call("admin/send-campaign", &[("id", &id)]).await?;
    assert_eq!(tick(&app).await?, 2);
    app.clock.advance(Duration::seconds(10));
    tick(&app).await?;

    let ada = html_to(&app, "ada@example.org").await?;
    assert!(ada.contains(&format!("/mail/o/{id}\"")), "{ada}");
    assert!(
        ada.contains(&format!("href=\"http://127.0.0.1:3000/mail/c/{id}/0\"")),
        "{ada}"
    );
    assert!(
        !ada.contains("https://example.org/notes"),
        "the link goes through the site"
    );
    let bob = html_to(&app, "bob@example.org").await?;
    assert!(
        !bob.contains("/mail/o/"),
        "no image for who turned counting off: {bob}"
    );
    assert!(!bob.contains("/mail/c/"));
    assert!(bob.contains("href=\"https://example.org/notes\""));

    let before = app.every_value().await?;
    let fetch = |path: String, agent: &'static str, ip: &'static str| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map(|client| {
                client
                    .get(app.url(&path))
                    .header("user-agent", agent)
                    .header("x-forwarded-for", ip)
                    .send()
            })
    };
    for (agent, ip) in [
        ("Mail/1", "192.0.2.1"),
        ("Mail/2", "192.0.2.2"),
        ("Proxy", "192.0.2.3"),
    ] {
        let image = fetch(format!("/mail/o/{id}"), agent, ip)?.await?;
        assert_eq!(image.status(), 200);
        assert_eq!(
            image
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("image/gif")
        );
        assert!(image.headers().get("set-cookie").is_none());
    }
    for _ in 0..2 {
        let click = fetch(format!("/mail/c/{id}/0"), "Mail/1", "192.0.2.1")?.await?;
        assert_eq!(click.status(), 303);
        assert_eq!(
            click
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok()),
            Some("https://example.org/notes")
        );
    }
    // Never an open redirect: only a link the campaign has.
    for path in [
        format!("/mail/c/{id}/1"),
        "/mail/c/999/0".to_owned(),
        format!("/mail/c/{id}/0?to=https://evil.example"),
    ] {
        let refused = fetch(path.clone(), "Mail/1", "192.0.2.1")?.await?;
        let location = refused
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        assert!(
            refused.status() == 404 || location.as_deref() == Some("https://example.org/notes"),
            "{path}: {} {location:?}",
            refused.status()
        );
    }
    // An image of a campaign that does not exist counts nothing.
    fetch("/mail/o/999".to_owned(), "Mail/1", "192.0.2.1")?.await?;
    app::features::tick(&app.state).await?;

    let after = app.every_value().await?;
    let changed: Vec<&(String, String)> = before
        .keys()
        .filter(|key| before.get(*key) != after.get(*key))
        .collect();
    assert_eq!(
        changed,
        [
            &("mail_campaign_links".to_owned(), "clicks".to_owned()),
            &("mail_campaigns".to_owned(), "opens".to_owned()),
        ],
        "only the counts change: no row per recipient, no address, no browser"
    );
    let counted = detail(&boss, &id).await?["counted"].clone();
    assert_eq!(counted["opens"], 3);
    assert_eq!(counted["tracked"], 1);
    assert_eq!(counted["links"][0][0], "https://example.org/notes");
    // Two clicks, and the third that followed the link with a query added.
    assert_eq!(counted["links"][0][1], 3);
    Ok(())
}

#[tokio::test]
async fn with_counting_off_for_everyone_no_mail_carries_the_image() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_MAIL_TRACKING", "false")]).await?;
    let (boss, _) = forum_admin(&app).await?;
    let news = make_list(&boss, "Product news", "everyone").await?;
    subscribed(&app, "Ada", "ada@example.org", &[&news]).await?;
    let id = new_campaign(&boss, &[&news]).await?;
    boss.call("admin/send-campaign", &[("id", &id)]).await?;
    assert_eq!(tick(&app).await?, 1);
    let ada = html_to(&app, "ada@example.org").await?;
    assert!(
        !ada.contains("/mail/o/") && !ada.contains("/mail/c/"),
        "{ada}"
    );
    assert!(ada.contains("href=\"https://example.org/notes\""));
    assert_eq!(detail(&boss, &id).await?["counted"], Value::Null);
    Ok(())
}
