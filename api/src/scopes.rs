//! What each endpoint needs of an API token: the one table both the `Caller` extractor
//! (which refuses a token outside its scopes with 403 `insufficient_scope`) and the OpenAPI
//! document (which lists the scope as the operation's `api_token` security requirement) read.
//! An endpoint missing from the table is closed to API tokens; a test requires every
//! authenticated operation of the document to be listed (`crate::openapi`'s tests), so a new endpoint cannot forget.
//!
//! A scope also grants a class of data wherever it appears (`domain::scope::Disclosure`):
//! [`WITHHELD`] names the response fields of each class, which the views leave out for a
//! token without the scope and the document marks (`x-extranet-scope`); each webhook event
//! names the scope a token needs to subscribe to it (`x-extranet-event-scopes`).

use domain::api_token::{Needs, Scope};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::OpenApi;

use Needs::{AnyScope, Person};
use Scope::*;

const fn scope(s: Scope) -> Needs {
    Needs::Scope(s)
}

const TOKENS: Needs = Person("managing API tokens");
const PROFILE: Needs = Person("the network profile");
const SESSIONS: Needs = Person("sessions (an API token has none)");

/// What a session that may only enroll a second factor may call (the account's
/// `require_two_factor` covers its user, who has none yet: rule 13): set one up, confirm it,
/// see where it stands, and log out. Every other operation answers 403
/// `two_factor_enrollment_required`.
pub const ENROLLMENT: &[(&str, &str)] = &[
    ("GET", "/v1/network/profile/two-factor"),
    ("POST", "/v1/network/profile/two-factor"),
    ("POST", "/v1/network/profile/two-factor/confirm"),
    ("POST", "/v1/auth/logout"),
];

/// Whether an enrollment-only session may make this request ([`ENROLLMENT`]).
pub fn allowed_enrolling(method: &str, pattern: Option<&str>) -> bool {
    pattern.is_some_and(|p| ENROLLMENT.iter().any(|(m, r)| *m == method && *r == p))
}

/// Method, route pattern (as actix matched it), and what a token needs for it.
pub const TABLE: &[(&str, &str, Needs)] = &[
    ("GET", "/v1/me", AnyScope),
    ("POST", "/v1/auth/logout", SESSIONS),
    ("GET", "/v1/me/sessions", SESSIONS),
    ("DELETE", "/v1/me/sessions", SESSIONS),
    ("DELETE", "/v1/me/sessions/{id}", SESSIONS),
    ("GET", "/v1/account", scope(AccountRead)),
    ("PATCH", "/v1/account", scope(AccountWrite)),
    ("PUT", "/v1/account/plan", scope(AccountWrite)),
    ("GET", "/v1/account/usage", scope(AccountRead)),
    ("GET", "/v1/users", scope(UsersRead)),
    ("GET", "/v1/users/{id}", scope(UsersRead)),
    ("PATCH", "/v1/users/{id}", scope(UsersWrite)),
    ("POST", "/v1/users/{id}/dismiss", scope(UsersWrite)),
    ("POST", "/v1/users/{id}/erase", scope(UsersWrite)),
    ("POST", "/v1/users/{id}/reinstate", scope(UsersWrite)),
    ("GET", "/v1/users/{id}/export", scope(UsersExport)),
    (
        "POST",
        "/v1/users/{id}/transfer-to-intranet",
        scope(UsersWrite),
    ),
    (
        "POST",
        "/v1/users/{id}/transfer-to-extranet",
        scope(UsersWrite),
    ),
    ("POST", "/v1/workgroups", scope(WorkgroupsWrite)),
    ("GET", "/v1/workgroups", scope(WorkgroupsRead)),
    ("GET", "/v1/workgroups/{id}", scope(WorkgroupsRead)),
    ("PATCH", "/v1/workgroups/{id}", scope(WorkgroupsWrite)),
    ("GET", "/v1/workgroups/{id}/members", scope(WorkgroupsRead)),
    (
        "POST",
        "/v1/workgroups/{id}/members",
        scope(WorkgroupsWrite),
    ),
    (
        "PATCH",
        "/v1/workgroups/{id}/members/{user_id}",
        scope(WorkgroupsWrite),
    ),
    (
        "DELETE",
        "/v1/workgroups/{id}/members/{user_id}",
        scope(WorkgroupsWrite),
    ),
    ("GET", "/v1/me/workgroup-invitations", scope(WorkgroupsRead)),
    (
        "POST",
        "/v1/me/workgroup-invitations/{workgroup_id}/accept",
        scope(WorkgroupsWrite),
    ),
    (
        "POST",
        "/v1/me/workgroup-invitations/{workgroup_id}/decline",
        scope(WorkgroupsWrite),
    ),
    ("POST", "/v1/invitations", scope(InvitationsWrite)),
    ("GET", "/v1/invitations", scope(InvitationsRead)),
    ("GET", "/v1/invitations/{id}", scope(InvitationsRead)),
    (
        "POST",
        "/v1/invitations/{id}/resend",
        scope(InvitationsWrite),
    ),
    (
        "POST",
        "/v1/invitations/{id}/revoke",
        scope(InvitationsWrite),
    ),
    (
        "POST",
        "/v1/invitations/{id}/approve",
        scope(InvitationsWrite),
    ),
    (
        "POST",
        "/v1/invitations/{id}/reject",
        scope(InvitationsWrite),
    ),
    (
        "POST",
        "/v1/workgroups/{id}/join-links",
        scope(InvitationsWrite),
    ),
    (
        "GET",
        "/v1/workgroups/{id}/join-links",
        scope(InvitationsRead),
    ),
    (
        "DELETE",
        "/v1/workgroups/{id}/join-links/{link_id}",
        scope(InvitationsWrite),
    ),
    (
        "GET",
        "/v1/workgroups/{id}/join-requests",
        scope(InvitationsRead),
    ),
    (
        "POST",
        "/v1/workgroups/{id}/join-requests/{request_id}/approve",
        scope(InvitationsWrite),
    ),
    (
        "POST",
        "/v1/workgroups/{id}/join-requests/{request_id}/reject",
        scope(InvitationsWrite),
    ),
    ("POST", "/v1/access-reviews", scope(UsersWrite)),
    ("GET", "/v1/access-reviews", scope(UsersRead)),
    ("GET", "/v1/access-reviews/{id}", scope(UsersRead)),
    ("DELETE", "/v1/access-reviews/{id}", scope(UsersWrite)),
    ("GET", "/v1/access-reviews/{id}/items", scope(UsersRead)),
    (
        "PUT",
        "/v1/access-reviews/{id}/items/{user_id}",
        scope(UsersWrite),
    ),
    ("GET", "/v1/audit-events", scope(AuditRead)),
    ("POST", "/v1/webhooks", scope(WebhooksWrite)),
    ("GET", "/v1/webhooks", scope(WebhooksWrite)),
    ("GET", "/v1/webhooks/{id}", scope(WebhooksWrite)),
    ("PATCH", "/v1/webhooks/{id}", scope(WebhooksWrite)),
    ("DELETE", "/v1/webhooks/{id}", scope(WebhooksWrite)),
    ("POST", "/v1/webhooks/{id}/ping", scope(WebhooksWrite)),
    ("GET", "/v1/webhooks/{id}/deliveries", scope(WebhooksWrite)),
    (
        "POST",
        "/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
        scope(WebhooksWrite),
    ),
    ("POST", "/v1/api-tokens", TOKENS),
    ("GET", "/v1/api-tokens", TOKENS),
    ("GET", "/v1/api-tokens/{id}", TOKENS),
    ("DELETE", "/v1/api-tokens/{id}", TOKENS),
    ("GET", "/v1/network/profile", PROFILE),
    ("PATCH", "/v1/network/profile", PROFILE),
    ("GET", "/v1/network/profile/export", PROFILE),
    ("POST", "/v1/network/profile/login-change", PROFILE),
    ("POST", "/v1/network/profile/login-change/confirm", PROFILE),
    ("POST", "/v1/network/profile/password", PROFILE),
    ("POST", "/v1/network/profile/erase/code", PROFILE),
    ("POST", "/v1/network/profile/erase", PROFILE),
    ("GET", "/v1/network/profile/two-factor", PROFILE),
    ("POST", "/v1/network/profile/two-factor", PROFILE),
    ("POST", "/v1/network/profile/two-factor/confirm", PROFILE),
    ("DELETE", "/v1/network/profile/two-factor", PROFILE),
    (
        "POST",
        "/v1/network/profile/two-factor/recovery-codes",
        PROFILE,
    ),
];

/// Response fields an API token reads only with a scope: schema, property, scope. The views
/// leave them out for a token without it (`views`); people read them by their rights.
pub const WITHHELD: &[(&str, &str, Scope)] = &[
    ("UserView", "email", UsersRead),
    ("UserView", "phone", UsersRead),
    ("InvitationView", "email", InvitationsRead),
    ("InvitationView", "phone", InvitationsRead),
    ("InvitationView", "first_name", InvitationsRead),
    ("InvitationView", "last_name", InvitationsRead),
    ("InvitationView", "message", InvitationsRead),
    ("InvitationDeliveryView", "last_error", InvitationsRead),
    ("ExportedJoinRequestView", "login", InvitationsRead),
    ("ExportedJoinRequestView", "first_name", InvitationsRead),
    ("ExportedJoinRequestView", "last_name", InvitationsRead),
    ("ExportedMessageView", "body", InvitationsRead),
];

/// Whether the response field `schema.property` is one some callers may not read.
pub fn is_withheld(schema: &str, property: &str) -> bool {
    WITHHELD
        .iter()
        .any(|(s, p, _)| *s == schema && *p == property)
}

/// The extension naming the scope a withheld field needs.
pub const FIELD_EXTENSION: &str = "x-extranet-scope";
/// The extension naming, per webhook event, the scope a token needs to subscribe to it.
pub const EVENT_EXTENSION: &str = "x-extranet-event-scopes";

/// What a token needs for `method` on the route `pattern`; closed when the table has no row.
pub fn needs(method: &str, pattern: Option<&str>) -> Needs {
    pattern
        .and_then(|p| {
            TABLE
                .iter()
                .find(|(m, path, _)| *m == method && *path == p)
                .map(|(_, _, needs)| *needs)
        })
        .unwrap_or(Person("this endpoint"))
}

/// The name of the API tokens' security scheme in the document.
pub const SCHEME: &str = "api_token";

/// Adds the API tokens' security scheme, and to each operation open to tokens the scope it
/// needs, beside the people's `bearer` scheme.
pub fn document(api: &mut OpenApi) {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        SCHEME,
        SecurityScheme::Http(
            Http::builder()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("ext_…")
                .description(Some(
                    "An integrator's API token (`ext_…`, from `POST /v1/api-tokens`): acts as \
                     the user who created it, within the scopes listed on each operation, \
                     never beyond that user's rights; 403 `insufficient_scope` outside them. \
                     A scope also grants a class of data wherever it appears: users' email \
                     and phone need `users:read`, an invitation's invitee (login, names, \
                     message) `invitations:read` — fields marked `x-extranet-scope` are left \
                     out otherwise, in lists, embedded views and the answers to writes alike; \
                     a webhook event is subscribed to only with the scope that reads it \
                     (`x-extranet-event-scopes`), and a webhook made through a token stops \
                     when the token dies. Dead at once when revoked, expired, or when its \
                     creator is dismissed.",
                ))
                .build(),
        ),
    );
    for (path, item) in api.paths.paths.iter_mut() {
        for (method, op) in [
            ("GET", &mut item.get),
            ("POST", &mut item.post),
            ("PUT", &mut item.put),
            ("PATCH", &mut item.patch),
            ("DELETE", &mut item.delete),
        ] {
            let Some(op) = op.as_mut() else { continue };
            if op.security.is_some() {
                continue; // public
            }
            let people = SecurityRequirement::new("bearer", Vec::<String>::new());
            let token = match needs(method, Some(path)) {
                AnyScope => Some(SecurityRequirement::new(SCHEME, Vec::<String>::new())),
                Needs::Scope(s) => Some(SecurityRequirement::new(SCHEME, [s.as_str()])),
                Person(_) => None,
            };
            op.security = Some(std::iter::once(people).chain(token).collect());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_routes_are_closed_to_tokens() {
        assert_eq!(needs("GET", None), Person("this endpoint"));
        assert_eq!(needs("DELETE", Some("/v1/me")), Person("this endpoint"));
        assert_eq!(
            needs("POST", Some("/v1/invitations")),
            Needs::Scope(InvitationsWrite)
        );
    }
}
