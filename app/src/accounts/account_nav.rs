//! The account corner of the header: sign in and register, or the member's
//! name and a sign-out button (a real form, so it works without JavaScript).

use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_location;

use super::api::{SignOut, whoami};

#[component]
pub fn AccountNav() -> impl IntoView {
    let location = use_location();
    // Asked again on every navigation, so the header follows sign-in and out.
    let me = Resource::new(move || location.pathname.get(), |_| whoami());
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <div class="account-nav">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(user)) => {
                            let admin = user.has_role(super::Role::Admin);
                            let recruiter = user.has_role(super::Role::Recruiter);
                            let moderator = admin || user.has_role(super::Role::Moderator);
                            let privacy = user.handles_privacy_requests();
                            view! {
                                {moderator
                                    .then(|| view! { <a href="/moderation">"Moderation"</a> })}
                                {recruiter.then(|| view! { <a href="/recruit">"Recruiting"</a> })}
                                {privacy
                                    .then(|| {
                                        view! { <a href="/privacy/queue">"Privacy requests"</a> }
                                    })}
                                {admin.then(|| view! { <a href="/admin/members">"Admin"</a> })}
                                <a class="account-name" href="/account">
                                    {user.username}
                                </a>
                                <ActionForm action=sign_out attr:class="inline-form">
                                    <button type="submit" class="link-button">
                                        "Sign out"
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        _ => {
                            view! {
                                <a href="/account/sign-in">"Sign in"</a>
                                <a href="/account/register">"Register"</a>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}
