//! Cursor pages: `?limit=` (1..=200, default 50) and an opaque `?cursor=`.

use crate::extract::field_errors;
use crate::problem::{ApiError, ProblemField};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use persistence::page::PageRequest;
use std::str::FromStr;
use validator::Validate;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// The opaque form of the id a page continues after.
pub fn encode_cursor(id: impl std::fmt::Display) -> String {
    URL_SAFE_NO_PAD.encode(id.to_string())
}

/// How long a page may be: the one declaration of the limit the server enforces (the
/// OpenAPI document shows the same constant, see `crate::openapi::limits`).
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
            let decoded = URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .and_then(|s| s.parse::<C>().ok());
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
    }
}
