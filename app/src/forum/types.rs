//! The forum's shared types: ids, parsed input, and what pages show.
//! Compiled for the browser too, so forms can check input as it is typed.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($name:ident, $what:literal) => {
        #[doc = concat!("The id of ", $what, ".")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub struct $name(pub i64);
    };
}

id_type!(CategoryId, "a forum category");
id_type!(ThreadId, "a thread");
id_type!(PostId, "a post");

/// Threads on a category page, and posts on a thread page.
pub const THREADS_PER_PAGE: u64 = 25;
pub const POSTS_PER_PAGE: u64 = 20;
pub const RESULTS_PER_PAGE: u64 = 20;
/// A search reads at most this many matching posts, the newest: a word
/// that half the forum uses would otherwise cost reading half the forum
/// on every page of results. The count stops there too.
pub const SEARCH_MATCHES_AT_MOST: u64 = 1_000;

/// A thread's title: 3 to 150 characters after trimming, on one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostTitle(String);

impl PostTitle {
    pub fn parse(value: &str) -> Result<Self, String> {
        let title = value.trim();
        let length = title.chars().count();
        if length < 3 {
            return Err("Give the thread a title of at least 3 characters.".to_owned());
        }
        if length > 150 {
            return Err(format!(
                "Keep the title to 150 characters (it has {length})."
            ));
        }
        if title.chars().any(char::is_control) {
            return Err("The title must be one line of text.".to_owned());
        }
        Ok(Self(title.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A post's Markdown: 2 to 20,000 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostBody(String);

impl PostBody {
    pub const MAX: usize = 20_000;

    pub fn parse(value: &str) -> Result<Self, String> {
        let body = value.trim();
        let length = body.chars().count();
        if length < 2 {
            return Err("Write something first.".to_owned());
        }
        if length > Self::MAX {
            return Err(format!(
                "Keep a post to 20,000 characters (it has {length}); split it into replies."
            ));
        }
        if body
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err("The post holds characters that cannot be shown.".to_owned());
        }
        Ok(Self(body.replace("\r\n", "\n")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many links the post holds: Markdown links, autolinks and bare
    /// addresses all count.
    pub fn link_count(&self) -> usize {
        self.0.matches("http://").count()
            + self.0.matches("https://").count()
            + self.0.matches("mailto:").count()
            + self.0.matches("www.").count()
    }

    /// The usernames mentioned as `@name`, without repeats, at most ten.
    pub fn mentions(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let mut rest = self.0.as_str();
        while let Some(at) = rest.find('@') {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + 1..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue; // an email address, not a mention
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
                .collect();
            let name = name.trim_end_matches('.').to_owned();
            let key = name.to_lowercase();
            let length = name.chars().count();
            if (3..=30).contains(&length) && !names.iter().any(|n| n.to_lowercase() == key) {
                names.push(name);
            }
            if names.len() == 10 {
                break;
            }
        }
        names
    }
}

/// `path` (a local address, any `#fragment` dropped) with `query` added to
/// its query string, then `#fragment` unless that is empty.
pub fn with_query(path: &str, query: &str, fragment: &str) -> String {
    let base = path.split('#').next().unwrap_or_default();
    let separator = if base.contains('?') { '&' } else { '?' };
    let mut address = format!("{base}{separator}{query}");
    if !fragment.is_empty() {
        address.push('#');
        address.push_str(fragment);
    }
    address
}

/// Why a member reports a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Spam,
    Abuse,
    OffTopic,
    PersonalData,
    Other,
}

impl ReportReason {
    pub const ALL: [Self; 5] = [
        Self::Spam,
        Self::Abuse,
        Self::OffTopic,
        Self::PersonalData,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spam => "spam",
            Self::Abuse => "abuse",
            Self::OffTopic => "off_topic",
            Self::PersonalData => "personal_data",
            Self::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|reason| reason.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Spam => "Spam or advertising",
            Self::Abuse => "Abusive or harassing",
            Self::OffTopic => "Off-topic",
            Self::PersonalData => "Shares someone's personal data",
            Self::Other => "Something else (say what)",
        }
    }
}

/// Page `number` of `total` (both from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paging {
    pub number: u64,
    pub total: u64,
}

impl Paging {
    /// The page numbers for `count` items, `per_page` to a page, with the
    /// asked-for page clamped into range.
    pub fn of(asked: u64, count: u64, per_page: u64) -> Self {
        let total = count.div_ceil(per_page).max(1);
        Self {
            number: asked.clamp(1, total),
            total,
        }
    }

    /// Rows to skip for this page.
    pub fn offset(&self, per_page: u64) -> u64 {
        (self.number - 1) * per_page
    }
}

/// A category as the forum's front page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: CategoryId,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub thread_count: u64,
}

impl Category {
    pub fn path(&self) -> String {
        format!(
            "/forum/c/{}-{}",
            self.id.0,
            crate::slug::slug(&self.name, "category")
        )
    }
}

/// A thread in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadSummary {
    pub id: ThreadId,
    pub title: String,
    pub author: Option<String>,
    pub reply_count: i32,
    pub last_activity: String,
    pub locked: bool,
    /// Activity since the signed-in member last read it (never for visitors).
    pub unread: bool,
}

/// The address of a thread, on page `page`.
pub fn thread_path(id: ThreadId, title: &str, page: u64) -> String {
    let base = format!("/forum/t/{}-{}", id.0, crate::slug::slug(title, "thread"));
    if page > 1 {
        format!("{base}?page={page}")
    } else {
        base
    }
}

impl ThreadSummary {
    pub fn path(&self) -> String {
        thread_path(self.id, &self.title, 1)
    }
}

/// One page of a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryPage {
    pub category: Category,
    pub threads: Vec<ThreadSummary>,
    pub paging: Paging,
    /// Where the pages beside this one begin; none on an empty page.
    pub seek: Option<Seek>,
    pub posting: Posting,
}

/// The keys of a page's first and last rows, for links to the pages beside
/// it that seek by key (`after` the first, `before` the last) instead of
/// skipping rows from the top: the database reads only the page it shows,
/// however deep, and a list that moved meanwhile neither repeats nor skips
/// a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seek {
    pub first: String,
    pub last: String,
}

/// Where a page of a list paged by key begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start<'a> {
    /// At its number, counted from the top (the first page, or a number
    /// typed in the address).
    Number,
    /// Just below (older than) a row's key.
    Before(&'a str),
    /// Just above (newer than) a row's key.
    After(&'a str),
}

impl<'a> Start<'a> {
    /// From the `before` and `after` parameters of an address.
    pub fn of(before: Option<&'a str>, after: Option<&'a str>) -> Self {
        match (before, after) {
            (Some(key), _) => Self::Before(key),
            (None, Some(key)) => Self::After(key),
            (None, None) => Self::Number,
        }
    }
}

/// Whether the person looking may post, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Posting {
    SignedOut,
    Unverified,
    /// Suspended until the day given, or banned (`until` is `None`).
    Sanctioned {
        until: Option<String>,
        reason: String,
    },
    /// May post; `held` says new posts wait for a moderator first.
    Allowed {
        held: bool,
    },
}

/// A moderator's view of a post's state; members see only visible posts
/// (and their own held ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PostState {
    Visible,
    Pending,
    Hidden,
    Deleted,
}

impl PostState {
    /// The state in words, for moderators: "hidden by a moderator".
    pub const fn describe(self) -> &'static str {
        match self {
            Self::Visible => "visible to everyone",
            Self::Pending => "awaiting approval",
            Self::Hidden => "hidden by a moderator",
            Self::Deleted => "deleted",
        }
    }
}

/// A post on a thread page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostView {
    pub id: PostId,
    /// `None` once the author's account is deleted.
    pub author: Option<String>,
    pub posted: String,
    pub edited: bool,
    /// The Markdown rendered and sanitised on the server.
    pub html: String,
    pub state: PostState,
    pub mine: bool,
    /// The first post of a thread opens it.
    pub first: bool,
    /// The first post written since the member's last visit.
    pub first_new: bool,
}

/// A thread page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    pub id: ThreadId,
    pub title: String,
    pub category: Category,
    pub locked: bool,
    /// Whether the whole thread is hidden or deleted (moderators only see it).
    pub state: PostState,
    pub posts: Vec<PostView>,
    /// The start of a reply quoting the post the visitor chose to quote.
    pub quote: Option<String>,
    pub paging: Paging,
    pub posting: Posting,
    pub moderator: bool,
    /// Categories a moderator may move the thread to.
    pub categories: Vec<Category>,
}

impl ThreadView {
    pub fn path(&self, page: u64) -> String {
        thread_path(self.id, &self.title, page)
    }
}

/// A post opened for editing by its author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditablePost {
    pub id: PostId,
    pub thread: ThreadId,
    pub thread_title: String,
    /// Present when the post opens its thread: the title can change too.
    pub title: Option<String>,
    pub markdown: String,
}

/// An earlier text of a post, for moderators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub title: Option<String>,
    pub markdown: String,
    pub written: String,
    pub replaced: String,
}

/// A piece of a search snippet; `hit` pieces matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// One search result: a visible post and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub post: PostId,
    pub thread: ThreadId,
    pub thread_title: String,
    pub snippet: Vec<Segment>,
    pub author: Option<String>,
    pub posted: String,
}

impl SearchHit {
    pub fn path(&self) -> String {
        format!("/forum/p/{}", self.post.0)
    }
}

/// A page of search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    pub hits: Vec<SearchHit>,
    pub total: u64,
    pub paging: Paging,
}

/// Why a member was notified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    Reply,
    Mention,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reply => "reply",
            Self::Mention => "mention",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Reply, Self::Mention]
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }
}

/// One in-app notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub kind: NotificationKind,
    pub post: PostId,
    pub actor: Option<String>,
    pub thread_title: String,
    pub at: String,
    pub unread: bool,
}

impl Notification {
    /// Who did what, before the thread's title: "ada replied to".
    pub fn headline(&self) -> String {
        let who = self.actor.as_deref().unwrap_or("A former member");
        let what = match self.kind {
            NotificationKind::Reply => "replied to",
            NotificationKind::Mention => "mentioned you in",
        };
        format!("{who} {what}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_query_adds_to_the_query_and_replaces_the_fragment() {
        assert_eq!(
            with_query("/forum/t/1-a", "page=2", ""),
            "/forum/t/1-a?page=2"
        );
        assert_eq!(
            with_query("/forum/t/1-a?page=2#post-9", "quote=9", "compose"),
            "/forum/t/1-a?page=2&quote=9#compose"
        );
    }

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(
            PostTitle::parse("  Hello forum ").map(|t| t.as_str().to_owned()),
            Ok("Hello forum".to_owned())
        );
        assert!(PostTitle::parse("hi").is_err());
        assert!(PostTitle::parse(&"x".repeat(151)).is_err());
        assert!(PostTitle::parse("two\nlines").is_err());
    }

    #[test]
    fn bodies_are_bounded_and_keep_newlines() {
        assert_eq!(
            PostBody::parse("a\r\nb").map(|b| b.as_str().to_owned()),
            Ok("a\nb".to_owned())
        );
        assert!(PostBody::parse(" ").is_err());
        assert!(PostBody::parse(&"x".repeat(20_001)).is_err());
        assert!(PostBody::parse("bell\u{7}").is_err());
    }

    #[test]
    fn links_are_counted_in_every_form() -> Result<(), String> {
        let body = PostBody::parse(
            "[a](https://a.example) <http://b.example> www.c.example mailto:x@y.example",
        )?;
        assert_eq!(body.link_count(), 4);
        Ok(())
    }

    #[test]
    fn mentions_skip_email_addresses_and_repeats() -> Result<(), String> {
        let body = PostBody::parse("@ada and @Ada, mail me at bob@example.org, cc @grace.h. @x")?;
        assert_eq!(body.mentions(), ["ada", "grace.h"]);
        Ok(())
    }

    #[test]
    fn paging_clamps_the_page() {
        assert_eq!(
            Paging::of(0, 0, 20),
            Paging {
                number: 1,
                total: 1
            }
        );
        assert_eq!(
            Paging::of(9, 41, 20),
            Paging {
                number: 3,
                total: 3
            }
        );
        assert_eq!(Paging::of(2, 41, 20).offset(20), 20);
    }

    #[test]
    fn report_reasons_round_trip() {
        for reason in ReportReason::ALL {
            assert_eq!(ReportReason::parse(reason.as_str()), Some(reason));
        }
    }

    proptest::proptest! {
        #[test]
        fn any_title_input_is_refused_or_one_trimmed_line_of_3_to_150(input in "\\PC{0,160}|[ a\\n\\t]{0,10}") {
            if let Ok(title) = PostTitle::parse(&input) {
                let length = title.as_str().chars().count();
                proptest::prop_assert!((3..=150).contains(&length));
                proptest::prop_assert_eq!(title.as_str(), title.as_str().trim());
                proptest::prop_assert!(!title.as_str().chars().any(char::is_control));
            }
        }

        #[test]
        fn any_body_input_is_refused_or_2_to_20000_characters_without_stray_controls(input in "\\PC{0,300}|[ \\u{0}-\\u{1f}ab]{0,20}") {
            if let Ok(body) = PostBody::parse(&input) {
                let text = body.as_str();
                proptest::prop_assert!((2..=PostBody::MAX).contains(&text.chars().count()));
                proptest::prop_assert!(!text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')));
            }
        }
    }
}
