//! An invitation as the webhook event about it shows it: as `GET /v1/invitations/{id}` does.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::utc;
use crate::base::schema::invitations;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::enums::{Approval, InvitationStatus};
use domain::invitation::effective_status;
use serde_json::{json, Value};

type InvitationColumns = (
    (String, String, String, Option<String>, Option<String>),
    (String, String, Option<String>, Option<String>, String),
    (
        NaiveDateTime,
        i32,
        NaiveDateTime,
        Option<String>,
        NaiveDateTime,
    ),
    (Option<String>, i32, Option<String>, Option<NaiveDateTime>),
    (Option<String>, Option<String>, Option<NaiveDateTime>),
);

/// An invitation as `GET /v1/invitations/{id}` shows it at `now` (its effective status), for
/// the webhook event about it; `None` when it is gone.
pub(crate) fn event_resource(
    conn: &mut DbConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Value>, StoreError> {
    let found: Option<InvitationColumns> = invitations::table
        .find(id)
        .select((
            (
                invitations::id,
                invitations::invitation_type,
                invitations::status,
                invitations::email,
                invitations::phone,
            ),
            (
                invitations::first_name,
                invitations::last_name,
                invitations::workgroup_id,
                invitations::message,
                invitations::invited_by,
            ),
            (
                invitations::expires_at,
                invitations::sent_count,
                invitations::last_sent_at,
                invitations::accepted_user_id,
                invitations::created_at,
            ),
            (
                invitations::delivery_state,
                invitations::delivery_attempts,
                invitations::delivery_error,
                invitations::delivery_next_at,
            ),
            (
                invitations::locale,
                invitations::approval,
                invitations::access_expires_at,
            ),
        ))
        .first(conn)
        .optional()?;
    let Some((
        (id, kind, status, email, phone),
        (first_name, last_name, workgroup_id, message, invited_by),
        (expires_at, sent_count, last_sent_at, accepted_user_id, created_at),
        (delivery_state, delivery_attempts, delivery_error, delivery_next_at),
        (locale, approval, access_expires_at),
    )) = found
    else {
        return Ok(None);
    };
    let approval = approval.as_deref().and_then(Approval::parse);
    let status = InvitationStatus::parse(&status)
        .map(|s| effective_status(super::shown(s, approval), utc(expires_at), now).as_str())
        .unwrap_or_default();
    Ok(Some(json!({
        "id": id,
        "type": kind,
        "status": status,
        "email": email,
        "phone": phone,
        "first_name": first_name,
        "last_name": last_name,
        "workgroup_id": workgroup_id,
        "message": message,
        "invited_by": invited_by,
        "expires_at": utc(expires_at),
        "sent_count": sent_count,
        "last_sent_at": utc(last_sent_at),
        "accepted_user_id": accepted_user_id,
        "created_at": utc(created_at),
        "delivery": delivery_state.map(|state| json!({
            "state": state,
            "attempts": delivery_attempts,
            "last_error": delivery_error,
            "next_attempt_at": delivery_next_at.map(utc),
        })),
        "locale": locale,
        "access_expires_at": access_expires_at.map(utc),
    })))
}
