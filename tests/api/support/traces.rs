//! Where a text is stored: every text column of every table of the server's database (listed
//! from the database's own catalogue, so a table added later is scanned too) searched for it,
//! any case. What an erasure must leave empty (issue #32).

use crate::support::helpers::TestApp;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use persistence::DbConnection;

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    t: String,
    #[diesel(sql_type = Text)]
    c: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Every text column of the database: `(table, column)`.
fn text_columns(conn: &mut DbConnection) -> Vec<(String, String)> {
    let columns: Vec<Column> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             AND (upper(p.type) LIKE '%TEXT%' OR upper(p.type) LIKE '%CHAR%' OR p.type = '')",
        )
        .load(c)
        .expect("SQLite's columns"),
        DbConnection::Pg(c) => diesel::sql_query(
            "SELECT table_name::text AS t, column_name::text AS c \
             FROM information_schema.columns WHERE table_schema = 'public' \
             AND data_type IN ('text', 'character varying', 'json', 'jsonb')",
        )
        .load(c)
        .expect("PostgreSQL's columns"),
    };
    columns.into_iter().map(|c| (c.t, c.c)).collect()
}

/// How many rows of `table` hold `needle` in `column`, any case.
fn rows_holding(conn: &mut DbConnection, table: &str, column: &str, needle: &str) -> i64 {
    let pattern = format!("%{}%", needle.to_lowercase().replace('\'', "''"));
    let sql = format!(
        "SELECT count(*) AS n FROM \"{table}\" WHERE lower(CAST(\"{column}\" AS TEXT)) LIKE '{pattern}'"
    );
    let counted: Vec<Count> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(sql).load(c),
        DbConnection::Pg(c) => diesel::sql_query(sql).load(c),
    }
    .expect("a scan of a column");
    counted.first().map_or(0, |c| c.n)
}

/// Each place one of `needles` is stored: `table.column holds "needle" (n rows)`. Empty when
/// none is stored anywhere.
pub fn stored_anywhere(app: &TestApp, needles: &[&str]) -> Vec<String> {
    let needles: Vec<String> = needles.iter().map(|n| (*n).to_owned()).collect();
    app.database()
        .read(move |conn| {
            let mut found = Vec::new();
            for (table, column) in text_columns(conn) {
                for needle in &needles {
                    let n = rows_holding(conn, &table, &column, needle);
                    if n > 0 {
                        found.push(format!("{table}.{column} holds {needle:?} ({n} rows)"));
                    }
                }
            }
            Ok(found)
        })
        .expect("the database scanned")
}

/// How many rows of `table` hold `needle` in `column`, any case.
pub fn count_in(app: &TestApp, table: &str, column: &str, needle: &str) -> i64 {
    let (table, column, needle) = (table.to_owned(), column.to_owned(), needle.to_owned());
    app.database()
        .read(move |conn| Ok(rows_holding(conn, &table, &column, &needle)))
        .expect("a column scanned")
}
