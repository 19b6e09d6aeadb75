//! Roles: only administrators change them, every change is in the audit
//! log, and the member's sessions end.

use app::accounts::ssr::{NewAdmin, create_admin};
use sea_orm::{ConnectionTrait, Statement};

use crate::helpers::{PASSWORD, TestApp, TestResult, spawn_app};

pub async fn admin(app: &TestApp) -> Result<i64, Box<dyn std::error::Error>> {
    let id = create_admin(
        &app.db,
        &app.clock,
        NewAdmin {
            username: "boss".to_owned(),
            email: "boss@example.org".to_owned(),
            password: PASSWORD.into(),
        },
    )
    .await?;
    Ok(id)
}

async fn id_of(app: &TestApp, username: &str) -> Result<i64, Box<dyn std::error::Error>> {
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT id FROM accounts WHERE username = '{username}'"),
        ))
        .await?
        .ok_or("no such member")?;
    Ok(row.try_get("", "id")?)
}

#[tokio::test]
async fn an_admin_grants_a_role_which_is_logged_and_ends_the_members_sessions() -> TestResult {
    let app = spawn_app().await?;
    admin(&app).await?;
    // The member is signed in on another device.
    app.confirmed_member("ferris", "ferris@example.org").await?;
    let device = reqwest::Client::builder().cookie_store(true).build()?;
    device
        .post(app.url("/api/account/sign-in"))
        .form(&[("login", "ferris"), ("password", PASSWORD)])
        .send()
        .await?;
    let ferris = id_of(&app, "ferris").await?;

    app.sign_in("boss", PASSWORD).await?;
    let answer = app
        .call(
            "admin/grant-role",
            &[("account_id", &ferris.to_string()), ("role", "moderator")],
        )
        .await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    assert_eq!(
        app.count("account_roles WHERE role = 'moderator'").await?,
        1
    );
    assert_eq!(
        app.count("audit_log WHERE kind = 'role_granted' AND detail = 'moderator'")
            .await?,
        1
    );
    let old = device
        .post(app.url("/api/account/whoami"))
        .send()
        .await?
        .text()
        .await?;
    assert_eq!(
        old, "null",
        "the member's session survived a privilege change"
    );

    let revoked = app
        .call(
            "admin/revoke-role",
            &[("account_id", &ferris.to_string()), ("role", "moderator")],
        )
        .await?;
    assert_eq!(revoked.error(), None);
    assert_eq!(
        app.count("account_roles WHERE role = 'moderator'").await?,
        0
    );
    assert_eq!(
        app.count("audit_log").await?,
        3,
        "create-admin, grant, revoke"
    );

    let log = app.call("admin/audit-log", &[]).await?;
    assert!(log.body.contains("\"target\":\"ferris\""), "{}", log.body);
    Ok(())
}

#[tokio::test]
async fn a_member_without_the_admin_role_can_do_none_of_it() -> TestResult {
    let app = spawn_app().await?;
    let boss = admin(&app).await?.to_string();
    app.signed_in_member("mallory", "mallory@example.org")
        .await?;
    let mallory = id_of(&app, "mallory").await?.to_string();
    let calls: [(&str, Vec<(&str, &str)>); 5] = [
        ("admin/members", vec![("query", "")]),
        ("admin/audit-log", vec![]),
        (
            "admin/grant-role",
            vec![("account_id", &mallory), ("role", "admin")],
        ),
        (
            "admin/revoke-role",
            vec![("account_id", &boss), ("role", "admin")],
        ),
        (
            "admin/grant-role",
            vec![("account_id", &mallory), ("role", "moderator")],
        ),
    ];
    for (endpoint, form) in calls {
        let answer = app.call(endpoint, &form).await?;
        assert_eq!(
            answer.error().map(|e| e.0).as_deref(),
            Some("forbidden"),
            "{endpoint}"
        );
        assert_eq!(answer.status, 403, "{endpoint}");
    }
    assert_eq!(app.count("account_roles").await?, 1);
    assert_eq!(app.count("audit_log").await?, 1);

    // Signed out: not even that.
    app.call("account/sign-out", &[]).await?;
    let answer = app.call("admin/members", &[("query", "")]).await?;
    assert_eq!(answer.status, 401);
    Ok(())
}

#[tokio::test]
async fn the_last_administrator_cannot_be_removed() -> TestResult {
    let app = spawn_app().await?;
    let boss = admin(&app).await?;
    app.sign_in("boss", PASSWORD).await?;
    let answer = app
        .call(
            "admin/revoke-role",
            &[("account_id", &boss.to_string()), ("role", "admin")],
        )
        .await?;
    assert_eq!(
        answer.error(),
        Some(("invalid".to_owned(), Some("role".to_owned())))
    );
    assert_eq!(app.count("account_roles WHERE role = 'admin'").await?, 1);
    Ok(())
}

#[tokio::test]
async fn the_members_page_shows_no_email_addresses() -> TestResult {
    let app = spawn_app().await?;
    admin(&app).await?;
    app.register("ferris", "ferris@example.org").await?;
    app.sign_in("boss", PASSWORD).await?;
    let list = app.call("admin/members", &[("query", "FER")]).await?;
    assert!(
        list.body.contains("\"username\":\"ferris\""),
        "{}",
        list.body
    );
    assert!(
        !list.body.contains("boss"),
        "search did not filter: {}",
        list.body
    );
    assert!(!list.body.contains("@example.org"));
    let page = app.get("/admin/members").await?.text().await?;
    assert!(page.contains("ferris") && !page.contains("ferris@example.org"));
    Ok(())
}

/// The session cookie's value among `Set-Cookie` headers.
fn session_cookie(set_cookie: &[String]) -> Option<String> {
    set_cookie.iter().find_map(|line| {
        line.strip_prefix("portal_session=")
            .and_then(|rest| rest.split(';').next())
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    })
}

#[tokio::test]
async fn an_admin_changing_their_own_roles_stays_signed_in_on_a_new_session() -> TestResult {
    let app = spawn_app().await?;
    let boss = admin(&app).await?;
    let signed_in = app.sign_in("boss", PASSWORD).await?;
    let before = session_cookie(&signed_in.set_cookie).ok_or("no session cookie")?;
    let laptop = TestApp::visitor_of(&app)?;
    laptop.sign_in("boss", PASSWORD).await?;

    let answer = app
        .call(
            "admin/grant-role",
            &[("account_id", &boss.to_string()), ("role", "moderator")],
        )
        .await?;

    assert_eq!(answer.error(), None, "{answer:?}");
    let after = session_cookie(&answer.set_cookie).ok_or("the session was not renewed")?;
    assert_ne!(after, before);
    assert_eq!(app.whoami().await?.as_deref(), Some("boss"));
    assert_eq!(laptop.whoami().await?, None, "the other session survived");
    let old = reqwest::Client::new()
        .post(app.url("/api/account/whoami"))
        .header("cookie", format!("portal_session={before}"))
        .send()
        .await?
        .text()
        .await?;
    assert_eq!(old, "null", "the old session id still works");
    assert_eq!(app.count("sessions").await?, 1);
    let location = answer.location.ok_or("no redirect")?;
    assert_eq!(location, "/admin/members?sessions=renewed&count=1");
    let page = app.get(&location).await?.text().await?;
    assert!(
        page.contains("You stay signed in here") && page.contains("Your other 1 session ended"),
        "{page}"
    );
    Ok(())
}

#[tokio::test]
async fn changing_another_members_roles_says_their_sessions_ended() -> TestResult {
    let app = spawn_app().await?;
    admin(&app).await?;
    let ferris = TestApp::visitor_of(&app)?;
    ferris
        .signed_in_member("ferris", "ferris@example.org")
        .await?;
    let ferris_id = id_of(&app, "ferris").await?;
    app.sign_in("boss", PASSWORD).await?;

    let answer = app
        .call(
            "admin/grant-role",
            &[
                ("account_id", &ferris_id.to_string()),
                ("role", "recruiter"),
            ],
        )
        .await?;

    assert_eq!(answer.error(), None, "{answer:?}");
    assert_eq!(session_cookie(&answer.set_cookie), None);
    assert_eq!(app.whoami().await?.as_deref(), Some("boss"));
    assert_eq!(ferris.whoami().await?, None);
    let location = answer.location.ok_or("no redirect")?;
    assert_eq!(location, "/admin/members?sessions=ended&count=1");
    let page = app.get(&location).await?.text().await?;
    assert!(
        page.contains("The member&#x27;s 1 session ended")
            || page.contains("The member's 1 session ended"),
        "{page}"
    );
    Ok(())
}
