//! CORS for browser apps on other origins (`EXTRANET_CORS_ORIGINS`), by `actix-cors`.
//!
//! For an origin the operator listed, every `/v1/` path answers preflights (204) and actual
//! requests — errors too, so that a browser app can read the problem — with
//! `Access-Control-Allow-Origin: <that origin>` and `Vary: Origin`; preflights also say the
//! methods and request headers the API uses and how long a browser may remember them
//! ([`MAX_AGE_SECONDS`]); actual answers expose the headers a client reads
//! ([`EXPOSED_HEADERS`]). Never `Access-Control-Allow-Credentials`: tokens are bearer headers,
//! never cookies, so nothing a browser holds by itself is sent to the API.
//!
//! Any other origin, and every path outside `/v1/` (the document, Swagger UI, the accept page,
//! health, metrics), gets no CORS header at all: its actual requests are answered as they would
//! be without CORS (the browser keeps the answer from the page), and a preflight the browser
//! sends for it is refused, 400 `bad_request` problem+json, so the browser never sends the
//! actual request. Origins are compared exactly, as browsers serialise them (lower-case scheme
//! and host, no default port): the configuration is normalised that way at start.

use crate::problem::ApiError;
use actix_cors::Cors;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::ResponseError;
use std::sync::Arc;

/// The paths browser apps on listed origins may call.
pub const SCOPE: &str = "/v1/";

/// The methods the API uses.
pub const ALLOWED_METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

/// The request headers a browser app may send (besides the ones browsers always may).
pub const ALLOWED_HEADERS: [&str; 4] = [
    "authorization",
    "content-type",
    "idempotency-key",
    "x-request-id",
];

/// The response headers a browser app may read (besides the CORS-safelisted ones).
pub const EXPOSED_HEADERS: [&str; 3] = ["retry-after", "x-request-id", "idempotent-replayed"];

/// How long a browser may keep a preflight's answer, in seconds (Chromium keeps it at most
/// two hours, Firefox a day).
pub const MAX_AGE_SECONDS: usize = 600;

/// The origins browser apps may call the API from, as browsers write them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins(Arc<[String]>);

impl Origins {
    /// `EXTRANET_CORS_ORIGINS`: exact origins, comma-separated (empty: none). Each must be
    /// `scheme://host[:port]` with `http` or `https`: no path, not even a trailing slash, no
    /// query, no user, no `*`. Scheme and host are lower-cased and a default port dropped, as
    /// browsers send them.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut origins: Vec<String> = Vec::new();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let origin = parse_origin(item).map_err(|why| {
                format!(
                    "EXTRANET_CORS_ORIGINS: `{item}` is not an origin: {why}; write each as \
                     scheme://host[:port] with http or https, e.g. https://app.example.com"
                )
            })?;
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
        Ok(Self(origins.into()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The origins, normalised.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Whether a browser page on `origin` may call `path`.
    pub fn allow(&self, origin: &HeaderValue, path: &str) -> bool {
        path.starts_with(SCOPE) && self.0.iter().any(|o| o.as_bytes() == origin.as_bytes())
    }
}

/// One origin, as a browser would send it, or why it is not one.
fn parse_origin(item: &str) -> Result<String, &'static str> {
    if item.contains('*') {
        return Err("`*` is not allowed, list each origin");
    }
    let Some((scheme, rest)) = item.split_once("://") else {
        return Err("it has no scheme");
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err("the scheme must be http or https");
    }
    if rest.ends_with('/') {
        return Err("an origin has no trailing slash");
    }
    if rest.contains(['/', '?', '#']) {
        return Err("an origin has no path, query or fragment");
    }
    if rest.contains('@') {
        return Err("an origin has no user or password");
    }
    if rest.is_empty() || rest.contains(char::is_whitespace) {
        return Err("its host is missing or has spaces");
    }
    let url = reqwest::Url::parse(item).map_err(|_| "its host or port is not valid")?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err("its host is missing");
    }
    Ok(url.origin().ascii_serialization())
}

/// The CORS middleware for `origins` (none: it still answers no other origin, the same way).
pub fn middleware(origins: &Origins) -> Cors {
    let origins = origins.clone();
    Cors::default()
        .allowed_origin_fn(move |origin, head| origins.allow(origin, head.uri.path()))
        .allowed_methods(ALLOWED_METHODS)
        .allowed_headers(ALLOWED_HEADERS)
        .expose_headers(EXPOSED_HEADERS)
        .max_age(MAX_AGE_SECONDS)
        // Another origin's actual request is answered as without CORS: the browser keeps the
        // answer from the page; other clients (a server sending `Origin`) are not refused.
        .block_on_origin_mismatch(false)
}

/// A preflight as `actix-cors` recognises one: `OPTIONS` naming the method to come.
fn is_preflight(req: &ServiceRequest) -> bool {
    req.method() == Method::OPTIONS
        && req
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|m| Method::from_bytes(m.as_bytes()).is_ok())
}

/// Around [`middleware`], what it does not do as the contract says: a preflight it allowed is
/// answered 204 (it has no body; `actix-cors` says 200), one it refused is a problem+json that
/// says why, still without CORS headers; and an answer to anyone it did not allow carries no
/// `Access-Control-Expose-Headers` (`actix-cors` adds it to every answer).
pub async fn settle(
    origins: Origins,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let preflight = is_preflight(&req);
    let allowed_origin = req
        .headers()
        .get(header::ORIGIN)
        .is_some_and(|o| origins.allow(o, req.path()));
    let mut res = next.call(req).await?;
    let allowed = res
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    if !preflight {
        if !allowed {
            res.headers_mut()
                .remove(header::ACCESS_CONTROL_EXPOSE_HEADERS);
        }
        return Ok(res.map_into_left_body());
    }
    if allowed {
        *res.response_mut().status_mut() = StatusCode::NO_CONTENT;
        return Ok(res.map_into_left_body());
    }
    let detail = if allowed_origin {
        "this cross-origin request asks for a method or a request header the API does not use \
         (methods: GET, POST, PUT, PATCH, DELETE; headers: Authorization, Content-Type, \
         Idempotency-Key, X-Request-Id)"
    } else {
        "cross-origin requests from this origin are not allowed here: browsers may call /v1/ \
         from the origins in EXTRANET_CORS_ORIGINS only"
    };
    let refusal = ApiError::new(StatusCode::BAD_REQUEST, "bad_request", detail).error_response();
    let (req, _) = res.into_parts();
    Ok(ServiceResponse::new(req, refusal).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_as_browsers_send_them() {
        let origins = Origins::parse(
            " https://App.Example.COM , http://127.0.0.1:5173,HTTPS://app.example.com:443,,\
             http://[::1]:8080, http://localhost:80",
        )
        .unwrap();
        assert_eq!(
            origins.iter().collect::<Vec<_>>(),
            [
                "https://app.example.com",
                "http://127.0.0.1:5173",
                "http://[::1]:8080",
                "http://localhost"
            ]
        );
        assert!(Origins::parse("").unwrap().is_empty());
        assert!(Origins::parse(" , ").unwrap().is_empty());
    }

    #[test]
    fn anything_but_an_exact_origin_is_refused_with_its_reason() {
        for (spec, why) in [
            ("*", "`*` is not allowed"),
            ("https://*.example.com", "`*` is not allowed"),
            ("https://app.example.com/", "no trailing slash"),
            ("https://app.example.com/app", "no path"),
            ("https://app.example.com?x=1", "no path, query"),
            ("https://user@app.example.com", "no user"),
            ("app.example.com", "no scheme"),
            ("ftp://app.example.com", "http or https"),
            ("null", "no scheme"),
            ("https://", "host is missing"),
            ("https://app.example.com:99999", "not valid"),
            ("https://app example.com", "spaces"),
        ] {
            let error = Origins::parse(&format!("https://ok.example, {spec}")).unwrap_err();
            assert!(
                error.starts_with("EXTRANET_CORS_ORIGINS: "),
                "{spec}: {error}"
            );
            assert!(error.contains(why), "{spec}: {error}");
            assert!(error.contains(spec), "{spec}: {error}");
        }
    }

    #[test]
    fn an_origin_is_allowed_exactly_and_under_v1_only() {
        let origins = Origins::parse("https://app.example.com").unwrap();
        let allow =
            |origin: &str, path: &str| origins.allow(&HeaderValue::from_str(origin).unwrap(), path);
        assert!(allow("https://app.example.com", "/v1/invitations"));
        for path in [
            "/docs",
            "/openapi.json",
            "/accept",
            "/metrics",
            "/v1",
            "/v10/x",
        ] {
            assert!(!allow("https://app.example.com", path), "{path}");
        }
        for origin in [
            "http://app.example.com",
            "https://app.example.com:8443",
            "https://app.example.com.evil.example",
            "https://evil.example/https://app.example.com",
            "https://APP.example.com",
            "null",
        ] {
            assert!(!allow(origin, "/v1/invitations"), "{origin}");
        }
    }
}
