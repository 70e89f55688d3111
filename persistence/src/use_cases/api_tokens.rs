//! Integrators' API tokens: created by a user (the secret is stored only as its hash), listed
//! and revoked by their owner or an administrator, and looked up on every request made with
//! one, together with the standing of the user it acts as.

use crate::base::db::Database;
use crate::base::error::StoreError;
use crate::base::keys::{utc, Key};
use crate::base::page::{into_page, Page, PageRequest};
use crate::shared::audit::{self, AuditEvent};
use crate::shared::tx::{self, Sweep};
use crate::shared::webhook_switch_off::switch_off_orphans;
pub use crate::tables::api_tokens::TokenRecord;
use crate::tables::api_tokens::{
    by_secret_hash, find, insert_token, live_tokens_of, mark_revoked, mark_used, page_of,
};
use crate::tables::idempotency_keys::{IdempotencyKey, Idempotent};
use crate::tables::webhooks::Owned;
use chrono::{DateTime, Duration, Utc};
use domain::access::AccountUser;
use domain::api_token::{
    authorize_token, may_create_token, may_manage_tokens, NewToken, TokenVisibility,
};
use domain::audit::AuditAction;
use domain::ids::ApiTokenId;
use domain::DomainError;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// `last_used_at` is written at most this often per token (a write per request would be a
/// write per read).
pub const LAST_USED_GRANULARITY_SECONDS: i64 = 60;

/// A created token, and its secret sealed (by the HTTP layer's key) so that a replay of the
/// same `Idempotency-Key` can show it again; the secret itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: TokenRecord,
    pub sealed_secret: String,
}

/// The secret's hash and sealed form, as the HTTP layer made them.
#[derive(Debug, Clone)]
pub struct Secret {
    pub hash: String,
    pub sealed: String,
}

/// Creates a token acting as `actor`.
pub fn create(
    db: &Database,
    actor: AccountUser,
    new: NewToken,
    secret: Secret,
    key: Option<IdempotencyKey>,
    now: DateTime<Utc>,
) -> Result<Idempotent<CreatedToken>, StoreError> {
    tx::idempotent_in_account(
        db,
        actor,
        key,
        Sweep::No,
        now,
        move |conn| {
            may_create_token(&actor, live_tokens_of(conn, actor.user_id, now)?).map_err(Into::into)
        },
        move |conn, ()| {
            let id = ApiTokenId(Uuid::now_v7());
            insert_token(conn, id, &actor, &new, &secret.hash, now)?;
            audit::record(
                conn,
                AuditEvent::by(
                    &actor,
                    AuditAction::ApiTokenCreated,
                    "api_token",
                    id.key(),
                    json!({
                        "name": new.name.clone().into_string(),
                        "scopes": new.scopes.to_vec(),
                        "expires_at": new.expires_at,
                    }),
                    now,
                ),
            )?;
            Ok(CreatedToken {
                token: find(conn, &actor, id, TokenVisibility::All)?,
                sealed_secret: secret.sealed,
            })
        },
    )
}

/// One token the caller may see (its own; any of the account's for administrators).
pub fn get(db: &Database, actor: &AccountUser, id: ApiTokenId) -> Result<TokenRecord, StoreError> {
    let visibility = may_manage_tokens(actor)?;
    db.read(|conn| find(conn, actor, id, visibility))
}

/// The tokens the caller may see, newest first.
pub fn list(
    db: &Database,
    actor: &AccountUser,
    page: PageRequest<ApiTokenId>,
) -> Result<Page<TokenRecord, ApiTokenId>, StoreError> {
    let visibility = may_manage_tokens(actor)?;
    db.read(|conn| {
        let rows = page_of(conn, actor.account_id, visibility, &page)?;
        Ok(into_page(rows, page.limit, |t| t.id))
    })
}

/// Revokes a token at once (its next request is 401); revoking a revoked token changes
/// nothing.
pub fn revoke(
    db: &Database,
    actor: &AccountUser,
    id: ApiTokenId,
    now: DateTime<Utc>,
) -> Result<TokenRecord, StoreError> {
    let visibility = may_manage_tokens(actor)?;
    let actor = *actor;
    tx::in_account(db, actor.account_id, Sweep::No, now, move |conn| {
        let token = find(conn, &actor, id, visibility)?;
        if token.revoked_at.is_some() {
            return Ok(token);
        }
        mark_revoked(conn, id, now)?;
        // The webhooks made through it stop with it.
        switch_off_orphans(conn, actor.account_id, Owned::Through(id), now)?;
        audit::record(
            conn,
            AuditEvent::by(
                &actor,
                AuditAction::ApiTokenRevoked,
                "api_token",
                id.key(),
                json!({"name": token.name, "owner_user_id": token.user_id.key()}),
                now,
            ),
        )?;
        Ok(TokenRecord {
            revoked_at: Some(now),
            ..token
        })
    })
}

/// A request made with a token: the user it acts as, limited to its scopes, and whether its
/// `last_used_at` is due to be written ([`touch`]). 401 `invalid_token` for an unknown,
/// revoked or expired token, or one whose creator is no longer an active user.
pub fn authenticate(
    db: &Database,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<(AccountUser, bool), StoreError> {
    let found = db.read(|conn| by_secret_hash(conn, secret_hash))?;
    let (row, creator) = found.ok_or(DomainError::TokenNoLongerValid("unknown API token"))?;
    let user = authorize_token(row.stored(creator)?, now)?;
    let due = row
        .last_used_at
        .is_none_or(|at| utc(at) + Duration::seconds(LAST_USED_GRANULARITY_SECONDS) <= now);
    Ok((user, due))
}

/// Records that the token was used now (called when [`authenticate`] says it is due).
pub fn touch(db: &Database, id: ApiTokenId, now: DateTime<Utc>) -> Result<(), StoreError> {
    db.write(move |conn| mark_used(conn, id, now))
}
