//! The one place typed values meet the database's text: ids and words go in through [`Key`] and
//! come back through [`parse_id`] and [`parse_word`]. Everything above this module speaks
//! `AccountId`, `UserId`, `Role`…, so an account id cannot be passed where a user id goes.

use crate::error::StoreError;
use chrono::{DateTime, NaiveDateTime, Utc};
use domain::ids::{AccountId, IdentityId, InvitationId, UserId, WorkgroupId};
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

text_key!(AccountId, IdentityId, UserId, WorkgroupId, InvitationId);

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
