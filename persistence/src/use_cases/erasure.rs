//! A person's data erased (issue #32, rule 14; `domain::erasure`): by the person, with the
//! password (checked by the HTTP layer) and a code sent to their login; or by an
//! administrator, for a dismissed user of their account. Each in one write transaction, the
//! accounts it changes locked: the seats given back, the rows that held the person's logins,
//! names and message texts erased or scrubbed, the audit event `user.erased` (who and when,
//! never what), which webhooks hear of with the erased user as its resource.
//!
//! Finding the rows that may hold a trace scans the audit trail, the outbox and the stored
//! idempotent outcomes (`LIKE` on the person's logins, names and ids): an erasure is rare, and
//! holds the writer for as long as those scans take (they grow with those tables, which
//! retention bounds).

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::page::like_pattern;
use crate::shared::access_ends::{dismiss_by_system, SystemDismissal};
use crate::shared::audit::{self, AuditEvent};
use crate::shared::ledger::{change_seats, sweep_account};
use crate::shared::tx::{self, lock_account, Sweep};
use crate::tables::accounts::bump_logins_version;
use crate::tables::identities::{self, logins_of, profile_of};
use crate::tables::invitations::erasure as invitations;
use crate::tables::invitations::{close, find_invitation};
use crate::tables::outbox::erasure as outbox;
use crate::tables::outbox::{enqueue, NewMessage};
use crate::tables::users::erasure::{self as person_users, PersonUser};
use crate::tables::users::{active_admins, user_by_id, UserRecord};
use crate::tables::{
    api_tokens, audit_events, code_attempts, erasure_codes, idempotency_keys, join_requests,
    login_changes, password_resets, rate_buckets, recovery_codes, refresh_tokens, sending_counters,
    sessions, sign_ups, two_factors,
};
use chrono::{DateTime, Duration, Utc};
use domain::access::{may_administer_account, AccountUser};
use domain::audit::AuditAction;
use domain::code_attempts::AttemptCounter;
use domain::enums::InvitationStatus;
use domain::erasure::{
    decide_admin_erasure, decide_self_erasure, profile_goes_too, request_erased, ErasedBy,
    ErasedUser, Traces, CODE_TTL_MINUTES, ERASED_TEXT,
};
use domain::ids::{AccountId, IdentityId, UserId};
use domain::invitation::decide_decline;
use domain::locale::{self, Locale};
use domain::login::Login;
use domain::seats::SeatChange;
use domain::sending::{CodePurpose, Sending, SendingQuotas};
use domain::DomainError;
use serde_json::json;
use std::collections::BTreeSet;
use uuid::Uuid;

/// A person asking for the code that confirms their erasure.
pub struct CodeRequest {
    pub identity_id: IdentityId,
    pub code_hash: String,
    /// The code sealed for the delivery worker (the outbox never holds it in clear).
    pub sealed_code: String,
    /// The client address asking (its budget of codes, rule 11).
    pub client: String,
    pub request_locale: Option<Locale>,
}

/// Stores the profile's code (replacing one it had) and the message carrying it to the
/// profile's login, within the budgets of codes; the login it went to.
pub fn request_code(
    db: &Database,
    request: CodeRequest,
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let quotas = *quotas;
    db.write(move |conn| {
        let identity = request.identity_id;
        let logins = logins_of(conn, identity)?;
        let login = Login::from_email_or_phone(logins.email.as_deref(), logins.phone.as_deref())
            .map_err(|_| DomainError::NotFound("profile"))?;
        let sending = Sending {
            channel: login.channel(),
            recipient: login.as_str(),
        };
        sending_counters::consume_code(
            conn,
            &sending,
            CodePurpose::Erasure,
            &request.client,
            &quotas,
            now,
        )?;
        let expires_at = now + Duration::minutes(CODE_TTL_MINUTES);
        erasure_codes::replace(conn, identity, &request.code_hash, expires_at, now)?;
        let locale = locale::for_person(
            identities::locale_of(conn, identity)?,
            None,
            request.request_locale,
        );
        let message = NewMessage {
            id: Uuid::now_v7(),
            account_id: None,
            channel: login.channel(),
            recipient: login.as_str().to_owned(),
            payload: json!({
                "kind": "erasure_code",
                "locale": locale,
                "sealed_token": request.sealed_code,
                "expires_in_minutes": CODE_TTL_MINUTES,
            }),
        };
        enqueue(conn, &message, now)?;
        Ok(login.as_str().to_owned())
    })
}

/// What a person's erasure did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonErased {
    pub erased_at: DateTime<Utc>,
    /// The accounts where the person was a user (each recorded `user.erased`).
    pub accounts: usize,
}

/// The person erases themself, confirming with the code hashing to `code_hash` tried from
/// `client` (a wrong one counts, and is remembered although the request fails; 429 while the
/// counters wait). Refused while they are an account's last active administrator.
pub fn erase_person(
    db: &Database,
    identity: IdentityId,
    code_hash: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<PersonErased, StoreError> {
    let code_hash = code_hash.to_owned();
    let attempts = AttemptCounter::for_erasure(identity, client);
    let outcome = db.write(move |conn| {
        if let Err(wait) = code_attempts::may_try(conn, &attempts, now)? {
            return Ok(Err(wait));
        }
        let good = erasure_codes::expiry_of(conn, identity, &code_hash)?
            .is_some_and(|expires| expires > now);
        if !good {
            code_attempts::failed(conn, &attempts, now)?;
            return Ok(Err(DomainError::InvalidCode));
        }
        code_attempts::succeeded(conn, &attempts)?;
        Ok(Ok(erase_person_now(conn, identity, now)?))
    })?;
    outcome.map_err(StoreError::from)
}

fn erase_person_now(
    conn: &mut DbConnection,
    identity: IdentityId,
    now: DateTime<Utc>,
) -> Result<PersonErased, StoreError> {
    let person = Person::whole(conn, identity)?;
    let pending = invitations::pending_to(conn, &person.logins)?;
    let requests = join_requests::to_erase(conn, None, identity, &person.logins, &person.ids)?;
    // Every account the erasure gives seats back to, locked in one order.
    let accounts: BTreeSet<AccountId> = person
        .users
        .iter()
        .map(|u| u.account_id)
        .chain(pending.iter().map(|(_, a)| *a))
        .chain(requests.iter().map(|r| r.account_id))
        .collect();
    for account in &accounts {
        lock_account(conn, *account)?;
        sweep_account(conn, *account, now)?;
    }
    // Read again, locked and swept: an access that ended meanwhile is a dismissal already.
    let person = Person::whole(conn, identity)?;
    let mut deciding = Vec::with_capacity(person.users.len());
    for u in &person.users {
        let admins = active_admins(conn, u.account_id)?;
        deciding.push(ErasedUser {
            subject: u.subject,
            erased: u.erased,
            active_admins: u32::try_from(admins).unwrap_or(u32::MAX),
        });
    }
    let seats = decide_self_erasure(&deciding)?;
    for (u, seats) in person.users.iter().zip(seats) {
        if let Some(seats) = seats {
            let dismissal = SystemDismissal {
                user_id: u.subject.user_id,
                user_type: u.subject.user_type,
                at: now,
                why: None,
                seats,
            };
            dismiss_by_system(conn, u.account_id, &dismissal, now)?;
        }
    }
    // The person says no to what waited for them.
    for (id, account) in invitations::pending_to(conn, &person.logins)? {
        let invitation = find_invitation(conn, account, id, now)?;
        let Ok(seats) = decide_decline(&invitation.facts(), now) else {
            continue;
        };
        close(conn, id, InvitationStatus::Declined, None, now)?;
        change_seats(conn, account, seats)?;
        audit::record(
            conn,
            AuditEvent::by_system(
                account,
                AuditAction::InvitationDeclined,
                "invitation",
                id.key(),
                json!({}),
                now,
            ),
        )?;
    }
    let requests = join_requests::to_erase(conn, None, identity, &person.logins, &person.ids)?;
    for r in requests.iter().filter(|r| r.waiting && r.holds_seat) {
        change_seats(conn, r.account_id, SeatChange::join_released())?;
    }
    let waiting: Vec<String> = requests
        .iter()
        .filter(|r| r.waiting)
        .map(|r| r.id.clone())
        .collect();
    let all: Vec<String> = requests
        .into_iter()
        .filter(|r| request_erased(ErasedBy::Person, r.waiting))
        .map(|r| r.id)
        .collect();
    join_requests::erase(conn, &all, &waiting, now)?;
    person.erase(conn, None, &all, now)?;
    person.erase_profile(conn, now)?;
    let accounts: Vec<AccountId> = accounts.into_iter().collect();
    bump_logins_version(conn, &accounts)?;
    for u in &person.users {
        if !u.erased {
            record_erased(
                conn,
                u.account_id,
                None,
                u.subject.user_id,
                ErasedBy::Person,
                now,
            )?;
        }
    }
    Ok(PersonErased {
        erased_at: now,
        accounts: person.users.len(),
    })
}

/// An administrator erases a dismissed user of their account; the user as it is now. The
/// profile goes too when no other account knows the person (`domain::erasure`).
pub fn erase_user(
    db: &Database,
    actor: &AccountUser,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    may_administer_account(actor)?;
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::First, now, move |conn| {
        let account = actor.account_id;
        let user = user_by_id(conn, account, id)?;
        let subject = user.as_ref().map(UserRecord::subject);
        let erased = user.as_ref().is_some_and(|u| u.erased_at.is_some());
        let changes = decide_admin_erasure(subject, erased)?;
        let user = user.ok_or(DomainError::NotFound("user"))?;
        if !changes {
            return Ok(user);
        }
        let (mine, others): (Vec<PersonUser>, Vec<PersonUser>) =
            person_users::of_identity(conn, user.identity_id)?
                .into_iter()
                .partition(|u| u.subject.user_id == user.id);
        let others: Vec<bool> = others.iter().map(|u| u.erased).collect();
        let profile_goes = profile_goes_too(&others);
        let scope = (!profile_goes).then_some(account);
        let person = Person::of(conn, user.identity_id, mine, profile_goes)?;
        let requests =
            join_requests::to_erase(conn, scope, user.identity_id, &person.logins, &person.ids)?;
        let erased: Vec<String> = requests
            .into_iter()
            .filter(|r| request_erased(ErasedBy::Administrator, r.waiting))
            .map(|r| r.id)
            .collect();
        join_requests::erase(conn, &erased, &[], now)?;
        person.erase(conn, scope, &erased, now)?;
        if profile_goes {
            person.erase_profile(conn, now)?;
        }
        bump_logins_version(conn, &[account])?;
        record_erased(
            conn,
            account,
            Some(&actor),
            user.id,
            ErasedBy::Administrator,
            now,
        )?;
        user_by_id(conn, account, id)?.ok_or(DomainError::NotFound("user").into())
    })
}

/// The audit event of an erasure: who and when, never what.
fn record_erased(
    conn: &mut DbConnection,
    account: AccountId,
    actor: Option<&AccountUser>,
    user: UserId,
    by: ErasedBy,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let details = json!({"by": by.as_str()});
    let event = match actor {
        Some(actor) => AuditEvent::by(
            actor,
            AuditAction::UserErased,
            "user",
            user.key(),
            details,
            now,
        ),
        None => AuditEvent::by_system(
            account,
            AuditAction::UserErased,
            "user",
            user.key(),
            details,
            now,
        ),
    };
    audit::record(conn, event)
}

/// What an erasure looks for and erases: the person's users (all, or the one an
/// administrator erases), their logins, the texts that were theirs and their ids.
struct Person {
    identity: IdentityId,
    users: Vec<PersonUser>,
    /// Every login the person is or was known by, as stored.
    logins: Vec<String>,
    /// The ids of the users erased, and of the profile.
    ids: Vec<String>,
    traces: Traces,
}

impl Person {
    /// The person of `identity`, every user of theirs and the profile.
    fn whole(conn: &mut DbConnection, identity: IdentityId) -> Result<Self, StoreError> {
        let users = person_users::of_identity(conn, identity)?;
        Self::of(conn, identity, users, true)
    }

    /// The person of `identity` as an erasure reaches them: `users` (every user of theirs, or
    /// the one an administrator erases), with the profile's logins when the profile goes too.
    fn of(
        conn: &mut DbConnection,
        identity: IdentityId,
        users: Vec<PersonUser>,
        with_profile: bool,
    ) -> Result<Self, StoreError> {
        let profile = profile_of(conn, identity)?.ok_or(DomainError::NotFound("profile"))?;
        let mut logins: Vec<String> = users
            .iter()
            .flat_map(|u| [u.email.clone(), u.phone.clone()])
            .flatten()
            .collect();
        if with_profile {
            logins.extend(
                [profile.email.clone(), profile.phone.clone()]
                    .into_iter()
                    .flatten(),
            );
        }
        logins.sort();
        logins.dedup();
        // The profile's id finds the events it acted in; within the scope erased.
        let mut ids: Vec<String> = users.iter().map(|u| u.subject.user_id.key()).collect();
        ids.push(identity.key());
        let full_name = format!("{} {}", profile.first_name, profile.last_name);
        let traces = Traces::of(logins.iter().map(String::as_str)).with_words([
            profile.first_name.as_str(),
            profile.last_name.as_str(),
            full_name.as_str(),
        ]);
        Ok(Self {
            identity,
            users,
            logins,
            ids,
            traces,
        })
    }

    /// Erases what the person's users left in `scope` (an account, or everywhere): their
    /// closed invitations, messages, sessions and tokens, and every trace in the audit trail,
    /// the outbox and the stored idempotent outcomes; then the users themselves.
    fn erase(
        &self,
        conn: &mut DbConnection,
        scope: Option<AccountId>,
        join_requests: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let closed = invitations::closed_of_person(conn, scope, &self.logins, &self.ids)?;
        let messages: Vec<&str> = closed.iter().filter_map(|(_, m)| m.as_deref()).collect();
        let traces = self.traces.clone().with(messages);
        let invitation_ids: Vec<String> = closed.iter().map(|(id, _)| id.clone()).collect();
        invitations::erase(conn, &invitation_ids, now)?;
        outbox::erase_messages_to(conn, scope, &self.logins, now)?;
        let ids: Vec<String> = self
            .ids
            .iter()
            .chain(&invitation_ids)
            .chain(join_requests)
            .cloned()
            .collect();
        scrub(conn, scope, &traces, &ids)?;
        let user_ids: Vec<String> = self.users.iter().map(|u| u.subject.user_id.key()).collect();
        api_tokens::erase_of_users(
            conn,
            &user_ids,
            |name| traces.found_in(name).then(|| ERASED_TEXT.to_owned()),
            now,
        )?;
        let ended = sessions::delete_of_person(conn, None, &user_ids)?;
        refresh_tokens::delete_of_sessions(conn, &ended)?;
        for u in &self.users {
            person_users::erase(conn, u.subject.user_id, now)?;
        }
        Ok(())
    }

    /// Erases the profile: its sessions, second factor, codes and pending changes deleted,
    /// the counters keyed by its logins forgotten, the row a tombstone (the login free).
    fn erase_profile(&self, conn: &mut DbConnection, now: DateTime<Utc>) -> Result<(), StoreError> {
        let identity = self.identity;
        let ended = sessions::delete_of_person(conn, Some(identity), &[])?;
        refresh_tokens::delete_of_sessions(conn, &ended)?;
        two_factors::remove(conn, identity)?;
        recovery_codes::remove_all(conn, identity)?;
        login_changes::delete_of_identity(conn, identity)?;
        password_resets::delete_of_identity(conn, identity)?;
        erasure_codes::delete_of_identity(conn, identity)?;
        sign_ups::delete_of_person(conn, identity, &self.logins)?;
        let keys: Vec<String> = self
            .logins
            .iter()
            .map(String::as_str)
            .chain([identity.key().as_str()])
            .map(like_pattern)
            .collect();
        code_attempts::forget_traces(conn, &keys)?;
        rate_buckets::forget_traces(conn, &keys)?;
        sending_counters::forget_traces(conn, &keys)?;
        identities::erase(conn, identity, now)
    }
}

/// Rewrites every row in `scope` that holds one of `traces` or names one of `ids` without
/// the traces: audit events' details, outbox bodies and last errors, and (in every account:
/// a key's caller is a user or token, not an account) stored idempotent outcomes — a key
/// that is itself the person's words is forgotten.
fn scrub(
    conn: &mut DbConnection,
    scope: Option<AccountId>,
    traces: &Traces,
    ids: &[String],
) -> Result<(), StoreError> {
    let patterns: Vec<String> = traces
        .searched()
        .chain(ids.iter().map(String::as_str))
        .map(like_pattern)
        .collect();
    for (id, details) in audit_events::with_traces(conn, scope, ids, &patterns)? {
        if let Some(scrubbed) = traces.scrub_json_text(&details) {
            audit_events::set_details(conn, &id, &scrubbed)?;
        }
    }
    for (id, payload, last_error) in outbox::with_traces(conn, scope, &patterns)? {
        let body = traces.scrub_json_text(&payload);
        let error = last_error.as_deref().map(|e| traces.scrubbed(e));
        if body.is_some() || error != last_error {
            let body = body.unwrap_or(payload);
            outbox::set_scrubbed(conn, &id, &body, error.as_deref())?;
        }
    }
    let text_patterns: Vec<String> = traces.searched().map(like_pattern).collect();
    for (caller, key, outcome) in idempotency_keys::with_traces(conn, &text_patterns)? {
        if traces.found_in(&key) {
            idempotency_keys::forget(conn, &caller, &key)?;
        } else if let Some(scrubbed) = traces.scrub_json_text(&outcome) {
            idempotency_keys::set_outcome(conn, &caller, &key, &scrubbed)?;
        }
    }
    Ok(())
}
