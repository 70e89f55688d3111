//! Roles in a workgroup: they change, and an owner hands the group over before leaving.

use crate::support::helpers::{assert_refused, Person, TestApp};
use crate::support::requests::{members, owned_group};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn roles_change_and_the_owner_hands_over_before_leaving() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let a = &admin.token;
    let owner = app.join(a, "intranet", None, "+14155550101").await;
    let moderator = app.join(a, "intranet", None, "+14155550102").await;
    let heir = app.join(a, "intranet", None, "+14155550103").await;
    let g = owned_group(
        &app,
        &owner,
        json!({"name": "Team", "kind": "group", "allow_external": true}),
    )
    .await;
    let external = app.join(a, "extranet", Some(&g), "+14155550104").await;
    app.add_and_accept(&owner.token, &g, &moderator, "moderator")
        .await;
    app.add_and_accept(&owner.token, &g, &heir, "member").await;
    let member = |user: &Person| format!("/v1/workgroups/{g}/members/{}", user.id);
    let patch = |by: &str, user: &Person, role: &str| {
        let (app, path) = (&app, member(user));
        let (token, body) = (by.to_owned(), json!({"role": role}));
        async move { app.json(Method::PATCH, &path, &token, Some(body)).await }
    };

    // The owner is not demoted nor removed until someone else owns the group.
    let (status, body) = patch(&moderator.token, &owner, "member").await;
    assert_refused(
        status,
        &body,
        StatusCode::CONFLICT,
        "owner_must_be_replaced",
    );
    let (status, body) = app.json(Method::DELETE, &member(&owner), a, None).await;
    assert_refused(
        status,
        &body,
        StatusCode::CONFLICT,
        "owner_must_be_replaced",
    );
    // Moderators change roles, but only the owner or an admin hands ownership over…
    let (status, body) = patch(&moderator.token, &heir, "moderator").await;
    assert_eq!(
        (status, &body["role"]),
        (StatusCode::OK, &json!("moderator"))
    );
    let (status, body) = patch(&moderator.token, &heir, "owner").await;
    assert_refused(
        status,
        &body,
        StatusCode::FORBIDDEN,
        "workgroup_owner_required",
    );
    // …to an active employee.
    let (status, body) = patch(&owner.token, &external, "owner").await;
    assert_refused(
        status,
        &body,
        StatusCode::CONFLICT,
        "owner_must_be_employee",
    );
    let (status, body) = patch(&owner.token, &heir, "owner").await;
    assert_eq!(
        (status, &body["role"]),
        (StatusCode::OK, &json!("owner")),
        "{body}"
    );
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{g}/members?role=owner"),
            a,
            None,
        )
        .await;
    assert_eq!(
        members(&list),
        [(heir.id.clone(), "owner".into(), "active".into())]
    );
    let (_, list) = app
        .json(Method::GET, &format!("/v1/workgroups/{g}/members"), a, None)
        .await;
    assert!(members(&list).contains(&(owner.id.clone(), "moderator".into(), "active".into())));

    // The former owner may now leave; a member may leave; a plain member removes nobody.
    let (status, body) = app
        .json(Method::DELETE, &member(&external), &external.token, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = app
        .json(Method::DELETE, &member(&owner), &owner.token, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{g}"),
            &external.token,
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "it left: the group is out of its sight"
    );
    let (status, body) = app.json(Method::DELETE, &member(&owner), a, None).await;
    assert_refused(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(body["detail"], "member not found");
    app.assert_audited(&[
        "membership.role_changed",
        "workgroup.owner_changed",
        "membership.left",
    ]);
}
