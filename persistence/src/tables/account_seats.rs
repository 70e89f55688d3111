//! The `account_seats` table: an account's seat counters (rule 4) and the `version` of what a
//! batch decides on without the account's lock, in a row of their own that no foreign key
//! references. Its row is also the account's lock: every write of the account that must be
//! serialised with the others locks it ([`lock`]), and a batch's reservation takes it with its
//! update ([`Reservation`]).
//!
//! (The counters were on `accounts`, which every row an invitation writes references: on
//! PostgreSQL each such row's foreign key share-locks the account's row, so each invitation
//! left a new version of it marked with a multixact that every later foreign-key check walked.)

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, Key};
use crate::base::schema::{account_seats, users};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Integer, Text};
use domain::ids::{AccountId, IdentityId};
use domain::plan::UserLimit;
use domain::seats::{HeldCeiling, SeatChange};
use domain::DomainError;

/// The counters and version as stored, read with the account (`accounts` joins them).
#[derive(Queryable, Selectable)]
#[diesel(table_name = account_seats)]
pub(crate) struct SeatsRow {
    pub(crate) active_intranet: i32,
    pub(crate) active_extranet: i32,
    pub(crate) pending_invitations: i32,
    pub(crate) version: i32,
    pub(crate) pending_join_requests: i32,
}

/// The counters of a new account, whose first user (its administrator) holds one seat.
pub(crate) fn insert(conn: &mut DbConnection, account: AccountId) -> Result<(), StoreError> {
    diesel::insert_into(account_seats::table)
        .values((
            account_seats::account_id.eq(account.key()),
            account_seats::active_intranet.eq(1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Applies a decided change of the account's seat counters.
pub(crate) fn change(
    conn: &mut DbConnection,
    account: AccountId,
    change: SeatChange,
) -> Result<(), StoreError> {
    if change == SeatChange::default() {
        return Ok(());
    }
    diesel::update(account_seats::table.find(account.key()))
        .set((
            account_seats::pending_invitations
                .eq(account_seats::pending_invitations + change.pending),
            account_seats::active_intranet
                .eq(account_seats::active_intranet + change.active_intranet),
            account_seats::active_extranet
                .eq(account_seats::active_extranet + change.active_extranet),
            account_seats::pending_join_requests
                .eq(account_seats::pending_join_requests + change.join_requests),
        ))
        .execute(conn)?;
    Ok(())
}

/// Something a batch decides on without the account's lock changed (the plan, the settings,
/// the active webhooks, a login of one of the accounts' people): a batch decided before it no
/// longer reserves its seats, and runs again locked.
pub(crate) fn bump(conn: &mut DbConnection, accounts: &[AccountId]) -> Result<(), StoreError> {
    let keys: Vec<String> = accounts.iter().map(|a| a.key()).collect();
    diesel::update(account_seats::table.filter(account_seats::account_id.eq_any(keys)))
        .set(account_seats::version.eq(account_seats::version + 1))
        .execute(conn)?;
    Ok(())
}

/// Serialises the writers of one account: on PostgreSQL its seat row is locked
/// (`SELECT … FOR UPDATE`) until the transaction ends, which also holds across several server
/// processes; on SQLite the transaction already is the only writer.
pub(crate) fn lock(conn: &mut DbConnection, account: AccountId) -> Result<(), StoreError> {
    if let DbConnection::Pg(pg) = conn {
        account_seats::table
            .find(account.key())
            .select(account_seats::account_id)
            .for_update()
            .first::<String>(pg)
            .optional()?
            .ok_or(DomainError::NotFound("account"))?;
    }
    Ok(())
}

/// Locks every account `identity` is a user of (read from `users`, as a subquery), in one
/// order (by id: two such writers never deadlock), as [`lock`] does one; returns them. A write
/// about the person (a new login) is then serialised with every write of those accounts that
/// decides on logins.
pub(crate) fn lock_of_identity(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<Vec<AccountId>, StoreError> {
    let of_identity = users::table
        .filter(users::identity_id.eq(identity.key()))
        .select(users::account_id);
    let query = account_seats::table
        .filter(account_seats::account_id.eq_any(of_identity))
        .order(account_seats::account_id.asc())
        .select(account_seats::account_id);
    let ids: Vec<String> = match conn {
        DbConnection::Pg(pg) => query.for_update().load(pg)?,
        DbConnection::Sqlite(_) => query.load(conn)?,
    };
    ids.iter().map(|id| parse_id(id)).collect()
}

/// Reserves `n` seats for new pending invitations in one conditional statement, late in the
/// transaction that decided on the account as of `version` (read without its lock): it takes
/// the account's lock, and succeeds only while the seats still fit under `limit` and nothing
/// the batch decided on changed since ([`bump`]). `false`: something moved meanwhile; the
/// caller runs the write again with the account locked from the start.
pub(crate) fn reserve_pending(
    conn: &mut DbConnection,
    account: AccountId,
    version: u32,
    limit: UserLimit,
    n: u32,
) -> Result<bool, StoreError> {
    let Some(reservation) = Reservation::of(account, version, limit, n, false) else {
        return Ok(false);
    };
    let updated = match conn {
        DbConnection::Sqlite(c) => reservation.execute(c)?,
        DbConnection::Pg(c) => reservation.execute(c)?,
    };
    Ok(updated == 1)
}

/// [`reserve_pending`]'s statement, with SQL of its own: diesel never caches an `UPDATE`
/// (its `SET` list could vary), so it was prepared again on every run. Its text depends only
/// on whether the seats are bounded and whether it returns the row, so it is prepared once per
/// connection. Returning, it is the guard of a statement that goes on only when it reserved
/// (`sending_counters::count_after`); `None` when the seats can never fit.
pub(crate) struct Reservation {
    account: String,
    version: i32,
    taken: i32,
    /// The most seats that may be held before, when bounded.
    at_most: Option<i32>,
    returning: bool,
}

impl Reservation {
    pub(crate) fn of(
        account: AccountId,
        version: u32,
        limit: UserLimit,
        n: u32,
        returning: bool,
    ) -> Option<Self> {
        let int = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        let at_most = match HeldCeiling::before_taking(limit, n) {
            HeldCeiling::Any => None,
            HeldCeiling::AtMost(most) => Some(int(most)),
            HeldCeiling::Never => return None,
        };
        Some(Self {
            account: account.key(),
            version: int(version),
            taken: SeatChange::invited(n).pending,
            at_most,
            returning,
        })
    }
}

impl QueryId for Reservation {
    // Cached by its SQL, which is one of four texts.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB> QueryFragment<DB> for Reservation
where
    DB: diesel::backend::Backend + HasSqlType<Text> + HasSqlType<Integer>,
    String: ToSql<Text, DB>,
    i32: ToSql<Integer, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE account_seats SET pending_invitations = pending_invitations + ");
        out.push_bind_param::<Integer, _>(&self.taken)?;
        out.push_sql(" WHERE account_id = ");
        out.push_bind_param::<Text, _>(&self.account)?;
        out.push_sql(" AND version = ");
        out.push_bind_param::<Integer, _>(&self.version)?;
        if let Some(most) = &self.at_most {
            out.push_sql(
                " AND active_intranet + active_extranet + pending_invitations + pending_join_requests <= ",
            );
            out.push_bind_param::<Integer, _>(most)?;
        }
        if self.returning {
            out.push_sql(" RETURNING account_id");
        }
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for Reservation {}
