//! The resource a webhook event is about, as the API shows it (the same fields as
//! `GET /v1/invitations/{id}`, `/v1/users/{id}`, `/v1/workgroups/{id}`), read in the
//! transaction that made the change: the state the change left. Read from the tables
//! directly (this floor sits below the models); a test compares each with its endpoint.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::utc;
use crate::base::schema::{identities, invitations, users, workgroups};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::enums::InvitationStatus;
use domain::invitation::effective_status;
use serde_json::{json, Value};

/// The resource `subject_type` / `id` as the API shows it at `now`; `None` for a type the API
/// does not show this way, or a row that is gone.
pub(crate) fn resource(
    conn: &mut DbConnection,
    subject_type: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Value>, StoreError> {
    match subject_type {
        "invitation" => invitation(conn, id, now),
        "user" => user(conn, id),
        "workgroup" => workgroup(conn, id),
        _ => Ok(None),
    }
}

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
);

fn invitation(
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
        ))
        .first(conn)
        .optional()?;
    let Some((
        (id, kind, status, email, phone),
        (first_name, last_name, workgroup_id, message, invited_by),
        (expires_at, sent_count, last_sent_at, accepted_user_id, created_at),
        (delivery_state, delivery_attempts, delivery_error, delivery_next_at),
    )) = found
    else {
        return Ok(None);
    };
    let status = InvitationStatus::parse(&status)
        .map(|s| effective_status(s, utc(expires_at), now).as_str())
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
    })))
}

fn user(conn: &mut DbConnection, id: &str) -> Result<Option<Value>, StoreError> {
    type Columns = (
        String,
        String,
        String,
        bool,
        Option<String>,
        Option<String>,
        String,
        String,
        NaiveDateTime,
    );
    let found: Option<Columns> = users::table
        .inner_join(identities::table)
        .filter(users::id.eq(id))
        .select((
            users::id,
            users::user_type,
            users::status,
            users::is_admin,
            // The logins the account knows the user by (`domain::known_logins`).
            users::email,
            users::phone,
            identities::first_name,
            identities::last_name,
            users::created_at,
        ))
        .first(conn)
        .optional()?;
    Ok(found.map(
        |(id, kind, status, is_admin, email, phone, first_name, last_name, created_at)| {
            json!({
                "id": id,
                "type": kind,
                "status": status,
                "is_admin": is_admin,
                "email": email,
                "phone": phone,
                "first_name": first_name,
                "last_name": last_name,
                "created_at": utc(created_at),
            })
        },
    ))
}

fn workgroup(conn: &mut DbConnection, id: &str) -> Result<Option<Value>, StoreError> {
    type Columns = (
        String,
        String,
        String,
        Option<String>,
        bool,
        String,
        NaiveDateTime,
    );
    let found: Option<Columns> = workgroups::table
        .find(id)
        .select((
            workgroups::id,
            workgroups::name,
            workgroups::kind,
            workgroups::description,
            workgroups::allow_external,
            workgroups::invite_policy,
            workgroups::created_at,
        ))
        .first(conn)
        .optional()?;
    Ok(found.map(
        |(id, name, kind, description, allow_external, invite_policy, created_at)| {
            json!({
                "id": id,
                "name": name,
                "kind": kind,
                "description": description,
                "allow_external": allow_external,
                "invite_policy": invite_policy,
                "created_at": utc(created_at),
            })
        },
    ))
}
