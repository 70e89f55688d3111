//! Rule 4 under concurrency: the seat limit is exact however many requests race.

use crate::support::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_invitations_for_four_free_seats_create_exactly_four() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let (app, token, group) = (app.clone(), admin.token.clone(), group.clone());
            tokio::spawn(async move {
                let res = app
                    .post("/v1/invitations", Some(&token),
                          json!({"type": "extranet", "workgroup_id": group, "invitees": [
                              {"phone": format!("+1415555{i:04}"), "first_name": "P", "last_name": "Q"}]}))
                    .await;
                let (status, body) = json_of(res).await;
                (status, body["code"].as_str().unwrap_or_default().to_owned())
            })
        })
        .collect();
    let mut created = 0;
    let mut refused = 0;
    for task in tasks {
        match task.await.unwrap() {
            (StatusCode::CREATED, _) => created += 1,
            (StatusCode::CONFLICT, code) if code == "user_limit_reached" => refused += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!((created, refused), (4, 46));
    let usage = app.usage(&admin.token).await;
    assert_eq!(
        (
            usage["pending_invitations"].clone(),
            usage["available"].clone()
        ),
        (json!(4), json!(0))
    );
    let (_, list) = json_of(app.get("/v1/invitations?limit=200", &admin.token).await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 4);
}
