//! The `accounts` table: an account with its settings, read with its seat counters
//! (`account_seats`, a table of their own).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, to_count, utc, Key, Literal};
use crate::base::schema::{
    access_reviews, account_seats, accounts, identities, invitations, memberships, users,
};
use crate::tables::account_seats::{bump as bump_version, insert as insert_seats, SeatsRow};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::{count_star, sum};
use diesel::prelude::*;
use domain::account::{AccountSettings, ExternalDomains};
use domain::enums::{InvitationStatus, ReviewStatus, UserStatus};
use domain::enums::{RequireTwoFactor, WhoCanInvite};
use domain::ids::{AccountId, UserId};
use domain::locale::Locale;
use domain::plan::{Plan, Plans};
use domain::seats::Seats;
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
    /// Join requests awaiting approval that hold a seat.
    pub pending_join_requests: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Its active webhooks: with none, its changes' events go nowhere.
    pub active_webhooks: u32,
    /// The version of what a batch decides on without the account's lock (`account_seats`):
    /// its plan, settings, active webhooks, and its people's logins.
    pub version: u32,
}

impl AccountRecord {
    /// The seats held, against the plan's limit from the catalogue.
    pub fn seats(&self, plans: &Plans) -> Seats {
        Seats {
            limit: plans.limit_of(&self.plan),
            active_intranet: self.active_intranet,
            active_extranet: self.active_extranet,
            pending_invitations: self.pending_invitations,
            pending_join_requests: self.pending_join_requests,
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
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    active_webhooks: i32,
    locale: String,
    default_external_access_days: Option<i32>,
    require_two_factor: String,
}

/// How `external_domains` is stored: a mode and a comma-separated list.
pub(crate) fn external_domains_columns(d: &ExternalDomains) -> (&'static str, String) {
    match d {
        ExternalDomains::Any => ("any", String::new()),
        ExternalDomains::Allow(list) => ("allow", list.join(",")),
        ExternalDomains::Deny(list) => ("deny", list.join(",")),
    }
}

impl TryFrom<(AccountRow, SeatsRow)> for AccountRecord {
    type Error = StoreError;

    fn try_from((r, seats): (AccountRow, SeatsRow)) -> Result<Self, StoreError> {
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
                locale: parse_word(&r.locale, Locale::parse)?,
                default_external_access_days: r
                    .default_external_access_days
                    .and_then(|d| u32::try_from(d).ok()),
                require_two_factor: parse_word(&r.require_two_factor, RequireTwoFactor::parse)?,
            },
            name: r.name,
            plan: r.plan,
            active_intranet: to_count(seats.active_intranet),
            active_extranet: to_count(seats.active_extranet),
            pending_invitations: to_count(seats.pending_invitations),
            pending_join_requests: to_count(seats.pending_join_requests),
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            active_webhooks: to_count(r.active_webhooks),
            version: to_count(seats.version),
        })
    }
}

/// The account with its seat counters (joins `account_seats`), or 404.
pub(crate) fn account_by_id(
    conn: &mut DbConnection,
    id: AccountId,
) -> Result<AccountRecord, StoreError> {
    accounts::table
        .inner_join(account_seats::table)
        .filter(accounts::id.eq(id.key()))
        .select((AccountRow::as_select(), SeatsRow::as_select()))
        .first::<(AccountRow, SeatsRow)>(conn)
        .optional()?
        .ok_or(DomainError::NotFound("account"))?
        .try_into()
}

/// The account with its seat counters, unless it holds pending invitations past their expiry,
/// ended access or memberships, or a due access review, that are not swept yet (its seat
/// counters then still count them), and `inviter`'s name as
/// messages show it ("First Last", of `users` joined with `identities`): what a batch reads
/// of the account first, in one statement.
pub(crate) fn account_unless_overdue(
    conn: &mut DbConnection,
    id: AccountId,
    inviter: UserId,
    now: DateTime<Utc>,
) -> Result<Option<(AccountRecord, String)>, StoreError> {
    // The earliest expiry of a pending invitation: one entry of `invitations_expiry`, read in
    // order. (`EXISTS (… expires_at <= $n)` was planned by PostgreSQL's generic plan as a
    // sequential scan of every invitation, once per request.)
    let earliest = invitations::table
        .filter(invitations::account_id.eq(accounts::id))
        .filter(invitations::status.eq(Literal::word(InvitationStatus::Pending.as_str())))
        .select(diesel::dsl::min(invitations::expires_at))
        .single_value();
    // The earliest end of an active user's access (`users_access_end`) and of a membership
    // (`memberships_end`): once one has come, the sweep has something to record first.
    let earliest_access_end = users::table
        .filter(users::account_id.eq(accounts::id))
        .filter(users::status.eq(Literal::word(UserStatus::Active.as_str())))
        .filter(users::access_expires_at.is_not_null())
        .select(diesel::dsl::min(users::access_expires_at))
        .single_value();
    let earliest_membership_end = memberships::table
        .filter(memberships::account_id.eq(accounts::id))
        .filter(memberships::expires_at.is_not_null())
        .select(diesel::dsl::min(memberships::expires_at))
        .single_value();
    // The earliest due instant of an open access review (`access_reviews_due`): once it has
    // come, the sweep applies the review first.
    let earliest_review_due = access_reviews::table
        .filter(access_reviews::account_id.eq(accounts::id))
        .filter(access_reviews::status.eq(Literal::word(ReviewStatus::Open.as_str())))
        .select(diesel::dsl::min(access_reviews::due_at))
        .single_value();
    let person = || {
        users::table
            .inner_join(identities::table)
            .filter(users::id.eq(inviter.key()))
            .filter(users::account_id.eq(accounts::id))
    };
    let first_name = person().select(identities::first_name).single_value();
    let last_name = person().select(identities::last_name).single_value();
    let (row, seats, ends, first, last) = accounts::table
        .inner_join(account_seats::table)
        .filter(accounts::id.eq(id.key()))
        .select((
            AccountRow::as_select(),
            SeatsRow::as_select(),
            (
                earliest,
                earliest_access_end,
                earliest_membership_end,
                earliest_review_due,
            ),
            first_name,
            last_name,
        ))
        .first::<(
            AccountRow,
            SeatsRow,
            (
                Option<NaiveDateTime>,
                Option<NaiveDateTime>,
                Option<NaiveDateTime>,
                Option<NaiveDateTime>,
            ),
            Option<String>,
            Option<String>,
        )>(conn)
        .optional()?
        .ok_or(DomainError::NotFound("account"))?;
    let (earliest, access_end, membership_end, review_due) = ends;
    let due = |end: Option<NaiveDateTime>| end.is_some_and(|e| e <= now.naive_utc());
    if due(earliest) || due(access_end) || due(membership_end) || due(review_due) {
        return Ok(None);
    }
    let (Some(first), Some(last)) = (first, last) else {
        return Err(DomainError::NotFound("user").into());
    };
    Ok(Some(((row, seats).try_into()?, format!("{first} {last}"))))
}

/// The account's default length of a new external user's access, in days (issue #30).
pub(crate) fn default_access_days(
    conn: &mut DbConnection,
    id: AccountId,
) -> Result<Option<u32>, StoreError> {
    let days: Option<i32> = accounts::table
        .find(id.key())
        .select(accounts::default_external_access_days)
        .first(conn)?;
    Ok(days.and_then(|d| u32::try_from(d).ok()))
}

/// The account's name and the language of its messages.
pub(crate) fn name_and_locale(
    conn: &mut DbConnection,
    id: AccountId,
) -> Result<(String, Locale), StoreError> {
    let (name, locale) = accounts::table
        .find(id.key())
        .select((accounts::name, accounts::locale))
        .first::<(String, String)>(conn)?;
    Ok((name, parse_word(&locale, Locale::parse)?))
}

/// Writes a new account on `plan`, its messages in `locale`, whose first user (its
/// administrator) holds one seat.
pub(crate) fn insert_account(
    conn: &mut DbConnection,
    name: &str,
    plan: &Plan,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<AccountId, StoreError> {
    let id = AccountId(Uuid::now_v7());
    let at = now.naive_utc();
    diesel::insert_into(accounts::table)
        .values((
            accounts::id.eq(id.key()),
            accounts::name.eq(name),
            accounts::plan.eq(&plan.name),
            accounts::locale.eq(locale.as_str()),
            accounts::created_at.eq(at),
            accounts::updated_at.eq(at),
        ))
        .execute(conn)?;
    insert_seats(conn, id)?;
    Ok(id)
}

/// Counts the account's active webhooks again onto its row; every webhook write calls it in
/// its transaction (which holds the account's lock). A changed count is a change batches
/// decided on (`account_seats::bump`): whether their events go to webhooks.
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
    let n = i32::try_from(n).unwrap_or(i32::MAX);
    let changed = diesel::update(
        accounts::table
            .find(account.key())
            .filter(accounts::active_webhooks.ne(n)),
    )
    .set(accounts::active_webhooks.eq(n))
    .execute(conn)?;
    if changed > 0 {
        bump_version(conn, &[account])?;
    }
    Ok(())
}

/// A login became a user's in each of `accounts` (one of their people took a new login, or an
/// invitation was accepted): a batch decided on the logins it read without the lock sees it
/// (`account_seats::bump`).
pub(crate) fn bump_logins_version(
    conn: &mut DbConnection,
    accounts: &[AccountId],
) -> Result<(), StoreError> {
    bump_version(conn, accounts)
}

/// Writes an account's name and settings (a change batches decided on:
/// `account_seats::bump`).
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
            accounts::locale.eq(settings.locale.as_str()),
            accounts::default_external_access_days.eq(settings
                .default_external_access_days
                .map(|d| i32::try_from(d).unwrap_or(i32::MAX))),
            accounts::require_two_factor.eq(settings.require_two_factor.as_str()),
            accounts::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    bump_version(conn, &[id])
}

/// Moves an account to the plan named `plan` (a change batches decided on:
/// `account_seats::bump`).
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
    bump_version(conn, &[id])
}

/// The accounts by plan: `(plan, accounts, seats held)`, the seats summed from the counters
/// (joins `account_seats`).
pub(crate) fn held_by_plan(
    conn: &mut DbConnection,
) -> Result<Vec<(String, i64, Option<i64>)>, StoreError> {
    Ok(accounts::table
        .inner_join(account_seats::table)
        .group_by(accounts::plan)
        .select((
            accounts::plan,
            count_star(),
            sum(account_seats::active_intranet
                + account_seats::active_extranet
                + account_seats::pending_invitations
                + account_seats::pending_join_requests),
        ))
        .load(conn)?)
}

/// The names of the accounts of `ids`, each as `(id, name)` (those found).
pub(crate) fn names_by_id(
    conn: &mut DbConnection,
    ids: &[AccountId],
) -> Result<Vec<(AccountId, String)>, StoreError> {
    let rows: Vec<(String, String)> = accounts::table
        .filter(accounts::id.eq_any(ids.iter().map(|a| a.key())))
        .select((accounts::id, accounts::name))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name)| Ok((parse_id(&id)?, name)))
        .collect()
}
