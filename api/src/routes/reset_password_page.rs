//! The reset-password page: where a person who forgot their password asks for a code, then
//! types it with a new password (`POST /v1/auth/password-reset`, `…/confirm`). One of the
//! server's pages (`routes::pages`: compiled in, a strict Content-Security-Policy). The link in
//! a reset code's message (`{EXTRANET_PUBLIC_URL}/reset-password#login=…`) opens it at the
//! code; once done it says where to sign in (`EXTRANET_APP_URL`, as a link, when set).

use crate::routes::pages::{asset, localized, Page, I18N_SCRIPT, STYLE};
use crate::state::AppState;
use actix_web::{get, web, HttpRequest, HttpResponse};

const PAGE: &str = include_str!("../../web/reset-password.html");
const SCRIPT: &str = include_str!("../../web/reset-password.js");

/// The reset-password page (HTML, public): asks for a code for a login, then takes the code
/// and a new password, and says plainly what became of each try.
#[utoipa::path(
    tag = "auth",
    operation_id = "reset_password_page",
    security(()),
    responses((status = 200, description = "The page", content_type = "text/html", body = String))
)]
#[get("/reset-password")]
pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    localized(PAGE, Page::ResetPassword, &req, state.app_url.as_deref())
}

/// The pages' shared script (strings, language switcher).
#[get("/reset-password/i18n.js")]
pub async fn i18n() -> HttpResponse {
    asset("text/javascript; charset=utf-8", I18N_SCRIPT)
}

/// The page's script.
#[get("/reset-password/reset-password.js")]
pub async fn script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// The page's stylesheet (the server's pages share one).
#[get("/reset-password/reset-password.css")]
pub async fn style() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLE)
}
