//! The newsletter: a visitor signs up with a name and an address, nothing
//! but the confirmation is mailed until the link is confirmed, unconfirmed
//! sign-ups go after 7 days, a mailed link opens the preferences without a
//! sign-in, leaving erases the name and address, and members join with
//! their confirmed address in one click.

use serde_json::Value;
use time::Duration;

use crate::{
    forum::threads::{forum_admin, member},
    helpers::{Answer, TestApp, TestResult, spawn_app},
    privacy::retention::purged,
};

const CONFIRM_SUBJECT: &str = "Confirm your newsletter subscription";

/// Makes a list as an administrator; its id.
pub async fn make_list(
    admin: &TestApp,
    name: &str,
    audience: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let made = admin
        .call(
            "admin/save-mail-list",
            &[
                ("name", name),
                ("description", "What we shipped."),
                ("audience", audience),
            ],
        )
        .await?;
    assert_eq!(made.error(), None, "{made:?}");
    let lists: Vec<Value> = serde_json::from_str(&admin.call("admin/mail-lists", &[]).await?.body)?;
    Ok(lists
        .iter()
        .find(|list| list["name"] == name)
        .and_then(|list| list["id"].as_i64())
        .ok_or("no such list")?
        .to_string())
}

/// An administrator and two lists: one for everyone, one for members.
async fn with_lists(
    app: &TestApp,
) -> Result<(TestApp, String, String), Box<dyn std::error::Error>> {
    let (boss, _) = forum_admin(app).await?;
    let news = make_list(&boss, "Product news", "everyone").await?;
    let inner = make_list(&boss, "Members' letter", "members").await?;
    Ok((boss, news, inner))
}

pub async fn subscribe(
    visitor: &TestApp,
    name: &str,
    email: &str,
    lists: &[&str],
) -> Result<Answer, reqwest::Error> {
    let keys: Vec<String> = lists.iter().map(|id| format!("lists[{id}]")).collect();
    let mut form = vec![("name", name), ("email", email)];
    form.extend(keys.iter().map(|key| (key.as_str(), "on")));
    visitor.call("newsletter/subscribe", &form).await
}

/// The token of the newest confirmation mail to `email`.
async fn confirm_token(app: &TestApp, email: &str) -> Result<String, Box<dyn std::error::Error>> {
    Ok(app
        .mails()
        .await?
        .into_iter()
        .rev()
        .find(|mail| mail.to == email && mail.subject == CONFIRM_SUBJECT)
        .and_then(|mail| mail.token())
        .ok_or("no confirmation mail")?)
}

/// The manage token the confirmation redirects to.
fn manage_token(confirmed: &Answer) -> Result<String, Box<dyn std::error::Error>> {
    let location = confirmed.location.as_deref().ok_or("no redirect")?;
    let rest = location
        .strip_prefix("/newsletter/preferences?token=")
        .ok_or(format!("redirected to {location}"))?;
    Ok(rest.split('&').next().unwrap_or_default().to_owned())
}

/// Signs up and confirms; the manage token.
pub async fn subscribed(
    app: &TestApp,
    name: &str,
    email: &str,
    lists: &[&str],
) -> Result<String, Box<dyn std::error::Error>> {
    let visitor = TestApp::visitor_of(app)?;
    let sent = subscribe(&visitor, name, email, lists).await?;
    assert_eq!(sent.error(), None, "{sent:?}");
    let token = confirm_token(app, email).await?;
    let confirmed = visitor
        .call("newsletter/confirm", &[("token", &token)])
        .await?;
    assert_eq!(confirmed.error(), None, "{confirmed:?}");
    manage_token(&confirmed)
}

async fn preferences(visitor: &TestApp, token: &str) -> Result<Answer, reqwest::Error> {
    visitor
        .call("newsletter/preferences", &[("token", token)])
        .await
}

fn lists_on(answer: &Answer) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let json: Value = serde_json::from_str(&answer.body)?;
    Ok(json["lists"]
        .as_array()
        .ok_or("no lists")?
        .iter()
        .filter(|list| list["on"] == true)
        .filter_map(|list| list["name"].as_str().map(str::to_owned))
        .collect())
}

async fn scalar(app: &TestApp, sql: &str) -> Result<Option<String>, Box<dyn std::error::Error>> {
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            sql.to_owned(),
        ))
        .await?;
    Ok(row
        .map(|row| row.try_get_by_index::<Option<String>>(0))
        .transpose()?
        .flatten())
}

#[tokio::test]
async fn visitors_see_only_open_lists_and_bad_input_is_refused_at_its_field() -> TestResult {
    let app = spawn_app().await?;
    let (_boss, news, inner) = with_lists(&app).await?;
    let visitor = TestApp::visitor_of(&app)?;

    let offered: Vec<Value> =
        serde_json::from_str(&visitor.call("newsletter/lists", &[]).await?.body)?;
    let names: Vec<&str> = offered.iter().filter_map(|l| l["name"].as_str()).collect();
    assert_eq!(
        names,
        ["Product news"],
        "not the digest, not members' lists"
    );

    for (name, email, lists, field) in [
        ("", "ada@example.org", vec![news.as_str()], "name"),
        (
            &*"n".repeat(101),
            "ada@example.org",
            vec![news.as_str()],
            "name",
        ),
        ("Ada", "not an address", vec![news.as_str()], "email"),
        ("Ada", "ada@example.org", vec![], "lists"),
        ("Ada", "ada@example.org", vec![inner.as_str()], "lists"),
        ("Ada", "ada@example.org", vec!["999999"], "lists"),
    ] {
        let answer = subscribe(&visitor, name, email, &lists).await?;
        assert_eq!(
            answer.error(),
            Some(("invalid".into(), Some(field.into()))),
            "{name:?} {email:?} {lists:?}: {answer:?}"
        );
    }
    assert_eq!(
        app.count("mail_subscribers").await?,
        0,
        "nothing half-written"
    );
    assert!(app.mails().await?.is_empty());

    // The hidden field bots fill in: the same answer, nothing stored or sent.
    let bot = visitor
        .call(
            "newsletter/subscribe",
            &[
                ("name", "Bot"),
                ("email", "bot@example.org"),
                (&format!("lists[{news}]"), "on"),
                ("website", "https://spam.example"),
            ],
        )
        .await?;
    assert_eq!(bot.location.as_deref(), Some("/newsletter/sent"));
    assert_eq!(app.count("mail_subscribers").await?, 0);
    assert!(app.mails().await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn nothing_but_the_confirmation_is_sent_until_the_link_is_confirmed() -> TestResult {
    let app = spawn_app().await?;
    let (_boss, news, _) = with_lists(&app).await?;
    let visitor = TestApp::visitor_of(&app)?;

    let sent = subscribe(&visitor, "Ada Lovelace", "ada@example.org", &[&news]).await?;
    assert_eq!(sent.error(), None, "{sent:?}");
    assert_eq!(sent.location.as_deref(), Some("/newsletter/sent"));
    let mails = app.mails().await?;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].subject, CONFIRM_SUBJECT);
    assert!(mails[0].text.contains("Hello Ada Lovelace,"));
    assert!(mails[0].text.contains("/newsletter/confirm?token="));
    assert_eq!(
        scalar(
            &app,
            "SELECT email FROM mail_subscribers WHERE confirmed_at IS NULL"
        )
        .await?,
        Some("ada@example.org".into())
    );

    // Opening the page confirms nothing; the button's call does.
    let token = confirm_token(&app, "ada@example.org").await?;
    let page = visitor
        .get(&format!("/newsletter/confirm?token={token}"))
        .await?;
    assert_eq!(page.status(), 200);
    assert_eq!(
        scalar(
            &app,
            "SELECT email FROM mail_subscribers WHERE confirmed_at IS NOT NULL"
        )
        .await?,
        None
    );
    let confirmed = visitor
        .call("newsletter/confirm", &[("token", &token)])
        .await?;
    let manage = manage_token(&confirmed)?;
    assert!(
        confirmed
            .location
            .as_deref()
            .is_some_and(|to| to.ends_with("&confirmed=1"))
    );
    let shown = preferences(&visitor, &manage).await?;
    let json: Value = serde_json::from_str(&shown.body)?;
    assert_eq!(json["name"], "Ada Lovelace");
    assert_eq!(json["email"], "ada@example.org");
    assert_eq!(json["member"], false);
    assert_eq!(lists_on(&shown)?, ["Product news"]);

    // The link works once.
    let again = visitor
        .call("newsletter/confirm", &[("token", &token)])
        .await?;
    assert_eq!(
        again.error(),
        Some(("invalid".into(), Some("token".into())))
    );
    Ok(())
}

#[tokio::test]
async fn the_answer_is_the_same_for_a_subscribed_address_and_confirming_adds_the_lists()
-> TestResult {
    let app = spawn_app().await?;
    let (boss, news, _) = with_lists(&app).await?;
    let advisories = make_list(&boss, "Security advisories", "everyone").await?;
    let fresh = TestApp::visitor_of(&app)?;
    let first = subscribe(&fresh, "Ada", "ada@example.org", &[&news]).await?;
    subscribed(&app, "Ada", "ada@example.org", &[&news]).await?;

    let someone = TestApp::visitor_of(&app)?;
    let second = subscribe(&someone, "Ada L.", "ADA@example.org", &[&advisories]).await?;
    assert_eq!(
        (second.status, &second.location, &second.body),
        (first.status, &first.location, &first.body),
        "the form tells no one who is subscribed"
    );
    let token = confirm_token(&app, "ADA@example.org").await?;
    let confirmed = someone
        .call("newsletter/confirm", &[("token", &token)])
        .await?;
    let manage = manage_token(&confirmed)?;
    assert_eq!(
        scalar(
            &app,
            "SELECT CAST(COUNT(*) AS TEXT) FROM mail_subscribers WHERE confirmed_at IS NOT NULL"
        )
        .await?,
        Some("1".into()),
        "one subscriber per address; the first, unconfirmed sign-up still waits"
    );
    let shown = preferences(&someone, &manage).await?;
    assert_eq!(lists_on(&shown)?, ["Product news", "Security advisories"]);
    assert_eq!(
        serde_json::from_str::<Value>(&shown.body)?["name"],
        "Ada L."
    );
    Ok(())
}

#[tokio::test]
async fn unconfirmed_sign_ups_are_erased_after_seven_days() -> TestResult {
    let app = spawn_app().await?;
    let (_boss, news, _) = with_lists(&app).await?;
    let visitor = TestApp::visitor_of(&app)?;
    subscribe(&visitor, "Ada", "ada@example.org", &[&news]).await?;
    let token = confirm_token(&app, "ada@example.org").await?;

    app.clock.advance(Duration::days(6));
    assert_eq!(purged(&app, "unconfirmed newsletter sign-ups").await?, 0);
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    assert_eq!(purged(&app, "unconfirmed newsletter sign-ups").await?, 1);
    for table in [
        "mail_subscribers",
        "mail_list_subscriptions",
        "mail_subscriber_links",
    ] {
        assert_eq!(app.count(table).await?, 0, "{table}");
    }
    let late = visitor
        .call("newsletter/confirm", &[("token", &token)])
        .await?;
    assert_eq!(late.error(), Some(("invalid".into(), Some("token".into()))));
    Ok(())
}

#[tokio::test]
async fn nobody_floods_an_address_with_confirmation_mail() -> TestResult {
    let app = spawn_app().await?;
    let (_boss, news, _) = with_lists(&app).await?;
    for n in 0..3 {
        let visitor = TestApp::visitor_of(&app)?;
        let answer = visitor
            .call_from(
                &format!("192.0.2.{n}"),
                "newsletter/subscribe",
                &[
                    ("name", "Ada"),
                    ("email", "ada@example.org"),
                    (&format!("lists[{news}]"), "on"),
                ],
            )
            .await?;
        assert_eq!(answer.error(), None, "{answer:?}");
    }
    let fourth = subscribe(
        &TestApp::visitor_of(&app)?,
        "Ada",
        "Ada@Example.org",
        &[&news],
    )
    .await?;
    assert_eq!(fourth.error().map(|e| e.0).as_deref(), Some("rate_limited"));
    assert_eq!(app.mails().await?.len(), 3);
    Ok(())
}

#[tokio::test]
async fn the_mailed_link_changes_lists_and_name_and_leaving_erases_them() -> TestResult {
    let app = spawn_app().await?;
    let (boss, news, _) = with_lists(&app).await?;
    let advisories = make_list(&boss, "Security advisories", "everyone").await?;
    let manage = subscribed(&app, "Ada", "ada@example.org", &[&news]).await?;
    let holder = TestApp::visitor_of(&app)?;

    let saved = holder
        .call(
            "newsletter/save-preferences",
            &[
                ("token", &manage),
                ("name", "Ada Lovelace"),
                (&format!("lists[{advisories}]"), "on"),
            ],
        )
        .await?;
    assert_eq!(saved.error(), None, "{saved:?}");
    assert_eq!(
        saved.location,
        Some(format!("/newsletter/preferences?token={manage}&saved=1"))
    );
    let shown = preferences(&holder, &manage).await?;
    assert_eq!(lists_on(&shown)?, ["Security advisories"]);
    assert_eq!(
        serde_json::from_str::<Value>(&shown.body)?["name"],
        "Ada Lovelace"
    );
    let none = holder
        .call(
            "newsletter/save-preferences",
            &[("token", &manage), ("name", "Ada")],
        )
        .await?;
    assert_eq!(none.error(), Some(("invalid".into(), Some("lists".into()))));
    assert_eq!(
        lists_on(&preferences(&holder, &manage).await?)?,
        ["Security advisories"]
    );

    // A forged token, or a confirmation token, opens nothing.
    for token in ["forged", ""] {
        let answer = preferences(&holder, token).await?;
        assert_eq!(answer.error().map(|e| e.0).as_deref(), Some("not_found"));
        let changed = holder
            .call(
                "newsletter/save-preferences",
                &[
                    ("token", token),
                    ("name", "Mallory"),
                    (&format!("lists[{news}]"), "on"),
                ],
            )
            .await?;
        assert_eq!(changed.error().map(|e| e.0).as_deref(), Some("not_found"));
        let left = holder.call("newsletter/leave", &[("token", token)]).await?;
        assert_eq!(left.error().map(|e| e.0).as_deref(), Some("not_found"));
    }
    assert_eq!(app.count("mail_subscribers").await?, 1);

    // Leaving, and asking never to be mailed again.
    let left = holder
        .call("newsletter/leave", &[("token", &manage), ("never", "on")])
        .await?;
    assert_eq!(left.location.as_deref(), Some("/newsletter/left"));
    for table in [
        "mail_subscribers",
        "mail_list_subscriptions",
        "mail_subscriber_links",
    ] {
        assert_eq!(app.count(table).await?, 0, "{table}");
    }
    let kept = scalar(&app, "SELECT address_hash FROM mail_suppressions").await?;
    let kept = kept.ok_or("no suppression")?;
    assert_eq!(kept.len(), 64);
    assert!(!kept.contains("ada"), "a keyed hash, not the address");
    assert_eq!(
        preferences(&holder, &manage)
            .await?
            .error()
            .map(|e| e.0)
            .as_deref(),
        Some("not_found")
    );

    // Signing the address up again answers the same and sends nothing.
    let before = app.mails().await?.len();
    let again = subscribe(
        &TestApp::visitor_of(&app)?,
        "Ada",
        "ada@example.org",
        &[&news],
    )
    .await?;
    assert_eq!(again.location.as_deref(), Some("/newsletter/sent"));
    assert_eq!(app.mails().await?.len(), before);
    assert_eq!(app.count("mail_subscribers").await?, 0);
    Ok(())
}

#[tokio::test]
async fn leaving_without_asking_keeps_nothing() -> TestResult {
    let app = spawn_app().await?;
    let (_boss, news, _) = with_lists(&app).await?;
    let manage = subscribed(&app, "Ada", "ada@example.org", &[&news]).await?;
    let left = TestApp::visitor_of(&app)?
        .call("newsletter/leave", &[("token", &manage)])
        .await?;
    assert_eq!(left.error(), None, "{left:?}");
    assert_eq!(app.count("mail_subscribers").await?, 0);
    assert_eq!(app.count("mail_suppressions").await?, 0);
    // And the address may sign up again.
    subscribed(&app, "Ada", "ada@example.org", &[&news]).await?;
    Ok(())
}

#[tokio::test]
async fn members_join_with_their_confirmed_address_in_one_click() -> TestResult {
    let app = spawn_app().await?;
    let (_boss, news, inner) = with_lists(&app).await?;
    let ada = member(&app, "ada").await?;
    ada.accept_policy().await?;

    let mine: Value = serde_json::from_str(&ada.call("newsletter/mine", &[]).await?.body)?;
    assert_eq!(mine["confirmed"], true);
    let names: Vec<&str> = mine["lists"]
        .as_array()
        .ok_or("no lists")?
        .iter()
        .filter_map(|list| list["name"].as_str())
        .collect();
    assert_eq!(names, ["Product news", "Members' letter"]);

    let joined = ada
        .call("newsletter/set-mine", &[("list", &inner), ("on", "true")])
        .await?;
    assert_eq!(joined.error(), None, "{joined:?}");
    assert!(
        app.mails()
            .await?
            .iter()
            .all(|m| m.subject != CONFIRM_SUBJECT),
        "no opt-in mail: the address is confirmed"
    );
    let mine: Value = serde_json::from_str(&ada.call("newsletter/mine", &[]).await?.body)?;
    let on: Vec<&str> = mine["lists"]
        .as_array()
        .ok_or("no lists")?
        .iter()
        .filter(|list| list["on"] == true)
        .filter_map(|list| list["name"].as_str())
        .collect();
    assert_eq!(on, ["Members' letter"]);
    assert_eq!(
        scalar(&app, "SELECT email FROM mail_subscribers").await?,
        None,
        "a member's row holds no address of its own"
    );

    // A visitor cannot, and a member without a confirmed address is told why.
    let visitor = TestApp::visitor_of(&app)?;
    let refused = visitor
        .call("newsletter/set-mine", &[("list", &news), ("on", "true")])
        .await?;
    assert_eq!(refused.status, 401);
    let bob = member(&app, "bob").await?;
    bob.accept_policy().await?;
    app.unconfirm("bob").await?;
    let unconfirmed = bob
        .call("newsletter/set-mine", &[("list", &news), ("on", "true")])
        .await?;
    assert_eq!(
        unconfirmed.error(),
        Some(("invalid".into(), Some("list".into())))
    );

    let left = ada
        .call("newsletter/set-mine", &[("list", &inner), ("on", "false")])
        .await?;
    assert_eq!(left.error(), None, "{left:?}");
    assert_eq!(app.count("mail_list_subscriptions").await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_members_data_download_and_erasure_cover_sign_ups_with_their_address() -> TestResult {
    let app = spawn_app().await?;
    let (_boss, news, _) = with_lists(&app).await?;
    let ada = member(&app, "ada").await?;
    subscribed(&app, "Ada Lovelace", "ada@example.org", &[&news]).await?;

    let download = ada.get("/account/data.json").await?.text().await?;
    assert!(
        download.contains("Ada Lovelace") && download.contains("Product news"),
        "{download}"
    );
    let deleted = ada
        .call(
            "account/delete",
            &[("password", crate::helpers::PASSWORD), ("confirm", "ada")],
        )
        .await?;
    assert_eq!(deleted.error(), None, "{deleted:?}");
    assert_eq!(app.count("mail_subscribers").await?, 0);
    assert_eq!(app.count("mail_list_subscriptions").await?, 0);
    Ok(())
}

/// The names of the lists the signed-in member is on.
async fn my_lists(member: &TestApp) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    lists_on(&member.call("newsletter/mine", &[]).await?)
}

#[tokio::test]
async fn a_member_and_a_sign_up_with_their_address_become_one_subscriber() -> TestResult {
    let app = spawn_app().await?;
    let (boss, news, inner) = with_lists(&app).await?;
    let advisories = make_list(&boss, "Security advisories", "everyone").await?;

    // Signed up without the account first, then joined as a member.
    subscribed(&app, "Ada", "ada@example.org", &[&news]).await?;
    let ada = member(&app, "ada").await?;
    ada.accept_policy().await?;
    let joined = ada
        .call("newsletter/set-mine", &[("list", &inner), ("on", "true")])
        .await?;
    assert_eq!(joined.error(), None, "{joined:?}");
    assert_eq!(app.count("mail_subscribers").await?, 1);
    assert_eq!(my_lists(&ada).await?, ["Product news", "Members' letter"]);
    assert_eq!(
        scalar(&app, "SELECT email FROM mail_subscribers").await?,
        None,
        "the sign-up's name and address went with it"
    );

    // A member first, then a sign-up with their address, confirmed.
    let bob = member(&app, "bob").await?;
    bob.accept_policy().await?;
    bob.call("newsletter/set-mine", &[("list", &news), ("on", "true")])
        .await?;
    subscribed(&app, "Bob", "bob@example.org", &[&advisories]).await?;
    assert_eq!(app.count("mail_subscribers").await?, 2, "one each");
    assert_eq!(
        my_lists(&bob).await?,
        ["Product news", "Security advisories"]
    );
    Ok(())
}
