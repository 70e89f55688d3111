//! The `Idempotency-Key` header of creating POSTs: the same key with the same request replays
//! the first response (with `Idempotent-Replayed: true`); with a different request it is 422
//! `idempotency_key_reused`. Keys belong to the caller and live at least 24 hours. The storage
//! keeps the use case's outcome; fresh and replayed answers are rendered by the same code.

use crate::problem::ApiError;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use futures_util::future::{ready, Ready};
use persistence::idempotency::{IdempotencyKey, Idempotent};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::Required;
use utoipa::IntoParams;
use validator::{Validate, ValidationError};

pub const HEADER: &str = "Idempotency-Key";

/// The longest key accepted.
pub const MAX_KEY_CHARS: usize = 255;
/// What a key is made of: visible ASCII (`!` to `~`), as a pattern for the OpenAPI document.
pub const KEY_PATTERN: &str = "^[!-~]+$";

/// The header's value, when sent: 1 to [`MAX_KEY_CHARS`] visible ASCII characters.
pub struct IdempotencyHeader(pub Option<String>);

/// [`MAX_KEY_CHARS`] as `validator` takes lengths.
const KEY_LENGTH_LIMIT: u64 = MAX_KEY_CHARS as u64;

/// What a key must be, declared once.
#[derive(Validate)]
struct KeyText<'a> {
    #[validate(length(min = 1, max = KEY_LENGTH_LIMIT), custom(function = "visible_ascii"))]
    key: &'a str,
}

fn visible_ascii(key: &str) -> Result<(), ValidationError> {
    if key.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(())
    } else {
        Err(ValidationError::new("visible_ascii"))
    }
}

/// The header as the document shows it, with the limits [`KeyText`] checks.
impl IntoParams for IdempotencyHeader {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let key = ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .min_length(Some(1))
            .max_length(Some(MAX_KEY_CHARS))
            .pattern(Some(KEY_PATTERN));
        vec![ParameterBuilder::new()
            .name(HEADER)
            .parameter_in(ParameterIn::Header)
            .description(Some("Replays the first response to the same request"))
            .required(Required::False)
            .schema(Some(key))
            .build()]
    }
}

impl FromRequest for IdempotencyHeader {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(value) = req.headers().get(HEADER) else {
            return ready(Ok(Self(None)));
        };
        let valid = value
            .to_str()
            .ok()
            .filter(|key| KeyText { key }.validate().is_ok())
            .map(str::to_owned);
        ready(match valid {
            Some(v) => Ok(Self(Some(v))),
            None => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_idempotency_key",
                format!(
                    "Idempotency-Key must be 1 to {MAX_KEY_CHARS} visible ASCII characters (a UUID is a good choice)"
                ),
            )),
        })
    }
}

impl IdempotencyHeader {
    /// The key with a hash of what the request asks: its method, path and body as parsed (so
    /// spacing and key order do not matter).
    pub fn key_for<T: Serialize>(&self, req: &HttpRequest, body: &T) -> Option<IdempotencyKey> {
        self.0.as_ref().map(|key| {
            let mut h = Sha256::new();
            h.update(req.method().as_str().as_bytes());
            h.update(b" ");
            h.update(req.path().as_bytes());
            h.update(b"\n");
            h.update(serde_json::to_vec(body).unwrap_or_default());
            IdempotencyKey {
                key: key.clone(),
                request_hash: hex::encode(h.finalize()),
            }
        })
    }
}

/// The answer to a creating request, fresh or replayed: the same view of the same outcome, with
/// `Idempotent-Replayed: true` on a replay.
pub fn respond<V, T>(status: StatusCode, done: &Idempotent<T>) -> HttpResponse
where
    V: Serialize + for<'a> From<&'a T>,
{
    respond_with(status, done, |t| V::from(t))
}

/// As [`respond`], the outcome shown by `view` (as the caller may see it).
pub fn respond_with<V, T>(
    status: StatusCode,
    done: &Idempotent<T>,
    view: impl FnOnce(&T) -> V,
) -> HttpResponse
where
    V: Serialize,
{
    let mut res = HttpResponse::build(status);
    if done.replayed {
        res.insert_header(("Idempotent-Replayed", "true"));
    }
    res.json(view(&done.outcome))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::dev::Payload;
    use actix_web::test::TestRequest;

    fn key_accepted(value: &str) -> bool {
        let req = TestRequest::default()
            .insert_header((HEADER, value))
            .to_http_request();
        IdempotencyHeader::from_request(&req, &mut Payload::None)
            .into_inner()
            .is_ok()
    }

    /// The header takes what the document says it takes: 1 to [`MAX_KEY_CHARS`] of
    /// [`KEY_PATTERN`].
    #[test]
    fn the_key_limits_are_the_ones_the_header_enforces() {
        assert!(key_accepted(&"k".repeat(MAX_KEY_CHARS)));
        assert!(!key_accepted(&"k".repeat(MAX_KEY_CHARS + 1)));
        assert!(!key_accepted(""));
        // `[!-~]`: every character from `!` to `~` is allowed; space, tab and the like are not.
        let visible: String = ('!'..='~').collect();
        assert!(key_accepted(&visible));
        assert!(!key_accepted("a b"));
        assert!(!key_accepted("a\tb"));
    }
}
