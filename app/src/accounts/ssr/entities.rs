//! Tables of the accounts feature.

pub mod account {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "accounts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub username: String,
        #[sea_orm(unique)]
        pub username_key: String,
        pub email: String,
        #[sea_orm(unique)]
        pub email_key: String,
        pub email_verified_at: Option<TimeDateTimeWithTimeZone>,
        #[sea_orm(column_type = "Text", nullable)]
        pub password_hash: Option<String>,
        pub age_confirmed_at: TimeDateTimeWithTimeZone,
        pub created_at: TimeDateTimeWithTimeZone,
        /// When the member last chose a new username; once per 30 days.
        pub username_changed_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod account_role {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account_roles")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub account_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub role: String,
        pub granted_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod account_token {
    use sea_orm::entity::prelude::*;

    /// What a mailed token allows.
    pub const VERIFY_EMAIL: &str = "verify_email";
    pub const RESET_PASSWORD: &str = "reset_password";
    pub const CHANGE_EMAIL: &str = "change_email";
    pub const DELETE_ACCOUNT: &str = "delete_account";

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub purpose: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub new_email: Option<String>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub expires_at: TimeDateTimeWithTimeZone,
        pub used_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod consent {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consents")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub document_id: i64,
        pub document_version: i32,
        pub document_sha256: String,
        pub accepted_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_entry {
    use sea_orm::entity::prelude::*;

    /// Append-only: rows are inserted, never updated or deleted.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: String,
        pub actor_id: Option<i64>,
        pub target_id: Option<i64>,
        pub detail: String,
        pub at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod username_reservation {
    use sea_orm::entity::prelude::*;

    /// A username a member left, kept for them for a while.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "username_reservations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub username_key: String,
        pub account_id: i64,
        pub reserved_until: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod retired_username {
    use sea_orm::entity::prelude::*;

    /// The username of a deleted account, as a keyed hash, kept from
    /// anyone else for a while.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "retired_usernames")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key_hash: String,
        pub retired_until: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod second_factor {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "second_factors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub account_id: i64,
        /// Base32 TOTP secret.
        pub secret: String,
        pub created_at: TimeDateTimeWithTimeZone,
        /// `None` while enrolment waits for the first code.
        pub enabled_at: Option<TimeDateTimeWithTimeZone>,
        /// The last accepted time step: a code is accepted only once.
        pub last_used_step: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod recovery_code {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "recovery_codes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub code_hash: String,
        pub used_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod pending_sign_in {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "pending_sign_ins")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub account_id: i64,
        pub remember: bool,
        pub attempts: i32,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod identity {
    use sea_orm::entity::prelude::*;

    /// An account at GitHub or an OpenID Connect provider, linked to ours.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account_identities")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        /// The provider's key in the configuration, e.g. `github`.
        pub provider: String,
        /// The provider's stable id for the person (GitHub: the numeric id).
        pub subject: String,
        /// GitHub login or `preferred_username`, refreshed at each sign-in.
        pub login: Option<String>,
        pub login_key: Option<String>,
        pub email: Option<String>,
        pub email_verified: bool,
        pub created_at: TimeDateTimeWithTimeZone,
        pub last_sign_in_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod sign_in_flow {
    use sea_orm::entity::prelude::*;

    /// A sign-in with a provider, from the button to the account: first
    /// what the callback must match, then who the provider said it was.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sign_in_flows")]
    pub struct Model {
        /// Hash of the browser's flow cookie.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id_hash: String,
        pub provider: String,
        /// The signed-in member who is linking an identity, if any.
        pub account_id: Option<i64>,
        pub state_hash: String,
        pub pkce_verifier: String,
        pub nonce: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub subject: Option<String>,
        pub login: Option<String>,
        pub email: Option<String>,
        pub email_verified: bool,
        pub identified_at: Option<TimeDateTimeWithTimeZone>,
        /// A mailed link that confirms linking to `mail_account_id`.
        #[sea_orm(unique)]
        pub mail_token_hash: Option<String>,
        pub mail_account_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod registration_hold {
    use sea_orm::entity::prelude::*;

    /// A username asked for with an address that already has an account:
    /// reserved, and answering sign-ins, as an unconfirmed account would be.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "registration_holds")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub username_key: String,
        pub email_key: String,
        #[sea_orm(column_type = "Text")]
        pub password_hash: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub expires_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
