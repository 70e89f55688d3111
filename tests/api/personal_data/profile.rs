//! The person's own export: every account, no secret.

use super::*;
use crate::support::drain::outbox_drained;
use crate::support::requests::api_token;
use std::collections::BTreeSet;

fn set(values: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    values.into_iter().collect()
}

fn texts(list: &[Value], field: &str) -> BTreeSet<String> {
    set(list
        .iter()
        .filter_map(|v| v[field].as_str().map(str::to_owned)))
}

#[tokio::test]
async fn a_person_exports_what_every_account_holds_about_them_and_no_secret() {
    let t = ann_in_two_accounts().await;
    let app = &t.app;
    // A token of ann's in account A, and a login change asked for (not confirmed).
    let (token_id, token_secret) = api_token(app, &t.ann_a.token, &["users:read"]).await;
    let (status, started) = app
        .json(
            Method::POST,
            "/v1/network/profile/login-change",
            &t.ann_a.token,
            Some(json!({"new_email": "ann.next@client.example", "current_password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    outbox_drained(app).await;
    let (_, profile) = app
        .json(Method::GET, "/v1/network/profile", &t.ann_a.token, None)
        .await;
    let identity = profile["id"].as_str().unwrap();

    let got = export(app, "/v1/network/profile/export", &t.ann_a.token).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    assert_eq!(
        got.disposition,
        format!("attachment; filename=\"extranet-export-{identity}.json\"")
    );
    assert_eq!(got.cache, "no-store");
    let e = &got.json;
    assert_eq!(e["kind"], "network_profile");
    assert_eq!(e["profile"]["id"], identity);
    assert_eq!(e["profile"]["email"], ANN);
    assert_eq!(e["profile"]["first_name"], "Ann");
    assert_eq!(e["two_factor"]["enabled"], false);
    assert_eq!(e["truncated"], json!([]));
    let withheld: BTreeSet<String> = items(e, "withheld")
        .iter()
        .map(|w| w.as_str().unwrap().to_owned())
        .collect();
    for word in ["password_hash", "two_factor_secret", "recovery_code_hashes"] {
        assert!(withheld.contains(word), "{word} not in {withheld:?}");
    }

    // Both accounts' users, memberships and invitations (with their messages).
    let users = items(e, "users");
    assert_eq!(
        set(users
            .iter()
            .map(|u| u["account"]["id"].as_str().unwrap().to_owned())),
        set([t.a.account_id.clone(), t.b.account_id.clone()])
    );
    assert_eq!(
        texts(users, "id"),
        set([t.ann_a.id.clone(), t.ann_b.id.clone()])
    );
    assert!(users
        .iter()
        .all(|u| u["type"] == "extranet" && u["email"] == ANN));
    let groups = set(items(e, "memberships")
        .iter()
        .map(|m| m["workgroup"]["name"].as_str().unwrap().to_owned()));
    assert_eq!(
        groups,
        set(["Alpha Launch".to_owned(), "Bravo Hush Project".to_owned()])
    );
    let invitations = items(e, "invitations");
    assert_eq!(
        texts(invitations, "message"),
        set(["Alpha says hello".to_owned(), "Bravo whispers".to_owned()])
    );
    assert!(invitations.iter().all(|i| i["status"] == "accepted"));
    // The login change, sessions in both accounts, the token (never its secret).
    let changes = items(e, "login_changes");
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["new_email"], "ann.next@client.example");
    assert!(changes[0]["confirmed_at"].is_null());
    let sessions = items(e, "sessions");
    assert_eq!(
        texts(sessions, "account_id"),
        set([t.a.account_id.clone(), t.b.account_id.clone()])
    );
    let tokens = items(e, "api_tokens");
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    assert_eq!(tokens[0]["id"], token_id.as_str());
    assert_eq!(tokens[0]["account_id"], t.a.account_id.as_str());
    // The audit trail of both accounts where ann acted or was acted on.
    let accepted: BTreeSet<String> = items(e, "audit_events")
        .iter()
        .filter(|ev| ev["action"] == "invitation.accepted")
        .map(|ev| ev["account_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        accepted,
        set([t.a.account_id.clone(), t.b.account_id.clone()])
    );
    assert!(items(e, "audit_events")
        .iter()
        .any(|ev| ev["action"] == "api_token.created"));
    // The messages to her login still kept: both invitations, with what they said.
    let bodies: Vec<String> = items(e, "messages")
        .iter()
        .filter(|m| m["kind"] == "invitation")
        .map(|m| m["body"].to_string())
        .collect();
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert!(bodies.iter().any(|b| b.contains("Alpha says hello")));
    assert!(bodies.iter().any(|b| b.contains("Bravo whispers")));
    assert!(items(e, "messages").iter().all(|m| m["channel"] == "email"));

    let mut secrets = vec![
        token_secret.as_str(),
        t.ann_a.token.as_str(),
        t.ann_b.token.as_str(),
    ];
    secrets.extend(t.invitation_tokens.iter().map(String::as_str));
    assert_no_secret(&got.text, &secrets);
}

#[tokio::test]
async fn a_profile_token_exports_too_and_each_export_is_its_own_file() {
    let app = TestApp::spawn().await;
    app.sign_up("pat@home.example", "basic").await;
    let token = crate::support::requests::profile_token(&app, "pat@home.example").await;
    let got = export(&app, "/v1/network/profile/export", &token).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    let e = &got.json;
    // The person signed up two accounts: an admin in each.
    assert_eq!(items(e, "users").len(), 2, "{e}");
    assert!(items(e, "users").iter().all(|u| u["is_admin"] == true));
    assert!(got
        .disposition
        .starts_with("attachment; filename=\"extranet-export-"));
    assert_no_secret(&got.text, &[token.as_str()]);
}

#[tokio::test]
async fn the_second_factor_shows_where_it_stands_never_its_secret_or_codes() {
    use crate::auth::two_factor::{confirm, fresh_code};
    let app = TestApp::spawn().await;
    let a = app.sign_up("ada@alpha.example", "basic").await;
    let (status, started) = app
        .json(
            Method::POST,
            "/v1/network/profile/two-factor",
            &a.token,
            Some(json!({"current_password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    let secret = started["secret"].as_str().unwrap().to_owned();
    let totp = domain::two_factor::TotpSecret::from_base32(&secret).unwrap();
    let (status, confirmed) = confirm(&app, &a.token, &fresh_code(&app, &totp)).await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    let codes: Vec<String> = confirmed["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();

    let got = export(&app, "/v1/network/profile/export", &a.token).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    let e = &got.json;
    assert_eq!(e["two_factor"]["enabled"], true, "{e}");
    assert!(e["two_factor"]["enabled_at"].is_string(), "{e}");
    assert_eq!(e["two_factor"]["recovery_codes_left"], codes.len());
    assert!(items(e, "audit_events")
        .iter()
        .any(|ev| ev["action"] == "two_factor.enabled"));
    let mut secrets: Vec<&str> = vec![&secret, &a.token];
    secrets.extend(codes.iter().map(String::as_str));
    assert_no_secret(&got.text, &secrets);
}
