//! Bodies a server function cannot read — not text, cut off at the size
//! limit, or just noise — are the caller's fault: 400 or 413 with the
//! stable code, never 500.

use std::io::{Read, Write};

use proptest::{
    prelude::*,
    strategy::ValueTree,
    test_runner::{Config, TestRunner},
};

use crate::{
    helpers::{TestApp, TestResult, spawn_app, spawn_app_with},
    platform::return_paths::post_raw,
};

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const PAGE: &str = "text/html,application/xhtml+xml";
const ENDPOINTS: [&str; 4] = [
    "forum/start-thread",
    "forum/report",
    "moderation/post",
    "account/sign-in",
];

/// The stable code in a JSON error body.
fn code(body: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(body).ok()?;
    json.get("code")?.as_str().map(str::to_owned)
}

/// The stable code of the error a browser form is sent back with.
fn error_in(location: &str) -> Option<String> {
    use base64::Engine;

    let encoded = location.split("__err=").nth(1)?.split('&').next()?;
    let encoded = encoded
        .replace("%3D", "=")
        .replace("%2B", "+")
        .replace("%2F", "/");
    let json = base64::engine::general_purpose::STANDARD
        .decode(encoded.as_bytes())
        .ok()?;
    code(std::str::from_utf8(&json).ok()?)
}

#[tokio::test]
async fn a_form_that_is_not_utf8_is_a_bad_request() -> TestResult {
    let app = spawn_app().await?;

    for endpoint in ENDPOINTS {
        let body = b"title=Caf\xe9&body=\xff\xfe&post=1&login=a\xc3".to_vec();
        let (status, _, text) = post_raw(&app, endpoint, JSON, body).await?;

        assert_eq!(status, 400, "{endpoint}: {text}");
        assert_eq!(code(&text).as_deref(), Some("bad_request"), "{endpoint}");
    }
    Ok(())
}

#[tokio::test]
async fn a_browser_form_that_is_not_utf8_goes_back_with_a_bad_request() -> TestResult {
    let app = spawn_app().await?;

    for endpoint in ENDPOINTS {
        let body = b"title=\xff&body=\xfe".to_vec();
        let (status, location, text) = post_raw(&app, endpoint, PAGE, body).await?;

        assert_eq!(status, 302, "{endpoint}: {text}");
        let location = location.ok_or("no redirect")?;
        assert_eq!(
            error_in(&location).as_deref(),
            Some("bad_request"),
            "{location}"
        );
    }
    Ok(())
}

/// Sends `chunks` × 4 KiB as a chunked body (no `Content-Length`) and
/// returns the raw answer.
fn send_chunked(
    app: &TestApp,
    path: &str,
    content_type: &str,
    prefix: &str,
    chunks: usize,
) -> std::io::Result<String> {
    let address = app.address.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(std::time::Duration::from_secs(10)))?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: {content_type}\r\nAccept: {JSON}\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes())?;
    if !prefix.is_empty() {
        stream.write_all(format!("{:x}\r\n{prefix}\r\n", prefix.len()).as_bytes())?;
    }
    let chunk = format!("1000\r\n{}\r\n", "a".repeat(4096));
    // The server may answer and close before it has read everything.
    for _ in 0..chunks {
        if stream.write_all(chunk.as_bytes()).is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_payload_too_large() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_BODY_LIMIT_BYTES", "16384")]).await?;

    for endpoint in ["forum/start-thread", "forum/preview", "account/sign-in"] {
        let path = format!("/api/{endpoint}");
        let client = TestApp::visitor_of(&app)?;
        let answer =
            tokio::task::spawn_blocking(move || send_chunked(&client, &path, FORM, "", 16))
                .await??;

        assert!(
            answer.starts_with("HTTP/1.1 413"),
            "{endpoint}: {}",
            answer.lines().next().unwrap_or_default()
        );
        assert!(
            answer.contains(r#"{"code":"payload_too_large"}"#),
            "{endpoint}: {answer}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_chunked_upload_over_the_limit_is_payload_too_large_not_a_crash() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_BODY_LIMIT_BYTES", "16384")]).await?;
    let client = TestApp::visitor_of(&app)?;

    // The upload limit is larger than the default one: 12 MiB and a bit.
    let answer = tokio::task::spawn_blocking(move || {
        send_chunked(
            &client,
            "/api/jobs/apply",
            "multipart/form-data; boundary=x",
            "--x\r\nContent-Disposition: form-data; name=\"resume\"; filename=\"cv.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n",
            3 * 1024 + 16,
        )
    })
    .await??;

    let status = answer.lines().next().unwrap_or_default().to_owned();
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    assert!(answer.contains("payload_too_large"), "{answer}");
    Ok(())
}

#[tokio::test]
async fn an_upload_that_is_not_multipart_is_a_bad_request_not_a_crash() -> TestResult {
    let app = spawn_app().await?;

    for content_type in [
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "multipart/form-data; boundary=",
    ] {
        let response = app
            .client
            .post(app.url("/api/jobs/apply"))
            .header("content-type", content_type)
            .header("accept", JSON)
            .body("job=1")
            .send()
            .await?;

        assert_eq!(response.status().as_u16(), 400, "{content_type}");
        assert_eq!(
            code(&response.text().await?).as_deref(),
            Some("bad_request")
        );
    }
    Ok(())
}

#[tokio::test]
async fn arbitrary_bytes_never_make_a_server_function_fail_with_500() -> TestResult {
    let app = spawn_app().await?;
    let mut runner = TestRunner::new(Config {
        cases: 48,
        ..Config::default()
    });
    let bytes = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        "[a-z_=&%0-9\\[\\]]{0,64}".prop_map(String::into_bytes),
    ];

    for case in 0..48 {
        let body = bytes
            .new_tree(&mut runner)
            .map_err(|reason| format!("no input: {reason}"))?
            .current();
        let endpoint = ENDPOINTS[case % ENDPOINTS.len()];
        let accept = if case % 2 == 0 { JSON } else { PAGE };

        let (status, location, text) = post_raw(&app, endpoint, accept, body.clone()).await?;

        assert!(
            status < 500,
            "{endpoint} answered {status} to {body:?}: {text}"
        );
        assert_ne!(code(&text).as_deref(), Some("internal"), "{body:?}");
        let sent_back = location.as_deref().and_then(error_in);
        assert_ne!(sent_back.as_deref(), Some("internal"), "{body:?}");
    }
    Ok(())
}
