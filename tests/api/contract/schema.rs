//! `persistence/src/schema.rs` (the one portable schema) and the migrations of the backend
//! under test name the same tables and columns. Not a black-box test: it reads the schema.

use crate::support::helpers::TestDatabase;
use diesel::prelude::*;
use diesel::sql_types::Text;
use persistence::schema::*;
use persistence::{Database, DbConnection, PoolOptions};
use std::collections::{BTreeMap, BTreeSet};

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
}

/// Column names of a `SELECT table.*` that diesel writes for the schema.
fn schema_columns(sql: &str) -> BTreeSet<String> {
    let select = sql
        .split(" FROM ")
        .next()
        .unwrap()
        .trim_start_matches("SELECT ");
    select
        .split(", ")
        .map(|c| c.rsplit('.').next().unwrap().trim_matches('`').to_owned())
        .collect()
}

macro_rules! schema_of {
    ($($table:ident),+ $(,)?) => {{
        let mut tables = BTreeMap::new();
        $(
            let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(
                &$table::table.select($table::all_columns),
            )
            .to_string();
            tables.insert(stringify!($table).to_owned(), schema_columns(&sql));
        )+
        tables
    }};
}

#[test]
fn schema_matches_migrations() {
    let (_guard, url) = TestDatabase::create();
    let db = Database::connect(&url, &PoolOptions::default()).unwrap();
    db.migrate().unwrap();
    let expected = schema_of!(
        accounts,
        account_seats,
        identities,
        login_changes,
        users,
        workgroups,
        memberships,
        invitations,
        outbox,
        audit_events,
        idempotency_keys,
        api_tokens,
        webhooks,
        sign_ups,
        sending_counters,
        code_attempts,
        sessions,
        refresh_tokens,
        password_resets,
        rate_buckets,
        join_links,
        join_requests,
        access_reviews,
        access_review_items,
        two_factors,
        recovery_codes,
        erasure_codes,
    );
    let columns: Vec<Column> = db
        .read(|conn| {
            let sql = match conn {
                DbConnection::Sqlite(_) => {
                    "SELECT m.name AS table_name, p.name AS name FROM sqlite_master m \
                     JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
                     AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'"
                }
                DbConnection::Pg(_) => {
                    "SELECT table_name::text AS table_name, column_name::text AS name \
                     FROM information_schema.columns WHERE table_schema = 'public' \
                     AND table_name <> '__diesel_schema_migrations'"
                }
            };
            Ok(diesel::sql_query(sql).load(conn)?)
        })
        .unwrap();
    let mut actual: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in columns {
        actual.entry(c.table_name).or_default().insert(c.name);
    }
    assert_eq!(actual, expected, "schema.rs and the migrations disagree");
}
