//! The `join_links` table: a workgroup's join links (issue #29), found by the hash of their
//! code — the code itself is never stored — listed per workgroup, counted as used, revoked.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, to_count, utc, Key};
use crate::base::page::PageRequest;
use crate::base::schema::join_links;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::enums::JoinApproval;
use domain::ids::{AccountId, JoinLinkId, UserId, WorkgroupId};
use domain::join_link::{JoinLinkFacts, NewJoinLink};
use serde::{Deserialize, Serialize};

/// A join link as the API shows it (never its code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinLinkRecord {
    pub id: JoinLinkId,
    pub account_id: AccountId,
    pub workgroup_id: WorkgroupId,
    pub approval: JoinApproval,
    pub max_uses: Option<u32>,
    pub uses: u32,
    pub expires_at: Option<DateTime<Utc>>,
    pub allowed_domains: Vec<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl JoinLinkRecord {
    pub fn facts(&self) -> JoinLinkFacts {
        JoinLinkFacts {
            id: self.id,
            workgroup_id: self.workgroup_id,
            created_by: self.created_by,
            approval: self.approval,
            max_uses: self.max_uses,
            uses: self.uses,
            expires_at: self.expires_at,
            revoked: self.revoked_at.is_some(),
            allowed_domains: self.allowed_domains.clone(),
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = join_links)]
struct JoinLinkRow {
    id: String,
    account_id: String,
    workgroup_id: String,
    approval: String,
    max_uses: Option<i32>,
    uses: i32,
    expires_at: Option<NaiveDateTime>,
    allowed_domains: String,
    created_by: String,
    created_at: NaiveDateTime,
    revoked_at: Option<NaiveDateTime>,
}

impl TryFrom<JoinLinkRow> for JoinLinkRecord {
    type Error = StoreError;

    fn try_from(r: JoinLinkRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: parse_id(&r.id)?,
            account_id: parse_id(&r.account_id)?,
            workgroup_id: parse_id(&r.workgroup_id)?,
            approval: parse_word(&r.approval, JoinApproval::parse)?,
            max_uses: r.max_uses.map(to_count),
            uses: to_count(r.uses),
            expires_at: r.expires_at.map(utc),
            allowed_domains: r
                .allowed_domains
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            created_by: parse_id(&r.created_by)?,
            created_at: utc(r.created_at),
            revoked_at: r.revoked_at.map(utc),
        })
    }
}

/// Writes a new link of `workgroup`, made by `creator`, found later by `code_hash`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_join_link(
    conn: &mut DbConnection,
    id: JoinLinkId,
    account: AccountId,
    workgroup: WorkgroupId,
    creator: UserId,
    code_hash: &str,
    link: &NewJoinLink,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let int = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    diesel::insert_into(join_links::table)
        .values((
            join_links::id.eq(id.key()),
            join_links::account_id.eq(account.key()),
            join_links::workgroup_id.eq(workgroup.key()),
            join_links::code_hash.eq(code_hash),
            join_links::approval.eq(link.approval.as_str()),
            join_links::max_uses.eq(link.max_uses.map(int)),
            join_links::expires_at.eq(link.expires_at.map(|t| t.naive_utc())),
            join_links::allowed_domains.eq(link.allowed_domains.join(" ")),
            join_links::created_by.eq(creator.key()),
            join_links::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The link whose code hashes to `code_hash`; 404 for none.
pub(crate) fn by_code(
    conn: &mut DbConnection,
    code_hash: &str,
) -> Result<JoinLinkRecord, StoreError> {
    join_links::table
        .filter(join_links::code_hash.eq(code_hash))
        .select(JoinLinkRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(domain::DomainError::NotFound("join link"))?
        .try_into()
}

/// The link `id`, if it is one of `workgroup`'s in `account`.
pub(crate) fn find_join_link(
    conn: &mut DbConnection,
    account: AccountId,
    workgroup: WorkgroupId,
    id: JoinLinkId,
) -> Result<Option<JoinLinkRecord>, StoreError> {
    join_links::table
        .find(id.key())
        .filter(join_links::account_id.eq(account.key()))
        .filter(join_links::workgroup_id.eq(workgroup.key()))
        .select(JoinLinkRow::as_select())
        .first(conn)
        .optional()?
        .map(JoinLinkRecord::try_from)
        .transpose()
}

/// The link `id` of `account` (whichever its workgroup), or 404.
pub(crate) fn join_link_by_id(
    conn: &mut DbConnection,
    account: AccountId,
    id: JoinLinkId,
) -> Result<JoinLinkRecord, StoreError> {
    join_links::table
        .find(id.key())
        .filter(join_links::account_id.eq(account.key()))
        .select(JoinLinkRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(domain::DomainError::NotFound("join link"))?
        .try_into()
}

/// A page of a workgroup's links, newest first (ids are time-ordered).
pub(crate) fn links_of(
    conn: &mut DbConnection,
    workgroup: WorkgroupId,
    page: &PageRequest<JoinLinkId>,
) -> Result<Vec<JoinLinkRecord>, StoreError> {
    let mut q = join_links::table
        .filter(join_links::workgroup_id.eq(workgroup.key()))
        .into_boxed();
    if let Some(after) = page.after {
        q = q.filter(join_links::id.lt(after.key()));
    }
    q.order(join_links::id.desc())
        .limit(page.rows())
        .select(JoinLinkRow::as_select())
        .load(conn)?
        .into_iter()
        .map(JoinLinkRecord::try_from)
        .collect()
}

/// Counts one use of the link.
pub(crate) fn count_use(conn: &mut DbConnection, id: JoinLinkId) -> Result<(), StoreError> {
    diesel::update(join_links::table.find(id.key()))
        .set(join_links::uses.eq(join_links::uses + 1))
        .execute(conn)?;
    Ok(())
}

/// Revokes the link: its code is dead from now on.
pub(crate) fn revoke(
    conn: &mut DbConnection,
    id: JoinLinkId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(join_links::table.find(id.key()))
        .filter(join_links::revoked_at.is_null())
        .set(join_links::revoked_at.eq(now.naive_utc()))
        .execute(conn)?;
    Ok(())
}
