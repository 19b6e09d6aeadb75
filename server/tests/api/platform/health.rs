use crate::helpers::{TestResult, spawn_app};

#[tokio::test]
async fn healthz_answers_while_the_process_is_up() -> TestResult {
    let app = spawn_app().await?;
    let response = app.get("/healthz").await?;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await?, "ok");
    Ok(())
}

#[tokio::test]
async fn readyz_answers_when_the_database_does() -> TestResult {
    let app = spawn_app().await?;
    let response = app.get("/readyz").await?;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await?, "ready");
    Ok(())
}

#[tokio::test]
async fn readyz_reports_an_unreachable_database_as_unavailable() -> TestResult {
    let app = spawn_app().await?;
    app.db.clone().close().await?;
    let response = app.get("/readyz").await?;
    assert_eq!(response.status(), 503);
    Ok(())
}
