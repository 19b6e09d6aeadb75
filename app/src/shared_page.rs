//! Pages that are the same for every visitor without a session.

/// Says that the page being rendered, for a visitor without a session,
/// depends only on its address, so the server may share one rendering of it
/// among such visitors for a moment. Does nothing in the browser.
pub fn same_for_every_visitor() {
    #[cfg(feature = "ssr")]
    crate::ssr::mark_page_shared();
}
