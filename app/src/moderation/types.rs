//! What moderators do and see: actions, the queue and the log.

use serde::{Deserialize, Serialize};

use crate::forum::{PostId, PostState, ReportReason, ThreadId};

/// The id of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReportId(pub i64);

/// The id of a suspension or ban.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SanctionId(pub i64);

/// Every kind of entry in the moderation log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    ApprovePost,
    HidePost,
    UnhidePost,
    DeletePost,
    RestorePost,
    LockThread,
    UnlockThread,
    MoveThread,
    ResolveReport,
    SuspendMember,
    BanMember,
    LiftSanction,
}

impl ActionKind {
    pub const ALL: [Self; 12] = [
        Self::ApprovePost,
        Self::HidePost,
        Self::UnhidePost,
        Self::DeletePost,
        Self::RestorePost,
        Self::LockThread,
        Self::UnlockThread,
        Self::MoveThread,
        Self::ResolveReport,
        Self::SuspendMember,
        Self::BanMember,
        Self::LiftSanction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApprovePost => "approve_post",
            Self::HidePost => "hide_post",
            Self::UnhidePost => "unhide_post",
            Self::DeletePost => "delete_post",
            Self::RestorePost => "restore_post",
            Self::LockThread => "lock_thread",
            Self::UnlockThread => "unlock_thread",
            Self::MoveThread => "move_thread",
            Self::ResolveReport => "resolve_report",
            Self::SuspendMember => "suspend_member",
            Self::BanMember => "ban_member",
            Self::LiftSanction => "lift_sanction",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ApprovePost => "Approved a post",
            Self::HidePost => "Hid a post",
            Self::UnhidePost => "Unhid a post",
            Self::DeletePost => "Deleted a post",
            Self::RestorePost => "Restored a post",
            Self::LockThread => "Locked a thread",
            Self::UnlockThread => "Unlocked a thread",
            Self::MoveThread => "Moved a thread",
            Self::ResolveReport => "Resolved a report",
            Self::SuspendMember => "Suspended a member",
            Self::BanMember => "Banned a member",
            Self::LiftSanction => "Lifted a suspension or ban",
        }
    }
}

/// What a moderator does to one post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostAction {
    Approve,
    Hide,
    Unhide,
    Delete,
    Restore,
}

impl PostAction {
    pub fn kind(self) -> ActionKind {
        match self {
            Self::Approve => ActionKind::ApprovePost,
            Self::Hide => ActionKind::HidePost,
            Self::Unhide => ActionKind::UnhidePost,
            Self::Delete => ActionKind::DeletePost,
            Self::Restore => ActionKind::RestorePost,
        }
    }

    /// The form value, as the server function reads it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Hide => "hide",
            Self::Unhide => "unhide",
            Self::Delete => "delete",
            Self::Restore => "restore",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Approve => "Approve",
            Self::Hide => "Hide",
            Self::Unhide => "Unhide",
            Self::Delete => "Delete",
            Self::Restore => "Restore",
        }
    }

    /// The actions that make sense for a post in `state`.
    pub fn for_state(state: PostState) -> &'static [Self] {
        match state {
            PostState::Visible => &[Self::Hide, Self::Delete],
            PostState::Pending => &[Self::Approve, Self::Delete],
            PostState::Hidden => &[Self::Unhide, Self::Delete],
            PostState::Deleted => &[Self::Restore],
        }
    }
}

/// What a moderator does to a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadAction {
    Lock,
    Unlock,
    Move,
}

/// A suspension for some days, or a ban.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionKind {
    Suspension,
    Ban,
}

impl SanctionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Suspension => "suspension",
            Self::Ban => "ban",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Suspension, Self::Ban]
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }
}

/// A moderator's reason: 3 to 1,000 characters, shown to the member for
/// sanctions and kept in the log.
pub fn parse_reason(value: &str) -> Result<String, String> {
    let reason = value.trim();
    let length = reason.chars().count();
    if length < 3 {
        return Err("Give a reason; it goes into the moderation log.".to_owned());
    }
    if length > 1000 {
        return Err("Keep the reason to 1,000 characters.".to_owned());
    }
    Ok(reason.to_owned())
}

/// One member's flag on a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub reporter: String,
    pub reason: ReportReason,
    pub note: Option<String>,
    pub at: String,
}

/// An open report in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub id: ReportId,
    pub post: PostId,
    pub thread: ThreadId,
    pub thread_title: String,
    pub author: Option<String>,
    /// The post's text when it was first reported.
    pub reported_text: String,
    pub state: PostState,
    pub flags: Vec<Flag>,
}

/// A post waiting for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingPost {
    pub post: PostId,
    pub thread: ThreadId,
    pub thread_title: String,
    pub author: Option<String>,
    pub markdown: String,
    pub posted: String,
}

/// A suspension or ban in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SanctionView {
    pub id: SanctionId,
    pub member: String,
    pub kind: SanctionKind,
    pub reason: String,
    pub until: Option<String>,
}

/// The moderation queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub reports: Vec<ReportView>,
    pub pending: Vec<PendingPost>,
    pub sanctions: Vec<SanctionView>,
}

/// One row of the moderation log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub kind: ActionKind,
    pub moderator: Option<String>,
    /// "post 12", "thread 3", "member ada", "report 5".
    pub target: String,
    pub reason: String,
    pub expires: Option<String>,
    pub at: String,
}

/// A page of the log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogPage {
    pub entries: Vec<LogEntry>,
    pub paging: crate::forum::Paging,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_kinds_round_trip() {
        for kind in ActionKind::ALL {
            assert_eq!(ActionKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn reasons_are_required() {
        assert!(parse_reason(" ").is_err());
        assert_eq!(parse_reason(" spam ring "), Ok("spam ring".to_owned()));
    }
}
