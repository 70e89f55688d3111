//! API5 for two-step authentication (issue #31, rule 13): when the account requires a second
//! factor, a session of a covered user who has none may only enroll. Every authenticated
//! operation of the document, called with such a session's token and a body it would accept,
//! answers 403 `two_factor_enrollment_required` — but the enrollment ones (see where two-step
//! stands, start it, confirm it) and logging out — and the account is unchanged afterwards.

use super::*;
use crate::auth::two_factor::enroll;

/// What an enrollment-only session may call.
const ENROLLMENT: &[&str] = &[
    "GET /v1/network/profile/two-factor",
    "POST /v1/network/profile/two-factor",
    "POST /v1/network/profile/two-factor/confirm",
    "POST /v1/auth/logout",
];

#[tokio::test]
async fn an_enrollment_only_session_is_refused_every_operation_but_enrolling() {
    let w = World::build().await;
    let a = &w.a;
    let mut tally = Tally::new("API5 enrollment-only sessions");
    enroll(&w.app, &a.admin.token).await;
    let (status, body) = patch(
        &w.app,
        "/v1/account",
        &a.admin.token,
        json!({"require_two_factor": "everyone"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = w.snapshot(a).await;

    let ops = authenticated();
    for listed in ENROLLMENT {
        assert!(ops.iter().any(|o| o.label() == *listed), "{listed}");
    }
    for op in &ops {
        tally.rows += 1;
        let path = op.path_in(a);
        for (who, token) in [
            ("the employee", &a.employee.token),
            ("the external user", &a.external.token),
        ] {
            if ENROLLMENT.contains(&op.label().as_str()) {
                continue;
            }
            let (status, problem) = send(
                &w.app,
                op.method.clone(),
                &path,
                Some(token),
                valid_body(op, a),
            )
            .await;
            assert_eq!(
                (status, problem["code"].as_str()),
                (
                    StatusCode::FORBIDDEN,
                    Some("two_factor_enrollment_required")
                ),
                "{} as {who}, enrollment only: {problem}",
                op.label()
            );
            assert!(
                op.documents(StatusCode::FORBIDDEN),
                "{} does not document 403",
                op.label()
            );
            tally.requests += 1;
        }
    }
    // The enrollment ones are not refused for it (each answers on its own terms).
    for op in ops
        .iter()
        .filter(|o| ENROLLMENT.contains(&o.label().as_str()))
    {
        if op.label() == "POST /v1/auth/logout" {
            continue; // below, last: it ends the session
        }
        let (status, problem) = send(
            &w.app,
            op.method.clone(),
            &op.path_in(a),
            Some(&a.employee.token),
            valid_body(op, a),
        )
        .await;
        assert_ne!(
            problem["code"].as_str(),
            Some("two_factor_enrollment_required"),
            "{}: {status} {problem}",
            op.label()
        );
        tally.requests += 1;
    }
    let res = w
        .app
        .post("/v1/auth/logout", Some(&a.external.token), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    tally.requests += 1;
    // An API token is the integrator's credential: the policy does not restrict it.
    let res = w.app.get("/v1/users", &a.token_secret).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(w.snapshot(a).await, before, "account A changed");
}
