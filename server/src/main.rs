//! `portal`: the Community Portal server and its administration commands.

use std::{
    collections::HashMap,
    io::{BufRead, IsTerminal},
    path::PathBuf,
    process::ExitCode,
};

use anyhow::Context;
use app::{
    accounts::ssr::{NewAdmin, create_admin},
    documents::{DocumentKind, ssr::publish},
    ssr::Clock,
};
use clap::{Parser, Subcommand};
use migrations::{Migrator, MigratorTrait};
use secrecy::SecretString;
use server::{
    config::Config,
    startup::{Application, app_state, connect, shutdown_signal},
    telemetry,
};

#[derive(Debug, Parser)]
#[command(
    name = "portal",
    version,
    about = "Community Portal: forum, CLA, jobs and privacy centre"
)]
struct Cli {
    /// A TOML configuration file; environment variables override it.
    #[arg(long, short, env = "PORTAL_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the site (the default).
    Serve,
    /// Apply, roll back or list database migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Create an administrator account. The password is read from standard
    /// input (or asked for, without echo, on a terminal).
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
    },
    /// Check the configuration and the database connection, then exit.
    CheckConfig,
    /// Publish a new version of the privacy policy or a contributor
    /// agreement from a Markdown file. Only a `--material` version asks
    /// members to accept or sign again; without it the change is editorial
    /// and earlier acceptances and signatures carry over.
    Publish {
        #[arg(long, value_enum)]
        document: PublishedKind,
        #[arg(long)]
        title: String,
        /// The full text, in Markdown.
        #[arg(long)]
        file: PathBuf,
        #[arg(long)]
        material: bool,
        /// When it comes into force (YYYY-MM-DD, UTC); now when left out.
        #[arg(long)]
        effective: Option<String>,
    },
    /// Erase what has outlived its retention period now (job applications
    /// decided long enough ago, expired sessions and links), then exit.
    /// The server also does this in the background every ten minutes.
    Purge,
    /// Delete a member's account, as the privacy policy promises for a
    /// child's account or a deletion asked for by mail: the same erasure as
    /// the member's own (posts stay without a name) and a last mail.
    DeleteAccount {
        #[arg(long)]
        username: String,
    },
    /// Find the contributor agreements of deleted accounts that were
    /// signed with this contact address or GitHub login. Such a record
    /// keeps only a keyed hash of both, so it is found only by the exact
    /// address or login; it shows which text was signed, when, and when it
    /// ended.
    ClaRecord {
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        github: Option<String>,
    },
    /// Queue the forum digests that are due now, then exit. The server
    /// also does this in the background every ten minutes; a running
    /// server's mail worker delivers them.
    SendDigests,
    /// Read one mail from standard input and, when its subject carries the
    /// token of a link to leave a list, take its subscriber off that list:
    /// the `mailto:` way of List-Unsubscribe. Pipe mail to
    /// PORTAL_MAIL_UNSUBSCRIBE_ADDRESS into it from the mail server. Exits
    /// 0 whatever the mail said, and 75 (try again later) when the
    /// database cannot be reached.
    UnsubscribeMail,
    /// Fill an empty database with a made-up community of realistic size
    /// (members, categories, threads and replies, reports, CLA signatures,
    /// jobs and applications), to try the portal or measure it. Every
    /// seeded member's password is "seeded member password".
    Seed {
        /// Forum posts in all; a third of them start threads.
        #[arg(long, default_value_t = 60_000)]
        posts: u64,
        /// Members; one in twenty posts by default.
        #[arg(long)]
        members: Option<u64>,
        #[arg(long, default_value_t = 8)]
        categories: u64,
        #[arg(long, default_value_t = 40)]
        jobs: u64,
        /// Page views of the visit statistics over the last 70 days (the
        /// days that are over summarised, last month's report published);
        /// as many as posts by default.
        #[arg(long)]
        page_views: Option<u64>,
        /// The same number makes the same community.
        #[arg(long, default_value_t = 1)]
        random_seed: u64,
    },
    /// The benchmark's ceiling (scripts/bench.py): a bare axum handler that
    /// answers every request with the bytes of FILE from memory.
    #[command(hide = true)]
    BenchCeiling {
        #[arg(long)]
        port: u16,
        #[arg(long)]
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum PublishedKind {
    PrivacyPolicy,
    IndividualCla,
    CorporateCla,
}

impl From<PublishedKind> for DocumentKind {
    fn from(kind: PublishedKind) -> Self {
        match kind {
            PublishedKind::PrivacyPolicy => Self::PrivacyPolicy,
            PublishedKind::IndividualCla => Self::IndividualCla,
            PublishedKind::CorporateCla => Self::CorporateCla,
        }
    }
}

#[derive(Debug, Subcommand)]
enum MigrateAction {
    /// Apply pending migrations (all, or `--steps N`).
    Up {
        #[arg(long)]
        steps: Option<u32>,
    },
    /// Roll back the newest migrations (one, or `--steps N`).
    Down {
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether each is applied.
    Status,
}

/// Exit codes: 0 success, 1 failure at run time, 2 bad configuration.
/// mimalloc in place of the system allocator: a page is many small
/// allocations across the runtime's threads, which glibc's allocator serves
/// slower (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let env: HashMap<String, String> = std::env::vars().collect();
    let config = match Config::load(cli.config.as_deref(), &env) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("portal: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format, &config.log);
    // A mail server retries a delivery that exits EX_TEMPFAIL, and
    // bounces one that exits otherwise.
    let failure = match cli.command {
        Some(Command::UnsubscribeMail) => ExitCode::from(75),
        _ => ExitCode::FAILURE,
    };
    match run(cli.command.unwrap_or(Command::Serve), &config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("portal: {error:#}");
            failure
        }
    }
}

async fn run(command: Command, config: &Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate { action } => migrate(config, action).await,
        Command::CreateAdmin { username, email } => {
            let password = read_password()?;
            let db = connect(config).await?;
            Migrator::up(&db, None)
                .await
                .context("applying migrations")?;
            let input = NewAdmin {
                username,
                email,
                password,
            };
            let id = create_admin(&db, &Clock::system(), input).await?;
            say(&format!("Administrator account {id} created."));
            Ok(())
        }
        Command::Purge => purge(config).await,
        Command::DeleteAccount { username } => delete_account(config, &username).await,
        Command::SendDigests => send_digests(config).await,
        Command::UnsubscribeMail => unsubscribe_mail(config).await,
        Command::ClaRecord { email, github } => {
            cla_record(config, email.as_deref(), github.as_deref()).await
        }
        Command::BenchCeiling { port, file } => server::bench_ceiling::serve(port, &file).await,
        Command::Seed {
            posts,
            members,
            categories,
            jobs,
            page_views,
            random_seed,
        } => {
            let db = connect(config).await?;
            Migrator::up(&db, None)
                .await
                .context("applying migrations")?;
            let plan = server::seed::Plan {
                posts,
                members: members.unwrap_or((posts / 20).max(10)),
                categories: categories.max(1),
                jobs,
                page_views: page_views.unwrap_or(posts),
                keep_days: config.insights_keep_days,
                random_seed,
            };
            let seeded = server::seed::seed(&db, Clock::system().now(), plan).await?;
            say(&format!(
                "Seeded {} members, {} categories, {} threads, {} posts, {} reports, \
                 {} CLA signatures, {} jobs, {} applications, {} page views.",
                seeded.members,
                seeded.categories,
                seeded.threads,
                seeded.posts,
                seeded.reports,
                seeded.signatures,
                seeded.jobs,
                seeded.applications,
                seeded.page_views
            ));
            Ok(())
        }
        Command::Publish {
            document,
            title,
            file,
            material,
            effective,
        } => {
            let body = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let now = Clock::system().now();
            let effective_at = match effective {
                Some(date) => time::Date::parse(
                    &date,
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .with_context(|| format!("--effective {date}: expected YYYY-MM-DD"))?
                .midnight()
                .assume_utc(),
                None => now,
            };
            let db = connect(config).await?;
            let row = publish(
                &db,
                document.into(),
                &title,
                &body,
                material,
                effective_at,
                now,
            )
            .await
            .context("publishing the document")?;
            say(&format!(
                "Published {} version {} ({}), SHA-256 {}.",
                row.kind,
                row.version,
                if material { "material" } else { "editorial" },
                row.sha256
            ));
            Ok(())
        }
        Command::CheckConfig => {
            say(&config.summary());
            for warning in config.warnings() {
                say(&format!("warning: {warning}"));
            }
            let db = connect(config).await?;
            db.ping().await.context("pinging the database")?;
            let pending = Migrator::get_pending_migrations(&db).await?.len();
            say(&format!(
                "Database reachable; {pending} migration(s) pending.\nConfiguration OK."
            ));
            Ok(())
        }
    }
}

async fn unsubscribe_mail(config: &Config) -> anyhow::Result<()> {
    use std::io::Read;

    use app::ssr::mail_lists::{MAILED_LEAVE_READ_BYTES, MailedLeave, unsubscribe_by_mail};

    let mut stdin = std::io::stdin().lock();
    let mut message = Vec::new();
    (&mut stdin)
        .take(MAILED_LEAVE_READ_BYTES as u64)
        .read_to_end(&mut message)
        .context("reading the mail")?;
    // The rest is read and dropped, so the mail server sees it taken.
    std::io::copy(&mut stdin, &mut std::io::sink()).context("reading the mail")?;
    let db = connect(config).await?;
    let outcome = unsubscribe_by_mail(&db, &message, Clock::system().now())
        .await
        .context("leaving the list")?;
    match outcome {
        MailedLeave::Left(list) => {
            tracing::info!(list, "unsubscribed by mail");
            say(&format!("Left the list {list}."));
        }
        MailedLeave::UnknownLink => say("The link is unknown or expired: nothing changed."),
        MailedLeave::NoLink => say("No link to leave a list in the subject: nothing changed."),
    }
    Ok(())
}

async fn purge(config: &Config) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let state = app_state(config, db, Clock::system()).await?;
    let counts = app::features::purge(&state)
        .await
        .context("deleting what has outlived its retention")?;
    // One line per rule, zeros included, so that a rule that never
    // deletes anything shows as such.
    say("Deleted or erased past their retention period:");
    for (what, n) in &counts {
        say(&format!("  {what}: {n}"));
    }
    Ok(())
}

async fn delete_account(config: &Config, username: &str) -> anyhow::Result<()> {
    use app::privacy::ssr::{DeletedBy, Member, erase_account};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let db = connect(config).await?;
    let state = app_state(config, db, Clock::system()).await?;
    let account = app::accounts::ssr::account::Entity::find()
        .filter(app::accounts::ssr::account::Column::Username.eq(username))
        .one(&state.db)
        .await
        .context("finding the account")?;
    let member = match account {
        Some(account) => Member::load(&state.db, account.id)
            .await
            .context("loading the account")?,
        None => None,
    };
    let Some(member) = member else {
        anyhow::bail!("There is no account with the username {username:?}.");
    };
    let erased = erase_account(&state, &member, DeletedBy::Operator)
        .await
        .map_err(|error| anyhow::anyhow!("{}", error.explanation()))?;
    say(&format!(
        "Deleted the account {username}; erased {}. A last mail to its address is queued.",
        app::features::summary(&erased)
    ));
    Ok(())
}

async fn cla_record(
    config: &Config,
    email: Option<&str>,
    github: Option<&str>,
) -> anyhow::Result<()> {
    if email.is_none() && github.is_none() {
        anyhow::bail!("Give --email, --github or both.");
    }
    let db = connect(config).await?;
    let state = app_state(config, db, Clock::system()).await?;
    let records = app::cla::ssr::erased_records(&state.db, &state.server_key, email, github)
        .await
        .context("finding erased agreements")?;
    if records.is_empty() {
        say("No agreement of a deleted account matches.");
    }
    let date = |at: time::OffsetDateTime| at.date().to_string();
    for record in records {
        let company = record
            .company
            .map(|company| format!(" for {company}"))
            .unwrap_or_default();
        let ended = record
            .ended_at
            .map(|at| format!(", ended {}", date(at)))
            .unwrap_or_default();
        say(&format!(
            "#{} {} agreement{company}, version {} (SHA-256 {}), signed {}{ended}; matches the {}",
            record.id,
            record.kind,
            record.version,
            record.sha256,
            date(record.signed_at),
            record.matched.join(" and "),
        ));
    }
    Ok(())
}

async fn send_digests(config: &Config) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let state = app_state(config, db, Clock::system()).await?;
    let queued = app::forum::ssr::send_digests(&state)
        .await
        .context("queueing forum digests")?;
    say(&format!("Queued {queued} forum digest(s)."));
    Ok(())
}

async fn serve(config: &Config) -> anyhow::Result<()> {
    let application = Application::build(config, Clock::system()).await?;
    tracing::info!(
        address = %config.listen,
        base_url = %config.base_url,
        "Community Portal is listening"
    );
    for warning in config.warnings() {
        tracing::warn!("{warning}");
    }
    application.run_until_stopped(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate(config: &Config, action: MigrateAction) -> anyhow::Result<()> {
    let db = connect(config).await?;
    match action {
        MigrateAction::Up { steps } => {
            Migrator::up(&db, steps)
                .await
                .context("applying migrations")?;
            say("Migrations applied.");
        }
        MigrateAction::Down { steps } => {
            Migrator::down(&db, Some(steps))
                .await
                .context("rolling back migrations")?;
            say(&format!("Rolled back {steps} migration(s)."));
        }
        MigrateAction::Status => {
            for migration in Migrator::get_migration_with_status(&db).await? {
                say(&format!(
                    "{:<8} {}",
                    migration.status().to_string(),
                    migration.name()
                ));
            }
        }
    }
    Ok(())
}

/// Reads the new administrator's password without echoing it.
fn read_password() -> anyhow::Result<SecretString> {
    let stdin = std::io::stdin();
    let password = if stdin.is_terminal() {
        rpassword::prompt_password("Password for the new administrator: ")?
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    Ok(SecretString::from(password))
}

#[expect(clippy::print_stdout, reason = "command-line output")]
fn say(text: &str) {
    println!("{text}");
}
