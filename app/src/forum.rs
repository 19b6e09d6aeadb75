//! The forum: categories, threads and replies in Markdown, search,
//! reports and notifications. Members post under their username, the only
//! personal detail shown with a post (promises P5, P10 in docs/promises.md).

mod admin_api;
mod admin_page;
mod api;
mod compose;
mod forum_pages;
mod notifications_page;
mod post_pages;
mod search_page;
mod thread_page;
mod types;

pub use admin_api::*;
pub use admin_page::ForumAdminPage;
pub use api::*;
pub use forum_pages::{CategoryPageView, ForumPage, NewThreadPage, Pager, page_number};
pub use notifications_page::{DigestSetting, NotificationsPage};
pub use post_pages::{EditPostPage, PostHistoryPage};
pub use search_page::SearchPage;
pub use thread_page::ThreadPage;
pub use types::*;

#[cfg(feature = "ssr")]
pub mod ssr;
