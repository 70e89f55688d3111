//! What an account sees of a person it dismissed (issue #24, item 5): the logins of the
//! dismissal, never the ones the person takes since; login changes are recorded only where
//! the person is active; reinstating shows the logins of now. And rule 6 inside that account:
//! a login is one user's (or one pending invitation's), without the account learning the
//! person's new logins from it.

use crate::support::helpers::{assert_problem, json_of, TestApp, PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const OLD: &str = "ext1@client.example";
const NEW: &str = "ext1@home.example";
const PHONE: &str = "+14155550177";

/// Invites `email` as an external user into `group`; returns the status and the body.
async fn invite(app: &TestApp, admin: &str, group: &str, email: &str) -> (StatusCode, Value) {
    let body = json!({"type": "extranet", "workgroup_id": group,
        "invitees": [{"email": email, "first_name": "Eli", "last_name": "Xu"}]});
    json_of(app.post("/v1/invitations", Some(admin), body).await).await
}

/// Invites `email` into `group` and accepts the `nth` link sent to it with `password` (a new
/// profile's, or the existing one's); returns the accept's body.
async fn join(
    app: &TestApp,
    admin: &str,
    group: &str,
    email: &str,
    nth: usize,
    password: &str,
) -> Value {
    let (status, body) = invite(app, admin, group, email).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let token = app.email_token(email, nth).await;
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

fn id_of(v: &Value) -> String {
    v["user"]["id"].as_str().unwrap().to_owned()
}

fn token_of(v: &Value) -> String {
    v["access_token"].as_str().unwrap().to_owned()
}

/// A token of the network profile whose login is `login`.
async fn profile_token(app: &TestApp, login: &str, password: &str) -> String {
    let (status, body) = app.login(login, password, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    token_of(&body)
}

/// Changes (or adds) a login of the profile behind `token`: `{"new_email": …}` or
/// `{"new_phone": …}`, confirmed with the `nth` code sent to it.
async fn change_login(app: &TestApp, token: &str, new: Value, nth: usize) {
    let to = new["new_email"]
        .as_str()
        .or(new["new_phone"].as_str())
        .unwrap()
        .to_owned();
    let mut body = new;
    body["current_password"] = json!(PASSWORD);
    let (status, started) = app
        .json(
            Method::POST,
            "/v1/network/profile/login-change",
            token,
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let code = app.code_sent(&to, nth).await;
    let (status, changed) = app
        .json(
            Method::POST,
            "/v1/network/profile/login-change/confirm",
            token,
            Some(json!({"code": code})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
}

/// `(email, phone)` of a user as `admin` sees it.
async fn logins_seen(app: &TestApp, admin: &str, user: &str) -> (Value, Value) {
    let (status, body) = app
        .json(Method::GET, &format!("/v1/users/{user}"), admin, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (body["email"].clone(), body["phone"].clone())
}

/// The ids of the users `GET /v1/users?q=…` finds for `admin`.
async fn found(app: &TestApp, admin: &str, q: &str) -> Vec<String> {
    let q: String = q
        .bytes()
        .map(|b| match b {
            b'+' => "%2B".to_owned(),
            b'@' => "%40".to_owned(),
            _ => (b as char).to_string(),
        })
        .collect();
    let (status, page) = app
        .json(Method::GET, &format!("/v1/users?q={q}"), admin, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The `user.login_changed` events of the admin's account, newest first: their details.
async fn login_changes(app: &TestApp, admin: &str) -> Vec<Value> {
    let (status, page) = app
        .json(
            Method::GET,
            "/v1/audit-events?action=user.login_changed",
            admin,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["details"].clone())
        .collect()
}

async fn post(app: &TestApp, path: &str, token: &str) -> (StatusCode, Value) {
    app.json(Method::POST, path, token, None).await
}

#[tokio::test]
async fn an_account_that_dismissed_someone_sees_the_logins_of_the_dismissal_and_hears_of_no_change()
{
    let app = TestApp::spawn().await;
    let a = app.sign_up("ada@a-corp.example", "free").await;
    let b = app.sign_up("bea@b-corp.example", "free").await;
    let group_a = app.workgroup(&a.token, "A's clients", true).await;
    let group_b = app.workgroup(&b.token, "B's clients", true).await;
    // ext1 is an external user of A and of B (the same network profile).
    let in_a = id_of(&join(&app, &a.token, &group_a, OLD, 0, PASSWORD).await);
    let joined_b = join(&app, &b.token, &group_b, OLD, 1, PASSWORD).await;
    let (in_b, token_b) = (id_of(&joined_b), token_of(&joined_b));

    // A dismisses ext1; then ext1 adds a phone and changes the email of the profile.
    app.dismiss(&a.token, &in_a).await;
    change_login(&app, &token_b, json!({"new_phone": PHONE}), 0).await;
    change_login(&app, &token_b, json!({"new_email": NEW}), 0).await;

    // A sees ext1 as at the dismissal; B, where ext1 is active, sees the logins of now.
    assert_eq!(
        logins_seen(&app, &a.token, &in_a).await,
        (json!(OLD), json!(null)),
        "A follows the person it dismissed"
    );
    assert_eq!(
        logins_seen(&app, &b.token, &in_b).await,
        (json!(NEW), json!(PHONE))
    );
    // So do A's members list and A's searches: the new logins find nobody there.
    let (_, members) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{group_a}/members"),
            &a.token,
            None,
        )
        .await;
    let member = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == in_a.as_str())
        .cloned()
        .unwrap();
    assert_eq!(
        (&member["user"]["email"], &member["user"]["phone"]),
        (&json!(OLD), &json!(null))
    );
    assert_eq!(
        found(&app, &a.token, "home.example").await,
        Vec::<String>::new()
    );
    assert_eq!(
        found(&app, &a.token, "4155550177").await,
        Vec::<String>::new()
    );
    assert_eq!(
        found(&app, &a.token, "ext1@client").await,
        vec![in_a.clone()]
    );
    assert_eq!(
        found(&app, &b.token, "home.example").await,
        vec![in_b.clone()]
    );
    assert_eq!(
        found(&app, &b.token, "ext1@client").await,
        Vec::<String>::new()
    );
    // Only B's audit log records the changes.
    assert_eq!(login_changes(&app, &a.token).await, Vec::<Value>::new());
    assert_eq!(
        login_changes(&app, &b.token).await,
        [
            json!({"before": {"email": OLD}, "after": {"email": NEW}}),
            json!({"before": {"phone": null}, "after": {"phone": PHONE}}),
        ]
    );

    // Reinstated, ext1 is A's user again: A sees the logins of now, and hears of the next
    // change.
    let (status, body) = post(&app, &format!("/v1/users/{in_a}/reinstate"), &a.token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["email"], &body["phone"]),
        (&json!(NEW), &json!(PHONE))
    );
    assert_eq!(
        logins_seen(&app, &a.token, &in_a).await,
        (json!(NEW), json!(PHONE))
    );
    assert_eq!(
        found(&app, &a.token, "home.example").await,
        vec![in_a.clone()]
    );
    change_login(
        &app,
        &token_b,
        json!({"new_email": "ext1@new-job.example"}),
        0,
    )
    .await;
    assert_eq!(
        login_changes(&app, &a.token).await,
        [json!({"before": {"email": NEW}, "after": {"email": "ext1@new-job.example"}})]
    );
    assert_eq!(
        logins_seen(&app, &a.token, &in_a).await,
        (json!("ext1@new-job.example"), json!(PHONE))
    );
}

#[tokio::test]
async fn a_login_is_one_users_in_the_account_that_dismissed_its_person_without_telling_it_the_new_ones(
) {
    let app = TestApp::spawn().await;
    let a = app.sign_up("ada@a-corp.example", "free").await;
    let group = app.workgroup(&a.token, "A's clients", true).await;
    let in_a = id_of(&join(&app, &a.token, &group, OLD, 0, PASSWORD).await);
    app.dismiss(&a.token, &in_a).await;

    // While the person still has the login of the dismissal, it is the dismissed user's.
    let (status, body) = invite(&app, &a.token, &group, OLD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::CONFLICT,
            Some("login_belongs_to_dismissed_user")
        ),
        "{body}"
    );
    // The person changes it (a profile token works for someone dismissed everywhere).
    let profile = profile_token(&app, OLD, PASSWORD).await;
    change_login(&app, &profile, json!({"new_email": NEW}), 0).await;

    // The new login is not the dismissed user's in A: inviting it is answered as for anyone,
    // so A learns nothing from trying.
    let (status, body) = invite(&app, &a.token, &group, NEW).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["results"][0]["outcome"], "invited");
    let to_new = body["results"][0]["invitation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The person is one user of A at most: the invitation is no way back in for them.
    let token = app.email_token(NEW, 0).await;
    let res = app
        .post(
            "/v1/invitations/accept",
            None,
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    let refused = assert_problem(res, StatusCode::CONFLICT, "already_a_user").await;
    assert!(
        refused["detail"].as_str().unwrap().contains("reinstate"),
        "{refused}"
    );

    // The login the person gave up is free in A again (rule 5's way out): a newcomer joins
    // with it, and from then on it is the newcomer's alone; the dismissed user's record no
    // longer shows it.
    let newcomer = join(&app, &a.token, &group, OLD, 1, "another long password").await;
    let newcomer = id_of(&newcomer);
    assert_eq!(
        logins_seen(&app, &a.token, &newcomer).await,
        (json!(OLD), json!(null))
    );
    assert_eq!(
        logins_seen(&app, &a.token, &in_a).await,
        (json!(null), json!(null))
    );
    assert_eq!(found(&app, &a.token, OLD).await, vec![newcomer.clone()]);

    // Reinstating shows the logins of now: the new email, which A's pending invitation holds.
    // A login is one user's or one pending invitation's: revoke the invitation first.
    let reinstate = format!("/v1/users/{in_a}/reinstate");
    let (status, body) = post(&app, &reinstate, &a.token).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("invitation_pending")),
        "{body}"
    );
    assert_eq!(body["errors"][0]["invitation_id"], to_new.as_str());
    assert_eq!(body["errors"][0]["field"], "email");
    assert_eq!(
        logins_seen(&app, &a.token, &in_a).await,
        (json!(null), json!(null)),
        "a refused reinstatement shows nothing new"
    );
    let (status, body) = post(&app, &format!("/v1/invitations/{to_new}/revoke"), &a.token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = post(&app, &reinstate, &a.token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["email"], &body["status"]),
        (&json!(NEW), &json!("active"))
    );
    // And it is the reinstated user's now.
    let (status, body) = invite(&app, &a.token, &group, NEW).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_member")),
        "{body}"
    );
}

#[tokio::test]
async fn a_login_a_dismissed_users_person_gave_up_goes_to_the_user_of_the_account_who_takes_it() {
    let app = TestApp::spawn().await;
    let a = app.sign_up("ada@a-corp.example", "free").await;
    let group = app.workgroup(&a.token, "A's clients", true).await;
    let x = id_of(&join(&app, &a.token, &group, "x@client.example", 0, PASSWORD).await);
    let y = join(&app, &a.token, &group, "y@client.example", 0, PASSWORD).await;
    let (y, y_token) = (id_of(&y), token_of(&y));
    let z = id_of(&join(&app, &a.token, &group, "z@client.example", 0, PASSWORD).await);
    app.dismiss(&a.token, &x).await;
    app.dismiss(&a.token, &z).await;
    // x and z give up their emails.
    let x_profile = profile_token(&app, "x@client.example", PASSWORD).await;
    change_login(&app, &x_profile, json!({"new_email": "x@home.example"}), 0).await;
    let z_profile = profile_token(&app, "z@client.example", PASSWORD).await;
    change_login(&app, &z_profile, json!({"new_email": "z@home.example"}), 0).await;
    assert_eq!(
        logins_seen(&app, &a.token, &x).await,
        (json!("x@client.example"), json!(null))
    );

    // y, active in A, takes x's old email: A hears of it, and the email is y's in A.
    change_login(&app, &y_token, json!({"new_email": "x@client.example"}), 0).await;
    assert_eq!(
        logins_seen(&app, &a.token, &y).await,
        (json!("x@client.example"), json!(null))
    );
    assert_eq!(
        logins_seen(&app, &a.token, &x).await,
        (json!(null), json!(null))
    );
    assert_eq!(found(&app, &a.token, "x@client").await, vec![y.clone()]);
    assert_eq!(login_changes(&app, &a.token).await.len(), 1);

    // x, dismissed, takes z's old email: A hears nothing and sees nothing new…
    change_login(
        &app,
        &x_profile,
        json!({"new_email": "z@client.example"}),
        0,
    )
    .await;
    assert_eq!(
        logins_seen(&app, &a.token, &z).await,
        (json!("z@client.example"), json!(null))
    );
    assert_eq!(
        logins_seen(&app, &a.token, &x).await,
        (json!(null), json!(null))
    );
    assert_eq!(login_changes(&app, &a.token).await.len(), 1);
    // …until x is reinstated: then the email is x's in A.
    let (status, body) = post(&app, &format!("/v1/users/{x}/reinstate"), &a.token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], "z@client.example");
    assert_eq!(
        logins_seen(&app, &a.token, &z).await,
        (json!(null), json!(null))
    );
    assert_eq!(found(&app, &a.token, "z@client").await, vec![x.clone()]);
}
