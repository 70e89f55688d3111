//! An administrator's export: what the account holds about its user, nothing of another
//! account, recorded in the audit trail.

use super::*;
use crate::support::requests::api_token;

#[tokio::test]
async fn an_admin_exports_what_the_account_holds_and_nothing_of_another_account() {
    let t = ann_in_two_accounts().await;
    let app = &t.app;
    let (_, ann_secret) = api_token(app, &t.ann_a.token, &["users:read"]).await;
    let (_, b_secret) = api_token(app, &t.ann_b.token, &["users:read"]).await;
    let path = format!("/v1/users/{}/export", t.ann_a.id);

    let got = export(app, &path, &t.a.token).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    assert_eq!(
        got.disposition,
        format!(
            "attachment; filename=\"extranet-export-{}.json\"",
            t.ann_a.id
        )
    );
    assert_eq!(got.cache, "no-store");
    let e = &got.json;
    assert_eq!(e["kind"], "user");
    // The profile's own data is the person's, not the account's.
    assert!(
        e.get("profile").is_none() && e.get("two_factor").is_none(),
        "{e}"
    );
    assert_eq!(items(e, "login_changes").len(), 0);
    let users = items(e, "users");
    assert_eq!(users.len(), 1, "{users:?}");
    assert_eq!(users[0]["id"], t.ann_a.id.as_str());
    assert_eq!(users[0]["account"]["id"], t.a.account_id.as_str());
    assert_eq!(users[0]["email"], ANN);
    let memberships = items(e, "memberships");
    assert_eq!(memberships.len(), 1);
    assert_eq!(memberships[0]["workgroup"]["name"], "Alpha Launch");
    let invitations = items(e, "invitations");
    assert_eq!(invitations.len(), 1);
    assert_eq!(invitations[0]["message"], "Alpha says hello");
    assert_eq!(items(e, "api_tokens").len(), 1);
    assert!(!items(e, "sessions").is_empty());
    assert!(items(e, "sessions")
        .iter()
        .all(|s| s["account_id"] == t.a.account_id.as_str()));
    assert!(items(e, "audit_events")
        .iter()
        .all(|ev| ev["account_id"] == t.a.account_id.as_str()));
    assert!(items(e, "audit_events")
        .iter()
        .any(|ev| ev["action"] == "invitation.accepted"));
    assert!(items(e, "messages")
        .iter()
        .any(|m| m["body"].to_string().contains("Alpha says hello")));
    // Nothing of account B: its id, its user, its workgroup, its admin, its message.
    for other in [
        t.b.account_id.as_str(),
        t.ann_b.id.as_str(),
        t.b.user_id.as_str(),
        "Bravo",
        "bravo.example",
    ] {
        assert!(!got.text.contains(other), "{other} in {}", got.text);
    }
    assert_no_secret(
        &got.text,
        &[&ann_secret, &b_secret, &t.ann_a.token, &t.a.token],
    );

    // The export is recorded in A's trail, who and when, not what; B's knows nothing of it.
    let (status, trail) = app
        .json(
            Method::GET,
            "/v1/audit-events?action=user.exported",
            &t.a.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{trail}");
    let events = items(&trail, "items");
    assert_eq!(events.len(), 1, "{trail}");
    assert_eq!(events[0]["actor"]["user_id"], t.a.user_id.as_str());
    assert_eq!(events[0]["target"]["id"], t.ann_a.id.as_str());
    assert_eq!(events[0]["details"], json!({}));
    let (_, trail) = app
        .json(
            Method::GET,
            "/v1/audit-events?action=user.exported",
            &t.b.token,
            None,
        )
        .await;
    assert_eq!(items(&trail, "items").len(), 0, "{trail}");
}

#[tokio::test]
async fn an_admins_api_token_exports_with_users_export_and_not_without() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@alpha.example", "basic").await;
    let group = app.workgroup(&admin.token, "Alpha Launch", true).await;
    let pat = app
        .join(&admin.token, "extranet", Some(&group), "+14155550123")
        .await;
    let path = format!("/v1/users/{}/export", pat.id);
    // `users:export` alone: the export, but contact data and messages' bodies with their
    // own scopes only, as everywhere.
    let (_, export_token) = api_token(&app, &admin.token, &["users:export"]).await;
    let got = export(&app, &path, &export_token).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    let user = &items(&got.json, "users")[0];
    assert!(user.get("phone").is_none(), "{user}");
    let messages = items(&got.json, "messages");
    assert!(
        messages.iter().any(|m| m["channel"] == "sms"),
        "{messages:?}"
    );
    assert!(
        messages.iter().all(|m| m.get("body").is_none()),
        "{messages:?}"
    );
    let (_, whole_token) = api_token(
        &app,
        &admin.token,
        &["users:export", "users:read", "invitations:read"],
    )
    .await;
    let got = export(&app, &path, &whole_token).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    assert_eq!(items(&got.json, "users")[0]["phone"], "+14155550123");
    // Phone-invited: its text message is listed, less the link's token.
    let messages = items(&got.json, "messages");
    assert!(
        messages.iter().all(|m| m["body"].is_object()),
        "{messages:?}"
    );
    assert_no_secret(&got.text, &[&export_token, &whole_token, &pat.token]);

    let (_, other_token) = api_token(
        &app,
        &admin.token,
        &["users:read", "users:write", "audit:read"],
    )
    .await;
    let refused = export(&app, &path, &other_token).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    assert_eq!(refused.json["code"], "insufficient_scope");
}
