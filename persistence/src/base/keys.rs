//! The one place typed values meet the database's text: ids and words go in through [`Key`] and
//! come back through [`parse_id`] and [`parse_word`]. Everything above this module speaks
//! `AccountId`, `UserId`, `Role`…, so an account id cannot be passed where a user id goes.

use crate::base::error::StoreError;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::backend::Backend;
use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::Text;
use diesel::QueryResult;
use domain::ids::{
    AccessReviewId, AccountId, ApiTokenId, IdentityId, InvitationId, JoinLinkId, JoinRequestId,
    SessionId, UserId, WebhookId, WorkgroupId,
};
use std::str::FromStr;

/// A typed id as the column stores it (UUID text).
pub(crate) trait Key {
    fn key(&self) -> String;
}

macro_rules! text_key {
    ($($id:ty),+) => {$(
        impl Key for $id {
            fn key(&self) -> String {
                self.0.hyphenated().to_string()
            }
        }
    )+};
}

text_key!(
    AccountId,
    IdentityId,
    UserId,
    WorkgroupId,
    InvitationId,
    ApiTokenId,
    WebhookId,
    SessionId,
    JoinLinkId,
    JoinRequestId,
    AccessReviewId
);

/// A word of the domain written into a statement's SQL as a literal (`'pending'`) instead of a
/// bound parameter. With the query planner stability guarantee the bundled SQLite is built with
/// (`.cargo/config.toml`), plans never depend on bound values, so statements are prepared once;
/// a partial index (`invitations_pending_login … WHERE status = 'pending'`) then serves only a
/// query that names its condition's value in the SQL itself, and the same holds for
/// PostgreSQL's generic plans. Only for the domain's own words, never for input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Literal(&'static str);

impl Literal {
    /// `word` must be a domain word: lowercase letters and underscores (the SQL it is written
    /// into refuses anything else).
    pub(crate) fn word(word: &'static str) -> Self {
        Self(word)
    }
}

impl Expression for Literal {
    type SqlType = Text;
}

impl<QS> AppearsOnTable<QS> for Literal {}

impl<QS> SelectableExpression<QS> for Literal {}

impl ValidGrouping<()> for Literal {
    type IsAggregate = is_aggregate::Never;
}

impl QueryId for Literal {
    // Cached by its SQL text, which holds the word.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB: Backend> QueryFragment<DB> for Literal {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        // A word is letters and underscores only: nothing to escape, and nothing else passes.
        if !self.0.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(diesel::result::Error::QueryBuilderError(
                format!("`{}` is not a word", self.0).into(),
            ));
        }
        out.push_sql("'");
        out.push_sql(self.0);
        out.push_sql("'");
        Ok(())
    }
}

/// A stored id read back; a row that does not hold one is corrupt.
pub(crate) fn parse_id<T: FromStr>(s: &str) -> Result<T, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("`{s}` is not an id")))
}

/// An optional stored id read back.
pub(crate) fn parse_opt_id<T: FromStr>(s: Option<&str>) -> Result<Option<T>, StoreError> {
    s.map(parse_id).transpose()
}

/// A stored word (`active`, `member`…) read back as its enum.
pub(crate) fn parse_word<T>(s: &str, parse: fn(&str) -> Option<T>) -> Result<T, StoreError> {
    parse(s).ok_or_else(|| StoreError::Corrupt(format!("`{s}` is not a known value")))
}

/// Times are stored as UTC without a zone.
pub(crate) fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// A stored counter (never negative) as a count.
pub(crate) fn to_count(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn ids_round_trip_through_their_text() {
        let id = UserId(Uuid::now_v7());
        assert_eq!(parse_id::<UserId>(&id.key()).ok(), Some(id));
        assert!(matches!(
            parse_id::<UserId>("not-an-id"),
            Err(StoreError::Corrupt(_))
        ));
    }
}
