//! A message whose body the retention erased is not in the export.

use super::*;
use crate::support::drain::outbox_drained;

#[tokio::test]
async fn a_message_whose_body_was_erased_is_gone_from_the_export() {
    let app = TestApp::spawn().await;
    let a = app.sign_up("ada@alpha.example", "basic").await;
    let group = app.workgroup(&a.token, "Alpha Launch", true).await;
    invite_ann(&app, &a.token, &group, "The key is under the blue pot").await;
    let (status, accepted) = app.accept(&app.email_token(ANN, 0).await).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    let ann = accepted["user"]["id"].as_str().unwrap().to_owned();
    outbox_drained(&app).await;
    let kept = |e: &Value| {
        items(e, "messages")
            .iter()
            .filter(|m| m["body"].to_string().contains("blue pot"))
            .count()
    };
    let token = accepted["access_token"].as_str().unwrap();
    let before = export(&app, "/v1/network/profile/export", token).await;
    assert_eq!(kept(&before.json), 1, "{}", before.text);
    let by_admin = export(&app, &format!("/v1/users/{ann}/export"), &a.token).await;
    assert_eq!(kept(&by_admin.json), 1, "{}", by_admin.text);

    // Thirty days after it was sent, and the upkeep: its body is erased.
    app.clock.advance(chrono::Duration::days(31));
    app.run_upkeep().await;
    let (status, login) = app.login(ANN, PASSWORD, Some(&a.account_id)).await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let token = login["access_token"].as_str().unwrap();
    let after = export(&app, "/v1/network/profile/export", token).await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.text);
    assert_eq!(kept(&after.json), 0, "{}", after.text);
    assert!(items(&after.json, "messages")
        .iter()
        .all(|m| m["kind"] != "invitation"));
    // The invitation itself is the account's record and stays.
    assert_eq!(items(&after.json, "invitations").len(), 1);
    let admin = admin_token(&app, "ada@alpha.example", &a.account_id).await;
    let by_admin = export(&app, &format!("/v1/users/{ann}/export"), &admin).await;
    assert_eq!(kept(&by_admin.json), 0, "{}", by_admin.text);
}
