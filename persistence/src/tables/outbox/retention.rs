//! The outbox's retention (issue #32): a message's body and recipient are erased once it was
//! sent or given up long enough ago — the row stays, a tombstone `{"kind": …, "erased": true}`
//! with its status, channel, times and attempts —, and a webhook's finished deliveries are
//! deleted, body and all, and so are its paused ones that could never be sent any more
//! (`domain::retention::paused_delivery_cutoff`). In batches, each its own statement; the same
//! condition on the rows written as on the rows chosen, so that a row that changed meanwhile
//! is left alone.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Literal;
use crate::base::schema::outbox;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::Text;

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

/// Deliveries paused (their webhook switched off) before `cutoff` and made before `made_before`:
/// switching their webhook on would give them up. By the same partial index as the finished.
macro_rules! paused_before {
    ($cutoff:expr, $made_before:expr) => {{
        outbox::table
            .filter(outbox::recipient.ne(Literal::word("")))
            .filter(outbox::next_attempt_at.lt($cutoff))
            .filter(outbox::status.eq(Literal::word("paused")))
            .filter(outbox::created_at.lt($made_before))
            .filter(outbox::channel.eq("webhook"))
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

/// Which database a statement is written for.
#[derive(Clone, Copy)]
pub(super) enum DbBackend {
    Sqlite,
    Pg,
}

/// What an erased message's body becomes (`{"kind": …, "erased": true}`), as each database
/// writes it from the body it replaces: retention's and a person's erasure's tombstone alike.
pub(super) fn tombstone(backend: DbBackend) -> SqlLiteral<Text> {
    diesel::dsl::sql(match backend {
        DbBackend::Sqlite => {
            "json_object('kind', json_extract(payload, '$.kind'), 'erased', json('true'))"
        }
        DbBackend::Pg => {
            "json_build_object('kind', payload::jsonb ->> 'kind', 'erased', true)::text"
        }
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
            let tombstone = tombstone(DbBackend::Sqlite);
            diesel::update(finished_before!(cutoff, false).filter(outbox::id.eq_any(ids)))
                .set((outbox::payload.eq(tombstone), outbox::recipient.eq("")))
                .execute(c)?
        }
        DbConnection::Pg(c) => {
            let tombstone = tombstone(DbBackend::Pg);
            diesel::update(finished_before!(cutoff, false).filter(outbox::id.eq_any(ids)))
                .set((outbox::payload.eq(tombstone), outbox::recipient.eq("")))
                .execute(c)?
        }
    })
}

/// Deletes up to `limit` webhook deliveries, of those delivered or given up before `cutoff`,
/// then of those paused before it and made before `paused_made_before`; returns how many.
pub(crate) fn delete_deliveries(
    conn: &mut DbConnection,
    cutoff: DateTime<Utc>,
    paused_made_before: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let cutoff = cutoff.naive_utc();
    let finished = delete_finished_deliveries(conn, cutoff, limit)?;
    let left = limit - i64::try_from(finished).unwrap_or(limit);
    if left <= 0 {
        return Ok(finished);
    }
    let made_before = paused_made_before.naive_utc();
    let ids: Vec<String> = match conn {
        DbConnection::Sqlite(c) => paused_before!(cutoff, made_before)
            .select(outbox::id)
            .limit(left)
            .load(c)?,
        DbConnection::Pg(c) => paused_before!(cutoff, made_before)
            .select(outbox::id)
            .limit(left)
            .load(c)?,
    };
    if ids.is_empty() {
        return Ok(finished);
    }
    let paused = match conn {
        DbConnection::Sqlite(c) => {
            diesel::delete(paused_before!(cutoff, made_before).filter(outbox::id.eq_any(ids)))
                .execute(c)?
        }
        DbConnection::Pg(c) => {
            diesel::delete(paused_before!(cutoff, made_before).filter(outbox::id.eq_any(ids)))
                .execute(c)?
        }
    };
    Ok(finished + paused)
}

fn delete_finished_deliveries(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    limit: i64,
) -> Result<usize, StoreError> {
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
