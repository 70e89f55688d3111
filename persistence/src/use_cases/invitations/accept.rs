//! The invitee's side of an invitation, from the link's token: what the accept page shows,
//! accepting (the person joins the account, and the workgroup as a member) and declining.

use crate::base::db::Database;
use crate::base::error::StoreError;
use crate::base::keys::{parse_word, Key};
use crate::shared::audit::{self, AuditEvent};
use crate::shared::ledger::change_seats;
use crate::shared::tx::{self, Sweep};
use crate::tables::accounts::{account_by_id, bump_logins_version, name_and_locale};
use crate::tables::identities::{credentials_of, insert_identity, Credentials, NewIdentity};
use crate::tables::invitations::{by_token, close, find_invitation, InvitationRecord};
use crate::tables::memberships::{insert_membership, NewMembership};
use crate::tables::users::{
    insert_user, names, status_of_identity_in, user_by_id, NewUser, UserRecord,
};
use crate::tables::workgroups::{invitation_workgroup, name_and_kind};
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::access_end::require_access_ahead;
use domain::audit::AuditAction;
use domain::enums::{InvitationStatus, MembershipStatus, Role, UserStatus, WorkgroupKind};
use domain::ids::{AccountId, IdentityId, WorkgroupId};
use domain::invitation::{
    decide_accept, decide_decline, require_open, AcceptContext, AcceptProfile,
};
use domain::locale::{self, Locale};
use domain::sign_up::ExistingProfile;
use domain::DomainError;
use serde_json::json;

/// What the accept page shows for a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupRecord {
    pub invitation: InvitationRecord,
    pub account_name: String,
    pub workgroup: Option<(WorkgroupId, String, WorkgroupKind)>,
    pub inviter_first_name: String,
    pub inviter_last_name: String,
    /// Whether the login already has a network profile (the page then asks for its password).
    pub profile_exists: bool,
    /// The language of the invitation's message: the invitation's, else the account's.
    pub locale: Locale,
}

/// The invitation behind a token, for the accept page.
pub fn lookup(
    db: &Database,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<LookupRecord, StoreError> {
    db.read_snapshot(|conn| {
        let invitation = by_token(conn, token_hash, now)?;
        require_open(&invitation.facts(), now)?;
        let (account_name, account_locale) = name_and_locale(conn, invitation.account_id)?;
        let locale = locale::for_invitation(invitation.locale, account_locale);
        let workgroup = match invitation.workgroup_id {
            Some(g) => name_and_kind(conn, g)?
                .map(|(name, kind)| {
                    Ok::<_, StoreError>((g, name, parse_word(&kind, WorkgroupKind::parse)?))
                })
                .transpose()?,
            None => None,
        };
        let (inviter_first_name, inviter_last_name) = names(conn, invitation.invited_by)?;
        let profile_exists = credentials_of(conn, &invitation.login()?)?.is_some();
        Ok(LookupRecord {
            invitation,
            account_name,
            workgroup,
            inviter_first_name,
            inviter_last_name,
            profile_exists,
            locale,
        })
    })
}

/// What accepting needs to know of the invitee's profile before the transaction: the stored
/// password hash to check the given password against, if the login has a profile.
pub fn credentials_for_token(
    db: &Database,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Credentials>, StoreError> {
    db.read(|conn| {
        let invitation = by_token(conn, token_hash, now)?;
        require_open(&invitation.facts(), now)?;
        credentials_of(conn, &invitation.login()?)
    })
}

/// The invitee's profile as the HTTP layer settled it.
#[derive(Debug, Clone)]
pub enum AcceptingProfile {
    /// The login has a profile; whether the password given is its password.
    Existing(ExistingProfile),
    /// No profile yet: create one with this password hash and these names.
    New {
        password_hash: String,
        first_name: Option<String>,
        last_name: Option<String>,
    },
}

/// The account of the invitation a token belongs to (404 for an unknown token).
fn account_of_token(
    db: &Database,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<AccountId, StoreError> {
    db.read(|conn| Ok(by_token(conn, token_hash, now)?.account_id))
}

/// Accepts an invitation: the person joins the account (and the workgroup, as a member).
pub fn accept(
    db: &Database,
    token_hash: &str,
    profile: AcceptingProfile,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    let account_id = account_of_token(db, token_hash, now)?;
    let token_hash = token_hash.to_owned();
    tx::in_account(db, account_id, Sweep::First, now, move |conn| {
        let invitation = by_token(conn, &token_hash, now)?;
        let login = invitation.login()?;
        let existing = credentials_of(conn, &login)?;
        let (profile, new_profile) = match (&profile, &existing) {
            (AcceptingProfile::Existing(p), Some(c)) if p.identity_id == c.identity_id => {
                (Some(*p), None)
            }
            (
                AcceptingProfile::New {
                    password_hash,
                    first_name,
                    last_name,
                },
                None,
            ) => (None, Some((password_hash, first_name, last_name))),
            // The profile appeared or changed between the check and now: try again.
            _ => return Err(DomainError::LoginTaken.into()),
        };
        let user_in_account = match &existing {
            Some(c) => status_of_identity_in(conn, account_id, c.identity_id)?
                .map(|s| parse_word(&s, UserStatus::parse))
                .transpose()?,
            None => None,
        };
        let account = account_by_id(conn, account_id)?;
        let sender = user_by_id(conn, account_id, invitation.sent_by)?.map(|u| {
            AccountUser::as_recorded(u.identity_id, u.account_id, u.id, u.user_type, u.is_admin)
        });
        let workgroup = invitation_workgroup(
            conn,
            invitation.account_id,
            invitation.workgroup_id,
            invitation.sent_by,
        )?;
        let plan = decide_accept(
            &AcceptContext {
                invitation: &invitation.facts(),
                login: &login,
                settings: &account.settings,
                sender,
                workgroup: workgroup.map(|(_, facts)| facts),
                profile,
                user_in_account,
            },
            now,
        )?;
        // Issue #30: the access it gives must not have ended already.
        require_access_ahead(invitation.access_expires_at, now)?;
        let identity_id: IdentityId = match (plan.profile, new_profile) {
            (AcceptProfile::Reuse(id), _) => id,
            (AcceptProfile::Create, Some((hash, first, last))) => insert_identity(
                conn,
                &NewIdentity {
                    login: &login,
                    password_hash: hash,
                    first_name: first.as_deref().unwrap_or(&invitation.first_name),
                    last_name: last.as_deref().unwrap_or(&invitation.last_name),
                },
                now,
            )?,
            (AcceptProfile::Create, None) => return Err(DomainError::LoginTaken.into()),
        };
        let user_id = insert_user(
            conn,
            &NewUser {
                account_id,
                identity_id,
                user_type: invitation.invitation_type,
                is_admin: false,
                access_expires_at: invitation.access_expires_at,
            },
            now,
        )?;
        // The login is a user's now, no longer a pending invitation's: a batch that read it
        // free without the account's lock must not invite it (rule 6).
        bump_logins_version(conn, &[account_id])?;
        if let Some(group) = invitation.workgroup_id {
            insert_membership(
                conn,
                &NewMembership {
                    account_id,
                    workgroup_id: group,
                    user_id,
                    role: Role::Member,
                    status: MembershipStatus::Active,
                    invited_by: Some(invitation.invited_by),
                },
                now,
            )?;
        }
        close(
            conn,
            invitation.id,
            InvitationStatus::Accepted,
            Some(user_id),
            now,
        )?;
        change_seats(conn, account_id, plan.seats)?;
        audit::record(
            conn,
            AuditEvent {
                actor_token_id: None,
                account_id: Some(account_id),
                actor_user_id: Some(user_id),
                actor_identity_id: Some(identity_id),
                action: AuditAction::InvitationAccepted,
                subject_type: "invitation",
                subject_id: invitation.id.key(),
                details: json!({
                    "user_id": user_id.key(),
                    "type": invitation.invitation_type.as_str(),
                    "workgroup_id": invitation.workgroup_id.map(|g| g.key()),
                }),
                at: now,
            },
        )?;
        user_by_id(conn, account_id, user_id)?.ok_or(DomainError::NotFound("user").into())
    })
}

/// Declines an invitation; its seat is freed.
pub fn decline(
    db: &Database,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<InvitationRecord, StoreError> {
    let account_id = account_of_token(db, token_hash, now)?;
    let token_hash = token_hash.to_owned();
    tx::in_account(db, account_id, Sweep::No, now, move |conn| {
        let invitation = by_token(conn, &token_hash, now)?;
        let seats = decide_decline(&invitation.facts(), now)?;
        close(conn, invitation.id, InvitationStatus::Declined, None, now)?;
        change_seats(conn, account_id, seats)?;
        audit::record(
            conn,
            AuditEvent {
                actor_token_id: None,
                account_id: Some(account_id),
                actor_user_id: None,
                actor_identity_id: None,
                action: AuditAction::InvitationDeclined,
                subject_type: "invitation",
                subject_id: invitation.id.key(),
                details: json!({}),
                at: now,
            },
        )?;
        find_invitation(conn, account_id, invitation.id, now)
    })
}
