//! The OpenAPI document, generated from the handlers; `extranet openapi` writes it and a test
//! checks that the committed `openapi.yaml` is the same.

pub mod limits;

use crate::problem::{Problem, ProblemField};
use crate::responses::*;
use crate::routes;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Extranet API",
        description = "Bring external users (clients, contractors, partners) into your workspace \
            with limited access: invite them by email or phone into extranet workgroups, within \
            your plan's user limit.\n\nErrors are RFC 9457 `application/problem+json` with a \
            stable `code`. Authenticate with `Authorization: Bearer <access token>` from \
            `POST /v1/accounts` or `POST /v1/auth/login`.",
        license(name = "MIT"),
    ),
    modifiers(&BearerAuth),
    components(
        schemas(Problem, ProblemField),
        responses(
            BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PayloadTooLarge,
            UnsupportedMediaType, Unprocessable, TooManyRequests, Gone, ServiceUnavailable
        )
    ),
    tags(
        (name = "accounts", description = "Sign-up, the account's settings, plan and seat usage"),
        (name = "auth", description = "Logging in"),
        (name = "users", description = "The caller and the account's users"),
        (name = "workgroups", description = "Workgroups and projects; with `allow_external` on, extranet workgroups"),
        (name = "invitations", description = "Inviting new people, the invitation lifecycle, and the accept page"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// Every operation needs a bearer token unless it says `security: [{}]`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        openapi.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

/// The whole document: the routes' operations merged into [`ApiDoc`], with the limits the
/// server enforces on requests.
pub fn document() -> utoipa::openapi::OpenApi {
    with_limits(operations())
}

/// The document as the handlers' attributes make it, before [`limits`] are written in.
fn operations() -> utoipa::openapi::OpenApi {
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    api
}

/// `api`, made from the routes' attributes, with the [`limits`] the attributes cannot say.
pub fn with_limits(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    limits::apply(&mut api);
    api
}

/// The document as YAML, as committed in `openapi.yaml`.
pub fn yaml() -> Result<String, String> {
    document().to_yaml().map_err(|e| e.to_string())
}
