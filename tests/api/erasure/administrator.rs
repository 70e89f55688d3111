//! An administrator erases a dismissed user: what the account held of the person goes; the
//! profile too when no other account knows them, else they go on using it there.

use super::*;
use crate::support::traces::{count_in, stored_anywhere};
use crate::support::webhook_receiver::Receiver;
use crate::support::webhooks::subscribe;

async fn erase(app: &TestApp, token: &str, user: &str) -> (StatusCode, Value) {
    app.json(
        Method::POST,
        &format!("/v1/users/{user}/erase"),
        token,
        None,
    )
    .await
}

#[tokio::test]
async fn a_dismissed_user_known_nowhere_else_is_erased_with_the_profile() {
    let app = TestApp::spawn_with(|c| c.webhook_allow_loopback = true).await;
    let receiver = Receiver::start().await;
    let a = app.sign_up("ada@agency.example", "basic").await;
    subscribe(&app, &a.token, &receiver.url, &["user.erased"]).await;
    let group = app.workgroup(&a.token, "Site", true).await;
    let login = "ottoline.v@client.example";
    invite_person(&app, &a.token, &group, login).await;
    let person = accept_nth(&app, login, 0).await;
    let id = person["user"]["id"].as_str().unwrap().to_owned();
    let employee = app.join(&a.token, "intranet", None, "+14155550101").await;
    let stranger = app.sign_up("eve@elsewhere.example", "basic").await;

    // Dismiss first; another account's administrator, and an employee, reach nothing.
    let (status, body) = erase(&app, &a.token, &id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "not_dismissed");
    app.dismiss(&a.token, &id).await;
    let (status, body) = erase(&app, &stranger.token, &id).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = erase(&app, &employee.token, &id).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(user(&app, &a.token, &id).await["erased_at"].is_null());

    let (status, erased) = erase(&app, &a.token, &id).await;
    assert_eq!(status, StatusCode::OK, "{erased}");
    assert_erased(&erased);
    assert_eq!(user(&app, &a.token, &id).await, erased);
    // Again: nothing changes.
    let (status, again) = erase(&app, &a.token, &id).await;
    assert_eq!((status, &again), (StatusCode::OK, &erased));
    let told = receiver.wait_for("user.erased", 1).await;
    assert_eq!(told[0]["event"]["data"]["user"], erased);
    assert_eq!(
        told[0]["event"]["data"]["change"],
        json!({"by": "administrator"})
    );
    // Erased once: one event in the trail (which the webhook is told from).
    let erasures = app
        .audit_actions()
        .into_iter()
        .filter(|a| a == "user.erased")
        .count();
    assert_eq!(erasures, 1, "recorded once");
    assert_seats_recounted(&app, &a.token).await;

    // The profile went with it: nothing holds the person, the password opens nothing (a
    // login tried from now on is a stranger's attempt), the login is free.
    let left = stored_anywhere(&app, &[login, FIRST, LAST, MESSAGE]);
    assert!(left.is_empty(), "traces left: {left:#?}");
    let (status, _) = app.login(login, PASSWORD, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let again = invite_person(&app, &a.token, &group, login).await;
    assert_eq!(again["status"], "pending", "{again}");
}

#[tokio::test]
async fn a_person_known_elsewhere_keeps_their_profile_and_the_other_account_its_user() {
    let app = TestApp::spawn().await;
    let a = app.sign_up("ada@agency.example", "basic").await;
    let b = app.sign_up("bea@partner.example", "basic").await;
    let group_a = app.workgroup(&a.token, "Site A", true).await;
    let group_b = app.workgroup(&b.token, "Site B", true).await;
    let login = "ottoline.v@client.example";
    invite_person(&app, &a.token, &group_a, login).await;
    let in_a = accept_nth(&app, login, 0).await;
    invite_person(&app, &b.token, &group_b, login).await;
    let in_b = accept_nth(&app, login, 1).await;
    let user_a = in_a["user"]["id"].as_str().unwrap().to_owned();
    let user_b = in_b["user"]["id"].as_str().unwrap().to_owned();
    app.dismiss(&a.token, &user_a).await;

    let (status, erased) = erase(&app, &a.token, &user_a).await;
    assert_eq!(status, StatusCode::OK, "{erased}");
    assert_erased(&erased);

    // A forgot them: its lists, invitations, audit trail and user search hold none of their
    // words.
    for path in [
        "/v1/users?limit=100".to_owned(),
        "/v1/invitations?limit=100".to_owned(),
        "/v1/audit-events?limit=100".to_owned(),
        format!("/v1/users?q={LAST}"),
        format!("/v1/invitations?q={login}"),
    ] {
        let (status, body) = app.json(Method::GET, &path, &a.token, None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        let text = body.to_string().to_lowercase();
        for word in [login, FIRST, LAST, MESSAGE] {
            assert!(
                !text.contains(&word.to_lowercase()),
                "{path} shows {word}: {body}"
            );
        }
    }
    // B still knows them, and they still sign in to B.
    let shown = user(&app, &b.token, &user_b).await;
    assert_eq!(shown["first_name"], FIRST, "{shown}");
    assert_eq!(shown["email"], login);
    let (status, body) = app.login(login, PASSWORD, Some(&b.account_id)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // What is left of them is B's alone: its invitation and user, and the profile.
    assert_eq!(count_in(&app, "invitations", "email", login), 1);
    assert_eq!(count_in(&app, "invitations", "message", MESSAGE), 1);
    assert_eq!(count_in(&app, "users", "email", login), 1);
    assert_eq!(count_in(&app, "identities", "email", login), 1);
    assert_seats_recounted(&app, &a.token).await;
    assert_seats_recounted(&app, &b.token).await;
}

#[tokio::test]
async fn an_erasure_leaves_other_peoples_words_alone() {
    let app = TestApp::spawn().await;
    let a = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&a.token, "Site", true).await;
    // Two people whose names share letters: erasing Ann Lee leaves Joanna Annan and Leeroy be.
    let invite = |email: &'static str, first: &'static str, last: &'static str| {
        let body = json!({"type": "extranet", "workgroup_id": group,
            "invitees": [{"email": email, "first_name": first, "last_name": last}]});
        let app = &app;
        let token = a.token.clone();
        async move {
            let (status, body) =
                json_of(app.post("/v1/invitations", Some(&token), body).await).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
    };
    invite("ann@client.example", "Ann", "Lee").await;
    invite("joanna@client.example", "Joanna", "Annan").await;
    invite("leeroy@client.example", "Leeroy", "Annals").await;
    let ann = accept_nth(&app, "ann@client.example", 0).await;
    let joanna = accept_nth(&app, "joanna@client.example", 0).await;
    let ann_id = ann["user"]["id"].as_str().unwrap().to_owned();
    let joanna_id = joanna["user"]["id"].as_str().unwrap().to_owned();
    app.dismiss(&a.token, &ann_id).await;
    let (before_status, before) = app
        .json(Method::GET, "/v1/invitations?limit=100", &a.token, None)
        .await;
    assert_eq!(before_status, StatusCode::OK);

    let (status, erased) = erase(&app, &a.token, &ann_id).await;
    assert_eq!(status, StatusCode::OK, "{erased}");
    let shown = user(&app, &a.token, &joanna_id).await;
    assert_eq!(
        (&shown["first_name"], &shown["last_name"]),
        (&json!("Joanna"), &json!("Annan"))
    );
    // The others' invitations read as before; Ann's alone changed.
    let (_, after) = app
        .json(Method::GET, "/v1/invitations?limit=100", &a.token, None)
        .await;
    let others = |page: &Value| -> Vec<Value> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["accepted_user_id"] != json!(ann_id))
            .cloned()
            .collect()
    };
    assert_eq!(others(&after), others(&before));
    assert_eq!(others(&after).len(), 2);
    for word in ["Joanna", "Annan", "Leeroy", "Annals"] {
        assert!(after.to_string().contains(word), "{word} kept: {after}");
    }
    let (_, audit) = app
        .json(Method::GET, "/v1/audit-events?limit=100", &a.token, None)
        .await;
    assert!(
        audit.to_string().contains("joanna@client.example"),
        "{audit}"
    );
    assert!(!audit.to_string().contains("ann@client.example"), "{audit}");
}
