//! Every change a client cares about reaches a webhook subscribed to it, as the event the
//! issue names; and a webhook failing for days is switched off, with the reason for its admins.

use crate::support::helpers::*;
use crate::support::webhook_receiver::Receiver;
use crate::support::webhooks::{deliveries, deliveries_when, subscribe, webhook_app};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;

const ALL: [&str; 20] = [
    "invitation.created",
    "invitation.resent",
    "invitation.revoked",
    "invitation.accepted",
    "invitation.declined",
    "invitation.expired",
    "invitation.delivery_failed",
    "invitation.approval_requested",
    "invitation.approved",
    "invitation.rejected",
    "membership.invited",
    "membership.joined",
    "membership.declined",
    "membership.removed",
    "membership.role_changed",
    "user.transferred",
    "user.dismissed",
    "user.reinstated",
    "workgroup.created",
    "workgroup.updated",
];

async fn ok(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) {
    let (status, answer) = app.json(method, path, token, body).await;
    assert!(status.is_success(), "{path}: {status} {answer}");
}

#[tokio::test]
async fn every_change_a_client_cares_about_is_an_event() {
    let app = TestApp::spawn_with(|c| {
        c.webhook_allow_loopback = true;
        c.resend_interval_seconds = 0;
    })
    .await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let hook = subscribe(&app, &admin.token, &receiver.url, &ALL).await;
    assert_eq!(hook["events"].as_array().unwrap().len(), ALL.len());
    let t = &admin.token;

    let site = app.workgroup(t, "Client site", true).await;
    let other = app.workgroup(t, "Second site", true).await;
    ok(
        &app,
        Method::PATCH,
        &format!("/v1/workgroups/{site}"),
        t,
        Some(json!({"description": "Where we meet"})),
    )
    .await;
    // An invitation resent and revoked; one accepted; one declined; one left to expire.
    let first = app.invite_phone(t, &site, "+14155550101").await;
    let first = first["id"].as_str().unwrap();
    assert!(app.resend(t, first).await.status().is_success());
    ok(
        &app,
        Method::POST,
        &format!("/v1/invitations/{first}/revoke"),
        t,
        None,
    )
    .await;
    let ext = app.join(t, "extranet", Some(&site), "+14155550102").await;
    app.invite_phone(t, &site, "+14155550103").await;
    let declined = app.sms.token("+14155550103", 0).await;
    let res = app
        .post("/v1/invitations/decline", None, json!({"token": declined}))
        .await;
    assert!(res.status().is_success());
    app.invite_phone(t, &site, "+14155550104").await;
    // Memberships of the external user: invited, joined, role changed, removed; then
    // invited again and declined.
    app.add_and_accept(t, &other, &ext, "member").await;
    ok(
        &app,
        Method::PATCH,
        &format!("/v1/workgroups/{other}/members/{}", ext.id),
        t,
        Some(json!({"role": "moderator"})),
    )
    .await;
    ok(
        &app,
        Method::DELETE,
        &format!("/v1/workgroups/{other}/members/{}", ext.id),
        t,
        None,
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("/v1/workgroups/{other}/members"),
        t,
        Some(json!({"user_id": ext.id, "role": "member"})),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("/v1/me/workgroup-invitations/{other}/decline"),
        &ext.token,
        None,
    )
    .await;
    // The user: dismissed, reinstated, transferred to the intranet.
    app.dismiss(t, &ext.id).await;
    ok(
        &app,
        Method::POST,
        &format!("/v1/users/{}/reinstate", ext.id),
        t,
        None,
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("/v1/users/{}/transfer-to-intranet", ext.id),
        t,
        None,
    )
    .await;
    // Now an employee (signed in again: the dismissal ended their sessions), whose
    // invitations wait for approval: one approved, one rejected.
    app.clock.advance(chrono::Duration::seconds(2));
    let (_, signed_in) = app
        .login("+14155550102", PASSWORD, Some(&admin.account_id))
        .await;
    let employee = signed_in["access_token"].as_str().unwrap().to_owned();
    ok(
        &app,
        Method::PATCH,
        "/v1/account",
        t,
        Some(json!({"who_can_invite": "employees_with_approval"})),
    )
    .await;
    for (phone, step) in [("+14155550106", "approve"), ("+14155550107", "reject")] {
        let body = json!({"type": "intranet",
            "invitees": [{"phone": phone, "first_name": "Held", "last_name": "Back"}]});
        let (status, held) = app
            .json(Method::POST, "/v1/invitations", &employee, Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{held}");
        let id = held["results"][0]["invitation"]["id"].as_str().unwrap();
        ok(
            &app,
            Method::POST,
            &format!("/v1/invitations/{id}/{step}"),
            t,
            None,
        )
        .await;
    }
    // Time passes: the last invitation expires (the next invitation of the account sweeps it).
    app.clock.advance(chrono::Duration::days(31));
    let (_, again) = app
        .login("ada@agency.example", PASSWORD, Some(&admin.account_id))
        .await;
    let again_token = again["access_token"].as_str().unwrap().to_owned();
    app.invite_phone(&again_token, &site, "+14155550105").await;

    let mut expected: BTreeSet<&str> = ALL.into_iter().collect();
    // Its message has not failed: no `invitation.delivery_failed` here (see
    // invitation_delivery.rs).
    expected.remove("invitation.delivery_failed");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let got = loop {
        let got: BTreeSet<String> = receiver
            .inbox
            .all()
            .iter()
            .filter_map(|r| r["event"]["type"].as_str().map(str::to_owned))
            .collect();
        if got.len() >= expected.len() || std::time::Instant::now() > deadline {
            break got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let got: BTreeSet<&str> = got.iter().map(String::as_str).collect();
    assert_eq!(got, expected);
    // A user's event shows the user as the API does, as the change left them.
    let transferred = receiver.wait_for("user.transferred", 1).await;
    let (_, user) = app
        .json(
            Method::GET,
            &format!("/v1/users/{}", ext.id),
            &again_token,
            None,
        )
        .await;
    assert_eq!(transferred[0]["event"]["data"]["user"], user);
    assert_eq!(user["type"], "intranet");
    // Each names its resource.
    for r in receiver.inbox.all() {
        let event = &r["event"];
        let kind = event["type"].as_str().unwrap();
        let resource = kind.split('.').next().unwrap();
        let data = &event["data"];
        assert!(data["change"].is_object(), "{event}");
        if resource == "membership" {
            assert!(data["change"]["user_id"].is_string(), "{event}");
        }
        // Memberships are told as their workgroup, with the member in `change`.
        let resource = if resource == "membership" {
            "workgroup"
        } else {
            resource
        };
        assert!(data[resource]["id"].is_string(), "{event}");
        assert!(
            data[resource]["created_at"].is_string(),
            "the whole resource: {event}"
        );
    }
}

#[tokio::test]
async fn a_webhook_failing_for_days_is_switched_off_and_its_admins_see_why() {
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    receiver.answer_next(&[500; 100]);
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let hook = subscribe(&app, &admin.token, &receiver.url, &["workgroup.created"]).await;
    let id = hook["id"].as_str().unwrap();
    // Without an API token, the access token would be dead by the end of three days.
    let (_, key) = app
        .json(
            Method::POST,
            "/v1/api-tokens",
            &admin.token,
            // `workgroups:read`: switching the webhook on again takes it over, and a token
            // takes over only what it may read.
            Some(json!({"name": "ops", "scopes": ["webhooks:write", "workgroups:read", "workgroups:write", "audit:read"]})),
        )
        .await;
    let t = key["token"].as_str().unwrap();
    app.workgroup(t, "Client site", true).await;
    deliveries_when(&app, t, id, |d| d[0]["attempts"].as_u64() >= Some(1)).await;
    let (_, failing) = app
        .json(Method::GET, &format!("/v1/webhooks/{id}"), t, None)
        .await;
    assert!(failing["failing_since"].is_string(), "{failing}");
    assert_eq!(failing["active"], true);

    // Three days on, the next failure switches it off.
    app.clock.advance(chrono::Duration::hours(73));
    let off = {
        let mut found = None;
        for _ in 0..200 {
            let (_, w) = app
                .json(Method::GET, &format!("/v1/webhooks/{id}"), t, None)
                .await;
            if w["active"] == false {
                found = Some(w);
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        found.expect("the webhook was switched off")
    };
    let reason = off["disabled_reason"].as_str().unwrap();
    assert!(reason.contains("the receiver answered 500"), "{reason}");
    assert!(reason.contains("active: true"), "{reason}");
    assert!(off["disabled_at"].is_string());
    let (_, audit) = app
        .json(
            Method::GET,
            "/v1/audit-events?action=webhook.disabled",
            t,
            None,
        )
        .await;
    assert_eq!(audit["items"][0]["target"]["id"], id, "{audit}");
    // Its waiting delivery is given up; new events are not queued for it.
    let log = deliveries_when(&app, t, id, |d| d[0]["status"] == "failed").await;
    assert_eq!(log.len(), 1);
    app.workgroup(t, "Second site", true).await;
    // Deliveries are written with the event, in its transaction: the log is final already.
    assert_eq!(deliveries(&app, t, id).await.len(), 1);

    // Fixed and switched on again: what it missed can be redelivered.
    receiver.answer_ok();
    let (status, on) = patch(
        &app,
        &format!("/v1/webhooks/{id}"),
        t,
        json!({"active": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        on["disabled_reason"].is_null() && on["failing_since"].is_null(),
        "{on}"
    );
    let (status, _) = app
        .json(
            Method::POST,
            &format!(
                "/v1/webhooks/{id}/deliveries/{}/redeliver",
                log[0]["id"].as_str().unwrap()
            ),
            t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let sent = deliveries_when(&app, t, id, |d| d[0]["status"] == "sent").await;
    assert_eq!(sent[0]["event_id"], log[0]["event_id"]);
}

#[tokio::test]
async fn another_account_reaches_no_webhook_and_no_secret_is_ever_shown() {
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let other = app.sign_up("eve@other.example", "basic").await;
    let hook = subscribe(&app, &admin.token, &receiver.url, &["workgroup.created"]).await;
    let (id, secret) = (
        hook["id"].as_str().unwrap(),
        hook["secret"].as_str().unwrap(),
    );
    app.workgroup(&admin.token, "Client site", true).await;
    let log = deliveries_when(&app, &admin.token, id, |d| d[0]["status"] == "sent").await;
    let delivery = log[0]["id"].as_str().unwrap();

    // Another account's admin, with the right ids: nothing there.
    let redeliver = format!("/v1/webhooks/{id}/deliveries/{delivery}/redeliver");
    let res = app
        .call(Method::POST, &redeliver, Some(&other.token), None)
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .call(
            Method::PATCH,
            &format!("/v1/webhooks/{id}"),
            Some(&other.token),
            Some(json!({"url": "http://127.0.0.1:1/steal"})),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    // Its own webhook with the first account's delivery: not that webhook's.
    let own = subscribe(&app, &other.token, &receiver.url, &["user.dismissed"]).await;
    let path = format!(
        "/v1/webhooks/{}/deliveries/{delivery}/redeliver",
        own["id"].as_str().unwrap()
    );
    let res = app
        .call(Method::POST, &path, Some(&other.token), None)
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .call(
            Method::GET,
            "/v1/webhooks/not-an-id",
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        receiver.received("workgroup.created").len(),
        1,
        "nothing replayed"
    );

    // The secret is shown once: no list, log or audit event has it; the database holds it
    // sealed.
    for path in [
        "/v1/webhooks".to_owned(),
        format!("/v1/webhooks/{id}"),
        format!("/v1/webhooks/{id}/deliveries"),
        "/v1/audit-events".to_owned(),
    ] {
        let res = app.call(Method::GET, &path, Some(&admin.token), None).await;
        assert!(!res.text().await.unwrap().contains(secret), "{path}");
    }
    let stored: Vec<String> = app
        .database()
        .read(|conn| {
            use diesel::prelude::*;
            use persistence::schema::webhooks;
            Ok(webhooks::table.select(webhooks::secret).load(conn)?)
        })
        .unwrap();
    assert!(stored.iter().all(|s| !s.contains(secret)));

    // Limits the document shows, enforced.
    let res = app
        .post(
            "/v1/webhooks",
            Some(&admin.token),
            json!({"url": receiver.url, "events": vec!["user.dismissed"; domain::webhook::EventType::subscribable().count() + 1],
                   "secret": "has spaces in it, sixteen+"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["events", "secret"]);
}

#[tokio::test]
async fn a_delivery_is_given_up_after_its_last_attempt_and_can_be_redelivered() {
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    receiver.answer_next(&[500; 12]);
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let (_, key) = app
        .json(
            Method::POST,
            "/v1/api-tokens",
            &admin.token,
            // `workgroups:read`: a token subscribes only to events whose data it reads.
            Some(json!({"name": "ops", "scopes": ["webhooks:write", "workgroups:read", "workgroups:write"]})),
        )
        .await;
    let t = key["token"].as_str().unwrap();
    let hook = subscribe(&app, t, &receiver.url, &["workgroup.created"]).await;
    let id = hook["id"].as_str().unwrap();
    app.workgroup(t, "Client site", true).await;

    // Each retry waits longer (doubling, with jitter): the server's clock is moved to each
    // one's time, until there is no next attempt.
    let failed = loop {
        let log = deliveries_when(&app, t, id, |d| {
            d[0]["status"] == "failed" || d[0]["next_attempt_at"].is_string()
        })
        .await;
        if log[0]["status"] == "failed" {
            break log;
        }
        let next: chrono::DateTime<chrono::Utc> =
            log[0]["next_attempt_at"].as_str().unwrap().parse().unwrap();
        let wait = next - app.clock.now();
        if wait > chrono::Duration::zero() {
            app.clock.advance(wait + chrono::Duration::milliseconds(1));
        }
        let seen = log[0]["attempts"].clone();
        deliveries_when(&app, t, id, |d| d[0]["attempts"] != seen).await;
    };
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["attempts"], 12);
    assert_eq!(failed[0]["response_status"], 500);
    assert!(failed[0]["next_attempt_at"].is_null());
    assert_eq!(receiver.received("workgroup.created").len(), 12);
    // Half a day of failures does not switch the webhook off; the failed delivery is replayed.
    let (_, shown) = app
        .json(Method::GET, &format!("/v1/webhooks/{id}"), t, None)
        .await;
    assert_eq!(shown["active"], true, "{shown}");
    let (status, again) = app
        .json(
            Method::POST,
            &format!(
                "/v1/webhooks/{id}/deliveries/{}/redeliver",
                failed[0]["id"].as_str().unwrap()
            ),
            t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{again}");
    let sent = deliveries_when(&app, t, id, |d| d[0]["status"] == "sent").await;
    assert_eq!(sent[0]["event_id"], failed[0]["event_id"]);
    assert_eq!(receiver.received("workgroup.created").len(), 13);
}

#[tokio::test]
async fn webhook_routes_hold_against_other_callers_keys_external_users_and_dismissed_admins() {
    use crate::support::requests::post_keyed;
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let body = json!({"url": receiver.url, "events": ["user.dismissed"]});

    // The same key and body: a replay for its caller (the same webhook and secret), its own
    // request for another caller.
    let (status, replayed, first) =
        post_keyed(&app, "/v1/webhooks", &admin.token, "hook-1", body.clone()).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{first}");
    let (status, replayed, again) =
        post_keyed(&app, "/v1/webhooks", &admin.token, "hook-1", body.clone()).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(
        (&again["id"], &again["secret"]),
        (&first["id"], &first["secret"])
    );
    let group = app.workgroup(&admin.token, "Team", false).await;
    let second = app
        .join(&admin.token, "intranet", Some(&group), "+14155550190")
        .await;
    change(
        &app,
        &admin.token,
        &format!("/v1/users/{}", second.id),
        json!({"is_admin": true}),
    )
    .await;
    let (status, replayed, own) =
        post_keyed(&app, "/v1/webhooks", &second.token, "hook-1", body.clone()).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{own}");
    assert_ne!(own["id"], first["id"]);
    assert_ne!(own["secret"], first["secret"]);

    // An external user is no administrator; a dismissed administrator's old token is dead.
    let site = app.workgroup(&admin.token, "Client site", true).await;
    let external = app
        .join(&admin.token, "extranet", Some(&site), "+14155550191")
        .await;
    let res = app
        .post("/v1/webhooks", Some(&external.token), body.clone())
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;
    let res = app
        .call(Method::GET, "/v1/webhooks", Some(&external.token), None)
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;
    app.dismiss(&admin.token, &second.id).await;
    let path = format!("/v1/webhooks/{}", own["id"].as_str().unwrap());
    let res = app
        .call(Method::DELETE, &path, Some(&second.token), None)
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let res = app
        .call(
            Method::POST,
            &format!("{path}/ping"),
            Some(&second.token),
            None,
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;

    // Unknown fields change nothing; a delivery state that does not exist is refused.
    let first_path = format!("/v1/webhooks/{}", first["id"].as_str().unwrap());
    let res = app
        .call(
            Method::PATCH,
            &first_path,
            Some(&admin.token),
            Some(json!({"url": "https://elsewhere.example/x", "account_id": admin.account_id})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, unchanged) = app.json(Method::GET, &first_path, &admin.token, None).await;
    assert_eq!(unchanged["url"], receiver.url.as_str());
    let res = app
        .call(
            Method::GET,
            "/v1/invitations?delivery=bounced",
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}
