//! What a version of an agreement changed against the one before.

use leptos::prelude::*;

use super::types::{Changes, LineChange};

/// The line diff, folded away under its summary.
#[component]
pub fn ChangeList(changes: Changes) -> impl IntoView {
    let Changes {
        previous_version,
        material,
        lines,
    } = changes;
    let kind = if material {
        "a material change: earlier signatures no longer cover new contributions"
    } else {
        "an editorial change: earlier signatures still count"
    };
    let lines = lines
        .into_iter()
        .map(|line| match line {
            None => view! { <li class="diff-gap">"…"</li> }.into_any(),
            Some(line) => {
                let (class, mark) = match line.change {
                    LineChange::Same => ("diff-same", " "),
                    LineChange::Added => ("diff-added", "+"),
                    LineChange::Removed => ("diff-removed", "−"),
                };
                view! {
                    <li class=class>
                        <span class="diff-mark" aria-hidden="true">
                            {mark}
                        </span>
                        {match line.change {
                            LineChange::Added => view! { <ins>{line.text}</ins> }.into_any(),
                            LineChange::Removed => view! { <del>{line.text}</del> }.into_any(),
                            LineChange::Same => view! { <span>{line.text}</span> }.into_any(),
                        }}
                    </li>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <details class="changes">
            <summary>{format!("Changes since version {previous_version} ({kind})")}</summary>
            <ul class="diff">{lines}</ul>
        </details>
    }
}
