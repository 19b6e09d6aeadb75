//! `/admin/members`: find members, grant and revoke roles, read the audit log.

use crate::table::TableScroll;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{
    api::{GrantRole, RevokeRole, audit_log, list_members},
    types::{AuditLine, MemberRoles, SessionsAfter},
};
use crate::{
    accounts::Role,
    error_page::ErrorPage,
    forms::{FormError, form_error},
};

#[component]
pub fn MembersPage() -> impl IntoView {
    let grant = ServerAction::<GrantRole>::new();
    let revoke = ServerAction::<RevokeRole>::new();
    let query = move || use_query_map().with(|q| q.get("q").unwrap_or_default());
    let data = Resource::new(
        move || (query(), grant.version().get(), revoke.version().get()),
        |(query, _, _)| async move {
            Ok::<_, crate::error::AppError>((list_members(query).await?, audit_log().await?))
        },
    );
    let revoke_value = revoke.value();
    let sessions = move || {
        use_query_map().with(|q| {
            SessionsAfter::from_query(q.get("sessions").as_deref(), q.get("count").as_deref())
        })
    };
    view! {
        <Title text="Members and roles" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((members, audit)) => {
                        view! {
                            <article class="page">
                                <h1>"Members and roles"</h1>
                                <p>
                                    "Also: "
                                    <a href="/admin/cla">"contributor agreement signatures"</a>
                                    " · "
                                    <a href="/admin/documents">"publish a document version"</a>
                                    " · " <a href="/admin/forum">"forum categories"</a> " · "
                                    <a href="/admin/mail-lists">"mail lists"</a> " · "
                                    <a href="/admin/insights">"visit statistics"</a> " · "
                                    <a href="/admin/releases">"releases"</a> " · "
                                    <a href="/admin/insights/installs">"installs"</a>
                                </p>
                                <form
                                    method="get"
                                    action="/admin/members"
                                    class="form"
                                    role="search"
                                >
                                    <div class="field">
                                        <label for="member-search">
                                            "Find a member by username"
                                        </label>
                                        <input
                                            id="member-search"
                                            name="q"
                                            type="search"
                                            value=query()
                                        />
                                    </div>
                                    <button type="submit" class="button button-secondary">
                                        "Search"
                                    </button>
                                </form>
                                {move || {
                                    sessions()
                                        .map(|after| {
                                            view! {
                                                <p class="notice notice-success" role="status">
                                                    {after.message()}
                                                </p>
                                            }
                                        })
                                }}
                                <FormError error=form_error(move || revoke_value.get(), &[]) />
                                <MemberTable members grant revoke />
                                <AuditLog lines=audit />
                            </article>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MemberTable(
    members: Vec<MemberRoles>,
    grant: ServerAction<GrantRole>,
    revoke: ServerAction<RevokeRole>,
) -> impl IntoView {
    let rows = members
        .into_iter()
        .map(|member| {
            let cells = Role::ALL
                .into_iter()
                .map(|role| {
                    let id = member.id.to_string();
                    let label = format!("{} ({})", role.as_str(), member.username);
                    if member.roles.contains(&role) {
                        view! {
                            <td>
                                <ActionForm action=revoke attr:class="inline-form">
                                    <input type="hidden" name="account_id" value=id />
                                    <input type="hidden" name="role" value=role.as_str() />
                                    <button
                                        type="submit"
                                        class="link-button"
                                        aria-label=format!("Revoke {label}")
                                    >
                                        "Revoke"
                                    </button>
                                </ActionForm>
                            </td>
                        }
                        .into_any()
                    } else {
                        view! {
                            <td>
                                <ActionForm action=grant attr:class="inline-form">
                                    <input type="hidden" name="account_id" value=id />
                                    <input type="hidden" name="role" value=role.as_str() />
                                    <button
                                        type="submit"
                                        class="link-button"
                                        aria-label=format!("Grant {label}")
                                    >
                                        "Grant"
                                    </button>
                                </ActionForm>
                            </td>
                        }
                        .into_any()
                    }
                })
                .collect_view();
            let roles = if member.roles.is_empty() {
                "member".to_owned()
            } else {
                member
                    .roles
                    .iter()
                    .map(|role| role.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            view! {
                <tr>
                    <th scope="row">{member.username}</th>
                    <td>{roles}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label="Members">
            <table class="data-table">
                <caption>
                    "A role change ends the member's sessions: the new roles apply at their next sign-in. Changing your own roles keeps you signed in here and ends your other sessions."
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Username"</th>
                        <th scope="col">"Roles"</th>
                        <th scope="col">"Moderator"</th>
                        <th scope="col">"Recruiter"</th>
                        <th scope="col">"Privacy"</th>
                        <th scope="col">"Admin"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
}

#[component]
fn AuditLog(lines: Vec<AuditLine>) -> impl IntoView {
    let rows = lines
        .into_iter()
        .map(|line| {
            view! {
                <tr>
                    <td>{line.at}</td>
                    <td>{line.actor.unwrap_or_else(|| "command line".to_owned())}</td>
                    <td>{line.kind.replace('_', " ")}</td>
                    <td>{line.detail}</td>
                    <td>{line.target.unwrap_or_else(|| "(deleted)".to_owned())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="audit-heading">
            <h2 id="audit-heading">"Audit log"</h2>
            <TableScroll label="Audit log entries">
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"By"</th>
                            <th scope="col">"Change"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Member"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </TableScroll>
        </section>
    }
}
