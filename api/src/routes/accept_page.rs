//! The accept page: where an invitation's link (`{EXTRANET_PUBLIC_URL}/accept#token=…`) leads.
//! Plain HTML, a stylesheet and a script, compiled into the binary (nothing is fetched from
//! anywhere else), served under a strict Content-Security-Policy. The script reads the token
//! from the fragment (which never reaches a server), and calls `lookup`, `accept` and
//! `decline`. A frontend team can serve its own page instead: point `EXTRANET_PUBLIC_URL` at it.

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{get, HttpResponse};

const PAGE: &str = include_str!("../../web/accept.html");
const SCRIPT: &str = include_str!("../../web/accept.js");
const STYLE: &str = include_str!("../../web/accept.css");

/// What the page may do: its own script and stylesheet, calls to this server, nothing else —
/// no inline script, no frames, no form posts elsewhere, no other origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'none'; \
    frame-ancestors 'none'; base-uri 'none'";

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .body(body)
}

/// The accept page (HTML, public): reads the token from the link's fragment, shows what
/// `POST /v1/invitations/lookup` returns, and accepts (with a password and names) or declines.
#[utoipa::path(
    tag = "invitations",
    security(()),
    responses((status = 200, description = "The page", content_type = "text/html", body = String))
)]
#[get("/accept")]
pub async fn page() -> HttpResponse {
    asset("text/html; charset=utf-8", PAGE)
}

/// The page's script.
#[get("/accept/accept.js")]
pub async fn script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// The page's stylesheet.
#[get("/accept/accept.css")]
pub async fn style() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLE)
}
