//! A membership's end: the member leaves the workgroup at that instant's sweep and stays a
//! user of the account.

use super::*;
use reqwest::Method;

#[tokio::test]
async fn a_membership_end_leaves_the_user_in_the_account_but_not_the_group() {
    let app = TestApp::spawn().await;
    let (admin, group) = agency(&app).await;
    let other = app.workgroup(&admin.token, "Second site", true).await;
    let ann = guest(&app, &admin.token, &group, "ann@client.example", json!({})).await;
    let ann_person = Person {
        id: ann.id.clone(),
        token: ann.token.clone(),
    };
    app.add_and_accept(&admin.token, &other, &ann_person, "member")
        .await;
    // A membership may be given an end when the member is added.
    let third = app.workgroup(&admin.token, "Third site", true).await;
    let third_ends = from_now(&app, Duration::days(3));
    let (status, added) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{third}/members"),
            &admin.token,
            Some(json!({"user_id": ann.id, "expires_at": third_ends})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(time(&added["expires_at"]), time(&json!(third_ends)));

    let member = format!("/v1/workgroups/{other}/members/{}", ann.id);
    let ends = from_now(&app, Duration::hours(2));
    // Not the owner's; not by a plain member; not in the past.
    let (status, refused) = patch(
        &app,
        &format!("/v1/workgroups/{other}/members/{}", admin.user_id),
        &admin.token,
        json!({"expires_at": ends}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "owner_membership");
    let (status, _) = patch(&app, &member, &ann.token, json!({"expires_at": ends})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, refused) = patch(
        &app,
        &member,
        &admin.token,
        json!({"expires_at": from_now(&app, -Duration::hours(1))}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

    let (status, changed) = patch(&app, &member, &admin.token, json!({"expires_at": ends})).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(time(&changed["expires_at"]), time(&json!(ends)));
    assert_eq!(changed["role"], "member");

    app.clock.advance(Duration::hours(2));
    app.run_upkeep().await;
    let admin_token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    let (_, members) = json_of(
        app.get(&format!("/v1/workgroups/{other}/members"), &admin_token)
            .await,
    )
    .await;
    assert!(
        !members["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["user_id"] == json!(ann.id)),
        "{members}"
    );
    let (_, members) = json_of(
        app.get(&format!("/v1/workgroups/{group}/members"), &admin_token)
            .await,
    )
    .await;
    assert!(
        members["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["user_id"] == json!(ann.id)),
        "{members}"
    );
    let (_, user) = app
        .json(
            Method::GET,
            &format!("/v1/users/{}", ann.id),
            &admin_token,
            None,
        )
        .await;
    assert_eq!(user["status"], "active", "{user}");
    app.assert_audited(&["membership.end_changed", "membership.expired"]);
    // The person still works in the account.
    let (status, body) = app
        .login("ann@client.example", PASSWORD, Some(&admin.account_id))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
