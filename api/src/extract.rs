//! Request extractors that speak problem+json: a JSON body whose every error names the field
//! it is about, and query/path errors as `invalid_parameter`.

use crate::problem::{ApiError, ProblemField};
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

/// The largest JSON body accepted: a batch of 100 invitees fits many times over.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A JSON request body, deserialised. What its fields may hold is checked by the domain's
/// parse functions, which the handlers call: they name every bad field at once, with codes of
/// their own, and their constants are the limits the OpenAPI document shows
/// (`crate::openapi::limits`).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = match req.mime_type() {
            Ok(Some(mime)) => {
                mime.type_() == "application"
                    && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
            }
            _ => false,
        };
        let declared_len = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the body as JSON with `Content-Type: application/json`",
                ));
            }
            let too_large = || {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    format!("the body is larger than {MAX_BODY_BYTES} bytes"),
                )
            };
            if declared_len.is_some_and(|n| n > MAX_BODY_BYTES) {
                return Err(too_large());
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| {
                    ApiError::new(StatusCode::BAD_REQUEST, "malformed_body", e.to_string())
                })?;
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            parse_json(&body).map(Self)
        })
    }
}

/// Parses JSON; a syntax error is 400 `malformed_json`, a well-formed body of the wrong shape
/// is 422 with the path of the field that is wrong.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = match result {
        Ok(v) => v,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() || inner.is_io() {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "malformed_json",
                    format!("the body is not valid JSON: {inner}"),
                ));
            }
            return Err(ApiError::invalid_fields(vec![shape_error(&path, &inner)]));
        }
    };
    de.end().map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    Ok(value)
}

/// Names the field a serde data error is about and gives it a stable code.
fn shape_error(path: &str, e: &serde_json::Error) -> ProblemField {
    let message = e.to_string();
    let text = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    let parent = if path == "." { "" } else { path };
    let join = |name: &str| {
        if parent.is_empty() {
            name.to_owned()
        } else {
            format!("{parent}.{name}")
        }
    };
    let quoted = |prefix: &str| {
        text.strip_prefix(prefix)
            .and_then(|rest| rest.split('`').nth(1))
            .map(|name| name.to_owned())
    };
    let (field, code) = if let Some(name) = quoted("missing field ") {
        (join(&name), "required")
    } else if let Some(name) = quoted("unknown field ") {
        // The path already ends at the unknown key.
        let field = if parent.ends_with(name.as_str()) {
            parent.to_owned()
        } else {
            join(&name)
        };
        (field, "unknown_field")
    } else if text.starts_with("unknown variant") {
        (parent.to_owned(), "invalid_value")
    } else if text.starts_with("invalid type") {
        (parent.to_owned(), "invalid_type")
    } else {
        (parent.to_owned(), "invalid_value")
    };
    ProblemField::new(field, code, text)
}

/// For `Option<Option<T>>` fields of a PATCH: absent is `None`, `null` is `Some(None)`.
pub fn present<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    T::deserialize(d).map(Some)
}

/// 400 for query strings and path segments that do not parse.
/// An id from the path (`what`: "user id", "workgroup id"…), or 400 `invalid_parameter`.
pub fn path_id<T>(id: &str, what: &str) -> Result<T, ApiError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    id.parse().map_err(|e| invalid_parameter(e, what))
}

pub fn invalid_parameter(err: impl std::fmt::Display, what: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
        format!("invalid {what}: {err}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        email: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        admin: Inner,
        list: Vec<Inner>,
    }

    fn problem(body: &str) -> crate::problem::Problem {
        parse_json::<Outer>(body.as_bytes()).unwrap_err().problem()
    }

    #[test]
    fn syntax_errors_are_malformed_json() {
        assert_eq!(problem("{\"name\": ").code, "malformed_json");
        assert_eq!(
            problem(r#"{"name": "x", "admin": {"email": "a"}, "list": []} {}"#).code,
            "malformed_json"
        );
    }

    #[test]
    fn shape_errors_name_the_field() {
        let p = problem(r#"{"name": "x", "admin": {}, "list": []}"#);
        assert_eq!(
            (
                p.status,
                p.errors[0].field.as_str(),
                p.errors[0].code.as_str()
            ),
            (422, "admin.email", "required")
        );
        let p = problem(r#"{"name": 5, "admin": {"email": "a"}, "list": []}"#);
        assert_eq!(
            (p.errors[0].field.as_str(), p.errors[0].code.as_str()),
            ("name", "invalid_type")
        );
        let p = problem(r#"{"name": "x", "admin": {"email": "a"}, "list": [{"email": 1}]}"#);
        assert_eq!(p.errors[0].field, "list[0].email");
        let p = problem(r#"{"name": "x", "is_admin": true, "admin": {"email": "a"}, "list": []}"#);
        assert_eq!(
            (p.errors[0].field.as_str(), p.errors[0].code.as_str()),
            ("is_admin", "unknown_field")
        );
    }
}
