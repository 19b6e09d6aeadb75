//! On `/admin/cla`: the entries of companies' lists. Those waiting for
//! approval come first; an administrator approves or removes each.

use crate::table::TableScroll;
use leptos::{form::ActionForm, prelude::*};

use super::{
    admin_api::{DecideCovered, list_covered},
    types::ListedEntry,
};
use crate::{
    error_page::ErrorPage,
    forms::{FormError, form_error},
};

#[component]
pub fn CoveredEntries() -> impl IntoView {
    let decide = ServerAction::<DecideCovered>::new();
    let entries = Resource::new(move || decide.version().get(), |_| list_covered());
    view! {
        <section id="covered" aria-labelledby="covered-heading">
            <h2 id="covered-heading">"Companies' lists"</h2>
            <p>
                "A company's entry covers no one until it is approved. Entries at the domain of the signer's confirmed address are approved at once; approve the others only when the company's claim is plain (its signer's address, its website)."
            </p>
            <FormError error=form_error(move || decide.value().get(), &[]) />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(entries) => view! { <EntryTable entries decide /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn EntryTable(entries: Vec<ListedEntry>, decide: ServerAction<DecideCovered>) -> impl IntoView {
    let rows = entries
        .into_iter()
        .map(|entry| {
            let waiting = entry.approval.is_none();
            let approve_label = format!("Approve {}", entry.value);
            let remove_label = format!("Remove {}", entry.value);
            view! {
                <tr>
                    <td>{entry.company}</td>
                    <td>{entry.signer_email}</td>
                    <td>{entry.kind}</td>
                    <th scope="row">{entry.value}</th>
                    <td>{entry.added}</td>
                    <td>{entry.approval.unwrap_or_else(|| "waiting".to_owned())}</td>
                    <td>
                        {waiting
                            .then(|| {
                                view! {
                                    <ActionForm action=decide attr:class="inline-form">
                                        <input type="hidden" name="id" value=entry.id />
                                        <input type="hidden" name="decision" value="approve" />
                                        <button
                                            type="submit"
                                            class="link-button"
                                            aria-label=approve_label
                                        >
                                            "Approve"
                                        </button>
                                    </ActionForm>
                                }
                            })} <ActionForm action=decide attr:class="inline-form">
                            <input type="hidden" name="id" value=entry.id />
                            <input type="hidden" name="decision" value="remove" />
                            <button type="submit" class="link-button" aria-label=remove_label>
                                "Remove"
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label="Companies' lists">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">"Company"</th>
                        <th scope="col">"Signer's address"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Covers"</th>
                        <th scope="col">"Added"</th>
                        <th scope="col">"Approved"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
}
