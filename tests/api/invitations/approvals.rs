//! Approval of invitations (issue #29): with `who_can_invite: employees_with_approval` an
//! employee's batch is created `awaiting_approval` — seats held, nothing sent —; an
//! administrator approves (sent then, the link works) or rejects (the seat is free); the
//! employee is told, in their language; administrators' batches are never held. A held
//! invitation's link opens nothing, it is not resent before approval, and it may be revoked.

use crate::support::drain::outbox_drained;
use crate::support::helpers::*;
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// An account on `plan` whose employees invite with an administrator's approval: its admin,
/// an employee (by phone) who is a member of an extranet workgroup, and that workgroup.
pub struct Approvals {
    pub admin: SignedUp,
    pub employee: Person,
    pub employee_phone: &'static str,
    pub group: String,
}

pub async fn with_approvals(app: &TestApp, plan: &str) -> Approvals {
    let admin = app.sign_up("ada@agency.example", plan).await;
    let employee_phone = "+14155550111";
    let employee = app
        .join(&admin.token, "intranet", None, employee_phone)
        .await;
    change(
        app,
        &admin.token,
        "/v1/account",
        json!({"who_can_invite": "employees_with_approval"}),
    )
    .await;
    let group = app.workgroup(&admin.token, "Client site", true).await;
    app.add_and_accept(&admin.token, &group, &employee, "member")
        .await;
    Approvals {
        admin,
        employee,
        employee_phone,
        group,
    }
}

/// The body of an extranet batch of `emails` into `group`.
pub fn batch_of(group: &str, emails: &[&str]) -> Value {
    let invitees: Vec<Value> = emails
        .iter()
        .map(|e| json!({"email": e, "first_name": "Ann", "last_name": "Lee"}))
        .collect();
    json!({"type": "extranet", "workgroup_id": group, "invitees": invitees})
}

/// Sends a batch as `token`, which must be created; returns its invitations.
pub async fn invite(app: &TestApp, token: &str, body: Value) -> Vec<Value> {
    let (status, created) = json_of(app.post("/v1/invitations", Some(token), body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["invitation"].clone())
        .collect()
}

/// `POST /v1/invitations/{id}/{step}` (`approve`, `reject`, `revoke`) as `token`.
pub async fn decide(app: &TestApp, token: &str, id: &str, step: &str) -> (StatusCode, Value) {
    app.json(
        Method::POST,
        &format!("/v1/invitations/{id}/{step}"),
        token,
        None,
    )
    .await
}

/// The ids of the account's invitations with `status`.
async fn listed(app: &TestApp, token: &str, status: &str) -> Vec<String> {
    let (code, page) = json_of(
        app.get(&format!("/v1/invitations?status={status}"), token)
            .await,
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The texts sent to `phone` that contain `words`.
fn texts_with(app: &TestApp, phone: &str, words: &str) -> Vec<String> {
    app.sms
        .inbox
        .all()
        .iter()
        .filter(|m| m["to"] == phone)
        .filter_map(|m| m["text"].as_str())
        .filter(|t| t.contains(words))
        .map(str::to_owned)
        .collect()
}

/// The emails sent to `to`.
fn mails_to(app: &TestApp, to: &str) -> usize {
    app.mail
        .inbox
        .all()
        .iter()
        .filter(|m| {
            m["to"]
                .as_array()
                .is_some_and(|a| a.iter().any(|r| r == to))
        })
        .count()
}

/// The usage's counters equal a recount of the users and invitations that hold a seat.
pub async fn assert_counters_are_the_recount(app: &TestApp, token: &str) {
    let usage = app.seats(token).await;
    let (_, users) = json_of(app.get("/v1/users?status=active&limit=200", token).await).await;
    let (_, invitations) = json_of(app.get("/v1/invitations?limit=200", token).await).await;
    assert_usage_is_the_recount(
        &usage,
        users["items"].as_array().unwrap(),
        invitations["items"].as_array().unwrap(),
    );
}

/// `usage`'s seat counters equal a recount of the active `users` and of the `invitations`
/// that hold a seat (pending, or waiting for approval).
pub fn assert_usage_is_the_recount(usage: &Value, users: &[Value], invitations: &[Value]) {
    let of_type = |t: &str| users.iter().filter(|u| u["type"] == t).count();
    let holding = invitations
        .iter()
        .filter(|i| i["status"] == "pending" || i["status"] == "awaiting_approval")
        .count();
    assert_eq!(
        (
            &usage["active_intranet"],
            &usage["active_extranet"],
            &usage["pending_invitations"]
        ),
        (
            &json!(of_type("intranet")),
            &json!(of_type("extranet")),
            &json!(holding)
        ),
        "the counters are not the recount: {usage}"
    );
}

#[tokio::test]
async fn an_employees_batch_waits_for_approval_and_goes_out_once_approved() {
    let app = TestApp::spawn().await;
    let a = with_approvals(&app, "basic").await;
    let before = app.usage(&a.admin.token).await["available"].clone();
    assert_eq!(before, 3, "the admin and the employee hold two of five");

    let held = invite(
        &app,
        &a.employee.token,
        batch_of(&a.group, &["ann@client.example", "bo@client.example"]),
    )
    .await;
    for invitation in &held {
        assert_eq!(invitation["status"], "awaiting_approval", "{invitation}");
        assert_eq!(invitation["sent_count"], 0);
        assert_eq!(invitation["delivery"], Value::Null);
        assert_eq!(invitation["invited_by"], json!(a.employee.id));
    }
    // Seats held; nothing sent.
    let usage = app.usage(&a.admin.token).await;
    assert_eq!(
        (&usage["pending_invitations"], &usage["available"]),
        (&json!(2), &json!(1)),
        "{usage}"
    );
    outbox_drained(&app).await;
    assert_eq!(mails_to(&app, "ann@client.example"), 0);
    assert_eq!(mails_to(&app, "bo@client.example"), 0);
    // What an administrator finds to approve; nothing of it is pending yet.
    let ann = held[0]["id"].as_str().unwrap();
    let bo = held[1]["id"].as_str().unwrap();
    let mut waiting = listed(&app, &a.admin.token, "awaiting_approval").await;
    waiting.sort();
    let mut expected = vec![ann.to_owned(), bo.to_owned()];
    expected.sort();
    assert_eq!(waiting, expected);
    assert!(listed(&app, &a.admin.token, "pending").await.is_empty());
    // Not resent before it is approved.
    assert_problem(
        app.resend(&a.employee.token, ann).await,
        StatusCode::CONFLICT,
        "invitation_awaiting_approval",
    )
    .await;

    let (status, approved) = decide(&app, &a.admin.token, ann, "approve").await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "pending");
    assert_eq!(approved["sent_count"], 1);
    assert_eq!(approved["delivery"]["state"], "queued");
    // Its seat was held already: approving takes none.
    assert_eq!(app.usage(&a.admin.token).await["available"], 1);
    // Sent now, and the link works.
    let token = app.email_token("ann@client.example", 0).await;
    let (status, accepted) = app.accept(&token).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    assert_eq!(accepted["user"]["type"], "extranet");
    // The employee is told.
    // Its invitation and the workgroup's notice came first.
    app.sms.wait_for(a.employee_phone, 3).await;
    let told = texts_with(&app, a.employee_phone, "approved your invitation");
    assert_eq!(told.len(), 1, "{:?}", app.sms.inbox.all());
    assert!(
        told[0].contains("Ann Lee (ann@client.example)"),
        "{}",
        told[0]
    );
    // Approved once; a second approval has nothing to approve.
    let (status, problem) = decide(&app, &a.admin.token, ann, "approve").await;
    assert_refused(
        status,
        &problem,
        StatusCode::CONFLICT,
        "invitation_not_awaiting_approval",
    );
    // Each held row is recorded as asked for approval, not created; only the employee's own
    // invitation (by the admin) was `invitation.created`.
    let actions = app.audit_actions();
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(
        (
            count("invitation.created"),
            count("invitation.approval_requested"),
            count("invitation.approved")
        ),
        (1, 2, 1),
        "{actions:?}"
    );
    assert_counters_are_the_recount(&app, &a.admin.token).await;
    // The other one still waits, its message unsent.
    outbox_drained(&app).await;
    assert_eq!(mails_to(&app, "bo@client.example"), 0);
    assert_eq!(
        listed(&app, &a.admin.token, "awaiting_approval").await,
        [bo]
    );
}

#[tokio::test]
async fn a_rejected_invitation_frees_its_seat_and_its_inviter_is_told_in_their_language() {
    let app = TestApp::spawn().await;
    let a = with_approvals(&app, "basic").await;
    change(
        &app,
        &a.employee.token,
        "/v1/network/profile",
        json!({"locale": "de"}),
    )
    .await;
    let held = invite(
        &app,
        &a.employee.token,
        batch_of(&a.group, &["bo@client.example"]),
    )
    .await;
    let bo = held[0]["id"].as_str().unwrap();
    assert_eq!(app.usage(&a.admin.token).await["available"], 2);

    let (status, rejected) = decide(&app, &a.admin.token, bo, "reject").await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(rejected["status"], "rejected");
    let usage = app.usage(&a.admin.token).await;
    assert_eq!(
        (&usage["pending_invitations"], &usage["available"]),
        (&json!(0), &json!(3)),
        "{usage}"
    );
    assert_eq!(listed(&app, &a.admin.token, "rejected").await, [bo]);
    assert!(listed(&app, &a.admin.token, "revoked").await.is_empty());
    let (_, shown) = json_of(
        app.get(&format!("/v1/invitations/{bo}"), &a.admin.token)
            .await,
    )
    .await;
    assert_eq!(shown["status"], "rejected");
    // Told in German, the language the employee chose.
    // Its invitation and the workgroup's notice came first.
    app.sms.wait_for(a.employee_phone, 3).await;
    let told = texts_with(&app, a.employee_phone, "nicht freigegeben");
    assert_eq!(told.len(), 1, "{:?}", app.sms.inbox.all());
    assert!(told[0].contains("Ada Lovelace"), "{}", told[0]);
    // Nothing was ever sent to Bo.
    outbox_drained(&app).await;
    assert_eq!(mails_to(&app, "bo@client.example"), 0);
    // Decided once.
    for step in ["reject", "approve"] {
        let (status, problem) = decide(&app, &a.admin.token, bo, step).await;
        assert_refused(
            status,
            &problem,
            StatusCode::CONFLICT,
            "invitation_not_awaiting_approval",
        );
    }
    app.assert_audited(&["invitation.approval_requested", "invitation.rejected"]);
    // The login is free again: Bo can be asked for again.
    let again = invite(
        &app,
        &a.employee.token,
        batch_of(&a.group, &["bo@client.example"]),
    )
    .await;
    assert_eq!(again[0]["status"], "awaiting_approval");
    assert_counters_are_the_recount(&app, &a.admin.token).await;
}

#[tokio::test]
async fn administrators_batches_are_never_held() {
    let app = TestApp::spawn().await;
    let a = with_approvals(&app, "basic").await;
    let sent = invite(
        &app,
        &a.admin.token,
        batch_of(&a.group, &["cy@client.example"]),
    )
    .await;
    assert_eq!(sent[0]["status"], "pending");
    assert_eq!(sent[0]["sent_count"], 1);
    let token = app.email_token("cy@client.example", 0).await;
    let (status, _) = app.accept(&token).await;
    assert_eq!(status, StatusCode::CREATED);
    // The setting is the account's, as the API shows it.
    let (_, account) = json_of(app.get("/v1/account", &a.admin.token).await).await;
    assert_eq!(account["who_can_invite"], "employees_with_approval");
    // Employees' intranet invitations wait too.
    let held = invite(
        &app,
        &a.employee.token,
        json!({"type": "intranet", "invitees": [{"phone": "+14155550122", "first_name": "Di", "last_name": "Ho"}]}),
    )
    .await;
    assert_eq!(held[0]["status"], "awaiting_approval");
    app.assert_audited(&["invitation.created", "invitation.approval_requested"]);
}

#[tokio::test]
async fn a_held_invitations_link_opens_nothing_until_it_is_approved() {
    let app = TestApp::spawn().await;
    let a = with_approvals(&app, "free").await;
    let held = invite(
        &app,
        &a.employee.token,
        batch_of(&a.group, &["ann@client.example"]),
    )
    .await;
    let ann = held[0]["id"].as_str().unwrap().to_owned();
    let (status, _) = decide(&app, &a.admin.token, &ann, "approve").await;
    assert_eq!(status, StatusCode::OK);
    let first = app.email_token("ann@client.example", 0).await;
    // It expires unanswered; the employee sends it anew, so it waits for approval again.
    app.clock.advance(Duration::days(8));
    let (status, login) = app
        .login(a.employee_phone, PASSWORD, Some(&a.admin.account_id))
        .await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let employee = login["access_token"].as_str().unwrap().to_owned();
    let admin = admin_token(&app, "ada@agency.example", &a.admin.account_id).await;
    let (status, resent) = json_of(app.resend(&employee, &ann).await).await;
    assert_eq!(status, StatusCode::OK, "{resent}");
    assert_eq!(resent["status"], "awaiting_approval");
    // The link the person holds opens nothing while it waits: like a dead one.
    for path in ["/v1/invitations/lookup", "/v1/invitations/decline"] {
        assert_problem(
            app.post(path, None, json!({"token": first})).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let (status, refused) = app.accept(&first).await;
    assert_refused(status, &refused, StatusCode::NOT_FOUND, "not_found");
    outbox_drained(&app).await;
    assert_eq!(mails_to(&app, "ann@client.example"), 1);
    // Approved: a new link goes out and works; the old one stays dead.
    let (status, approved) = decide(&app, &admin, &ann, "approve").await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["sent_count"], 2);
    let second = app.email_token("ann@client.example", 1).await;
    assert_ne!(first, second);
    let (status, _) = app.accept(&first).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, accepted) = app.accept(&second).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
}

#[tokio::test]
async fn a_held_invitation_is_revoked_by_its_inviter_and_expires_like_a_pending_one() {
    let app = TestApp::spawn().await;
    let a = with_approvals(&app, "basic").await;
    let held = invite(
        &app,
        &a.employee.token,
        batch_of(&a.group, &["ann@client.example", "bo@client.example"]),
    )
    .await;
    let (ann, bo) = (
        held[0]["id"].as_str().unwrap(),
        held[1]["id"].as_str().unwrap(),
    );
    // Taken back by the employee who sent it: the seat is free.
    let (status, revoked) = decide(&app, &a.employee.token, ann, "revoke").await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(app.usage(&a.admin.token).await["available"], 2);
    let (status, problem) = decide(&app, &a.admin.token, ann, "approve").await;
    assert_refused(
        status,
        &problem,
        StatusCode::CONFLICT,
        "invitation_not_awaiting_approval",
    );
    // Unanswered for the invitations' lifetime, the other expires and frees its seat.
    app.clock.advance(Duration::days(8));
    let admin = admin_token(&app, "ada@agency.example", &a.admin.account_id).await;
    let usage = app.usage(&admin).await;
    assert_eq!(
        (&usage["pending_invitations"], &usage["available"]),
        (&json!(0), &json!(3)),
        "{usage}"
    );
    assert_eq!(listed(&app, &admin, "expired").await, [bo]);
    assert!(listed(&app, &admin, "awaiting_approval").await.is_empty());
    // Approved late, it takes a seat again and is sent, valid from now.
    let (status, approved) = decide(&app, &admin, bo, "approve").await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "pending");
    assert_eq!(app.usage(&admin).await["available"], 2);
    let token = app.email_token("bo@client.example", 0).await;
    let (status, lookup) = json_of(
        app.post("/v1/invitations/lookup", None, json!({"token": token}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{lookup}");
    assert_counters_are_the_recount(&app, &admin).await;
}

#[tokio::test]
async fn only_the_accounts_administrators_approve_or_reject_and_only_what_is_held() {
    let app = TestApp::spawn().await;
    let a = with_approvals(&app, "free").await;
    let held = invite(
        &app,
        &a.employee.token,
        batch_of(&a.group, &["ann@client.example"]),
    )
    .await;
    let ann = held[0]["id"].as_str().unwrap();
    // Not the employee, not even their own invitation.
    for step in ["approve", "reject"] {
        let (status, problem) = decide(&app, &a.employee.token, ann, step).await;
        assert_refused(status, &problem, StatusCode::FORBIDDEN, "admin_required");
    }
    // Nor an external user of the account.
    let external = app
        .join(&a.admin.token, "extranet", Some(&a.group), "+14155550133")
        .await;
    for step in ["approve", "reject"] {
        let (status, problem) = decide(&app, &external.token, ann, step).await;
        assert_refused(
            status,
            &problem,
            StatusCode::FORBIDDEN,
            "intranet_user_required",
        );
    }
    // Another account's administrator does not see it.
    let other = app.sign_up("eve@elsewhere.example", "free").await;
    for step in ["approve", "reject"] {
        let (status, problem) = decide(&app, &other.token, ann, step).await;
        assert_refused(status, &problem, StatusCode::NOT_FOUND, "not_found");
    }
    // Nothing of it changed.
    let (_, still) = json_of(
        app.get(&format!("/v1/invitations/{ann}"), &a.admin.token)
            .await,
    )
    .await;
    assert_eq!(still["status"], "awaiting_approval");
    // Invitations that never waited, or no longer do: 409 with the reason.
    let pending = invite(
        &app,
        &a.admin.token,
        batch_of(&a.group, &["cy@client.example", "di@client.example"]),
    )
    .await;
    let (cy, di) = (
        pending[0]["id"].as_str().unwrap(),
        pending[1]["id"].as_str().unwrap(),
    );
    let token = app.email_token("cy@client.example", 0).await;
    assert_eq!(app.accept(&token).await.0, StatusCode::CREATED);
    assert_eq!(
        decide(&app, &a.admin.token, di, "revoke").await.0,
        StatusCode::OK
    );
    let accepted = app
        .json(
            Method::GET,
            "/v1/invitations?status=accepted",
            &a.admin.token,
            None,
        )
        .await
        .1;
    assert_eq!(accepted["items"][0]["id"], json!(cy));
    for (id, was) in [(cy, "accepted"), (di, "revoked")] {
        for step in ["approve", "reject"] {
            let (status, problem) = decide(&app, &a.admin.token, id, step).await;
            assert_refused(
                status,
                &problem,
                StatusCode::CONFLICT,
                "invitation_not_awaiting_approval",
            );
            assert!(
                problem["detail"].as_str().unwrap().contains(was),
                "{problem}"
            );
        }
    }
    let fresh = invite(
        &app,
        &a.admin.token,
        batch_of(&a.group, &["ed@client.example"]),
    )
    .await;
    let (status, problem) = decide(
        &app,
        &a.admin.token,
        fresh[0]["id"].as_str().unwrap(),
        "approve",
    )
    .await;
    assert_refused(
        status,
        &problem,
        StatusCode::CONFLICT,
        "invitation_not_awaiting_approval",
    );
    assert!(problem["detail"].as_str().unwrap().contains("pending"));
}
