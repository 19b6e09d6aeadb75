//! Community Portal: pages, server functions and domain logic.
//!
//! Built twice: with `ssr` it is linked into the `portal` server; with
//! `hydrate` it is compiled to WebAssembly and hydrates the server-rendered
//! pages in the browser. One folder per feature; server-only code lives in
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

#[cfg(feature = "ssr")]
pub mod features;
#[cfg(feature = "ssr")]
pub mod ssr;

/// Entry point of the WebAssembly bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
