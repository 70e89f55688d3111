//! The `accounts` table: an account with its settings and seat counters.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, to_count, utc, Key, Literal};
use crate::base::schema::{accounts, invitations, users};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::{count_star, sum};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Integer, Text, Timestamp};
use domain::account::{AccountSettings, ExternalDomains};
use domain::enums::InvitationStatus;
use domain::enums::WhoCanInvite;
use domain::ids::{AccountId, IdentityId};
use domain::plan::UserLimit;
use domain::plan::{Plan, Plans};
use domain::seats::Seats;
use domain::seats::{HeldCeiling, SeatChange};
use domain::DomainError;
use uuid::Uuid;

/// An account with its settings and seat counters.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountRecord {
    pub id: AccountId,
    pub name: String,
    pub plan: String,
    pub settings: AccountSettings,
    pub active_intranet: u32,
    pub active_extranet: u32,
    pub pending_invitations: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Its active webhooks: with none, its changes' events go nowhere.
    pub active_webhooks: u32,
    /// How many times one of its people took a new login (`login_changes::confirm`).
    pub logins_version: u32,
}

impl AccountRecord {
    /// The seats held, against the plan's limit from the catalogue.
    pub fn seats(&self, plans: &Plans) -> Seats {
        Seats {
            limit: plans.limit_of(&self.plan),
            active_intranet: self.active_intranet,
            active_extranet: self.active_extranet,
            pending_invitations: self.pending_invitations,
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = accounts)]
struct AccountRow {
    id: String,
    name: String,
    plan: String,
    who_can_invite: String,
    external_domains_mode: String,
    external_domains: String,
    invitation_ttl_hours: i32,
    active_intranet: i32,
    active_extranet: i32,
    pending_invitations: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    active_webhooks: i32,
    logins_version: i32,
}

/// How `external_domains` is stored: a mode and a comma-separated list.
pub(crate) fn external_domains_columns(d: &ExternalDomains) -> (&'static str, String) {
    match d {
        ExternalDomains::Any => ("any", String::new()),
        ExternalDomains::Allow(list) => ("allow", list.join(",")),
        ExternalDomains::Deny(list) => ("deny", list.join(",")),
    }
}

impl TryFrom<AccountRow> for AccountRecord {
    type Error = StoreError;

    fn try_from(r: AccountRow) -> Result<Self, StoreError> {
        let list = || -> Vec<String> {
            r.external_domains
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let external_domains = match r.external_domains_mode.as_str() {
            "any" => ExternalDomains::Any,
            "allow" => ExternalDomains::Allow(list()),
            "deny" => ExternalDomains::Deny(list()),
            other => return Err(StoreError::Corrupt(format!("domain mode `{other}`"))),
        };
        Ok(Self {
            id: parse_id(&r.id)?,
            settings: AccountSettings {
                who_can_invite: parse_word(&r.who_can_invite, WhoCanInvite::parse)?,
                external_domains,
                invitation_ttl_hours: to_count(r.invitation_ttl_hours),
            },
            name: r.name,
            plan: r.plan,
            active_intranet: to_count(r.active_intranet),
            active_extranet: to_count(r.active_extranet),
            pending_invitations: to_count(r.pending_invitations),
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            active_webhooks: to_count(r.active_webhooks),
            logins_version: to_count(r.logins_version),
        })
    }
}

/// The account, or 404.
pub(crate) fn account_by_id(
    conn: &mut DbConnection,
    id: AccountId,
) -> Result<AccountRecord, StoreError> {
    accounts::table
        .find(id.key())
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(DomainError::NotFound("account"))?
        .try_into()
}

/// The account, unless it holds pending invitations past their expiry that are not swept
/// yet (its seat counters then still count them), in one query.
pub(crate) fn account_unless_overdue(
    conn: &mut DbConnection,
    id: AccountId,
    now: DateTime<Utc>,
) -> Result<Option<AccountRecord>, StoreError> {
    // The earliest expiry of a pending invitation: one entry of `invitations_expiry`, read in
    // order. (`EXISTS (… expires_at <= $n)` was planned by PostgreSQL's generic plan as a
    // sequential scan of every invitation, once per request.)
    let earliest = invitations::table
        .filter(invitations::account_id.eq(accounts::id))
        .filter(invitations::status.eq(Literal::word(InvitationStatus::Pending.as_str())))
        .select(diesel::dsl::min(invitations::expires_at))
        .single_value();
    let (row, earliest) = accounts::table
        .find(id.key())
        .select((AccountRow::as_select(), earliest))
        .first::<(AccountRow, Option<NaiveDateTime>)>(conn)
        .optional()?
        .ok_or(DomainError::NotFound("account"))?;
    if earliest.is_some_and(|e| e <= now.naive_utc()) {
        return Ok(None);
    }
    Ok(Some(row.try_into()?))
}

/// The account's name alone.
pub(crate) fn account_name(conn: &mut DbConnection, id: AccountId) -> Result<String, StoreError> {
    Ok(accounts::table
        .find(id.key())
        .select(accounts::name)
        .first(conn)?)
}

/// Writes a new account on `plan` whose first user (its administrator) holds one seat.
pub(crate) fn insert_account(
    conn: &mut DbConnection,
    name: &str,
    plan: &Plan,
    now: DateTime<Utc>,
) -> Result<AccountId, StoreError> {
    let id = AccountId(Uuid::now_v7());
    let at = now.naive_utc();
    diesel::insert_into(accounts::table)
        .values((
            accounts::id.eq(id.key()),
            accounts::name.eq(name),
            accounts::plan.eq(&plan.name),
            accounts::active_intranet.eq(1),
            accounts::created_at.eq(at),
            accounts::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Counts the account's active webhooks again onto its row; every webhook write calls it in
/// its transaction (which holds the account's lock).
pub(crate) fn recount_webhooks(
    conn: &mut DbConnection,
    account: AccountId,
) -> Result<(), StoreError> {
    use crate::base::schema::webhooks;
    let n: i64 = webhooks::table
        .filter(webhooks::account_id.eq(account.key()))
        .filter(webhooks::active.eq(true))
        .count()
        .get_result(conn)?;
    diesel::update(accounts::table.find(account.key()))
        .set(accounts::active_webhooks.eq(i32::try_from(n).unwrap_or(i32::MAX)))
        .execute(conn)?;
    Ok(())
}

/// Bumps the `logins_version` of `accounts`: a batch decided without their lock sees that a
/// login changed meanwhile.
pub(crate) fn bump_logins_version(
    conn: &mut DbConnection,
    accounts: &[AccountId],
) -> Result<(), StoreError> {
    let keys: Vec<String> = accounts.iter().map(|a| a.key()).collect();
    diesel::update(accounts::table.filter(accounts::id.eq_any(keys)))
        .set(accounts::logins_version.eq(accounts::logins_version + 1))
        .execute(conn)?;
    Ok(())
}

/// Applies a decided change of the account's seat counters.
pub(crate) fn change_seats(
    conn: &mut DbConnection,
    account: AccountId,
    change: SeatChange,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if change == SeatChange::default() {
        return Ok(());
    }
    diesel::update(accounts::table.find(account.key()))
        .set((
            accounts::pending_invitations.eq(accounts::pending_invitations + change.pending),
            accounts::active_intranet.eq(accounts::active_intranet + change.active_intranet),
            accounts::active_extranet.eq(accounts::active_extranet + change.active_extranet),
            accounts::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Reserves `n` seats for new pending invitations in one conditional statement, late in the
/// transaction that decided on `decided_on` (read without the account's lock): it takes the
/// account row's lock, and succeeds only while the seats still fit under `limit`, the plan
/// and settings are still the ones decided on, and none of the account's people took a new
/// login since (`logins_version`). `false`: something moved meanwhile; the caller runs the
/// write again with the account locked from the start.
pub(crate) fn reserve_pending(
    conn: &mut DbConnection,
    decided_on: &AccountRecord,
    limit: UserLimit,
    n: u32,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let Some(reservation) = Reservation::of(decided_on, limit, n, now, false) else {
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
    id: String,
    plan: String,
    who_can_invite: &'static str,
    external_domains_mode: &'static str,
    external_domains: String,
    invitation_ttl_hours: i32,
    active_webhooks: i32,
    logins_version: i32,
    taken: i32,
    at: NaiveDateTime,
    /// The most seats that may be held before, when bounded.
    at_most: Option<i32>,
    returning: bool,
}

impl Reservation {
    pub(crate) fn of(
        decided_on: &AccountRecord,
        limit: UserLimit,
        n: u32,
        now: DateTime<Utc>,
        returning: bool,
    ) -> Option<Self> {
        let int = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        let at_most = match HeldCeiling::before_taking(limit, n) {
            HeldCeiling::Any => None,
            HeldCeiling::AtMost(most) => Some(int(most)),
            HeldCeiling::Never => return None,
        };
        let settings = &decided_on.settings;
        let (mode, domains) = external_domains_columns(&settings.external_domains);
        Some(Self {
            id: decided_on.id.key(),
            plan: decided_on.plan.clone(),
            who_can_invite: settings.who_can_invite.as_str(),
            external_domains_mode: mode,
            external_domains: domains,
            invitation_ttl_hours: int(settings.invitation_ttl_hours),
            // The batch told webhooks or not by this count (`audit::Webhooks`).
            active_webhooks: int(decided_on.active_webhooks),
            // Nobody of the account took a new login since the batch read its invitees' logins.
            logins_version: int(decided_on.logins_version),
            taken: SeatChange::invited(n).pending,
            at: now.naive_utc(),
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
    DB: diesel::backend::Backend + HasSqlType<Text> + HasSqlType<Integer> + HasSqlType<Timestamp>,
    String: ToSql<Text, DB>,
    str: ToSql<Text, DB>,
    i32: ToSql<Integer, DB>,
    NaiveDateTime: ToSql<Timestamp, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE accounts SET pending_invitations = pending_invitations + ");
        out.push_bind_param::<Integer, _>(&self.taken)?;
        out.push_sql(", updated_at = ");
        out.push_bind_param::<Timestamp, _>(&self.at)?;
        out.push_sql(" WHERE id = ");
        out.push_bind_param::<Text, _>(&self.id)?;
        out.push_sql(" AND plan = ");
        out.push_bind_param::<Text, _>(&self.plan)?;
        out.push_sql(" AND who_can_invite = ");
        out.push_bind_param::<Text, _>(self.who_can_invite)?;
        out.push_sql(" AND external_domains_mode = ");
        out.push_bind_param::<Text, _>(self.external_domains_mode)?;
        out.push_sql(" AND external_domains = ");
        out.push_bind_param::<Text, _>(&self.external_domains)?;
        out.push_sql(" AND invitation_ttl_hours = ");
        out.push_bind_param::<Integer, _>(&self.invitation_ttl_hours)?;
        out.push_sql(" AND active_webhooks = ");
        out.push_bind_param::<Integer, _>(&self.active_webhooks)?;
        out.push_sql(" AND logins_version = ");
        out.push_bind_param::<Integer, _>(&self.logins_version)?;
        if let Some(most) = &self.at_most {
            out.push_sql(" AND active_intranet + active_extranet + pending_invitations <= ");
            out.push_bind_param::<Integer, _>(most)?;
        }
        if self.returning {
            out.push_sql(" RETURNING id");
        }
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for Reservation {}

/// Serialises the writers of one account: on PostgreSQL the account row is locked
/// (`SELECT … FOR UPDATE`) until the transaction ends, which also holds across several server
/// processes; on SQLite the transaction already is the only writer.
pub(crate) fn lock_account(conn: &mut DbConnection, account: AccountId) -> Result<(), StoreError> {
    if let DbConnection::Pg(pg) = conn {
        accounts::table
            .find(account.key())
            .select(accounts::id)
            .for_update()
            .first::<String>(pg)
            .optional()?
            .ok_or(DomainError::NotFound("account"))?;
    }
    Ok(())
}

/// Locks every account `identity` is a user of (read from `users`, as a subquery), in one order (by id: two such writers never
/// deadlock), as [`lock_account`] does one; returns them. A write about the person (a new
/// login) is then serialised with every write of those accounts that decides on logins.
pub(crate) fn lock_accounts_of(
    conn: &mut DbConnection,
    identity: IdentityId,
) -> Result<Vec<AccountId>, StoreError> {
    let of_identity = users::table
        .filter(users::identity_id.eq(identity.key()))
        .select(users::account_id);
    let query = accounts::table
        .filter(accounts::id.eq_any(of_identity))
        .order(accounts::id.asc())
        .select(accounts::id);
    let ids: Vec<String> = match conn {
        DbConnection::Pg(pg) => query.for_update().load(pg)?,
        DbConnection::Sqlite(_) => query.load(conn)?,
    };
    ids.iter().map(|id| parse_id(id)).collect()
}

/// Writes an account's name and settings.
pub(crate) fn update_settings(
    conn: &mut DbConnection,
    id: AccountId,
    name: &str,
    settings: &AccountSettings,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (mode, domains) = external_domains_columns(&settings.external_domains);
    diesel::update(accounts::table.find(id.key()))
        .set((
            accounts::name.eq(name),
            accounts::who_can_invite.eq(settings.who_can_invite.as_str()),
            accounts::external_domains_mode.eq(mode),
            accounts::external_domains.eq(&domains),
            accounts::invitation_ttl_hours
                .eq(i32::try_from(settings.invitation_ttl_hours).unwrap_or(i32::MAX)),
            accounts::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves an account to the plan named `plan`.
pub(crate) fn set_plan(
    conn: &mut DbConnection,
    id: AccountId,
    plan: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(accounts::table.find(id.key()))
        .set((
            accounts::plan.eq(plan),
            accounts::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The accounts by plan: `(plan, accounts, seats held)`, the seats summed from the counters.
pub(crate) fn held_by_plan(
    conn: &mut DbConnection,
) -> Result<Vec<(String, i64, Option<i64>)>, StoreError> {
    Ok(accounts::table
        .group_by(accounts::plan)
        .select((
            accounts::plan,
            count_star(),
            sum(accounts::active_intranet
                + accounts::active_extranet
                + accounts::pending_invitations),
        ))
        .load(conn)?)
}
