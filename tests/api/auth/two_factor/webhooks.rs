//! What accounts hear of a person's second factor: each account where the person is an active
//! user records `two_factor.*` and tells its webhooks, with its own user as its API shows it;
//! an account that dismissed the person hears nothing.

use super::*;
use crate::support::webhook_receiver::Receiver;
use crate::support::webhooks::subscribe;

const EVENTS: [&str; 3] = [
    "two_factor.enabled",
    "two_factor.recovery_code_used",
    "two_factor.disabled",
];

#[tokio::test]
async fn each_account_of_the_person_hears_of_it_with_its_own_user() {
    let app = TestApp::spawn_with(|c| c.webhook_allow_loopback = true).await;
    let (in_a, in_b, in_c) = (
        Receiver::start().await,
        Receiver::start().await,
        Receiver::start().await,
    );
    let ada = app.sign_up("ada@acme.example", "basic").await;
    let ben = app.sign_up("ben@partner.example", "basic").await;
    let cy = app.sign_up("cy@other.example", "basic").await;
    subscribe(&app, &ada.token, &in_a.url, &EVENTS).await;
    subscribe(&app, &ben.token, &in_b.url, &EVENTS).await;
    subscribe(&app, &cy.token, &in_c.url, &EVENTS).await;
    // Pat is an external user of Ben's account and of Cy's, which then dismisses Pat.
    let pat = "+14155550144";
    let group_b = app.workgroup(&ben.token, "Joint", true).await;
    let in_ben = app.join(&ben.token, "extranet", Some(&group_b), pat).await;
    let group_c = app.workgroup(&cy.token, "Other", true).await;
    let res = app
        .post(
            "/v1/invitations",
            Some(&cy.token),
            json!({"type": "extranet", "workgroup_id": group_c,
        "invitees": [{"phone": pat, "first_name": "Pat", "last_name": "Lee"}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let link = app.sms.token(pat, 1).await;
    let (status, accepted) = json_of(
        app.post(
            "/v1/invitations/accept",
            None,
            json!({"token": link, "password": PASSWORD}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    let in_cy = accepted["user"]["id"].as_str().unwrap().to_owned();
    app.dismiss(&cy.token, &in_cy).await;

    let (_, recovery) = enroll(&app, &in_ben.token).await;
    log_in_with(&app, pat, Some(&ben.account_id), &recovery[0]).await;
    let res = app
        .call(
            Method::DELETE,
            "/v1/network/profile/two-factor",
            Some(&in_ben.token),
            Some(json!({"current_password": PASSWORD, "code": recovery[1]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    for event in EVENTS {
        let got = in_b.wait_for(event, 1).await;
        let (status, user) = app
            .json(
                Method::GET,
                &format!("/v1/users/{}", in_ben.id),
                &ben.token,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(got[0]["event"]["data"]["user"], user, "{event}");
    }
    // Ada's account never had Pat: nothing. Cy's dismissed Pat: nothing either.
    let (_, log) = app
        .json(
            Method::GET,
            "/v1/audit-events?action=two_factor.enabled",
            &ben.token,
            None,
        )
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 1, "{log}");
    for (token, receiver) in [(&ada.token, &in_a), (&cy.token, &in_c)] {
        let (_, log) = app
            .json(
                Method::GET,
                "/v1/audit-events?action=two_factor.enabled",
                token,
                None,
            )
            .await;
        assert_eq!(log["items"].as_array().unwrap().len(), 0, "{log}");
        assert!(receiver.inbox.all().is_empty());
    }
}
