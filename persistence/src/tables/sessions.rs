//! The `sessions` table (rule 9): a profile's sessions, each acting in one account (as one of
//! its users) or on the profile alone; found by id for every request an access token makes,
//! listed for their owner, ended by logout, revocation, a password's change or reset, reuse of
//! a refresh token, or the user's dismissal.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_opt_id, parse_word, utc, Key};
use crate::base::schema::{accounts, sessions, two_factors, users};
use crate::tables::users::StandingRow;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access::UserStanding;
use domain::enums::RequireTwoFactor;
use domain::ids::{AccountId, IdentityId, SessionId, UserId};
use domain::session::{SessionEnd, SessionState};

/// The longest user agent kept (longer ones are cut).
pub const USER_AGENT_MAX_CHARS: usize = 256;

/// A session as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: SessionId,
    pub identity_id: IdentityId,
    /// The account and the user it acts as; `None` for a profile session.
    pub acting: Option<(AccountId, UserId)>,
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl SessionRecord {
    /// What the rules need of it.
    pub fn state(&self) -> SessionState {
        SessionState {
            opened_at: self.created_at,
            expires_at: self.expires_at,
            ended_at: self.ended_at,
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub(crate) struct SessionRow {
    id: String,
    identity_id: String,
    account_id: Option<String>,
    user_id: Option<String>,
    user_agent: Option<String>,
    created_at: NaiveDateTime,
    last_used_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    ended_at: Option<NaiveDateTime>,
}

impl SessionRow {
    fn record(self) -> Result<SessionRecord, StoreError> {
        let account: Option<AccountId> = parse_opt_id(self.account_id.as_deref())?;
        let user: Option<UserId> = parse_opt_id(self.user_id.as_deref())?;
        let acting = match (account, user) {
            (Some(a), Some(u)) => Some((a, u)),
            (None, None) => None,
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "session {} names an account without a user, or the other way round",
                    self.id
                )))
            }
        };
        Ok(SessionRecord {
            id: parse_id(&self.id)?,
            identity_id: parse_id(&self.identity_id)?,
            acting,
            user_agent: self.user_agent,
            created_at: utc(self.created_at),
            last_used_at: utc(self.last_used_at),
            expires_at: utc(self.expires_at),
            ended_at: self.ended_at.map(utc),
        })
    }
}

/// A user agent as kept: trimmed, cut to [`USER_AGENT_MAX_CHARS`], `None` when empty.
pub(crate) fn kept_user_agent(user_agent: Option<&str>) -> Option<String> {
    let trimmed = user_agent?.trim();
    (!trimmed.is_empty()).then(|| trimmed.chars().take(USER_AGENT_MAX_CHARS).collect())
}

/// Writes a new session.
pub(crate) fn insert(conn: &mut DbConnection, s: &SessionRecord) -> Result<(), StoreError> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(s.id.key()),
            sessions::identity_id.eq(s.identity_id.key()),
            sessions::account_id.eq(s.acting.map(|(a, _)| a.key())),
            sessions::user_id.eq(s.acting.map(|(_, u)| u.key())),
            sessions::user_agent.eq(s.user_agent.as_deref()),
            sessions::created_at.eq(s.created_at.naive_utc()),
            sessions::last_used_at.eq(s.last_used_at.naive_utc()),
            sessions::expires_at.eq(s.expires_at.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One session by id.
pub(crate) fn find(
    conn: &mut DbConnection,
    id: SessionId,
) -> Result<Option<SessionRecord>, StoreError> {
    sessions::table
        .find(id.key())
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?
        .map(SessionRow::record)
        .transpose()
}

/// One session of the profile's by id, ended or not, with — for a session acting in an
/// account — its user's standing (rule 8): what every request an access token makes reads, in
/// one statement. (Joins `users`: the session's user, by the id stored with it at its opening.)
pub(crate) fn of_identity_with_standing(
    conn: &mut DbConnection,
    identity: IdentityId,
    id: SessionId,
) -> Result<Option<SessionWithStanding>, StoreError> {
    type Row = (
        SessionRow,
        Option<StandingRow>,
        Option<String>,
        Option<NaiveDateTime>,
    );
    let row: Option<Row> = sessions::table
        .left_join(users::table)
        .left_join(accounts::table.on(sessions::account_id.eq(accounts::id.nullable())))
        .left_join(two_factors::table.on(two_factors::identity_id.eq(sessions::identity_id)))
        .filter(sessions::id.eq(id.key()))
        .filter(sessions::identity_id.eq(identity.key()))
        .select((
            SessionRow::as_select(),
            Option::<StandingRow>::as_select(),
            accounts::require_two_factor.nullable(),
            two_factors::enabled_at.nullable(),
        ))
        .first(conn)
        .optional()?;
    row.map(|(session, standing, policy, enabled_at)| {
        Ok(SessionWithStanding {
            session: session.record()?,
            standing: standing.map(StandingRow::standing).transpose()?,
            require_two_factor: policy
                .map(|p| parse_word(&p, RequireTwoFactor::parse))
                .transpose()?,
            two_factor_enabled: enabled_at.is_some(),
        })
    })
    .transpose()
}

/// A session with what every request of it re-reads: its user's standing (for a session
/// acting in an account), the account's two-step policy, and whether the profile has a second
/// factor on (rule 13).
#[derive(Debug, Clone)]
pub struct SessionWithStanding {
    pub session: SessionRecord,
    pub standing: Option<UserStanding>,
    pub require_two_factor: Option<RequireTwoFactor>,
    pub two_factor_enabled: bool,
}

/// One session of the profile's by id, ended or not.
pub(crate) fn of_identity(
    conn: &mut DbConnection,
    identity: IdentityId,
    id: SessionId,
) -> Result<Option<SessionRecord>, StoreError> {
    sessions::table
        .find(id.key())
        .filter(sessions::identity_id.eq(identity.key()))
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?
        .map(SessionRow::record)
        .transpose()
}

/// The profile's live sessions at `now`, most recently used first (at most `limit`).
pub(crate) fn live_of(
    conn: &mut DbConnection,
    identity: IdentityId,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<SessionRecord>, StoreError> {
    sessions::table
        .filter(sessions::identity_id.eq(identity.key()))
        .filter(sessions::ended_at.is_null())
        .filter(sessions::expires_at.gt(now.naive_utc()))
        .order((sessions::last_used_at.desc(), sessions::id.desc()))
        .limit(limit)
        .select(SessionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(SessionRow::record)
        .collect()
}

/// A refresh: the session lives on until `expires_at`, used now, from `user_agent` if one was
/// sent.
pub(crate) fn refreshed(
    conn: &mut DbConnection,
    id: SessionId,
    expires_at: DateTime<Utc>,
    user_agent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let target = sessions::table.find(id.key());
    match user_agent {
        Some(agent) => diesel::update(target)
            .set((
                sessions::expires_at.eq(expires_at.naive_utc()),
                sessions::last_used_at.eq(now.naive_utc()),
                sessions::user_agent.eq(agent),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((
                sessions::expires_at.eq(expires_at.naive_utc()),
                sessions::last_used_at.eq(now.naive_utc()),
            ))
            .execute(conn)?,
    };
    Ok(())
}

/// Records that an access token of the session was used now.
pub(crate) fn mark_used(
    conn: &mut DbConnection,
    id: SessionId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(sessions::table.find(id.key()))
        .set(sessions::last_used_at.eq(now.naive_utc()))
        .execute(conn)?;
    Ok(())
}

/// Ends one session of the profile, if it is still open; whether it was.
pub(crate) fn end(
    conn: &mut DbConnection,
    identity: IdentityId,
    id: SessionId,
    why: SessionEnd,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        sessions::table
            .find(id.key())
            .filter(sessions::identity_id.eq(identity.key()))
            .filter(sessions::ended_at.is_null()),
    )
    .set((
        sessions::ended_at.eq(now.naive_utc()),
        sessions::end_reason.eq(why.as_str()),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

/// Ends every open session of the profile but `except`; how many.
pub(crate) fn end_of_identity(
    conn: &mut DbConnection,
    identity: IdentityId,
    except: Option<SessionId>,
    why: SessionEnd,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut target = diesel::update(sessions::table)
        .filter(sessions::identity_id.eq(identity.key()))
        .filter(sessions::ended_at.is_null())
        .into_boxed();
    if let Some(kept) = except {
        target = target.filter(sessions::id.ne(kept.key()));
    }
    Ok(target
        .set((
            sessions::ended_at.eq(now.naive_utc()),
            sessions::end_reason.eq(why.as_str()),
        ))
        .execute(conn)?)
}

/// Ends every open session acting as the user (its dismissal); how many.
pub(crate) fn end_of_user(
    conn: &mut DbConnection,
    user: UserId,
    why: SessionEnd,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::update(sessions::table)
        .filter(sessions::user_id.eq(user.key()))
        .filter(sessions::ended_at.is_null())
        .set((
            sessions::ended_at.eq(now.naive_utc()),
            sessions::end_reason.eq(why.as_str()),
        ))
        .execute(conn)?)
}

/// The ids of the profile's live sessions past the first `keep`, most recently used first:
/// those a new session crowds out.
pub(crate) fn least_recently_used(
    conn: &mut DbConnection,
    identity: IdentityId,
    keep: i64,
    now: DateTime<Utc>,
) -> Result<Vec<SessionId>, StoreError> {
    sessions::table
        .filter(sessions::identity_id.eq(identity.key()))
        .filter(sessions::ended_at.is_null())
        .filter(sessions::expires_at.gt(now.naive_utc()))
        .order((sessions::last_used_at.desc(), sessions::id.desc()))
        .offset(keep)
        .limit(1_000)
        .select(sessions::id)
        .load::<String>(conn)?
        .iter()
        .map(|id| parse_id(id))
        .collect()
}

/// Up to `limit` sessions that ended or expired before `cutoff` (found by `sessions_ended` and
/// `sessions_expiry`; in no order, which would cost a scan).
pub(crate) fn ended_before(
    conn: &mut DbConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<SessionId>, StoreError> {
    let cutoff = cutoff.naive_utc();
    sessions::table
        .filter(
            sessions::ended_at
                .lt(cutoff)
                .or(sessions::expires_at.lt(cutoff)),
        )
        .select(sessions::id)
        .limit(limit)
        .load::<String>(conn)?
        .iter()
        .map(|id| parse_id(id))
        .collect()
}

/// Deletes these sessions, if they ended or expired before `cutoff`; returns how many.
pub(crate) fn delete_ended(
    conn: &mut DbConnection,
    ids: &[SessionId],
    cutoff: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let cutoff = cutoff.naive_utc();
    Ok(diesel::delete(
        sessions::table
            .filter(sessions::id.eq_any(ids.iter().map(|id| id.key())))
            .filter(
                sessions::ended_at
                    .lt(cutoff)
                    .or(sessions::expires_at.lt(cutoff)),
            ),
    )
    .execute(conn)?)
}

/// The sessions of the profile, or of these users only (an erasure, rule 14), deleted; their
/// ids, for their refresh tokens to go too.
pub(crate) fn delete_of_person(
    conn: &mut DbConnection,
    identity: Option<IdentityId>,
    users: &[String],
) -> Result<Vec<SessionId>, StoreError> {
    let mut query = sessions::table.select(sessions::id).into_boxed();
    query = match identity {
        Some(identity) => query.filter(sessions::identity_id.eq(identity.key())),
        None => query.filter(sessions::user_id.eq_any(users)),
    };
    let ids: Vec<String> = query.load(conn)?;
    diesel::delete(sessions::table.filter(sessions::id.eq_any(&ids))).execute(conn)?;
    ids.iter().map(|id| parse_id(id)).collect()
}

/// A session as its person's export shows it (issue #32): ended ones too, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionHistory {
    pub session: SessionRecord,
    /// Why it ended (`logout`, `dismissed`, …), if it did.
    pub end_reason: Option<String>,
}

/// The sessions of a profile (`user` `None`) or of one of its users, newest first, at most
/// `limit`.
pub(crate) fn history_of(
    conn: &mut DbConnection,
    identity: IdentityId,
    user: Option<UserId>,
    limit: i64,
) -> Result<Vec<SessionHistory>, StoreError> {
    let mut query = sessions::table.into_boxed();
    query = match user {
        Some(user) => query.filter(sessions::user_id.eq(user.key())),
        None => query.filter(sessions::identity_id.eq(identity.key())),
    };
    let rows: Vec<(SessionRow, Option<String>)> = query
        .order(sessions::id.desc())
        .limit(limit)
        .select((SessionRow::as_select(), sessions::end_reason))
        .load(conn)?;
    rows.into_iter()
        .map(|(row, end_reason)| {
            Ok(SessionHistory {
                session: row.record()?,
                end_reason,
            })
        })
        .collect()
}
