//! Visit statistics for the seeded community: page views over the last
//! [`DAYS`] days, as the recorder would have written them (visitors
//! reading a few pages each, arriving from a handful of sites, with the
//! usual mix of browsers, systems, devices, languages and countries). The
//! housekeeping's own work then summarises the days that are over,
//! deletes raw views past their retention and publishes last month's
//! usage report, so the dashboards and the report can be tried at size.

use anyhow::Context;
use app::insights::{
    published_ssr,
    recording_ssr::{self, InsightSettings},
    summary_ssr,
};
use rand::{Rng, rngs::StdRng};
use sea_orm::{DatabaseConnection, TransactionTrait};
use time::{Duration, OffsetDateTime};

use super::{Rows, next_id};

/// Days of page views made, ending today.
pub const DAYS: i64 = 70;

/// `(value, weight)` pairs, drawn in proportion to their weight.
fn pick<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, weight)| weight).sum();
    let mut left = rng.random_range(0..total);
    for (value, weight) in choices {
        if left < *weight {
            return *value;
        }
        left -= weight;
    }
    choices[0].0
}

/// Browser, major version, system and device.
type Browser = (&'static str, &'static str, &'static str, &'static str);

const BROWSERS: &[(Browser, u32)] = &[
    (("Chrome", "131", "Windows 10", "desktop"), 30),
    (("Firefox", "133", "Linux", "desktop"), 14),
    (("Safari", "18", "Mac OSX", "desktop"), 12),
    (("Safari", "18", "iPhone", "mobile"), 16),
    (("Chrome", "131", "Android", "mobile"), 14),
    (("Edge", "131", "Windows 10", "desktop"), 8),
    (("Safari", "17", "iPad", "tablet"), 3),
    (("Firefox", "128", "Windows 10", "desktop"), 3),
];
const LANGUAGES: &[(Option<&str>, u32)] = &[
    (Some("en"), 55),
    (Some("de"), 12),
    (Some("fr"), 8),
    (Some("es"), 7),
    (Some("ja"), 5),
    (Some("pt"), 5),
    (Some("nl"), 3),
    (Some("sv"), 2),
    (None, 3),
];
const COUNTRIES: &[(Option<&str>, u32)] = &[
    (Some("US"), 30),
    (Some("DE"), 12),
    (Some("GB"), 9),
    (Some("FR"), 7),
    (Some("IN"), 7),
    (Some("BR"), 5),
    (Some("JP"), 5),
    (Some("CA"), 4),
    (Some("NL"), 3),
    (Some("ES"), 3),
    (Some("SE"), 2),
    (Some("IS"), 1),
    (None, 4),
];
const REFERRERS: &[(Option<&str>, u32)] = &[
    (None, 45),
    (Some("www.google.com"), 25),
    (Some("github.com"), 12),
    (Some("duckduckgo.com"), 5),
    (Some("news.ycombinator.com"), 4),
    (Some("www.reddit.com"), 4),
    (Some("mastodon.social"), 3),
    (Some("lobste.rs"), 2),
];

/// Writes about `views` page views and runs the housekeeping's summaries,
/// retention and report on them. The number of views written.
pub async fn seed_views(
    db: &DatabaseConnection,
    rng: &mut StdRng,
    now: OffsetDateTime,
    views: u64,
    keep_days: u16,
    threads: (i64, u64),
    categories: (i64, u64),
) -> anyhow::Result<u64> {
    let (first_thread, thread_count) = threads;
    let (first_category, category_count) = categories;
    let thread_count = i64::try_from(thread_count.max(1))?;
    let category_count = i64::try_from(category_count.max(1))?;
    let path = |rng: &mut StdRng| -> String {
        match rng.random_range(0..100) {
            0..12 => "/".to_owned(),
            12..24 => "/forum".to_owned(),
            24..34 => format!(
                "/forum/c/{}",
                first_category + rng.random_range(0..category_count)
            ),
            34..40 => "/jobs".to_owned(),
            40..42 => "/privacy".to_owned(),
            42..44 => "/cla".to_owned(),
            // Most reading is of threads, and of a few much more than the rest.
            _ => {
                let index = if rng.random_bool(0.3) {
                    rng.random_range(0..thread_count.min(200))
                } else {
                    rng.random_range(0..thread_count)
                };
                format!("/forum/t/{}", first_thread + index)
            }
        }
    };
    let first_id = next_id(db, "insight_page_views").await?;
    let today = now.date();
    let mut rows = Rows::new(
        "insight_page_views",
        &[
            "id",
            "at",
            "path",
            "referrer_host",
            "browser",
            "browser_version",
            "os",
            "device",
            "language",
            "country",
            "visitor",
        ],
    );
    let tx = db.begin().await?;
    let mut written = 0_u64;
    while written < views {
        let day = today - Duration::days(rng.random_range(0..DAYS));
        let midnight = day.midnight().assume_utc();
        let mut at = midnight + Duration::minutes(rng.random_range(0..24 * 60));
        let visitor: String = (0..16)
            .map(|_| format!("{:02x}", rng.random::<u8>()))
            .collect();
        let (browser, version, os, device) = pick(rng, BROWSERS);
        let language = pick(rng, LANGUAGES);
        let country = pick(rng, COUNTRIES);
        // About four visits in ten see one page.
        let pages = if rng.random_bool(0.4) {
            1
        } else {
            rng.random_range(2..=9)
        };
        let mut referrer = pick(rng, REFERRERS);
        for _ in 0..pages {
            if at > now || at.date() != day || written >= views {
                break;
            }
            rows.push(vec![
                (first_id + i64::try_from(written)?).into(),
                at.into(),
                path(rng).into(),
                referrer.map(str::to_owned).into(),
                browser.into(),
                Some(version.to_owned()).into(),
                os.into(),
                device.into(),
                language.map(str::to_owned).into(),
                country.map(str::to_owned).into(),
                visitor.clone().into(),
            ]);
            rows.flush_if_full(&tx).await?;
            written += 1;
            referrer = None;
            at += Duration::minutes(rng.random_range(0..6));
        }
    }
    rows.flush(&tx).await?;
    tx.commit().await?;

    summary_ssr::summarise(db, now)
        .await
        .context("summarising the seeded days")?;
    let settings = InsightSettings {
        enabled: true,
        keep_days,
        per_address_per_minute: 120,
        countries: None,
    };
    recording_ssr::purge(db, &settings, now)
        .await
        .context("deleting seeded views past their retention")?;
    published_ssr::publish_finished(db, now)
        .await
        .context("publishing last month's usage report")?;
    Ok(written)
}
