//! The export's body (issue #32): `PersonalDataExport`, with the views the API already shows
//! of users, invitations, API tokens and audit events, each beside the account it belongs to.

use crate::routes::api_tokens::ApiTokenView;
use crate::routes::audit::AuditEventView;
use crate::views::{InvitationView, UserView};
use chrono::{DateTime, Utc};
use domain::enums::{
    Channel, ExportKind, ExportSection, JoinRequestStatus, MembershipStatus, Role, WithheldData,
};
use domain::ids::{
    AccountId, IdentityId, JoinLinkId, JoinRequestId, LoginChangeId, MessageId, SessionId, UserId,
    WorkgroupId,
};
use domain::locale::Locale;
use domain::personal_data::WITHHELD;
use domain::scope::Disclosure;
use persistence::personal_data::{
    AccountEvent, HeldMembership, InvitationRecord, JoinRequestRecord, KeptMessage,
    LoginChangeRecord, PersonalData, SessionHistory, TokenRecord, UserRecord,
};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// An account, by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountRefView {
    pub id: AccountId,
    #[schema(example = "Acme")]
    pub name: String,
}

/// A workgroup, by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkgroupRefView {
    pub id: WorkgroupId,
    #[schema(example = "Website relaunch")]
    pub name: String,
}

/// The network profile: the person's logins, names and language.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedProfileView {
    pub id: IdentityId,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub locale: Option<Locale>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where the profile's second factor stands (never its secret or codes).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedTwoFactorView {
    pub enabled: bool,
    pub enabled_at: Option<DateTime<Utc>>,
    /// Unused recovery codes (0 while two-step is off).
    pub recovery_codes_left: u32,
}

/// A user the person is, in its account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedUserView {
    pub account: AccountRefView,
    #[serde(flatten)]
    pub user: UserView,
}

/// A membership of one of the person's users.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedMembershipView {
    pub workgroup: WorkgroupRefView,
    pub account_id: AccountId,
    pub user_id: UserId,
    pub role: Role,
    pub status: MembershipStatus,
    /// Who asked the user in.
    pub invited_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    /// When the membership ends (`null`: it does not).
    pub expires_at: Option<DateTime<Utc>>,
}

/// An invitation addressed to one of the person's logins, or accepted by one of their users.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedInvitationView {
    pub account_id: AccountId,
    /// The workgroup it invites into, with its name.
    pub workgroup: Option<WorkgroupRefView>,
    #[serde(flatten)]
    pub invitation: InvitationView,
}

/// A request to join a workgroup, made with one of the person's logins or their profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedJoinRequestView {
    pub id: JoinRequestId,
    pub account_id: AccountId,
    pub workgroup: WorkgroupRefView,
    pub join_link_id: JoinLinkId,
    /// The login the person proved; with `invitations:read` for an API token, as an
    /// invitee's.
    #[schema(value_type = String, example = "ann@client.example")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    #[schema(value_type = String, example = "Ann")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[schema(value_type = String, example = "Lee")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    pub status: JoinRequestStatus,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The user it let in.
    pub user_id: Option<UserId>,
}

/// A change of the profile's login asked for (never its code).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedLoginChangeView {
    pub id: LoginChangeId,
    pub new_email: Option<String>,
    pub new_phone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// When the code confirmed it (`null`: it never was).
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// A session, live or ended (never its tokens).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedSessionView {
    pub id: SessionId,
    /// The account it acted in (`null`: the network profile alone).
    pub account_id: Option<AccountId>,
    pub user_id: Option<UserId>,
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Why it ended, if it did (e.g. `logout`, `password_changed`, `dismissed`).
    pub end_reason: Option<String>,
}

/// An API token one of the person's users made (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedApiTokenView {
    pub account_id: AccountId,
    #[serde(flatten)]
    pub token: ApiTokenView,
}

/// An audit event where the person acted or was acted on, as the audit log shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedAuditEventView {
    pub account_id: Option<AccountId>,
    #[serde(flatten)]
    pub event: AuditEventView,
}

/// A message (email or text) to one of the person's logins whose body is still kept: the
/// retention erases bodies some days after they were sent (`EXTRANET_RETENTION_*`), and an
/// erased message is not listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedMessageView {
    pub id: MessageId,
    pub account_id: Option<AccountId>,
    pub channel: Channel,
    /// What the message is, e.g. `invitation`, `login_change_code`.
    pub kind: Option<String>,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// What the message is written from, as stored (the invitation's text, names, the
    /// language), less the sealed token or code it carries; with `invitations:read` for an
    /// API token, as an invitation's message.
    #[schema(value_type = Object)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}

/// Everything stored about a person (GDPR art. 15 and 20), as JSON: with `kind:
/// network_profile`, the person's own, across every account they are a user of; with `kind:
/// user`, what one account holds about its user. Each list newest first, at most 10000 items:
/// one cut there is named in `truncated`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonalDataExport {
    pub kind: ExportKind,
    pub exported_at: DateTime<Utc>,
    /// The network profile (`kind: network_profile` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub profile: Option<ExportedProfileView>,
    /// The second factor (`kind: network_profile` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub two_factor: Option<ExportedTwoFactorView>,
    /// What is stored but never exported: secrets, not information about the person.
    pub withheld: Vec<WithheldData>,
    /// The users the person is (`kind: user`: the one exported), with their accounts.
    #[schema(max_items = 10000)]
    pub users: Vec<ExportedUserView>,
    #[schema(max_items = 10000)]
    pub memberships: Vec<ExportedMembershipView>,
    #[schema(max_items = 10000)]
    pub invitations: Vec<ExportedInvitationView>,
    #[schema(max_items = 10000)]
    pub join_requests: Vec<ExportedJoinRequestView>,
    /// The profile's login changes (empty with `kind: user`).
    #[schema(max_items = 10000)]
    pub login_changes: Vec<ExportedLoginChangeView>,
    #[schema(max_items = 10000)]
    pub sessions: Vec<ExportedSessionView>,
    #[schema(max_items = 10000)]
    pub api_tokens: Vec<ExportedApiTokenView>,
    #[schema(max_items = 10000)]
    pub audit_events: Vec<ExportedAuditEventView>,
    #[schema(max_items = 10000)]
    pub messages: Vec<ExportedMessageView>,
    /// The lists cut at 10000 items.
    pub truncated: Vec<ExportSection>,
}

impl PersonalDataExport {
    /// The export of `data`, made at `now`, as a caller who reads `d` sees it: the person
    /// everything; an API token the classes of data its scopes grant, as everywhere.
    /// Takes `data` whole: the messages' bodies, its largest part, move into the export
    /// rather than being copied.
    pub fn new(data: PersonalData, now: DateTime<Utc>, d: Disclosure) -> Self {
        let accounts: HashMap<AccountId, &str> = data
            .account_names
            .iter()
            .map(|(id, name)| (*id, name.as_str()))
            .collect();
        let groups: HashMap<WorkgroupId, &str> = data
            .workgroup_names
            .iter()
            .map(|(id, name)| (*id, name.as_str()))
            .collect();
        let account = |id: AccountId| AccountRefView {
            id,
            name: accounts.get(&id).copied().unwrap_or_default().to_owned(),
        };
        let group = |id: WorkgroupId| WorkgroupRefView {
            id,
            name: groups.get(&id).copied().unwrap_or_default().to_owned(),
        };
        let account_of: HashMap<UserId, AccountId> =
            data.users.iter().map(|u| (u.id, u.account_id)).collect();
        Self {
            kind: data.kind,
            exported_at: now,
            profile: data.profile.as_ref().map(|p| ExportedProfileView {
                id: p.id,
                email: p.email.clone(),
                phone: p.phone.clone(),
                first_name: p.first_name.clone(),
                last_name: p.last_name.clone(),
                locale: p.locale,
                created_at: p.created_at,
                updated_at: p.updated_at,
            }),
            two_factor: data.two_factor.map(|t| ExportedTwoFactorView {
                enabled: t.enabled,
                enabled_at: t.enabled_at,
                recovery_codes_left: t.recovery_codes_left,
            }),
            withheld: WITHHELD.to_vec(),
            users: data.users.iter().map(|u| user(u, &account, d)).collect(),
            memberships: data
                .memberships
                .iter()
                .map(|m| membership(m, &group))
                .collect(),
            invitations: data
                .invitations
                .iter()
                .map(|i| invitation(i, &group, d))
                .collect(),
            join_requests: data
                .join_requests
                .iter()
                .map(|r| join_request(r, &group, d))
                .collect(),
            login_changes: data.login_changes.iter().map(login_change).collect(),
            sessions: data.sessions.iter().map(session).collect(),
            api_tokens: data
                .api_tokens
                .iter()
                .filter_map(|t| api_token(t, &account_of))
                .collect(),
            audit_events: data
                .audit_events
                .iter()
                .map(|e| audit_event(e, d))
                .collect(),
            messages: data.messages.into_iter().map(|m| message(m, d)).collect(),
            truncated: data.truncated,
        }
    }
}

fn user(
    u: &UserRecord,
    account: &impl Fn(AccountId) -> AccountRefView,
    d: Disclosure,
) -> ExportedUserView {
    ExportedUserView {
        account: account(u.account_id),
        user: UserView::shown(u, d),
    }
}

fn membership(
    m: &HeldMembership,
    group: &impl Fn(WorkgroupId) -> WorkgroupRefView,
) -> ExportedMembershipView {
    ExportedMembershipView {
        workgroup: group(m.workgroup_id),
        account_id: m.account_id,
        user_id: m.user_id,
        role: m.role,
        status: m.status,
        invited_by: m.invited_by,
        created_at: m.created_at,
        expires_at: m.expires_at,
    }
}

fn invitation(
    i: &InvitationRecord,
    group: &impl Fn(WorkgroupId) -> WorkgroupRefView,
    d: Disclosure,
) -> ExportedInvitationView {
    ExportedInvitationView {
        account_id: i.account_id,
        workgroup: i.workgroup_id.map(group),
        invitation: InvitationView::shown(i, d),
    }
}

fn join_request(
    r: &JoinRequestRecord,
    group: &impl Fn(WorkgroupId) -> WorkgroupRefView,
    d: Disclosure,
) -> ExportedJoinRequestView {
    ExportedJoinRequestView {
        id: r.id,
        account_id: r.account_id,
        workgroup: group(r.workgroup_id),
        join_link_id: r.join_link_id,
        login: d.invitations.then(|| r.login.clone()),
        first_name: d.invitations.then(|| r.first_name.clone()),
        last_name: d.invitations.then(|| r.last_name.clone()),
        status: r.status,
        created_at: r.created_at,
        decided_at: r.decided_at,
        user_id: r.user_id,
    }
}

fn login_change(c: &LoginChangeRecord) -> ExportedLoginChangeView {
    ExportedLoginChangeView {
        id: c.id,
        new_email: c.new_email.clone(),
        new_phone: c.new_phone.clone(),
        created_at: c.created_at,
        expires_at: c.expires_at,
        confirmed_at: c.confirmed_at,
    }
}

fn session(h: &SessionHistory) -> ExportedSessionView {
    let s = &h.session;
    ExportedSessionView {
        id: s.id,
        account_id: s.acting.map(|(a, _)| a),
        user_id: s.acting.map(|(_, u)| u),
        user_agent: s.user_agent.clone(),
        created_at: s.created_at,
        last_used_at: s.last_used_at,
        expires_at: s.expires_at,
        ended_at: s.ended_at,
        end_reason: h.end_reason.clone(),
    }
}

/// A token of one of the exported users (each is, by how they were read).
fn api_token(
    t: &TokenRecord,
    account_of: &HashMap<UserId, AccountId>,
) -> Option<ExportedApiTokenView> {
    Some(ExportedApiTokenView {
        account_id: *account_of.get(&t.user_id)?,
        token: ApiTokenView::from(t),
    })
}

fn audit_event(e: &AccountEvent, d: Disclosure) -> ExportedAuditEventView {
    ExportedAuditEventView {
        account_id: e.account_id,
        event: AuditEventView::shown(&e.event, d),
    }
}

fn message(m: KeptMessage, d: Disclosure) -> ExportedMessageView {
    ExportedMessageView {
        id: m.id,
        account_id: m.account_id,
        channel: m.channel,
        kind: m
            .body
            .get("kind")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        status: m.status,
        created_at: m.created_at,
        sent_at: m.sent_at,
        body: d.invitations.then_some(m.body),
    }
}

#[cfg(test)]
mod tests {
    use domain::personal_data::SECTION_CAP;

    /// The document's `maxItems` of each list is the cap the export reads to.
    #[test]
    fn the_documented_cap_is_the_one_read_to() {
        assert_eq!(SECTION_CAP, 10000);
    }
}
