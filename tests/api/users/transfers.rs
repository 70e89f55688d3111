//! Rule 5 over HTTP (issue #11): an external user is transferred to the intranet, keeping
//! memberships, role and seat; there is no way back, and every place a client could try says
//! what to do instead. And the one thing an administrator writes on a user: `is_admin`.

use crate::support::helpers::{assert_problem, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_transferred_user_keeps_its_memberships_and_its_seat_moves() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "basic").await;
    let group = app.workgroup(&admin.token, "Client site", true).await;
    let client = app
        .join(&admin.token, "extranet", Some(&group), "+14155550101")
        .await;
    let (status, _) = app
        .json(
            Method::PATCH,
            &format!("/v1/workgroups/{group}/members/{}", client.id),
            &admin.token,
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let before = app.seats(&admin.token).await;
    assert_eq!(
        (
            before["active_intranet"].as_u64(),
            before["active_extranet"].as_u64()
        ),
        (Some(1), Some(1))
    );
    // An external user sees no internals.
    let res = app.get("/v1/account/usage", &client.token).await;
    assert_problem(res, StatusCode::FORBIDDEN, "intranet_user_required").await;

    // Only administrators transfer.
    let employee = app
        .join(&admin.token, "intranet", None, "+14155550102")
        .await;
    let path = format!("/v1/users/{}/transfer-to-intranet", client.id);
    let res = app.post(&path, Some(&employee.token), json!({})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;
    let res = app.post(&path, Some(&client.token), json!({})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;

    let (status, moved) = app.json(Method::POST, &path, &admin.token, None).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["type"], "intranet");
    assert_eq!(moved["status"], "active");
    let after = app.seats(&admin.token).await;
    assert_eq!(after["active_intranet"], 3);
    assert_eq!(after["active_extranet"], 0);
    assert_eq!(
        after["available"],
        before["available"].as_u64().unwrap() - 1,
        "the employee joined; the transfer took no seat"
    );
    // Memberships and roles stay.
    let (_, members) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{group}/members"),
            &admin.token,
            None,
        )
        .await;
    let member = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == client.id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(
        (member["role"].as_str(), member["status"].as_str()),
        (Some("moderator"), Some("active"))
    );
    // The user's token acts as an employee at once.
    let (status, _) = app
        .json(Method::GET, "/v1/account/usage", &client.token, None)
        .await;
    assert_eq!(status, StatusCode::OK);

    // A second transfer, and any way back, is refused with the ways out.
    let res = app.post(&path, Some(&admin.token), json!({})).await;
    let problem = assert_problem(res, StatusCode::CONFLICT, "not_extranet_user").await;
    assert!(problem["detail"].as_str().unwrap().contains("login-change"));
    let res = app
        .post(
            &format!("/v1/users/{}/transfer-to-extranet", client.id),
            Some(&admin.token),
            json!({}),
        )
        .await;
    let problem =
        assert_problem(res, StatusCode::CONFLICT, "transfer_to_extranet_impossible").await;
    let detail = problem["detail"].as_str().unwrap().to_lowercase();
    assert!(
        detail.contains("dismiss") && detail.contains("login-change"),
        "{detail}"
    );
    for value in [json!("extranet"), json!("intranet"), json!(null)] {
        let res = app
            .call(
                Method::PATCH,
                &format!("/v1/users/{}", client.id),
                Some(&admin.token),
                Some(json!({"type": value})),
            )
            .await;
        assert_problem(res, StatusCode::CONFLICT, "user_type_not_writable").await;
    }
    let (_, user) = app
        .json(
            Method::GET,
            &format!("/v1/users/{}", client.id),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(user["type"], "intranet");
    app.assert_audited(&["user.transferred_to_intranet"]);

    // Another account's admin cannot reach the user at all, whatever the path.
    let other = app.sign_up("eve@other.example", "free").await;
    let res = app.post(&path, Some(&other.token), json!({})).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let extranet = format!("/v1/users/{}/transfer-to-extranet", client.id);
    let res = app.post(&extranet, Some(&other.token), json!({})).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let employee_path = format!("/v1/users/{}", employee.id);
    let res = app
        .call(
            Method::PATCH,
            &employee_path,
            Some(&other.token),
            Some(json!({"is_admin": true})),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let (_, still) = app
        .json(Method::GET, &employee_path, &admin.token, None)
        .await;
    assert_eq!(still["is_admin"], false);
}

#[tokio::test]
async fn a_dismissed_external_user_is_reinstated_before_a_transfer() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&admin.token, "Client site", true).await;
    let client = app
        .join(&admin.token, "extranet", Some(&group), "+14155550101")
        .await;
    app.dismiss(&admin.token, &client.id).await;
    let res = app
        .post(
            &format!("/v1/users/{}/transfer-to-intranet", client.id),
            Some(&admin.token),
            json!({}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "user_is_dismissed").await;
}

#[tokio::test]
async fn administrators_are_active_employees_and_the_last_one_stays() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&admin.token, "Client site", true).await;
    let employee = app
        .join(&admin.token, "intranet", None, "+14155550101")
        .await;
    let client = app
        .join(&admin.token, "extranet", Some(&group), "+14155550102")
        .await;
    let user = |id: &str| format!("/v1/users/{id}");

    // Nothing to change, or a field that is not the user's to write.
    let res = app
        .call(
            Method::PATCH,
            &user(&employee.id),
            Some(&admin.token),
            Some(json!({})),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = app
        .call(
            Method::PATCH,
            &user(&employee.id),
            Some(&admin.token),
            Some(json!({"email": "x@y.example"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Employees do not grant rights.
    let res = app
        .call(
            Method::PATCH,
            &user(&employee.id),
            Some(&employee.token),
            Some(json!({"is_admin": true})),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;
    // External users are never administrators.
    let res = app
        .call(
            Method::PATCH,
            &user(&client.id),
            Some(&admin.token),
            Some(json!({"is_admin": true})),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "admin_must_be_employee").await;

    // The last administrator stays one.
    let res = app
        .call(
            Method::PATCH,
            &user(&admin.user_id),
            Some(&admin.token),
            Some(json!({"is_admin": false})),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "last_admin").await;

    // Granted: the employee administers at once; then the first admin may step down.
    let (status, granted) = app
        .json(
            Method::PATCH,
            &user(&employee.id),
            &admin.token,
            Some(json!({"is_admin": true})),
        )
        .await;
    assert_eq!(
        (status, granted["is_admin"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{granted}"
    );
    let (status, _) = app
        .json(Method::GET, "/v1/audit-events", &employee.token, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, stepped) = app
        .json(
            Method::PATCH,
            &user(&admin.user_id),
            &admin.token,
            Some(json!({"is_admin": false})),
        )
        .await;
    assert_eq!(
        (status, stepped["is_admin"].as_bool()),
        (StatusCode::OK, Some(false)),
        "{stepped}"
    );
    let res = app.get("/v1/audit-events", &admin.token).await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;
    app.assert_audited(&["user.admin_granted", "user.admin_revoked"]);
}
