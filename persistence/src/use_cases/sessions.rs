//! Sessions (rule 9): opened at a login, an accept or a sign-up's confirmation; refreshed
//! with rotation and reuse detection (`domain::session::decide_refresh`); checked at every
//! request an access token makes; listed and ended by their owner. Sessions belong to a
//! profile, not to an account: no account's transaction is taken.

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
pub use crate::tables::sessions::SessionRecord;
use crate::tables::sessions::SessionWithStanding;
use crate::tables::sessions::{self, kept_user_agent};
use crate::tables::{refresh_tokens, users};
use chrono::{DateTime, Utc};
use domain::access::{authorize_user, UserStanding};
use domain::ids::{AccountId, IdentityId, SessionId, UserId};
use domain::session::{decide_refresh, kept_when_one_opens, Refresh, SessionEnd, SessionPolicy};
use domain::two_factor::enrollment_only;
use domain::DomainError;
use uuid::Uuid;

/// How often at most a session's `last_used_at` is written for its access tokens' requests
/// (a refresh always writes it).
pub const LAST_USED_GRANULARITY_SECONDS: i64 = 60;

/// A session about to open: whose, acting as whom, from which user agent, and the hash of its
/// first refresh token.
#[derive(Debug, Clone)]
pub struct Opening {
    pub identity: IdentityId,
    pub acting: Option<(AccountId, UserId)>,
    pub user_agent: Option<String>,
    pub refresh_hash: String,
}

/// Opens a session. Past `domain::session::MAX_LIVE_SESSIONS` live ones, the profile's least
/// recently used give way. With it, whether it may only enroll a second factor (rule 13).
pub fn open(
    db: &Database,
    opening: Opening,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<(SessionRecord, bool), StoreError> {
    db.write(move |conn| {
        let kept = i64::try_from(kept_when_one_opens()).unwrap_or(i64::MAX);
        for crowded in sessions::least_recently_used(conn, opening.identity, kept, now)? {
            sessions::end(conn, opening.identity, crowded, SessionEnd::Crowded, now)?;
        }
        let session = SessionRecord {
            id: SessionId(Uuid::now_v7()),
            identity_id: opening.identity,
            acting: opening.acting,
            user_agent: kept_user_agent(opening.user_agent.as_deref()),
            created_at: now,
            last_used_at: now,
            expires_at: policy.expires_at(now, now),
            ended_at: None,
        };
        sessions::insert(conn, &session)?;
        refresh_tokens::insert(conn, &opening.refresh_hash, session.id, now)?;
        let restricted = enrolling_only(conn, &session)?;
        Ok((session, restricted))
    })
}

/// Whether the session may only enroll a second factor: the account's policy covers its user,
/// whose profile has none (`domain::two_factor::enrollment_only`), read as every request of the
/// session reads it.
fn enrolling_only(conn: &mut DbConnection, session: &SessionRecord) -> Result<bool, StoreError> {
    Ok(
        sessions::of_identity_with_standing(conn, session.identity_id, session.id)?
            .is_some_and(|found| restricted(&found)),
    )
}

/// What a session found with its standing may do: only enroll, or anything its user may.
fn restricted(found: &SessionWithStanding) -> bool {
    match (found.standing, found.require_two_factor) {
        (Some(standing), Some(policy)) => {
            enrollment_only(policy, standing.is_admin, found.two_factor_enabled)
        }
        _ => false,
    }
}

/// Exchanges the refresh token hashed `presented` for the one hashed `next`: the session as it
/// stands after. A token exchanged before ends its session (401 `refresh_token_reused`, the
/// end committed all the same); an unknown token, or one of an ended or expired session, is
/// 401 `invalid_refresh_token`; a session whose user may no longer act in the account (the
/// user dismissed, even if reinstated since the session opened) is 401 `invalid_token`.
pub fn refresh(
    db: &Database,
    presented: String,
    next: String,
    user_agent: Option<String>,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<(SessionRecord, bool), StoreError> {
    // The outcome travels inside `Ok` so that a reuse's end of the session is committed.
    db.write(move |conn| {
        let found = match refresh_tokens::by_hash(conn, &presented)? {
            Some((id, place)) => sessions::find(conn, id)?.map(|s| (place, s)),
            None => None,
        };
        let decided = decide_refresh(
            found.as_ref().map(|(place, s)| (*place, s.state())),
            &policy,
            now,
        );
        let (session, expires_at) = match (found, decided) {
            (_, Err(e)) => return Ok(Err(e)),
            (Some((_, s)), Ok(Refresh::EndForReuse)) => return end_for_reuse(conn, &s, now),
            (Some((_, s)), Ok(Refresh::Rotate { expires_at })) => (s, expires_at),
            (None, Ok(_)) => {
                return Ok(Err(DomainError::Unreachable(
                    "a refresh decided for a token of no session",
                )))
            }
        };
        if let Some((account, user)) = session.acting {
            let standing = users::standing_of(conn, account, user)?;
            authorize_user(
                session.identity_id,
                session.created_at.timestamp(),
                account,
                user,
                standing.map(|s| s.as_of(now)),
            )?;
        }
        if !refresh_tokens::exchange(conn, &presented, now)? {
            // Exchanged a moment ago by another request with the same token.
            return end_for_reuse(conn, &session, now);
        }
        refresh_tokens::insert(conn, &next, session.id, now)?;
        let agent = kept_user_agent(user_agent.as_deref());
        sessions::refreshed(conn, session.id, expires_at, agent.as_deref(), now)?;
        let session = SessionRecord {
            expires_at,
            last_used_at: now,
            user_agent: agent.or(session.user_agent),
            ..session
        };
        let restricted = enrolling_only(conn, &session)?;
        Ok(Ok((session, restricted)))
    })?
    .map_err(StoreError::from)
}

fn end_for_reuse<T>(
    conn: &mut crate::base::db::DbConnection,
    session: &SessionRecord,
    now: DateTime<Utc>,
) -> Result<Result<T, DomainError>, StoreError> {
    sessions::end(
        conn,
        session.identity_id,
        session.id,
        SessionEnd::RefreshTokenReused,
        now,
    )?;
    Ok(Err(DomainError::RefreshTokenReused))
}

/// What a request with an access token of session `id` stands on: the session, if it is the
/// profile's, and — for a session acting in an account — the user's standing there, and
/// whether the account's two-step policy leaves the session able only to enroll (rule 13:
/// `domain::two_factor::enrollment_only`).
pub fn authenticate(
    db: &Database,
    id: SessionId,
    identity: IdentityId,
) -> Result<Option<Authenticated>, StoreError> {
    db.read(|conn| {
        Ok(
            sessions::of_identity_with_standing(conn, identity, id)?.map(|found| Authenticated {
                enrollment_only: restricted(&found),
                session: found.session,
                standing: found.standing,
            }),
        )
    })
}

/// A session found for a request, with its user's standing and whether it may only enroll a
/// second factor.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub session: SessionRecord,
    pub standing: Option<UserStanding>,
    pub enrollment_only: bool,
}

/// Whether a request at `now` is due to write the session's `last_used_at` ([`touch`]).
pub fn use_is_due(session: &SessionRecord, now: DateTime<Utc>) -> bool {
    session.last_used_at + chrono::Duration::seconds(LAST_USED_GRANULARITY_SECONDS) <= now
}

/// Records that an access token of the session was used now.
pub fn touch(db: &Database, id: SessionId, now: DateTime<Utc>) -> Result<(), StoreError> {
    db.write(move |conn| sessions::mark_used(conn, id, now))
}

/// The profile's live sessions, most recently used first.
pub fn list(
    db: &Database,
    identity: IdentityId,
    now: DateTime<Utc>,
) -> Result<Vec<SessionRecord>, StoreError> {
    let most = i64::try_from(domain::session::MAX_LIVE_SESSIONS).unwrap_or(i64::MAX);
    db.read(|conn| sessions::live_of(conn, identity, now, most))
}

/// Ends the caller's own session (logout): its access tokens are refused from the next
/// request, its refresh token is dead.
pub fn log_out(
    db: &Database,
    identity: IdentityId,
    id: SessionId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    db.write(move |conn| {
        sessions::end(conn, identity, id, SessionEnd::LoggedOut, now)?;
        Ok(())
    })
}

/// Ends one of the profile's live sessions; 404 when it has no such live session.
pub fn revoke(
    db: &Database,
    identity: IdentityId,
    id: SessionId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    db.write(move |conn| {
        let live =
            sessions::of_identity(conn, identity, id)?.is_some_and(|s| s.state().is_live(now));
        if !live || !sessions::end(conn, identity, id, SessionEnd::Revoked, now)? {
            return Err(DomainError::NotFound("session").into());
        }
        Ok(())
    })
}

/// Ends every session of the profile but `current` ("sign out everywhere else"); how many.
pub fn revoke_others(
    db: &Database,
    identity: IdentityId,
    current: SessionId,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    db.write(move |conn| {
        sessions::end_of_identity(conn, identity, Some(current), SessionEnd::Revoked, now)
    })
}
