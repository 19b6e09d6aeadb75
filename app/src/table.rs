//! A wide table in a box that scrolls sideways on a narrow screen.

use leptos::prelude::*;

/// The scrolling box around a table. It is a named region that takes the
/// keyboard's focus, so that someone without a pointer can scroll it
/// too (WCAG 2.1.1); `label` names it for screen readers.
#[component]
pub fn TableScroll(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=label>
            {children()}
        </div>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_box_takes_the_focus_and_has_a_name() {
        let html = view! {
            <TableScroll label="Members">
                <table></table>
            </TableScroll>
        }
        .to_html();
        assert!(html.contains(r#"tabindex="0""#), "{html}");
        assert!(html.contains(r#"role="region""#), "{html}");
        assert!(html.contains(r#"aria-label="Members""#), "{html}");
        assert!(html.contains("<table></table>"), "{html}");
    }
}
