//! Reading what the API does not show: the outbox's rows, the sessions, the audit trail.

use crate::support::helpers::*;
use diesel::prelude::*;
use persistence::schema::{audit_events, outbox, refresh_tokens, sessions};

/// An outbox row as the sweep leaves it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub payload: serde_json::Value,
    pub status: String,
    pub attempts: i32,
    pub sent_at: Option<chrono::NaiveDateTime>,
}

#[derive(Queryable)]
struct StoredRow {
    id: String,
    channel: String,
    recipient: String,
    payload: String,
    status: String,
    attempts: i32,
    sent_at: Option<chrono::NaiveDateTime>,
}

/// The messages (email, SMS) in the outbox, oldest first.
pub fn messages(app: &TestApp) -> Vec<OutboxRow> {
    let rows: Vec<StoredRow> = app
        .database()
        .read(|conn| {
            Ok(outbox::table
                .filter(outbox::channel.ne("webhook"))
                .order(outbox::id.asc())
                .select((
                    outbox::id,
                    outbox::channel,
                    outbox::recipient,
                    outbox::payload,
                    outbox::status,
                    outbox::attempts,
                    outbox::sent_at,
                ))
                .load(conn)?)
        })
        .unwrap();
    rows.into_iter()
        .map(|r| OutboxRow {
            id: r.id,
            channel: r.channel,
            recipient: r.recipient,
            payload: serde_json::from_str(&r.payload).unwrap(),
            status: r.status,
            attempts: r.attempts,
            sent_at: r.sent_at,
        })
        .collect()
}

/// The ids of the audit trail's events, oldest first.
pub fn audit_ids(app: &TestApp) -> Vec<String> {
    app.database()
        .read(|conn| {
            Ok(audit_events::table
                .order(audit_events::id.asc())
                .select(audit_events::id)
                .load(conn)?)
        })
        .unwrap()
}

/// Sessions as `(id, ended)`, and how many refresh tokens each has.
pub fn sessions(app: &TestApp) -> Vec<(String, bool, usize)> {
    let db = app.database();
    let rows: Vec<(String, Option<chrono::NaiveDateTime>)> = db
        .read(|conn| {
            Ok(sessions::table
                .order(sessions::id.asc())
                .select((sessions::id, sessions::ended_at))
                .load(conn)?)
        })
        .unwrap();
    let tokens: Vec<String> = db
        .read(|conn| {
            Ok(refresh_tokens::table
                .select(refresh_tokens::session_id)
                .load(conn)?)
        })
        .unwrap();
    rows.into_iter()
        .map(|(id, ended)| {
            let n = tokens.iter().filter(|s| **s == id).count();
            (id, ended.is_some(), n)
        })
        .collect()
}

/// Rows of a table of codes, by name (`sign_ups`, `password_resets`, `login_changes`).
pub fn count(app: &TestApp, table: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    app.database()
        .read(move |conn| {
            let c: Count = match conn {
                persistence::DbConnection::Sqlite(c) => diesel::sql_query(&sql).get_result(c)?,
                persistence::DbConnection::Pg(c) => diesel::sql_query(&sql).get_result(c)?,
            };
            Ok(c.n)
        })
        .unwrap()
}

/// Moves the server's clock by `days` and runs the upkeep.
pub async fn days_later(app: &TestApp, days: i64) {
    app.clock.advance(chrono::Duration::days(days));
    app.run_upkeep().await;
}
