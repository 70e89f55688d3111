//! Reading the audit log of an account (administrators): newest first, narrowed by action,
//! actor, target and time.

use crate::base::db::Database;
use crate::base::error::StoreError;
use crate::base::page::{into_page, Page, PageRequest};
use crate::tables::audit_events::page_of;
pub use crate::tables::audit_events::{AuditFilter, AuditRecord};
use domain::access::{may_read_audit, AccountUser};
use uuid::Uuid;

/// A page of the account's audit log, newest first.
pub fn list(
    db: &Database,
    actor: &AccountUser,
    filter: &AuditFilter,
    page: PageRequest<Uuid>,
) -> Result<Page<AuditRecord, Uuid>, StoreError> {
    may_read_audit(actor)?;
    db.read(|conn| {
        let rows = page_of(conn, actor.account_id, filter, &page)?;
        Ok(into_page(rows, page.limit, |e| e.id))
    })
}
