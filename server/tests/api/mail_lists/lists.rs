//! The lists administrators make: only they may, names are unique, the
//! forum digest cannot be changed, and archiving keeps the subscribers.

use serde_json::Value;

use crate::{
    forum::threads::{forum_admin, member},
    helpers::{TestApp, TestResult, spawn_app},
};

async fn lists(admin: &TestApp) -> Result<Vec<Value>, Box<dyn std::error::Error>> {
    let answer = admin.call("admin/mail-lists", &[]).await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    Ok(serde_json::from_str(&answer.body)?)
}

async fn make(
    admin: &TestApp,
    name: &str,
    audience: &str,
) -> Result<crate::helpers::Answer, Box<dyn std::error::Error>> {
    Ok(admin
        .call(
            "admin/save-mail-list",
            &[
                ("name", name),
                ("description", "Once a month, what we shipped."),
                ("audience", audience),
            ],
        )
        .await?)
}

fn id_of(lists: &[Value], name: &str) -> Result<String, Box<dyn std::error::Error>> {
    Ok(lists
        .iter()
        .find(|list| list["name"] == name)
        .and_then(|list| list["id"].as_i64())
        .ok_or(format!("no list {name}"))?
        .to_string())
}

#[tokio::test]
async fn administrators_make_lists_with_unique_names_and_archive_them() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;

    let shown = lists(&boss).await?;
    assert_eq!(shown.len(), 1, "the digest: {shown:?}");
    assert_eq!(shown[0]["built_in"], true);

    let made = make(&boss, "Product news", "everyone").await?;
    assert_eq!(made.error(), None, "{made:?}");
    assert_eq!(made.location.as_deref(), Some("/admin/mail-lists"));
    let again = make(&boss, "product NEWS", "members").await?;
    assert_eq!(
        again.error(),
        Some(("invalid".into(), Some("name".into()))),
        "names are unique whatever the case"
    );
    for (name, audience, field) in [
        ("", "everyone", "name"),
        ("Advisories", "robots", "audience"),
    ] {
        let refused = make(&boss, name, audience).await?;
        assert_eq!(
            refused.error(),
            Some(("invalid".into(), Some(field.into()))),
            "{refused:?}"
        );
    }

    // A name of up to 100 characters fits, whatever its key's length.
    let long = "Release notes ".repeat(7);
    let made = make(&boss, long.trim(), "members").await?;
    assert_eq!(made.error(), None, "{made:?}");

    let shown = lists(&boss).await?;
    assert_eq!(shown.len(), 3);
    let news = id_of(&shown, "Product news")?;
    let renamed = boss
        .call(
            "admin/save-mail-list",
            &[
                ("id", &news),
                ("name", "Product updates"),
                ("description", ""),
                ("audience", "members"),
            ],
        )
        .await?;
    assert_eq!(renamed.error(), None, "{renamed:?}");
    let archived = boss
        .call(
            "admin/archive-mail-list",
            &[("id", &news), ("archived", "true")],
        )
        .await?;
    assert_eq!(archived.error(), None, "{archived:?}");
    let shown = lists(&boss).await?;
    let list = shown
        .iter()
        .find(|list| list["name"] == "Product updates")
        .ok_or("renamed list")?;
    assert_eq!(
        (list["audience"].as_str(), list["archived"].as_bool()),
        (Some("members"), Some(true))
    );

    // The digest is the portal's own.
    let digest = id_of(&shown, "Daily forum digest")?;
    for (endpoint, form) in [
        (
            "admin/save-mail-list",
            vec![
                ("id", digest.as_str()),
                ("name", "Renamed"),
                ("description", ""),
                ("audience", "members"),
            ],
        ),
        (
            "admin/archive-mail-list",
            vec![("id", digest.as_str()), ("archived", "true")],
        ),
    ] {
        let refused = boss.call(endpoint, &form).await?;
        assert_eq!(
            refused.error().map(|(code, _)| code).as_deref(),
            Some("invalid"),
            "{endpoint}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn only_administrators_see_or_change_lists() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    make(&boss, "Product news", "everyone").await?;
    let news = id_of(&lists(&boss).await?, "Product news")?;
    let visitor = TestApp::visitor_of(&app)?;
    let ferris = member(&app, "ferris").await?;
    for (who, status) in [(&visitor, 401), (&ferris, 403)] {
        assert_eq!(who.call("admin/mail-lists", &[]).await?.status, status);
        assert_eq!(make(who, "Spam", "everyone").await?.status, status);
        let archive = who
            .call(
                "admin/archive-mail-list",
                &[("id", &news), ("archived", "true")],
            )
            .await?;
        assert_eq!(archive.status, status);
    }
    assert_eq!(lists(&boss).await?.len(), 2, "nothing was made");
    assert!(
        lists(&boss)
            .await?
            .iter()
            .all(|list| list["archived"] == false),
        "nothing was archived"
    );
    Ok(())
}
