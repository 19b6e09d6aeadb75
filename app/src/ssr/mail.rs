//! Outgoing mail: written to the `mail_outbox` table in the same
//! transaction as the action that causes it, and delivered by a background
//! worker over SMTP — or, with no SMTP configured, as `.eml` files.
//!
//! Delivery is at least once: a row is claimed with a conditional update
//! (so two instances never hold it at the same time), sent, then marked.
//! Only a crash between sending and marking can send it again.
//!
//! Mail carries live links (sign-in, reset, confirmation, unsubscribe), so
//! a row keeps its recipient, subject and body only until it is sent or
//! given up: then they are erased at once, and what remains for auditing
//! (when, how many attempts, the last error) is deleted a week later.
//! `.eml` files are deleted a week after they were written.

use std::{
    path::{Path, PathBuf},
    time::Duration as StdDuration,
};

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Body, Mailbox, MultiPart, SinglePart,
        header::{ContentTransferEncoding, ContentType, Header, HeaderName, HeaderValue},
    },
    transport::smtp::client::{Certificate, Tls, TlsParameters},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use time::{Duration, OffsetDateTime};

use super::Clock;

pub mod outbox {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_outbox")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub recipient: String,
        pub subject: String,
        #[sea_orm(column_type = "Text")]
        pub body_text: String,
        #[sea_orm(column_type = "Text")]
        pub body_html: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub attempts: i32,
        pub next_attempt_at: TimeDateTimeWithTimeZone,
        pub claimed_by: Option<String>,
        pub claimed_until: Option<TimeDateTimeWithTimeZone>,
        pub sent_at: Option<TimeDateTimeWithTimeZone>,
        pub last_error: Option<String>,
        /// The one-click unsubscribe link of mail sent on a list.
        pub list_unsubscribe: Option<String>,
        /// The bulk send (a campaign) the mail is part of.
        pub batch_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod batch {
    use sea_orm::entity::prelude::*;

    /// One bulk send: how many of its mails were queued, sent and given
    /// up. The worker counts as it delivers, so progress needs no scan of
    /// the outbox, and the counts outlive the outbox rows.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_batches")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub queued: i32,
        pub sent: i32,
        pub failed: i32,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Starts a bulk send; its id, for [`Mail::in_batch`].
pub async fn new_batch<C: ConnectionTrait>(
    db: &C,
    now: OffsetDateTime,
) -> Result<i64, sea_orm::DbErr> {
    use sea_orm::ActiveModelTrait;
    Ok(batch::ActiveModel {
        queued: Set(0),
        sent: Set(0),
        failed: Set(0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Adds `n` to one of a batch's counts.
async fn count_in_batch<C: ConnectionTrait>(
    db: &C,
    id: i64,
    column: batch::Column,
    n: i32,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::ExprTrait;
    batch::Entity::update_many()
        .col_expr(column, Expr::col(column).add(n))
        .filter(batch::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A message ready to queue. Build it with [`Mail::new`], which refuses
/// subjects that could smuggle in extra headers.
#[derive(Debug, Clone)]
pub struct Mail {
    to: String,
    subject: String,
    text: String,
    html: String,
    list_unsubscribe: Option<String>,
    batch: Option<i64>,
}

impl Mail {
    pub fn new(to: &crate::email::Email, subject: &str, text: String, html: String) -> Self {
        // Control characters (CR and LF above all) never reach a header.
        let subject: String = subject
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        Self {
            to: to.as_str().to_owned(),
            subject,
            text,
            html,
            list_unsubscribe: None,
            batch: None,
        }
    }

    /// A mail of plain paragraphs; a paragraph that is a web address
    /// becomes a link in the HTML part.
    pub fn paragraphs(to: &crate::email::Email, subject: &str, paragraphs: &[String]) -> Self {
        let text = format!("{}\n", paragraphs.join("\n\n"));
        let body = html(
            &paragraphs
                .iter()
                .map(|paragraph| {
                    if paragraph.starts_with("http://") || paragraph.starts_with("https://") {
                        link(paragraph)
                    } else {
                        escape(paragraph)
                    }
                })
                .collect::<Vec<_>>(),
        );
        Self::new(to, subject, text, body)
    }

    /// Counts the mail in the bulk send `batch` (see [`new_batch`]); the
    /// caller counts it as queued with [`enqueue`].
    #[must_use]
    pub fn in_batch(mut self, batch: i64) -> Self {
        self.batch = Some(batch);
        self
    }

    /// Marks the mail as sent on a list the member can leave in one click
    /// at `url` (RFC 8058): mail programs show an "Unsubscribe" button.
    #[must_use]
    pub fn unsubscribe_at(mut self, url: String) -> Self {
        self.list_unsubscribe = Some(url);
        self
    }
}

/// `List-Unsubscribe: <https://…>, <mailto:…>` (RFC 2369): where a mail
/// program can leave the list, most preferred first.
#[derive(Clone)]
struct ListUnsubscribe(Vec<String>);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(
            s.split(',')
                .map(|uri| uri.trim().trim_matches(['<', '>']).to_owned())
                .collect(),
        ))
    }

    fn display(&self) -> HeaderValue {
        let uris: Vec<String> = self.0.iter().map(|uri| format!("<{uri}>")).collect();
        HeaderValue::new(Self::name(), uris.join(", "))
    }
}

/// The `mailto:` twin of a one-click link: a mail to `address` whose
/// subject carries the link's token, which `portal unsubscribe-mail`
/// honours when the operator pipes that mailbox into it.
fn unsubscribe_mailto(address: &lettre::Address, url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let token = form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "token")
        .map(|(_, value)| value.into_owned())?;
    // A token is URL-safe base64, which needs no escaping in a URI.
    token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        .then(|| format!("mailto:{address}?subject=unsubscribe%20{token}"))
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the
/// link works with a single POST, without a page or a sign-in.
#[derive(Clone)]
struct OneClick;

impl Header for OneClick {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// Escapes text for an HTML attribute or element.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// An HTML link whose text is its address.
pub fn link(href: &str) -> String {
    let href = escape(href);
    format!("<a href=\"{href}\">{href}</a>")
}

/// Paragraphs of HTML.
pub fn html(paragraphs: &[String]) -> String {
    paragraphs
        .iter()
        .map(|paragraph| format!("<p>{paragraph}</p>"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Queues `mail` on `db` — pass the transaction of the action that sends it.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    clock: &Clock,
    mail: Mail,
) -> Result<(), sea_orm::DbErr> {
    let now = clock.now();
    if let Some(batch) = mail.batch {
        count_in_batch(db, batch, batch::Column::Queued, 1).await?;
    }
    outbox::Entity::insert(outbox::ActiveModel {
        batch_id: Set(mail.batch),
        recipient: Set(mail.to),
        subject: Set(mail.subject),
        body_text: Set(mail.text),
        body_html: Set(mail.html),
        list_unsubscribe: Set(mail.list_unsubscribe),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Queues many mails at once (a campaign's batch) on `db`: one insert,
/// and one count per bulk send they belong to.
pub async fn enqueue_many<C: ConnectionTrait>(
    db: &C,
    clock: &Clock,
    mails: Vec<Mail>,
) -> Result<(), sea_orm::DbErr> {
    let now = clock.now();
    let mut per_batch: std::collections::BTreeMap<i64, i32> = std::collections::BTreeMap::new();
    for batch in mails.iter().filter_map(|mail| mail.batch) {
        *per_batch.entry(batch).or_default() += 1;
    }
    for (batch, n) in per_batch {
        count_in_batch(db, batch, batch::Column::Queued, n).await?;
    }
    if mails.is_empty() {
        return Ok(());
    }
    outbox::Entity::insert_many(mails.into_iter().map(|mail| outbox::ActiveModel {
        batch_id: Set(mail.batch),
        recipient: Set(mail.to),
        subject: Set(mail.subject),
        body_text: Set(mail.text),
        body_html: Set(mail.html),
        list_unsubscribe: Set(mail.list_unsubscribe),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("the SMTP URL is not valid: {0}")]
    SmtpUrl(String),
    #[error(
        "a CA file is set for SMTP, but the SMTP URL asks for no TLS: use smtps://… or smtp://…?tls=required"
    )]
    CaWithoutTls,
    #[error("could not read the SMTP CA file {0}: {1}")]
    CaFile(String, String),
    #[error("the sender address {0:?} is not a valid mailbox")]
    From(String),
    #[error("could not create the mail folder {0}: {1}")]
    Folder(String, std::io::Error),
}

impl Transport {
    /// SMTP from a URL such as `smtps://user:password@mail.example.org`, or
    /// files under `folder` when there is none.
    pub fn new(smtp_url: Option<&str>, folder: &str) -> Result<Self, TransportError> {
        match smtp_url {
            Some(url) => Self::smtp(url, None),
            None => Self::files(folder),
        }
    }

    /// SMTP from a URL. With `ca_file` (PEM), the relay's certificate is
    /// checked against that authority instead of the public ones: for a
    /// relay inside the operator's network with a private CA. The host
    /// name is still checked, and the URL must ask for TLS.
    pub fn smtp(url: &str, ca_file: Option<&Path>) -> Result<Self, TransportError> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|error| TransportError::SmtpUrl(error.to_string()))?;
        let Some(ca_file) = ca_file else {
            return Ok(Self::Smtp(builder.build()));
        };
        let parsed =
            url::Url::parse(url).map_err(|error| TransportError::SmtpUrl(error.to_string()))?;
        let host = parsed.host_str().unwrap_or_default().to_owned();
        let tls_mode = parsed
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let wrap: fn(TlsParameters) -> Tls = match (parsed.scheme(), tls_mode.as_deref()) {
            ("smtps", _) => Tls::Wrapper,
            ("smtp", Some("required")) => Tls::Required,
            ("smtp", Some("opportunistic")) => Tls::Opportunistic,
            _ => return Err(TransportError::CaWithoutTls),
        };
        let ca_error = |error: String| TransportError::CaFile(ca_file.display().to_string(), error);
        let pem = std::fs::read(ca_file).map_err(|error| ca_error(error.to_string()))?;
        // The parser skips what is not a certificate: a file with none
        // would leave nothing trusted, and every delivery failing.
        if !pem
            .windows(27)
            .any(|window| window == b"-----BEGIN CERTIFICATE-----")
        {
            return Err(ca_error("it holds no PEM certificate".to_owned()));
        }
        let certificate =
            Certificate::from_pem(&pem).map_err(|error| ca_error(error.to_string()))?;
        let parameters = TlsParameters::builder(host)
            .add_root_certificate(certificate)
            .build()
            .map_err(|error| ca_error(error.to_string()))?;
        Ok(Self::Smtp(builder.tls(wrap(parameters)).build()))
    }

    /// `.eml` files under `folder`, made if it is missing.
    pub fn files(folder: &str) -> Result<Self, TransportError> {
        std::fs::create_dir_all(folder)
            .map_err(|error| TransportError::Folder(folder.to_owned(), error))?;
        Ok(Self::Files(PathBuf::from(folder)))
    }

    /// Sends the outbox row `id` as `message`. A row sent again after a
    /// crash between sending and marking it overwrites its own file, and
    /// carries the same `Message-ID` over SMTP, so the copy can be told.
    async fn send(&self, id: i64, message: Message) -> Result<(), String> {
        match self {
            Self::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Self::Files(folder) => {
                // Written whole, then renamed: a crash leaves no half file.
                let part = folder.join(format!("{id}.eml.part"));
                tokio::fs::write(&part, message.formatted())
                    .await
                    .map_err(|e| e.to_string())?;
                tokio::fs::rename(&part, folder.join(format!("{id}.eml")))
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// A body part sent as plain 7- or 8-bit text whenever its lines are
/// within the 998 characters mail allows, so that links stay whole and
/// readable even in the raw `.eml` file. (lettre on its own switches to
/// quoted-printable past 76 characters, which breaks links in two.)
fn part(content_type: ContentType, text: &str) -> SinglePart {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let fits = !crlf.contains('\0') && crlf.split("\r\n").all(|line| line.len() < 998);
    let body = if fits {
        let encoding = if crlf.is_ascii() {
            ContentTransferEncoding::SevenBit
        } else {
            ContentTransferEncoding::EightBit
        };
        Body::dangerous_pre_encoded(crlf.into_bytes(), encoding)
    } else {
        Body::new(text.to_owned())
    };
    SinglePart::builder().header(content_type).body(body)
}

/// The background worker: delivers due mail until the process stops.
pub struct Worker {
    pub db: DatabaseConnection,
    pub clock: Clock,
    pub transport: Transport,
    pub from: Mailbox,
    /// Distinguishes this instance's claims from another's.
    pub instance: String,
    /// Where mail programs may also write to leave a list, besides the
    /// one-click link (see [`Worker::unsubscribing_by_mail_at`]).
    pub unsubscribe_address: Option<lettre::Address>,
}

const MAX_ATTEMPTS: i32 = 8;
/// What remains of sent or abandoned mail (no address, no text) is deleted
/// after this long, and `.eml` files too (the data manifest says so).
pub const KEEP_SENT: Duration = Duration::days(7);
const CLAIM_FOR: Duration = Duration::minutes(5);

impl Worker {
    pub fn new(
        db: DatabaseConnection,
        clock: Clock,
        transport: Transport,
        from: &str,
    ) -> Result<Self, TransportError> {
        let from = from
            .parse()
            .map_err(|_| TransportError::From(from.to_owned()))?;
        if let Transport::Files(folder) = &transport {
            tracing::info!(folder = %folder.display(), "no SMTP configured: mail is written as .eml files");
        }
        Ok(Self {
            db,
            clock,
            transport,
            from,
            instance: uuid::Uuid::new_v4().to_string(),
            unsubscribe_address: None,
        })
    }

    /// List mail also offers `mailto:address` to leave the list, for mail
    /// programs that do not do one-click: only when mail to `address` is
    /// piped into `portal unsubscribe-mail`, or the offer is a dead end.
    #[must_use]
    pub fn unsubscribing_by_mail_at(mut self, address: Option<lettre::Address>) -> Self {
        self.unsubscribe_address = address;
        self
    }

    /// Polls every `interval`; each round delivers everything that is due.
    pub async fn run(self, interval: StdDuration) {
        loop {
            match self.deliver_due().await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "mail delivered"),
                Err(error) => tracing::warn!(%error, "mail worker round failed"),
            }
            tokio::time::sleep(interval).await;
        }
    }

    /// Delivers every message that is due now; returns how many were sent.
    /// Also deletes what remains of mail finished more than a week ago.
    pub async fn deliver_due(&self) -> Result<usize, sea_orm::DbErr> {
        purge(&self.db, self.clock.now()).await?;
        let mut sent = 0;
        while let Some(row) = self.claim_next().await? {
            let id = row.id;
            match self.build(&row) {
                Ok(message) => match self.transport.send(id, message).await {
                    Ok(()) => {
                        self.mark_sent(id).await?;
                        if let Some(batch) = row.batch_id {
                            count_in_batch(&self.db, batch, batch::Column::Sent, 1).await?;
                        }
                        sent += 1;
                    }
                    Err(error) => self.mark_failed(&row, &error).await?,
                },
                Err(error) => self.mark_failed(&row, &error).await?,
            }
        }
        Ok(sent)
    }

    /// Claims the oldest due row that nobody holds, with a conditional
    /// update so that only one instance can win it.
    async fn claim_next(&self) -> Result<Option<outbox::Model>, sea_orm::DbErr> {
        let now = self.clock.now();
        let free = Condition::any()
            .add(outbox::Column::ClaimedUntil.is_null())
            .add(outbox::Column::ClaimedUntil.lt(now));
        let due = Condition::all()
            .add(outbox::Column::SentAt.is_null())
            .add(outbox::Column::Attempts.lt(MAX_ATTEMPTS))
            .add(outbox::Column::NextAttemptAt.lte(now))
            .add(free.clone());
        for candidate in outbox::Entity::find()
            .filter(due.clone())
            .order_by_asc(outbox::Column::Id)
            .limit(10)
            .all(&self.db)
            .await?
        {
            let claimed = outbox::Entity::update_many()
                .col_expr(
                    outbox::Column::ClaimedBy,
                    Expr::value(self.instance.clone()),
                )
                .col_expr(outbox::Column::ClaimedUntil, Expr::value(now + CLAIM_FOR))
                .filter(outbox::Column::Id.eq(candidate.id))
                .filter(due.clone())
                .exec(&self.db)
                .await?;
            if claimed.rows_affected == 1 {
                return Ok(Some(candidate));
            }
        }
        Ok(None)
    }

    fn build(&self, row: &outbox::Model) -> Result<Message, String> {
        let to: Mailbox = row
            .recipient
            .parse()
            .map_err(|_| "invalid recipient".to_owned())?;
        let domain = self.from.email.domain().to_owned();
        let mut message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(format!(
                "<outbox.{}.{}@{domain}>",
                row.id,
                row.created_at.unix_timestamp()
            )));
        if let Some(url) = &row.list_unsubscribe {
            // The link is ours, but a `>` or a line break in it would end
            // the header early: refuse such a row rather than send it.
            if url.contains(['<', '>', '\r', '\n']) {
                return Err("invalid unsubscribe link".to_owned());
            }
            let mut uris = vec![url.clone()];
            uris.extend(
                self.unsubscribe_address
                    .as_ref()
                    .and_then(|address| unsubscribe_mailto(address, url)),
            );
            message = message.header(ListUnsubscribe(uris)).header(OneClick);
        }
        message
            .multipart(
                MultiPart::alternative()
                    .singlepart(part(ContentType::TEXT_PLAIN, &row.body_text))
                    .singlepart(part(ContentType::TEXT_HTML, &row.body_html)),
            )
            .map_err(|error| error.to_string())
    }

    async fn mark_sent(&self, id: i64) -> Result<(), sea_orm::DbErr> {
        erase(outbox::Entity::update_many())
            .col_expr(outbox::Column::SentAt, Expr::value(self.clock.now()))
            .col_expr(
                outbox::Column::ClaimedUntil,
                Expr::value(Option::<time::OffsetDateTime>::None),
            )
            .filter(outbox::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Backs off exponentially: 1, 2, 4 … minutes, at most eight attempts;
    /// after the last one the mail is given up and its text erased.
    async fn mark_failed(&self, row: &outbox::Model, error: &str) -> Result<(), sea_orm::DbErr> {
        let attempts = row.attempts + 1;
        let delay = Duration::minutes(1_i64 << attempts.clamp(0, 10));
        let update = if attempts >= MAX_ATTEMPTS {
            tracing::warn!(mail_id = row.id, attempts, "mail delivery failed; given up");
            if let Some(batch) = row.batch_id {
                count_in_batch(&self.db, batch, batch::Column::Failed, 1).await?;
            }
            erase(outbox::Entity::update_many())
        } else {
            tracing::warn!(
                mail_id = row.id,
                attempts,
                "mail delivery failed; will retry"
            );
            outbox::Entity::update_many()
        };
        let error: String = error.chars().take(300).collect();
        update
            .col_expr(outbox::Column::Attempts, Expr::value(attempts))
            .col_expr(
                outbox::Column::NextAttemptAt,
                Expr::value(self.clock.now() + delay),
            )
            .col_expr(
                outbox::Column::ClaimedUntil,
                Expr::value(Option::<time::OffsetDateTime>::None),
            )
            .col_expr(outbox::Column::LastError, Expr::value(error))
            .filter(outbox::Column::Id.eq(row.id))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

/// Blanks what a finished mail said and to whom: its links stay live for
/// a while after sending.
fn erase(update: sea_orm::UpdateMany<outbox::Entity>) -> sea_orm::UpdateMany<outbox::Entity> {
    update
        .col_expr(outbox::Column::Recipient, Expr::value(""))
        .col_expr(outbox::Column::Subject, Expr::value(""))
        .col_expr(outbox::Column::BodyText, Expr::value(""))
        .col_expr(outbox::Column::BodyHtml, Expr::value(""))
        .col_expr(
            outbox::Column::ListUnsubscribe,
            Expr::value(Option::<String>::None),
        )
}

/// Deletes the mail to `recipient` not sent yet (the account behind the
/// address is being deleted); the number deleted.
pub async fn forget_unsent<C: ConnectionTrait>(
    db: &C,
    recipient: &str,
) -> Result<u64, sea_orm::DbErr> {
    let unsent = outbox::Entity::find()
        .filter(outbox::Column::Recipient.eq(recipient))
        .filter(outbox::Column::SentAt.is_null())
        .all(db)
        .await?;
    if unsent.is_empty() {
        return Ok(0);
    }
    // A bulk send's mail that will not go counts as given up.
    for row in &unsent {
        if let Some(batch) = row.batch_id {
            count_in_batch(db, batch, batch::Column::Failed, 1).await?;
        }
    }
    Ok(outbox::Entity::delete_many()
        .filter(outbox::Column::Id.is_in(unsent.iter().map(|row| row.id)))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes what remains of mail sent or given up more than a week ago.
pub async fn purge<C: ConnectionTrait>(db: &C, now: OffsetDateTime) -> Result<u64, sea_orm::DbErr> {
    let finished = Condition::any()
        .add(outbox::Column::SentAt.lt(now - KEEP_SENT))
        .add(
            Condition::all()
                .add(outbox::Column::SentAt.is_null())
                .add(outbox::Column::Attempts.gte(MAX_ATTEMPTS))
                .add(outbox::Column::NextAttemptAt.lt(now - KEEP_SENT)),
        );
    Ok(outbox::Entity::delete_many()
        .filter(finished)
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes the `.eml` files in `folder` addressed to `to` (by its `To:`
/// header): what is left of a member's mail when their account is erased
/// and no SMTP server is configured. Returns how many went.
pub fn forget_files(folder: &Path, to: &crate::email::Email) -> std::io::Result<u64> {
    let wanted = to.key();
    let mut deleted = 0;
    for path in eml_files(folder)? {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if recipients(&text).any(|address| {
            crate::email::Email::parse(address).is_ok_and(|email| email.key() == wanted)
        }) {
            std::fs::remove_file(&path)?;
            deleted += 1;
        }
    }
    Ok(deleted)
}

/// The addresses of a message's `To:` header (folded lines included).
fn recipients(message: &str) -> impl Iterator<Item = &str> {
    let headers = message
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .split("\n\n")
        .next()
        .unwrap_or_default();
    let mut to = Vec::new();
    let mut in_to = false;
    for line in headers.lines() {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) {
            if in_to {
                to.push(line);
            }
        } else if let Some(value) = line
            .get(..3)
            .filter(|name| name.eq_ignore_ascii_case("to:"))
            .map(|_| &line[3..])
        {
            in_to = true;
            to.push(value);
        } else {
            in_to = false;
        }
    }
    to.into_iter()
        .flat_map(|part| part.split(','))
        .map(|address| {
            let address = address.trim();
            match (address.rfind('<'), address.rfind('>')) {
                (Some(start), Some(end)) if start < end => &address[start + 1..end],
                _ => address,
            }
        })
        .filter(|address| !address.is_empty())
}

/// The `.eml` files in `folder` (none if it does not exist).
fn eml_files(folder: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|extension| extension == "eml") {
            files.push(path);
        }
    }
    Ok(files)
}

/// Deletes `.eml` files in `folder` written more than a week before `now`.
pub fn purge_files(folder: &Path, now: OffsetDateTime) -> std::io::Result<u64> {
    let mut deleted = 0;
    for path in eml_files(folder)? {
        let written = OffsetDateTime::from(std::fs::metadata(&path)?.modified()?);
        if written < now - KEEP_SENT {
            std::fs::remove_file(&path)?;
            deleted += 1;
        }
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::recipients;

    #[test]
    fn the_to_header_gives_every_address_folded_or_named() {
        let message = "From: Portal <noreply@example.org>\r\n\
                       To: \"Ferris, the crab\" <Ferris@Example.org>,\r\n \
                       corro@example.org\r\n\
                       Subject: To: nobody@example.org\r\n\
                       \r\n\
                       To: body@example.org\r\n";
        let found: Vec<&str> = recipients(message).collect();
        // A comma inside a quoted name splits it; that piece is no address,
        // and never matches one.
        assert_eq!(
            found,
            ["\"Ferris", "Ferris@Example.org", "corro@example.org"]
        );
    }
}
