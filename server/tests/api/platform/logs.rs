//! No password, token or email address reaches a log line — checked on the
//! real binary's output, at debug level, over a full member journey.

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
        let server = Command::new(env!("CARGO_BIN_EXE_portal"))
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
        let mut logs = String::new();
        self.server
            .stderr
            .take()
            .ok_or("no stderr")?
            .read_to_string(&mut logs)?;
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
