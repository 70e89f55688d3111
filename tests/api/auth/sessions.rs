//! Sessions (rule 9): a login opens one; refresh tokens rotate, and one presented again ends the
//! whole session; logout, ending one session or every other one; a dismissed user's sessions
//! end; how long a session lasts; a login without `account_id`.

use crate::support::helpers::*;
use crate::support::requests::{refresh, session_of};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A login's pair: (access token, refresh token).
async fn log_in(app: &TestApp, login: &str, account: Option<&str>) -> (String, String) {
    let (status, body) = app.login(login, PASSWORD, account).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    pair_of(&body)
}

fn pair_of(body: &Value) -> (String, String) {
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

async fn me(app: &TestApp, token: &str) -> StatusCode {
    app.get("/v1/me", token).await.status()
}

#[tokio::test]
async fn a_refresh_rotates_and_a_rotated_token_presented_again_ends_the_session() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    // The sign-up's confirmation opened a session: its pair.
    let (first_access, first_refresh) = pair_of(&acme.body);
    assert!(first_refresh.starts_with("exr_"), "{first_refresh}");
    assert!(acme.body["refresh_expires_in"].as_i64().unwrap() > 0);

    let (status, second) = refresh(&app, &first_refresh).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let (second_access, second_refresh) = pair_of(&second);
    assert_ne!(second_refresh, first_refresh);
    assert_eq!(second["token_type"], "Bearer");
    assert_eq!(me(&app, &second_access).await, StatusCode::OK);
    // The same session: the older access token still works until the session ends.
    assert_eq!(me(&app, &first_access).await, StatusCode::OK);
    assert_eq!(
        session_of(&app, &first_access).await,
        session_of(&app, &second_access).await
    );

    // Someone presents the exchanged refresh token: the whole session ends.
    let res = app
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": first_refresh}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;
    for token in [&first_access, &second_access] {
        let res = app.get("/v1/me", token).await;
        assert!(res.headers().contains_key("www-authenticate"));
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
    let res = app
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": second_refresh}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    // Presented a third time, still a reuse (and nothing else to end).
    let (status, body) = refresh(&app, &first_refresh).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("refresh_token_reused"))
    );
    // A login opens a new session, which works.
    let (access, _) = log_in(&app, "ada@acme.example", Some(&acme.account_id)).await;
    assert_eq!(me(&app, &access).await, StatusCode::OK);
}

#[tokio::test]
async fn two_refreshes_with_one_token_at_once_rotate_once_and_end_the_session() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let (_, token) = log_in(&app, "ada@acme.example", Some(&acme.account_id)).await;
    let (a, b) = tokio::join!(refresh(&app, &token), refresh(&app, &token));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::UNAUTHORIZED],
        "{} {}",
        a.1,
        b.1
    );
    let (won, lost) = if a.0 == StatusCode::OK {
        (a.1, b.1)
    } else {
        (b.1, a.1)
    };
    assert_eq!(lost["code"], "refresh_token_reused", "{lost}");
    // The reuse ended the session the winner's pair belongs to.
    let (access, refresh_token) = pair_of(&won);
    assert_eq!(me(&app, &access).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        refresh(&app, &refresh_token).await.0,
        StatusCode::UNAUTHORIZED
    );
    // The session the sign-up opened is another one, untouched.
    assert_eq!(me(&app, &acme.token).await, StatusCode::OK);
}

#[tokio::test]
async fn logout_ends_the_callers_session_only() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let (a_access, a_refresh) = log_in(&app, "ada@acme.example", Some(&acme.account_id)).await;
    let (b_access, b_refresh) = log_in(&app, "ada@acme.example", Some(&acme.account_id)).await;
    let res = app
        .post("/v1/auth/logout", Some(&a_access), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get("/v1/me", &a_access).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    let (status, body) = refresh(&app, &a_refresh).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_refresh_token"))
    );
    // Logging out twice: the token is already dead.
    let res = app
        .post("/v1/auth/logout", Some(&a_access), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &b_access).await, StatusCode::OK);
    assert_eq!(refresh(&app, &b_refresh).await.0, StatusCode::OK);
    assert_eq!(me(&app, &acme.token).await, StatusCode::OK);
}

#[tokio::test]
async fn a_person_lists_their_sessions_and_ends_one_or_every_other() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let bob = app.sign_up("bob@agency.example", "basic").await;
    let res = app
        .client
        .post(app.url("/v1/auth/login"))
        .header("User-Agent", "Firefox/140 on the laptop")
        .json(&json!({"login": "ada@acme.example", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let (status, laptop) = json_of(res).await;
    assert_eq!(status, StatusCode::OK, "{laptop}");
    let (laptop, _) = pair_of(&laptop);
    let (phone, _) = log_in(&app, "ada@acme.example", Some(&acme.account_id)).await;

    let (status, list) = app
        .json(Method::GET, "/v1/me/sessions", &laptop, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{list}");
    let current: Vec<&Value> = items.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1, "{list}");
    assert_eq!(current[0]["user_agent"], "Firefox/140 on the laptop");
    // The login without `account_id` acts in Ada's only account.
    assert_eq!(current[0]["account_id"], json!(acme.account_id));
    assert_eq!(current[0]["user_id"], json!(acme.user_id));
    for s in items {
        for field in ["id", "created_at", "last_used_at", "expires_at"] {
            assert!(s[field].is_string(), "{field} in {s}");
        }
    }
    let phone_session = session_of(&app, &phone).await;
    let sign_up_session = session_of(&app, &acme.token).await;

    // Bob cannot end Ada's sessions, nor see them.
    let path = format!("/v1/me/sessions/{phone_session}");
    let (status, body) = app.json(Method::DELETE, &path, &bob.token, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (_, bobs) = app
        .json(Method::GET, "/v1/me/sessions", &bob.token, None)
        .await;
    assert_eq!(bobs["items"].as_array().unwrap().len(), 1, "{bobs}");
    assert_eq!(me(&app, &phone).await, StatusCode::OK);

    // Ada ends her phone's session from the laptop.
    let res = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&laptop)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &phone).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &laptop).await, StatusCode::OK);
    assert_eq!(me(&app, &acme.token).await, StatusCode::OK);
    // Already ended, unknown, malformed.
    let (status, _) = app.json(Method::DELETE, &path, &laptop, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let unknown = format!("/v1/me/sessions/{}", uuid::Uuid::now_v7());
    assert_eq!(
        app.json(Method::DELETE, &unknown, &laptop, None).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, body) = app
        .json(Method::DELETE, "/v1/me/sessions/not-an-id", &laptop, None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_parameter"))
    );

    // Sign out everywhere else.
    let res = app
        .client
        .delete(app.url("/v1/me/sessions"))
        .bearer_auth(&laptop)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &acme.token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &laptop).await, StatusCode::OK);
    let (_, list) = app
        .json(Method::GET, "/v1/me/sessions", &laptop, None)
        .await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [session_of(&app, &laptop).await.as_str()]);
    assert!(!ids.contains(&sign_up_session.as_str()));
    // Bob's session is his own affair.
    assert_eq!(me(&app, &bob.token).await, StatusCode::OK);
}

#[tokio::test]
async fn a_dismissed_users_sessions_end_and_stay_ended_after_reinstatement() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let group = app.workgroup(&acme.token, "Site", true).await;
    let phone = "+14155550142";
    let pat = app.join(&acme.token, "extranet", Some(&group), phone).await;
    let (access, refresh_token) = log_in(&app, phone, Some(&acme.account_id)).await;
    assert_eq!(me(&app, &access).await, StatusCode::OK);

    app.dismiss(&acme.token, &pat.id).await;
    // Pat's sessions in the account ended with the dismissal: a login without an account (Pat
    // is active nowhere now: a profile session) lists only itself.
    let (status, profile) = app.login(phone, PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    let profile = profile["access_token"].as_str().unwrap().to_owned();
    let (_, list) = app
        .json(Method::GET, "/v1/me/sessions", &profile, None)
        .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert!(
        items[0]["current"] == true && items[0].get("account_id").is_none(),
        "{list}"
    );
    let (status, body) = refresh(&app, &refresh_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(me(&app, &access).await, StatusCode::UNAUTHORIZED);

    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/users/{}/reinstate", pat.id),
            &acme.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The sessions opened before the dismissal stay ended; a new login (a second later: token
    // times are whole seconds) works.
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(
        refresh(&app, &refresh_token).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(me(&app, &access).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &pat.token).await, StatusCode::UNAUTHORIZED);
    let (access, refresh_token) = log_in(&app, phone, Some(&acme.account_id)).await;
    assert_eq!(me(&app, &access).await, StatusCode::OK);
    assert_eq!(refresh(&app, &refresh_token).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_session_ends_when_unrefreshed_for_its_idle_time_and_at_its_maximum() {
    let app = TestApp::spawn_with(|c| {
        c.session_idle_seconds = 120;
        c.session_max_seconds = 300;
    })
    .await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let (_, mut token) = log_in(&app, "ada@acme.example", Some(&acme.account_id)).await;
    // Refreshed every 100 s: the end slides, until the maximum caps it.
    for expected in [120, 100] {
        app.clock.advance(chrono::Duration::seconds(100));
        let (status, body) = refresh(&app, &token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["refresh_expires_in"], expected, "{body}");
        token = body["refresh_token"].as_str().unwrap().to_owned();
    }
    // 200 s after the login: the maximum (300 s) is 100 s away. Past it, nothing refreshes,
    // and the session's access tokens die with it.
    let access = {
        let (status, body) = refresh(&app, &token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        token = body["refresh_token"].as_str().unwrap().to_owned();
        body["access_token"].as_str().unwrap().to_owned()
    };
    app.clock.advance(chrono::Duration::seconds(101));
    let (status, body) = refresh(&app, &token).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_refresh_token")),
        "{body}"
    );
    assert_eq!(me(&app, &access).await, StatusCode::UNAUTHORIZED);

    // Idle: a session not refreshed for 120 s ends.
    let (access, token) = log_in(&app, "ada@acme.example", Some(&acme.account_id)).await;
    app.clock.advance(chrono::Duration::seconds(121));
    assert_eq!(refresh(&app, &token).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &access).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_refresh_token_must_be_one_and_is_never_a_bearer_token() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let (_, refresh_token) = pair_of(&acme.body);
    for (token, status, code) in [
        ("", StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        (
            &"x".repeat(129)[..],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "exr_not-a-real-one",
            StatusCode::UNAUTHORIZED,
            "invalid_refresh_token",
        ),
        // An API token's shape is no refresh token.
        (
            &format!("ext_{}", "a".repeat(43))[..],
            StatusCode::UNAUTHORIZED,
            "invalid_refresh_token",
        ),
    ] {
        let res = app
            .post("/v1/auth/refresh", None, json!({"refresh_token": token}))
            .await;
        assert_problem(res, status, code).await;
    }
    // A refresh token sent as a bearer token authenticates nothing.
    let res = app.get("/v1/me", &refresh_token).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;
    // And none of it spent the real one.
    assert_eq!(refresh(&app, &refresh_token).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_login_without_an_account_acts_in_the_only_active_one() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let (access, _) = log_in(&app, "ada@acme.example", None).await;
    let (_, who) = app.json(Method::GET, "/v1/me", &access, None).await;
    assert_eq!(who["id"], json!(acme.user_id), "{who}");
    // An account-only endpoint works with it.
    assert_eq!(
        app.get("/v1/account", &access).await.status(),
        StatusCode::OK
    );

    // A second account: the same login gives a profile token, as before.
    let second = app.sign_up("ada@acme.example", "basic").await;
    let (access, _) = log_in(&app, "ada@acme.example", None).await;
    let (_, who) = app.json(Method::GET, "/v1/me", &access, None).await;
    assert_eq!(who["accounts"].as_array().map(Vec::len), Some(2), "{who}");
    assert_problem(
        app.get("/v1/account", &access).await,
        StatusCode::FORBIDDEN,
        "account_token_required",
    )
    .await;

    // Dismissed from the second account (by a colleague administrator): one active account
    // again.
    let colleague = app
        .join(&second.token, "intranet", None, "+14155550177")
        .await;
    let (status, body) = app
        .json(
            Method::PATCH,
            &format!("/v1/users/{}", colleague.id),
            &second.token,
            Some(json!({"is_admin": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app.dismiss(&colleague.token, &second.user_id).await;
    let (access, _) = log_in(&app, "ada@acme.example", None).await;
    let (_, who) = app.json(Method::GET, "/v1/me", &access, None).await;
    assert_eq!(who["id"], json!(acme.user_id), "{who}");
}

#[tokio::test]
async fn a_profile_keeps_at_most_a_hundred_sessions_and_the_least_recently_used_gives_way() {
    let app = TestApp::spawn_with(|c| c.public_burst = 500).await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let res = app
        .post("/v1/auth/logout", Some(&acme.token), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let mut sessions = Vec::new();
    for _ in 0..101 {
        sessions.push(log_in(&app, "ada@acme.example", Some(&acme.account_id)).await);
    }
    // The 101st crowded out the least recently used: the first.
    let (newest, _) = sessions.last().unwrap();
    let (_, list) = app.json(Method::GET, "/v1/me/sessions", newest, None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 100);
    let (access, refresh_token) = &sessions[0];
    assert_eq!(me(&app, access).await, StatusCode::UNAUTHORIZED);
    let (status, body) = refresh(&app, refresh_token).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_refresh_token"))
    );
    assert_eq!(me(&app, &sessions[1].0).await, StatusCode::OK);
}

#[tokio::test]
async fn a_sessions_last_use_is_written_at_most_once_a_minute_and_its_user_agent_cut() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@acme.example", "basic").await;
    let agent = format!("Browser/1.0 {}", "x".repeat(400));
    let res = app
        .client
        .post(app.url("/v1/auth/login"))
        .header("User-Agent", &agent)
        .json(&json!({"login": "ada@acme.example", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (token, _) = pair_of(&body);
    let current = |list: &Value| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["current"] == true)
            .cloned()
            .unwrap()
    };
    let (_, list) = app.json(Method::GET, "/v1/me/sessions", &token, None).await;
    let opened = current(&list);
    assert_eq!(
        opened["user_agent"].as_str().unwrap(),
        agent.chars().take(256).collect::<String>()
    );
    // Requests within the minute leave `last_used_at` as the login wrote it.
    let (_, list) = app.json(Method::GET, "/v1/me/sessions", &token, None).await;
    assert_eq!(current(&list)["last_used_at"], opened["last_used_at"]);
    // A minute on, a request writes it (after its answer: wait for it).
    app.clock.advance(chrono::Duration::seconds(61));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let (_, list) = app.json(Method::GET, "/v1/me/sessions", &token, None).await;
        if current(&list)["last_used_at"] != opened["last_used_at"] {
            let used: chrono::DateTime<chrono::Utc> = current(&list)["last_used_at"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            let at: chrono::DateTime<chrono::Utc> =
                opened["last_used_at"].as_str().unwrap().parse().unwrap();
            assert!(used >= at + chrono::Duration::seconds(61), "{list}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "last_used_at never moved: {list}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
