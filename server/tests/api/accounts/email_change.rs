//! Changing the email address: current password, confirmation at the new
//! address, notices to the old one.

use crate::helpers::{PASSWORD, TestResult, spawn_app};

async fn email_of(app: &crate::helpers::TestApp) -> Result<String, Box<dyn std::error::Error>> {
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT email FROM accounts WHERE username = 'ferris'",
        ))
        .await?
        .ok_or("no account")?;
    Ok(row.try_get("", "email")?)
}

#[tokio::test]
async fn the_new_address_confirms_the_change_and_the_old_one_is_told() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    let answer = app
        .call(
            "account/change-email",
            &[
                ("current_password", PASSWORD),
                ("new_email", "crab@example.net"),
            ],
        )
        .await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    assert_eq!(
        email_of(&app).await?,
        "ferris@example.org",
        "changed before confirmation"
    );

    let mails = app.mails().await?;
    let to_new = mails
        .iter()
        .find(|mail| mail.to == "crab@example.net")
        .ok_or("no mail to the new address")?;
    let notice = mails
        .iter()
        .find(|mail| {
            mail.to == "ferris@example.org" && mail.subject.contains("change of your email")
        })
        .ok_or("no notice to the old address")?;
    assert!(
        !notice.text.contains("crab@example.net"),
        "the notice names the new address"
    );
    let token = to_new.token().ok_or("no link")?;

    let confirmed = app
        .call("account/confirm-email-change", &[("token", &token)])
        .await?;
    assert_eq!(confirmed.error(), None, "{confirmed:?}");
    assert_eq!(email_of(&app).await?, "crab@example.net");
    let changed = app.mails().await?.into_iter().last().ok_or("no mail")?;
    assert_eq!(
        (changed.to.as_str(), changed.subject.as_str()),
        ("ferris@example.org", "Your email address was changed")
    );

    let again = app
        .call("account/confirm-email-change", &[("token", &token)])
        .await?;
    assert_eq!(
        again.error(),
        Some(("invalid".to_owned(), Some("token".to_owned())))
    );
    app.call("account/sign-out", &[]).await?;
    assert_eq!(
        app.sign_in("crab@example.net", PASSWORD).await?.error(),
        None
    );
    Ok(())
}

#[tokio::test]
async fn changing_the_address_needs_the_current_password() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    let answer = app
        .call(
            "account/change-email",
            &[
                ("current_password", "not my password"),
                ("new_email", "crab@example.net"),
            ],
        )
        .await?;
    assert_eq!(
        answer.error(),
        Some(("invalid".to_owned(), Some("current_password".to_owned())))
    );
    assert!(
        app.mails()
            .await?
            .iter()
            .all(|mail| mail.to != "crab@example.net")
    );
    Ok(())
}

#[tokio::test]
async fn an_address_that_has_an_account_gets_the_same_answer_and_its_owner_a_notice() -> TestResult
{
    let app = spawn_app().await?;
    app.register("other", "taken@example.org").await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    let answer = app
        .call(
            "account/change-email",
            &[
                ("current_password", PASSWORD),
                ("new_email", "taken@example.org"),
            ],
        )
        .await?;
    assert_eq!(answer.error(), None);
    assert_eq!(
        answer.location.as_deref(),
        Some("/account?changed=email-requested")
    );
    let last = app.mails().await?.into_iter().last().ok_or("no mail")?;
    assert_eq!(last.to, "taken@example.org");
    assert_eq!(last.token(), None);
    assert_eq!(email_of(&app).await?, "ferris@example.org");
    Ok(())
}

#[tokio::test]
async fn changing_the_address_needs_a_signed_in_member() -> TestResult {
    let app = spawn_app().await?;
    let answer = app
        .call(
            "account/change-email",
            &[
                ("current_password", PASSWORD),
                ("new_email", "crab@example.net"),
            ],
        )
        .await?;
    assert_eq!(answer.status, 401);
    Ok(())
}
