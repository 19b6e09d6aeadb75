//! The privacy policy's cookie table against the code: every cookie the
//! features declare (the only way the code makes a `Set-Cookie`) is in the
//! table of the policy in force, set when the table says and for as long,
//! and the table names no other. (Every `Set-Cookie` a test's server call
//! receives is checked against the same declarations, in `helpers.rs`.)

use std::path::Path;

use app::{
    documents::DocumentKind,
    ssr::cookies::{CookieKind, Lasts},
};
use time::Duration;

use crate::helpers::{TestResult, files_under, spawn_app};

/// `(name, set when, lasts)` for each row of the policy's cookie table.
fn cookie_table(policy: &str) -> Vec<(String, String, String)> {
    let mut lines = policy
        .lines()
        .skip_while(|line| !line.starts_with("| Cookie |"));
    lines.next();
    lines
        .skip(1) // the |---| line
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<String> = line
                .trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_owned())
                .collect();
            (
                cells[0].trim_matches('`').to_owned(),
                cells[1].clone(),
                cells[2].clone(),
            )
        })
        .collect()
}

/// "5 minutes", "30 days": how the policy writes a duration.
fn in_words(duration: Duration) -> String {
    let (n, unit) = if duration.whole_days() > 0
        && duration == Duration::days(duration.whole_days())
    {
        (duration.whole_days(), "day")
    } else if duration == Duration::hours(duration.whole_hours()) && duration.whole_hours() > 0 {
        (duration.whole_hours(), "hour")
    } else {
        (duration.whole_minutes(), "minute")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

fn says_how_long(kind: &CookieKind, lasts: &str) -> bool {
    let until_closed = lasts.contains("until you close the browser");
    match kind.lasts {
        Lasts::BrowserSession => until_closed,
        Lasts::For(duration) => lasts.starts_with(&in_words(duration)) && !until_closed,
        Lasts::BrowserSessionOrIfRemembered(duration) => {
            until_closed && lasts.contains(&in_words(duration))
        }
    }
}

#[tokio::test]
async fn the_policy_in_force_names_every_cookie_the_code_sets_when_and_for_how_long() -> TestResult
{
    let app = spawn_app().await?;
    let policy =
        app::documents::ssr::current_version(&app.db, DocumentKind::PrivacyPolicy, app.clock.now())
            .await?
            .ok_or("no policy in force")?;
    let table = cookie_table(&policy.body);
    let declared: Vec<&CookieKind> = app::features::cookies().collect();
    assert!(declared.len() >= 4, "{declared:?}");
    assert_eq!(
        table.len(),
        declared.len(),
        "{table:?} against {declared:?}"
    );
    for kind in declared {
        assert_eq!(kind.host_name, format!("__Host-{}", kind.name));
        let (_, set_when, lasts) = table
            .iter()
            .find(|(name, _, _)| name == kind.name)
            .ok_or_else(|| format!("the policy does not name the cookie {}", kind.name))?;
        assert_eq!(set_when, kind.set_when, "{}", kind.name);
        assert!(
            says_how_long(kind, lasts),
            "{}: the policy says {lasts:?}, the code {:?}",
            kind.name,
            kind.lasts
        );
    }
    Ok(())
}

#[test]
fn no_code_makes_a_cookie_but_through_a_declared_kind() -> TestResult {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let registry = root.join("app/src/ssr/cookies.rs").canonicalize()?;
    let mut makers = Vec::new();
    for folder in ["app/src", "server/src"] {
        let files = files_under(&root.join(folder));
        for file in files
            .iter()
            .filter(|file| file.extension().is_some_and(|ext| ext == "rs"))
        {
            let text = std::fs::read_to_string(file)?;
            let makes = [
                "Cookie::build",
                "Cookie::new",
                "make_removal",
                "CookieBuilder",
            ]
            .iter()
            .any(|maker| text.contains(maker));
            if makes && file.canonicalize()? != registry {
                makers.push(file.display().to_string());
            }
        }
    }
    assert!(
        makers.is_empty(),
        "cookies made outside ssr/cookies.rs: {makers:?}"
    );
    Ok(())
}

#[test]
fn durations_are_written_as_the_policy_writes_them() {
    assert_eq!(in_words(Duration::minutes(5)), "5 minutes");
    assert_eq!(in_words(Duration::days(30)), "30 days");
    assert_eq!(in_words(Duration::hours(1)), "1 hour");
}
