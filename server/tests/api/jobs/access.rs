//! Who may see applications: recruiters, and each applicant their own —
//! tried on every route, signed out and with the wrong role.

use crate::{
    helpers::{PASSWORD, TestApp, TestResult, spawn_app},
    jobs::applications::{PDF, applicant},
};

/// Every recruiter server function, with arguments naming `id` and `job`.
fn recruiter_calls(id: &str, job: &str) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    vec![
        ("recruit/jobs", vec![]),
        ("recruit/applications", vec![]),
        ("recruit/applications", vec![("job_id", job.to_owned())]),
        ("recruit/application", vec![("id", id.to_owned())]),
        (
            "recruit/move",
            vec![("id", id.to_owned()), ("status", "interview".to_owned())],
        ),
        (
            "recruit/note",
            vec![("id", id.to_owned()), ("body", "sneaky".to_owned())],
        ),
        (
            "recruit/set-job-open",
            vec![("job_id", job.to_owned()), ("open", "false".to_owned())],
        ),
        (
            "recruit/save-job",
            vec![
                ("job_id", job.to_owned()),
                ("posting[title]", "Hijacked".to_owned()),
                ("posting[team]", "x".to_owned()),
                ("posting[location]", "x".to_owned()),
                ("posting[workplace]", "remote".to_owned()),
                ("posting[employment]", "contract".to_owned()),
                ("posting[description]", "x".to_owned()),
                ("posting[closes_on]", String::new()),
            ],
        ),
    ]
}

async fn setup() -> Result<(TestApp, i64, i64), Box<dyn std::error::Error>> {
    let app = spawn_app().await?;
    app.recruiter("rita").await?;
    let job = app.post_job("Rust engineer").await?;
    app.call("account/sign-out", &[]).await?;
    let id = app.apply_and_claim(job, "ada@example.org").await?;
    Ok((app, job, id))
}

async fn assert_refused(app: &TestApp, id: i64, job: i64, code: &str, status: u16) -> TestResult {
    let (id_text, job_text) = (id.to_string(), job.to_string());
    for (endpoint, args) in recruiter_calls(&id_text, &job_text) {
        let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = app.call(endpoint, &form).await?;
        assert_eq!(answer.status, status, "{endpoint}: {answer:?}");
        assert_eq!(
            answer.error().map(|e| e.0).as_deref(),
            Some(code),
            "{endpoint}"
        );
        assert!(
            !answer.body.contains("Ada"),
            "{endpoint} leaked the applicant"
        );
    }
    let download = app.get(&format!("/jobs/applications/{id}/resume")).await?;
    assert_eq!(download.status().as_u16(), status);
    Ok(())
}

#[tokio::test]
async fn a_member_without_the_recruiter_role_can_reach_no_application() -> TestResult {
    let (app, job, id) = setup().await?;
    app.signed_in_member("mallory", "mallory@example.org")
        .await?;
    assert_refused(&app, id, job, "forbidden", 403).await?;
    assert_eq!(app.count("job_application_notes").await?, 0);
    assert_eq!(app.count("job_application_events").await?, 1);
    Ok(())
}

#[tokio::test]
async fn a_visitor_can_reach_no_application() -> TestResult {
    let (app, job, id) = setup().await?;
    let fresh = reqwest::Client::new();
    let response = fresh
        .get(app.url(&format!("/jobs/applications/{id}/resume")))
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 401);
    app.client.get(app.url("/")).send().await?;
    let visitor = TestApp::visitor_of(&app)?;
    assert_refused(&visitor, id, job, "unauthorized", 401).await
}

#[tokio::test]
async fn a_recruiter_downloads_the_resume_as_an_attachment() -> TestResult {
    let (app, _job, id) = setup().await?;
    app.sign_in("rita", PASSWORD).await?;
    let response = app.get(&format!("/jobs/applications/{id}/resume")).await?;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"resume-{id}.pdf\"")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(response.bytes().await?.as_ref(), PDF);
    Ok(())
}

#[tokio::test]
async fn an_applicant_sees_only_their_own_application() -> TestResult {
    let (app, job, _ada) = setup().await?;
    let other = TestApp::visitor_of(&app)?;
    let mut fields = applicant("grace@example.org");
    fields.insert("full_name", "Grace Hopper".to_owned());
    other.apply(job, &fields, "cv.pdf", PDF).await?;
    let token = other.last_token_to("grace@example.org").await?;
    other.call("jobs/claim", &[("token", &token)]).await?;

    let ada: serde_json::Value = serde_json::from_str(&app.call("jobs/mine", &[]).await?.body)?;
    let grace: serde_json::Value = serde_json::from_str(&other.call("jobs/mine", &[]).await?.body)?;
    assert_eq!(ada["full_name"], "Ada Lovelace");
    assert_eq!(grace["full_name"], "Grace Hopper");
    let own = other.get("/jobs/application/resume").await?;
    assert_eq!(own.status(), 200);
    let stranger = TestApp::visitor_of(&app)?;
    assert_eq!(
        stranger.get("/jobs/application/resume").await?.status(),
        404
    );
    let nobody = stranger.call("jobs/mine", &[]).await?;
    assert_eq!(nobody.error().map(|e| e.0).as_deref(), Some("not_found"));
    Ok(())
}

#[tokio::test]
async fn a_recruiter_moves_an_application_and_each_move_is_one_event() -> TestResult {
    let (app, _job, id) = setup().await?;
    app.sign_in("rita", PASSWORD).await?;
    let id_text = id.to_string();
    for status in ["reviewing", "interview"] {
        let moved = app
            .call(
                "recruit/move",
                &[("id", &id_text), ("status", status), ("notify", "on")],
            )
            .await?;
        assert_eq!(moved.error(), None, "{moved:?}");
    }
    assert_eq!(app.count("job_application_events").await?, 3);
    let same = app
        .call("recruit/move", &[("id", &id_text), ("status", "interview")])
        .await?;
    assert_eq!(
        same.error(),
        Some(("invalid".into(), Some("status".into())))
    );
    let withdrawn = app
        .call("recruit/move", &[("id", &id_text), ("status", "withdrawn")])
        .await?;
    assert_eq!(
        withdrawn.error(),
        Some(("invalid".into(), Some("status".into())))
    );
    let mails = app.mails().await?;
    assert!(
        mails
            .iter()
            .any(|mail| mail.to == "ada@example.org" && mail.text.contains("interview"))
    );
    let detail: serde_json::Value = serde_json::from_str(
        &app.call("recruit/application", &[("id", &id_text)])
            .await?
            .body,
    )?;
    assert_eq!(detail["status"], "interview");
    assert_eq!(detail["events"][2]["actor"], "rita");
    Ok(())
}

#[tokio::test]
async fn recruiter_pages_show_a_member_no_form_and_no_applicant() -> TestResult {
    let (app, job, id) = setup().await?;
    app.signed_in_member("mallory", "mallory@example.org")
        .await?;
    for path in [
        "/recruit".to_owned(),
        "/recruit/jobs/new".to_owned(),
        format!("/recruit/jobs/{job}"),
        format!("/recruit/applications/{id}"),
    ] {
        let response = app.get(&path).await?;
        assert_eq!(response.status().as_u16(), 403, "{path}");
        let html = response.text().await?;
        assert!(
            !html.contains("Save posting") && !html.contains("Ada"),
            "{path}"
        );
    }
    Ok(())
}
