//! The person erases themself: every account forgets them, and the database holds their
//! login, names and messages nowhere.

use super::*;
use crate::auth::two_factor::{enroll, fresh_code};
use crate::support::traces::stored_anywhere;
use crate::support::webhook_receiver::Receiver;
use crate::support::webhooks::subscribe;

async fn ask_code(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post(
        "/v1/network/profile/erase/code",
        Some(token),
        json!({"password": password}),
    )
    .await
}

async fn erase(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post("/v1/network/profile/erase", Some(token), body)
        .await
}

/// Asks for a code as `token` and returns it, once it has arrived at `login`.
async fn code_for(app: &TestApp, token: &str, login: &str) -> String {
    let before = app.codes_sent(login).len();
    let (status, body) = json_of(ask_code(app, token, PASSWORD).await).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["sent_to"], login);
    assert_eq!(body["expires_in"], 900);
    app.code_sent(login, before).await
}

#[tokio::test]
async fn a_person_erased_leaves_no_trace_and_every_account_an_erased_user() {
    let app = TestApp::spawn_with(|c| {
        c.webhook_allow_loopback = true;
        c.resend_interval_seconds = 0;
    })
    .await;
    let receiver = Receiver::start().await;
    let login = "ottoline.v@client.example";
    let a = app.sign_up("ada@agency.example", "basic").await;
    let b = app.sign_up("bea@partner.example", "basic").await;
    let c = app.sign_up("cy@third.example", "basic").await;
    let events = [
        "user.erased",
        "user.dismissed",
        "invitation.created",
        "invitation.accepted",
        "invitation.declined",
    ];
    subscribe(&app, &a.token, &receiver.url, &events).await;
    let group_a = app.workgroup(&a.token, "Site A", true).await;
    let group_b = app.workgroup(&b.token, "Site B", true).await;
    let group_c = app.workgroup(&c.token, "Site C", true).await;

    // Invited into A and B (accepted: a new profile, then the same one), and into C (pending).
    invite_person(&app, &a.token, &group_a, login).await;
    let in_a = accept_nth(&app, login, 0).await;
    invite_person(&app, &b.token, &group_b, login).await;
    let in_b = accept_nth(&app, login, 1).await;
    let pending_c = invite_person(&app, &c.token, &group_c, login).await;
    let user_a = in_a["user"]["id"].as_str().unwrap().to_owned();
    let user_b = in_b["user"]["id"].as_str().unwrap().to_owned();
    let token = in_a["access_token"].as_str().unwrap().to_owned();
    receiver.wait_for("invitation.accepted", 1).await;
    // A wrong password and a password reset leave rows keyed by the login.
    let (status, _) = app.login(login, "not the password", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = json_of(
        app.post("/v1/auth/password-reset", None, json!({"login": login}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // Its code arrived (so that the erasure's code is told apart from it).
    app.code_sent(login, 0).await;
    let before = stored_anywhere(&app, &[login, FIRST, LAST, MESSAGE]);
    assert!(!before.is_empty(), "the person is stored before");

    // A wrong code erases nothing.
    let code = code_for(&app, &token, login).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let res = erase(&app, &token, json!({"password": PASSWORD, "code": wrong})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
    assert!(user(&app, &a.token, &user_a).await["erased_at"].is_null());

    let (status, erased) =
        json_of(erase(&app, &token, json!({"password": PASSWORD, "code": code})).await).await;
    assert_eq!(status, StatusCode::OK, "{erased}");
    assert_eq!(erased["status"], "erased");
    assert_eq!(erased["accounts"], 2);

    // Every token stops; the password opens nothing.
    let res = app.get("/v1/me", &token).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Each account shows an erased user, found by none of the person's words, its seat free.
    for (admin, id) in [(&a.token, &user_a), (&b.token, &user_b)] {
        let shown = user(&app, admin, id).await;
        assert_erased(&shown);
        assert!(shown.get("dismissal").is_none(), "{shown}");
        for q in [FIRST, LAST, login] {
            let (_, found) = app
                .json(Method::GET, &format!("/v1/users?q={q}"), admin, None)
                .await;
            assert_eq!(found["items"], json!([]), "{q}: {found}");
        }
        assert_seats_recounted(&app, admin).await;
    }
    // What waited for them is declined, its seat given back.
    let (_, invitation) = app
        .json(
            Method::GET,
            &format!("/v1/invitations/{}", pending_c["id"].as_str().unwrap()),
            &c.token,
            None,
        )
        .await;
    assert_eq!(invitation["status"], "declined", "{invitation}");
    assert_seats_recounted(&app, &c.token).await;
    // Audited (who and when, not what) and told, the resource as the API shows it now.
    let (_, audit) = app
        .json(Method::GET, "/v1/audit-events?limit=100", &a.token, None)
        .await;
    let erasure = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "user.erased")
        .cloned()
        .expect("user.erased audited");
    assert_eq!(erasure["details"], json!({"by": "person"}), "{erasure}");
    let told = receiver.wait_for("user.erased", 1).await;
    assert_eq!(
        told[0]["event"]["data"]["user"],
        user(&app, &a.token, &user_a).await
    );

    // No table holds the login, the names or the message any more.
    let left = stored_anywhere(&app, &[login, FIRST, LAST, MESSAGE]);
    assert!(left.is_empty(), "traces left: {left:#?}");
    // (A login tried from now on is a stranger's attempt, counted as any unknown login's.)
    let (status, _) = app.login(login, PASSWORD, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The login is free: invited again, it is a new person.
    let again = invite_person(&app, &a.token, &group_a, login).await;
    assert_eq!(again["status"], "pending", "{again}");
}

#[tokio::test]
async fn an_erasure_asks_for_the_password_a_fresh_code_and_the_second_factor() {
    let app = TestApp::spawn().await;
    let a = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&a.token, "Site", true).await;
    let login = "ottoline.v@client.example";
    invite_person(&app, &a.token, &group, login).await;
    let person = accept_nth(&app, login, 0).await;
    let token = person["access_token"].as_str().unwrap().to_owned();
    let id = person["user"]["id"].as_str().unwrap().to_owned();

    // A wrong password: no code goes out.
    let before = app.codes_sent(login).len();
    let res = ask_code(&app, &token, "not the password").await;
    assert_problem(res, StatusCode::FORBIDDEN, "wrong_current_password").await;
    // No code asked for: any code is wrong.
    let res = erase(
        &app,
        &token,
        json!({"password": PASSWORD, "code": "123456"}),
    )
    .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
    assert_eq!(app.codes_sent(login).len(), before);
    // Someone else's code is not the person's.
    let other = app.sign_up("bob@agency.example", "basic").await;
    let others_code = code_for(&app, &other.token, "bob@agency.example").await;
    let res = erase(
        &app,
        &token,
        json!({"password": PASSWORD, "code": others_code}),
    )
    .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
    // A code past its 15 minutes.
    let code = code_for(&app, &token, login).await;
    app.clock.advance(chrono::Duration::minutes(16));
    let res = erase(&app, &token, json!({"password": PASSWORD, "code": code})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
    // The right code with a wrong password.
    let code = code_for(&app, &token, login).await;
    let res = erase(
        &app,
        &token,
        json!({"password": "not the password", "code": code}),
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN, "wrong_current_password").await;
    // With two-step on, the second factor too.
    let (secret, _) = enroll(&app, &token).await;
    let res = erase(&app, &token, json!({"password": PASSWORD, "code": code})).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "second_factor_required").await;
    assert!(user(&app, &a.token, &id).await["erased_at"].is_null());
    let res = erase(
        &app,
        &token,
        json!({"password": PASSWORD, "code": code, "second_factor_code": fresh_code(&app, &secret)}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_erased(&user(&app, &a.token, &id).await);
    let left = stored_anywhere(&app, &[login, FIRST, LAST]);
    assert!(left.is_empty(), "traces left: {left:#?}");
}

#[tokio::test]
async fn the_last_administrator_cannot_erase_themself() {
    let app = TestApp::spawn().await;
    let a = app.sign_up("ada@agency.example", "basic").await;
    let code = code_for(&app, &a.token, "ada@agency.example").await;
    let res = erase(&app, &a.token, json!({"password": PASSWORD, "code": code})).await;
    assert_problem(res, StatusCode::CONFLICT, "last_admin").await;
    // Nothing changed: she still runs the account.
    let me = user(&app, &a.token, &a.user_id).await;
    assert_eq!(me["status"], "active");
    assert_eq!(me["first_name"], "Ada");
}

#[tokio::test]
async fn an_erasure_code_left_unused_is_swept_once_it_dies() {
    use diesel::prelude::*;
    use persistence::schema::erasure_codes;
    let app = TestApp::spawn().await;
    let a = app.sign_up("ada@agency.example", "basic").await;
    code_for(&app, &a.token, "ada@agency.example").await;
    let stored = || -> i64 {
        app.database()
            .read(|conn| Ok(erasure_codes::table.count().get_result(conn)?))
            .unwrap()
    };
    app.run_upkeep().await;
    assert_eq!(stored(), 1, "a live code stays");
    app.clock.advance(chrono::Duration::minutes(16));
    app.run_upkeep().await;
    assert_eq!(stored(), 0, "a dead code goes");
}

#[tokio::test]
async fn codes_to_confirm_an_erasure_are_within_the_budget_of_codes() {
    let app = TestApp::spawn().await;
    app.at_the_start_of_an_hour();
    let a = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&a.token, "Site", true).await;
    let login = "ottoline.v@client.example";
    invite_person(&app, &a.token, &group, login).await;
    let person = accept_nth(&app, login, 0).await;
    let token = person["access_token"].as_str().unwrap().to_owned();
    // Three an hour to one address, like every code that proves a login; then 429, no code.
    for n in 0..3 {
        code_for(&app, &token, login).await;
        assert_eq!(app.codes_sent(login).len(), n + 1);
    }
    let res = ask_code(&app, &token, PASSWORD).await;
    assert!(retry_after(&res) > 0, "Retry-After");
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "sending_quota_exceeded").await;
    assert_eq!(app.codes_sent(login).len(), 3, "no fourth code");
    // A new code replaces the one before: only the newest works.
    let (first, code) = (app.code_sent(login, 0).await, app.code_sent(login, 2).await);
    if first != code {
        let res = erase(&app, &token, json!({"password": PASSWORD, "code": first})).await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
    }
    let res = erase(&app, &token, json!({"password": PASSWORD, "code": code})).await;
    assert_eq!(res.status(), StatusCode::OK);
}
