//! The join page: where a join link (`{EXTRANET_PUBLIC_URL}/join#code=…`) leads. One of the
//! server's pages (`routes::pages`: compiled in, a strict Content-Security-Policy). The script
//! reads the code from the fragment (which never reaches a server), shows what `lookup` says,
//! asks for the code that proves a login (`request`), and confirms it with a password
//! (`confirm`): the person is then signed in, or told their request waits for approval.

use crate::routes::pages::{asset, localized, Page, I18N_SCRIPT, STYLE};
use crate::state::AppState;
use actix_web::{get, web, HttpRequest, HttpResponse};

const PAGE: &str = include_str!("../../web/join.html");
const SCRIPT: &str = include_str!("../../web/join.js");

/// The join page (HTML, public): reads the link's code from the fragment, shows the workgroup
/// it leads to, and joins with a code sent to the person's login and a password.
#[utoipa::path(
    tag = "join links",
    operation_id = "join_page",
    security(()),
    responses((status = 200, description = "The page", content_type = "text/html", body = String))
)]
#[get("/join")]
pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    localized(PAGE, Page::Join, &req, state.app_url.as_deref())
}

/// The pages' shared script (strings, language switcher).
#[get("/join/i18n.js")]
pub async fn i18n() -> HttpResponse {
    asset("text/javascript; charset=utf-8", I18N_SCRIPT)
}

/// The page's script.
#[get("/join/join.js")]
pub async fn script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// The page's stylesheet (the server's pages share one).
#[get("/join/join.css")]
pub async fn style() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLE)
}
