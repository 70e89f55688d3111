//! Webhooks with a real receiver on this machine: signed events, retries with the same event
//! id, nothing from a rolled-back request, and a receiver that never answers holding up
//! nothing else.

use crate::support::drain::webhook_drained;
use crate::support::helpers::*;
use crate::support::webhook_receiver::{signature_is_valid, Receiver};
use crate::support::webhooks::{deliveries, deliveries_when, subscribe, webhook_app};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn events_arrive_signed_and_verifiable() {
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let hook = subscribe(
        &app,
        &admin.token,
        &receiver.url,
        &["workgroup.created", "invitation.created"],
    )
    .await;
    let secret = hook["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 40,
        "{secret}"
    );
    // Never shown again.
    let id = hook["id"].as_str().unwrap();
    let (_, shown) = app
        .json(
            Method::GET,
            &format!("/v1/webhooks/{id}"),
            &admin.token,
            None,
        )
        .await;
    assert!(shown.get("secret").is_none(), "{shown}");
    assert_eq!(shown["active"], true);

    let group = app.workgroup(&admin.token, "Client site", true).await;
    let (status, created) = app
        .json(
            Method::POST,
            "/v1/invitations",
            &admin.token,
            Some(invite_body(&group, "ann@client.example")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let invitation = created["results"][0]["invitation"]["id"].as_str().unwrap();

    let got = receiver.wait_for("invitation.created", 1).await;
    let request = &got[0];
    assert!(signature_is_valid(request, secret), "{request}");
    assert!(!signature_is_valid(
        request,
        "whsec_another-secret-entirely"
    ));
    let event = &request["event"];
    assert_eq!(request["headers"]["x-extranet-event-id"], event["id"]);
    assert_eq!(request["headers"]["content-type"], "application/json");
    assert_eq!(event["account_id"], admin.account_id.as_str());
    assert_eq!(event["actor"]["user_id"], admin.user_id.as_str());
    assert_eq!(event["data"]["change"]["login"], "ann@client.example");
    assert!(event["created_at"].as_str().unwrap().ends_with('Z'));
    // The resource as the API shows it, as the change left it (its message still queued).
    let mut shown = event["data"]["invitation"].clone();
    assert_eq!(shown["delivery"]["state"], "queued");
    let (_, mut now) = app
        .json(
            Method::GET,
            &format!("/v1/invitations/{invitation}"),
            &admin.token,
            None,
        )
        .await;
    shown.as_object_mut().unwrap().remove("delivery");
    now.as_object_mut().unwrap().remove("delivery");
    assert_eq!(shown, now);
    assert_eq!(shown["workgroup_id"], group.as_str());
    let group_event = receiver.wait_for("workgroup.created", 1).await;
    let (_, group_now) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{group}"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(group_event[0]["event"]["data"]["workgroup"], group_now);
    // The event id is the audit event's: the audit log names the same change.
    let (_, audit) = app
        .json(
            Method::GET,
            &format!("/v1/audit-events?target_id={invitation}"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(audit["items"][0]["id"], event["id"], "{audit}");

    // The log shows each delivery.
    let log = deliveries_when(&app, &admin.token, id, |d| {
        d.len() == 2 && d.iter().all(|d| d["status"] == "sent")
    })
    .await;
    assert_eq!(log[0]["event"], "invitation.created");
    assert_eq!(log[0]["event_id"], event["id"]);
    assert_eq!(log[0]["attempts"], 1);
    assert_eq!(log[0]["response_status"], 200);
    assert!(log[0]["next_attempt_at"].is_null() && log[0]["last_error"].is_null());
    // Events nobody subscribed to are not sent.
    app.resend(&admin.token, invitation).await;
    let log = webhook_drained(&app, &admin.token, id).await;
    assert!(
        log.iter().all(|d| d["event"] != "invitation.resent"),
        "{log:?}"
    );
    assert!(receiver.received("invitation.resent").is_empty());
}

#[tokio::test]
async fn a_receiver_that_fails_gets_the_same_event_until_it_answers() {
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    receiver.answer_next(&[500, 500]);
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let hook = subscribe(&app, &admin.token, &receiver.url, &["workgroup.created"]).await;
    let id = hook["id"].as_str().unwrap();
    app.workgroup(&admin.token, "Client site", true).await;

    let got = receiver.wait_for("workgroup.created", 3).await;
    assert_eq!(got.len(), 3, "{got:?}");
    let first = &got[0]["headers"]["x-extranet-event-id"];
    assert!(got
        .iter()
        .all(|r| &r["headers"]["x-extranet-event-id"] == first));
    assert!(
        got.iter().all(|r| r["raw"] == got[0]["raw"]),
        "the same body each time"
    );
    assert!(got
        .iter()
        .all(|r| signature_is_valid(r, hook["secret"].as_str().unwrap())));
    let log = deliveries_when(&app, &admin.token, id, |d| d[0]["status"] == "sent").await;
    assert_eq!(log.len(), 1, "one delivery, attempted three times: {log:?}");
    assert_eq!(log[0]["attempts"], 3);
    assert_eq!(log[0]["response_status"], 200);
    // A success ends the failure streak.
    let (_, shown) = app
        .json(
            Method::GET,
            &format!("/v1/webhooks/{id}"),
            &admin.token,
            None,
        )
        .await;
    assert!(shown["failing_since"].is_null(), "{shown}");
}

/// Makes the database refuse to store the `Idempotency-Key` "boom": a request using it fails at
/// its very end, after its rows, messages and events were written, and is rolled back whole.
fn refuse_key_boom(app: &TestApp) {
    use diesel::RunQueryDsl;
    app.database()
        .write(|conn| {
            match conn {
                persistence::DbConnection::Sqlite(c) => {
                    diesel::sql_query(
                        "CREATE TRIGGER boom BEFORE INSERT ON idempotency_keys \
                         WHEN NEW.idempotency_key LIKE '%boom%' \
                         BEGIN SELECT RAISE(ABORT, 'boom'); END",
                    )
                    .execute(c)?;
                }
                persistence::DbConnection::Pg(c) => {
                    diesel::sql_query(
                        "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN \
                         IF NEW.idempotency_key LIKE '%boom%' THEN RAISE EXCEPTION 'boom'; END IF; \
                         RETURN NEW; END $$ LANGUAGE plpgsql",
                    )
                    .execute(c)?;
                    diesel::sql_query(
                        "CREATE TRIGGER boom BEFORE INSERT ON idempotency_keys \
                         FOR EACH ROW EXECUTE FUNCTION boom()",
                    )
                    .execute(c)?;
                }
            }
            Ok(())
        })
        .unwrap();
}

#[tokio::test]
async fn a_rolled_back_request_tells_no_webhook() {
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Client site", true).await;
    let hook = subscribe(&app, &admin.token, &receiver.url, &["invitation.created"]).await;
    refuse_key_boom(&app);

    let res = app
        .client
        .post(app.url("/v1/invitations"))
        .bearer_auth(&admin.token)
        .header("Idempotency-Key", "boom")
        .json(&invite_body(&group, "ann@client.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    // The same request without that key goes through; its event is the only one sent.
    let (status, created) = app
        .json(
            Method::POST,
            "/v1/invitations",
            &admin.token,
            Some(invite_body(&group, "ann@client.example")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let got = receiver.wait_for("invitation.created", 1).await;
    webhook_drained(&app, &admin.token, hook["id"].as_str().unwrap()).await;
    assert_eq!(receiver.received("invitation.created").len(), 1, "{got:?}");
    assert_eq!(
        got[0]["event"]["data"]["invitation"]["id"],
        created["results"][0]["invitation"]["id"]
    );
    let log = deliveries(&app, &admin.token, hook["id"].as_str().unwrap()).await;
    assert_eq!(log.len(), 1, "{log:?}");
}

#[tokio::test]
async fn a_receiver_that_never_answers_holds_up_nothing_else() {
    let app = TestApp::spawn_with(|c| {
        c.webhook_allow_loopback = true;
        // Far longer than the test: the dead receiver's deliveries hang throughout.
        c.webhook_timeout_ms = 60_000;
    })
    .await;
    let dead = Receiver::start().await;
    dead.never_answer();
    let alive = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let events = ["invitation.created", "workgroup.created"];
    subscribe(&app, &admin.token, &dead.url, &events).await;
    subscribe(&app, &admin.token, &alive.url, &events).await;

    let group = app.workgroup(&admin.token, "Client site", true).await;
    dead.wait_for("workgroup.created", 1).await;
    alive.wait_for("workgroup.created", 1).await;
    // The dead receiver holds its delivery; invitations are still answered, their messages
    // still go out, and the other webhook still hears of them.
    for (i, phone) in ["+14155550101", "+14155550102", "+14155550103"]
        .iter()
        .enumerate()
    {
        let invitation = app.invite_phone(&admin.token, &group, phone).await;
        assert_eq!(invitation["status"], "pending");
        app.sms.wait_for(phone, 1).await;
        alive.wait_for("invitation.created", i + 1).await;
    }
    assert!(
        dead.hanging.load(std::sync::atomic::Ordering::SeqCst) >= 1,
        "the dead receiver was still holding a request meanwhile"
    );
    assert!(dead.received("invitation.created").len() <= 4);
}

#[tokio::test]
async fn webhooks_are_managed_by_administrators_only() {
    let app = webhook_app().await;
    let receiver = Receiver::start().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let other = app.sign_up("bob@other.example", "basic").await;
    let hook = subscribe(&app, &admin.token, &receiver.url, &["user.dismissed"]).await;
    let id = hook["id"].as_str().unwrap();

    // Another account's admin sees nothing of it.
    for (method, path) in [
        (Method::GET, format!("/v1/webhooks/{id}")),
        (Method::DELETE, format!("/v1/webhooks/{id}")),
        (Method::POST, format!("/v1/webhooks/{id}/ping")),
        (Method::GET, format!("/v1/webhooks/{id}/deliveries")),
    ] {
        let res = app.call(method, &path, Some(&other.token), None).await;
        assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    }
    let (_, list) = app
        .json(Method::GET, "/v1/webhooks", &other.token, None)
        .await;
    assert_eq!(list["items"], json!([]));

    // An employee who is not an administrator may not.
    let group = app.workgroup(&admin.token, "Team", false).await;
    let employee = app
        .join(&admin.token, "intranet", Some(&group), "+14155550199")
        .await;
    let res = app
        .post(
            "/v1/webhooks",
            Some(&employee.token),
            json!({"url": receiver.url, "events": ["user.dismissed"]}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;

    // An API token needs `webhooks:write`.
    let (_, token) = app
        .json(
            Method::POST,
            "/v1/api-tokens",
            &admin.token,
            Some(json!({"name": "CRM", "scopes": ["users:read"]})),
        )
        .await;
    let res = app
        .call(Method::GET, "/v1/webhooks", token["token"].as_str(), None)
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "insufficient_scope").await;
    let (_, token) = app
        .json(
            Method::POST,
            "/v1/api-tokens",
            &admin.token,
            Some(json!({"name": "CRM hooks", "scopes": ["webhooks:write"]})),
        )
        .await;
    let (status, listed) = app
        .json(
            Method::GET,
            "/v1/webhooks",
            token["token"].as_str().unwrap(),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["items"][0]["id"], id);

    // Change, ping, redeliver, delete.
    let (status, changed) = patch(
        &app,
        &format!("/v1/webhooks/{id}"),
        &admin.token,
        json!({"events": ["user.dismissed", "user.reinstated"], "secret": "a-new-secret-of-mine"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        changed["events"],
        json!(["user.dismissed", "user.reinstated"])
    );
    let (status, ping) = app
        .json(
            Method::POST,
            &format!("/v1/webhooks/{id}/ping"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{ping}");
    assert_eq!(ping["event"], "ping");
    let got = receiver.wait_for("ping", 1).await;
    assert!(signature_is_valid(&got[0], "a-new-secret-of-mine"));
    let log = deliveries_when(&app, &admin.token, id, |d| d[0]["status"] == "sent").await;
    let (status, again) = app
        .json(
            Method::POST,
            &format!(
                "/v1/webhooks/{id}/deliveries/{}/redeliver",
                log[0]["id"].as_str().unwrap()
            ),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{again}");
    assert_eq!(again["event_id"], log[0]["event_id"]);
    assert_ne!(again["id"], log[0]["id"]);
    let twice = receiver.wait_for("ping", 2).await;
    assert_eq!(
        twice[0]["headers"]["x-extranet-event-id"],
        twice[1]["headers"]["x-extranet-event-id"]
    );
    let res = app
        .call(
            Method::DELETE,
            &format!("/v1/webhooks/{id}"),
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .call(
            Method::GET,
            &format!("/v1/webhooks/{id}"),
            Some(&admin.token),
            None,
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    app.assert_audited(&["webhook.created", "webhook.updated", "webhook.deleted"]);
}

#[tokio::test]
async fn bad_webhooks_are_refused_whole() {
    let app = webhook_app().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let res = app
        .post(
            "/v1/webhooks",
            Some(&admin.token),
            json!({"url": "not a url", "events": ["invitation.created", "nonsense", "ping"],
                   "secret": "short"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["events[1]", "secret", "url"]);
    let res = app
        .post(
            "/v1/webhooks",
            Some(&admin.token),
            json!({"url": "https://hooks.example.com/x", "events": []}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["events"]);
    let res = app
        .post(
            "/v1/webhooks",
            Some(&admin.token),
            json!({"url": "https://hooks.example.com/x", "events": ["user.dismissed"], "active": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, list) = app
        .json(Method::GET, "/v1/webhooks", &admin.token, None)
        .await;
    assert_eq!(list["items"], json!([]), "nothing was created");
}
