use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

/// The seed article's story, end to end: an intranet workgroup refuses external people until
/// "allow access for external users" is on; one invitation by email and one by phone in a
/// single request; both messages arrive; both accept; both are external members.
#[tokio::test]
async fn the_seed_story_from_invite_to_membership() {
    let app = TestApp::spawn_with_mail().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Client website", false).await;
    let batch = json!({
        "type": "extranet",
        "workgroup_id": group,
        "message": "Welcome to the project!",
        "invitees": [
            {"email": "Ann@Client.example", "first_name": "Ann", "last_name": "Lee"},
            {"phone": "+1 415 555 0101", "first_name": "Bo", "last_name": "Ng"}
        ]
    });
    let res = app
        .post("/v1/invitations", Some(&admin.token), batch.clone())
        .await;
    assert_problem(res, StatusCode::CONFLICT, "workgroup_not_extranet").await;

    let res = app
        .call(
            Method::PATCH,
            &format!("/v1/workgroups/{group}"),
            Some(&admin.token),
            Some(json!({"allow_external": true})),
        )
        .await;
    let (status, patched) = json_of(res).await;
    assert_eq!(
        (status, patched["allow_external"].clone()),
        (StatusCode::OK, json!(true))
    );

    let (status, created) =
        json_of(app.post("/v1/invitations", Some(&admin.token), batch).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["dry_run"], false);
    let results = created["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["index"], i);
        assert_eq!(r["outcome"], "invited");
        assert_eq!(r["invitation"]["status"], "pending");
        assert_eq!(r["invitation"]["type"], "extranet");
        assert_eq!(r["invitation"]["workgroup_id"], group.as_str());
        assert_eq!(r["invitation"]["invited_by"], admin.user_id.as_str());
        assert!(r["invitation"].get("token").is_none());
    }
    assert_eq!(results[0]["invitation"]["email"], "ann@client.example");
    assert_eq!(results[1]["invitation"]["phone"], "+14155550101");
    let usage = app.usage(&admin.token).await;
    assert_eq!(
        (
            usage["pending_invitations"].clone(),
            usage["available"].clone()
        ),
        (json!(2), json!(2))
    );

    // Both messages arrive, each with its link.
    let smtp = app.smtp.as_ref().unwrap();
    let mail = smtp.wait_for("ann@client.example", 1).await;
    assert!(mail[0]["subject"]
        .as_str()
        .unwrap()
        .contains("Client website"));
    let body = mail[0]["body"].as_str().unwrap();
    assert!(body.contains("Welcome to the project!"), "{body}");
    let ann_token = token_in(body);
    let sms = app.sms.wait_for("+14155550101", 1).await;
    let bo_token = token_in(sms[0]["text"].as_str().unwrap());
    assert_eq!(ann_token.len(), 43);
    assert_ne!(ann_token, bo_token);

    // The accept page's view of Ann's invitation.
    let (status, page) = json_of(
        app.post("/v1/invitations/lookup", None, json!({"token": ann_token}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["account"]["name"], "Account of ada@agency.example");
    assert_eq!(page["workgroup"]["name"], "Client website");
    assert_eq!(
        page["inviter"],
        json!({"first_name": "Ada", "last_name": "Lovelace"})
    );
    assert_eq!(page["invitation"]["first_name"], "Ann");
    assert_eq!(page["invitation"]["status"], "pending");
    assert_eq!(page["profile_exists"], false);

    let (status, ann) = app.accept(&ann_token).await;
    assert_eq!(status, StatusCode::CREATED, "{ann}");
    assert_eq!(ann["user"]["type"], "extranet");
    assert_eq!(ann["user"]["email"], "ann@client.example");
    assert_eq!(ann["user"]["first_name"], "Ann");
    let (status, bo) = json_of(
        app.post(
            "/v1/invitations/accept",
            None,
            json!({"token": bo_token, "password": PASSWORD, "first_name": "Bob"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{bo}");
    assert_eq!(bo["user"]["first_name"], "Bob");

    // Both are active external members of the workgroup; usage shows them.
    let (_, members) = json_of(
        app.get(&format!("/v1/workgroups/{group}/members"), &admin.token)
            .await,
    )
    .await;
    let mut external: Vec<(String, String, String)> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["user"]["type"] == "extranet")
        .map(|m| {
            (
                m["user_id"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
                m["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    external.sort();
    let mut expected = vec![
        (
            ann["user"]["id"].as_str().unwrap().to_owned(),
            "member".to_owned(),
            "active".to_owned(),
        ),
        (
            bo["user"]["id"].as_str().unwrap().to_owned(),
            "member".to_owned(),
            "active".to_owned(),
        ),
    ];
    expected.sort();
    assert_eq!(external, expected);
    let usage = app.seats(&admin.token).await;
    assert_eq!(
        usage,
        json!({"plan": "basic", "user_limit": 5, "active_intranet": 1, "active_extranet": 2,
               "pending_invitations": 0, "available": 2})
    );
    let (_, list) = json_of(
        app.get("/v1/invitations?status=accepted", &admin.token)
            .await,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);

    // The new user's own token works, and sees the group.
    let ann_access = ann["access_token"].as_str().unwrap();
    let (_, me) = json_of(app.get("/v1/me", ann_access).await).await;
    assert_eq!(me["type"], "extranet");
    let (_, groups) = json_of(app.get("/v1/workgroups", ann_access).await).await;
    assert_eq!(groups["items"][0]["id"], group.as_str());
}

async fn nothing_was_created_or_sent(app: &TestApp, admin: &str) {
    let (_, list) = json_of(app.get("/v1/invitations", admin).await).await;
    assert_eq!(list["items"], json!([]), "no invitation may exist");
    assert_eq!(app.usage(admin).await["pending_invitations"], 0);
    // The worker polls every second: give it time to send anything it might have had.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.sms.count(), 0, "no message may have been sent");
}

#[tokio::test]
async fn a_batch_that_does_not_fit_creates_and_sends_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let invitees: Vec<Value> = (0..5)
        .map(|i| json!({"phone": format!("+1415555010{i}"), "first_name": "P", "last_name": "Q"}))
        .collect();
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": group, "invitees": invitees}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::CONFLICT, "user_limit_reached").await;
    assert_eq!(
        (problem["needed"].clone(), problem["available"].clone()),
        (json!(5), json!(4))
    );
    nothing_was_created_or_sent(&app, &admin.token).await;
}

#[tokio::test]
async fn one_bad_row_fails_the_whole_batch_naming_every_bad_row() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": group, "invitees": [
                {"phone": "+14155550100", "first_name": "Ok", "last_name": "Row"},
                {"email": "not-an-email", "first_name": "Bad", "last_name": "Row"},
                {"phone": "+14155550102", "first_name": "", "last_name": "Row"},
                {"phone": "+14155550100", "first_name": "Same", "last_name": "Phone"}
            ]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        [
            "invitees[1].email",
            "invitees[2].first_name",
            "invitees[3].phone"
        ]
    );
    // A row that conflicts with the account: the admin's own login.
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": group, "invitees": [
                {"phone": "+14155550100", "first_name": "Ok", "last_name": "Row"},
                {"email": "ADA@agency.example", "first_name": "Ada", "last_name": "L"}
            ]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::CONFLICT, "login_belongs_to_employee").await;
    assert_eq!(error_fields(&problem), ["invitees[1].email"]);
    nothing_was_created_or_sent(&app, &admin.token).await;
}

#[tokio::test]
async fn a_dry_run_checks_everything_and_writes_and_sends_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let body = json!({"type": "extranet", "workgroup": {"name": "New client", "kind": "project"}, "dry_run": true,
                      "invitees": [{"phone": "+14155550100", "first_name": "A", "last_name": "B"}]});
    let (status, answer) =
        json_of(app.post("/v1/invitations", Some(&admin.token), body).await).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["dry_run"], true);
    assert_eq!(answer["workgroup"]["name"], "New client");
    assert_eq!(answer["workgroup"]["allow_external"], true);
    assert_eq!(answer["results"][0]["outcome"], "invited");
    assert_eq!(answer["results"][0]["invitation"]["phone"], "+14155550100");
    let (_, groups) = json_of(app.get("/v1/workgroups", &admin.token).await).await;
    assert_eq!(
        groups["items"],
        json!([]),
        "the dry run created a workgroup"
    );
    // A dry run that would not fit says so.
    let invitees: Vec<Value> = (0..5)
        .map(|i| json!({"phone": format!("+1415555011{i}"), "first_name": "P", "last_name": "Q"}))
        .collect();
    let res = app
        .post("/v1/invitations", Some(&admin.token), json!({"type": "extranet", "workgroup": {"name": "X"}, "dry_run": true, "invitees": invitees}))
        .await;
    assert_problem(res, StatusCode::CONFLICT, "user_limit_reached").await;
    nothing_was_created_or_sent(&app, &admin.token).await;
}

#[tokio::test]
async fn an_invitation_can_create_its_extranet_workgroup() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let (status, created) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup": {"name": "Client portal"},
                   "invitees": [{"phone": "+14155550100", "first_name": "A", "last_name": "B"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let group = created["workgroup"]["id"].as_str().unwrap();
    assert_eq!(created["workgroup"]["allow_external"], true);
    assert_eq!(created["results"][0]["invitation"]["workgroup_id"], group);
    let (_, members) = json_of(
        app.get(&format!("/v1/workgroups/{group}/members"), &admin.token)
            .await,
    )
    .await;
    assert_eq!(members["items"][0]["user_id"], admin.user_id.as_str());
    assert_eq!(members["items"][0]["role"], "owner");
}

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

#[tokio::test]
async fn an_idempotency_key_replays_the_first_response() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let body = json!({"type": "extranet", "workgroup_id": group,
                      "invitees": [{"phone": "+14155550101", "first_name": "A", "last_name": "B"}]});
    let send = |body: Value| {
        app.client
            .post(app.url("/v1/invitations"))
            .bearer_auth(&admin.token)
            .header("Idempotency-Key", "batch-0001")
            .json(&body)
            .send()
    };
    let first = send(body.clone()).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let second = send(body.clone()).await.unwrap();
    assert_eq!(second.status(), StatusCode::CREATED);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    let second: Value = second.json().await.unwrap();
    assert_eq!(first, second);
    let (_, list) = json_of(app.get("/v1/invitations", &admin.token).await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    let mut other = body.clone();
    other["message"] = json!("something else");
    let res = send(other).await.unwrap();
    assert_problem(
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    // Keys belong to the account: another account's same key is its own.
    let other_account = app.sign_up("bo@elsewhere.example", "basic").await;
    let other_group = app.workgroup(&other_account.token, "Theirs", true).await;
    let res = app
        .client
        .post(app.url("/v1/invitations"))
        .bearer_auth(&other_account.token)
        .header("Idempotency-Key", "batch-0001")
        .json(&json!({"type": "extranet", "workgroup_id": other_group,
                      "invitees": [{"phone": "+14155550101", "first_name": "A", "last_name": "B"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn who_may_invite_and_where() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    // An employee, invited and accepted.
    let (status, _) = json_of(
        app.post("/v1/invitations", Some(&admin.token),
                 json!({"type": "intranet", "invitees": [{"phone": "+14155550200", "first_name": "Em", "last_name": "Ployee"}]}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, employee) = app.accept(&app.sms.token("+14155550200", 0).await).await;
    assert_eq!(employee["user"]["type"], "intranet");
    assert_eq!(employee["user"]["is_admin"], false);
    let employee = employee["access_token"].as_str().unwrap().to_owned();
    // An external user.
    app.invite_phone(&admin.token, &group, "+14155550300").await;
    let (_, external) = app.accept(&app.sms.token("+14155550300", 0).await).await;
    let external = external["access_token"].as_str().unwrap().to_owned();

    let invite = |token: String, group: Option<String>, phone: &'static str| {
        let app = &app;
        async move {
            let mut body = json!({"type": "extranet", "invitees": [{"phone": phone, "first_name": "A", "last_name": "B"}]});
            match group {
                Some(g) => body["workgroup_id"] = json!(g),
                None => body["workgroup"] = json!({"name": "Own group"}),
            }
            app.post("/v1/invitations", Some(&token), body).await
        }
    };
    // Only admins invite while the account says so.
    let res = invite(employee.clone(), None, "+14155550401").await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;
    // External users never invite new people.
    let res = invite(external.clone(), Some(group.clone()), "+14155550402").await;
    assert_problem(res, StatusCode::FORBIDDEN, "extranet_user_cannot_invite").await;

    let res = app
        .call(
            Method::PATCH,
            "/v1/account",
            Some(&admin.token),
            Some(json!({"who_can_invite": "employees"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // Now employees may, into a group of their own…
    let res = invite(employee.clone(), None, "+14155550403").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // …but into someone else's only as its invite policy allows: not as a non-member.
    let res = invite(employee.clone(), Some(group.clone()), "+14155550404").await;
    assert_problem(res, StatusCode::FORBIDDEN, "workgroup_policy_forbids").await;
    let res = invite(external, Some(group.clone()), "+14155550405").await;
    assert_problem(res, StatusCode::FORBIDDEN, "extranet_user_cannot_invite").await;

    // The account's domain rules apply to external invitees' email domains.
    let res = app
        .call(
            Method::PATCH,
            "/v1/account",
            Some(&admin.token),
            Some(json!({"external_domains": {"deny": ["rival.example"]}})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": group, "invitees": [
                  {"email": "spy@rival.example", "first_name": "S", "last_name": "Py"}]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "domain_not_allowed");
    assert_eq!(problem["errors"][0]["field"], "invitees[0].email");
}

#[tokio::test]
async fn pending_logins_and_existing_users_are_handled_per_row() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let first = app.workgroup(&admin.token, "First", true).await;
    let second = app.workgroup(&admin.token, "Second", true).await;
    let pending = app.invite_phone(&admin.token, &first, "+14155550101").await;
    app.invite_phone(&admin.token, &first, "+14155550102").await;
    let (_, external) = app.accept(&app.sms.token("+14155550102", 0).await).await;

    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": second, "invitees": [
                  {"phone": "+14155550101", "first_name": "A", "last_name": "B"}]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::CONFLICT, "invitation_pending").await;
    assert_eq!(problem["errors"][0]["invitation_id"], pending["id"]);
    assert_eq!(problem["errors"][0]["field"], "invitees[0].phone");

    // An active external user gets a membership invitation to the other group: no new seat.
    let before = app.usage(&admin.token).await;
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": second, "invitees": [
                     {"phone": "+14155550102", "first_name": "A", "last_name": "B"},
                     {"phone": "+14155550103", "first_name": "C", "last_name": "D"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["results"][0]["outcome"], "workgroup_invitation");
    assert_eq!(
        body["results"][0]["membership"]["user_id"],
        external["user"]["id"]
    );
    assert_eq!(body["results"][0]["membership"]["status"], "invited");
    assert_eq!(body["results"][1]["outcome"], "invited");
    let after = app.usage(&admin.token).await;
    assert_eq!(
        after["pending_invitations"].as_u64(),
        before["pending_invitations"].as_u64().map(|p| p + 1)
    );
    let (_, members) = json_of(
        app.get(&format!("/v1/workgroups/{second}/members"), &admin.token)
            .await,
    )
    .await;
    let invited: Vec<_> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "invited")
        .map(|m| m["user_id"].clone())
        .collect();
    assert_eq!(invited, [external["user"]["id"].clone()]);
    // They are told by SMS.
    let texts = app.sms.wait_for("+14155550102", 2).await;
    assert!(texts[1]["text"].as_str().unwrap().contains("Second"));
    // Already a member of the first group: that row is refused.
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": first, "invitees": [
                  {"phone": "+14155550102", "first_name": "A", "last_name": "B"}]}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "already_member").await;
}
