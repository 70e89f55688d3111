//! A workgroup's join links: created (the code's hash stored, the code only in the answer),
//! listed, revoked — by whoever may bring new people into the workgroup (rules 1 and 3).

use crate::base::db::Database;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::page::{into_page, Page, PageRequest};
use crate::shared::audit::{self, AuditEvent};
use crate::shared::tx::{self, Sweep};
use crate::tables::accounts::account_by_id;
use crate::tables::join_links::{
    find_join_link, insert_join_link, links_of, revoke, JoinLinkRecord,
};
use crate::tables::workgroups::find_with_facts;
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::audit::AuditAction;
use domain::ids::{JoinLinkId, WorkgroupId};
use domain::join_link::{may_create_join_link, may_manage_join_links, NewJoinLink};
use domain::DomainError;
use serde_json::json;
use uuid::Uuid;

/// Creates a link of `workgroup` whose code hashes to `code_hash`.
pub fn create(
    db: &Database,
    actor: AccountUser,
    workgroup: WorkgroupId,
    link: NewJoinLink,
    code_hash: String,
    now: DateTime<Utc>,
) -> Result<JoinLinkRecord, StoreError> {
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        let account = account_by_id(conn, actor.account_id)?;
        let (_, facts) = find_with_facts(conn, actor.account_id, workgroup, actor.user_id)?
            .ok_or(DomainError::NotFound("workgroup"))?;
        may_create_join_link(&actor, &account.settings, &facts)?;
        let id = JoinLinkId(Uuid::now_v7());
        insert_join_link(
            conn,
            id,
            actor.account_id,
            workgroup,
            actor.user_id,
            &code_hash,
            &link,
            now,
        )?;
        audit::record(
            conn,
            AuditEvent::by(
                &actor,
                AuditAction::JoinLinkCreated,
                "join_link",
                id.key(),
                json!({
                    "workgroup_id": workgroup.key(),
                    "approval": link.approval.as_str(),
                    "max_uses": link.max_uses,
                    "expires_at": link.expires_at,
                    "allowed_domains": link.allowed_domains,
                }),
                now,
            ),
        )?;
        find_join_link(conn, actor.account_id, workgroup, id)?
            .ok_or(DomainError::Unreachable("a join link just written is gone").into())
    })
}

/// The workgroup's links, newest first (never their codes).
pub fn list(
    db: &Database,
    actor: &AccountUser,
    workgroup: WorkgroupId,
    page: PageRequest<JoinLinkId>,
) -> Result<Page<JoinLinkRecord, JoinLinkId>, StoreError> {
    db.read(|conn| {
        let account = account_by_id(conn, actor.account_id)?;
        let (_, facts) = find_with_facts(conn, actor.account_id, workgroup, actor.user_id)?
            .ok_or(DomainError::NotFound("workgroup"))?;
        may_manage_join_links(actor, &account.settings, &facts)?;
        let rows = links_of(conn, workgroup, &page)?;
        Ok(into_page(rows, page.limit, |l| l.id))
    })
}

/// Revokes a link: its code answers 404 from now on. Revoking a revoked link changes nothing.
pub fn revoke_link(
    db: &Database,
    actor: AccountUser,
    workgroup: WorkgroupId,
    id: JoinLinkId,
    now: DateTime<Utc>,
) -> Result<JoinLinkRecord, StoreError> {
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        let account = account_by_id(conn, actor.account_id)?;
        let (_, facts) = find_with_facts(conn, actor.account_id, workgroup, actor.user_id)?
            .ok_or(DomainError::NotFound("workgroup"))?;
        may_manage_join_links(&actor, &account.settings, &facts)?;
        let link = find_join_link(conn, actor.account_id, workgroup, id)?
            .ok_or(DomainError::NotFound("join link"))?;
        if link.revoked_at.is_none() {
            revoke(conn, id, now)?;
            audit::record(
                conn,
                AuditEvent::by(
                    &actor,
                    AuditAction::JoinLinkRevoked,
                    "join_link",
                    id.key(),
                    json!({"workgroup_id": workgroup.key()}),
                    now,
                ),
            )?;
        }
        find_join_link(conn, actor.account_id, workgroup, id)?
            .ok_or(DomainError::NotFound("join link").into())
    })
}
