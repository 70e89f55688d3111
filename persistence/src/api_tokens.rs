//! Integrators' API tokens: created by a user (the secret is stored only as its hash), listed
//! and revoked by their owner or an administrator, and looked up on every request made with
//! one, together with the standing of the user it acts as.

use crate::audit::{self, AuditEvent};
use crate::db::{Database, DbConnection};
use crate::error::StoreError;
use crate::idempotency::{IdempotencyKey, Idempotent};
use crate::keys::{parse_id, utc, Key};
use crate::models::users::StandingRow;
use crate::models::webhooks::{switch_off_orphans, Owned};
use crate::page::{into_page, Page, PageRequest};
use crate::schema::{api_tokens, users};
use crate::tx::{self, Sweep};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access::AccountUser;
use domain::api_token::{
    authorize_token, may_create_token, may_manage_tokens, NewToken, Scope, Scopes, StoredToken,
    TokenVisibility,
};
use domain::audit::AuditAction;
use domain::ids::{ApiTokenId, UserId};
use domain::DomainError;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// `last_used_at` is written at most this often per token (a write per request would be a
/// write per read).
pub const LAST_USED_GRANULARITY_SECONDS: i64 = 60;

/// A token as its owner sees it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

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

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct TokenRow {
    id: String,
    user_id: String,
    name: String,
    scopes: String,
    expires_at: Option<NaiveDateTime>,
    last_used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

fn scopes_of(words: &str) -> Result<Scopes, StoreError> {
    Scopes::from_words(words).ok_or_else(|| StoreError::Corrupt(format!("scopes {words:?}")))
}

impl TokenRow {
    fn record(self) -> Result<TokenRecord, StoreError> {
        Ok(TokenRecord {
            id: parse_id(&self.id)?,
            user_id: parse_id(&self.user_id)?,
            name: self.name,
            scopes: scopes_of(&self.scopes)?.to_vec(),
            expires_at: self.expires_at.map(utc),
            last_used_at: self.last_used_at.map(utc),
            revoked_at: self.revoked_at.map(utc),
            created_at: utc(self.created_at),
        })
    }
}

/// Tokens the user holds that still work: counted against the per-user maximum.
fn live_tokens_of(
    conn: &mut DbConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<u32, StoreError> {
    let n: i64 = api_tokens::table
        .filter(api_tokens::user_id.eq(user.key()))
        .filter(api_tokens::revoked_at.is_null())
        .filter(
            api_tokens::expires_at
                .is_null()
                .or(api_tokens::expires_at.gt(now.naive_utc())),
        )
        .count()
        .get_result(conn)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
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
            let at = now.naive_utc();
            diesel::insert_into(api_tokens::table)
                .values((
                    api_tokens::id.eq(id.key()),
                    api_tokens::account_id.eq(actor.account_id.key()),
                    api_tokens::user_id.eq(actor.user_id.key()),
                    api_tokens::name.eq(new.name.clone().into_string()),
                    api_tokens::scopes.eq(new.scopes.to_words()),
                    api_tokens::secret_hash.eq(&secret.hash),
                    api_tokens::expires_at.eq(new.expires_at.map(|t| t.naive_utc())),
                    api_tokens::created_at.eq(at),
                ))
                .execute(conn)?;
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

fn find(
    conn: &mut DbConnection,
    actor: &AccountUser,
    id: ApiTokenId,
    visibility: TokenVisibility,
) -> Result<TokenRecord, StoreError> {
    let mut q = api_tokens::table
        .filter(api_tokens::id.eq(id.key()))
        .filter(api_tokens::account_id.eq(actor.account_id.key()))
        .into_boxed();
    if let TokenVisibility::OwnOnly(user) = visibility {
        q = q.filter(api_tokens::user_id.eq(user.key()));
    }
    q.select(TokenRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(DomainError::NotFound("API token"))?
        .record()
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
        let mut q = api_tokens::table
            .filter(api_tokens::account_id.eq(actor.account_id.key()))
            .into_boxed();
        if let TokenVisibility::OwnOnly(user) = visibility {
            q = q.filter(api_tokens::user_id.eq(user.key()));
        }
        if let Some(after) = page.after {
            q = q.filter(api_tokens::id.lt(after.key()));
        }
        let rows = q
            .order(api_tokens::id.desc())
            .limit(page.rows())
            .select(TokenRow::as_select())
            .load(conn)?
            .into_iter()
            .map(TokenRow::record)
            .collect::<Result<Vec<_>, _>>()?;
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
        diesel::update(api_tokens::table.find(id.key()))
            .set(api_tokens::revoked_at.eq(Some(now.naive_utc())))
            .execute(conn)?;
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

/// What a request with a token reads of it (beside its creator's standing).
#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct PresentedRow {
    id: String,
    account_id: String,
    user_id: String,
    scopes: String,
    expires_at: Option<NaiveDateTime>,
    last_used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

/// A request made with a token: the user it acts as, limited to its scopes, and whether its
/// `last_used_at` is due to be written ([`touch`]). 401 `invalid_token` for an unknown,
/// revoked or expired token, or one whose creator is no longer an active user.
pub fn authenticate(
    db: &Database,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<(AccountUser, bool), StoreError> {
    let found = db.read(|conn| {
        Ok(api_tokens::table
            .inner_join(users::table)
            .filter(api_tokens::secret_hash.eq(secret_hash))
            .select((PresentedRow::as_select(), StandingRow::as_select()))
            .first::<(PresentedRow, StandingRow)>(conn)
            .optional()?)
    })?;
    let (row, creator) = found.ok_or(DomainError::TokenNoLongerValid("unknown API token"))?;
    let creator = creator.standing()?;
    let user = authorize_token(
        StoredToken {
            id: parse_id(&row.id)?,
            account_id: parse_id(&row.account_id)?,
            user_id: parse_id(&row.user_id)?,
            identity_id: creator.identity_id,
            scopes: scopes_of(&row.scopes)?,
            created_at: utc(row.created_at),
            expires_at: row.expires_at.map(utc),
            revoked: row.revoked_at.is_some(),
            creator: Some(creator),
        },
        now,
    )?;
    let due = row
        .last_used_at
        .is_none_or(|at| utc(at) + Duration::seconds(LAST_USED_GRANULARITY_SECONDS) <= now);
    Ok((user, due))
}

/// Records that the token was used now (called when [`authenticate`] says it is due).
pub fn touch(db: &Database, id: ApiTokenId, now: DateTime<Utc>) -> Result<(), StoreError> {
    db.write(move |conn| {
        diesel::update(api_tokens::table.find(id.key()))
            .set(api_tokens::last_used_at.eq(Some(now.naive_utc())))
            .execute(conn)?;
        Ok(())
    })
}
