//! API5, broken function level authorization: every authenticated operation of the document
//! as a non-admin employee, an external user, a network-profile token (no account), an API
//! token without the scope the operation needs, and an employee's API token with every scope
//! (a token never reaches beyond its creator): each refusal is 403 with the documented code,
//! and the account is unchanged afterwards. (Single cases elsewhere: `roles.rs`,
//! `api_tokens.rs::no_token_reaches_beyond_its_creators_rights`, `workgroup_permissions.rs`.)

use super::*;

/// What a caller gets from an operation.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// It may: not sent here (the feature's own tests do it).
    Allowed,
    /// 403 with this code.
    Forbidden(&'static str),
    /// Refused otherwise, for a reason that is not its rights (the row says which).
    Other(u16, &'static str),
}
use Expect::*;

const ADMIN: Expect = Forbidden("admin_required");
const INTRANET: Expect = Forbidden("intranet_user_required");
const MODERATOR: Expect = Forbidden("workgroup_moderator_required");

/// `(operation, as the employee, as the external user)`: every authenticated operation of the
/// document has a row, or the sweep fails.
const ROWS: &[(&str, Expect, Expect)] = &[
    ("GET /v1/me", Allowed, Allowed),
    ("POST /v1/auth/logout", Allowed, Allowed),
    ("GET /v1/me/sessions", Allowed, Allowed),
    ("DELETE /v1/me/sessions", Allowed, Allowed),
    // One's own sessions only: the admin's is 404 (`bola.rs`).
    (
        "DELETE /v1/me/sessions/{id}",
        Other(404, "not_found"),
        Other(404, "not_found"),
    ),
    ("GET /v1/account", Allowed, Allowed),
    ("PATCH /v1/account", ADMIN, ADMIN),
    ("PUT /v1/account/plan", ADMIN, ADMIN),
    ("GET /v1/account/usage", Allowed, INTRANET),
    ("GET /v1/users", Allowed, Allowed),
    ("GET /v1/users/{id}", Allowed, Allowed),
    ("PATCH /v1/users/{id}", ADMIN, ADMIN),
    ("POST /v1/users/{id}/dismiss", ADMIN, ADMIN),
    ("POST /v1/users/{id}/erase", ADMIN, ADMIN),
    ("POST /v1/users/{id}/reinstate", ADMIN, ADMIN),
    ("POST /v1/users/{id}/transfer-to-intranet", ADMIN, ADMIN),
    // What the account holds about a user: its administrators (`personal_data/`).
    ("GET /v1/users/{id}/export", ADMIN, ADMIN),
    // Exists to say there is no such transfer, to everyone.
    (
        "POST /v1/users/{id}/transfer-to-extranet",
        Other(409, "transfer_to_extranet_impossible"),
        Other(409, "transfer_to_extranet_impossible"),
    ),
    ("GET /v1/workgroups", Allowed, Allowed),
    ("POST /v1/workgroups", Allowed, INTRANET),
    ("GET /v1/workgroups/{id}", Allowed, Allowed),
    ("PATCH /v1/workgroups/{id}", MODERATOR, MODERATOR),
    ("GET /v1/workgroups/{id}/members", Allowed, Allowed),
    // The group's invite policy (`members`) and the employee is no member; the external user
    // may not see the employee it names (404, `bola.rs`).
    (
        "POST /v1/workgroups/{id}/members",
        Forbidden("workgroup_policy_forbids"),
        Other(404, "not_found"),
    ),
    (
        "PATCH /v1/workgroups/{id}/members/{user_id}",
        MODERATOR,
        MODERATOR,
    ),
    (
        "DELETE /v1/workgroups/{id}/members/{user_id}",
        MODERATOR,
        MODERATOR,
    ),
    ("GET /v1/me/workgroup-invitations", Allowed, Allowed),
    // One's own invitations only: another's is 404 (`bola.rs`).
    (
        "POST /v1/me/workgroup-invitations/{workgroup_id}/accept",
        Other(404, "not_found"),
        Other(404, "not_found"),
    ),
    (
        "POST /v1/me/workgroup-invitations/{workgroup_id}/decline",
        Other(404, "not_found"),
        Other(404, "not_found"),
    ),
    ("GET /v1/invitations", Allowed, INTRANET),
    (
        "POST /v1/invitations",
        ADMIN, // the account's `who_can_invite` is `admins`
        Forbidden("extranet_user_cannot_invite"),
    ),
    ("GET /v1/invitations/{id}", Allowed, INTRANET),
    (
        "POST /v1/invitations/{id}/resend",
        Forbidden("inviter_or_admin_required"),
        INTRANET,
    ),
    (
        "POST /v1/invitations/{id}/revoke",
        Forbidden("inviter_or_admin_required"),
        INTRANET,
    ),
    ("POST /v1/invitations/{id}/approve", ADMIN, INTRANET),
    ("POST /v1/invitations/{id}/reject", ADMIN, INTRANET),
    ("GET /v1/api-tokens", Allowed, Allowed),
    ("POST /v1/api-tokens", Allowed, Allowed),
    // One's own tokens only: the admin's is 404 (`bola.rs`).
    (
        "GET /v1/api-tokens/{id}",
        Other(404, "not_found"),
        Other(404, "not_found"),
    ),
    (
        "DELETE /v1/api-tokens/{id}",
        Other(404, "not_found"),
        Other(404, "not_found"),
    ),
    ("GET /v1/audit-events", ADMIN, ADMIN),
    ("GET /v1/network/profile", Allowed, Allowed),
    ("PATCH /v1/network/profile", Allowed, Allowed),
    // One's own data (`personal_data/`).
    ("GET /v1/network/profile/export", Allowed, Allowed),
    ("POST /v1/network/profile/login-change", Allowed, Allowed),
    (
        "POST /v1/network/profile/login-change/confirm",
        Allowed,
        Allowed,
    ),
    // One's own password, with the current one (`auth/password_change.rs`).
    ("POST /v1/network/profile/password", Allowed, Allowed),
    ("POST /v1/network/profile/erase/code", Allowed, Allowed),
    ("POST /v1/network/profile/erase", Allowed, Allowed),
    // One's own second factor (`auth/two_factor/`).
    ("GET /v1/network/profile/two-factor", Allowed, Allowed),
    ("POST /v1/network/profile/two-factor", Allowed, Allowed),
    (
        "POST /v1/network/profile/two-factor/confirm",
        Allowed,
        Allowed,
    ),
    ("DELETE /v1/network/profile/two-factor", Allowed, Allowed),
    (
        "POST /v1/network/profile/two-factor/recovery-codes",
        Allowed,
        Allowed,
    ),
    ("GET /v1/webhooks", ADMIN, ADMIN),
    ("POST /v1/webhooks", ADMIN, ADMIN),
    ("GET /v1/webhooks/{id}", ADMIN, ADMIN),
    ("PATCH /v1/webhooks/{id}", ADMIN, ADMIN),
    ("DELETE /v1/webhooks/{id}", ADMIN, ADMIN),
    ("POST /v1/webhooks/{id}/ping", ADMIN, ADMIN),
    ("GET /v1/webhooks/{id}/deliveries", ADMIN, ADMIN),
    (
        "POST /v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
        ADMIN,
        ADMIN,
    ),
    // Join links: who may bring new people into the workgroup (`who_can_invite` is `admins`);
    // their requests: its owner, moderators and administrators.
    (
        "POST /v1/workgroups/{id}/join-links",
        ADMIN,
        Forbidden("extranet_user_cannot_invite"),
    ),
    (
        "GET /v1/workgroups/{id}/join-links",
        ADMIN,
        Forbidden("extranet_user_cannot_invite"),
    ),
    (
        "DELETE /v1/workgroups/{id}/join-links/{link_id}",
        ADMIN,
        Forbidden("extranet_user_cannot_invite"),
    ),
    (
        "GET /v1/workgroups/{id}/join-requests",
        MODERATOR,
        MODERATOR,
    ),
    (
        "POST /v1/workgroups/{id}/join-requests/{request_id}/approve",
        MODERATOR,
        MODERATOR,
    ),
    (
        "POST /v1/workgroups/{id}/join-requests/{request_id}/reject",
        MODERATOR,
        MODERATOR,
    ),
    // Access reviews: administrators start and cancel them; a workgroup's owner and
    // moderators review it. The employee reviews nothing (a review it does not review is not
    // visible: 404); external users are the reviewed, never reviewers.
    ("POST /v1/access-reviews", ADMIN, ADMIN),
    ("GET /v1/access-reviews", Allowed, INTRANET),
    (
        "GET /v1/access-reviews/{id}",
        Other(404, "not_found"),
        INTRANET,
    ),
    (
        "DELETE /v1/access-reviews/{id}",
        Other(404, "not_found"),
        INTRANET,
    ),
    (
        "GET /v1/access-reviews/{id}/items",
        Other(404, "not_found"),
        INTRANET,
    ),
    (
        "PUT /v1/access-reviews/{id}/items/{user_id}",
        Other(404, "not_found"),
        INTRANET,
    ),
];

/// The operations a network-profile token (a login without an account) may call.
const PROFILE_OPERATIONS: &[&str] = &[
    "GET /v1/me",
    "POST /v1/auth/logout",
    "GET /v1/me/sessions",
    "DELETE /v1/me/sessions",
    "DELETE /v1/me/sessions/{id}",
    "GET /v1/network/profile",
    "PATCH /v1/network/profile",
    "GET /v1/network/profile/export",
    "POST /v1/network/profile/login-change",
    "POST /v1/network/profile/login-change/confirm",
    "POST /v1/network/profile/password",
    "POST /v1/network/profile/erase/code",
    "POST /v1/network/profile/erase",
    "GET /v1/network/profile/two-factor",
    "POST /v1/network/profile/two-factor",
    "POST /v1/network/profile/two-factor/confirm",
    "DELETE /v1/network/profile/two-factor",
    "POST /v1/network/profile/two-factor/recovery-codes",
];

async fn assert_answer(
    w: &World,
    op: &Operation,
    path: &str,
    who: &str,
    token: &str,
    expect: Expect,
) {
    let (status, problem) = send(
        &w.app,
        op.method.clone(),
        path,
        Some(token),
        valid_body(op, &w.a),
    )
    .await;
    let (want, code) = match expect {
        Allowed => unreachable!("allowed cells are not sent"),
        Forbidden(code) => (StatusCode::FORBIDDEN, code),
        Other(status, code) => (StatusCode::from_u16(status).unwrap(), code),
    };
    assert_eq!(
        (status, problem["code"].as_str()),
        (want, Some(code)),
        "{} as {who}: {problem}",
        op.label()
    );
    assert!(
        op.documents(want),
        "{} does not document {want}",
        op.label()
    );
    assert_documented(want, code);
}

async fn api_token(w: &World, owner: &str, scopes: &[&str]) -> String {
    let (status, body) = w
        .app
        .json(
            Method::POST,
            "/v1/api-tokens",
            owner,
            Some(json!({"name": "matrix", "scopes": scopes})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_operation_refuses_callers_without_the_right_with_403_and_its_code() {
    let w = World::build().await;
    let a = &w.a;
    let mut tally = Tally::new("API5 function level");
    let profile = profile_token(&w.app, &a.admin_email).await;
    let employee_token = api_token(&w, &a.employee.token, &all_scopes()).await;
    let external_token = api_token(&w, &a.external.token, &all_scopes()).await;
    // For each scope, a token of the admin's with every other one.
    let mut without = BTreeMap::new();
    let every = all_scopes();
    for &scope in &every {
        let others: Vec<&str> = every.iter().copied().filter(|s| *s != scope).collect();
        without.insert(scope, api_token(&w, &a.admin.token, &others).await);
    }
    let before = w.snapshot(a).await;

    let ops = authenticated();
    for row in ROWS {
        assert!(
            ops.iter().any(|o| o.label() == row.0),
            "{}: no such operation in the document",
            row.0
        );
    }
    for op in &ops {
        let Some(&(_, as_employee, as_external)) = ROWS.iter().find(|r| r.0 == op.label()) else {
            panic!(
                "{}: no row in owasp::function::ROWS; say who may call it",
                op.label()
            );
        };
        tally.rows += 1;
        let path = op.path_in(a);
        for (who, token, expect) in [
            ("the employee", &a.employee.token, as_employee),
            (
                "the employee's API token with every scope",
                &employee_token,
                as_employee,
            ),
            ("the external user", &a.external.token, as_external),
            (
                "the external user's API token with every scope",
                &external_token,
                as_external,
            ),
        ] {
            // A token never does what its creator may not; where the person's refusal is
            // not about rights, the token's scope table may refuse it first.
            let person_only = op.token_scope().is_none();
            if who.contains("API token") && person_only {
                continue;
            }
            if !matches!(expect, Allowed) {
                assert_answer(&w, op, &path, who, token, expect).await;
                tally.requests += 1;
            }
        }
        if !PROFILE_OPERATIONS.contains(&op.label().as_str()) {
            assert_answer(
                &w,
                op,
                &path,
                "a network-profile token",
                &profile,
                Forbidden("account_token_required"),
            )
            .await;
            tally.requests += 1;
            // Refused before its body is judged: a body the operation would refuse changes
            // nothing.
            if valid_body(op, &w.a).is_some() {
                let bad = Some(serde_json::json!({"not_a_field": true}));
                let (status, problem) =
                    send(&w.app, op.method.clone(), &path, Some(&profile), bad).await;
                assert_eq!(
                    (status, problem["code"].as_str()),
                    (StatusCode::FORBIDDEN, Some("account_token_required")),
                    "{} as a network-profile token, with a body it refuses: {problem}",
                    op.label()
                );
                tally.requests += 1;
            }
        }
        // API tokens: without the operation's scope, or at all for what only people do.
        match op.token_scope() {
            Some(Some(scope)) => {
                let token = &without[scope.as_str()];
                assert_answer(
                    &w,
                    op,
                    &path,
                    &format!("an admin's API token without {scope}"),
                    token,
                    Forbidden("insufficient_scope"),
                )
                .await;
                tally.requests += 1;
            }
            Some(None) => {} // any token may (`GET /v1/me`)
            None => {
                assert_answer(
                    &w,
                    op,
                    &path,
                    "an admin's API token with every scope",
                    &a.token_secret,
                    Forbidden("insufficient_scope"),
                )
                .await;
                tally.requests += 1;
            }
        }
    }
    assert_eq!(w.snapshot(a).await, before, "account A changed");
}
