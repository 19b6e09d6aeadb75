//! No password, token or email address reaches a log line — checked on the
//! real binary's output, at debug level, over a full member journey — and
//! no visitor's address or user agent reaches a log line or the database.

use std::{
    io::Read,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, Statement};

use crate::helpers::{TestDatabase, TestResult};

const PASSWORD: &str = "a secret passphrase 7";
const NEW_PASSWORD: &str = "another secret passphrase 8";
const EMAIL: &str = "log.test.person@example.org";

async fn latest_token(database: &TestDatabase) -> Result<String, Box<dyn std::error::Error>> {
    let db = database.connect().await?;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT body_text FROM mail_outbox ORDER BY id DESC",
        ))
        .await?
        .ok_or("no mail")?;
    let text: String = row.try_get("", "body_text")?;
    db.close().await?;
    let start = text.find("token=").ok_or("no token")? + "token=".len();
    Ok(text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect())
}

/// Waits until the outbox holds no unsent mail (at most 30 s).
async fn wait_until_sent(database: &TestDatabase) -> TestResult {
    let db = database.connect().await?;
    let started = Instant::now();
    loop {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS unsent FROM mail_outbox WHERE sent_at IS NULL",
            ))
            .await?
            .ok_or("no count")?;
        if row.try_get::<i64>("", "unsent")? == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "mail was not sent"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    db.close().await?;
    Ok(())
}

/// The real binary, logging at debug level as JSON, on a free port.
struct Served {
    server: Child,
    /// Reads the server's standard error as it comes: a full pipe would
    /// stall the server mid-request.
    logs: std::thread::JoinHandle<String>,
    base: String,
    client: reqwest::Client,
    mail_dir: PathBuf,
}

impl Served {
    async fn start(
        database: &TestDatabase,
        settings: Vec<(String, String)>,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let mail_dir = std::env::temp_dir().join(format!("portal-log-mail-{port}"));
        let mut server = Command::new(env!("CARGO_BIN_EXE_portal"))
            .arg("serve")
            .envs(settings)
            .env("DATABASE_URL", &database.url)
            .env("PORTAL_LISTEN", format!("127.0.0.1:{port}"))
            .env("PORTAL_BASE_URL", &base)
            .env("PORTAL_MAIL_DIR", &mail_dir)
            .env("PORTAL_SECRET_KEY", crate::helpers::TEST_SECRET_KEY)
            .env("RUST_LOG", "debug")
            .env("PORTAL_LOG_FORMAT", "json")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut stderr = server.stderr.take().ok_or("no stderr")?;
        let logs = std::thread::spawn(move || {
            let mut logs = String::new();
            let _ = stderr.read_to_string(&mut logs);
            logs
        });
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let started = Instant::now();
        while client.get(format!("{base}/readyz")).send().await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(Self {
            server,
            logs,
            base,
            client,
            mail_dir,
        })
    }

    /// Stops the server (SIGTERM) and returns everything it logged.
    fn stop(mut self) -> Result<String, Box<dyn std::error::Error>> {
        let killed = Command::new("kill")
            .args(["-TERM", &self.server.id().to_string()])
            .status()?;
        assert!(killed.success());
        self.server.wait()?;
        let logs = self.logs.join().map_err(|_| "the log reader panicked")?;
        let _ = std::fs::remove_dir_all(&self.mail_dir);
        Ok(logs)
    }
}

#[tokio::test]
async fn no_secret_or_email_appears_in_the_logs_of_a_full_journey() -> TestResult {
    let database = TestDatabase::create().await?;
    let served = Served::start(&database, Vec::new()).await?;
    let (base, client) = (served.base.clone(), served.client.clone());
    let post = |endpoint: &str, form: Vec<(&'static str, String)>| {
        client
            .post(format!("{base}/api/{endpoint}"))
            .form(&form)
            .send()
    };

    post(
        "account/register",
        vec![
            ("username", "logtester".to_owned()),
            ("email", EMAIL.to_owned()),
            ("password", PASSWORD.to_owned()),
            ("age_confirmed", "on".to_owned()),
            ("policy_accepted", "on".to_owned()),
        ],
    )
    .await?;
    let verify_token = latest_token(&database).await?;
    post(
        "account/confirm-email",
        vec![("token", verify_token.clone())],
    )
    .await?;
    let signed_in = post(
        "account/sign-in",
        vec![
            ("login", EMAIL.to_owned()),
            ("password", PASSWORD.to_owned()),
        ],
    )
    .await?;
    let session_cookie = signed_in
        .headers()
        .get("set-cookie")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .and_then(|pair| pair.split('=').nth(1))
        .ok_or("no session cookie")?
        .to_owned();
    post(
        "account/sign-in",
        vec![
            ("login", EMAIL.to_owned()),
            ("password", "wrong guess!".to_owned()),
        ],
    )
    .await?;
    post("account/forgot-password", vec![("email", EMAIL.to_owned())]).await?;
    let reset_token = latest_token(&database).await?;
    post(
        "account/reset-password",
        vec![
            ("token", reset_token.clone()),
            ("password", NEW_PASSWORD.to_owned()),
        ],
    )
    .await?;
    // The mail worker delivers (and logs) everything queued.
    wait_until_sent(&database).await?;

    let logs = served.stop()?;

    assert!(
        logs.contains("account registered"),
        "the journey did not run:\n{logs}"
    );
    assert!(
        logs.contains("password reset"),
        "the journey did not finish:\n{logs}"
    );
    for secret in [
        PASSWORD,
        NEW_PASSWORD,
        EMAIL,
        "log.test.person",
        &verify_token,
        &reset_token,
        &session_cookie,
    ] {
        assert!(!logs.contains(secret), "a log line contains {secret:?}");
    }
    Ok(())
}

#[tokio::test]
async fn no_client_secret_or_token_appears_in_the_logs_of_a_provider_sign_in() -> TestResult {
    use crate::{
        accounts::identities::param,
        provider_double::{CLIENT_SECRET, Fault, Person, ProviderDouble},
    };
    #[expect(
        clippy::disallowed_methods,
        reason = "the binary under test runs on the real clock"
    )]
    let double = ProviderDouble::start(time::OffsetDateTime::now_utc()).await?;
    let database = TestDatabase::create().await?;
    let served = Served::start(&database, double.settings()).await?;
    let (base, client) = (served.base.clone(), served.client.clone());
    let person = Person::new("77", "logperson", EMAIL, true);
    let mut seen = Vec::new();
    for fault in [Fault::WrongNonce, Fault::None] {
        let start = client.post(format!("{base}/auth/idp/start")).send().await?;
        let flow_cookie = start
            .headers()
            .get("set-cookie")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .and_then(|pair| pair.split('=').nth(1))
            .ok_or("no flow cookie")?
            .to_owned();
        let authorize = start
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .ok_or("no redirect")?
            .to_owned();
        let code = double.authorize(&authorize, &person, fault)?;
        let state = param(&authorize, "state").ok_or("no state")?;
        client
            .get(format!(
                "{base}/auth/idp/callback?code={code}&state={state}"
            ))
            .send()
            .await?;
        seen.extend([flow_cookie, state, code]);
    }
    client
        .post(format!("{base}/api/account/finish-sign-up"))
        .form(&[
            ("username", "logperson"),
            ("age_confirmed", "on"),
            ("policy_accepted", "on"),
        ])
        .send()
        .await?;

    let logs = served.stop()?;

    assert!(
        logs.contains("provider sign-in failed"),
        "the faulty sign-in did not run:\n{logs}"
    );
    assert!(
        logs.contains("account created with a provider"),
        "the journey did not finish:\n{logs}"
    );
    for secret in seen
        .iter()
        .map(String::as_str)
        .chain([CLIENT_SECRET, EMAIL, "oidc-access-token"])
    {
        assert!(!logs.contains(secret), "a log line contains {secret:?}");
    }
    Ok(())
}

#[tokio::test]
async fn no_address_or_user_agent_of_a_counted_visit_reaches_the_logs_or_the_database() -> TestResult
{
    const AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                         (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 LogTest/9";
    const ADDRESSES: [&str; 2] = ["203.0.113.77", "2001:db8:4006:812::77"];
    let database = TestDatabase::create().await?;
    let served = Served::start(
        &database,
        vec![("PORTAL_TRUST_FORWARDED_FOR".to_owned(), "true".to_owned())],
    )
    .await?;
    let (base, client) = (served.base.clone(), served.client.clone());
    for address in ADDRESSES {
        for path in [
            "/",
            "/forum?utm_source=logtest&secret=q",
            "/privacy",
            "/jobs",
        ] {
            let page = client
                .get(format!("{base}{path}"))
                .header("user-agent", AGENT)
                .header("x-forwarded-for", address)
                .header("referer", "https://referrer.example.net/some/page")
                .send()
                .await?;
            assert_eq!(page.status(), 200);
        }
    }
    // The writer stores its batch within moments; wait for all eight.
    let db = database.connect().await?;
    let started = Instant::now();
    loop {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) FROM insight_page_views",
            ))
            .await?
            .ok_or("no row")?;
        if row.try_get_by_index::<i64>(0)? == 8 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "views not written"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let logs = served.stop()?;
    assert!(
        logs.contains("/forum"),
        "the visits were not logged:\n{logs}"
    );
    let stored = crate::helpers::every_value(&db).await?;
    for secret in ADDRESSES
        .iter()
        .copied()
        .chain([AGENT, "LogTest", "secret=q"])
    {
        assert!(!logs.contains(secret), "a log line contains {secret:?}");
        for ((table, column), values) in &stored {
            assert!(
                values.iter().all(|value| !value.contains(secret)),
                "{table}.{column} holds {secret:?}"
            );
        }
    }
    Ok(())
}
