//! Who may not export whom: another account's user, a non-admin employee, an external user,
//! an API token on the profile's export, no token at all.

use super::*;
use crate::support::requests::api_token;

#[tokio::test]
async fn nobody_but_the_accounts_admins_exports_its_users_and_no_api_token_the_profile() {
    let t = ann_in_two_accounts().await;
    let app = &t.app;
    let refused = |got: &Exported, status: StatusCode, code: &str| {
        assert_eq!(got.status, status, "{}", got.text);
        assert_eq!(got.json["code"], code, "{}", got.json);
        assert!(!got.text.contains(ANN), "{}", got.text);
    };
    // Another account's user: as unknown as one that does not exist.
    let theirs = format!("/v1/users/{}/export", t.ann_b.id);
    refused(
        &export(app, &theirs, &t.a.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let unknown = format!("/v1/users/{}/export", uuid::Uuid::now_v7());
    refused(
        &export(app, &unknown, &t.a.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // A non-admin employee, and the external user herself (her own data is the profile's
    // export).
    let employee = app.join(&t.a.token, "intranet", None, "+14155550101").await;
    let ann = format!("/v1/users/{}/export", t.ann_a.id);
    refused(
        &export(app, &ann, &employee.token).await,
        StatusCode::FORBIDDEN,
        "admin_required",
    );
    refused(
        &export(app, &ann, &t.ann_a.token).await,
        StatusCode::FORBIDDEN,
        "admin_required",
    );
    // An admin's API token with every other scope.
    let others: Vec<&str> = domain::scope::Scope::ALL
        .iter()
        .map(|s| s.as_str())
        .filter(|s| *s != "users:export")
        .collect();
    let (_, without) = api_token(app, &t.a.token, &others).await;
    refused(
        &export(app, &ann, &without).await,
        StatusCode::FORBIDDEN,
        "insufficient_scope",
    );
    // The profile's export is the person's: no API token, whatever its scopes.
    let every: Vec<&str> = domain::scope::Scope::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    let (_, admins) = api_token(app, &t.a.token, &every).await;
    let (_, anns) = api_token(app, &t.ann_a.token, &["users:read"]).await;
    for token in [&admins, &anns] {
        let got = export(app, "/v1/network/profile/export", token).await;
        refused(&got, StatusCode::FORBIDDEN, "insufficient_scope");
    }
    // No token.
    let res = app
        .call(Method::GET, "/v1/network/profile/export", None, None)
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app.call(Method::GET, &ann, None, None).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Nothing was exported.
    assert!(!app.audit_actions().iter().any(|a| a == "user.exported"));
}
