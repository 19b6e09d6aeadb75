//! `/admin/releases`: the company's products, their channels and the
//! versions published on them — what `GET /api/updates/v1` answers products
//! that call home (docs/call-home.md).

use crate::table::TableScroll;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::{
    error::AppError,
    error_page::ErrorPage,
    forms::{Field, FormError, error_for, form_error},
};

/// A product and its releases, as administrators see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Most stable first.
    pub channels: Vec<String>,
    /// Newest version first.
    pub releases: Vec<ReleaseRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRow {
    pub id: i64,
    pub version: String,
    pub channel: String,
    /// `2026-12-07`.
    pub released_on: String,
    pub notes_url: String,
    pub security: bool,
}

/// Every product with its releases. Administrators only.
#[server(endpoint = "admin/releases")]
pub async fn releases_admin() -> Result<Vec<ProductRow>, AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    super::releases_ssr::products(&state.db).await
}

/// Makes a product (no `id`) or changes one.
#[server(endpoint = "admin/save-product")]
pub async fn save_product(
    id: Option<i64>,
    slug: String,
    name: String,
    channels: String,
) -> Result<(), AppError> {
    use super::releases_ssr::{CallHome, ProductInput};
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    let input = ProductInput::parse(&slug, &name, &channels)?;
    super::releases_ssr::save_product(&state.db, id, input, state.clock.now()).await?;
    state.settings::<CallHome>()?.forget_catalogue();
    leptos_axum::redirect("/admin/releases");
    Ok(())
}

/// Publishes a version of a product on one of its channels.
#[server(endpoint = "admin/publish-release")]
pub async fn publish_release(
    product_id: i64,
    version: String,
    channel: String,
    #[server(default)] released_on: String,
    #[server(default)] notes_url: String,
    #[server(default)] security: Option<String>,
) -> Result<(), AppError> {
    use super::releases_ssr::{CallHome, ReleaseForm};
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    let form = ReleaseForm {
        product_id,
        version,
        channel,
        released_on,
        notes_url,
        security: security.is_some(),
    };
    // A field's error names the product's form, so that without
    // JavaScript (when the page cannot know which form was sent) it shows
    // in that form only.
    super::releases_ssr::publish(&state.db, &form, state.clock.now())
        .await
        .map_err(|error| match error {
            AppError::Invalid { field, message } => AppError::Invalid {
                field: format!("product-{product_id}-{field}"),
                message,
            },
            other => other,
        })?;
    state.settings::<CallHome>()?.forget_catalogue();
    leptos_axum::redirect("/admin/releases");
    Ok(())
}

/// Withdraws a release, so that checks no longer offer it.
#[server(endpoint = "admin/withdraw-release")]
pub async fn withdraw_release(id: i64) -> Result<(), AppError> {
    use super::releases_ssr::CallHome;
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    super::releases_ssr::withdraw(&state.db, id).await?;
    state.settings::<CallHome>()?.forget_catalogue();
    leptos_axum::redirect("/admin/releases");
    Ok(())
}

const PRODUCT_FIELDS: &[&str] = &["slug", "name", "channels"];
const RELEASE_FIELDS: &[&str] = &["version", "channel", "released_on", "notes_url"];

#[component]
pub fn ReleasesAdminPage() -> impl IntoView {
    let save = ServerAction::<SaveProduct>::new();
    let publish = ServerAction::<PublishRelease>::new();
    let withdraw = ServerAction::<WithdrawRelease>::new();
    let products = Resource::new(
        move || {
            (
                save.version().get(),
                publish.version().get(),
                withdraw.version().get(),
            )
        },
        |_| releases_admin(),
    );
    let saved = move || save.value().get();
    view! {
        <Title text="Releases" />
        <article class="page page-wide">
            <h1>"Releases"</h1>
            <p>
                "What the company's products are told when they check for updates at "
                <code>"/api/updates/v1"</code>
                ". A check on a channel is offered the newest version on that channel or a more stable one. "
                <a href="/admin/insights/installs">"Installs"</a> " shows what the products report."
            </p>
            <FormError error=form_error(move || withdraw.value().get(), &[]) />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match products.await {
                        Ok(products) if products.is_empty() => {
                            view! { <p>"No product yet."</p> }.into_any()
                        }
                        Ok(products) => {
                            products
                                .into_iter()
                                .map(|product| {
                                    view! { <ProductSection product publish withdraw save /> }
                                })
                                .collect_view()
                                .into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
            <section aria-labelledby="new-product-heading">
                <h2 id="new-product-heading">"Add a product"</h2>
                <ActionForm action=save attr:class="form" attr:novalidate=true>
                    <FormError error=form_error(saved, PRODUCT_FIELDS) />
                    <Field name="name" label="Name" required=true error=error_for(saved, "name") />
                    <Field
                        name="slug"
                        label="Key"
                        hint="What the product sends as product=…: lower-case letters, digits and hyphens."
                        required=true
                        error=error_for(saved, "slug")
                    />
                    <Field
                        name="channels"
                        label="Channels"
                        hint="Most stable first, separated by commas."
                        value="stable, beta".to_owned()
                        required=true
                        error=error_for(saved, "channels")
                    />
                    <button type="submit" class="button">
                        "Add the product"
                    </button>
                </ActionForm>
            </section>
        </article>
    }
}

#[component]
fn ProductSection(
    product: ProductRow,
    save: ServerAction<SaveProduct>,
    publish: ServerAction<PublishRelease>,
    withdraw: ServerAction<WithdrawRelease>,
) -> impl IntoView {
    let id = product.id;
    let heading = format!("product-{id}-heading");
    let labelled_by = heading.clone();
    let field = move |name: &str| format!("product-{id}-{name}");
    // The server names this product's fields `product-{id}-…`; other
    // errors belong to this form if it was the one sent (or, without
    // JavaScript, to every form).
    let published = move || {
        publish.value().get().and_then(|result| match result {
            Err(AppError::Invalid { field, message }) => {
                field.strip_prefix(&format!("product-{id}-")).map(|field| {
                    Err(AppError::Invalid {
                        field: field.to_owned(),
                        message,
                    })
                })
            }
            other => publish
                .input()
                .get()
                .is_none_or(|input| input.product_id == id)
                .then_some(other),
        })
    };
    let rows = product
        .releases
        .clone()
        .into_iter()
        .map(|release| {
            let label = format!("Withdraw {} {}", product.name, release.version);
            let notes = (!release.notes_url.is_empty()).then(|| {
                view! { <a href=release.notes_url>"Notes"</a> }
            });
            view! {
                <tr>
                    <th scope="row">{release.version}</th>
                    <td>{release.channel}</td>
                    <td>{release.released_on}</td>
                    <td>{if release.security { "yes" } else { "" }}</td>
                    <td>{notes}</td>
                    <td>
                        <ActionForm action=withdraw attr:class="inline-form">
                            <input type="hidden" name="id" value=release.id.to_string() />
                            <button type="submit" class="button button-secondary" aria-label=label>
                                "Withdraw"
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let options = product
        .channels
        .iter()
        .map(|channel| view! { <option value=channel.clone()>{channel.clone()}</option> })
        .collect_view();
    let caption = format!("Releases of {}", product.name);
    view! {
        <section aria-labelledby=labelled_by>
            <h2 id=heading>{product.name.clone()}</h2>
            <p>
                "Key " <code>{product.slug.clone()}</code> ", channels "
                {product.channels.join(", ")} "."
            </p>
            {if product.releases.is_empty() {
                view! { <p>"No release published."</p> }.into_any()
            } else {
                view! {
                    <TableScroll label=caption.clone()>
                        <table class="data-table">
                            <caption>{caption.clone()}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Version"</th>
                                    <th scope="col">"Channel"</th>
                                    <th scope="col">"Released"</th>
                                    <th scope="col">"Security fix"</th>
                                    <th scope="col">"Release notes"</th>
                                    <th scope="col">"Action"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </TableScroll>
                }
                    .into_any()
            }}
            <details
                class="inline-edit"
                open=move || published().is_some_and(|result| result.is_err())
            >
                <summary>{format!("Publish a version of {}", product.name)}</summary>
                <ActionForm action=publish attr:class="form" attr:novalidate=true>
                    <FormError error=form_error(published, RELEASE_FIELDS) />
                    <input type="hidden" name="product_id" value=id.to_string() />
                    <Field
                        name="version"
                        dom_id=field("version")
                        label="Version"
                        hint="A semantic version: 1.4.2, 2.0.0-beta.1."
                        required=true
                        error=error_for(published, "version")
                    />
                    <div class="field">
                        <label for=field("channel")>"Channel"</label>
                        <select id=field("channel") name="channel">
                            {options}
                        </select>
                    </div>
                    <Field
                        name="released_on"
                        dom_id=field("released_on")
                        label="Released on"
                        kind="date"
                        hint="Today when left empty."
                        error=error_for(published, "released_on")
                    />
                    <Field
                        name="notes_url"
                        dom_id=field("notes_url")
                        label="Release notes (web address)"
                        kind="url"
                        error=error_for(published, "notes_url")
                    />
                    <div class="field field-check">
                        <input id=field("security") type="checkbox" name="security" value="on" />
                        <label for=field("security")>"Fixes a security problem"</label>
                    </div>
                    <button type="submit" class="button">
                        "Publish"
                    </button>
                </ActionForm>
            </details>
            <details class="inline-edit">
                <summary>{format!("Edit {}", product.name)}</summary>
                <ActionForm action=save attr:class="form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <div class="field">
                        <label for=field("name")>"Name"</label>
                        <input
                            id=field("name")
                            name="name"
                            type="text"
                            value=product.name.clone()
                        />
                    </div>
                    <div class="field">
                        <label for=field("slug")>"Key"</label>
                        <input
                            id=field("slug")
                            name="slug"
                            type="text"
                            value=product.slug.clone()
                        />
                    </div>
                    <div class="field">
                        <label for=field("channels")>"Channels"</label>
                        <input
                            id=field("channels")
                            name="channels"
                            type="text"
                            value=product.channels.join(", ")
                        />
                    </div>
                    <button type="submit" class="button button-secondary">
                        "Save"
                    </button>
                </ActionForm>
            </details>
        </section>
    }
}
