//! The seed article's last section over HTTP (issue #11): an employee cannot become an external
//! user; they are dismissed, change the login of their network profile, and their old email is
//! invited and accepted as a new external user. The audit log tells the story actor by actor
//! (the account that dismissed the person hears nothing of their login change: issue #24).

use crate::support::helpers::{assert_problem, json_of, TestApp, PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const OLD: &str = "sam@acme.example";
const NEW: &str = "sam.private@home.example";

/// Invites `email` (intranet, or extranet into `group`) as `admin`; returns the invitation.
async fn invite(
    app: &TestApp,
    admin: &str,
    email: &str,
    group: Option<&str>,
) -> (StatusCode, Value) {
    let mut body = json!({"type": if group.is_some() { "extranet" } else { "intranet" },
        "invitees": [{"email": email, "first_name": "Sam", "last_name": "Reed"}]});
    if let Some(g) = group {
        body["workgroup_id"] = json!(g);
    }
    json_of(app.post("/v1/invitations", Some(admin), body).await).await
}

async fn accept(app: &TestApp, token: &str, password: &str) -> Value {
    let (status, body) = json_of(
        app.post(
            "/v1/invitations/accept",
            None,
            json!({"token": token, "password": password}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

#[tokio::test]
async fn a_dismissed_employee_changes_their_login_and_their_old_email_joins_as_an_external_user() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "basic").await;
    let group = app.workgroup(&admin.token, "Client portal", true).await;

    // Sam is an employee.
    let (status, body) = invite(&app, &admin.token, OLD, None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let invited_employee = body["results"][0]["invitation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let sam = accept(&app, &app.email_token(OLD, 0).await, PASSWORD).await;
    let employee_id = sam["user"]["id"].as_str().unwrap().to_owned();
    assert_eq!(sam["user"]["type"], "intranet");

    // An employee never becomes an external user: no type is writable…
    let res = app
        .call(
            Method::PATCH,
            &format!("/v1/users/{employee_id}"),
            Some(&admin.token),
            Some(json!({"type": "extranet"})),
        )
        .await;
    let refused = assert_problem(res, StatusCode::CONFLICT, "user_type_not_writable").await;
    let detail = refused["detail"].as_str().unwrap();
    assert!(
        detail.contains("dismiss") && detail.contains("login-change"),
        "{detail}"
    );
    // …and while Sam is an active employee, inviting the email as external is refused too.
    let (status, body) = invite(&app, &admin.token, OLD, Some(&group)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("login_belongs_to_employee")),
        "{body}"
    );

    // Sam is dismissed; the email still belongs to the dismissed user.
    app.dismiss(&admin.token, &employee_id).await;
    let (status, body) = invite(&app, &admin.token, OLD, Some(&group)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::CONFLICT,
            Some("login_belongs_to_dismissed_user")
        ),
        "{body}"
    );
    let why = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        why.contains("network profile") || why.contains("login"),
        "{body}"
    );

    // Sam can no longer act in the account, not even on the profile with the old account
    // token, but still reaches the network profile by logging in to it.
    let old_token = sam["access_token"].as_str().unwrap();
    let res = app
        .call(Method::GET, "/v1/network/profile", Some(old_token), None)
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let (status, _) = app.login(OLD, PASSWORD, Some(&admin.account_id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, profile_login) = app.login(OLD, PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK, "{profile_login}");
    let profile_token = profile_login["access_token"].as_str().unwrap().to_owned();
    let (status, profile) = app
        .json(Method::GET, "/v1/network/profile", &profile_token, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(profile["email"], OLD);
    assert_eq!(profile["accounts"][0]["status"], "dismissed");

    // Sam changes the profile's email; the code goes to the new address.
    let (status, started) = app
        .json(
            Method::POST,
            "/v1/network/profile/login-change",
            &profile_token,
            Some(json!({"new_email": NEW, "current_password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    assert_eq!(started["new_login"], NEW);
    let code = app.code_sent(NEW, 0).await;
    let (status, changed) = app
        .json(
            Method::POST,
            "/v1/network/profile/login-change/confirm",
            &profile_token,
            Some(json!({"code": code})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["email"], NEW);
    // The old address is told.
    let notice = wait_for_subject(&app, OLD, "Your login was changed").await;
    assert!(notice.contains(NEW), "{notice}");
    // The account that dismissed Sam does not follow the person: it still knows Sam by the
    // email of the dismissal (issue #24).
    let sams_email = || {
        let (app, path, token) = (&app, format!("/v1/users/{employee_id}"), &admin.token);
        async move { app.json(Method::GET, &path, token, None).await.1["email"].clone() }
    };
    assert_eq!(sams_email().await, OLD);

    // The old email is free: it is invited and accepted as a new external user.
    let (status, body) = invite(&app, &admin.token, OLD, Some(&group)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["results"][0]["outcome"], "invited");
    let invitation = body["results"][0]["invitation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let newcomer = accept(
        &app,
        &app.email_token(OLD, 1).await,
        "another long password",
    )
    .await;
    let external_id = newcomer["user"]["id"].as_str().unwrap().to_owned();
    assert_ne!(external_id, employee_id);
    assert_eq!(newcomer["user"]["type"], "extranet");
    assert_eq!(newcomer["user"]["email"], OLD);
    // The email is the newcomer's in the account now; Sam's record no longer shows it.
    assert_eq!(sams_email().await, Value::Null);
    // Two people now: Sam signs in with the new email, the newcomer with the old one.
    assert_eq!(app.login(NEW, PASSWORD, None).await.0, StatusCode::OK);
    assert_eq!(
        app.login(OLD, PASSWORD, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(OLD, "another long password", Some(&admin.account_id))
            .await
            .0,
        StatusCode::OK
    );

    // The audit log tells it, actor by actor.
    let (status, log) = app
        .json(
            Method::GET,
            "/v1/audit-events?limit=200",
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let story: Vec<(String, String)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| {
            let actor = e["actor"]["user_id"].as_str().unwrap_or("system");
            let who = if actor == admin.user_id {
                "admin"
            } else if actor == employee_id {
                "sam"
            } else if actor == external_id {
                "newcomer"
            } else {
                actor
            };
            (who.to_owned(), e["action"].as_str().unwrap().to_owned())
        })
        .filter(|(_, action)| !action.starts_with("workgroup."))
        .collect();
    let expected = [
        ("admin", "account.created"),
        ("admin", "invitation.created"),
        ("sam", "invitation.accepted"),
        ("admin", "user.dismissed"),
        // Sam's login change is not told to the account that dismissed Sam.
        ("admin", "invitation.created"),
        ("newcomer", "invitation.accepted"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(story, expected);

    // Filtered by target: what happened to Sam's user, and to each invitation.
    let about = |target: &str| {
        let path = format!("/v1/audit-events?target_id={target}");
        let app = &app;
        let token = admin.token.clone();
        async move {
            let (status, page) = app.json(Method::GET, &path, &token, None).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["action"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(about(&employee_id).await, ["user.dismissed"]);
    assert_eq!(
        about(&invitation).await,
        ["invitation.accepted", "invitation.created"]
    );
    assert_eq!(
        about(&invited_employee).await,
        ["invitation.accepted", "invitation.created"]
    );
    let (_, changed) = app
        .json(
            Method::GET,
            "/v1/audit-events?action=user.login_changed",
            &admin.token,
            None,
        )
        .await;
    assert_eq!(changed["items"], json!([]));
}

/// The text of the first email to `to` whose subject is `subject`, once it has arrived.
async fn wait_for_subject(app: &TestApp, to: &str, subject: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let found = app.mail.inbox.all().into_iter().find(|m| {
            m["subject"] == subject
                && m["to"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|r| r == to))
        });
        if let Some(m) = found {
            return m["body"].as_str().unwrap_or_default().to_owned();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {subject:?} to {to}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
