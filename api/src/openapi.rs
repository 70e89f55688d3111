//! The OpenAPI document, generated from the handlers; `extranet openapi` writes it and a test
//! checks that the committed `openapi.yaml` is the same.

pub mod data_scopes;
pub mod exact;
pub mod examples;
pub mod field;
pub mod ids;
pub mod in_place;
pub mod presented;
pub mod yaml11;

use crate::problem::{Problem, ProblemField};
use crate::responses::*;
use crate::routes;
use serde_json::Value;
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
            `POST /v1/accounts` or `POST /v1/auth/login`, or, for scripts, with an API token \
            (`Bearer ext_…`, from `POST /v1/api-tokens`) within the scopes each operation \
            lists. Every response names its request in `X-Request-Id` (the client's own, when \
            it sends 1–128 characters of `A-Za-z0-9._:@/+=-`, otherwise one of the server's); \
            the log line and the audit log record it.",
        license(name = "MIT", identifier = "MIT"),
    ),
    modifiers(&BearerAuth),
    components(
        // A list field declared with `schema_with` (`field::Field::list_of`) refers to its
        // entries' component without registering it: these are.
        schemas(
            Problem,
            ProblemField,
            routes::invitations::InviteeBody,
            domain::webhook::event::SubscribableEvent
        ),
        responses(
            BadRequest, Unauthorized, Forbidden, NotFound, RequestTimeout, Conflict, PayloadTooLarge,
            UnsupportedMediaType, Unprocessable, TooManyRequests, Gone, ServiceUnavailable
        )
    ),
    tags(
        (name = "accounts", description = "Sign-up, the account's settings, plan and seat usage"),
        (name = "auth", description = "Logging in, refreshing a session (rotation with reuse detection), logging out, resetting a forgotten password (and its page)"),
        (name = "sessions", description = "The caller's live sessions, and ending them: one, or every one but the current"),
        (name = "users", description = "The caller and the account's users"),
        (name = "workgroups", description = "Workgroups and projects; with `allow_external` on, extranet workgroups"),
        (name = "invitations", description = "Inviting new people, the invitation lifecycle, and the accept page"),
        (name = "join links", description = "A workgroup's join links, the requests made through them, and the join page"),
        (name = "access reviews", description = "Whether each external user of a workgroup, or of the account, keeps their access: reviewers answer by a due instant, then the answers apply"),
        (name = "network", description = "The network profile: a person's logins across accounts, and changing them or the password"),
        (name = "api-tokens", description = "Integrators' long-lived tokens, acting as their creator within scopes"),
        (name = "audit", description = "Who did what to whom, and when"),
        (name = "webhooks", description = "Events posted to integrators' URLs as they happen: signed (`X-Extranet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">`), named (`X-Extranet-Event-Id`, the same on every retry), retried with backoff, logged and redeliverable"),
        (name = "health", description = "Liveness, readiness and metrics"),
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

/// The whole document as committed in `openapi.yaml`: the routes' operations merged into
/// [`ApiDoc`], with the scopes API tokens need, for `make run`'s server and the default plans.
pub fn document() -> Value {
    complete(operations(), &default_publication())
}

/// `make run`'s address and the default plans.
pub fn default_publication() -> exact::Published {
    exact::Published {
        server_url: "http://127.0.0.1:8080".into(),
        plans: domain::plan::Plans::default()
            .names()
            .map(str::to_owned)
            .collect(),
    }
}

/// The document as the handlers' attributes make it, before [`complete`].
pub fn operations() -> utoipa::openapi::OpenApi {
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    api
}

/// `api` as utoipa's model can hold it: with value types in place ([`in_place`]), what every
/// operation answers ([`exact::every_operation`]), and the scope each operation needs of an
/// API token (`crate::scopes`).
fn typed(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    in_place::apply(&mut api);
    exact::every_operation(&mut api);
    crate::scopes::document(&mut api);
    api
}

/// `api`, made from the routes' attributes, with what the attributes cannot say: the
/// scopes, the [`exact`] shapes, the [`ids`]' links, and [`examples`]. Past the scopes, the
/// document is JSON: utoipa's model has no room for some of it (an object schema with a
/// `oneOf`).
pub fn complete(api: utoipa::openapi::OpenApi, published: &exact::Published) -> Value {
    let mut doc = serde_json::to_value(typed(api)).unwrap_or(Value::Null);
    exact::apply(&mut doc, published);
    data_scopes::apply(&mut doc);
    ids::apply(&mut doc);
    examples::apply(&mut doc);
    presented::apply(&mut doc);
    doc
}

/// The document as YAML, as committed in `openapi.yaml`, in the order utoipa writes it
/// (what the edits add comes after what was there), read alike by YAML 1.1 and 1.2 readers
/// ([`yaml11`]).
pub fn yaml() -> Result<String, String> {
    let mut skeleton = serde_norway::to_value(typed(operations())).map_err(|e| e.to_string())?;
    // The person's token first, as the served document has it (`presented`).
    if let Some(schemes) = skeleton
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
        .and_then(serde_norway::Value::as_mapping_mut)
    {
        if let Some(bearer) = schemes.remove("bearer") {
            let mut ordered = serde_norway::Mapping::new();
            ordered.insert("bearer".into(), bearer);
            ordered.extend(std::mem::take(schemes));
            *schemes = ordered;
        }
    }
    let text =
        serde_norway::to_string(&ordered(&document(), &skeleton)).map_err(|e| e.to_string())?;
    yaml11::quote(&text)
}

/// `value` as YAML, its maps' keys in `skeleton`'s order first, then the others (sorted).
fn ordered(value: &Value, skeleton: &serde_norway::Value) -> serde_norway::Value {
    use serde_norway::Value as Yaml;
    match value {
        Value::Object(map) => {
            let mut out = serde_norway::Mapping::new();
            let known: Vec<&str> = match skeleton {
                Yaml::Mapping(m) => m.keys().filter_map(Yaml::as_str).collect(),
                _ => Vec::new(),
            };
            let mut others: Vec<&str> = map
                .keys()
                .map(String::as_str)
                .filter(|k| !known.contains(k))
                .collect();
            others.sort_unstable();
            let keys = known
                .iter()
                .copied()
                .filter(|k| map.contains_key(*k))
                .chain(others);
            for key in keys {
                let inner = skeleton.get(key).unwrap_or(&Yaml::Null);
                out.insert(Yaml::String(key.to_owned()), ordered(&map[key], inner));
            }
            Yaml::Mapping(out)
        }
        Value::Array(items) => Yaml::Sequence(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| ordered(v, skeleton.get(i).unwrap_or(&Yaml::Null)))
                .collect(),
        ),
        other => serde_norway::to_value(other).unwrap_or(Yaml::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_edit_finds_what_it_edits() {
        let mut doc = serde_json::to_value(typed(operations())).unwrap();
        let mut missed = exact::apply(&mut doc, &default_publication());
        missed.extend(data_scopes::apply(&mut doc));
        assert_eq!(missed, Vec::<String>::new());
    }

    /// Every request body takes no other fields: each body type is
    /// `#[serde(deny_unknown_fields)]`, which utoipa writes as `additionalProperties: false`.
    #[test]
    fn every_request_body_is_closed() {
        let doc = document();
        let (requests, _) = exact::reach(&doc);
        for name in requests {
            let s = &doc["components"]["schemas"][&name];
            let object = if s["allOf"].is_array() {
                &s["allOf"][0]
            } else {
                s
            };
            if object.get("properties").is_some() {
                assert_eq!(object["additionalProperties"], false, "{name}");
            }
        }
    }

    /// Every uuid says what it names, from its type: but the audit log's `target_id`, which
    /// may name anything.
    #[test]
    fn every_id_says_what_it_names() {
        fn untagged(v: &Value, at: String, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    if m.get("format").is_some_and(|f| f == "uuid")
                        && !m.contains_key(domain::ids::ID_EXTENSION)
                    {
                        out.push(at.clone());
                    }
                    m.iter()
                        .for_each(|(k, v)| untagged(v, format!("{at}/{k}"), out));
                }
                Value::Array(a) => a.iter().for_each(|v| untagged(v, at.clone(), out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        untagged(&document(), String::new(), &mut out);
        assert_eq!(out, ["/paths//v1/audit-events/get/parameters/schema"]);
    }

    #[test]
    fn the_yaml_says_what_the_document_says() {
        let yaml: Value = serde_norway::from_str(&yaml().unwrap()).unwrap();
        assert_eq!(yaml, document());
    }

    #[test]
    fn every_authenticated_operation_says_what_a_token_needs() {
        let api = operations();
        let mut documented = Vec::new();
        for (path, item) in &api.paths.paths {
            for (method, op) in [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
            ] {
                if let Some(op) = op {
                    if op.security.is_none() {
                        documented.push((method, path.as_str()));
                    }
                }
            }
        }
        for (method, path) in &documented {
            assert!(
                crate::scopes::TABLE
                    .iter()
                    .any(|(m, p, _)| m == method && p == path),
                "{method} {path} is not in scopes::crate::scopes::TABLE"
            );
        }
        for (method, path, _) in crate::scopes::TABLE {
            assert!(
                documented.contains(&(*method, *path)),
                "{method} {path} is in scopes::crate::scopes::TABLE but not an authenticated operation"
            );
        }
    }
}
