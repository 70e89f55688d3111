//! Reviews and their items are listed in pages (limit, cursor), newest first; a new review
//! answers with the people it is about, and every review with its progress.

use super::*;

/// The ids of a page's items at `key`, and its `next_cursor`.
fn page_ids(page: &Value, key: &str) -> (Vec<String>, Option<String>) {
    (
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i[key].as_str().unwrap().to_owned())
            .collect(),
        page["next_cursor"].as_str().map(str::to_owned),
    )
}

fn id_of(review: &Value) -> String {
    review["id"].as_str().unwrap().to_owned()
}

async fn get_page(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, page) = app.json(Method::GET, path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {page}");
    page
}

#[tokio::test]
async fn reviews_and_their_items_come_in_pages_newest_first() {
    let s = Scene::on("standard").await;
    let app = &s.app;
    let admin = &s.admin.token;
    let first = s.review_of_group("remove").await;
    // A new review answers with the people it is about, each unanswered.
    assert_eq!(first["status"], "open");
    assert_eq!(first["on_no_answer"], "remove");
    assert!(first["every_days"].is_null() && first["previous_id"].is_null());
    assert_eq!(first["created_by"], s.admin.id.as_str());
    assert_eq!(
        first["progress"],
        json!({"total": 3, "kept": 0, "removed": 0, "unanswered": 3})
    );
    assert!(first["items_next_cursor"].is_null(), "{first}");
    let mut people: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert!(i["decision"].is_null() && i["outcome"].is_null(), "{i}");
            assert_eq!(i["user"]["type"], "extranet", "{i}");
            i["user_id"].as_str().unwrap()
        })
        .collect();
    people.sort_unstable();
    assert_eq!(
        people,
        sorted(&[&s.kept.id, &s.removed.id, &s.unanswered.id])
    );
    let second = started(
        app,
        admin,
        json!({"workgroup_id": s.other, "due_at": due_in(app, Duration::days(2)),
               "on_no_answer": "keep"}),
    )
    .await;
    // `other` has one external member.
    assert_eq!(second["progress"]["total"], 1, "{second}");
    let third = started(
        app,
        admin,
        json!({"due_at": due_in(app, Duration::days(3)), "on_no_answer": "keep",
               "every_days": 30}),
    )
    .await;
    assert_eq!(third["every_days"], 30);

    let page = get_page(app, admin, "/v1/access-reviews?limit=2").await;
    let (ids, cursor) = page_ids(&page, "id");
    assert_eq!(ids, [id_of(&third), id_of(&second)]);
    let cursor = cursor.expect("a second page");
    let page = get_page(
        app,
        admin,
        &format!("/v1/access-reviews?limit=2&cursor={cursor}"),
    )
    .await;
    let (ids, cursor) = page_ids(&page, "id");
    assert_eq!(ids, [id_of(&first)]);
    assert_eq!(cursor, None);
    // Each listed as `GET /v1/access-reviews/{id}` shows it.
    let (_, shown) = review(app, admin, first["id"].as_str().unwrap()).await;
    assert_eq!(page["items"][0], shown);

    // The items of a review, by user id, newest first.
    let id = first["id"].as_str().unwrap();
    let page = get_page(
        app,
        admin,
        &format!("/v1/access-reviews/{id}/items?limit=2"),
    )
    .await;
    let (mut all, cursor) = page_ids(&page, "user_id");
    let cursor = cursor.expect("a second page of items");
    let page = get_page(
        app,
        admin,
        &format!("/v1/access-reviews/{id}/items?limit=2&cursor={cursor}"),
    )
    .await;
    let (rest, cursor) = page_ids(&page, "user_id");
    assert_eq!(cursor, None);
    all.extend(rest);
    let mut newest_first = sorted(&[&s.kept.id, &s.removed.id, &s.unanswered.id]);
    newest_first.reverse();
    assert_eq!(all, newest_first);
    // Pages past their bounds are refused.
    for bad in ["limit=0", "limit=201", "cursor=not-a-cursor"] {
        let (status, problem) = app
            .json(
                Method::GET,
                &format!("/v1/access-reviews?{bad}"),
                admin,
                None,
            )
            .await;
        assert!(status.is_client_error(), "{bad}: {problem}");
    }
}

#[tokio::test]
async fn progress_is_readable_before_and_after_it_applies() {
    let s = Scene::on("standard").await;
    let app = &s.app;
    let created = s.review_of_group("keep").await;
    let id = created["id"].as_str().unwrap();
    decided(app, &s.admin.token, id, &s.kept.id, "keep").await;
    decided(app, &s.admin.token, id, &s.removed.id, "keep").await;
    decided(app, &s.admin.token, id, &s.removed.id, "remove").await;
    let (_, before) = review(app, &s.admin.token, id).await;
    assert_eq!(
        before["progress"],
        json!({"total": 3, "kept": 1, "removed": 1, "unanswered": 1})
    );
    assert!(before["applied_at"].is_null());
    app.clock.advance(Duration::hours(1));
    app.run_upkeep().await;
    let admin = s.admin_now().await;
    let (_, after) = review(app, &admin, id).await;
    assert_eq!(after["status"], "applied");
    assert_eq!(after["progress"], before["progress"]);
    let (_, page) = items(app, &admin, id).await;
    for item in page["items"].as_array().unwrap() {
        let want = if item["user_id"] == s.removed.id.as_str() {
            "removed"
        } else {
            "kept"
        };
        assert_eq!(item["outcome"], want, "{item}");
    }
}
