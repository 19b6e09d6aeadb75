//! `/admin/cla`: every signature, searchable, filtered by version and
//! standing (including who must sign a material new version), as CSV too.

use crate::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{
    admin_api::list_signatures,
    covered_admin_view::CoveredEntries,
    types::{SignatureRow, Standing},
};
use crate::error_page::ErrorPage;

#[component]
pub fn SignaturesPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|query| {
            (
                query.get("q").filter(|q| !q.is_empty()),
                query.get("version").and_then(|v| v.parse::<i32>().ok()),
                query.get("status").filter(|s| !s.is_empty()),
            )
        })
    };
    let rows = Resource::new(filter, |(q, version, status)| {
        list_signatures(q, version, status)
    });
    let csv = move || {
        let (q, version, status) = filter();
        let mut parts = Vec::new();
        if let Some(q) = q {
            parts.push(format!("q={}", urlencode(&q)));
        }
        if let Some(version) = version {
            parts.push(format!("version={version}"));
        }
        if let Some(status) = status {
            parts.push(format!("status={}", urlencode(&status)));
        }
        format!("/admin/cla/signatures.csv?{}", parts.join("&"))
    };
    let (q, version, status) = filter();
    let selected = status.unwrap_or_default();
    let option = move |value: &'static str, label: &'static str| {
        let selected = selected == value;
        view! {
            <option value=value selected=selected>
                {label}
            </option>
        }
    };
    view! {
        <Title text="Signatures" />
        <article class="page page-wide">
            <h1>"Contributor agreement signatures"</h1>
            <form method="get" action="/admin/cla" class="form form-inline" role="search">
                <div class="field">
                    <label for="field-q">"Name, address, login or company"</label>
                    <input id="field-q" name="q" type="search" value=q.unwrap_or_default() />
                </div>
                <div class="field">
                    <label for="field-version">"Version"</label>
                    <input
                        id="field-version"
                        name="version"
                        type="number"
                        min="1"
                        value=version.map(|v| v.to_string()).unwrap_or_default()
                    />
                </div>
                <div class="field">
                    <label for="field-status">"Standing"</label>
                    <select id="field-status" name="status">
                        {option("", "All")}
                        {option("valid", "Valid")}
                        {option("superseded", "Must sign a new version")}
                        {option("revoked", "Revoked")}
                    </select>
                </div>
                <button type="submit" class="button">
                    "Show"
                </button>
            </form>
            <p>
                <a href=csv download="">
                    "Download these as CSV"
                </a>
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(rows) => view! { <SignatureTable rows /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
            <CoveredEntries />
        </article>
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn SignatureTable(rows: Vec<SignatureRow>) -> impl IntoView {
    let count = rows.len();
    let body = rows
        .into_iter()
        .map(|row| {
            let standing = match row.standing {
                Standing::Valid => "valid".to_owned(),
                Standing::Superseded => "must sign again".to_owned(),
                Standing::Revoked(on) => format!("revoked {on}"),
            };
            view! {
                <tr>
                    <td>{row.id.0}</td>
                    <td>{row.kind}</td>
                    <th scope="row">
                        {if row.full_name.is_empty() {
                            "(erased with the account)".to_owned()
                        } else {
                            row.full_name
                        }}
                    </th>
                    <td>{row.company.unwrap_or_default()}</td>
                    <td>{row.email}</td>
                    <td>{row.github_login.unwrap_or_default()}</td>
                    <td>{row.version}</td>
                    <td>{row.signed}</td>
                    <td>{standing}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p role="status">{format!("{count} signature(s)")}</p>
        // Wide: it may scroll sideways, so keyboards must reach it.
        <TableScroll label="Signatures">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">"No."</th>
                        <th scope="col">"Agreement"</th>
                        <th scope="col">"Signer"</th>
                        <th scope="col">"Company"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"GitHub"</th>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Signed"</th>
                        <th scope="col">"Standing"</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </TableScroll>
    }
}
