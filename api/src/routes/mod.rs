//! The HTTP routes, registered once for the server and for the OpenAPI document.

pub mod accounts;
pub mod auth;
pub mod health;
pub mod users;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(accounts::sign_up)
        .service(auth::login)
        .service(users::me)
        .service(accounts::get_account)
        .service(accounts::patch_account)
        .service(accounts::put_plan)
        .service(accounts::usage)
        .service(users::list_users)
        .service(users::get_user);
}
