//! The administrators' view of subscribers: only they see it; search,
//! erase one, export as CSV, and the daily counts behind the chart.

use serde_json::Value;

use super::newsletter::{make_list, subscribe, subscribed};
use crate::{
    forum::threads::{forum_admin, member},
    helpers::{TestApp, TestResult, spawn_app},
    privacy::retention::purged,
};

async fn search(
    admin: &TestApp,
    form: &[(&str, &str)],
) -> Result<Value, Box<dyn std::error::Error>> {
    let answer = admin.call("admin/subscribers", form).await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    Ok(serde_json::from_str(&answer.body)?)
}

fn names(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|row| row["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn only_administrators_see_search_export_or_erase_subscribers() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    let news = make_list(&boss, "Product news", "everyone").await?;
    subscribed(&app, "Ada", "ada@example.org", &[&news]).await?;
    let ada_id = search(&boss, &[]).await?["rows"][0]["id"].to_string();
    let member = member(&app, "mia").await?;
    let visitor = TestApp::visitor_of(&app)?;
    for (endpoint, form) in [
        ("admin/subscribers", vec![]),
        ("admin/lists-over-time", vec![]),
        ("admin/erase-subscriber", vec![("id", ada_id.as_str())]),
    ] {
        assert_eq!(
            visitor.call(endpoint, &form).await?.status,
            401,
            "{endpoint}"
        );
        assert_eq!(
            member.call(endpoint, &form).await?.status,
            403,
            "{endpoint}"
        );
    }
    assert_eq!(visitor.get("/admin/subscribers.csv").await?.status(), 401);
    assert_eq!(member.get("/admin/subscribers.csv").await?.status(), 403);
    assert_eq!(names(&search(&boss, &[]).await?), ["Ada"], "nothing erased");
    Ok(())
}

#[tokio::test]
async fn administrators_find_export_and_erase_subscribers() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    let news = make_list(&boss, "Product news", "everyone").await?;
    let other = make_list(&boss, "Security advisories", "everyone").await?;
    subscribed(&app, "Ada Lovelace", "ada@example.org", &[&news, &other]).await?;
    subscribed(&app, "=HYPERLINK(\"x\")", "formula@example.org", &[&news]).await?;
    let eve = member(&app, "eve").await?;
    eve.accept_policy().await?;
    eve.call("newsletter/set-mine", &[("list", &other), ("on", "true")])
        .await?;
    // Not confirmed: not a subscriber yet.
    subscribe(
        &TestApp::visitor_of(&app)?,
        "Dee",
        "dee@example.org",
        &[&news],
    )
    .await?;

    let all = search(&boss, &[]).await?;
    assert_eq!(names(&all), ["Ada Lovelace", "=HYPERLINK(\"x\")", "@eve"]);
    assert_eq!(
        all["rows"][0]["lists"],
        serde_json::json!(["Product news", "Security advisories"])
    );
    assert_eq!(all["rows"][2]["email"], "eve@example.org");
    assert_eq!(
        names(&search(&boss, &[("query", "LOVE")]).await?),
        ["Ada Lovelace"]
    );
    assert_eq!(names(&search(&boss, &[("query", "eve@")]).await?), ["@eve"]);
    assert_eq!(
        names(&search(&boss, &[("query", "%")]).await?),
        Vec::<String>::new(),
        "a wildcard is a character"
    );
    assert_eq!(
        names(&search(&boss, &[("list", &other)]).await?),
        ["Ada Lovelace", "@eve"]
    );
    // The lists page counts confirmed subscribers only.
    let lists: Vec<Value> = serde_json::from_str(&boss.call("admin/mail-lists", &[]).await?.body)?;
    let count = |name: &str| {
        lists
            .iter()
            .find(|l| l["name"] == name)
            .map(|l| l["subscribers"].clone())
    };
    assert_eq!(count("Product news"), Some(serde_json::json!(2)));

    let csv = boss.get("/admin/subscribers.csv").await?;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("subscribers.csv"))
    );
    let csv = csv.text().await?;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "email,name,member,lists,confirmed,counting");
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[1].starts_with("\"ada@example.org\",\"Ada Lovelace\",false,\"Product news; Security advisories\",2026-12-07,true"), "{csv}");
    assert!(
        lines[2].contains("\"'=HYPERLINK(\"\"x\"\")\""),
        "a formula is defused: {csv}"
    );

    let ada = all["rows"][0]["id"].to_string();
    let erased = boss.call("admin/erase-subscriber", &[("id", &ada)]).await?;
    assert_eq!(erased.error(), None, "{erased:?}");
    assert_eq!(
        names(&search(&boss, &[]).await?),
        ["=HYPERLINK(\"x\")", "@eve"]
    );
    let log: Vec<Value> = serde_json::from_str(&boss.call("admin/audit-log", &[]).await?.body)?;
    let kinds: Vec<&str> = log
        .iter()
        .filter_map(|line| line["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"subscriber_erased") && kinds.contains(&"subscribers_exported"),
        "{kinds:?}"
    );
    assert!(
        !serde_json::to_string(&log)?.contains("ada@"),
        "the log names no one"
    );
    Ok(())
}

#[tokio::test]
async fn the_housekeeping_counts_each_list_once_a_day() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    let news = make_list(&boss, "Product news", "everyone").await?;
    subscribed(&app, "Ada", "ada@example.org", &[&news]).await?;
    purged(&app, "mail list counts of the day").await?;
    subscribed(&app, "Bob", "bob@example.org", &[&news]).await?;
    purged(&app, "mail list counts of the day").await?;
    app.clock.advance(time::Duration::days(1));
    boss.sign_in("boss", crate::helpers::PASSWORD).await?;
    purged(&app, "mail list counts of the day").await?;
    let history: Vec<Value> =
        serde_json::from_str(&boss.call("admin/lists-over-time", &[]).await?.body)?;
    let news = history
        .iter()
        .find(|list| list["name"] == "Product news")
        .ok_or("no list")?;
    assert_eq!(
        news["days"],
        serde_json::json!([["2026-12-07", 2], ["2026-12-08", 2]]),
        "the last count of a day stands"
    );
    Ok(())
}
