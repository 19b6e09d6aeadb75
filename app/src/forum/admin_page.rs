//! `/admin/forum`: administrators add, rename, describe, order and delete
//! the forum's categories.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

use super::{
    Category,
    admin_api::{DeleteCategory, SaveCategory},
    api::forum_categories,
};
use crate::{
    error_page::ErrorPage,
    forms::{Field, FormError, error_for, form_error},
};

const FIELDS: &[&str] = &["name", "description", "position"];

#[component]
pub fn ForumAdminPage() -> impl IntoView {
    let save = ServerAction::<SaveCategory>::new();
    let remove = ServerAction::<DeleteCategory>::new();
    let categories = Resource::new(
        move || (save.version().get(), remove.version().get()),
        |_| forum_categories(),
    );
    let result = move || save.value().get();
    view! {
        <Title text="Forum categories" />
        <article class="page">
            <h1>"Forum categories"</h1>
            <p>
                "Categories are listed by position, smallest first. Only an empty category can be deleted."
            </p>
            <FormError error=form_error(move || remove.value().get(), &[]) />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match categories.await {
                        Ok(list) => {
                            let rows = list
                                .into_iter()
                                .map(|category| view! { <CategoryRow category save remove /> })
                                .collect_view();
                            view! { <ul class="category-admin-list">{rows}</ul> }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
            <section aria-labelledby="new-category-heading">
                <h2 id="new-category-heading">"Add a category"</h2>
                <ActionForm action=save attr:class="form" attr:novalidate=true>
                    <FormError error=form_error(result, FIELDS) />
                    <Field name="name" label="Name" required=true error=error_for(result, "name") />
                    <Field
                        name="description"
                        label="Description"
                        error=error_for(result, "description")
                    />
                    <Field
                        name="position"
                        label="Position"
                        kind="number"
                        required=true
                        value="10".to_owned()
                        error=error_for(result, "position")
                    />
                    <button type="submit" class="button">
                        "Add category"
                    </button>
                </ActionForm>
            </section>
        </article>
    }
}

/// One category with a form to change it; field ids carry the category's id.
#[component]
fn CategoryRow(
    category: Category,
    save: ServerAction<SaveCategory>,
    remove: ServerAction<DeleteCategory>,
) -> impl IntoView {
    let id = category.id.0;
    let field = move |name: &str| format!("category-{id}-{name}");
    let delete_label = format!("Delete {}", category.name);
    view! {
        <li>
            <ActionForm action=save attr:class="inline-form">
                <input type="hidden" name="id" value=id.to_string() />
                <label for=field("name")>"Name"</label>
                <input id=field("name") name="name" type="text" value=category.name.clone() />
                <label for=field("description")>"Description"</label>
                <input
                    id=field("description")
                    name="description"
                    type="text"
                    value=category.description.clone()
                />
                <label for=field("position")>"Position"</label>
                <input
                    id=field("position")
                    name="position"
                    type="number"
                    value=category.position.to_string()
                />
                <button type="submit" class="button button-secondary">
                    "Save"
                </button>
                <a href=category.path()>{format!("{} threads", category.thread_count)}</a>
            </ActionForm>
            <ActionForm action=remove attr:class="inline-form">
                <input type="hidden" name="id" value=id.to_string() />
                <button type="submit" class="button button-secondary" aria-label=delete_label>
                    "Delete"
                </button>
            </ActionForm>
        </li>
    }
}
