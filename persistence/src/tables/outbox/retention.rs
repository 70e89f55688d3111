//! The outbox's retention (issue #32): a message's body and recipient are erased once it was
//! sent or given up long enough ago — the row stays, a tombstone `{"kind": …, "erased": true}`
//! with its status, channel, times and attempts —, and a webhook's finished deliveries are
//! deleted, body and all. In batches, each its own statement; the same condition on the rows
//! written as on the rows chosen, so that a row that changed meanwhile is left alone.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Literal;
use crate::base::schema::outbox;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

/// Messages (`webhook == false`) or deliveries finished before `cutoff` and not erased yet:
/// sent or given up, last due and sent before it. `recipient <> ''` is the partial index
/// `outbox_kept`'s condition, word for word.
macro_rules! finished_before {
    ($cutoff:expr, $webhook:expr) => {{
        outbox::table
            .filter(outbox::recipient.ne(Literal::word("")))
            .filter(outbox::next_attempt_at.lt($cutoff))
            .filter(outbox::status.eq_any(["sent", "failed"]))
            .filter(outbox::sent_at.is_null().or(outbox::sent_at.lt($cutoff)))
            .filter(outbox::channel.eq("webhook").eq($webhook))
    }};
}

fn oldest_finished(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    webhook: bool,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(match conn {
        DbConnection::Sqlite(c) => finished_before!(cutoff, webhook)
            .select(outbox::id)
            .limit(limit)
            .load(c)?,
        DbConnection::Pg(c) => finished_before!(cutoff, webhook)
            .select(outbox::id)
            .limit(limit)
            .load(c)?,
    })
}

/// Erases up to `limit` messages' bodies and recipients, of those sent or given up before
/// `cutoff`; returns how many. In no order: sorting every row past its period would cost a
/// first sweep over a long-kept outbox more than the batch itself.
pub(crate) fn erase_messages(
    conn: &mut DbConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let cutoff = cutoff.naive_utc();
    let ids = oldest_finished(conn, cutoff, false, limit)?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(match conn {
        DbConnection::Sqlite(c) => {
            let tombstone = diesel::dsl::sql::<diesel::sql_types::Text>(
                "json_object('kind', json_extract(payload, '$.kind'), 'erased', json('true'))",
            );
            diesel::update(finished_before!(cutoff, false).filter(outbox::id.eq_any(ids)))
                .set((outbox::payload.eq(tombstone), outbox::recipient.eq("")))
                .execute(c)?
        }
        DbConnection::Pg(c) => {
            let tombstone = diesel::dsl::sql::<diesel::sql_types::Text>(
                "json_build_object('kind', payload::jsonb ->> 'kind', 'erased', true)::text",
            );
            diesel::update(finished_before!(cutoff, false).filter(outbox::id.eq_any(ids)))
                .set((outbox::payload.eq(tombstone), outbox::recipient.eq("")))
                .execute(c)?
        }
    })
}

/// Deletes up to `limit` webhook deliveries, of those delivered or given up before `cutoff`;
/// returns how many.
pub(crate) fn delete_deliveries(
    conn: &mut DbConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let cutoff = cutoff.naive_utc();
    let ids = oldest_finished(conn, cutoff, true, limit)?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(match conn {
        DbConnection::Sqlite(c) => {
            diesel::delete(finished_before!(cutoff, true).filter(outbox::id.eq_any(ids)))
                .execute(c)?
        }
        DbConnection::Pg(c) => {
            diesel::delete(finished_before!(cutoff, true).filter(outbox::id.eq_any(ids)))
                .execute(c)?
        }
    })
}
