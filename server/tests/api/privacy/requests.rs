//! Privacy requests: anyone may send one without an account; it reaches
//! the privacy team only once the address is confirmed; staff with the
//! privacy role (or administrators) answer it from a queue where every
//! change is logged and mailed; a deletion request is carried out with
//! one action that runs the member's own erasure.

use time::Duration;

use super::retention::purged;
use crate::{
    admin::roles::admin,
    forum::threads::member,
    helpers::{Answer, TestApp, TestResult, spawn_app, spawn_app_with},
};

const FORM: [(&str, &str); 5] = [
    ("kind", "access"),
    ("email", "ada@example.org"),
    ("name", "Ada Lovelace"),
    ("account_name", ""),
    ("details", "Please tell me what you hold about me."),
];

/// The request form, with `changes` applied.
fn form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    FORM.iter()
        .map(|&(key, value)| {
            let value = changes
                .iter()
                .find(|(changed, _)| *changed == key)
                .map_or(value, |(_, new)| *new);
            (key, value)
        })
        .collect()
}

async fn send(visitor: &TestApp, changes: &[(&str, &str)]) -> Result<Answer, reqwest::Error> {
    visitor.call("privacy/send-request", &form(changes)).await
}

/// Sends a request and confirms it from the mailed link; returns its id.
pub async fn confirmed(
    app: &TestApp,
    changes: &[(&str, &str)],
) -> Result<i64, Box<dyn std::error::Error>> {
    let visitor = TestApp::visitor_of(app)?;
    let sent = send(&visitor, changes).await?;
    assert_eq!(sent.error(), None, "{sent:?}");
    let token = app
        .mails()
        .await?
        .into_iter()
        .rev()
        .find(|mail| mail.subject == "Confirm your privacy request")
        .and_then(|mail| mail.token())
        .ok_or("no confirmation mail")?;
    let done = visitor
        .call("privacy/confirm-request", &[("token", &token)])
        .await?;
    assert_eq!(done.error(), None, "{done:?}");
    newest_request(app).await
}

async fn newest_request(app: &TestApp) -> Result<i64, Box<dyn std::error::Error>> {
    use app::privacy::ssr::request;
    use sea_orm::{EntityTrait, QueryOrder};
    Ok(request::Entity::find()
        .order_by_desc(request::Column::Id)
        .one(&app.db)
        .await?
        .ok_or("no request")?
        .id)
}

async fn stored(
    app: &TestApp,
    id: i64,
) -> Result<app::privacy::ssr::request::Model, Box<dyn std::error::Error>> {
    use app::privacy::ssr::request;
    use sea_orm::EntityTrait;
    Ok(request::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .ok_or("no request")?)
}

/// A member with the privacy role, signed in in a browser of their own.
async fn privacy_officer(
    app: &TestApp,
    username: &str,
) -> Result<TestApp, Box<dyn std::error::Error>> {
    let browser = member(app, username).await?;
    app.grant(username, "privacy").await?;
    Ok(browser)
}

fn json(answer: &Answer) -> serde_json::Value {
    serde_json::from_str(&answer.body).unwrap_or_default()
}

#[tokio::test]
async fn a_request_waits_for_its_address_to_be_confirmed() -> TestResult {
    let app = spawn_app_with(&[(
        "PORTAL_PRIVACY_CONTACT",
        "Privacy team <privacy@example.org>",
    )])
    .await?;
    let visitor = TestApp::visitor_of(&app)?;
    let sent = send(&visitor, &[]).await?;
    assert_eq!(sent.error(), None, "{sent:?}");
    assert_eq!(sent.location.as_deref(), Some("/privacy/requests/sent"));
    let mails = app.mails().await?;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].to, "ada@example.org");
    assert!(
        !mails[0].text.contains("Please tell me"),
        "a mail never repeats the request: {}",
        mails[0].text
    );
    let id = newest_request(&app).await?;
    assert_eq!(stored(&app, id).await?.status, "unconfirmed");

    // Not in the queue yet, and not to be opened by staff.
    let officer = privacy_officer(&app, "olga").await?;
    let queue = officer.call("privacy/queue", &[]).await?;
    assert_eq!(queue.error(), None, "{queue:?}");
    assert_eq!(json(&queue)["open"].as_array().map(Vec::len), Some(0));
    let opened = officer
        .call("privacy/request", &[("id", &id.to_string())])
        .await?;
    assert_eq!(opened.error().map(|e| e.0).as_deref(), Some("not_found"));

    // Opening the link changes nothing; the button does, once.
    let token = mails[0].token().ok_or("no token")?;
    let page = visitor
        .get(&format!("/privacy/requests/confirm?token={token}"))
        .await?;
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(stored(&app, id).await?.status, "unconfirmed");
    let confirmed = visitor
        .call("privacy/confirm-request", &[("token", &token)])
        .await?;
    assert_eq!(confirmed.error(), None, "{confirmed:?}");
    assert_eq!(
        confirmed.location.as_deref(),
        Some("/privacy/requests/confirmed")
    );
    let row = stored(&app, id).await?;
    assert_eq!(row.status, "received");
    assert_eq!(row.token_hash, None);
    assert_eq!(row.due_at, Some(app.clock.now() + Duration::days(30)));
    let again = visitor
        .call("privacy/confirm-request", &[("token", &token)])
        .await?;
    assert_eq!(
        again.error(),
        Some(("invalid".into(), Some("token".into())))
    );

    // The sender learns the number and the deadline; the team is told.
    let mails = app.mails().await?;
    let to: Vec<&str> = mails
        .iter()
        .map(|mail| mail.to.as_str())
        .filter(|to| *to != "olga@example.org")
        .collect();
    assert_eq!(
        to,
        ["ada@example.org", "ada@example.org", "privacy@example.org"]
    );
    let last = &mails[mails.len() - 2..];
    assert!(last[0].text.contains(&format!("#{id}")), "{}", last[0].text);
    assert!(last[1].text.contains(&format!("/privacy/queue/{id}")));

    let queue = officer.call("privacy/queue", &[]).await?;
    let open = json(&queue)["open"].clone();
    assert_eq!(open[0]["id"], id);
    assert_eq!(open[0]["status"], "received");
    Ok(())
}

#[tokio::test]
async fn an_unconfirmed_link_expires_after_48_hours() -> TestResult {
    let app = spawn_app().await?;
    let visitor = TestApp::visitor_of(&app)?;
    let sent = send(&visitor, &[]).await?;
    assert_eq!(sent.error(), None, "{sent:?}");
    let token = app.mails().await?[0].token().ok_or("no token")?;
    app.clock.advance(Duration::hours(49));
    let late = visitor
        .call("privacy/confirm-request", &[("token", &token)])
        .await?;
    assert_eq!(late.error(), Some(("invalid".into(), Some("token".into()))));
    assert_eq!(purged(&app, "unconfirmed privacy requests").await?, 1);
    assert_eq!(app.count("privacy_requests").await?, 0);
    assert_eq!(app.count("privacy_request_events").await?, 0);
    Ok(())
}

#[tokio::test]
async fn bad_input_is_refused_at_its_field_and_nothing_is_stored() -> TestResult {
    let app = spawn_app().await?;
    let long = "x".repeat(4001);
    let cases: [(&[(&str, &str)], &str); 6] = [
        (&[("kind", "gossip")], "kind"),
        (&[("email", "not an address")], "email"),
        (&[("details", "   ")], "details"),
        (&[("details", &long)], "details"),
        (&[("kind", "child")], "account_name"),
        (&[("account_name", "no such name!")], "account_name"),
    ];
    for (changes, field) in cases {
        let answer = send(&app, changes).await?;
        assert_eq!(
            answer.error(),
            Some(("invalid".into(), Some(field.into()))),
            "{changes:?}: {answer:?}"
        );
    }
    assert_eq!(app.count("privacy_requests").await?, 0);
    assert_eq!(app.mails().await?.len(), 0);
    Ok(())
}

#[tokio::test]
async fn the_answer_never_tells_whether_an_address_has_an_account() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    let known = send(&app, &[("email", "ferris@example.org")]).await?;
    let unknown = send(&app, &[("email", "nobody@example.org")]).await?;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.location, unknown.location);
    assert_eq!(known.body, unknown.body);
    // A bot that fills in the hidden field is answered alike, and ignored.
    let mut bot = form(&[("email", "bot@example.org")]);
    bot.push(("website", "https://spam.example"));
    let trapped = app.call("privacy/send-request", &bot).await?;
    assert_eq!(trapped.location, unknown.location);
    assert_eq!(trapped.status, unknown.status);
    assert_eq!(app.count("privacy_requests").await?, 2);
    Ok(())
}

#[tokio::test]
async fn nobody_can_flood_an_address_or_the_outbox() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_TRUST_FORWARDED_FOR", "true")]).await?;
    // Three requests a day for one address, from wherever they come.
    for ip in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
        let answer = app
            .call_from(ip, "privacy/send-request", &form(&[]))
            .await?;
        assert_eq!(answer.error(), None, "{answer:?}");
    }
    let fourth = app
        .call_from("192.0.2.4", "privacy/send-request", &form(&[]))
        .await?;
    assert_eq!(fourth.error().map(|e| e.0).as_deref(), Some("rate_limited"));
    // Five an hour from one network address, whatever the addresses.
    for n in 0..5 {
        let email = format!("someone{n}@example.org");
        let answer = app
            .call_from(
                "198.51.100.7",
                "privacy/send-request",
                &form(&[("email", &email)]),
            )
            .await?;
        assert_eq!(answer.error(), None, "{answer:?}");
    }
    let sixth = app
        .call_from(
            "198.51.100.7",
            "privacy/send-request",
            &form(&[("email", "someone9@example.org")]),
        )
        .await?;
    assert_eq!(sixth.error().map(|e| e.0).as_deref(), Some("rate_limited"));
    assert_eq!(app.mails().await?.len(), 8);
    Ok(())
}

#[tokio::test]
async fn only_the_privacy_team_and_administrators_see_the_queue() -> TestResult {
    let app = spawn_app().await?;
    let id = confirmed(&app, &[]).await?.to_string();
    let anonymous = TestApp::visitor_of(&app)?;
    let plain = member(&app, "ferris").await?;
    let moderator = member(&app, "moe").await?;
    app.grant("moe", "moderator").await?;
    for (who, expected) in [
        (&anonymous, "unauthorized"),
        (&plain, "forbidden"),
        (&moderator, "forbidden"),
    ] {
        for (endpoint, args) in [
            ("privacy/queue", vec![]),
            ("privacy/request", vec![("id", id.as_str())]),
            (
                "privacy/assign-request",
                vec![("id", id.as_str()), ("take", "true")],
            ),
            (
                "privacy/note-request",
                vec![("id", id.as_str()), ("note", "hi")],
            ),
            (
                "privacy/set-request-status",
                vec![("id", id.as_str()), ("status", "declined"), ("message", "")],
            ),
            (
                "privacy/erase-for-request",
                vec![("id", id.as_str()), ("confirm", "ferris")],
            ),
        ] {
            let answer = who.call(endpoint, &args).await?;
            assert_eq!(
                answer.error().map(|e| e.0).as_deref(),
                Some(expected),
                "{endpoint}: {answer:?}"
            );
        }
        let page = who.get("/privacy/queue").await?;
        assert_ne!(page.status().as_u16(), 200);
        assert!(!page.text().await?.contains("Ada Lovelace"));
    }
    assert_eq!(stored(&app, id.parse()?).await?.status, "received");
    assert_eq!(
        app.count("privacy_request_events").await?,
        2,
        "sent, confirmed"
    );

    admin(&app).await?;
    let boss = TestApp::visitor_of(&app)?;
    boss.sign_in("boss", crate::helpers::PASSWORD).await?;
    let detail = boss.call("privacy/request", &[("id", &id)]).await?;
    assert_eq!(detail.error(), None, "{detail:?}");
    assert_eq!(json(&detail)["email"], "ada@example.org");
    let page = boss.get(&format!("/privacy/queue/{id}")).await?;
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await?.contains("Ada Lovelace"));
    Ok(())
}

#[tokio::test]
async fn staff_take_note_and_answer_with_every_step_logged_and_mailed() -> TestResult {
    let app = spawn_app().await?;
    let id = confirmed(&app, &[]).await?;
    let id_text = id.to_string();
    let olga = privacy_officer(&app, "olga").await?;
    let mails_before = app.mails().await?.len();

    let took = olga
        .call(
            "privacy/assign-request",
            &[("id", &id_text), ("take", "true")],
        )
        .await?;
    assert_eq!(took.error(), None, "{took:?}");
    let noted = olga
        .call(
            "privacy/note-request",
            &[("id", &id_text), ("note", "Checked the forum and the CLA.")],
        )
        .await?;
    assert_eq!(noted.error(), None, "{noted:?}");
    let empty_note = olga
        .call("privacy/note-request", &[("id", &id_text), ("note", " ")])
        .await?;
    assert_eq!(
        empty_note.error(),
        Some(("invalid".into(), Some("note".into())))
    );
    let moved = olga
        .call(
            "privacy/set-request-status",
            &[("id", &id_text), ("status", "in_progress"), ("message", "")],
        )
        .await?;
    assert_eq!(moved.error(), None, "{moved:?}");
    let same = olga
        .call(
            "privacy/set-request-status",
            &[("id", &id_text), ("status", "in_progress"), ("message", "")],
        )
        .await?;
    assert_eq!(
        same.error(),
        Some(("invalid".into(), Some("status".into())))
    );
    let unconfirmable = olga
        .call(
            "privacy/set-request-status",
            &[("id", &id_text), ("status", "unconfirmed"), ("message", "")],
        )
        .await?;
    assert_eq!(
        unconfirmable.error(),
        Some(("invalid".into(), Some("status".into())))
    );
    let answered = olga
        .call(
            "privacy/set-request-status",
            &[
                ("id", &id_text),
                ("status", "done"),
                ("message", "Your data is attached to your account page."),
            ],
        )
        .await?;
    assert_eq!(answered.error(), None, "{answered:?}");

    // The sender got one mail per status change, and never the note.
    let mails = app.mails().await?;
    let new: Vec<_> = mails[mails_before..].iter().collect();
    assert_eq!(new.len(), 2, "{new:?}");
    assert!(new.iter().all(|mail| mail.to == "ada@example.org"));
    assert!(
        new[1].text.contains("Your data is attached"),
        "{}",
        new[1].text
    );
    assert!(
        new.iter()
            .all(|mail| !mail.text.contains("Checked the forum"))
    );

    let detail = json(&olga.call("privacy/request", &[("id", &id_text)]).await?);
    assert_eq!(detail["assigned_to_me"], true);
    assert_eq!(detail["summary"]["status"], "done");
    assert_eq!(detail["summary"]["urgency"], "Closed");
    let log: Vec<(&str, bool)> = detail["log"]
        .as_array()
        .ok_or("no log")?
        .iter()
        .map(|entry| {
            (
                entry["what"].as_str().unwrap_or(""),
                entry["mailed"] == true,
            )
        })
        .collect();
    assert_eq!(
        log,
        [
            ("Sent; confirmation link mailed", false),
            ("Address confirmed; the 30 days start", true),
            ("Taken", false),
            ("Internal note", false),
            ("Status set to \u{201c}Being handled\u{201d}", true),
            ("Status set to \u{201c}Done\u{201d}", true),
        ]
    );
    assert_eq!(detail["log"][2]["actor"], "olga");
    let queue = json(&olga.call("privacy/queue", &[]).await?);
    assert_eq!(queue["open"].as_array().map(Vec::len), Some(0));
    assert_eq!(queue["closed"][0]["id"], id);

    // An answered request stays a year, as the record of the answer.
    app.clock.advance(Duration::days(364));
    assert_eq!(
        purged(&app, "answered privacy requests past their year").await?,
        0
    );
    app.clock.advance(Duration::days(2));
    assert_eq!(
        purged(&app, "answered privacy requests past their year").await?,
        1
    );
    assert_eq!(app.count("privacy_request_events").await?, 0);
    Ok(())
}

#[tokio::test]
async fn deadlines_turn_due_soon_then_overdue() -> TestResult {
    let app = spawn_app().await?;
    confirmed(&app, &[]).await?;
    let olga = privacy_officer(&app, "olga").await?;
    let urgency = || async {
        // Sessions end after two idle hours: sign in again each time.
        olga.sign_in("olga", crate::helpers::PASSWORD).await?;
        let queue = json(&olga.call("privacy/queue", &[]).await?);
        Ok::<_, reqwest::Error>(
            queue["open"][0]["urgency"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
        )
    };
    assert_eq!(urgency().await?, "OnTime");
    app.clock.advance(Duration::days(24));
    assert_eq!(urgency().await?, "DueSoon");
    app.clock.advance(Duration::days(7));
    assert_eq!(urgency().await?, "Overdue");
    let page = olga.get("/privacy/queue").await?.text().await?;
    assert!(page.contains("(overdue)"), "colour is never the only sign");
    Ok(())
}

#[tokio::test]
async fn a_deletion_request_from_a_confirmed_address_erases_the_account_in_one_action() -> TestResult
{
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    let id = confirmed(
        &app,
        &[
            ("kind", "deletion"),
            ("email", "Ferris@Example.org"),
            ("name", ""),
        ],
    )
    .await?;
    let id_text = id.to_string();
    let olga = privacy_officer(&app, "olga").await?;
    let detail = json(&olga.call("privacy/request", &[("id", &id_text)]).await?);
    assert_eq!(detail["erasable"], "ferris");

    let wrong = olga
        .call(
            "privacy/erase-for-request",
            &[("id", &id_text), ("confirm", "ferri")],
        )
        .await?;
    assert_eq!(
        wrong.error(),
        Some(("invalid".into(), Some("confirm".into())))
    );
    assert!(
        app.signed_in_member("ferris2", "ferris2@example.org")
            .await
            .is_ok()
    );

    let erased = olga
        .call(
            "privacy/erase-for-request",
            &[("id", &id_text), ("confirm", "ferris")],
        )
        .await?;
    assert_eq!(erased.error(), None, "{erased:?}");
    let ferris = TestApp::visitor_of(&app)?;
    let signed_in = ferris.sign_in("ferris", crate::helpers::PASSWORD).await?;
    assert!(signed_in.error().is_some(), "the account is gone");
    let row = stored(&app, id).await?;
    assert_eq!(row.status, "done");
    let detail = json(&olga.call("privacy/request", &[("id", &id_text)]).await?);
    assert_eq!(detail["erasable"], serde_json::Value::Null);
    let whats: Vec<&str> = detail["log"]
        .as_array()
        .ok_or("no log")?
        .iter()
        .filter_map(|entry| entry["what"].as_str())
        .collect();
    assert!(whats.contains(&"Account erased"), "{whats:?}");
    let last = app.mails().await?;
    assert!(
        last.iter()
            .any(|mail| mail.to == "Ferris@Example.org"
                && mail.text.contains("Your account is deleted")),
        "{last:?}"
    );
    let twice = olga
        .call(
            "privacy/erase-for-request",
            &[("id", &id_text), ("confirm", "ferris")],
        )
        .await?;
    assert_eq!(
        twice.error(),
        Some(("invalid".into(), Some("confirm".into())))
    );
    Ok(())
}

#[tokio::test]
async fn no_account_is_erased_for_an_address_its_owner_never_confirmed() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    app.unconfirm("ferris").await?;
    let id = confirmed(
        &app,
        &[("kind", "deletion"), ("email", "ferris@example.org")],
    )
    .await?;
    let olga = privacy_officer(&app, "olga").await?;
    let id_text = id.to_string();
    let detail = json(&olga.call("privacy/request", &[("id", &id_text)]).await?);
    assert_eq!(detail["erasable"], serde_json::Value::Null);
    assert_eq!(detail["account_with_address"], "ferris");
    let refused = olga
        .call(
            "privacy/erase-for-request",
            &[("id", &id_text), ("confirm", "ferris")],
        )
        .await?;
    assert_eq!(
        refused.error(),
        Some(("invalid".into(), Some("confirm".into())))
    );
    // Nor for any kind other than deletion and a child's account.
    let access = confirmed(&app, &[("email", "corro@example.org")]).await?;
    let refused = olga
        .call(
            "privacy/erase-for-request",
            &[("id", &access.to_string()), ("confirm", "olga")],
        )
        .await?;
    assert_eq!(
        refused.error(),
        Some(("invalid".into(), Some("confirm".into())))
    );
    assert!(olga.whoami().await?.is_some());
    Ok(())
}

#[tokio::test]
async fn a_childs_account_reported_by_a_parent_is_erased_by_its_username() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("tiny", "tiny@example.org").await?;
    let id = confirmed(
        &app,
        &[
            ("kind", "child"),
            ("email", "parent@example.org"),
            ("account_name", "tiny"),
            ("details", "My son is 11 and made this account."),
        ],
    )
    .await?;
    let olga = privacy_officer(&app, "olga").await?;
    let erased = olga
        .call(
            "privacy/erase-for-request",
            &[("id", &id.to_string()), ("confirm", "tiny")],
        )
        .await?;
    assert_eq!(erased.error(), None, "{erased:?}");
    let tiny = TestApp::visitor_of(&app)?;
    assert!(
        tiny.sign_in("tiny", crate::helpers::PASSWORD)
            .await?
            .error()
            .is_some()
    );
    let mails = app.mails().await?;
    assert!(mails.iter().any(|mail| {
        mail.to == "parent@example.org"
            && mail
                .text
                .contains("The account you told us about is deleted")
    }));
    Ok(())
}

#[tokio::test]
async fn a_member_finds_their_requests_in_their_data_and_nobody_elses() -> TestResult {
    use super::centre::{download, rows};
    let app = spawn_app().await?;
    let ferris = member(&app, "ferris").await?;
    let corro = member(&app, "corro").await?;
    let id = confirmed(
        &app,
        &[
            ("email", "ferris@example.org"),
            ("details", "What do you hold about Ferris?"),
        ],
    )
    .await?;
    let olga = privacy_officer(&app, "olga").await?;
    olga.call(
        "privacy/note-request",
        &[("id", &id.to_string()), ("note", "Forum posts and a CLA.")],
    )
    .await?;

    let mine = download(&ferris).await?;
    let requests = rows(&mine, "privacy_requests");
    assert_eq!(requests.len(), 1, "{mine:#}");
    assert_eq!(requests[0]["details"], "What do you hold about Ferris?");
    let log = rows(&mine, "privacy_request_events");
    assert!(
        log.iter()
            .any(|event| event["note"] == "Forum posts and a CLA."),
        "{log:?}"
    );
    let text = mine.to_string();
    assert!(!text.contains("olga"), "staff are not named: {text}");

    let theirs = download(&corro).await?.to_string();
    assert!(!theirs.contains("What do you hold about Ferris?"));
    assert!(!theirs.contains("Forum posts and a CLA."));
    Ok(())
}
