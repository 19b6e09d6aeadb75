//! The settings page's "Sign-in methods": linked accounts at providers,
//! unlink one, link another.

use crate::table::TableScroll;
use leptos::{form::ActionForm, prelude::*};

use super::{
    identity_api::{UnlinkIdentity, my_sign_in_methods},
    identity_pages::ProviderButton,
    types::SignInMethods,
};
use crate::forms::{FormError, form_error};

#[component]
pub fn SignInMethodsSection() -> impl IntoView {
    let unlink = ServerAction::<UnlinkIdentity>::new();
    let methods = Resource::new(move || unlink.version().get(), |_| my_sign_in_methods());
    view! {
        <section id="sign-in-methods" aria-labelledby="sign-in-methods-heading">
            <h2 id="sign-in-methods-heading">"Sign-in methods"</h2>
            <FormError error=form_error(move || unlink.value().get(), &[]) />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    methods.await.ok().map(|methods| view! { <Methods methods unlink /> })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Methods(methods: SignInMethods, unlink: ServerAction<UnlinkIdentity>) -> impl IntoView {
    let SignInMethods {
        has_password,
        identities,
        available,
    } = methods;
    let password = if has_password {
        "You can sign in with your password."
    } else {
        "Your account has no password: you sign in with the accounts below. “Forgot your password?” on the sign-in page sets one."
    };
    let none_linked = identities.is_empty();
    let rows = identities
        .into_iter()
        .map(|identity| {
            let label = format!("Unlink {} ({})", identity.provider, identity.known_as);
            view! {
                <tr>
                    <th scope="row">{identity.provider}</th>
                    <td>{identity.known_as}</td>
                    <td>{identity.linked}</td>
                    <td>{identity.last_used}</td>
                    <td>
                        <ActionForm action=unlink attr:class="inline-form">
                            <input type="hidden" name="id" value=identity.id />
                            <button type="submit" class="link-button" aria-label=label>
                                "Unlink"
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let table = (!none_linked).then(|| {
        view! {
            <TableScroll label="Linked accounts">
                <table class="data-table">
                    <caption class="visually-hidden">"Linked accounts"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Provider"</th>
                            <th scope="col">"Account there"</th>
                            <th scope="col">"Linked"</th>
                            <th scope="col">"Last used"</th>
                            <th scope="col">
                                <span class="visually-hidden">"Action"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </TableScroll>
        }
    });
    view! {
        <p>{password}</p>
        {none_linked.then(|| view! { <p>"No account at another site is linked."</p> })}
        {table}
        {available
            .into_iter()
            .map(|button| view! { <ProviderButton button verb="Link" /> })
            .collect_view()}
    }
}
