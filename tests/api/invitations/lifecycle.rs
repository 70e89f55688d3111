//! An invitation after it is sent (rule 7): resent, revoked, accepted once, declined, expired.

use crate::support::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_lifecycle_resend_revoke_accept_once_decline_and_unknown_tokens() {
    let app = TestApp::spawn_with(|c| c.resend_interval_seconds = 0).await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;

    // Resent: a new token and the old link is dead.
    let first = app.invite_phone(&admin.token, &group, "+14155550101").await;
    let id = first["id"].as_str().unwrap();
    let old = app.sms.token("+14155550101", 0).await;
    let (status, resent) = json_of(
        app.post(
            &format!("/v1/invitations/{id}/resend"),
            Some(&admin.token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{resent}");
    assert_eq!(resent["sent_count"], 2);
    let new = app.sms.token("+14155550101", 1).await;
    assert_ne!(old, new);
    let res = app
        .post(
            "/v1/invitations/accept",
            None,
            json!({"token": old, "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .post("/v1/invitations/lookup", None, json!({"token": old}))
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

    // Revoked: the seat is free again and the link is dead.
    assert_eq!(app.usage(&admin.token).await["pending_invitations"], 1);
    let (status, revoked) = json_of(
        app.post(
            &format!("/v1/invitations/{id}/revoke"),
            Some(&admin.token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, revoked["status"].clone()),
        (StatusCode::OK, json!("revoked"))
    );
    assert_eq!(app.usage(&admin.token).await["pending_invitations"], 0);
    let res = app
        .post(
            "/v1/invitations/accept",
            None,
            json!({"token": new, "password": PASSWORD}),
        )
        .await;
    // A dead token answers like one that never existed.
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .post(
            &format!("/v1/invitations/{id}/revoke"),
            Some(&admin.token),
            json!({}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "invitation_not_pending").await;

    // Used: a token works once.
    app.invite_phone(&admin.token, &group, "+14155550102").await;
    let token = app.sms.token("+14155550102", 0).await;
    assert_eq!(app.accept(&token).await.0, StatusCode::CREATED);
    let (status, again) = app.accept(&token).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{again}");
    assert_eq!(again["code"], "not_found");

    // Declined: the seat is freed, the link is dead.
    app.invite_phone(&admin.token, &group, "+14155550103").await;
    let token = app.sms.token("+14155550103", 0).await;
    let (status, declined) = json_of(
        app.post("/v1/invitations/decline", None, json!({"token": token}))
            .await,
    )
    .await;
    assert_eq!(
        (status, declined["status"].clone()),
        (StatusCode::OK, json!("declined"))
    );
    assert_eq!(app.accept(&token).await.0, StatusCode::NOT_FOUND);
    let usage = app.usage(&admin.token).await;
    assert_eq!(
        (
            usage["pending_invitations"].clone(),
            usage["active_extranet"].clone()
        ),
        (json!(0), json!(1))
    );

    // Unknown: never issued.
    let res = app
        .post(
            "/v1/invitations/accept",
            None,
            json!({"token": "x".repeat(43), "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

    // Every change left its audit event, in order.
    assert_eq!(
        app.audit_actions(),
        [
            "account.created",
            "workgroup.created",
            "invitation.created",
            "invitation.resent",
            "invitation.revoked",
            "invitation.created",
            "invitation.accepted",
            "invitation.created",
            "invitation.declined",
        ]
    );
}

#[tokio::test]
async fn expired_invitations_free_their_seat_stay_listed_and_can_be_resent() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let invitation = app.invite_phone(&admin.token, &group, "+14155550101").await;
    let id = invitation["id"].as_str().unwrap();
    let token = app.sms.token("+14155550101", 0).await;
    assert_eq!(app.usage(&admin.token).await["available"], 3);

    // A week and a day pass (the admin logs in again: its token expired too).
    app.clock.advance(chrono::Duration::days(8));
    let (_, login) = app
        .login("ada@agency.example", PASSWORD, Some(&admin.account_id))
        .await;
    let admin = SignedUp {
        token: login["access_token"].as_str().unwrap().to_owned(),
        ..admin
    };
    assert_eq!(
        app.usage(&admin.token).await["available"],
        4,
        "an expired invitation holds no seat"
    );
    let res = app
        .post(
            "/v1/invitations/accept",
            None,
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::GONE, "invitation_expired").await;
    let (_, one) = json_of(
        app.get(&format!("/v1/invitations/{id}"), &admin.token)
            .await,
    )
    .await;
    assert_eq!(one["status"], "expired");
    let (_, expired) = json_of(
        app.get("/v1/invitations?status=expired", &admin.token)
            .await,
    )
    .await;
    assert_eq!(expired["items"][0]["id"], id);
    let (_, pending) = json_of(
        app.get("/v1/invitations?status=pending", &admin.token)
            .await,
    )
    .await;
    assert_eq!(pending["items"], json!([]));
    // The link says the invitation expired…
    let res = app
        .post("/v1/invitations/lookup", None, json!({"token": token}))
        .await;
    assert_problem(res, StatusCode::GONE, "invitation_expired").await;

    // …and the expired one can be resent: a seat again, a new link that works.
    let (status, resent) = json_of(
        app.post(
            &format!("/v1/invitations/{id}/resend"),
            Some(&admin.token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{resent}");
    assert_eq!(resent["status"], "pending");
    assert_eq!(app.usage(&admin.token).await["available"], 3);
    let fresh = app.sms.token("+14155550101", 1).await;
    assert_eq!(app.accept(&fresh).await.0, StatusCode::CREATED);
    assert_eq!(app.usage(&admin.token).await["active_extranet"], 1);
    let actions = app.audit_actions();
    let tail: Vec<&str> = actions[actions.len() - 3..]
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        [
            "invitation.expired",
            "invitation.resent",
            "invitation.accepted"
        ]
    );
}

#[tokio::test]
async fn a_pending_invitation_is_resent_at_most_once_a_minute() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let invitation = app.invite_phone(&admin.token, &group, "+14155550101").await;
    let res = app
        .post(
            &format!(
                "/v1/invitations/{}/resend",
                invitation["id"].as_str().unwrap()
            ),
            Some(&admin.token),
            json!({}),
        )
        .await;
    let retry: u32 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((55..=60).contains(&retry), "{retry}");
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[tokio::test]
async fn a_person_with_a_profile_accepts_with_its_own_password() {
    let app = TestApp::spawn_with_mail().await;
    let agency = app.sign_up("ada@agency.example", "basic").await;
    // Ann already has a network profile: she signed up a company of her own.
    let ann_own = app.sign_up("ann@client.example", "free").await;
    let group = app.workgroup(&agency.token, "Site", true).await;
    let (status, _) = json_of(
        app.post(
            "/v1/invitations",
            Some(&agency.token),
            json!({"type": "extranet", "workgroup_id": group,
                   "invitees": [{"email": "ann@client.example", "first_name": "Ann", "last_name": "Lee"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let token = app.email_token("ann@client.example", 0).await;
    let (_, page) = json_of(
        app.post("/v1/invitations/lookup", None, json!({"token": token}))
            .await,
    )
    .await;
    assert_eq!(page["profile_exists"], true);

    let res = app
        .post(
            "/v1/invitations/accept",
            None,
            json!({"token": token, "password": "not her password"}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let (status, accepted) = app.accept(&token).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    assert_eq!(accepted["user"]["type"], "extranet");

    // One profile, two accounts.
    let (_, login) = app.login("ann@client.example", PASSWORD, None).await;
    let (_, me) = json_of(
        app.get("/v1/me", login["access_token"].as_str().unwrap())
            .await,
    )
    .await;
    let accounts: Vec<_> = me["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["account_id"].clone(), a["type"].clone()))
        .collect();
    assert_eq!(
        accounts,
        [
            (json!(ann_own.account_id), json!("intranet")),
            (json!(agency.account_id), json!("extranet"))
        ]
    );
}

/// A resend while the worker holds the old message (it is being sent) cannot stop that attempt;
/// when the attempt fails, the old message — its link dead — is dropped, never retried.
/// (A resend of a message waiting for its retry: `delivery.rs`.)
#[tokio::test]
async fn a_resend_while_the_old_message_is_in_hand_drops_it_once_its_attempt_fails() {
    let app = TestApp::spawn_with(|c| c.resend_interval_seconds = 0).await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let phone = "+14155550123";

    // The gateway holds its answer to the first attempt, which it will refuse.
    app.sms.refuse_next(1);
    app.sms.hold();
    let invitation = app.invite_phone(&admin.token, &group, phone).await;
    let id = invitation["id"].as_str().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while app.sms.arrivals() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the first attempt never came"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let res = app.resend(&admin.token, id).await;
    assert_eq!(res.status(), StatusCode::OK);
    app.sms.release();

    // Only the resent message arrives, with the live link, and the invitation shows it sent; the
    // old one never goes, even once its retry would be long due.
    let token = app.sms.token(phone, 0).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let (_, shown) = json_of(
            app.get(&format!("/v1/invitations/{id}"), &admin.token)
                .await,
        )
        .await;
        if shown["delivery"]["state"] == "sent" {
            assert_eq!(shown["sent_count"], 2, "{shown}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never shown sent: {shown}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    app.clock.advance(chrono::Duration::hours(2));
    crate::support::drain::outbox_drained(&app).await;
    assert_eq!(app.sms.count(), 1, "{:?}", app.sms.inbox.all());
    let (status, body) = json_of(
        app.post("/v1/invitations/lookup", None, json!({"token": token}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
