//! The forum's tables.

pub mod category {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "forum_categories")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        #[sea_orm(column_type = "Text")]
        pub description: String,
        pub position: i32,
        pub created_at: TimeDateTimeWithTimeZone,
        /// How many of its threads are public (kept by `recount_category`).
        pub public_threads: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod thread {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "forum_threads")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub category_id: i64,
        pub author_id: Option<i64>,
        pub title: String,
        pub first_post_id: Option<i64>,
        pub locked: bool,
        pub reply_count: i32,
        pub last_activity_at: TimeDateTimeWithTimeZone,
        pub created_at: TimeDateTimeWithTimeZone,
        /// Whether the first post is public (kept by `refresh_thread`).
        pub public: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::category::Entity",
            from = "Column::CategoryId",
            to = "super::category::Column::Id"
        )]
        Category,
        #[sea_orm(
            belongs_to = "crate::accounts::ssr::account::Entity",
            from = "Column::AuthorId",
            to = "crate::accounts::ssr::account::Column::Id"
        )]
        Author,
    }

    impl Related<crate::accounts::ssr::account::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Author.def()
        }
    }

    impl Related<super::category::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Category.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod post {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "forum_posts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub thread_id: i64,
        pub author_id: Option<i64>,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        /// `body` rendered and sanitised when it was written; `None` for
        /// posts written before the column existed.
        #[sea_orm(column_type = "Text", nullable)]
        pub body_html: Option<String>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub edited_at: Option<TimeDateTimeWithTimeZone>,
        pub approved_at: Option<TimeDateTimeWithTimeZone>,
        pub hidden_at: Option<TimeDateTimeWithTimeZone>,
        pub deleted_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "crate::accounts::ssr::account::Entity",
            from = "Column::AuthorId",
            to = "crate::accounts::ssr::account::Column::Id"
        )]
        Author,
    }

    impl Related<crate::accounts::ssr::account::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Author.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod revision {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "forum_post_revisions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub post_id: i64,
        pub title: Option<String>,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub written_at: TimeDateTimeWithTimeZone,
        pub replaced_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod read {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "forum_reads")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub account_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub thread_id: i64,
        pub read_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod notification {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notifications")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub kind: String,
        pub post_id: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub read_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
