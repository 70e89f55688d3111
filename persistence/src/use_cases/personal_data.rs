//! A person's data exported (issue #32; GDPR art. 15 and 20): everything stored about a
//! person, read in one snapshot. The person's own export (their network profile) lists what
//! every account holds about them; an administrator's lists what their account holds about
//! one of its users, nothing of another account and nothing of the profile's own (its second
//! factor, its login changes). Each list is read newest first, one row past
//! `SECTION_CAP` (`domain::personal_data`), and cut there. Secrets are never read: hashes,
//! the second factor's secret, the tokens messages carry (`WithheldData`).

use crate::base::db::{Database, DbConnection};
use crate::base::error::StoreError;
use crate::base::keys::{parse_word, utc};
use crate::shared::audit::{self, AuditEvent};
use crate::tables::api_tokens;
pub use crate::tables::api_tokens::TokenRecord;
use crate::tables::audit_events;
pub use crate::tables::audit_events::AccountEvent;
use crate::tables::identities::profile_of;
use crate::tables::invitations;
pub use crate::tables::invitations::InvitationRecord;
use crate::tables::join_requests;
pub use crate::tables::join_requests::JoinRequestRecord;
use crate::tables::login_changes;
pub use crate::tables::login_changes::LoginChangeRecord;
use crate::tables::memberships;
pub use crate::tables::memberships::HeldMembership;
use crate::tables::outbox::kept;
pub use crate::tables::outbox::kept::KeptMessage;
use crate::tables::sessions;
pub use crate::tables::sessions::SessionHistory;
use crate::tables::users;
pub use crate::tables::users::UserRecord;
use crate::tables::{accounts, recovery_codes, two_factors, workgroups};
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::audit::AuditAction;
use domain::enums::{ExportKind, ExportSection};
use domain::ids::{AccountId, IdentityId, UserId, WorkgroupId};
use domain::locale::Locale;
use domain::personal_data::{capped, may_export_user, rows_to_read};
use domain::DomainError;
use serde_json::json;

/// The network profile as its person's export shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedProfile {
    pub id: IdentityId,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub locale: Option<Locale>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where the profile's second factor stands: never its secret or its codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportedTwoFactor {
    pub enabled: bool,
    pub enabled_at: Option<DateTime<Utc>>,
    pub recovery_codes_left: u32,
}

/// Everything an export shows, each list newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonalData {
    pub kind: ExportKind,
    /// The profile's own data (a person's own export only).
    pub profile: Option<ExportedProfile>,
    pub two_factor: Option<ExportedTwoFactor>,
    pub users: Vec<UserRecord>,
    /// The names of the accounts and workgroups the lists name.
    pub account_names: Vec<(AccountId, String)>,
    pub workgroup_names: Vec<(WorkgroupId, String)>,
    pub memberships: Vec<HeldMembership>,
    pub invitations: Vec<InvitationRecord>,
    pub join_requests: Vec<JoinRequestRecord>,
    pub login_changes: Vec<LoginChangeRecord>,
    pub sessions: Vec<SessionHistory>,
    pub api_tokens: Vec<TokenRecord>,
    pub audit_events: Vec<AccountEvent>,
    pub messages: Vec<KeptMessage>,
    /// The lists cut at the cap.
    pub truncated: Vec<ExportSection>,
}

/// Whose data, and where: the person's own (every account) or one account's user.
struct Person {
    identity: IdentityId,
    /// The account an administrator exports from.
    account: Option<AccountId>,
    users: Vec<UserRecord>,
    /// The logins messages and invitations were addressed to.
    logins: Vec<String>,
}

/// The caller's own data, across every account it is a user of.
pub fn of_profile(
    db: &Database,
    identity: IdentityId,
    now: DateTime<Utc>,
) -> Result<PersonalData, StoreError> {
    db.read_snapshot(|conn| {
        let row = profile_of(conn, identity)?.ok_or(DomainError::NotFound("profile"))?;
        let users: Vec<UserRecord> = users::all_of_identity(conn, identity)?
            .into_iter()
            .map(|u| u.as_of(now))
            .collect();
        let mut logins: Vec<String> = row.email.iter().chain(&row.phone).cloned().collect();
        for u in &users {
            logins.extend(u.email.iter().chain(&u.phone).cloned());
        }
        let two_factor = two_factors::find(conn, identity)?;
        let enabled_at = two_factor.and_then(|t| t.enabled_at);
        let two_factor = ExportedTwoFactor {
            enabled: enabled_at.is_some(),
            enabled_at,
            recovery_codes_left: if enabled_at.is_some() {
                recovery_codes::unused(conn, identity)?
            } else {
                0
            },
        };
        let profile = ExportedProfile {
            id: identity,
            locale: row
                .locale
                .as_deref()
                .map(|l| parse_word(l, Locale::parse))
                .transpose()?,
            email: row.email,
            phone: row.phone,
            first_name: row.first_name,
            last_name: row.last_name,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        };
        let person = Person {
            identity,
            account: None,
            users,
            logins,
        };
        let mut data = lists(conn, person, now)?;
        data.kind = ExportKind::NetworkProfile;
        data.profile = Some(profile);
        data.two_factor = Some(two_factor);
        Ok(data)
    })
}

/// What the administrator's account holds about its user `id` (404 for another account's).
/// A read: the HTTP layer records the export with [`record_export`] before answering.
pub fn of_user(
    db: &Database,
    actor: &AccountUser,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<PersonalData, StoreError> {
    may_export_user(actor)?;
    db.read_snapshot(|conn| {
        let user = users::user_by_id(conn, actor.account_id, id)?
            .ok_or(DomainError::NotFound("user"))?
            .as_of(now);
        let person = Person {
            identity: user.identity_id,
            account: Some(actor.account_id),
            logins: user.email.iter().chain(&user.phone).cloned().collect(),
            users: vec![user],
        };
        let mut data = lists(conn, person, now)?;
        data.kind = ExportKind::User;
        Ok(data)
    })
}

/// Records in the audit trail that `actor` exported its account's user `id`: who and when,
/// never what (`user.exported`, no details; no webhook hears of it).
pub fn record_export(
    db: &Database,
    actor: &AccountUser,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    may_export_user(actor)?;
    let actor = *actor;
    db.write(move |conn| {
        let event = AuditEvent::by(
            &actor,
            AuditAction::UserExported,
            "user",
            id.to_string(),
            json!({}),
            now,
        );
        audit::record(conn, event)
    })
}

/// Every list of the person's export, in `person.account` when it is one account's.
fn lists(
    conn: &mut DbConnection,
    mut person: Person,
    now: DateTime<Utc>,
) -> Result<PersonalData, StoreError> {
    let limit = rows_to_read();
    let mut truncated = Vec::new();
    let (account, identity) = (person.account, person.identity);
    person.logins.sort();
    person.logins.dedup();
    let logins = &person.logins;
    let user_ids: Vec<UserId> = person.users.iter().map(|u| u.id).collect();
    let pairs: Vec<(AccountId, UserId)> =
        person.users.iter().map(|u| (u.account_id, u.id)).collect();
    let memberships = memberships::held_by(conn, &user_ids, limit)?;
    let invitations = invitations::of_person(conn, account, logins, &user_ids, limit, now)?;
    // A profile's own password asked to join: the profile's, never another account's.
    let join_requests = join_requests::of_person(conn, account, logins, Some(identity), limit)?;
    let login_changes = match account {
        None => login_changes::of_identity(conn, identity, limit)?,
        Some(_) => Vec::new(),
    };
    let session_user = account.and(user_ids.first().copied());
    let sessions = sessions::history_of(conn, identity, session_user, limit)?;
    let api_tokens = api_tokens::made_by(conn, &user_ids, limit)?;
    let audit_events = audit_events::of_person(conn, account, identity, &pairs, limit)?;
    let messages = kept::kept_for(conn, account, logins, limit)?;

    let mut data = PersonalData {
        kind: ExportKind::User,
        profile: None,
        two_factor: None,
        users: capped(person.users, ExportSection::Users, &mut truncated),
        account_names: Vec::new(),
        workgroup_names: Vec::new(),
        memberships: capped(memberships, ExportSection::Memberships, &mut truncated),
        invitations: capped(invitations, ExportSection::Invitations, &mut truncated),
        join_requests: capped(join_requests, ExportSection::JoinRequests, &mut truncated),
        login_changes: capped(login_changes, ExportSection::LoginChanges, &mut truncated),
        sessions: capped(sessions, ExportSection::Sessions, &mut truncated),
        api_tokens: capped(api_tokens, ExportSection::ApiTokens, &mut truncated),
        audit_events: capped(audit_events, ExportSection::AuditEvents, &mut truncated),
        messages: capped(messages, ExportSection::Messages, &mut truncated),
        truncated: Vec::new(),
    };
    data.truncated = truncated;
    let mut account_ids: Vec<AccountId> = data.users.iter().map(|u| u.account_id).collect();
    account_ids.extend(data.memberships.iter().map(|m| m.account_id));
    account_ids.extend(data.invitations.iter().map(|i| i.account_id));
    account_ids.extend(data.join_requests.iter().map(|r| r.account_id));
    account_ids.sort();
    account_ids.dedup();
    data.account_names = accounts::names_by_id(conn, &account_ids)?;
    let mut group_ids: Vec<WorkgroupId> = data.memberships.iter().map(|m| m.workgroup_id).collect();
    group_ids.extend(data.invitations.iter().filter_map(|i| i.workgroup_id));
    group_ids.extend(data.join_requests.iter().map(|r| r.workgroup_id));
    group_ids.sort();
    group_ids.dedup();
    data.workgroup_names = workgroups::names_by_id(conn, &group_ids)?;
    Ok(data)
}
