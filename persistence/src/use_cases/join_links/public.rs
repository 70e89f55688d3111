//! The `/join` page's side of a join link, from its code: what the link leads to, asking for
//! the code that proves a login (nothing else is written: rule 11's budgets of codes), and
//! confirming it — the person joins at once, or their request waits for approval holding a
//! seat.

use crate::base::db::Database;
use crate::base::error::StoreError;
use crate::base::keys::{parse_word, Key};
use crate::shared::audit::{self, AuditEvent};
use crate::shared::joining::{let_in, Joiner};
use crate::shared::ledger::{account_now, change_seats};
use crate::shared::tx::{self, Sweep};
use crate::tables::accounts::{account_by_id, name_and_locale};
use crate::tables::code_attempts;
use crate::tables::identities::credentials_of;
use crate::tables::join_links::{by_code, count_use, JoinLinkRecord};
use crate::tables::join_requests::{
    awaiting_of_login, confirm as confirm_request, insert_join_request, live_with_code, Confirmed,
    JoinRequestRecord, NewJoinRequest,
};
use crate::tables::outbox::{self, join_code_message};
use crate::tables::sending_counters;
use crate::tables::users::{login_states, user_by_id, Pending, UserRecord};
use crate::tables::workgroups::{find_with_facts, name_and_kind};
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::audit::AuditAction;
use domain::code_attempts::AttemptCounter;
use domain::enums::{JoinRequestStatus, WorkgroupKind};
use domain::ids::{AccountId, WorkgroupId};
use domain::join_link::{
    decide_join, decide_join_request, require_usable, JoinAs, JoinContext, JoinProfile,
};
use domain::locale::Locale;
use domain::login::Login;
use domain::plan::Plans;
use domain::sending::{CodePurpose, Sending, SendingQuotas};
use domain::sign_up::{ExistingProfile, CODE_TTL_MINUTES};
use domain::DomainError;
use serde_json::json;

/// What the join page shows for a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkLookup {
    pub link: JoinLinkRecord,
    pub account_name: String,
    pub workgroup: (WorkgroupId, String, WorkgroupKind),
    /// The account's language: the page continues in it unless the reader picks another.
    pub locale: Locale,
}

/// The link behind a code, while it is usable (404 revoked or unknown, 410 expired or used up).
pub fn lookup(
    db: &Database,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<LinkLookup, StoreError> {
    db.read_snapshot(|conn| {
        let link = by_code(conn, code_hash)?;
        require_usable(&link.facts(), now)?;
        let (account_name, locale) = name_and_locale(conn, link.account_id)?;
        let (name, kind) =
            name_and_kind(conn, link.workgroup_id)?.ok_or(DomainError::NotFound("join link"))?;
        let kind = parse_word(&kind, WorkgroupKind::parse)?;
        Ok(LinkLookup {
            workgroup: (link.workgroup_id, name, kind),
            link,
            account_name,
            locale,
        })
    })
}

/// Asks for the code that proves `new.login`, through the link whose code hashes to
/// `link_code_hash`: the link must be usable and the address one it and the account let in.
/// The code counts against the budgets of codes (rule 11), never an account's.
pub fn request(
    db: &Database,
    link_code_hash: &str,
    new: NewJoinRequest,
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (quotas, link_code_hash) = (*quotas, link_code_hash.to_owned());
    db.write(move |conn| {
        let link = by_code(conn, &link_code_hash)?;
        let account = account_by_id(conn, link.account_id)?;
        decide_join_request(&link.facts(), &account.settings, &new.login, now)?;
        let sending = Sending {
            channel: new.login.channel(),
            recipient: new.login.as_str(),
        };
        sending_counters::consume_code(
            conn,
            &sending,
            CodePurpose::JoinLink,
            &new.client,
            &quotas,
            now,
        )?;
        insert_join_request(conn, link.account_id, link.id, link.workgroup_id, &new, now)?;
        let message = join_code_message(&new.login, &new.sealed_code, CODE_TTL_MINUTES, new.locale);
        outbox::enqueue(conn, &message, now)
    })
}

/// The person's profile as the HTTP layer settled it before the transaction.
#[derive(Debug, Clone)]
pub enum JoiningProfile {
    /// The login has a profile; whether the password given is its password.
    Existing(ExistingProfile),
    /// No profile yet: one with this password hash, made when they are let in.
    New { password_hash: String },
}

/// What confirming did.
#[derive(Debug, Clone)]
pub enum Joined {
    /// The person is a user and member now (a link without approval).
    Member(UserRecord),
    /// Their request waits for approval.
    Awaiting(JoinRequestRecord),
}

/// The account of the link a code belongs to (404 for an unknown code).
pub fn account_of_link(db: &Database, code_hash: &str) -> Result<AccountId, StoreError> {
    db.read(|conn| Ok(by_code(conn, code_hash)?.account_id))
}

/// Confirms a join with the code sent to `login`, tried from `client`. A wrong code counts
/// against the login and the client address (`code_attempts`), and is remembered though the
/// request fails; while either waits, no code is tried (429).
#[allow(clippy::too_many_arguments)]
pub fn confirm(
    db: &Database,
    link_code_hash: &str,
    login: &Login,
    code_hash: &str,
    client: &str,
    profile: JoiningProfile,
    plans: &Plans,
    now: DateTime<Utc>,
) -> Result<Joined, StoreError> {
    let account_id = account_of_link(db, link_code_hash)?;
    let attempts = AttemptCounter::for_join_link(login, client);
    let (link_code_hash, login, code_hash, plans) = (
        link_code_hash.to_owned(),
        login.clone(),
        code_hash.to_owned(),
        plans.clone(),
    );
    // The outcome travels inside `Ok` so that a wrong code's failed attempt is committed.
    tx::in_account(db, account_id, Sweep::First, now, move |conn| {
        if let Err(wait) = code_attempts::may_try(conn, &attempts, now)? {
            return Ok(Err(wait));
        }
        let link = by_code(conn, &link_code_hash)?;
        require_usable(&link.facts(), now)?;
        let Some(request) = live_with_code(conn, link.id, &login, &code_hash, now)? else {
            code_attempts::failed(conn, &attempts, now)?;
            return Ok(Err(DomainError::InvalidCode));
        };
        code_attempts::succeeded(conn, &attempts)?;
        let existing = credentials_of(conn, &login)?;
        let (proved, new_hash) = match (&profile, &existing) {
            (JoiningProfile::Existing(p), Some(c)) if p.identity_id == c.identity_id => {
                (Some(*p), None)
            }
            (JoiningProfile::New { password_hash }, None) => (None, Some(password_hash.clone())),
            // The profile appeared or changed between the check and now: try again.
            _ => return Err(DomainError::LoginTaken.into()),
        };
        let account = account_now(conn, account_id, now)?;
        let creator = user_by_id(conn, account_id, link.created_by)?.map(|u| {
            AccountUser::as_recorded(u.identity_id, u.account_id, u.id, u.user_type, u.is_admin)
        });
        let (_, workgroup) = find_with_facts(conn, account_id, link.workgroup_id, link.created_by)?
            .ok_or(DomainError::NotFound("join link"))?;
        let state = login_states(
            conn,
            account_id,
            &[&login],
            Some(link.workgroup_id),
            Pending::Read,
            now,
        )?
        .pop()
        .ok_or(DomainError::Unreachable("a login's state was not read"))?;
        let plan = decide_join(
            &JoinContext {
                link: &link.facts(),
                login: &login,
                settings: &account.settings,
                creator,
                workgroup,
                login_state: state,
                profile: proved,
                seats: account.seats(&plans),
                already_awaiting: awaiting_of_login(conn, account_id, &login)?,
            },
            now,
        )?;
        count_use(conn, link.id)?;
        change_seats(conn, account_id, plan.seats)?;
        let details = json!({
            "workgroup_id": link.workgroup_id.key(),
            "join_link_id": link.id.key(),
        });
        if plan.awaiting {
            let reuse = match plan.profile {
                JoinProfile::Reuse(id) => Some(id),
                JoinProfile::Create => None,
            };
            confirm_request(
                conn,
                request.id,
                &Confirmed {
                    status: JoinRequestStatus::AwaitingApproval,
                    holds_seat: plan.joins_as == JoinAs::NewUser,
                    password_hash: new_hash.as_deref(),
                    identity_id: reuse,
                    user_id: None,
                },
                now,
            )?;
            audit::record(
                conn,
                AuditEvent {
                    actor_token_id: None,
                    account_id: Some(account_id),
                    actor_user_id: None,
                    actor_identity_id: reuse,
                    action: AuditAction::JoinRequestCreated,
                    subject_type: "join_request",
                    subject_id: request.id.key(),
                    details,
                    at: now,
                },
            )?;
            let waiting = crate::tables::join_requests::find_join_request(
                conn,
                account_id,
                link.workgroup_id,
                request.id,
            )?
            .ok_or(DomainError::Unreachable("a waiting join request is gone"))?;
            return Ok(Ok(Joined::Awaiting(waiting)));
        }
        let user_id = let_in(
            conn,
            account_id,
            link.workgroup_id,
            link.created_by,
            plan.joins_as,
            plan.profile,
            &Joiner {
                login: &login,
                first_name: &request.first_name,
                last_name: &request.last_name,
                password_hash: new_hash.as_deref(),
            },
            now,
        )?;
        confirm_request(
            conn,
            request.id,
            &Confirmed {
                status: JoinRequestStatus::Joined,
                holds_seat: false,
                password_hash: None,
                identity_id: None,
                user_id: Some(user_id),
            },
            now,
        )?;
        let user = user_by_id(conn, account_id, user_id)?.ok_or(DomainError::NotFound("user"))?;
        audit::record(
            conn,
            AuditEvent {
                actor_token_id: None,
                account_id: Some(account_id),
                actor_user_id: Some(user_id),
                actor_identity_id: Some(user.identity_id),
                action: AuditAction::JoinLinkJoined,
                subject_type: "join_link",
                subject_id: link.id.key(),
                details: json!({
                    "workgroup_id": link.workgroup_id.key(),
                    "join_link_id": link.id.key(),
                    "user_id": user_id.key(),
                }),
                at: now,
            },
        )?;
        Ok(Ok(Joined::Member(user)))
    })?
    .map_err(StoreError::from)
}
