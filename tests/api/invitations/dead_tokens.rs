//! Invitation tokens that outlived their invitation (issue #8): a used, declined or revoked
//! token is unknown, an expired one is gone, and neither answer shows personal data.

use crate::support::helpers::{assert_problem, json_of, TestApp, PASSWORD};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_used_declined_or_revoked_token_is_unknown_and_an_expired_one_is_gone_without_personal_data(
) {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    for phone in [
        "+14155550101",
        "+14155550102",
        "+14155550103",
        "+14155550104",
    ] {
        app.invite_phone(&admin.token, &group, phone).await;
    }
    let accepted = app.sms.token("+14155550101", 0).await;
    let declined = app.sms.token("+14155550102", 0).await;
    let revoked = app.sms.token("+14155550103", 0).await;
    let expired = app.sms.token("+14155550104", 0).await;
    let lookup = |token: &str| {
        let token = token.to_owned();
        let app = &app;
        async move {
            json_of(
                app.post("/v1/invitations/lookup", None, json!({"token": token}))
                    .await,
            )
            .await
        }
    };
    // A live token shows the invitation.
    let (status, shown) = lookup(&accepted).await;
    assert_eq!(status, StatusCode::OK, "{shown}");

    assert_eq!(app.accept(&accepted).await.0, StatusCode::CREATED);
    let (status, _) = json_of(
        app.post("/v1/invitations/decline", None, json!({"token": declined}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, listed) = json_of(
        app.get("/v1/invitations?status=pending", &admin.token)
            .await,
    )
    .await;
    let to_revoke = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["phone"] == "+14155550103")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = json_of(
        app.post(
            &format!("/v1/invitations/{to_revoke}/revoke"),
            Some(&admin.token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Used, declined and revoked tokens answer exactly like a token that never existed.
    let (_, unknown) = lookup("never-issued-token").await;
    for token in [&accepted, &declined, &revoked] {
        let res = app
            .post("/v1/invitations/lookup", None, json!({"token": token}))
            .await;
        let problem = assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
        assert_eq!(problem, unknown);
        let res = app
            .post(
                "/v1/invitations/accept",
                None,
                json!({"token": token, "password": PASSWORD}),
            )
            .await;
        assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    }

    // An expired token says so — and nothing about whom it was for.
    app.clock.advance(Duration::days(8));
    let res = app
        .post("/v1/invitations/lookup", None, json!({"token": expired}))
        .await;
    let problem = assert_problem(res, StatusCode::GONE, "invitation_expired").await;
    let text = problem.to_string();
    for private in ["+14155550104", "Pat", "Doe", "Ada", "Lovelace", "agency"] {
        assert!(!text.contains(private), "{private} in {problem}");
    }
    let res = app
        .post(
            "/v1/invitations/accept",
            None,
            json!({"token": expired, "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::GONE, "invitation_expired").await;
}
