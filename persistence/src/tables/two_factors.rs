//! The `two_factors` table (rule 13): a profile's TOTP secret, sealed (only the HTTP layer's
//! key opens it), when its first code confirmed it, and the step of the last code accepted.
//! Recording a step is one conditional statement ([`use_step`]), so that of two requests with
//! one code — in one process or several — one wins.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{utc, Key};
use crate::base::schema::two_factors;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::ids::IdentityId;
use domain::two_factor::TwoFactorState;

/// A profile's second factor as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoFactorRecord {
    pub sealed_secret: String,
    /// When the first code confirmed it; `None` while the set-up waits.
    pub enabled_at: Option<DateTime<Utc>>,
    /// The step of the last code accepted.
    pub last_step: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl TwoFactorRecord {
    /// What the rules need of it.
    pub fn state(&self) -> TwoFactorState {
        if self.enabled_at.is_some() {
            TwoFactorState::Enabled
        } else {
            TwoFactorState::Pending
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = two_factors)]
struct TwoFactorRow {
    sealed_secret: String,
    enabled_at: Option<NaiveDateTime>,
    last_step: Option<i64>,
    created_at: NaiveDateTime,
}

/// The profile's second factor, on or waiting, if any.
pub(crate) fn find(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<Option<TwoFactorRecord>, StoreError> {
    Ok(two_factors::table
        .find(identity.key())
        .select(TwoFactorRow::as_select())
        .first(conn)
        .optional()?
        .map(|r| TwoFactorRecord {
            sealed_secret: r.sealed_secret,
            enabled_at: r.enabled_at.map(utc),
            last_step: r.last_step,
            created_at: utc(r.created_at),
        }))
}

/// Whether the profile has two-step authentication on.
pub(crate) fn is_enabled(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<bool, StoreError> {
    Ok(find(conn, identity)?.is_some_and(|r| r.enabled_at.is_some()))
}

/// Starts a set-up with a new sealed secret, replacing one that waited.
pub(crate) fn start(
    conn: &mut DbConnection,
    identity: IdentityId,
    sealed_secret: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::delete(two_factors::table.find(identity.key())).execute(conn)?;
    diesel::insert_into(two_factors::table)
        .values((
            two_factors::identity_id.eq(identity.key()),
            two_factors::sealed_secret.eq(sealed_secret),
            two_factors::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records `step` as the last accepted, if it is later than the one recorded (and the secret is
/// still `sealed_secret`, the one the code was checked against); `false`: another request
/// accepted this code, or a later one, first.
pub(crate) fn use_step(
    conn: &mut DbConnection,
    identity: IdentityId,
    sealed_secret: &str,
    step: i64,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        two_factors::table
            .find(identity.key())
            .filter(two_factors::sealed_secret.eq(sealed_secret))
            .filter(
                two_factors::last_step
                    .is_null()
                    .or(two_factors::last_step.lt(step)),
            ),
    )
    .set(two_factors::last_step.eq(step))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Switches a waiting set-up on; `false` if none waited.
pub(crate) fn enable(
    conn: &mut DbConnection,
    identity: IdentityId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        two_factors::table
            .find(identity.key())
            .filter(two_factors::enabled_at.is_null()),
    )
    .set(two_factors::enabled_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Removes the profile's second factor; `false` if it had none.
pub(crate) fn remove(conn: &mut DbConnection, identity: IdentityId) -> Result<bool, StoreError> {
    Ok(diesel::delete(two_factors::table.find(identity.key())).execute(conn)? == 1)
}
