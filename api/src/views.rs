//! Response bodies, as clients see them.

use crate::openapi::field::Field;
use chrono::{DateTime, Utc};
use domain::access_end::Dismissal;
use domain::account::ExternalDomains;
use domain::enums::{
    DeliveryState, InvitationStatus, InvitePolicy, MembershipStatus, RequireTwoFactor, Role,
    UserStatus, UserType, WhoCanInvite, WorkgroupKind,
};
use domain::ids::{AccountId, IdentityId, InvitationId, UserId, WorkgroupId};
use domain::locale::Locale;
use domain::plan::Plans;
use domain::scope::Disclosure;
use domain::sending::SendingQuotas;
use persistence::accounts::Usage;
use persistence::identities::ProfileRecord;
use persistence::models::accounts::AccountRecord;
use persistence::models::invitations::InvitationRecord;
use persistence::models::memberships::MemberRecord;
use persistence::models::users::UserRecord;
use persistence::models::workgroups::WorkgroupRecord;
use persistence::quotas::ChannelUse;
use persistence::workgroup_invitations::WorkgroupInvitationRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Which email domains external invitees may have: `{"allow": [...]}` or `{"deny": [...]}`;
/// `null` means any.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExternalDomainsBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = allow)]
    pub allow: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = deny)]
    pub deny: Option<Vec<String>>,
}

/// A list of domains, as `ExternalDomains::parse` reads it.
fn domains() -> Field {
    let domain = Field::of::<String>().pattern(domain::login::DOMAIN_PATTERN);
    Field::list(domain)
        .or_null()
        .items(None, Some(ExternalDomains::MAX_DOMAINS))
}

fn allow() -> Field {
    let example = serde_json::json!(["client.example"]);
    domains().about("Only these domains.").example(example)
}

fn deny() -> Field {
    domains().about("Any domain but these.")
}

impl ExternalDomainsBody {
    pub fn from_domain(d: &ExternalDomains) -> Option<Self> {
        match d {
            ExternalDomains::Any => None,
            ExternalDomains::Allow(list) => Some(Self {
                allow: Some(list.clone()),
                deny: None,
            }),
            ExternalDomains::Deny(list) => Some(Self {
                allow: None,
                deny: Some(list.clone()),
            }),
        }
    }
}

/// An account (company portal): its plan and settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: AccountId,
    #[schema(example = "Acme Web Agency")]
    pub name: String,
    #[schema(example = "basic")]
    pub plan: String,
    /// Seats the plan allows; `null` when unlimited.
    #[schema(example = 5)]
    pub user_limit: Option<u32>,
    /// Who may invite new people: `admins`, `employees`, or `employees_with_approval` (an
    /// employee's invitations wait for an administrator's approval).
    pub who_can_invite: WhoCanInvite,
    /// `null` when any domain is allowed.
    pub external_domains: Option<ExternalDomainsBody>,
    /// How long an invitation stays valid.
    #[schema(example = 168)]
    pub invitation_ttl_hours: u32,
    /// The language of the account's messages, unless an invitation or the person chose
    /// another.
    pub locale: Locale,
    /// How many days a new external user's access runs when the inviter gives no end
    /// (`null`: open-ended).
    #[schema(minimum = 1, maximum = 3650)]
    pub default_external_access_days: Option<u32>,
    /// Whom two-step authentication is required of: `none`, `admins` or `everyone`. A covered
    /// user without a second factor logs in to a session that can only set one up.
    pub require_two_factor: RequireTwoFactor,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AccountView {
    pub fn new(a: &AccountRecord, plans: &Plans) -> Self {
        Self {
            id: a.id,
            name: a.name.clone(),
            plan: a.plan.clone(),
            user_limit: plans.limit_of(&a.plan).seats(),
            who_can_invite: a.settings.who_can_invite,
            external_domains: ExternalDomainsBody::from_domain(&a.settings.external_domains),
            invitation_ttl_hours: a.settings.invitation_ttl_hours,
            locale: a.settings.locale,
            default_external_access_days: a.settings.default_external_access_days,
            require_two_factor: a.settings.require_two_factor,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// A field some callers may not read (`Disclosure`): left out of the body for them — never
/// `null`, which says the value is empty. `Some(None)` is a `null` the caller may read.
type Withheld<T> = Option<T>;

/// `value` if the caller reads it, else left out.
fn shown<T: Clone>(reads: bool, value: &T) -> Withheld<T> {
    reads.then(|| value.clone())
}

/// A user of the account: an employee (`intranet`) or an external user (`extranet`).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: UserId,
    #[serde(rename = "type")]
    pub user_type: UserType,
    pub status: UserStatus,
    /// Administrators are always employees.
    pub is_admin: bool,
    /// The email the account knows the user by: its network profile's while the user is
    /// active; a dismissed user's is the one of its dismissal, whatever the person changed
    /// since (`null` once the person gave it up and the account knows someone else by it).
    /// Reinstating shows the profile's again.
    #[schema(value_type = Option<String>, example = "ann@client.example")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Withheld<Option<String>>,
    /// The phone (E.164) the account knows the user by, as `email`.
    #[schema(value_type = Option<String>, example = json!(null))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Withheld<Option<String>>,
    #[schema(example = "Ann")]
    pub first_name: String,
    #[schema(example = "Lee")]
    pub last_name: String,
    pub created_at: DateTime<Utc>,
    /// When an external user's access ends (`null`: it does not). From that instant the user
    /// is dismissed — its tokens stop, its seat is free — and shown so (`dismissal`).
    pub access_expires_at: Option<DateTime<Utc>>,
    /// Why the system dismissed the user, when it did (`access_expired`: its end came;
    /// `access_review`: a review removed it); absent for an administrator's dismissal, and
    /// for a person's own erasure (`erased_at` says it).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, nullable = false)]
    pub dismissal: Option<Dismissal>,
    /// When the user's data was erased (rule 14; absent until then): the user stays in the
    /// account's lists and history as "Erased user", without email or phone, and is found by
    /// none of its person's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, nullable = false)]
    pub erased_at: Option<DateTime<Utc>>,
}

impl UserView {
    /// The user as a caller who reads `d` sees it.
    pub fn shown(u: &UserRecord, d: Disclosure) -> Self {
        Self {
            id: u.id,
            user_type: u.user_type,
            status: u.status,
            is_admin: u.is_admin,
            email: shown(d.contact, &u.email),
            phone: shown(d.contact, &u.phone),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            created_at: u.created_at,
            access_expires_at: u.access_expires_at,
            dismissal: u.dismissal,
            erased_at: u.erased_at,
        }
    }
}

/// The user as a person sees it (the accept page, a sign-up).
impl From<&UserRecord> for UserView {
    fn from(u: &UserRecord) -> Self {
        Self::shown(u, Disclosure::ALL)
    }
}

/// One account a network profile belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileAccountView {
    pub account_id: AccountId,
    pub account_name: String,
    pub user_id: UserId,
    #[serde(rename = "type")]
    pub user_type: UserType,
    pub status: UserStatus,
}

/// A person's network profile (identity), shared by every account it belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    pub id: IdentityId,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub created_at: DateTime<Utc>,
    /// The accounts this profile is a user of; log in with one's `account_id` to act in it.
    pub accounts: Vec<ProfileAccountView>,
    /// The language the person chose for their messages; `null` until they choose (their
    /// account's, else their browser's, is used).
    pub locale: Option<Locale>,
}

impl From<&ProfileRecord> for ProfileView {
    fn from(p: &ProfileRecord) -> Self {
        Self {
            id: p.id,
            email: p.email.clone(),
            phone: p.phone.clone(),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            created_at: p.created_at,
            accounts: p
                .memberships
                .iter()
                .map(|m| ProfileAccountView {
                    account_id: m.account_id,
                    account_name: m.account_name.clone(),
                    user_id: m.user_id,
                    user_type: m.user_type,
                    status: m.status,
                })
                .collect(),
            locale: p.locale,
        }
    }
}

/// Who holds the account's seats.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageView {
    #[schema(example = "basic")]
    pub plan: String,
    /// `null` when the plan is unlimited.
    #[schema(example = 5)]
    pub user_limit: Option<u32>,
    #[schema(example = 1)]
    pub active_intranet: u32,
    #[schema(example = 0)]
    pub active_extranet: u32,
    #[schema(example = 0)]
    pub pending_invitations: u32,
    /// Join requests awaiting approval that each hold a seat for a new person.
    #[schema(example = 0)]
    pub pending_join_requests: u32,
    /// Free seats; `null` when the plan is unlimited.
    #[schema(example = 4)]
    pub available: Option<u32>,
    /// How much of this hour's sending quota the account has used.
    pub sending: SendingView,
}

/// The account's sending quota use (messages per hour, per channel; and the daily limit of
/// any one address, across accounts). Over a quota, requests that send are refused with 429
/// `sending_quota_exceeded` until `resets_at`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SendingView {
    pub email: QuotaUseView,
    pub sms: QuotaUseView,
    /// Messages one address may receive per day from every account together; `null`: no limit.
    #[schema(example = 10)]
    pub per_recipient_per_day: Option<u32>,
}

/// One hourly quota.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaUseView {
    #[schema(example = 12)]
    pub used: u32,
    /// `null` when there is no limit.
    #[schema(example = 2000)]
    pub limit: Option<u32>,
    /// When the count starts over.
    pub resets_at: DateTime<Utc>,
}

impl UsageView {
    pub fn new(usage: &Usage, quotas: &SendingQuotas) -> Self {
        let seats = &usage.seats;
        let quota = |u: &ChannelUse| QuotaUseView {
            used: u.used,
            limit: u.limit,
            resets_at: u.resets_at,
        };
        Self {
            plan: usage.plan.clone(),
            user_limit: seats.limit.seats(),
            active_intranet: seats.active_intranet,
            active_extranet: seats.active_extranet,
            pending_invitations: seats.pending_invitations,
            pending_join_requests: seats.pending_join_requests,
            available: seats.available(),
            sending: SendingView {
                email: quota(&usage.sending.email),
                sms: quota(&usage.sending.sms),
                per_recipient_per_day: quotas.per_recipient_day,
            },
        }
    }
}

/// A page of users, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserView>,
    /// Pass as `cursor` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

/// A workgroup or project. With `allow_external` on it is an extranet workgroup.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkgroupView {
    pub id: WorkgroupId,
    #[schema(example = "Client website")]
    pub name: String,
    pub kind: WorkgroupKind,
    pub description: Option<String>,
    /// "Allow access for external users".
    pub allow_external: bool,
    /// Who may add people: `owner`, `moderators` or `members`.
    pub invite_policy: InvitePolicy,
    /// The most days an external person's access may run in it (`null`: no maximum).
    #[schema(minimum = 1, maximum = 3650)]
    pub max_external_access_days: Option<u32>,
    pub created_at: DateTime<Utc>,
}

impl From<&WorkgroupRecord> for WorkgroupView {
    fn from(w: &WorkgroupRecord) -> Self {
        Self {
            id: w.id,
            name: w.name.clone(),
            kind: w.kind,
            description: w.description.clone(),
            allow_external: w.allow_external,
            invite_policy: w.invite_policy,
            max_external_access_days: w.max_external_access_days,
            created_at: w.created_at,
        }
    }
}

/// A page of workgroups, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkgroupPage {
    pub items: Vec<WorkgroupView>,
    pub next_cursor: Option<String>,
}

/// A member of a workgroup: active, or invited and not yet accepted.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub user_id: UserId,
    pub role: Role,
    pub status: MembershipStatus,
    pub user: UserView,
    /// When the membership ends (`null`: it does not).
    pub expires_at: Option<DateTime<Utc>>,
}

impl MemberView {
    /// The member as a caller who reads `d` sees it: with `workgroups:read` alone, the
    /// user's id, names and role, without contact data.
    pub fn shown(m: &MemberRecord, d: Disclosure) -> Self {
        Self {
            user_id: m.user.id,
            role: m.role,
            status: m.status,
            user: UserView::shown(&m.user, d),
            expires_at: m.expires_at,
        }
    }
}

/// A page of members.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberPage {
    pub items: Vec<MemberView>,
    pub next_cursor: Option<String>,
}

/// A pending invitation of the caller to join a workgroup.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkgroupInvitationView {
    pub workgroup: WorkgroupView,
    /// The role the caller will have: `member` or `moderator`.
    pub role: Role,
    /// Who asked the caller in.
    pub invited_by: Option<UserId>,
    #[schema(example = "Ada Lovelace")]
    pub inviter_name: Option<String>,
    pub invited_at: DateTime<Utc>,
}

impl From<&WorkgroupInvitationRecord> for WorkgroupInvitationView {
    fn from(i: &WorkgroupInvitationRecord) -> Self {
        Self {
            workgroup: WorkgroupView::from(&i.workgroup),
            role: i.role,
            invited_by: i.invited_by,
            inviter_name: i.inviter_name.clone(),
            invited_at: i.invited_at,
        }
    }
}

/// A page of the caller's workgroup invitations, newest workgroup first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkgroupInvitationPage {
    pub items: Vec<WorkgroupInvitationView>,
    pub next_cursor: Option<String>,
}

/// An invitation of a new person. Never carries the token.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: InvitationId,
    #[serde(rename = "type")]
    pub invitation_type: UserType,
    /// `pending`, `accepted`, `declined`, `revoked` or `expired`; an employee's invitation
    /// that waits for an administrator's approval (`who_can_invite: employees_with_approval`)
    /// is `awaiting_approval` (its seat held, nothing sent) until approved (`pending`) or
    /// `rejected`.
    pub status: InvitationStatus,
    #[schema(value_type = Option<String>, example = "ann@client.example")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Withheld<Option<String>>,
    #[schema(value_type = Option<String>, example = json!(null))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Withheld<Option<String>>,
    #[schema(value_type = String, example = "Ann")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Withheld<String>,
    #[schema(value_type = String, example = "Lee")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Withheld<String>,
    pub workgroup_id: Option<WorkgroupId>,
    #[schema(value_type = Option<String>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Withheld<Option<String>>,
    /// The user who sent it.
    pub invited_by: UserId,
    pub expires_at: DateTime<Utc>,
    /// How many times it was sent (1 + resends).
    pub sent_count: u32,
    pub last_sent_at: DateTime<Utc>,
    /// The user it became, once accepted.
    pub accepted_user_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    /// What became of its (latest) message; `null` for invitations sent before the server
    /// recorded it.
    pub delivery: Option<InvitationDeliveryView>,
    /// The language of its messages, as the inviter chose it; `null`: the account's.
    pub locale: Option<Locale>,
    /// When the access of the user it brings in ends (`null`: open-ended).
    pub access_expires_at: Option<DateTime<Utc>>,
}

/// What became of an invitation's message: `queued` (waiting for its first attempt, or to be
/// tried again at `next_attempt_at` after a failure), `sent` (handed to the mail server or SMS
/// gateway), or `failed` after its last attempt (resend it, or fix the address).
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationDeliveryView {
    pub state: DeliveryState,
    /// Attempts made so far.
    pub attempts: u32,
    /// Why the last attempt failed, in the transport's words (never a secret or a gateway's
    /// URL; a mail server's may name the address).
    #[schema(value_type = Option<String>, example = "SMS gateway answered 503 Service Unavailable")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Withheld<Option<String>>,
    /// When it is tried again, while queued after a failure.
    pub next_attempt_at: Option<DateTime<Utc>>,
}

impl InvitationView {
    /// The invitation as a caller who reads `d` sees it: the invitee's login, names and the
    /// message with `invitations:read` only.
    pub fn shown(i: &InvitationRecord, d: Disclosure) -> Self {
        let reads = d.invitations;
        Self {
            id: i.id,
            invitation_type: i.invitation_type,
            status: i.status,
            email: shown(reads, &i.email),
            phone: shown(reads, &i.phone),
            first_name: shown(reads, &i.first_name),
            last_name: shown(reads, &i.last_name),
            workgroup_id: i.workgroup_id,
            message: shown(reads, &i.message),
            invited_by: i.invited_by,
            expires_at: i.expires_at,
            sent_count: i.sent_count,
            last_sent_at: i.last_sent_at,
            accepted_user_id: i.accepted_user_id,
            created_at: i.created_at,
            delivery: i.delivery.as_ref().map(|d| InvitationDeliveryView {
                state: d.state,
                attempts: d.attempts,
                last_error: shown(reads, &d.last_error),
                next_attempt_at: d.next_attempt_at,
            }),
            locale: i.locale,
            access_expires_at: i.access_expires_at,
        }
    }
}

/// The invitation as a person sees it (the accept page's side).
impl From<&InvitationRecord> for InvitationView {
    fn from(i: &InvitationRecord) -> Self {
        Self::shown(i, Disclosure::ALL)
    }
}

/// A page of invitations, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationPage {
    pub items: Vec<InvitationView>,
    pub next_cursor: Option<String>,
}
