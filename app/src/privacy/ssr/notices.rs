//! One notice mail to every member when a material change of the privacy
//! policy takes effect: members with a confirmed address who have not
//! accepted that version (or a later one) are told, in batches, by the
//! periodic housekeeping. `policy_notices` remembers how far through the
//! members (by account number) each version's notice got, so a restart
//! resumes it and nobody is mailed twice — also with several instances,
//! whose batches are claimed by a conditional update.

use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
    sea_query::{Expr, Query},
};

use crate::{
    accounts::{
        Email,
        ssr::{account, consent},
    },
    documents::{DocumentKind, ssr::document},
    ssr::{
        AppState,
        mail::{self, Mail, escape, html, link},
    },
};

/// Members mailed per batch, and batches per housekeeping round: at most
/// this many mails are queued per round, so a large site's notice is spread
/// over a few rounds instead of filling the outbox at once.
const BATCH: u64 = 500;
const BATCHES_PER_ROUND: usize = 10;

pub mod notice {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "policy_notices")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub document_id: i64,
        /// The highest account number already mailed (or passed over).
        pub mailed_up_to: i64,
        pub started_at: TimeDateTimeWithTimeZone,
        pub finished_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Queues the next batches of the notice of the newest material version in
/// force; returns how many mails were queued.
pub async fn send_policy_notices(state: &AppState) -> Result<u64, sea_orm::DbErr> {
    let now = state.clock.now();
    let kind = DocumentKind::PrivacyPolicy.as_str();
    let Some(material) = document::Entity::find()
        .filter(document::Column::Kind.eq(kind))
        .filter(document::Column::Material.eq(true))
        .filter(document::Column::EffectiveAt.lte(now))
        .order_by_desc(document::Column::Version)
        .one(&state.db)
        .await?
    else {
        return Ok(0);
    };
    notice::Entity::insert(notice::ActiveModel {
        document_id: Set(material.id),
        mailed_up_to: Set(0),
        started_at: Set(now),
        finished_at: Set(None),
    })
    .on_conflict_do_nothing_on([notice::Column::DocumentId])
    .exec(&state.db)
    .await?;
    let link = format!("{}/account/policy", state.site.base_url);
    let mut queued = 0;
    for _ in 0..BATCHES_PER_ROUND {
        let Some(progress) = notice::Entity::find_by_id(material.id)
            .filter(notice::Column::FinishedAt.is_null())
            .one(&state.db)
            .await?
        else {
            break;
        };
        let members = due(state, &material, progress.mailed_up_to).await?;
        let txn = state.db.begin().await?;
        let last = members
            .last()
            .map_or(progress.mailed_up_to, |member| member.0);
        let mut claim = notice::Entity::update_many()
            .col_expr(notice::Column::MailedUpTo, Expr::value(last))
            .filter(notice::Column::DocumentId.eq(material.id))
            .filter(notice::Column::MailedUpTo.eq(progress.mailed_up_to));
        if (members.len() as u64) < BATCH {
            claim = claim.col_expr(notice::Column::FinishedAt, Expr::value(Some(now)));
        }
        if claim.exec(&txn).await?.rows_affected != 1 {
            // Another instance sent this batch.
            continue;
        }
        for (_, username, address) in &members {
            if let Ok(to) = Email::parse(address) {
                mail::enqueue(
                    &txn,
                    &state.clock,
                    notice_mail(&to, username, &material, &link),
                )
                .await?;
                queued += 1;
            }
        }
        txn.commit().await?;
        if (members.len() as u64) < BATCH {
            tracing::info!(
                version = material.version,
                "policy notice sent to every member"
            );
            break;
        }
    }
    Ok(queued)
}

/// The next members after `after` (by account number) with a confirmed
/// address who accepted neither `material` nor a later version.
async fn due(
    state: &AppState,
    material: &document::Model,
    after: i64,
) -> Result<Vec<(i64, String, String)>, sea_orm::DbErr> {
    let policies = Query::select()
        .column(document::Column::Id)
        .from(document::Entity)
        .and_where(document::Column::Kind.eq(DocumentKind::PrivacyPolicy.as_str()))
        .to_owned();
    let accepted = Query::select()
        .expr(Expr::val(1))
        .from(consent::Entity)
        .and_where(
            Expr::col((consent::Entity, consent::Column::AccountId))
                .equals((account::Entity, account::Column::Id)),
        )
        .and_where(consent::Column::DocumentId.in_subquery(policies))
        .and_where(consent::Column::DocumentVersion.gte(material.version))
        .to_owned();
    account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::Username)
        .column(account::Column::Email)
        .filter(account::Column::Id.gt(after))
        .filter(account::Column::EmailVerifiedAt.is_not_null())
        .filter(Expr::exists(accepted).not())
        .order_by_asc(account::Column::Id)
        .limit(BATCH)
        .into_tuple()
        .all(&state.db)
        .await
}

fn notice_mail(to: &Email, username: &str, policy: &document::Model, link_to: &str) -> Mail {
    let date = crate::ssr::dates::long_day(policy.effective_at);
    let paragraphs = [
        format!("Hello {username},"),
        format!(
            "our privacy policy changed on {date} (version {}). Please read what changed and accept it:",
            policy.version
        ),
        link_to.to_owned(),
        "Until you accept it, you can still read the site, see and download your data, change your settings and delete your account, but not post, report or sign. This mail is sent once, to every member, when the policy changes in a way that matters.".to_owned(),
    ];
    let text = format!("{}\n", paragraphs.join("\n\n"));
    let body = html(&[
        format!("Hello {},", escape(username)),
        escape(&paragraphs[1]),
        link(link_to),
        escape(&paragraphs[3]),
    ]);
    Mail::new(to, "Our privacy policy changed", text, body)
}
