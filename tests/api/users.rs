use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn users_are_listed_with_filters_and_pages() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let (status, page) = json_of(app.get("/v1/users", &acme.token).await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["id"], acme.user_id.as_str());
    assert_eq!(page["next_cursor"], serde_json::Value::Null);

    for (query, expected) in [
        ("?type=intranet", 1),
        ("?type=extranet", 0),
        ("?status=dismissed", 0),
        ("?q=LOVE", 1),
        ("?q=acme.example", 1),
        ("?q=nobody", 0),
        ("?q=%25", 0),
        ("?limit=1", 1),
    ] {
        let (status, page) =
            json_of(app.get(&format!("/v1/users{query}"), &acme.token).await).await;
        assert_eq!(status, StatusCode::OK, "{query}: {page}");
        assert_eq!(page["items"].as_array().unwrap().len(), expected, "{query}");
    }
}

#[tokio::test]
async fn bad_list_parameters_are_named() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    for (query, field) in [
        ("?limit=0", "limit"),
        ("?limit=201", "limit"),
        ("?cursor=zzz", "cursor"),
    ] {
        let res = app.get(&format!("/v1/users{query}"), &acme.token).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), [field], "{query}");
    }
    for query in ["?limit=ten", "?type=robot", "?sort=name"] {
        let res = app.get(&format!("/v1/users{query}"), &acme.token).await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_parameter").await;
    }
}

#[tokio::test]
async fn a_user_is_visible_in_its_own_account_only() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let other = app.sign_up("bo@other.example", "basic").await;
    let (status, user) = json_of(
        app.get(&format!("/v1/users/{}", acme.user_id), &acme.token)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["email"], "ada@acme.example");
    assert_eq!(user["type"], "intranet");

    let res = app
        .get(&format!("/v1/users/{}", acme.user_id), &other.token)
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let (_, page) = json_of(app.get("/v1/users", &other.token).await).await;
    let ids: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].clone())
        .collect();
    assert_eq!(ids, [json!(other.user_id)]);

    let res = app.get("/v1/users/not-an-id", &acme.token).await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_parameter").await;
}
