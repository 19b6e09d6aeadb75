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
