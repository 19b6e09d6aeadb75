//! Call home: update checks answered from the releases administrators
//! publish and counted by day only; usage reports refused whole when
//! oversized, malformed or carrying unknown fields, stored once an install
//! and week under a hash that changes weekly, and shown to administrators.

use app::insights::{
    releases_ssr::{CallHome, check_count},
    usage_ssr::{problems, report, servers},
};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};
use time::Duration;

use crate::{
    forum::threads::{forum_admin, member},
    helpers::{TestApp, TestResult, spawn_app},
};

const INSTALL: &str = "0b9f6c2e-4d1a-4c8e-9f3b-7a5d2e1c8b40";

/// Makes the product `portal` (channels stable, beta) with releases.
async fn catalogue(boss: &TestApp) -> TestResult {
    let made = boss
        .call(
            "admin/save-product",
            &[
                ("slug", "portal"),
                ("name", "Portal"),
                ("channels", "stable, beta"),
            ],
        )
        .await?;
    assert_eq!(made.error(), None, "{made:?}");
    let products: Value = serde_json::from_str(&boss.call("admin/releases", &[]).await?.body)?;
    let id = products[0]["id"].as_i64().ok_or("no product")?.to_string();
    for (version, channel, security) in [
        ("1.0.0", "stable", false),
        ("1.1.0", "stable", true),
        ("v1.1.1", "stable", false),
        ("1.2.0-beta.1", "beta", false),
    ] {
        let mut form = vec![
            ("product_id", id.as_str()),
            ("version", version),
            ("channel", channel),
            ("released_on", "2026-12-01"),
            ("notes_url", "https://example.org/notes"),
        ];
        if security {
            form.push(("security", "on"));
        }
        let published = boss.call("admin/publish-release", &form).await?;
        assert_eq!(published.error(), None, "{published:?}");
    }
    Ok(())
}

async fn check(app: &TestApp, query: &str) -> Result<(u16, Value), Box<dyn std::error::Error>> {
    let response = reqwest::Client::new()
        .get(app.url(&format!("/api/updates/v1?{query}")))
        .send()
        .await?;
    let status = response.status().as_u16();
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    Ok((status, response.json().await?))
}

async fn send(app: &TestApp, body: &str) -> Result<(u16, Value), Box<dyn std::error::Error>> {
    let response = reqwest::Client::new()
        .post(app.url("/api/usage/v1"))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    Ok((
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    ))
}

fn usage(install: &str, servers: Value, problems: Value) -> String {
    json!({
        "install_id": install,
        "product": "portal",
        "version": "1.1.0",
        "os": "Linux",
        "arch": "amd64",
        "servers": servers,
        "problems": problems,
    })
    .to_string()
}

#[tokio::test]
async fn checks_are_answered_from_the_published_releases_and_counted_by_day_only() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    catalogue(&boss).await?;

    let (status, answer) = check(&app, "product=portal&version=1.0.0&os=linux&arch=x86_64").await?;
    assert_eq!(status, 200);
    assert_eq!(answer["latest"], "1.1.1");
    assert_eq!(answer["update_available"], true);
    assert_eq!(answer["security"], true, "1.1.0 fixed a security problem");
    assert_eq!(answer["released_on"], "2026-12-01");
    assert_eq!(answer["notes_url"], "https://example.org/notes");
    let (_, answer) = check(&app, "product=portal&version=1.1.0&os=Darwin&arch=arm64").await?;
    assert_eq!(
        (answer["latest"].as_str(), answer["security"].as_bool()),
        (Some("1.1.1"), Some(false))
    );
    let (_, answer) = check(&app, "product=portal&version=1.1.1").await?;
    assert_eq!(answer["update_available"], false);
    // The beta channel is offered betas and stable versions alike.
    let (_, answer) = check(&app, "product=portal&version=1.1.1&channel=beta").await?;
    assert_eq!(
        (
            answer["latest"].as_str(),
            answer["update_available"].as_bool()
        ),
        (Some("1.2.0-beta.1"), Some(true))
    );
    let (_, answer) = check(&app, "product=portal&version=9.9.9&os=plan9").await?;
    assert_eq!(answer["update_available"], false);

    for (query, status, field) in [
        ("product=nothing&version=1.0.0", 404, "product"),
        ("product=portal&version=latest", 400, "version"),
        ("product=portal", 400, "version"),
        ("version=1.0.0", 400, "product"),
        (
            "product=portal&version=1.0.0&channel=nightly",
            400,
            "channel",
        ),
    ] {
        let (got, answer) = check(&app, query).await?;
        assert_eq!(
            (got, answer["field"].as_str()),
            (status, Some(field)),
            "{query}: {answer}"
        );
    }

    // Only the day's counts are written: five good checks, by version,
    // with unknown versions and systems folded into `other`.
    app.state
        .settings::<CallHome>()?
        .flush(&app.db, app.clock.now())
        .await?;
    let counts = check_count::Entity::find()
        .order_by_asc(check_count::Column::Version)
        .order_by_asc(check_count::Column::Channel)
        .all(&app.db)
        .await?;
    let seen: Vec<_> = counts
        .iter()
        .map(|c| {
            (
                c.version.as_str(),
                c.channel.as_str(),
                c.os.as_str(),
                c.arch.as_str(),
                c.checks,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("1.0.0", "stable", "linux", "x86_64", 1),
            ("1.1.0", "stable", "macos", "aarch64", 1),
            ("1.1.1", "beta", "unknown", "unknown", 1),
            ("1.1.1", "stable", "unknown", "unknown", 1),
            ("other", "stable", "other", "unknown", 1),
        ]
    );
    // A second round adds to the same rows.
    check(&app, "product=portal&version=1.0.0&os=linux&arch=x86_64").await?;
    app.state
        .settings::<CallHome>()?
        .flush(&app.db, app.clock.now())
        .await?;
    assert_eq!(app.count("update_check_counts").await?, 5);
    for ((table, column), values) in app.every_value().await? {
        assert!(
            values.iter().all(|value| !value.contains("127.0.0.1")),
            "{table}.{column} holds the address"
        );
    }
    Ok(())
}

#[tokio::test]
async fn releases_are_managed_by_administrators_only_and_checked_at_the_field() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    catalogue(&boss).await?;
    let products: Value = serde_json::from_str(&boss.call("admin/releases", &[]).await?.body)?;
    let id = products[0]["id"].as_i64().ok_or("no product")?.to_string();
    let versions: Vec<_> = products[0]["releases"]
        .as_array()
        .ok_or("no releases")?
        .iter()
        .map(|r| r["version"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(versions, ["1.2.0-beta.1", "1.1.1", "1.1.0", "1.0.0"]);

    for (form, field) in [
        (vec![("version", "1.1.1"), ("channel", "stable")], "version"),
        (vec![("version", "one"), ("channel", "stable")], "version"),
        (
            vec![("version", "2.0.0"), ("channel", "nightly")],
            "channel",
        ),
        (
            vec![
                ("version", "2.0.0"),
                ("channel", "stable"),
                ("released_on", "07/12/2026"),
            ],
            "released_on",
        ),
        (
            vec![
                ("version", "2.0.0"),
                ("channel", "stable"),
                ("notes_url", "javascript:alert(1)"),
            ],
            "notes_url",
        ),
    ] {
        let mut form = form;
        form.push(("product_id", id.as_str()));
        let answer = boss.call("admin/publish-release", &form).await?;
        // Named for the product's form (`product-ID-field`).
        assert_eq!(
            answer.error().and_then(|(_, f)| f),
            Some(format!("product-{id}-{field}")),
            "{form:?}"
        );
    }
    for (form, field) in [
        (
            vec![("slug", "Portal!"), ("name", "X"), ("channels", "stable")],
            "slug",
        ),
        (
            vec![
                ("slug", "portal"),
                ("name", "Again"),
                ("channels", "stable"),
            ],
            "slug",
        ),
        (
            vec![("slug", "other"), ("name", ""), ("channels", "stable")],
            "name",
        ),
        (
            vec![
                ("slug", "other"),
                ("name", "Other"),
                ("channels", "stable, stable"),
            ],
            "channels",
        ),
    ] {
        let answer = boss.call("admin/save-product", &form).await?;
        assert_eq!(
            answer.error().and_then(|(_, f)| f).as_deref(),
            Some(field),
            "{form:?}"
        );
    }
    // A channel in use cannot be dropped.
    let answer = boss
        .call(
            "admin/save-product",
            &[
                ("id", id.as_str()),
                ("slug", "portal"),
                ("name", "Portal"),
                ("channels", "stable"),
            ],
        )
        .await?;
    assert_eq!(
        answer.error().and_then(|(_, f)| f).as_deref(),
        Some("channels")
    );

    // Members and visitors are refused everything.
    let ada = member(&app, "ada").await?;
    let release = products[0]["releases"][0]["id"]
        .as_i64()
        .ok_or("no id")?
        .to_string();
    for (who, expected) in [(&ada, "forbidden"), (&app, "unauthorized")] {
        for (endpoint, form) in [
            ("admin/releases", vec![]),
            (
                "admin/save-product",
                vec![("slug", "x"), ("name", "X"), ("channels", "stable")],
            ),
            (
                "admin/publish-release",
                vec![
                    ("product_id", id.as_str()),
                    ("version", "3.0.0"),
                    ("channel", "stable"),
                ],
            ),
            ("admin/withdraw-release", vec![("id", release.as_str())]),
            ("admin/insights/installs", vec![]),
        ] {
            let answer = who.call(endpoint, &form).await?;
            assert_eq!(
                answer.error().map(|(code, _)| code).as_deref(),
                Some(expected),
                "{endpoint}"
            );
        }
    }
    assert_eq!(app.count("releases").await?, 4);
    assert_eq!(app.count("release_products").await?, 1);

    // Withdrawing the newest stable version takes it off the answers at once.
    let newest_stable = products[0]["releases"][1]["id"]
        .as_i64()
        .ok_or("no id")?
        .to_string();
    let withdrawn = boss
        .call("admin/withdraw-release", &[("id", newest_stable.as_str())])
        .await?;
    assert_eq!(withdrawn.error(), None);
    let (_, answer) = check(&app, "product=portal&version=1.0.0").await?;
    assert_eq!(answer["latest"], "1.1.0");
    Ok(())
}

#[tokio::test]
async fn usage_reports_are_refused_whole_or_stored_once_an_install_and_week() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    catalogue(&boss).await?;

    let oversized = usage(INSTALL, json!({ "x".repeat(20_000): 1 }), json!([]));
    let many_kinds: serde_json::Map<String, Value> =
        (0..33).map(|n| (format!("kind{n}"), json!(1))).collect();
    let refused = [
        (oversized, 413),
        ("{\"install_id\": ".to_owned(), 400),
        ("[1, 2, 3]".to_owned(), 400),
        (
            json!({"install_id": INSTALL, "product": "portal", "version": "1.1.0", "os": "linux", "arch": "x86_64", "hostname": "db1.example.org"}).to_string(),
            400,
        ),
        (
            json!({"install_id": INSTALL, "product": "portal", "version": "1.1.0", "os": "linux"}).to_string(),
            400,
        ),
        (usage("short", json!({}), json!([])), 400),
        (usage(INSTALL, Value::Object(many_kinds), json!([])), 400),
        (usage(INSTALL, json!({"Bad Kind": 1}), json!([])), 400),
        (usage(INSTALL, json!({}), json!([{"code": "E1", "message": "m".repeat(501)}])), 400),
        (usage(INSTALL, json!({}), json!([{"code": "E1", "extra": true}])), 400),
        (usage(INSTALL, json!({}), json!([{"code": "E1", "count": 0}])), 400),
        (usage(INSTALL, json!({}), json!([{"code": "E1"}])).replace("\"1.1.0\"", "\"one\""), 400),
        (usage(INSTALL, json!({}), json!([])).replace("\"portal\"", "\"nothing\""), 404),
    ];
    for (body, expected) in &refused {
        let (status, answer) = send(&app, body).await?;
        assert_eq!(status, *expected, "{answer}");
        assert!(answer["error"].is_string(), "{answer}");
    }
    for table in ["usage_reports", "usage_servers", "usage_problems"] {
        assert_eq!(app.count(table).await?, 0, "{table}");
    }

    let first = usage(
        INSTALL,
        json!({"postgresql": 3, "redis": 1}),
        json!([{"code": "E_DISK", "message": "disk full on /home/ada", "count": 2}]),
    );
    let (status, answer) = send(&app, &first).await?;
    assert_eq!((status, &answer), (202, &json!({"accepted": true})));
    // The same install later that week: one row, its servers as they are
    // now, its problems added up.
    app.clock.advance(Duration::hours(3));
    let again = usage(
        INSTALL,
        json!({"postgresql": 4}),
        json!([{"code": "E_DISK"}, {"code": "E_NET"}]),
    );
    assert_eq!(send(&app, &again).await?.0, 202);
    let reports = report::Entity::find().all(&app.db).await?;
    assert_eq!(reports.len(), 1);
    let row = &reports[0];
    assert_eq!(
        (row.version.as_str(), row.os.as_str(), row.arch.as_str()),
        ("1.1.0", "linux", "x86_64")
    );
    assert_eq!(row.install.len(), 32);
    assert!(!row.install.contains(INSTALL));
    let kinds: Vec<_> = servers::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .map(|s| (s.kind, s.servers))
        .collect();
    assert_eq!(kinds, [("postgresql".to_owned(), 4)]);
    let mut met: Vec<_> = problems::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .map(|p| (p.code, p.occurrences))
        .collect();
    met.sort();
    assert_eq!(met, [("E_DISK".to_owned(), 3), ("E_NET".to_owned(), 1)]);
    // Neither the install's id, nor a problem's message, nor the address
    // is anywhere in the database.
    for ((table, column), values) in app.every_value().await? {
        for value in values {
            for secret in [INSTALL, "/home/ada", "127.0.0.1"] {
                assert!(!value.contains(secret), "{table}.{column} holds {secret:?}");
            }
        }
    }

    // Next week the same install is a new row with another hash.
    app.clock.advance(Duration::days(7));
    assert_eq!(send(&app, &first).await?.0, 202);
    let reports = report::Entity::find().all(&app.db).await?;
    assert_eq!(reports.len(), 2);
    assert_ne!(reports[0].install, reports[1].install);
    assert_ne!(reports[0].week, reports[1].week);

    // Ten reports a day from one install; the eleventh is refused.
    for _ in 0..9 {
        assert_eq!(send(&app, &first).await?.0, 202);
    }
    let (status, _) = send(&app, &first).await?;
    assert_eq!(status, 429);
    // Another install on the same address is still heard.
    let other = usage("another-install-0000000001", json!({"mysql": 2}), json!([]));
    assert_eq!(send(&app, &other).await?.0, 202);
    Ok(())
}

#[tokio::test]
async fn administrators_see_installs_by_week_version_system_servers_and_problems() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    catalogue(&boss).await?;
    // Last week: two installs on 1.1.0; this week: three, one updated.
    for n in 0..2 {
        let body = usage(
            &format!("install-{n:020}"),
            json!({"postgresql": 2}),
            json!([]),
        );
        assert_eq!(send(&app, &body).await?.0, 202);
    }
    app.clock.advance(Duration::days(7));
    for n in 0..3 {
        let mut body = usage(
            &format!("install-{n:020}"),
            json!({"postgresql": n + 1}),
            json!([{"code": "E_DISK", "count": 2}]),
        );
        if n == 0 {
            body = body
                .replace("\"1.1.0\"", "\"1.1.1\"")
                .replace("Linux", "windows");
        }
        assert_eq!(send(&app, &body).await?.0, 202);
    }
    check(&app, "product=portal&version=1.1.0").await?;
    app.state
        .settings::<CallHome>()?
        .flush(&app.db, app.clock.now())
        .await?;

    let boss = {
        let again = TestApp::visitor_of(&app)?;
        let signed_in = again.sign_in("boss", crate::helpers::PASSWORD).await?;
        assert_eq!(signed_in.error(), None, "{signed_in:?}");
        drop(boss);
        again
    };
    let answer = boss
        .call(
            "admin/insights/installs",
            &[("product", "portal"), ("weeks", "4")],
        )
        .await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    let report: Value = serde_json::from_str(&answer.body)?;
    assert_eq!(report["versions"], json!(["1.1.0", "1.1.1"]));
    let weeks: Vec<_> = report["weeks"]
        .as_array()
        .ok_or("no weeks")?
        .iter()
        .map(|w| {
            (
                w["installs"].as_i64().unwrap_or(-1),
                w["by_version"].clone(),
            )
        })
        .collect();
    assert_eq!(
        weeks,
        [
            (0, json!([0, 0])),
            (0, json!([0, 0])),
            (2, json!([2, 0])),
            (3, json!([2, 1])),
        ]
    );
    let rows = |key: &str| -> Vec<(String, i64, i64)> {
        report[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                (
                    r["value"].as_str().unwrap_or_default().to_owned(),
                    r["count"].as_i64().unwrap_or(-1),
                    r["total"].as_i64().unwrap_or(-1),
                )
            })
            .collect()
    };
    assert_eq!(
        rows("systems"),
        [("linux".to_owned(), 2, 2), ("windows".to_owned(), 1, 1)]
    );
    assert_eq!(rows("servers"), [("postgresql".to_owned(), 3, 6)]);
    assert_eq!(rows("problems"), [("E_DISK".to_owned(), 3, 6)]);
    assert_eq!(rows("checks"), [("1.1.0".to_owned(), 1, 0)]);

    // The schema products validate against refuses unknown fields too.
    let schema: Value = reqwest::get(app.url("/api/usage/v1/schema.json"))
        .await?
        .json()
        .await?;
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["install_id"]["minLength"], 16);
    assert_eq!(
        schema["required"],
        json!(["install_id", "product", "version", "os", "arch"])
    );
    Ok(())
}
