//! The audit log: who did what to whom, and when.

use crate::auth::AccountCaller;
use crate::extract::field_errors;
use crate::pagination::{encode_cursor, page_request};
use crate::problem::{ApiError, ProblemField};
use crate::reads::Bound;
use crate::responses::*;
use crate::state::AppState;
use actix_web::{get, web};
use chrono::{DateTime, Utc};
use domain::scope::Disclosure;
use persistence::audit_log::{AuditFilter, AuditRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// The longest `action` filter (actions are `resource.verb` words).
pub const MAX_ACTION_CHARS: u64 = 64;
/// What an action is made of.
pub const ACTION_PATTERN: &str = "^[a-z_.]+$";

/// `?action=` as the document shows it: 1 to [`MAX_ACTION_CHARS`] of [`ACTION_PATTERN`].
pub struct Action;

impl utoipa::PartialSchema for Action {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .min_length(Some(1))
            .max_length(Some(MAX_ACTION_CHARS as usize))
            .pattern(Some(ACTION_PATTERN))
            .into()
    }
}

impl ToSchema for Action {}

/// Filters and page of the audit log.
#[derive(Debug, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this action, e.g. `user.dismissed`, `invitation.created`, `user.login_changed`.
    #[validate(
        length(min = 1, max = MAX_ACTION_CHARS, code = "out_of_range"),
        custom(function = "action_word")
    )]
    #[param(inline, value_type = Option<Action>)]
    pub action: Option<String>,
    /// Only what this user, or this API token, did.
    #[param(value_type = Option<domain::ids::UserId>)]
    pub actor_id: Option<Uuid>,
    /// Only what was done to this user, invitation, workgroup, token or account.
    pub target_id: Option<Uuid>,
    /// From this time on (inclusive).
    pub since: Option<DateTime<Utc>>,
    /// Before this time.
    pub until: Option<DateTime<Utc>>,
    /// 1 to 200; 50 by default.
    #[param(inline, value_type = Option<crate::pagination::PageLimit>)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(inline, value_type = Option<crate::pagination::Cursor>)]
    pub cursor: Option<String>,
}

fn action_word(action: &str) -> Result<(), validator::ValidationError> {
    if action
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'.')
    {
        Ok(())
    } else {
        Err(validator::ValidationError::new("invalid_action"))
    }
}

/// Who acted.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditActorView {
    /// `user` (a person, or an API token acting as them: `token_id` says which), `identity`
    /// (a person on their network profile), or `system` (e.g. invitations expiring).
    #[schema(example = "user")]
    pub kind: &'static str,
    pub user_id: Option<domain::ids::UserId>,
    pub identity_id: Option<domain::ids::IdentityId>,
    /// The API token the user acted through, if any.
    pub token_id: Option<domain::ids::ApiTokenId>,
}

/// What was acted on.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditTargetView {
    /// `account`, `user`, `workgroup`, `invitation` or `api_token`.
    #[schema(example = "user")]
    #[serde(rename = "type")]
    pub target_type: String,
    pub id: String,
}

/// One event.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: domain::ids::AuditEventId,
    #[schema(example = "user.dismissed")]
    pub action: String,
    pub actor: AuditActorView,
    pub target: AuditTargetView,
    /// What changed, where it helps (e.g. `before` and `after`). The logins some events
    /// record (`login` of `invitation.created` and `invitation.delivery_failed`, needing
    /// `invitations:read`; `before` and `after` of `user.login_changed`, needing
    /// `users:read`) are left out for an API token without that scope.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// The request it came in (the response's `X-Request-Id`).
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl AuditEventView {
    /// The event as a caller who reads `d` sees it: the logins some events record are left
    /// out of `details` for an API token without their scope.
    pub(crate) fn shown(e: &AuditRecord, d: Disclosure) -> Self {
        let mut details = e.details.clone();
        if let Some(fields) = details.as_object_mut() {
            for key in d.withheld_audit_details(&e.action) {
                fields.remove(*key);
            }
        }
        let kind = match (e.actor_user_id, e.actor_identity_id) {
            (Some(_), _) => "user",
            (None, Some(_)) => "identity",
            (None, None) => "system",
        };
        Self {
            id: domain::ids::AuditEventId(e.id),
            action: e.action.clone(),
            actor: AuditActorView {
                kind,
                user_id: e.actor_user_id,
                identity_id: e.actor_identity_id,
                token_id: e.actor_token_id,
            },
            target: AuditTargetView {
                target_type: e.target_type.clone(),
                id: e.target_id.clone(),
            },
            details,
            request_id: e.request_id.clone(),
            created_at: e.created_at,
        }
    }
}

/// A page of events.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventPage {
    pub items: Vec<AuditEventView>,
    pub next_cursor: Option<String>,
}

/// The account's audit log, newest first (administrators, or an API token with `audit:read`
/// made by one): every state change, with its actor, target, time and request.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of events", body = AuditEventPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Unprocessable),
    )
)]
#[get("/v1/audit-events")]
pub async fn list_audit_events(
    state: web::Data<AppState>,
    AccountCaller(user): AccountCaller,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<AuditEventPage>, ApiError> {
    query
        .validate()
        .map_err(|e| ApiError::invalid_fields(field_errors(&e)))?;
    if let (Some(since), Some(until)) = (query.since, query.until) {
        if since >= until {
            return Err(ApiError::invalid_fields(vec![ProblemField::new(
                "until",
                "before_since",
                "`until` must be later than `since`",
            )]));
        }
    }
    let page = page_request::<Uuid>(query.limit, query.cursor.as_deref())?;
    let query = query.into_inner();
    let filter = AuditFilter {
        action: query.action,
        actor_id: query.actor_id,
        target_id: query.target_id.map(|t| t.to_string()),
        since: query.since,
        until: query.until,
    };
    let bound = Bound::of(filter.scans());
    let found = crate::reads::read(&state, bound, move |db| {
        persistence::audit_log::list(db, &user, &filter, page)
    })
    .await?;
    Ok(web::Json(AuditEventPage {
        items: found
            .items
            .iter()
            .map(|e| AuditEventView::shown(e, user.disclosure()))
            .collect(),
        next_cursor: found.next_after.map(encode_cursor),
    }))
}
