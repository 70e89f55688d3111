//! Searches read the account's invitations a slice at a time (so that no read holds its
//! snapshot for long); what they find must be what one read would find, across slices.

use crate::support::helpers::*;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use persistence::schema::invitations;
use reqwest::StatusCode;
use serde_json::Value;

/// More invitations than one slice of a search holds.
const STORED: usize = 4500;

/// Stores `STORED` invitations straight into the database (the sending quotas would stop an
/// API loop long before), every 1,000th of them named "Needle", the first 50 expired.
fn store_invitations(app: &TestApp, admin: &SignedUp, group: &str) {
    let now = Utc::now().naive_utc();
    let rows: Vec<_> = (0..STORED)
        .map(|i| {
            let login = format!("seed{i}@slice.example");
            let needle = i % 1000 == 7;
            let expires = if i < 50 {
                now - Duration::days(1)
            } else {
                now + Duration::days(7)
            };
            (
                invitations::id.eq(uuid::Uuid::now_v7().to_string()),
                invitations::account_id.eq(admin.account_id.clone()),
                invitations::invitation_type.eq("extranet"),
                invitations::status.eq("pending"),
                invitations::email.eq(Some(login.clone())),
                invitations::login.eq(login),
                invitations::first_name.eq(if needle { "Needle" } else { "Seed" }),
                invitations::last_name.eq(format!("Row{i}")),
                invitations::workgroup_id.eq(Some(group.to_owned())),
                invitations::invited_by.eq(admin.user_id.clone()),
                invitations::token_hash.eq(format!("{i:064}")),
                invitations::expires_at.eq(expires),
                invitations::sent_count.eq(1),
                invitations::last_sent_at.eq(now),
                invitations::created_at.eq(now),
                invitations::updated_at.eq(now),
            )
        })
        .collect();
    let db = app.database();
    for chunk in rows.chunks(500) {
        let chunk = chunk.to_vec();
        db.write(move |conn| {
            match conn {
                persistence::DbConnection::Sqlite(c) => diesel::insert_into(invitations::table)
                    .values(chunk)
                    .execute(c)?,
                persistence::DbConnection::Pg(c) => diesel::insert_into(invitations::table)
                    .values(chunk)
                    .execute(c)?,
            };
            Ok(())
        })
        .unwrap();
    }
}

/// Every page of `path`, following `next_cursor`: the last names in order.
async fn all_pages(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut url = path.to_owned();
    loop {
        let (status, body) = json_of(app.get(&url, token).await).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for item in body["items"].as_array().unwrap() {
            found.push(item["last_name"].as_str().unwrap().to_owned());
        }
        match body["next_cursor"].as_str() {
            Some(cursor) => url = format!("{path}&cursor={cursor}"),
            None => return found,
        }
    }
}

#[actix_web::test]
async fn a_search_over_many_slices_finds_every_match_newest_first_page_by_page() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Launch", true).await;
    store_invitations(&app, &admin, &group);

    // Five needles, 1,000 rows apart: pages of one cross slices, and one page of all does too.
    let needles: Vec<String> = (0..STORED)
        .rev()
        .filter(|i| i % 1000 == 7)
        .map(|i| format!("Row{i}"))
        .collect();
    assert_eq!(needles.len(), 5);
    assert_eq!(
        all_pages(&app, &admin.token, "/v1/invitations?q=needle&limit=1").await,
        needles
    );
    assert_eq!(
        all_pages(&app, &admin.token, "/v1/invitations?q=NEEDLE&limit=200").await,
        needles
    );
    // A search every row matches: the newest 200, in order, then the next ones.
    let (status, body) = json_of(
        app.get("/v1/invitations?q=slice.example&limit=200", &admin.token)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let names: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["last_name"].as_str().unwrap())
        .collect();
    let newest: Vec<String> = (STORED - 200..STORED)
        .rev()
        .map(|i| format!("Row{i}"))
        .collect();
    assert_eq!(names, newest);
    // Expired ones are a scan too: the 50 oldest, across every slice.
    let expired = all_pages(
        &app,
        &admin.token,
        "/v1/invitations?status=expired&limit=20",
    )
    .await;
    let oldest: Vec<String> = (0..50).rev().map(|i| format!("Row{i}")).collect();
    assert_eq!(expired, oldest);
    // Another account's admin searching the same words finds nothing of this account's.
    let other = app.sign_up("bob@elsewhere.example", "free").await;
    assert!(
        all_pages(&app, &other.token, "/v1/invitations?q=needle&limit=200")
            .await
            .is_empty()
    );
    assert!(all_pages(
        &app,
        &other.token,
        "/v1/invitations?status=expired&limit=200"
    )
    .await
    .is_empty());
    // An external user of this account may not search its invitations at all.
    let guest = app
        .join(&admin.token, "extranet", Some(&group), "+14155550301")
        .await;
    let res = app.get("/v1/invitations?q=needle", &guest.token).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Nothing matches: an empty page, no cursor.
    let (status, body): (StatusCode, Value) =
        json_of(app.get("/v1/invitations?q=nobody", &admin.token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["items"].as_array().map(Vec::len), Some(0));
    assert!(body["next_cursor"].is_null());
}
