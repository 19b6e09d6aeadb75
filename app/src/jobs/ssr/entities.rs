//! The jobs feature's tables.

pub mod job {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "jobs")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub title: String,
        pub team: String,
        pub location: String,
        pub workplace: String,
        pub employment: String,
        #[sea_orm(column_type = "Text")]
        pub description: String,
        pub open: bool,
        pub closes_on: Option<TimeDate>,
        /// When a recruiter last closed the posting; `None` while open.
        pub closed_at: Option<TimeDateTimeWithTimeZone>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod application {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "job_applications")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub job_id: i64,
        pub status: String,
        pub full_name: Option<String>,
        pub street: Option<String>,
        pub city: Option<String>,
        pub postal_code: Option<String>,
        pub country: Option<String>,
        pub phone: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub cover_note: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub links: Option<String>,
        pub resume_key: Option<String>,
        pub resume_kind: Option<String>,
        pub resume_bytes: Option<i32>,
        pub email: Option<String>,
        pub email_key: Option<String>,
        pub claim_hash: Option<String>,
        pub claim_expires_at: Option<TimeDateTimeWithTimeZone>,
        pub access_hash: Option<String>,
        pub submitted_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
        pub decided_at: Option<TimeDateTimeWithTimeZone>,
        pub erased_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "job_application_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub application_id: i64,
        pub status: String,
        pub actor_id: Option<i64>,
        pub mailed: bool,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod note {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "job_application_notes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub application_id: i64,
        pub author_id: Option<i64>,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod update {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "job_application_updates")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub application_id: i64,
        pub full_name: Option<String>,
        pub street: Option<String>,
        pub city: Option<String>,
        pub postal_code: Option<String>,
        pub country: Option<String>,
        pub phone: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub cover_note: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub links: Option<String>,
        pub resume_key: Option<String>,
        pub resume_kind: Option<String>,
        pub resume_bytes: Option<i32>,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
