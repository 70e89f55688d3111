//! The `api_tokens` table: integrators' tokens (the secret stored only as its hash), the
//! record a token is read back as, its finders — by id within an account, a page of an
//! account's, by the hash of the secret a request presents, joined with its creator's
//! standing — and its writes.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, utc, Key};
use crate::base::page::PageRequest;
use crate::base::schema::{api_tokens, users, webhooks};
use crate::tables::users::StandingRow;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access::AccountUser;
use domain::api_token::{NewToken, Scope, Scopes, StoredToken, TokenVisibility};
use domain::ids::{AccountId, ApiTokenId, UserId};
use domain::DomainError;
use serde::{Deserialize, Serialize};

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

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub(crate) struct TokenRow {
    id: String,
    user_id: String,
    name: String,
    scopes: String,
    expires_at: Option<NaiveDateTime>,
    last_used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

pub(crate) fn scopes_of(words: &str) -> Result<Scopes, StoreError> {
    Scopes::from_words(words).ok_or_else(|| StoreError::Corrupt(format!("scopes {words:?}")))
}

impl TokenRow {
    pub(crate) fn record(self) -> Result<TokenRecord, StoreError> {
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
pub(crate) fn live_tokens_of(
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

/// Writes a new token acting as `actor`.
pub(crate) fn insert_token(
    conn: &mut DbConnection,
    id: ApiTokenId,
    actor: &AccountUser,
    new: &NewToken,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(id.key()),
            api_tokens::account_id.eq(actor.account_id.key()),
            api_tokens::user_id.eq(actor.user_id.key()),
            api_tokens::name.eq(new.name.clone().into_string()),
            api_tokens::scopes.eq(new.scopes.to_words()),
            api_tokens::secret_hash.eq(secret_hash),
            api_tokens::expires_at.eq(new.expires_at.map(|t| t.naive_utc())),
            api_tokens::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One of the account's tokens, if `visibility` lets the caller see it (404 otherwise).
pub(crate) fn find(
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

/// A page of the account's tokens `visibility` shows, newest first (one row past the page).
pub(crate) fn page_of(
    conn: &mut DbConnection,
    account: AccountId,
    visibility: TokenVisibility,
    page: &PageRequest<ApiTokenId>,
) -> Result<Vec<TokenRecord>, StoreError> {
    let mut q = api_tokens::table
        .filter(api_tokens::account_id.eq(account.key()))
        .into_boxed();
    if let TokenVisibility::OwnOnly(user) = visibility {
        q = q.filter(api_tokens::user_id.eq(user.key()));
    }
    if let Some(after) = page.after {
        q = q.filter(api_tokens::id.lt(after.key()));
    }
    q.order(api_tokens::id.desc())
        .limit(page.rows())
        .select(TokenRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TokenRow::record)
        .collect()
}

pub(crate) fn mark_revoked(
    conn: &mut DbConnection,
    id: ApiTokenId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(api_tokens::table.find(id.key()))
        .set(api_tokens::revoked_at.eq(Some(now.naive_utc())))
        .execute(conn)?;
    Ok(())
}

pub(crate) fn mark_used(
    conn: &mut DbConnection,
    id: ApiTokenId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(api_tokens::table.find(id.key()))
        .set(api_tokens::last_used_at.eq(Some(now.naive_utc())))
        .execute(conn)?;
    Ok(())
}

/// What a request with a token reads of it (beside its creator's standing).
#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub(crate) struct PresentedRow {
    pub id: String,
    pub account_id: String,
    pub user_id: String,
    pub scopes: String,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// The token whose secret hashes to `secret_hash`, with its creator's standing.
pub(crate) fn by_secret_hash(
    conn: &mut DbConnection,
    secret_hash: &str,
) -> Result<Option<(PresentedRow, StandingRow)>, StoreError> {
    Ok(api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::secret_hash.eq(secret_hash))
        .select((PresentedRow::as_select(), StandingRow::as_select()))
        .first::<(PresentedRow, StandingRow)>(conn)
        .optional()?)
}

impl PresentedRow {
    /// The token as the domain judges it, with its creator's standing.
    pub(crate) fn stored(&self, creator: StandingRow) -> Result<StoredToken, StoreError> {
        let creator = creator.standing()?;
        Ok(StoredToken {
            id: parse_id(&self.id)?,
            account_id: parse_id(&self.account_id)?,
            user_id: parse_id(&self.user_id)?,
            identity_id: creator.identity_id,
            scopes: scopes_of(&self.scopes)?,
            created_at: utc(self.created_at),
            expires_at: self.expires_at.map(utc),
            revoked: self.revoked_at.is_some(),
            creator: Some(creator),
        })
    }
}

/// The tokens `ids` (those that exist), each with its creator's standing.
pub(crate) fn stored_tokens(
    conn: &mut DbConnection,
    ids: Vec<String>,
) -> Result<Vec<StoredToken>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(PresentedRow, StandingRow)> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::id.eq_any(ids))
        .select((PresentedRow::as_select(), StandingRow::as_select()))
        .load(conn)?;
    rows.into_iter()
        .map(|(row, creator)| row.stored(creator))
        .collect()
}

/// The erased users' tokens (rule 14): revoked if they were not, and their names, which the
/// person may have chosen, scrubbed by `scrub` (`None`: the name keeps).
pub(crate) fn erase_of_users(
    conn: &mut DbConnection,
    users: &[String],
    scrub: impl Fn(&str) -> Option<String>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    diesel::update(
        api_tokens::table
            .filter(api_tokens::user_id.eq_any(users))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(at))
    .execute(conn)?;
    let names: Vec<(String, String)> = api_tokens::table
        .filter(api_tokens::user_id.eq_any(users))
        .select((api_tokens::id, api_tokens::name))
        .load(conn)?;
    for (id, name) in names {
        if let Some(scrubbed) = scrub(&name) {
            diesel::update(api_tokens::table.find(id))
                .set(api_tokens::name.eq(scrubbed))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Deletes up to `limit` tokens revoked or expired before `cutoff` (a batch of the retention
/// sweep); returns how many. The audit events that name one keep its id. A token a webhook was
/// made through is kept while the webhook is: its switch-off reads when and why the token died.
pub(crate) fn delete_dead(
    conn: &mut DbConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let cutoff = cutoff.naive_utc();
    let dead = || {
        let owners = webhooks::table
            .filter(webhooks::created_by_token_id.is_not_null())
            .select(webhooks::created_by_token_id.assume_not_null());
        api_tokens::table
            .filter(
                api_tokens::revoked_at
                    .lt(cutoff)
                    .or(api_tokens::expires_at.lt(cutoff)),
            )
            .filter(diesel::dsl::not(api_tokens::id.eq_any(owners)))
    };
    let ids: Vec<String> = dead().select(api_tokens::id).limit(limit).load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(diesel::delete(dead().filter(api_tokens::id.eq_any(ids))).execute(conn)?)
}

/// The tokens `users` made (revoked and expired ones too), newest first, at most `limit`:
/// never their secrets.
pub(crate) fn made_by(
    conn: &mut DbConnection,
    users: &[UserId],
    limit: i64,
) -> Result<Vec<TokenRecord>, StoreError> {
    api_tokens::table
        .filter(api_tokens::user_id.eq_any(users.iter().map(|u| u.key())))
        .order(api_tokens::id.desc())
        .limit(limit)
        .select(TokenRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TokenRow::record)
        .collect()
}
