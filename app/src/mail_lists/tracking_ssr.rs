//! Counted opens and clicks of campaigns, per campaign only.
//!
//! A tracked campaign mail carries a 1×1 image at `/mail/o/{campaign}` and
//! its web links lead through `/mail/c/{campaign}/{position}`. Both
//! addresses are the same in every copy of the campaign, so a fetch says
//! which campaign was opened or which of its links followed, never by whom;
//! nothing of the request (address, browser, time) is kept. The counts
//! gather in memory and are added to the campaign by the sender's next
//! round, so a flood of fetches costs a lock and an addition each, never a
//! database write. The image is counted only for campaigns that carry it;
//! a click is counted, and redirected, only to a link its campaign has.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use time::{Duration, OffsetDateTime};

use super::{
    campaigns::CampaignStatus,
    campaigns_ssr::{CampaignSettings, campaign, campaign_link},
};
use crate::ssr::{AppState, db_error, error_status};

/// A transparent 1×1 GIF.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// How long after it went out a campaign's opens are still counted.
const COUNTED_FOR: Duration = Duration::days(90);

/// Counts not yet added to the campaigns.
#[derive(Clone, Debug, Default)]
pub struct Tally(Arc<Mutex<Counts>>);

#[derive(Debug, Default)]
struct Counts {
    /// Campaigns whose image is counted: those that carried it, until
    /// [`COUNTED_FOR`] after they went out. Refreshed every round.
    countable: HashSet<i64>,
    opens: HashMap<i64, i64>,
    clicks: HashMap<(i64, i32), i64>,
    /// When the counts were last written.
    flushed_at: Option<OffsetDateTime>,
}

/// How old the counts may grow before a fetch writes them itself: on an
/// instance that runs no housekeeping, nothing else would.
const WRITE_AFTER: Duration = Duration::seconds(10);

impl Tally {
    fn counts(&self) -> MutexGuard<'_, Counts> {
        // The counts are plain numbers: whatever a panicking holder left
        // is still good.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn open(&self, campaign: i64) {
        let mut counts = self.counts();
        if counts.countable.contains(&campaign) {
            *counts.opens.entry(campaign).or_default() += 1;
        }
    }

    fn click(&self, campaign: i64, position: i32) {
        *self
            .counts()
            .clicks
            .entry((campaign, position))
            .or_default() += 1;
    }

    /// Writes the counts in the background if nobody has for a while;
    /// at most one such write per [`WRITE_AFTER`].
    fn write_if_stale(&self, state: &AppState) {
        let now = state.clock.now();
        {
            let mut counts = self.counts();
            if counts.flushed_at.is_some_and(|at| now - at < WRITE_AFTER) {
                return;
            }
            counts.flushed_at = Some(now);
        }
        let (tally, db) = (self.clone(), state.db.clone());
        tokio::spawn(async move {
            if let Err(error) = tally.flush(&db, now).await {
                tracing::warn!(%error, "writing campaign counts failed");
            }
        });
    }

    /// Adds the counts gathered to the campaigns and learns which
    /// campaigns are countable now; the number of fetches written.
    pub async fn flush<C: ConnectionTrait>(
        &self,
        db: &C,
        now: OffsetDateTime,
    ) -> Result<u64, DbErr> {
        let (opens, clicks) = {
            let mut counts = self.counts();
            counts.flushed_at = Some(now);
            (
                std::mem::take(&mut counts.opens),
                std::mem::take(&mut counts.clicks),
            )
        };
        let mut written = 0;
        for (id, n) in opens {
            campaign::Entity::update_many()
                .col_expr(
                    campaign::Column::Opens,
                    Expr::col(campaign::Column::Opens).add(n),
                )
                .filter(campaign::Column::Id.eq(id))
                .exec(db)
                .await?;
            written += n.unsigned_abs();
        }
        for ((id, position), n) in clicks {
            campaign_link::Entity::update_many()
                .col_expr(
                    campaign_link::Column::Clicks,
                    Expr::col(campaign_link::Column::Clicks).add(n),
                )
                .filter(campaign_link::Column::CampaignId.eq(id))
                .filter(campaign_link::Column::Position.eq(position))
                .exec(db)
                .await?;
            written += n.unsigned_abs();
        }
        let countable: HashSet<i64> = campaign::Entity::find()
            .select_only()
            .column(campaign::Column::Id)
            .filter(campaign::Column::Status.is_in([
                CampaignStatus::Sending.as_str(),
                CampaignStatus::Sent.as_str(),
                CampaignStatus::Cancelled.as_str(),
            ]))
            .filter(campaign::Column::Tracked.gt(0))
            .filter(campaign::Column::StartedAt.gt(now - COUNTED_FOR))
            .into_tuple::<i64>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        self.counts().countable = countable;
        Ok(written)
    }
}

/// `url` with every byte outside visible ASCII percent-encoded.
fn ascii_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        if byte.is_ascii_graphic() {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `GET /mail/o/{campaign}`: the image of a campaign mail.
pub async fn open(State(state): State<AppState>, Path(campaign): Path<i64>) -> Response {
    if let Some(settings) = state.features.get::<CampaignSettings>() {
        settings.tally.open(campaign);
        settings.tally.write_if_stale(&state);
    }
    (
        [
            (header::CONTENT_TYPE, "image/gif"),
            (header::CACHE_CONTROL, "no-store, private"),
        ],
        PIXEL,
    )
        .into_response()
}

/// `GET /mail/c/{campaign}/{position}`: a link of a campaign, counted and
/// followed; `404` for a place the campaign has no link at.
pub async fn click(
    State(state): State<AppState>,
    Path((campaign, position)): Path<(i64, i32)>,
) -> Response {
    match campaign_link::Entity::find_by_id((campaign, position))
        .one(&state.reads)
        .await
    {
        Ok(Some(link)) => {
            // Written by an administrator: a link with spaces or letters
            // beyond ASCII is sent percent-encoded, never as a broken header.
            let Ok(location) = HeaderValue::try_from(ascii_url(&link.url)) else {
                return StatusCode::NOT_FOUND.into_response();
            };
            if let Some(settings) = state.features.get::<CampaignSettings>() {
                settings.tally.click(campaign, position);
                settings.tally.write_if_stale(&state);
            }
            (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => error_status(&db_error("following a campaign link", error)),
    }
}

#[cfg(test)]
mod tests {
    use super::ascii_url;

    #[test]
    fn a_link_beyond_ascii_is_percent_encoded() {
        assert_eq!(
            ascii_url("https://example.org/a b/\u{fc}"),
            "https://example.org/a%20b/%C3%BC"
        );
        assert_eq!(
            ascii_url("https://example.org/?q=1#x"),
            "https://example.org/?q=1#x"
        );
    }
}
