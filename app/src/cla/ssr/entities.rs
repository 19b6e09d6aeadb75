//! Tables of the contributor agreement feature.

pub mod signature {
    use sea_orm::entity::prelude::*;

    /// Individual agreements; corporate ones carry the company too.
    pub const INDIVIDUAL: &str = "individual";
    pub const CORPORATE: &str = "corporate";

    /// One signature: who, which version (and its SHA-256), the exact
    /// fields, when. Append-only, except that revoking sets the two
    /// `revoked`/`revocation` fields and confirming the contact address
    /// sets `email_confirmed_at`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cla_signatures")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The signer's account; emptied if the account is deleted.
        pub account_id: Option<i64>,
        pub document_id: i64,
        pub kind: String,
        pub version: i32,
        pub sha256: String,
        pub full_name: String,
        pub email: String,
        pub email_key: String,
        #[sea_orm(column_type = "Text", nullable)]
        pub postal_address: Option<String>,
        pub github_login: Option<String>,
        pub github_login_key: Option<String>,
        pub company_name: Option<String>,
        pub signatory_title: Option<String>,
        pub signature: String,
        pub signed_at: TimeDateTimeWithTimeZone,
        pub revoked_at: Option<TimeDateTimeWithTimeZone>,
        pub revocation_reason: Option<String>,
        /// When the owner of `email` confirmed it; until then the address
        /// covers no one.
        pub email_confirmed_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod delivery {
    use sea_orm::entity::prelude::*;

    /// A GitHub webhook delivery already answered: a replay is refused.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cla_webhook_deliveries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub delivery_id: String,
        pub received_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod covered {
    use sea_orm::entity::prelude::*;

    pub const GITHUB: &str = "github";
    pub const EMAIL: &str = "email";
    pub const DOMAIN: &str = "domain";

    /// Who a corporate signature covers: a GitHub login, an address or a
    /// domain. Never deleted: removing one sets `removed_*`, so the rows
    /// are the log of every change to the list.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cla_covered_contributors")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub signature_id: i64,
        pub kind: String,
        pub value: String,
        pub value_key: String,
        pub added_by: Option<i64>,
        pub added_at: TimeDateTimeWithTimeZone,
        pub removed_by: Option<i64>,
        pub removed_at: Option<TimeDateTimeWithTimeZone>,
        /// The administrator who approved the entry; empty with an
        /// `approved_at` when the signer's confirmed address is on its domain.
        pub approved_by: Option<i64>,
        /// Until set, the entry covers no one.
        pub approved_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod confirmation {
    use sea_orm::entity::prelude::*;

    /// A link mailed to a signature's contact address: single use,
    /// expiring, stored as the SHA-256 of the token.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cla_email_confirmations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub signature_id: i64,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub expires_at: TimeDateTimeWithTimeZone,
        pub used_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
