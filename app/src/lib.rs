//! Community Portal: pages, server functions and domain logic.
//!
//! Built twice: with `ssr` it is linked into the `portal` server; with
//! `hydrate` it is compiled to WebAssembly holding only the islands (the
//! components marked `#[island]`), which hydrate in the browser; the rest of
//! every page stays the server's HTML. One folder per feature; server-only code lives in
//! each feature's `ssr` module and in the crate-wide [`ssr`] module.

pub mod accounts;
pub mod admin;
pub mod app;
pub mod cla;
pub mod documents;
pub mod email;
pub mod error;
pub mod forum;
pub mod insights;
pub mod jobs;
pub mod mail_lists;
pub mod moderation;
pub mod privacy;
pub mod return_path;

mod chart;
mod choices_page;
mod description;
mod error_page;
mod forms;
mod home_page;
mod layout;
mod notice;
mod shared_page;
mod slug;
mod table;

#[cfg(feature = "ssr")]
pub mod features;
#[cfg(feature = "ssr")]
pub mod ssr;

/// Entry point of the WebAssembly bundle, before the page's islands hydrate.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // The islands hydrate right after this returns, each in a microtask of
    // its own; a zero timeout runs once they all have. Browser tests wait
    // for the mark to tell a hydrated page from the server's HTML.
    leptos::prelude::set_timeout(
        || {
            if let Some(root) = leptos::prelude::document().document_element() {
                // Failing to set a data attribute changes nothing for the reader.
                let _ = root.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
