//! Use cases on an account: read it, its usage, its settings and its plan.

use crate::base::db::Database;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::limits::Limits;
use crate::shared::audit::{self, AuditEvent};
use crate::shared::ledger::account_now;
use crate::shared::tx::{self, Sweep};
use crate::tables::accounts::{
    account_by_id, external_domains_columns, set_plan, update_settings, AccountRecord,
};
use crate::tables::sending_counters::{account_use, AccountSending};
use crate::tables::two_factors;
use chrono::{DateTime, Utc};
use domain::access::{may_administer_account, may_see_account_internals, AccountUser};
use domain::account::{AccountChange, AccountSettings};
use domain::audit::AuditAction;
use domain::plan::Plan;
use domain::seats::Seats;
use domain::two_factor::may_require;
use serde_json::json;

/// The caller's account.
pub fn account(db: &Database, actor: &AccountUser) -> Result<AccountRecord, StoreError> {
    db.read(|conn| account_by_id(conn, actor.account_id))
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
    limits: &Limits,
    now: DateTime<Utc>,
) -> Result<Usage, StoreError> {
    may_see_account_internals(actor)?;
    db.read_snapshot(|conn| {
        let account = account_now(conn, actor.account_id, now)?;
        Ok(Usage {
            plan: account.plan.clone(),
            seats: account.seats(&limits.plans),
            sending: account_use(conn, actor.account_id, &limits.quotas, now)?,
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
    let id = actor.account_id;
    tx::in_account(db, id, Sweep::No, now, move |conn| {
        let before = account_by_id(conn, id)?;
        let settings = change.apply_to(&before.settings);
        // A policy that would shut the administrator setting it in their own session: not
        // before they have a second factor (rule 13).
        if settings.require_two_factor != before.settings.require_two_factor {
            let enabled = two_factors::is_enabled(conn, actor.identity_id)?;
            may_require(settings.require_two_factor, actor.is_admin, enabled)?;
        }
        let name = change
            .name
            .as_ref()
            .map_or(before.name.clone(), |n| n.as_str().to_owned());
        update_settings(conn, id, &name, &settings, now)?;
        audit::record(
            conn,
            AuditEvent::by(
                &actor,
                AuditAction::AccountUpdated,
                "account",
                id.key(),
                json!({
                    "before": settings_json(&before.name, &before.settings),
                    "after": settings_json(&name, &settings),
                }),
                now,
            ),
        )?;
        account_by_id(conn, id)
    })
}

/// An account's name and settings as its audit events show them.
fn settings_json(name: &str, settings: &AccountSettings) -> serde_json::Value {
    let (mode, domains) = external_domains_columns(&settings.external_domains);
    json!({
        "name": name,
        "who_can_invite": settings.who_can_invite.as_str(),
        "external_domains": {"mode": mode, "domains": domains},
        "invitation_ttl_hours": settings.invitation_ttl_hours,
        "default_external_access_days": settings.default_external_access_days,
        "require_two_factor": settings.require_two_factor.as_str(),
        "locale": settings.locale.as_str(),
    })
}

/// Moves the account to another plan; refused when the seats held would not fit under its
/// limit (rule 4). Administrators only.
pub fn change_plan(
    db: &Database,
    actor: &AccountUser,
    plan: &Plan,
    limits: &Limits,
    now: DateTime<Utc>,
) -> Result<AccountRecord, StoreError> {
    may_administer_account(actor)?;
    let (actor, plan, plans) = (*actor, plan.clone(), limits.plans.clone());
    let id = actor.account_id;
    tx::in_account(db, id, Sweep::First, now, move |conn| {
        let before = account_by_id(conn, id)?;
        before.seats(&plans).fit_under(plan.user_limit)?;
        set_plan(conn, id, &plan.name, now)?;
        audit::record(
            conn,
            AuditEvent::by(
                &actor,
                AuditAction::AccountPlanChanged,
                "account",
                id.key(),
                json!({"before": {"plan": before.plan}, "after": {"plan": plan.name}}),
                now,
            ),
        )?;
        account_by_id(conn, id)
    })
}
