//! Use cases on accounts: sign-up, settings, plan, usage.

use crate::audit::{self, AuditEvent};
use crate::db::{lock_account, Database, DbConnection};
use crate::error::StoreError;
use crate::invitations::{account_now, sweep_account};
use crate::quotas::{account_use, AccountSending};
use crate::records::{external_domains_columns, AccountRecord, AccountRow, UserRecord};
use crate::schema::{accounts, identities, users};
use crate::users::user_by_id;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::access::{may_administer_account, may_see_account_internals, AccountUser};
use domain::account::AccountChange;
use domain::enums::{UserStatus, UserType};
use domain::ids::IdentityId;
use domain::login::Login;
use domain::plan::{Plan, Plans};
use domain::seats::Seats;
use domain::sending::SendingQuotas;
use domain::DomainError;
use serde_json::json;
use uuid::Uuid;

/// Whose profile the first administrator gets, with what the storage needs to create one.
#[derive(Debug, Clone)]
pub enum AdminIdentity {
    Create {
        login: Login,
        password_hash: String,
        first_name: String,
        last_name: String,
    },
    Reuse(IdentityId),
}

/// A decided sign-up: the account, its plan, and its first administrator.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub name: String,
    pub plan: Plan,
    pub admin: AdminIdentity,
}

/// Creates the account and its first administrator (an active intranet user holding one
/// seat), inside the caller's transaction: a sign-up, once its code confirmed it.
pub(crate) fn create_account(
    conn: &mut DbConnection,
    new: NewAccount,
    now: DateTime<Utc>,
) -> Result<(AccountRecord, UserRecord), StoreError> {
    {
        let at = now.naive_utc();
        let identity_id = match &new.admin {
            AdminIdentity::Reuse(id) => id.to_string(),
            AdminIdentity::Create {
                login,
                password_hash,
                first_name,
                last_name,
            } => {
                let id = Uuid::now_v7().to_string();
                let inserted = diesel::insert_into(identities::table)
                    .values((
                        identities::id.eq(&id),
                        identities::email.eq(login.email().map(|e| e.as_str())),
                        identities::phone.eq(login.phone().map(|p| p.as_str())),
                        identities::password_hash.eq(password_hash),
                        identities::first_name.eq(first_name),
                        identities::last_name.eq(last_name),
                        identities::created_at.eq(at),
                        identities::updated_at.eq(at),
                    ))
                    .execute(conn)
                    .map_err(StoreError::from);
                match inserted {
                    // Another request created this login between our read and this write.
                    Err(e) if e.is_unique_violation() => return Err(DomainError::LoginTaken.into()),
                    other => other?,
                };
                id
            }
        };
        let account_id = Uuid::now_v7().to_string();
        diesel::insert_into(accounts::table)
            .values((
                accounts::id.eq(&account_id),
                accounts::name.eq(&new.name),
                accounts::plan.eq(&new.plan.name),
                accounts::active_intranet.eq(1),
                accounts::created_at.eq(at),
                accounts::updated_at.eq(at),
            ))
            .execute(conn)?;
        let user_id = Uuid::now_v7().to_string();
        diesel::insert_into(users::table)
            .values((
                users::id.eq(&user_id),
                users::account_id.eq(&account_id),
                users::identity_id.eq(&identity_id),
                users::user_type.eq(UserType::Intranet.as_str()),
                users::status.eq(UserStatus::Active.as_str()),
                users::is_admin.eq(true),
                users::created_at.eq(at),
                users::updated_at.eq(at),
            ))
            .execute(conn)?;
        let account = account_row(conn, &account_id)?;
        let user = user_by_id(conn, &account_id, &user_id)?.ok_or(DomainError::NotFound("user"))?;
        audit::record(
            conn,
            AuditEvent {
                account_id: Some(account.id),
                actor_user_id: Some(user.id),
                actor_identity_id: Some(user.identity_id),
                action: "account.created",
                subject_type: "account",
                subject_id: account_id.clone(),
                details: json!({"name": new.name, "plan": new.plan.name, "admin_user_id": user_id}),
                at: now,
            },
        )?;
        Ok((account, user))
    }
}

pub(crate) fn account_row(conn: &mut DbConnection, id: &str) -> Result<AccountRecord, StoreError> {
    accounts::table
        .find(id)
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(DomainError::NotFound("account"))?
        .try_into()
}

/// The caller's account.
pub fn account(db: &Database, actor: &AccountUser) -> Result<AccountRecord, StoreError> {
    db.read(|conn| account_row(conn, &actor.account_id.to_string()))
}

/// What the account uses now: who holds its seats, and how much of this hour's sending quota
/// it has used.
#[derive(Debug, Clone)]
pub struct Usage {
    pub plan: String,
    pub seats: Seats,
    pub sending: AccountSending,
}

/// The account's usage. Employees only.
pub fn usage(
    db: &Database,
    actor: &AccountUser,
    plans: &Plans,
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<Usage, StoreError> {
    may_see_account_internals(actor)?;
    db.read_snapshot(|conn| {
        let account = account_now(conn, &actor.account_id.to_string(), now)?;
        Ok(Usage {
            plan: account.plan.clone(),
            seats: account.seats(plans),
            sending: account_use(conn, actor.account_id, quotas, now)?,
        })
    })
}

/// Changes the account's name and settings. Administrators only.
pub fn update_account(
    db: &Database,
    actor: &AccountUser,
    change: AccountChange,
    now: DateTime<Utc>,
) -> Result<AccountRecord, StoreError> {
    may_administer_account(actor)?;
    let actor = *actor;
    let id = actor.account_id.to_string();
    db.write(move |conn| {
        lock_account(conn, &id)?;
        let before = account_row(conn, &id)?;
        let settings = change.apply_to(&before.settings);
        let name = change
            .name
            .as_ref()
            .map_or(before.name.clone(), |n| n.as_str().to_owned());
        let (mode, domains) = external_domains_columns(&settings.external_domains);
        diesel::update(accounts::table.find(&id))
            .set((
                accounts::name.eq(&name),
                accounts::who_can_invite.eq(settings.who_can_invite.as_str()),
                accounts::external_domains_mode.eq(mode),
                accounts::external_domains.eq(&domains),
                accounts::invitation_ttl_hours
                    .eq(i32::try_from(settings.invitation_ttl_hours).unwrap_or(i32::MAX)),
                accounts::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            AuditEvent::by(
                &actor,
                "account.updated",
                "account",
                id.clone(),
                json!({
                    "name": name,
                    "who_can_invite": settings.who_can_invite.as_str(),
                    "external_domains": {"mode": mode, "domains": domains},
                    "invitation_ttl_hours": settings.invitation_ttl_hours,
                }),
                now,
            ),
        )?;
        account_row(conn, &id)
    })
}

/// Moves the account to another plan; refused when the seats held would not fit under its
/// limit (rule 4). Administrators only.
pub fn change_plan(
    db: &Database,
    actor: &AccountUser,
    plan: &Plan,
    plans: &Plans,
    now: DateTime<Utc>,
) -> Result<AccountRecord, StoreError> {
    may_administer_account(actor)?;
    let (actor, plan, plans) = (*actor, plan.clone(), plans.clone());
    let id = actor.account_id.to_string();
    db.write(move |conn| {
        let (plan, plans) = (&plan, &plans);
        lock_account(conn, &id)?;
        sweep_account(conn, &id, now)?;
        let before = account_row(conn, &id)?;
        before.seats(plans).fit_under(plan.user_limit)?;
        diesel::update(accounts::table.find(&id))
            .set((
                accounts::plan.eq(&plan.name),
                accounts::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            AuditEvent::by(
                &actor,
                "account.plan_changed",
                "account",
                id.clone(),
                json!({"from": before.plan, "to": plan.name}),
                now,
            ),
        )?;
        account_row(conn, &id)
    })
}
