//! Every other way a password lets a profile in asks its second factor too: accepting an
//! invitation, joining through a link, signing up another account with the profile. Without
//! it the right password is 401 `second_factor_required` and nothing is done.

use super::*;
use crate::join_links::{link, request};

#[tokio::test]
async fn accepting_an_invitation_asks_the_second_factor_and_does_nothing_without_it() {
    let app = TestApp::spawn_with_mail().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (secret, recovery) = enroll(&app, &ada.token).await;
    let ben = app.sign_up("ben@partner.example", "basic").await;
    let group = app.workgroup(&ben.token, "Joint project", true).await;
    let res = app
        .post(
            "/v1/invitations",
            Some(&ben.token),
            invite_body(&group, "ada@acme.example"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let token = app.email_token("ada@acme.example", 0).await;
    let accept = |extra: Value| {
        let mut body = json!({"token": token, "password": PASSWORD});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let app = &app;
        async move { json_of(app.post("/v1/invitations/accept", None, body).await).await }
    };
    let (status, body) = accept(json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("second_factor_required")),
        "{body}"
    );
    let (status, body) = accept(json!({"second_factor_code": code(&app, &secret, 5)})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_code")),
        "{body}"
    );
    // Nothing happened: the invitation waits, and Ben's account has one user.
    let (_, listed) = app
        .json(Method::GET, "/v1/invitations", &ben.token, None)
        .await;
    assert_eq!(listed["items"][0]["status"], "pending", "{listed}");
    assert_eq!(app.usage(&ben.token).await["active_extranet"], 0);

    let (status, body) = accept(json!({"second_factor_code": recovery[0]})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["user"]["type"], "extranet", "{body}");
}

#[tokio::test]
async fn signing_up_another_account_with_the_profile_asks_its_second_factor() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (secret, _) = enroll(&app, &ada.token).await;
    let mut body = sign_up_body("ada@acme.example", PASSWORD);
    let start = |body: Value| {
        let app = &app;
        async move { json_of(app.post("/v1/accounts", None, body).await).await }
    };
    let (status, answer) = start(body.clone()).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("second_factor_required")),
        "{answer}"
    );
    // A wrong password is answered as before: as if nothing were known.
    let (status, _) = start(sign_up_body("ada@acme.example", "not her password")).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // (Its code arrives, the first sign-up's being the first.)
    app.code_sent("ada@acme.example", 1).await;
    body["admin"]["second_factor_code"] = json!(fresh_code(&app, &secret));
    let (status, answer) = app.sign_up_with(body).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["user"]["is_admin"], true);
}

#[tokio::test]
async fn joining_through_a_link_with_the_profile_asks_its_second_factor() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (secret, _) = enroll(&app, &ada.token).await;
    let ben = app.sign_up("ben@partner.example", "basic").await;
    let group = app.workgroup(&ben.token, "Joint project", true).await;
    let (_, code_of_link) = link(&app, &ben.token, &group, json!({"approval": "none"})).await;
    let before = app.codes_sent("ada@acme.example").len();
    let (status, body) = request(&app, &code_of_link, "ada@acme.example").await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let sent = app.code_sent("ada@acme.example", before).await;
    let confirm = |extra: Option<String>| {
        let mut body = json!({"code": code_of_link, "login": "ada@acme.example",
                              "confirmation_code": sent, "password": PASSWORD});
        if let Some(c) = extra {
            body["second_factor_code"] = json!(c);
        }
        let app = &app;
        async move { json_of(app.post("/v1/join-links/confirm", None, body).await).await }
    };
    let (status, body) = confirm(None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("second_factor_required")),
        "{body}"
    );
    assert_eq!(app.usage(&ben.token).await["active_extranet"], 0);
    let (status, body) = confirm(Some(fresh_code(&app, &secret))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}
