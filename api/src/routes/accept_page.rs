//! The accept page: where an invitation's link (`{EXTRANET_PUBLIC_URL}/accept#token=…`) leads.
//! One of the server's pages (`routes::pages`: compiled in, a strict Content-Security-Policy).
//! The script reads the token from the fragment (which never reaches a server), and calls
//! `lookup`, `accept` and `decline`; after accepting it says where to go next
//! (`EXTRANET_APP_URL`, as a link, when set). A frontend team can serve its own page instead:
//! point `EXTRANET_PUBLIC_URL` at it.

use crate::routes::pages::{asset, localized, Page, I18N_SCRIPT, STYLE};
use crate::state::AppState;
use actix_web::{get, web, HttpRequest, HttpResponse};

const PAGE: &str = include_str!("../../web/accept.html");
const SCRIPT: &str = include_str!("../../web/accept.js");

/// The accept page (HTML, public): reads the token from the link's fragment, shows what
/// `POST /v1/invitations/lookup` returns, and accepts (with a password and names) or declines.
#[utoipa::path(
    tag = "invitations",
    security(()),
    responses((status = 200, description = "The page", content_type = "text/html", body = String))
)]
#[get("/accept")]
pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    localized(PAGE, Page::Accept, &req, state.app_url.as_deref())
}

/// The pages' shared script (strings, language switcher).
#[get("/accept/i18n.js")]
pub async fn i18n() -> HttpResponse {
    asset("text/javascript; charset=utf-8", I18N_SCRIPT)
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
