//! A batch of invitations as the client sends it and as it is answered: the body, its rows'
//! fields (with the limits the document shows), and what became of each row.

use crate::openapi::field::Field;
use crate::views::{InvitationView, WorkgroupView};
use chrono::{DateTime, Utc};
use domain::enums::{BatchDelivery, OnConflict, UserType, WorkgroupKind};
use domain::ids::{InvitationId, WorkgroupId};
use domain::invitation::{MAX_INVITEES, MAX_MESSAGE_CHARS};
use domain::locale::Locale;
use domain::login::Email;
use domain::names::PersonName;
use domain::scope::Disclosure;
use persistence::invite::{BatchResult, BatchRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One person to invite: exactly one of `email` and `phone` (E.164), and names.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteeBody {
    #[schema(schema_with = invitee_email)]
    pub email: Option<String>,
    #[schema(value_type = Option<domain::login::Phone>)]
    pub phone: Option<String>,
    #[serde(default)]
    #[schema(schema_with = ann, required = true)]
    pub first_name: String,
    #[serde(default)]
    #[schema(schema_with = lee, required = true)]
    pub last_name: String,
    /// The language of this invitee's message, over the batch's `locale`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Locale>,
    /// When this invitee's access ends, over the batch's `access_expires_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_expires_at: Option<DateTime<Utc>>,
}

fn invitee_email() -> Field {
    Field::of::<Email>().or_null().example("ann@client.example")
}

fn ann() -> Field {
    Field::of::<PersonName>()
        .about(
            "Required; read as empty when left out, so that the batch names every missing name of\n\
             every row at once (`Batch::parse`).",
        )
        .example("Ann")
}

fn lee() -> Field {
    Field::of::<PersonName>().example("Lee")
}

/// A workgroup created by the invitation; the caller becomes its owner, and for extranet
/// invitations it allows external users.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InlineWorkgroup {
    #[schema(schema_with = crate::routes::workgroups::client_website)]
    pub name: String,
    /// `group` (the default) or `project`.
    pub kind: Option<WorkgroupKind>,
}

/// A batch of invitations: all are created, or none.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationBatchBody {
    /// `extranet` (external users, into an extranet workgroup) or `intranet` (employees).
    #[serde(rename = "type")]
    pub invitation_type: UserType,
    /// An existing workgroup to invite into.
    #[schema(value_type = Option<WorkgroupId>)]
    pub workgroup_id: Option<Uuid>,
    /// Or a new one, created with the invitations.
    pub workgroup: Option<InlineWorkgroup>,
    #[schema(schema_with = message)]
    pub message: Option<String>,
    #[schema(schema_with = invitees)]
    pub invitees: Vec<InviteeBody>,
    /// The language of the invitations' messages (each invitee's own `locale` wins); the
    /// account's `locale` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Locale>,
    /// Check everything and answer as if created, but write and send nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// `refuse` (the default): all rows are invited or none, and a refusal names every
    /// problem of every row at once (each error with its row's `index`). `skip`: the rows
    /// that can be invited are (seats permitting, all of them or none), the others come back
    /// `skipped` with their problem — or `already_invited` with the login's pending invitation
    /// into the same place, so that a re-run of the same rows creates nothing new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(default = "refuse")]
    pub on_conflict: Option<OnConflict>,
    /// `send` (the default): each invitee gets our email or text. `none`: nothing is sent
    /// (no sending quota is spent) and each created invitation's `link` is in this answer —
    /// and in a replay of it with the same `Idempotency-Key` by the same caller — never
    /// anywhere else: deliver it yourself. An existing external user's membership invitation
    /// is then not announced either (they see it in `GET /v1/me/workgroup-invitations`). A
    /// batch held for an administrator's approval cannot be `none` (422 `held_for_approval`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(default = "send")]
    pub delivery: Option<BatchDelivery>,
    /// When the new external users' access ends (RFC 3339, later than now; each invitee's own
    /// wins). Left out: the account's `default_external_access_days` from now, if set
    /// (shortened to the workgroup's `max_external_access_days`), else open-ended. Beyond the
    /// workgroup's maximum: 422 `beyond_maximum`, naming it. From that instant the user is
    /// dismissed by the system (tokens stop, the seat is free). Only for `extranet` batches;
    /// an existing external user asked into the workgroup keeps their own end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_expires_at: Option<DateTime<Utc>>,
}

fn message() -> Field {
    Field::of::<String>()
        .or_null()
        .about("A personal message for the invitees (at most 2000 characters).")
        .max_chars(MAX_MESSAGE_CHARS)
}

fn invitees() -> Field {
    Field::list_of::<InviteeBody>()
        .about("1 to 100 people.")
        .items(Some(1), Some(MAX_INVITEES))
}

/// A membership invitation of an existing external user.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipInvitationView {
    pub workgroup_id: WorkgroupId,
    pub user_id: domain::ids::UserId,
    /// Always `invited` until the user accepts.
    #[schema(example = "invited")]
    pub status: &'static str,
}

/// One row of the batch, in request order (`index`, counted from 0): what became of the
/// invitee (`outcome`) says what else it carries.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BatchResultView {
    /// A new invitation (holding a seat) was sent — or, with `delivery: none`, made, its
    /// `link` for the caller to deliver.
    Invited {
        index: usize,
        invitation: Box<InvitationView>,
        /// `delivery: none` only: the accept link with the invitation's token
        /// (`{public_url}/accept#token=…`). Shown here and in this answer's idempotent replay
        /// only; a resend makes a new one (and sends it).
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(
            nullable = false,
            example = "https://extranet.example/accept#token=3q2-7wX…"
        )]
        link: Option<String>,
    },
    /// The person already is an external user of the account: they got a membership
    /// invitation to the workgroup instead (no seat).
    WorkgroupInvitation {
        index: usize,
        membership: MembershipInvitationView,
    },
    /// `on_conflict: skip`: the row was not invited; `code` and `detail` say why (the codes
    /// a refusal's `errors[].code` uses: `invalid_email`, `login_belongs_to_employee`,
    /// `invitation_pending` with its `invitation_id`, `domain_not_allowed`, …).
    Skipped {
        index: usize,
        #[schema(example = "login_belongs_to_employee")]
        code: String,
        detail: String,
        /// The pending invitation of the login (into another workgroup) the row collides with.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        invitation_id: Option<InvitationId>,
    },
    /// `on_conflict: skip`: the login already has a pending invitation of this kind into this
    /// workgroup (or the account): that invitation. Nothing new was made or sent.
    AlreadyInvited {
        index: usize,
        invitation: Box<InvitationView>,
    },
}

/// What the batch did (or would do, on a dry run).
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResponse {
    pub dry_run: bool,
    /// The workgroup the batch created, when it created one.
    pub workgroup: Option<WorkgroupView>,
    pub results: Vec<BatchResultView>,
}

impl BatchResponse {
    /// What the batch did, as a caller who reads `d` sees it; `link` opens a handed-over
    /// invitation's sealed token into its link.
    pub(super) fn shown(
        r: &BatchResult,
        d: Disclosure,
        link: impl Fn(&str) -> Option<String>,
    ) -> Self {
        Self {
            dry_run: r.dry_run,
            workgroup: r.created_workgroup.as_ref().map(WorkgroupView::from),
            results: r
                .rows
                .iter()
                .enumerate()
                .map(|(index, row)| match row {
                    BatchRow::Invited(i) => BatchResultView::Invited {
                        index,
                        invitation: Box::new(InvitationView::shown(i.as_ref(), d)),
                        link: r.links.get(&index).and_then(|sealed| link(sealed)),
                    },
                    BatchRow::Skipped {
                        code,
                        detail,
                        invitation_id,
                    } => BatchResultView::Skipped {
                        index,
                        code: code.clone(),
                        detail: detail.clone(),
                        invitation_id: *invitation_id,
                    },
                    BatchRow::AlreadyInvited(i) => BatchResultView::AlreadyInvited {
                        index,
                        invitation: Box::new(InvitationView::shown(i.as_ref(), d)),
                    },
                    BatchRow::WorkgroupInvitation {
                        workgroup_id,
                        user_id,
                    } => BatchResultView::WorkgroupInvitation {
                        index,
                        membership: MembershipInvitationView {
                            workgroup_id: *workgroup_id,
                            user_id: *user_id,
                            status: "invited",
                        },
                    },
                })
                .collect(),
        }
    }
}
