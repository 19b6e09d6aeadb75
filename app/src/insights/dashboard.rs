//! `/admin/insights`: the visit statistics for administrators — totals
//! over a range of days against the period before, the days as a chart,
//! and the top pages, entry and exit pages, referrers, browsers, systems,
//! devices, languages and countries, each also as CSV (`/admin/insights.csv`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Longest range the dashboard shows at once.
pub const MAX_DAYS: i64 = 366;
/// Rows shown per table (the CSV has them all).
pub const TOP: usize = 20;

/// A day's or a range's totals. Visitors are counted once a day: one
/// person on two days is two, since nothing links one day to the next.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub visitors: i64,
    pub views: i64,
    pub visits: i64,
    /// Visits of a single page.
    pub bounces: i64,
    /// Seconds from the first to the last page of each visit, summed.
    pub visit_seconds: i64,
}

impl Totals {
    pub fn add(&mut self, other: &Totals) {
        self.visitors += other.visitors;
        self.views += other.views;
        self.visits += other.visits;
        self.bounces += other.bounces;
        self.visit_seconds += other.visit_seconds;
    }

    /// Share of visits that saw one page, in percent.
    pub fn bounce_rate(&self) -> Option<i64> {
        (self.visits > 0).then(|| (self.bounces * 100 + self.visits / 2) / self.visits)
    }

    /// Mean seconds per visit.
    pub fn visit_length(&self) -> Option<i64> {
        (self.visits > 0).then(|| self.visit_seconds / self.visits)
    }
}

/// What the tables count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Dimension {
    Page,
    Entry,
    Exit,
    Referrer,
    Browser,
    Os,
    Device,
    Language,
    Country,
}

impl Dimension {
    pub const ALL: [Dimension; 9] = [
        Self::Page,
        Self::Entry,
        Self::Exit,
        Self::Referrer,
        Self::Browser,
        Self::Os,
        Self::Device,
        Self::Language,
        Self::Country,
    ];

    /// The key stored in the database and used in CSV links.
    pub fn key(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Entry => "entry",
            Self::Exit => "exit",
            Self::Referrer => "referrer",
            Self::Browser => "browser",
            Self::Os => "os",
            Self::Device => "device",
            Self::Language => "language",
            Self::Country => "country",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|dimension| dimension.key() == key)
    }

    /// The table's title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Page => "Pages",
            Self::Entry => "Entry pages",
            Self::Exit => "Exit pages",
            Self::Referrer => "Referring sites",
            Self::Browser => "Browsers",
            Self::Os => "Operating systems",
            Self::Device => "Devices",
            Self::Language => "Languages",
            Self::Country => "Countries",
        }
    }

    /// The heading of the value column.
    pub fn column(self) -> &'static str {
        match self {
            Self::Page | Self::Entry | Self::Exit => "Path",
            Self::Referrer => "Site",
            Self::Browser => "Browser",
            Self::Os => "System",
            Self::Device => "Device",
            Self::Language => "Language",
            Self::Country => "Country",
        }
    }

    /// What `views` counts in this table.
    pub fn views_label(self) -> &'static str {
        match self {
            Self::Entry => "Visits begun",
            Self::Exit => "Visits ended",
            _ => "Page views",
        }
    }
}

/// One value of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountRow {
    pub value: String,
    pub visitors: i64,
    pub views: i64,
}

/// One day's totals, for the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayTotals {
    /// `2026-12-07`.
    pub day: String,
    pub totals: Totals,
}

/// The dashboard over `from..=to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub from: String,
    pub to: String,
    /// Every day of the range, oldest first, zeros included.
    pub days: Vec<DayTotals>,
    pub totals: Totals,
    /// The same number of days just before `from`.
    pub previous: Totals,
    /// The top [`TOP`] of each dimension, most visitors first.
    pub tables: Vec<(Dimension, Vec<CountRow>)>,
    /// Ranges to offer: `(days, from, to)` of the last 7, 30 and 90 days.
    pub recent: Vec<(i64, String, String)>,
}

/// The statistics from `from` to `to` (days as `2026-12-07`, both
/// included); the last 30 days up to today by default. Administrators only.
#[server(endpoint = "admin/insights")]
pub async fn insights(
    #[server(default)] from: Option<String>,
    #[server(default)] to: Option<String>,
) -> Result<Report, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(crate::accounts::Role::Admin).await?;
    let (from, to) = super::summary_ssr::range(from.as_deref(), to.as_deref(), state.clock.now())?;
    super::summary_ssr::report(&state, from, to).await
}
