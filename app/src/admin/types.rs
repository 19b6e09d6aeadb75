use serde::{Deserialize, Serialize};

use crate::accounts::Role;

/// A member as the roles page shows them: no email address, no dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRoles {
    pub id: i64,
    pub username: String,
    pub roles: Vec<Role>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub at: String,
    pub actor: Option<String>,
    pub target: Option<String>,
    pub kind: String,
    pub detail: String,
}

/// What a role change did to the member's sessions, said on the page
/// afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionsAfter {
    /// Another member's roles changed: their sessions ended.
    Ended(u64),
    /// The administrator's own roles changed: this session was renewed
    /// (same sign-in, new id) and their other sessions ended.
    Renewed { others_ended: u64 },
}

impl SessionsAfter {
    /// The page's address that says so.
    pub fn page(self) -> String {
        match self {
            Self::Ended(count) => format!("/admin/members?sessions=ended&count={count}"),
            Self::Renewed { others_ended } => {
                format!("/admin/members?sessions=renewed&count={others_ended}")
            }
        }
    }

    /// Read back from the page's query string.
    pub fn from_query(kind: Option<&str>, count: Option<&str>) -> Option<Self> {
        let count = count?.parse().ok()?;
        match kind? {
            "ended" => Some(Self::Ended(count)),
            "renewed" => Some(Self::Renewed {
                others_ended: count,
            }),
            _ => None,
        }
    }

    /// In plain words.
    pub fn message(self) -> String {
        let sessions = |count: u64| match count {
            1 => "1 session".to_owned(),
            count => format!("{count} sessions"),
        };
        match self {
            Self::Ended(0) => {
                "Roles changed. The member was not signed in anywhere; the new roles apply at their next sign-in.".to_owned()
            }
            Self::Ended(count) => format!(
                "Roles changed. The member's {} ended, so they sign in again to use the new roles.",
                sessions(count)
            ),
            Self::Renewed { others_ended: 0 } => {
                "Your roles changed. You stay signed in here: this session was renewed with the new roles.".to_owned()
            }
            Self::Renewed { others_ended } => format!(
                "Your roles changed. You stay signed in here: this session was renewed with the new roles. Your other {} ended; sign in again there.",
                sessions(others_ended)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_after_survives_the_address() {
        for after in [
            SessionsAfter::Ended(0),
            SessionsAfter::Ended(3),
            SessionsAfter::Renewed { others_ended: 1 },
        ] {
            let page = after.page();
            let query: std::collections::HashMap<String, String> =
                form_urlencoded::parse(page.split_once('?').map_or("", |(_, q)| q).as_bytes())
                    .into_owned()
                    .collect();
            let back = SessionsAfter::from_query(
                query.get("sessions").map(String::as_str),
                query.get("count").map(String::as_str),
            );
            assert_eq!(back, Some(after));
        }
    }
}
