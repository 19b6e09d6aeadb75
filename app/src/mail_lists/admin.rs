//! `/admin/mail-lists`: administrators make the mail lists people may join
//! (e.g. "Product news", "Security advisories"), describe them, say who may
//! join them, and archive those no longer sent. The forum digest is a list
//! too, made by the portal, and cannot be changed here.

use crate::table::TableScroll;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::{
    error::AppError,
    error_page::ErrorPage,
    forms::{Field, FormError, Select, TextArea, error_for, form_error},
};

/// One list, as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// `everyone` or `members`.
    pub audience: String,
    pub subscribers: u64,
    /// Made by the portal (the forum digest): not changed here.
    pub built_in: bool,
    pub archived: bool,
}

const AUDIENCES: [(&str, &str); 2] = [
    ("everyone", "Anyone, with or without an account"),
    ("members", "Members only"),
];

/// Every list, newest last, with how many are on each.
#[server(endpoint = "admin/mail-lists")]
pub async fn mail_lists_admin() -> Result<Vec<ListRow>, AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    super::admin_ssr::lists(&state.reads).await
}

/// Makes a list (no `id`) or changes one.
#[server(endpoint = "admin/save-mail-list")]
pub async fn save_mail_list(
    id: Option<i64>,
    name: String,
    description: String,
    audience: String,
) -> Result<(), AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    let input = super::admin_ssr::ListInput::parse(&name, &description, &audience)?;
    super::admin_ssr::save(&state.db, id, input, state.clock.now()).await?;
    leptos_axum::redirect("/admin/mail-lists");
    Ok(())
}

/// Archives a list (nothing is sent on it and nobody can join it; its
/// subscribers stay, so it can be restored), or restores it.
#[server(endpoint = "admin/archive-mail-list")]
pub async fn archive_mail_list(id: i64, archived: bool) -> Result<(), AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    super::admin_ssr::archive(&state.db, id, archived, state.clock.now()).await?;
    leptos_axum::redirect("/admin/mail-lists");
    Ok(())
}

const FIELDS: &[&str] = &["name", "description", "audience"];

#[component]
pub fn MailListsAdminPage() -> impl IntoView {
    let save = ServerAction::<SaveMailList>::new();
    let archive = ServerAction::<ArchiveMailList>::new();
    let lists = Resource::new(
        move || (save.version().get(), archive.version().get()),
        |_| mail_lists_admin(),
    );
    let result = move || save.value().get();
    view! {
        <Title text="Mail lists" />
        <article class="page">
            <h1>"Mail lists"</h1>
            <p>
                "The lists people may join. An archived list sends nothing and takes no one new; its subscribers stay until it is restored or they leave."
            </p>
            <p>
                <a href="/admin/campaigns">"Campaigns"</a>
                ": write and send newsletters to these lists. "
                <a href="/admin/subscribers">"Subscribers"</a>
                ": who is on them, over time, and the export."
            </p>
            <FormError error=form_error(move || archive.value().get(), &[]) />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match lists.await {
                        Ok(lists) => view! { <ListTable lists save archive /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
            <section aria-labelledby="new-list-heading">
                <h2 id="new-list-heading">"Make a list"</h2>
                <ActionForm action=save attr:class="form" attr:novalidate=true>
                    <FormError error=form_error(result, FIELDS) />
                    <Field name="name" label="Name" required=true error=error_for(result, "name") />
                    <TextArea
                        name="description"
                        label="Description"
                        hint="Shown to people choosing what to get: what it is about, and how often it comes."
                        rows=3
                        error=error_for(result, "description")
                    />
                    <Select
                        name="audience"
                        label="Who may join"
                        options=AUDIENCES.to_vec()
                        error=error_for(result, "audience")
                    />
                    <button type="submit" class="button">
                        "Make the list"
                    </button>
                </ActionForm>
            </section>
        </article>
    }
}

#[component]
fn ListTable(
    lists: Vec<ListRow>,
    save: ServerAction<SaveMailList>,
    archive: ServerAction<ArchiveMailList>,
) -> impl IntoView {
    let rows = lists
        .into_iter()
        .map(|list| {
            let audience = AUDIENCES
                .iter()
                .find(|(value, _)| *value == list.audience)
                .map_or("", |(_, text)| text);
            let state = if list.archived { "archived" } else { "open" };
            let action = (!list.built_in).then(|| {
                let (label, to) = if list.archived {
                    (format!("Restore {}", list.name), "false")
                } else {
                    (format!("Archive {}", list.name), "true")
                };
                let text = if list.archived { "Restore" } else { "Archive" };
                view! {
                    <ActionForm action=archive attr:class="inline-form">
                        <input type="hidden" name="id" value=list.id.to_string() />
                        <input type="hidden" name="archived" value=to />
                        <button type="submit" class="button button-secondary" aria-label=label>
                            {text}
                        </button>
                    </ActionForm>
                }
            });
            let edit = (!list.built_in).then(|| view! { <EditList list=list.clone() save /> });
            view! {
                <tr>
                    <th scope="row">{list.name}</th>
                    <td>{list.description}</td>
                    <td>{audience}</td>
                    <td>{list.subscribers}</td>
                    <td>{if list.built_in { "made by the portal" } else { state }}</td>
                    <td>{action} {edit}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label="Mail lists">
            <table class="data-table">
                <caption>"Mail lists"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Who may join"</th>
                        <th scope="col">"Subscribers"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Action"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
}

/// Renaming a list, or changing its description or who may join, folded
/// away in its row; the fields' ids carry the list's id.
#[component]
fn EditList(list: ListRow, save: ServerAction<SaveMailList>) -> impl IntoView {
    let id = list.id;
    let field = move |name: &str| format!("list-{id}-{name}");
    let options = AUDIENCES
        .iter()
        .map(|(value, text)| {
            let chosen = list.audience == *value;
            view! {
                <option value=*value selected=chosen>
                    {*text}
                </option>
            }
        })
        .collect_view();
    view! {
        <details class="inline-edit">
            <summary>{format!("Edit {}", list.name)}</summary>
            <ActionForm action=save attr:class="form">
                <input type="hidden" name="id" value=id.to_string() />
                <div class="field">
                    <label for=field("name")>"Name"</label>
                    <input id=field("name") name="name" type="text" value=list.name.clone() />
                </div>
                <div class="field">
                    <label for=field("description")>"Description"</label>
                    <textarea id=field("description") name="description" rows="3">
                        {list.description.clone()}
                    </textarea>
                </div>
                <div class="field">
                    <label for=field("audience")>"Who may join"</label>
                    <select id=field("audience") name="audience">
                        {options}
                    </select>
                </div>
                <button type="submit" class="button button-secondary">
                    "Save"
                </button>
            </ActionForm>
        </details>
    }
}
