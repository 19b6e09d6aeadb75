//! The newsletter's pages: the sign-up form (`/newsletter`, and a box on
//! the home page), "check your mail", the confirmation behind the mailed
//! link, the preferences a mailed link opens, "you have left", and the
//! member's switches on `/account/choices`.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::newsletter::{
    ConfirmSubscription, LeaveNewsletters, ListChoice, Preferences, SavePreferences,
    SetMyNewsletter, Subscribe, my_newsletters, newsletter_preferences, open_newsletters,
};
use crate::{
    error_page::ErrorPage,
    forms::{Field, FormError, Honeypot, error_for, form_error},
    notice::Notice,
    privacy::manifest::{Class, lookup},
};

const FIELDS: &[&str] = &["name", "email", "lists"];

/// "Why we ask. Kept …." for a column of `mail_subscribers`.
fn explained(column: &str) -> String {
    match lookup("mail_subscribers", column).map(|entry| entry.class) {
        Some(Class::Personal(field)) => format!("{} Kept {}.", field.purpose, field.retention),
        _ => String::new(),
    }
}

/// A box to tick per list (`lists[ID]`), with its description.
#[component]
pub(super) fn ListBoxes(lists: Vec<ListChoice>, error: Signal<Option<String>>) -> impl IntoView {
    let only_one = lists.len() == 1;
    let boxes = lists
        .into_iter()
        .map(|list| {
            let id = format!("field-list-{}", list.id);
            let hint = format!("{id}-hint");
            let description = (!list.description.is_empty()).then(|| {
                view! {
                    <p class="hint" id=hint.clone()>
                        {list.description.clone()}
                    </p>
                }
            });
            view! {
                <div class="checkbox">
                    <input
                        type="checkbox"
                        id=id.clone()
                        name=format!("lists[{}]", list.id)
                        checked=list.on || only_one
                        aria-describedby=description.is_some().then_some(hint)
                    />
                    <label for=id>{list.name}</label>
                    {description}
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset
            class="fieldset"
            aria-invalid=move || error.get().map(|_| "true")
            aria-describedby=move || error.get().map(|_| "field-lists-error")
        >
            <legend>"Lists"</legend>
            {boxes}
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="field-error" id="field-lists-error">
                                {message}
                            </p>
                        }
                    })
            }}
        </fieldset>
    }
}

/// The sign-up form: name, address and lists.
#[component]
fn SubscribeForm(lists: Vec<ListChoice>) -> impl IntoView {
    let action = ServerAction::<Subscribe>::new();
    let value = action.value();
    let result = move || value.get();
    view! {
        <ActionForm action attr:class="form" attr:novalidate=true>
            <FormError error=form_error(result, FIELDS) />
            <Field
                name="name"
                label="Your name"
                autocomplete="name"
                required=true
                hint=explained("name")
                error=error_for(result, "name")
            />
            <Field
                name="email"
                label="Your email address"
                kind="email"
                autocomplete="email"
                required=true
                hint=format!(
                    "We mail you a link to confirm the address; nothing else is sent until you open it. {}",
                    explained("email"),
                )
                error=error_for(result, "email")
            />
            <ListBoxes lists error=error_for(result, "lists") />
            <Honeypot />
            <button type="submit" class="button">
                "Subscribe"
            </button>
        </ActionForm>
    }
}

/// The lists on offer, then `form` with them; nothing when there are none.
fn with_lists(none: fn() -> AnyView, form: fn(Vec<ListChoice>) -> AnyView) -> impl IntoView {
    let lists = Resource::new(|| (), |()| open_newsletters());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match lists.await {
                    Ok(lists) if lists.is_empty() => none(),
                    Ok(lists) => form(lists),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/newsletter`
#[component]
pub fn NewsletterPage() -> impl IntoView {
    crate::shared_page::same_for_every_visitor();
    view! {
        <Title text="Newsletter" />
        <article class="page">
            <h1>"Newsletter"</h1>
            {with_lists(
                || {
                    view! { <p class="lead">"This site sends no newsletter yet."</p> }.into_any()
                },
                |lists| {
                    view! {
                        <p class="lead">
                            "News from the project by mail, only on the lists you choose. We ask for your name and address and nothing else; every mail has a link to change your lists or leave them all in one click."
                        </p>
                        <SubscribeForm lists />
                        <p class="hint">
                            "Members can also join from "
                            <a href="/account/choices">"your choices"</a>
                            ", with their account's address. How we handle your data is in our "
                            <a href="/privacy">"privacy policy"</a> "."
                        </p>
                    }
                        .into_any()
                },
            )}
        </article>
    }
}

/// The home page's sign-up box; nothing while there is no newsletter.
#[component]
pub fn NewsletterBox() -> impl IntoView {
    with_lists(
        || ().into_any(),
        |lists| {
            view! {
                <section class="newsletter-box" aria-labelledby="newsletter-box-heading">
                    <h2 id="newsletter-box-heading">"Get the newsletter"</h2>
                    <p>
                        "News from the project by mail: your name and address only, confirmed by a link, and a way out in every mail."
                    </p>
                    <SubscribeForm lists />
                </section>
            }
                .into_any()
        },
    )
}

/// After signing up.
#[component]
pub fn SignUpSentPage() -> impl IntoView {
    view! {
        <Notice
            title="Check your mail"
            lead="We have sent a link to the address you gave. Open it within 7 days and press the button on its page: only then do newsletters start."
            more="If no mail arrives, check your spam folder, or sign up again. If nobody confirms, the name and address are erased after 7 days."
            next=("/", "Home page")
        />
    }
}

/// `/newsletter/confirm?token=…`: opening the page changes nothing, the
/// button does, so mail scanners that prefetch links confirm nothing.
#[component]
pub fn ConfirmSubscriptionPage() -> impl IntoView {
    let action = ServerAction::<ConfirmSubscription>::new();
    let value = action.value();
    let token = use_query_map().with(|query| query.get("token").unwrap_or_default());
    view! {
        <Title text="Confirm your subscription" />
        <article class="page">
            <h1>"Confirm your subscription"</h1>
            <p class="lead">
                "Press the button to confirm that this address is yours and that you want the newsletters you chose."
            </p>
            <ActionForm action attr:class="form">
                <FormError error=form_error(move || value.get(), &[]) />
                <input type="hidden" name="token" value=token />
                <button type="submit" class="button">
                    "Confirm my subscription"
                </button>
            </ActionForm>
            <p class="hint">"Link expired? " <a href="/newsletter">"Sign up again"</a> "."</p>
        </article>
    }
}

/// `/newsletter/preferences?token=…`: a subscriber's lists, without a
/// sign-in.
#[component]
pub fn PreferencesPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.with(|query| query.get("token").unwrap_or_default());
    let flag = move |name: &str| query.with(|query| query.get(name).is_some());
    let save = ServerAction::<SavePreferences>::new();
    let preferences = Resource::new(
        move || (token(), save.version().get()),
        |(token, _)| newsletter_preferences(token),
    );
    view! {
        <Title text="Your newsletters" />
        <article class="page">
            <h1>"Your newsletters"</h1>
            {move || {
                let message = if flag("confirmed") {
                    Some(
                        "Your subscription is confirmed. Keep this page's address to come back; every newsletter mail links here too.",
                    )
                } else if flag("saved") {
                    Some("Saved.")
                } else {
                    None
                };
                message
                    .map(|message| {
                        view! {
                            <p class="notice" role="status">
                                {message}
                            </p>
                        }
                    })
            }}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match preferences.await {
                        Ok(preferences) => {
                            view! { <PreferencesForms preferences token=token() save /> }.into_any()
                        }
                        Err(_) => {
                            view! {
                                <p class="lead">
                                    "This link does not work any more: it is older than a year, not whole, or its subscription was left."
                                </p>
                                <p>
                                    "Open the link in a more recent newsletter, or "
                                    <a href="/newsletter">"sign up again"</a> "."
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn PreferencesForms(
    preferences: Preferences,
    token: String,
    save: ServerAction<SavePreferences>,
) -> impl IntoView {
    let leave = ServerAction::<LeaveNewsletters>::new();
    let value = save.value();
    let result = move || value.get();
    let Preferences {
        member,
        name,
        email,
        lists,
        tracking,
    } = preferences;
    let (whom, leaving) = if member {
        (
            format!("Mail goes to {email}, your account's address."),
            "You will get no list mail at all, the forum digest included; you can join again from your account.",
        )
    } else {
        (
            format!("Mail goes to {email}."),
            "Your name and address are erased at once.",
        )
    };
    let leave_token = token.clone();
    view! {
        <p class="lead">{whom}</p>
        <section aria-labelledby="lists-heading">
            <h2 id="lists-heading">"What you get"</h2>
            <ActionForm action=save attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, FIELDS) />
                <input type="hidden" name="token" value=token />
                {(!member)
                    .then(|| {
                        view! {
                            <Field
                                name="name"
                                label="Your name"
                                autocomplete="name"
                                required=true
                                value=name.unwrap_or_default()
                                error=error_for(result, "name")
                            />
                        }
                    })}
                <ListBoxes lists error=error_for(result, "lists") />
                <div class="checkbox">
                    <input
                        id="field-tracking"
                        name="tracking"
                        type="checkbox"
                        checked=tracking
                        aria-describedby="field-tracking-hint"
                    />
                    <label for="field-tracking">
                        "Count when I open a newsletter or follow its links"
                    </label>
                    <p class="hint" id="field-tracking-hint">
                        "Counted per newsletter, never per person: a small image and links that pass through this site tell us how often a newsletter was opened and which links were followed, not by whom. Untick it and your newsletters carry neither."
                    </p>
                </div>
                <button type="submit" class="button">
                    "Save"
                </button>
            </ActionForm>
        </section>
        <section aria-labelledby="leave-heading">
            <h2 id="leave-heading">"Leave every list"</h2>
            <p>{leaving}</p>
            <ActionForm action=leave attr:class="form">
                <FormError error=form_error(move || leave.value().get(), &[]) />
                <input type="hidden" name="token" value=leave_token />
                {(!member)
                    .then(|| {
                        view! {
                            <div class="checkbox">
                                <input id="field-never" name="never" type="checkbox" />
                                <label for="field-never">
                                    "Never mail this address again, even if someone signs it up"
                                </label>
                                <p class="hint">
                                    "We then keep only a keyed hash of the address, which cannot be read back, to recognise it."
                                </p>
                            </div>
                        }
                    })}
                <button type="submit" class="button button-secondary">
                    "Unsubscribe from everything"
                </button>
            </ActionForm>
        </section>
    }
}

/// After leaving.
#[component]
pub fn LeftPage() -> impl IntoView {
    view! {
        <Notice
            title="You have left"
            lead="You are on no list any more, and no newsletter will be sent to you. If you signed up without an account, your name and address are erased."
            next=("/", "Home page")
        />
    }
}

/// The member's newsletters on `/account/choices`, one switch each.
#[component]
pub fn MyNewslettersSection() -> impl IntoView {
    let set = ServerAction::<SetMyNewsletter>::new();
    let mine = Resource::new(move || set.version().get(), |_| my_newsletters());
    view! {
        <section aria-labelledby="newsletter-heading">
            <h2 id="newsletter-heading">"Newsletters"</h2>
            <FormError error=form_error(move || set.value().get(), &[]) />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match mine.await {
                        Ok(mine) if mine.lists.is_empty() => {
                            view! { <p>"This site sends no newsletter yet."</p> }.into_any()
                        }
                        Ok(mine) if !mine.confirmed => {
                            view! {
                                <p>
                                    "Newsletters go only to a confirmed address: open the link we mailed you when you registered, or change your address on "
                                    <a href="/account">"your account page"</a> "."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(mine) => {
                            view! {
                                <p>
                                    "Sent to your account's address; every mail has a link that stops it in one click."
                                </p>
                                <ul class="switch-list">
                                    {mine
                                        .lists
                                        .into_iter()
                                        .map(|list| view! { <ListSwitch list set /> })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ListSwitch(list: ListChoice, set: ServerAction<SetMyNewsletter>) -> impl IntoView {
    let (state, button) = if list.on {
        ("On", format!("Leave {}", list.name))
    } else {
        ("Off", format!("Join {}", list.name))
    };
    view! {
        <li>
            <p>
                <strong>{list.name.clone()}</strong>
                {format!(" — {state}. ")}
                {list.description.clone()}
            </p>
            <ActionForm action=set attr:class="inline-form">
                <input type="hidden" name="list" value=list.id.to_string() />
                <input type="hidden" name="on" value=(!list.on).to_string() />
                <button type="submit" class="button button-secondary">
                    {button}
                </button>
            </ActionForm>
        </li>
    }
}
