//! A workgroup's join links and join requests come in pages, newest first, like every list.

use super::{join_through, link};
use crate::support::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Every item of a list, read `limit` at a time; the ids in order and the pages' sizes.
async fn read_all(app: &TestApp, token: &str, path: &str, limit: u32) -> (Vec<String>, Vec<usize>) {
    let (mut ids, mut sizes) = (Vec::new(), Vec::new());
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit={limit}&cursor={c}"),
            None => format!("{path}{sep}limit={limit}"),
        };
        let (status, page) = json_of(app.get(&url, token).await).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let items = page["items"].as_array().unwrap();
        sizes.push(items.len());
        ids.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        match &page["next_cursor"] {
            Value::String(c) => cursor = Some(c.clone()),
            _ => break,
        }
    }
    (ids, sizes)
}

#[tokio::test]
async fn links_and_requests_are_listed_in_pages_newest_first() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let mut made = Vec::new();
    for uses in [1, 2, 3] {
        let (created, _) = link(
            &app,
            &admin.token,
            &group,
            json!({"max_uses": uses, "approval": "required"}),
        )
        .await;
        made.push(created["id"].as_str().unwrap().to_owned());
    }
    let links = format!("/v1/workgroups/{group}/join-links");
    let (ids, sizes) = read_all(&app, &admin.token, &links, 2).await;
    made.reverse();
    assert_eq!(ids, made, "newest first, each once");
    assert_eq!(sizes, [2, 1]);

    let (_, code) = link(&app, &admin.token, &group, json!({"approval": "required"})).await;
    for login in ["a@client.example", "b@client.example", "c@client.example"] {
        let (status, body) = join_through(&app, &code, login, 0).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    }
    let waiting = format!("/v1/workgroups/{group}/join-requests?status=awaiting_approval");
    let (ids, sizes) = read_all(&app, &admin.token, &waiting, 2).await;
    assert_eq!(sizes, [2, 1]);
    let (_, whole) = json_of(app.get(&waiting, &admin.token).await).await;
    let all: Vec<&str> = whole["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, all, "the pages are the whole list, in its order");
    assert_eq!(
        whole["items"][0]["login"], "c@client.example",
        "newest first"
    );

    // A page the server does not give, a cursor it did not make.
    for query in ["limit=0", "limit=201", "cursor=not-a-cursor"] {
        let res = app.get(&format!("{links}?{query}"), &admin.token).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
}
