//! The outbox, scrubbed of an erased person (rule 14): the messages to their logins erased as
//! retention erases them (pending ones stop), and every row whose body or last error holds a
//! trace of them rewritten without it.

use super::retention::{tombstone, DbBackend};
use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{Key, Literal};
use crate::base::schema::outbox;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::ids::AccountId;

/// Messages (not webhook deliveries) to any of `logins`, in `account` or everywhere.
macro_rules! messages_to {
    ($logins:expr, $account:expr) => {{
        let mut query = outbox::table
            .filter(outbox::channel.ne(Literal::word("webhook")))
            .filter(outbox::recipient.eq_any($logins))
            .into_boxed();
        if let Some(account) = $account {
            query = query.filter(outbox::account_id.eq(account.key()));
        }
        query
    }};
}

/// Stops the messages to any of `logins` not sent yet (given up: `failed`, "erased"), then
/// erases every one's body and recipient, the row kept as retention keeps it (its
/// [`tombstone`]); how many.
pub(crate) fn erase_messages_to(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    logins: &[String],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let ids: Vec<String> = messages_to!(logins, account)
        .select(outbox::id)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(&ids))
            .filter(outbox::status.eq_any(["pending", "paused"])),
    )
    .set((
        outbox::status.eq("failed"),
        outbox::locked_until.eq(None::<chrono::NaiveDateTime>),
        outbox::next_attempt_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    let target = outbox::table.filter(outbox::id.eq_any(&ids));
    let cleared = (
        outbox::recipient.eq(""),
        outbox::last_error.eq(Some(domain::erasure::ERASED_TEXT)),
    );
    Ok(match conn {
        DbConnection::Sqlite(c) => {
            let tombstone = tombstone(DbBackend::Sqlite);
            diesel::update(target)
                .set((outbox::payload.eq(tombstone), cleared))
                .execute(c)?
        }
        DbConnection::Pg(c) => {
            let tombstone = tombstone(DbBackend::Pg);
            diesel::update(target)
                .set((outbox::payload.eq(tombstone), cleared))
                .execute(c)?
        }
    })
}

/// The rows, in `account` or everywhere, whose body or last error holds one of `patterns`
/// (`LIKE`): id, body, last error.
pub(crate) fn with_traces(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    patterns: &[String],
) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
    let mut query = outbox::table
        .filter(
            crate::base::page::like_any!(outbox::table, outbox::payload, patterns).or(
                crate::base::page::like_any!(
                    outbox::table,
                    outbox::last_error.assume_not_null(),
                    patterns
                ),
            ),
        )
        .select((outbox::id, outbox::payload, outbox::last_error))
        .into_boxed();
    if let Some(account) = account {
        query = query.filter(outbox::account_id.eq(account.key()));
    }
    Ok(query.load(conn)?)
}

/// Writes a row's body and last error, scrubbed of a person.
pub(crate) fn set_scrubbed(
    conn: &mut DbConnection,
    id: &str,
    payload: &str,
    last_error: Option<&str>,
) -> Result<(), StoreError> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::payload.eq(payload),
            outbox::last_error.eq(last_error),
        ))
        .execute(conn)?;
    Ok(())
}
