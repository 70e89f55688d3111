//! Invitations your way: links the caller delivers (`delivery: none`), batches that report every
//! problem at once (`on_conflict: refuse`) or skip what cannot be invited (`skip`).

use crate::support::drain::outbox_drained;
use crate::support::helpers::*;
use crate::support::requests::{api_token, post_keyed};
use crate::support::webhook_receiver::Receiver;
use crate::support::webhooks::{subscribe, webhook_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn person(login: &str) -> Value {
    if login.starts_with('+') {
        json!({"phone": login, "first_name": "Pat", "last_name": "Doe"})
    } else {
        json!({"email": login, "first_name": "Pat", "last_name": "Doe"})
    }
}

/// The errors' (index, code), in order.
fn indexed(problem: &Value) -> Vec<(u64, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["index"].as_u64().unwrap(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The results' (index, outcome), in order.
fn outcomes(body: &Value) -> Vec<(u64, String)> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["index"].as_u64().unwrap(),
                r["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(expected: &[(u64, &str)]) -> Vec<(u64, String)> {
    expected
        .iter()
        .map(|(i, c)| (*i, (*c).to_owned()))
        .collect()
}

#[tokio::test]
async fn a_refused_batch_names_a_field_error_a_conflict_and_the_seat_shortfall_at_once() {
    let app = TestApp::spawn().await;
    // basic: 5 seats, the admin holds one; one more invitation leaves 3... then 1 free.
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    for phone in ["+14155550301", "+14155550302", "+14155550303"] {
        app.invite_phone(&admin.token, &group, phone).await;
    }
    let before = app.usage(&admin.token).await;
    assert_eq!(before["available"], 1, "{before}");
    let rows = json!([
        person("not-an-email"),
        person("ADA@agency.example"),
        person("ann@client.example"),
        person("bo@client.example"),
    ]);
    for dry_run in [true, false] {
        let res = app
            .post(
                "/v1/invitations",
                Some(&admin.token),
                json!({"type": "extranet", "workgroup_id": group, "invitees": rows, "dry_run": dry_run}),
            )
            .await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "batch_refused").await;
        assert_eq!(
            indexed(&problem),
            pairs(&[
                (0, "invalid_email"),
                (1, "login_belongs_to_employee"),
                (3, "user_limit_reached"),
            ]),
            "{problem}"
        );
        assert_eq!(
            error_fields(&problem),
            ["invitees[0].email", "invitees[1].email", "invitees[3]"]
        );
        assert_eq!(
            (&problem["needed"], &problem["available"]),
            (&json!(2), &json!(1))
        );
    }
    // No invalid field: the conflict and the seats, 409.
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": group, "invitees": rows.as_array().unwrap()[1..]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::CONFLICT, "batch_refused").await;
    assert_eq!(
        indexed(&problem),
        pairs(&[(0, "login_belongs_to_employee"), (2, "user_limit_reached")])
    );
    // Only the seats: as ever.
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": group, "invitees": rows.as_array().unwrap()[2..]}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "user_limit_reached").await;
    assert_eq!(app.usage(&admin.token).await, before, "nothing was written");
}

#[tokio::test]
async fn a_skipping_batch_invites_what_it_can_and_a_re_run_creates_nothing_new() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let other = app.workgroup(&admin.token, "Other", true).await;
    let elsewhere = app.invite_phone(&admin.token, &other, "+14155550309").await;
    let body = json!({"type": "extranet", "workgroup_id": group, "on_conflict": "skip", "invitees": [
        person("not-an-email"),
        person("ADA@agency.example"),
        person("+14155550301"),
        person("+14155550309"),
        person("+14155550302"),
        person("+14155550301"),
    ]});
    let (status, first) = json_of(
        app.post("/v1/invitations", Some(&admin.token), body.clone())
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(
        outcomes(&first),
        pairs(&[
            (0, "skipped"),
            (1, "skipped"),
            (2, "invited"),
            (3, "skipped"),
            (4, "invited"),
            (5, "skipped"),
        ])
    );
    let r = &first["results"];
    assert_eq!(r[0]["code"], "invalid_email");
    assert_eq!(r[1]["code"], "login_belongs_to_employee");
    // Pending into another workgroup: skipped, naming that invitation.
    assert_eq!(r[3]["code"], "invitation_pending");
    assert_eq!(r[3]["invitation_id"], elsewhere["id"]);
    assert_eq!(r[5]["code"], "duplicate_invitee");
    assert!(
        r[5]["detail"].as_str().unwrap().contains("invitee 2"),
        "{first}"
    );
    let usage = app.usage(&admin.token).await;
    assert_eq!(usage["pending_invitations"], 3);
    app.sms
        .inbox
        .wait_for(3, std::time::Duration::from_secs(30), |_| true)
        .await;

    // The same rows again: nothing new, the two invited ones are `already_invited`.
    let (status, again) =
        json_of(app.post("/v1/invitations", Some(&admin.token), body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(
        outcomes(&again),
        pairs(&[
            (0, "skipped"),
            (1, "skipped"),
            (2, "already_invited"),
            (3, "skipped"),
            (4, "already_invited"),
            (5, "skipped"),
        ])
    );
    for i in [2, 4] {
        assert_eq!(
            again["results"][i]["invitation"]["id"],
            r[i]["invitation"]["id"]
        );
        assert_eq!(again["results"][i]["invitation"]["status"], "pending");
    }
    assert_eq!(app.usage(&admin.token).await, usage);
    outbox_drained(&app).await;
    assert_eq!(app.sms.count(), 3, "nothing was sent again");

    // The rows it creates still fit whole, or nothing is created.
    let many: Vec<Value> = (0..60)
        .map(|i| person(&format!("p{i}@client.example")))
        .collect();
    let mut rows = vec![person("ADA@agency.example")];
    rows.extend(many);
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": group, "on_conflict": "skip", "invitees": rows}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::CONFLICT, "user_limit_reached").await;
    assert_eq!(problem["needed"], 60);
    assert_eq!(app.usage(&admin.token).await, usage);
}

#[tokio::test]
async fn a_handed_over_link_is_in_the_answer_and_its_replay_only_and_accepts() {
    let app = webhook_app().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let receiver = Receiver::start().await;
    subscribe(&app, &admin.token, &receiver.url, &["invitation.created"]).await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    // An integrator's token that may only write invitations.
    let (_, writer) = api_token(&app, &admin.token, &["invitations:write"]).await;
    let sending_before = app.usage(&admin.token).await["sending"].clone();
    let body = json!({"type": "extranet", "workgroup_id": group, "delivery": "none",
                      "invitees": [person("+14155550401"), person("ann@client.example")]});
    let (status, replayed, created) =
        post_keyed(&app, "/v1/invitations", &writer, "crm-sync-1", body.clone()).await;
    assert_eq!(
        (status, replayed),
        (StatusCode::CREATED, false),
        "{created}"
    );
    let links: Vec<String> = (0..2)
        .map(|i| created["results"][i]["link"].as_str().unwrap().to_owned())
        .collect();
    let tokens: Vec<String> = links
        .iter()
        .map(|l| {
            let (start, token) = l.split_once("/accept#token=").unwrap();
            assert!(start.starts_with("http"), "{l}");
            token.to_owned()
        })
        .collect();
    assert_eq!(created["results"][0]["invitation"]["delivery"], Value::Null);

    // The same caller's replay: the same links.
    let (status, replayed, again) =
        post_keyed(&app, "/v1/invitations", &writer, "crm-sync-1", body.clone()).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(again["results"][0]["link"], links[0].as_str());
    // Another caller with the same key: its own request (refused: already pending), no link.
    let (status, _, other) =
        post_keyed(&app, "/v1/invitations", &admin.token, "crm-sync-1", body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{other}");
    assert!(!other.to_string().contains(&tokens[0]));

    // Nowhere else: lists, the invitation, the audit log, webhooks.
    let id = created["results"][0]["invitation"]["id"].as_str().unwrap();
    let (_, list) = json_of(app.get("/v1/invitations", &admin.token).await).await;
    let (_, one) = json_of(
        app.get(&format!("/v1/invitations/{id}"), &admin.token)
            .await,
    )
    .await;
    let (_, audit) = json_of(app.get("/v1/audit-events", &admin.token).await).await;
    let hooks = receiver.wait_for("invitation.created", 2).await;
    for (what, text) in [
        ("the list", list.to_string()),
        ("the invitation", one.to_string()),
        ("the audit log", audit.to_string()),
        ("the webhook", Value::Array(hooks).to_string()),
    ] {
        for token in &tokens {
            assert!(
                !text.contains(token.as_str()),
                "{what} shows the token: {text}"
            );
        }
    }
    // The audit log records that the link was handed over.
    let created_events: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "invitation.created")
        .collect();
    assert_eq!(created_events.len(), 2);
    assert!(
        created_events
            .iter()
            .all(|e| e["details"]["delivery"] == "none"),
        "{audit}"
    );

    // Nothing was sent, nothing counted against the sending quota.
    outbox_drained(&app).await;
    assert_eq!(app.sms.count(), 0);
    assert_eq!(app.usage(&admin.token).await["sending"], sending_before);

    // The link works: the invitee accepts with it.
    let (status, lookup) = json_of(
        app.post("/v1/invitations/lookup", None, json!({"token": tokens[0]}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{lookup}");
    let (status, accepted) = app.accept(&tokens[0]).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
}
