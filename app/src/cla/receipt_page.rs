//! `/contribute/receipts/:id`: a plain, printable record of one signature,
//! for its signer only.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{api::signature_receipt, types::Receipt};
use crate::error_page::ErrorPage;

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let id = move || {
        use_params_map().with(|params| {
            params
                .get("id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or_default()
        })
    };
    let receipt = Resource::new(id, signature_receipt);
    view! {
        <Title text="Your signature receipt" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match receipt.await {
                    Ok(receipt) => view! { <ReceiptView receipt /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReceiptView(receipt: Receipt) -> impl IntoView {
    let download = format!("/contribute/receipts/{}/download", receipt.id.0);
    let row = |label: &'static str, value: Option<String>| {
        value.map(|value| {
            view! {
                <div>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                </div>
            }
        })
    };
    view! {
        <article class="page receipt">
            <h1>"Your signature receipt"</h1>
            <p class="lead">
                {format!("You signed the {}, version {}.", receipt.agreement, receipt.version)}
            </p>
            {receipt
                .revoked
                .clone()
                .map(|(at, reason)| {
                    view! {
                        <p class="notice" role="status">
                            {format!("Revoked at {at} (UTC) for future contributions: {reason}")}
                        </p>
                    }
                })}
            <dl class="receipt-facts">
                {row("Agreement", Some(receipt.agreement))}
                {row("Version", Some(receipt.version.to_string()))}
                {row("SHA-256 of the text", Some(receipt.sha256))}
                {row("In force since", Some(receipt.effective))}
                {row("Full name", Some(receipt.full_name))}
                {row("Contact email", Some(receipt.email))}
                {row("Postal address", receipt.postal_address)}
                {row("GitHub login", receipt.github_login)}
                {row("Company", receipt.company.clone().map(|(company, _)| company))}
                {row("Title", receipt.company.map(|(_, title)| title))}
                {row("Signature (typed)", Some(receipt.signature))}
                {row("Signed at (UTC)", Some(receipt.signed_at))}
                {row("Record number", Some(receipt.id.0.to_string()))}
            </dl>
            <p>
                <a class="button" href=download download="">
                    "Download the receipt"
                </a>
                " "
                <a href="/contribute">"Back to the agreement"</a>
            </p>
        </article>
    }
}
