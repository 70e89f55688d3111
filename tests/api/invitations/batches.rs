//! A batch of invitations is decided whole: every row is written and sent, or none is, with
//! every bad row named.

use crate::support::drain::outbox_drained;
use crate::support::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn nothing_was_created_or_sent(app: &TestApp, admin: &str) {
    let (_, list) = json_of(app.get("/v1/invitations", admin).await).await;
    assert_eq!(list["items"], json!([]), "no invitation may exist");
    assert_eq!(app.usage(admin).await["pending_invitations"], 0);
    // Nothing waits to be sent, so nothing ever will be.
    outbox_drained(app).await;
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
    // Both ways to name a workgroup, and a bad row: both problems in one answer.
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": group, "workgroup": {"name": "New"},
                   "invitees": [{"email": "not-an-email", "first_name": "Bad", "last_name": "Row"}]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["workgroup", "invitees[0].email"]);
    assert_eq!(problem["errors"][0]["code"], "workgroup_or_workgroup_id");
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

/// Every state a login can be in, in one batch: each row gets its own answer, whatever way the
/// backend looks the logins up (one at a time on SQLite, all together on PostgreSQL).
#[actix_web::test]
async fn one_batch_meets_every_kind_of_login_and_names_each_row() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let group = app.workgroup(&admin.token, "Launch", true).await;
    let other = app.workgroup(&admin.token, "Other", true).await;
    app.join(&admin.token, "intranet", None, "+14155550201")
        .await;
    let leaver = app
        .join(&admin.token, "intranet", None, "+14155550202")
        .await;
    app.dismiss(&admin.token, &leaver.id).await;
    app.join(&admin.token, "extranet", Some(&group), "+14155550203")
        .await;
    let elsewhere = app
        .join(&admin.token, "extranet", Some(&other), "+14155550204")
        .await;
    let pending = app.invite_phone(&admin.token, &other, "+14155550205").await;
    let row = |phone: &str| json!({"phone": phone, "first_name": "A", "last_name": "B"});
    let batch =
        |rows: Vec<Value>| json!({"type": "extranet", "workgroup_id": group, "invitees": rows});

    let before = app.usage(&admin.token).await;
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            batch(vec![
                row("+14155550201"),
                row("+14155550202"),
                row("+14155550203"),
                row("+14155550204"),
                row("+14155550205"),
                row("+14155550206"),
            ]),
        )
        .await;
    // Four rows, three reasons: the top-level code says they disagree.
    let problem = assert_problem(res, StatusCode::CONFLICT, "batch_refused").await;
    let indexes: Vec<u64> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["index"].as_u64().unwrap())
        .collect();
    assert_eq!(indexes, [0, 1, 2, 4]);
    let codes: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("invitees[0].phone", "login_belongs_to_employee"),
        ("invitees[1].phone", "login_belongs_to_dismissed_user"),
        ("invitees[2].phone", "already_member"),
        ("invitees[4].phone", "invitation_pending"),
    ];
    assert_eq!(
        codes,
        expected.map(|(f, c)| (f.to_owned(), c.to_owned())),
        "{problem}"
    );
    assert_eq!(problem["errors"][3]["invitation_id"], pending["id"]);
    assert_eq!(app.usage(&admin.token).await, before, "nothing was written");

    // Without the refused rows: the external user of the other group is asked into this one,
    // the new login is invited.
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin.token),
            batch(vec![row("+14155550204"), row("+14155550206")]),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["results"][0]["outcome"], "workgroup_invitation");
    assert_eq!(
        body["results"][0]["membership"]["user_id"],
        elsewhere.id.as_str()
    );
    assert_eq!(body["results"][1]["outcome"], "invited");
}
