//! `/moderation/log`: every moderation action, newest first. Read-only:
//! neither this page nor any server function can change an entry.

use crate::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{LogPage, moderation_log};
use crate::{
    error_page::ErrorPage,
    forum::{Pager, page_number},
};

#[component]
pub fn ModerationLogPage() -> impl IntoView {
    let page = page_number();
    let log = Resource::new(move || page.get(), moderation_log);
    view! {
        <Title text="Moderation log" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(log) => view! { <LogTable log /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LogTable(log: LogPage) -> impl IntoView {
    let empty = log.entries.is_empty();
    let rows = log
        .entries
        .into_iter()
        .map(|entry| {
            view! {
                <tr>
                    <td>{entry.at}</td>
                    <td>{entry.moderator.unwrap_or_else(|| "(deleted)".to_owned())}</td>
                    <td>{entry.kind.label()}</td>
                    <td>{entry.target}</td>
                    <td>{entry.reason}</td>
                    <td>{entry.expires.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <article class="page">
            <p class="breadcrumb">
                <a href="/moderation">"Moderation"</a>
            </p>
            <h1>"Moderation log"</h1>
            <p>
                "One entry per action, written with the action itself. Entries cannot be changed or deleted."
            </p>
            {if empty {
                view! { <p class="empty">"No actions yet."</p> }.into_any()
            } else {
                view! {
                    <TableScroll label="Moderation log">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"Moderator"</th>
                                    <th scope="col">"Action"</th>
                                    <th scope="col">"On"</th>
                                    <th scope="col">"Reason"</th>
                                    <th scope="col">"Until"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </TableScroll>
                }
                    .into_any()
            }}
            <Pager paging=log.paging base="/moderation/log".to_owned() />
        </article>
    }
}
