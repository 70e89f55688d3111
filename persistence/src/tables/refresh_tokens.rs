//! The `refresh_tokens` table (rule 9): every refresh token a session was given, as the SHA-256
//! hash of its secret, and when it was exchanged for a new pair. The exchanged ones are kept so
//! that one presented again is known for a copy (reuse detection ends its session).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, Key};
use crate::base::schema::refresh_tokens;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::ids::SessionId;
use domain::session::Presented;

/// Writes a session's new refresh token.
pub(crate) fn insert(
    conn: &mut DbConnection,
    hash: &str,
    session: SessionId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::hash.eq(hash),
            refresh_tokens::session_id.eq(session.key()),
            refresh_tokens::issued_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The session a refresh token was given to, and whether it is the current one or was
/// exchanged already; `None` for a token no session was given.
pub(crate) fn by_hash(
    conn: &mut DbConnection,
    hash: &str,
) -> Result<Option<(SessionId, Presented)>, StoreError> {
    let row: Option<(String, Option<NaiveDateTime>)> = refresh_tokens::table
        .find(hash)
        .select((refresh_tokens::session_id, refresh_tokens::exchanged_at))
        .first(conn)
        .optional()?;
    row.map(|(session, exchanged)| {
        let presented = match exchanged {
            None => Presented::Current,
            Some(_) => Presented::Exchanged,
        };
        Ok((parse_id(&session)?, presented))
    })
    .transpose()
}

/// Marks the token exchanged, if no one did first; whether this call did (two refreshes with
/// one token at once: exactly one of them rotates, the other is a reuse).
pub(crate) fn exchange(
    conn: &mut DbConnection,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        refresh_tokens::table
            .find(hash)
            .filter(refresh_tokens::exchanged_at.is_null()),
    )
    .set(refresh_tokens::exchanged_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(n > 0)
}

/// Deletes the refresh tokens of these sessions (gone: retention).
pub(crate) fn delete_of_sessions(
    conn: &mut DbConnection,
    sessions: &[SessionId],
) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        refresh_tokens::table
            .filter(refresh_tokens::session_id.eq_any(sessions.iter().map(|id| id.key()))),
    )
    .execute(conn)?)
}
