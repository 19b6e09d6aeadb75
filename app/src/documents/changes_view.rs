//! What one version of a document changed against another: a line diff,
//! folded away under a summary the page writes.

use leptos::prelude::*;

use super::types::{DiffLine, LineChange};

/// The line diff under its `summary`; open from the start if `open`.
#[component]
pub fn ChangeList(
    summary: String,
    lines: Vec<Option<DiffLine>>,
    #[prop(optional)] open: bool,
) -> impl IntoView {
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
        <details class="changes" open=open>
            <summary>{summary}</summary>
            <ul class="diff">{lines}</ul>
        </details>
    }
}
