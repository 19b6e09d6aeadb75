//! Campaigns: only administrators write and send them; a send goes once to
//! each confirmed subscriber of the lists chosen, through the outbox, in
//! batches at the configured rate; every mail is multipart with the
//! one-click unsubscribe headers, and a bare POST to its link leaves.

use serde_json::Value;
use time::Duration;

use super::newsletter::{make_list, subscribed};
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
    TestApp::visitor_of(&app)?
        .call(
            "newsletter/subscribe",
            &[
                ("name", "Dee"),
                ("email", "dee@example.org"),
                (&format!("lists[{news}]"), "on"),
            ],
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
