//! The resource a webhook event is about, as the API shows it (the same fields as
//! `GET /v1/invitations/{id}`, `/v1/users/{id}`, `/v1/workgroups/{id}`,
//! `/v1/access-reviews/{id}`), read in the
//! transaction that made the change: the state the change left. Each is read by its table's
//! module (`event_resource`), straight from the columns; a test compares each with its endpoint.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::tables::{access_reviews, invitations, users, workgroups};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The resource `subject_type` / `id` as the API shows it at `now`; `None` for a type the API
/// does not show this way, or a row that is gone.
pub(crate) fn resource(
    conn: &mut DbConnection,
    subject_type: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Value>, StoreError> {
    match subject_type {
        "invitation" => invitations::event_resource(conn, id, now),
        "user" => users::event_resource(conn, id, now),
        "workgroup" => workgroups::event_resource(conn, id),
        "access_review" => access_reviews::event_resource(conn, id),
        _ => Ok(None),
    }
}
