//! What spec fuzzing (`make test-fuzz`, schemathesis against the server's own document) found
//! the server doing against its document, each kept from coming back.

use crate::support::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// `GET /v1/invitations/accept` was routed as `GET /v1/invitations/{id}` with the id
/// `accept`, and answered 400 `invalid_parameter`: a method a path does not have is 405, with
/// the methods it has in `Allow`.
#[tokio::test]
async fn the_invitee_paths_answer_a_method_they_lack_with_405_and_allow() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    for path in [
        "/v1/invitations/accept",
        "/v1/invitations/lookup",
        "/v1/invitations/decline",
    ] {
        for method in [Method::GET, Method::PUT, Method::PATCH, Method::DELETE] {
            let res = app
                .call(method.clone(), path, Some(&admin.token), None)
                .await;
            assert_eq!(
                res.headers().get("allow").map(|v| v.to_str().unwrap()),
                Some("POST"),
                "{method} {path}"
            );
            assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
        }
    }
    // `{id}` is still an invitation's id, and an id that is none is still 400.
    let group = app.workgroup(&admin.token, "Site", true).await;
    let invitation = app.invite_phone(&admin.token, &group, "+14155550101").await;
    let id = invitation["id"].as_str().unwrap();
    let (status, read) = app
        .json(
            Method::GET,
            &format!("/v1/invitations/{id}"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!((status, &read["id"]), (StatusCode::OK, &invitation["id"]));
    let res = app.get("/v1/invitations/accepted", &admin.token).await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_parameter").await;
}

/// `PATCH /v1/account` with `"external_domains": [null, null]` answered 200 and cleared the
/// account's list: serde reads a struct from an array of its fields. An object is an object.
#[tokio::test]
async fn an_object_sent_as_an_array_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"external_domains": {"allow": ["client.example"]}}),
    )
    .await;
    for domains in [json!([null, null]), json!([["other.example"], null])] {
        let (status, problem) = patch(
            &app,
            "/v1/account",
            &admin.token,
            json!({"external_domains": domains}),
        )
        .await;
        assert_refused(
            status,
            &problem,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(error_fields(&problem), ["external_domains"], "{problem}");
        assert_eq!(problem["errors"][0]["code"], "invalid_type");
    }
    let (_, account) = app
        .json(Method::GET, "/v1/account", &admin.token, None)
        .await;
    assert_eq!(
        account["external_domains"],
        json!({"allow": ["client.example"]})
    );
    // A whole body sent as an array is refused the same way.
    let (status, problem) = json_of(
        app.post(
            "/v1/workgroups",
            Some(&admin.token),
            json!(["Site", "project"]),
        )
        .await,
    )
    .await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
}

/// `"invitation_ttl_hours": 553.0` was refused as "floating point, expected i64": JSON
/// Schema's `integer` is any number without a fraction, and the document says `integer`.
#[tokio::test]
async fn an_integer_may_be_written_with_a_zero_fraction() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let (status, account) = patch(
        &app,
        "/v1/account",
        &admin.token,
        json!({"invitation_ttl_hours": 72.0}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!(account["invitation_ttl_hours"], 72);
    // A fraction is not an integer; a whole number out of range is out of range.
    for (ttl, code) in [
        (json!(72.5), "invalid_type"),
        (json!(721.0), "out_of_range"),
    ] {
        let (status, problem) = patch(
            &app,
            "/v1/account",
            &admin.token,
            json!({"invitation_ttl_hours": ttl}),
        )
        .await;
        assert_refused(
            status,
            &problem,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(error_fields(&problem), ["invitation_ttl_hours"]);
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
    let (_, account) = app
        .json(Method::GET, "/v1/account", &admin.token, None)
        .await;
    assert_eq!(account["invitation_ttl_hours"], 72);
}

/// Any string was a schema-valid `cursor`, and the server refused all but its own: a cursor is
/// now an id's 32 hexadecimal digits (the document's pattern), and every such value is a place
/// in the list to continue after.
#[tokio::test]
async fn a_cursor_is_an_ids_hexadecimal_digits_and_any_such_is_taken() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    for name in ["One", "Two", "Three"] {
        app.workgroup(&admin.token, name, false).await;
    }
    let (status, first) = app
        .json(Method::GET, "/v1/workgroups?limit=2", &admin.token, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    assert!(
        cursor.len() == 32 && cursor.bytes().all(|b| b.is_ascii_hexdigit()),
        "{cursor}"
    );
    let (_, second) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups?limit=2&cursor={cursor}"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1, "{second}");
    assert_eq!(second["next_cursor"], json!(null));
    // Any 32 digits are a place in the list: past one end of the ids, nothing follows; past
    // the other, everything does (which end is which is the list's order).
    let mut counts = Vec::new();
    for digits in ["f".repeat(32), "0".repeat(32)] {
        let (status, page) = app
            .json(
                Method::GET,
                &format!("/v1/workgroups?cursor={digits}"),
                &admin.token,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        counts.push(page["items"].as_array().unwrap().len());
    }
    counts.sort_unstable();
    assert_eq!(counts, [0, 3]);
    // Anything else is not a cursor.
    let hyphenated = format!(
        "{}-{}-{}-{}-{}",
        &cursor[..8],
        &cursor[8..12],
        &cursor[12..16],
        &cursor[16..20],
        &cursor[20..]
    );
    for bad in [hyphenated.as_str(), "zzz", &cursor[..31]] {
        let (status, problem) = app
            .json(
                Method::GET,
                &format!("/v1/workgroups?cursor={bad}"),
                &admin.token,
                None,
            )
            .await;
        assert_refused(
            status,
            &problem,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(problem["errors"][0]["code"], "invalid_cursor");
    }
}

/// A phone number typed as a phone field takes it (`(+1) 415 555 0101`) was refused as a
/// login (`invalid_login`) when confirming the sign-up made with it, and when logging in.
#[tokio::test]
async fn a_login_takes_a_phone_number_as_the_phone_field_does() {
    let app = TestApp::spawn().await;
    let typed = "(+1) 415 555 0101";
    let (status, started) = json_of(
        app.post(
            "/v1/accounts",
            None,
            json!({"name": "Acme", "admin": {"phone": typed, "password": PASSWORD,
                   "first_name": "Ada", "last_name": "Lovelace"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let code = app.code_sent("+14155550101", 0).await;
    let (status, confirmed) = json_of(
        app.post(
            "/v1/accounts/confirm",
            None,
            json!({"login": typed, "code": code}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{confirmed}");
    let (status, logged_in) = app.login("+1 (415) 555-0101", PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK, "{logged_in}");
    assert!(logged_in["access_token"].is_string(), "{logged_in}");
}
