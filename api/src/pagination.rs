//! Cursor pages: `?limit=` (1..=200, default 50) and `?cursor=`, the id of the last item of
//! the page before as 32 hexadecimal digits: any such id is a place to continue after (ids
//! are in the order of the list), so every value the document's pattern allows is one the
//! server takes.

use crate::extract::field_errors;
use crate::problem::{ApiError, ProblemField};
use persistence::page::PageRequest;
use std::str::FromStr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};
use validator::Validate;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// What a cursor is, as the document states it: an id's 32 hexadecimal digits, or empty (no
/// cursor: the first page).
pub const CURSOR_PATTERN: &str = "^([0-9A-Fa-f]{32})?$";

/// `?limit=` as the document shows it: 1 to [`MAX_LIMIT`].
pub struct PageLimit;

/// `?cursor=` as the document shows it: [`CURSOR_PATTERN`].
pub struct Cursor;

/// `?q=`, a list's search, as the document shows it: at most
/// [`domain::names::MAX_SEARCH_CHARS`] characters.
pub struct Search;

impl PartialSchema for PageLimit {
    fn schema() -> RefOr<Schema> {
        let int32 = SchemaFormat::KnownFormat(KnownFormat::Int32);
        let limit = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(int32));
        limit.minimum(Some(1)).maximum(Some(MAX_LIMIT)).into()
    }
}

impl PartialSchema for Cursor {
    fn schema() -> RefOr<Schema> {
        let cursor = ObjectBuilder::new().schema_type(Type::String);
        cursor.pattern(Some(CURSOR_PATTERN)).into()
    }
}

impl PartialSchema for Search {
    fn schema() -> RefOr<Schema> {
        let search = ObjectBuilder::new().schema_type(Type::String);
        search
            .max_length(Some(domain::names::MAX_SEARCH_CHARS))
            .into()
    }
}

impl ToSchema for PageLimit {}
impl ToSchema for Cursor {}
impl ToSchema for Search {}

/// The cursor of the id a page continues after: its digits, without hyphens.
pub fn encode_cursor(id: impl std::fmt::Display) -> String {
    id.to_string().replace('-', "")
}

/// How long a page may be: the one declaration of the limit the server enforces (the
/// OpenAPI document shows the same constant: [`PageLimit`]).
#[derive(Validate)]
struct PageLength {
    #[validate(range(min = 1, max = MAX_LIMIT, code = "out_of_range"))]
    limit: u32,
}

/// A page request from the query's `limit` and `cursor`.
pub fn page_request<C: FromStr>(
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<PageRequest<C>, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    PageLength { limit }
        .validate()
        .map_err(|e| ApiError::invalid_fields(field_errors(&e)))?;
    let after = match cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => {
            let decoded = Some(c)
                .filter(|c| c.len() == 32 && c.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|c| c.parse::<C>().ok());
            Some(decoded.ok_or_else(|| {
                ApiError::invalid_fields(vec![ProblemField::new(
                    "cursor",
                    "invalid_cursor",
                    "`cursor` is not one this API gave out",
                )])
            })?)
        }
    };
    Ok(PageRequest { after, limit })
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn cursors_round_trip_and_bad_ones_are_refused() {
        let id = Uuid::now_v7();
        let page = page_request::<Uuid>(Some(10), Some(&encode_cursor(id))).unwrap();
        assert_eq!((page.after, page.limit), (Some(id), 10));
        assert_eq!(
            page_request::<Uuid>(None, None).unwrap().limit,
            DEFAULT_LIMIT
        );
        assert_eq!(
            page_request::<Uuid>(Some(0), None).unwrap_err().code,
            "validation_failed"
        );
        let refused = page_request::<Uuid>(Some(201), None).unwrap_err().problem();
        assert_eq!(
            (
                refused.code.as_str(),
                refused.errors[0].field.as_str(),
                refused.errors[0].code.as_str(),
                refused.errors[0].message.as_str()
            ),
            (
                "validation_failed",
                "limit",
                "out_of_range",
                "`limit` must be 1 to 200"
            )
        );
        assert!(page_request::<Uuid>(None, Some("!!")).is_err());
        // Exactly what the document's pattern says: 32 digits (any id), or nothing.
        let pattern = regex::Regex::new(CURSOR_PATTERN).unwrap();
        assert!(pattern.is_match(&encode_cursor(id)));
        let any = "0123456789abcdefABCDEF0123456789";
        assert!(pattern.is_match(any));
        assert!(page_request::<Uuid>(None, Some(any)).is_ok());
        assert!(page_request::<Uuid>(None, Some(""))
            .unwrap()
            .after
            .is_none());
        let hyphenated = id.to_string();
        assert!(!pattern.is_match(&hyphenated));
        assert!(page_request::<Uuid>(None, Some(&hyphenated)).is_err());
    }
}
