//! Request extractors that speak problem+json: a JSON body whose every error names the field
//! it is about, and query/path errors as `invalid_parameter`.

mod path;
mod shape;

pub use path::{
    DeliveryPath, InvitedTo, JoinLinkPath, JoinRequestPath, MemberPath, PathId, PathParams,
    ReviewItemPath,
};

use crate::problem::{ApiError, ProblemField};
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::{DeserializeOwned, IntoDeserializer};
use serde_path_to_error::{Path, Segment};
use shape::{Json, ShapeError, ShapeKind};
use validator::ValidationErrors;

/// The largest JSON body accepted: a batch of 100 invitees fits many times over.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A JSON request body, deserialised. What its fields may hold is checked by the domain's
/// parse functions, which the handlers call: they name every bad field at once, with codes of
/// their own, and their constants are the limits the OpenAPI document shows (each value
/// type's schema, `domain::openapi`; a field's own, `crate::openapi::field`).
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
                    if crate::read_deadline::is_timed_out(&e) {
                        ApiError::new(
                            StatusCode::REQUEST_TIMEOUT,
                            "request_timeout",
                            "the request body did not arrive within the read deadline; the connection is closed",
                        )
                    } else {
                        ApiError::new(StatusCode::BAD_REQUEST, "malformed_body", e.to_string())
                    }
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

/// A JSON body that may be left out: `None` for a request without one (no `Content-Length`,
/// or zero, and no chunked body); one that is sent is read as [`JsonBody`] reads it.
#[derive(Debug)]
pub struct OptionalJsonBody<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJsonBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = req.headers();
        let chunked = headers.contains_key(actix_web::http::header::TRANSFER_ENCODING);
        let length = headers
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<usize>().ok());
        if !chunked && length.unwrap_or(0) == 0 {
            return Box::pin(async { Ok(Self(None)) });
        }
        let body = JsonBody::<T>::from_request(req, payload);
        Box::pin(async move { body.await.map(|JsonBody(t)| Self(Some(t))) })
    }
}

/// Parses JSON; a syntax error is 400 `malformed_json`, a well-formed body of the wrong shape
/// is 422 with the path of the field that is wrong.
///
/// The body is read into a [`Json`] tree first, then into `T` through [`shape`]'s
/// deserializer, whose errors say which kind they are, and which reads JSON as its schema
/// does where serde_json would not: an object type is only ever an object (serde_json also
/// takes an array of its fields in order: `[null, null]` for `{"allow": …, "deny": …}`), and
/// an integer may be written with a zero fraction (`72.0`).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let tree: Json = serde_json::from_slice(body).map_err(malformed)?;
    serde_path_to_error::deserialize::<_, T>(IntoDeserializer::<ShapeError>::into_deserializer(
        tree,
    ))
    .map_err(|e| ApiError::invalid_fields(vec![problem_field(e.path(), e.inner())]))
}

fn malformed(e: serde_json::Error) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "malformed_json",
        format!("the body is not valid JSON: {e}"),
    )
}

/// The field a refusal at `path` is about, and its stable code.
fn problem_field(path: &Path, e: &ShapeError) -> ProblemField {
    let path_text = path.to_string();
    let parent = parent(&path_text);
    let child = |name: &str| {
        if parent.is_empty() {
            name.to_owned()
        } else {
            format!("{parent}.{name}")
        }
    };
    let (field, code) = match &e.kind {
        ShapeKind::MissingField(name) => (child(name), "required"),
        ShapeKind::UnknownField(name) => {
            // serde_path_to_error ends the path at a key it refused while reading it.
            let at_key =
                matches!(path.iter().next_back(), Some(Segment::Map { key }) if key == name);
            let field = if at_key {
                parent.to_owned()
            } else {
                child(name)
            };
            (field, "unknown_field")
        }
        ShapeKind::InvalidType => (parent.to_owned(), "invalid_type"),
        ShapeKind::UnknownVariant
        | ShapeKind::InvalidValue
        | ShapeKind::InvalidLength
        | ShapeKind::DuplicateField
        | ShapeKind::Custom => (parent.to_owned(), "invalid_value"),
    };
    ProblemField::new(field, code, e.message.clone())
}

/// serde_path_to_error's path of the value being read; `.` (the body itself) is no field.
fn parent(path: &str) -> &str {
    if path == "." {
        ""
    } else {
        path
    }
}

/// Field errors of a `validator` check, each named by its field, with its code and a message
/// that states the bound from the check's own parameters (so a limit is written once, in the
/// attribute).
pub fn field_errors(errors: &ValidationErrors) -> Vec<ProblemField> {
    let mut out: Vec<ProblemField> = errors
        .field_errors()
        .into_iter()
        .flat_map(|(field, list)| {
            list.iter().map(move |e| {
                let param = |name: &str| e.params.get(name).map(ToString::to_string);
                let message = match (e.message.as_ref(), param("min"), param("max")) {
                    (Some(m), _, _) => m.to_string(),
                    (None, Some(min), Some(max)) => format!("`{field}` must be {min} to {max}"),
                    (None, None, Some(max)) => format!("`{field}` must be at most {max}"),
                    (None, Some(min), None) => format!("`{field}` must be at least {min}"),
                    (None, None, None) => format!("`{field}` is invalid ({})", e.code),
                };
                ProblemField::new(field.to_string(), e.code.to_string(), message)
            })
        })
        .collect();
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

/// For `Option<Option<T>>` fields of a PATCH: absent is `None`, `null` is `Some(None)`.
pub fn present<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    T::deserialize(d).map(Some)
}

/// 400 `invalid_parameter`, for query strings and path segments that do not parse.
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

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        email: String,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Group,
        Project,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        name: String,
        admin: Inner,
        list: Vec<Inner>,
        kind: Option<Kind>,
        #[serde(default, deserialize_with = "present")]
        note: Option<Option<String>>,
        id: Option<uuid::Uuid>,
        level: Option<u8>,
        pair: Option<(u8, u8)>,
        #[serde(default)]
        dry_run: bool,
    }

    fn problem(body: &str) -> crate::problem::Problem {
        parse_json::<Outer>(body.as_bytes()).unwrap_err().problem()
    }

    /// The one field error of `body`, as `(field, code, message)`.
    fn refusal(body: &str) -> (String, String, String) {
        let p = problem(body);
        assert_eq!((p.status, p.errors.len()), (422, 1), "{body}");
        let e = &p.errors[0];
        (e.field.clone(), e.code.clone(), e.message.clone())
    }

    /// What serde_json itself says of `body`, without the position.
    fn serde_json_says(body: &str) -> String {
        let e = serde_json::from_str::<Outer>(body).unwrap_err();
        let position = format!(" at line {} column {}", e.line(), e.column());
        e.to_string().strip_suffix(&position).unwrap().to_owned()
    }

    const OK: &str = r#""name": "x", "admin": {"email": "a"}, "list": []"#;

    /// A body with every required field and `extra` ones.
    fn with(extra: &str) -> String {
        format!("{{{OK}, {extra}}}")
    }

    #[test]
    fn syntax_errors_are_malformed_json() {
        assert_eq!(problem("{\"name\": ").code, "malformed_json");
        assert_eq!(problem(&format!("{{{OK}}} {{}}")).code, "malformed_json");
        // serde_json stops at `name`, but the body is not JSON: 400 as well.
        assert_eq!(problem(r#"{"name": 5, "admin": {"#).code, "malformed_json");
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

    #[test]
    fn each_kind_of_refusal_has_its_code_and_serde_jsons_message() {
        let admin = r#""admin": {"email": "a"}"#;
        for (body, field, code) in [
            // missing_field
            (format!(r#"{{{admin}, "list": []}}"#), "name", "required"),
            (
                r#"{"name": "x", "admin": {}, "list": []}"#.to_owned(),
                "admin.email",
                "required",
            ),
            // unknown_field, at the top and inside
            (with(r#""is_admin": true"#), "is_admin", "unknown_field"),
            (
                r#"{"name": "x", "admin": {"email": "a", "type": "x"}, "list": []}"#.to_owned(),
                "admin.type",
                "unknown_field",
            ),
            // invalid_type, `null` included
            (with(r#""level": "high""#), "level", "invalid_type"),
            (
                format!(r#"{{"name": null, {admin}, "list": []}}"#),
                "name",
                "invalid_type",
            ),
            (
                format!(
                    r#"{{"name": "x", {admin}, "list": [{{"email": "b"}}, {{"email": 1.5}}]}}"#
                ),
                "list[1].email",
                "invalid_type",
            ),
            (
                format!(r#"{{"name": "x", {admin}, "list": {{}}}}"#),
                "list",
                "invalid_type",
            ),
            // unknown_variant
            (with(r#""kind": "team""#), "kind", "invalid_value"),
            // invalid_value
            (with(r#""level": 300"#), "level", "invalid_value"),
            (with(r#""level": -1"#), "level", "invalid_value"),
            // invalid_length
            (with(r#""pair": [1]"#), "pair", "invalid_value"),
            // duplicate_field: refused as the key comes again, before its value, so the
            // path is the object's (here the body's, ""); the message names the key
            (with(r#""name": "y""#), "", "invalid_value"),
            // custom: a `Deserialize` impl's own refusal
            (with(r#""id": "not-a-uuid""#), "id", "invalid_value"),
        ] {
            assert_eq!(
                refusal(&body),
                (field.to_owned(), code.to_owned(), serde_json_says(&body)),
                "{body}"
            );
        }
    }

    #[test]
    fn the_first_refusal_in_the_body_is_the_one_named() {
        // `zz` sorts after `name`: a reading that sorted the keys would name `name`.
        let body = r#"{"zz": 1, "name": 5, "admin": {"email": "a"}, "list": []}"#;
        assert_eq!(refusal(body).0, "zz");
        let body = r#"{"name": 5, "zz": 1, "admin": {"email": "a"}, "list": []}"#;
        assert_eq!(refusal(body).0, "name");
    }

    #[test]
    fn the_second_reading_reads_what_serde_json_reads() {
        for body in [
            format!("{{{OK}}}"),
            with(r#""note": null, "kind": null, "id": null, "level": null"#),
            with(r#""note": "hi", "kind": "project", "level": 7, "pair": [1, 2]"#),
            with(r#""kind": {"group": null}, "dry_run": true"#),
            with(r#""id": "0192f0c1-7c1e-7a3e-9f1a-1f2e3d4c5b6a""#),
        ] {
            let from_text: Outer = serde_json::from_str(&body).unwrap();
            let tree: shape::Json = serde_json::from_str(&body).unwrap();
            let from_tree =
                Outer::deserialize(IntoDeserializer::<ShapeError>::into_deserializer(tree))
                    .unwrap();
            assert_eq!(from_text, from_tree, "{body}");
        }
        // `null` clears, absence keeps.
        let cleared: Outer = parse_json(with(r#""note": null"#).as_bytes()).unwrap();
        assert_eq!(cleared.note, Some(None));
        let kept: Outer = parse_json(format!("{{{OK}}}").as_bytes()).unwrap();
        assert_eq!(kept.note, None);
        // Through the second reading too: the `null`s pass, the bad `level` after them is named.
        let body = with(r#""note": null, "kind": null, "level": "x""#);
        assert_eq!(refusal(&body).0, "level");
    }
}
