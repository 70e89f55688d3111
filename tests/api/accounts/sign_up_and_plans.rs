use crate::support::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn sign_up_login_me_and_usage_on_the_basic_plan() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    assert_eq!(acme.body["account"]["plan"], "basic");
    assert_eq!(acme.body["account"]["user_limit"], 5);
    assert_eq!(acme.body["token_type"], "Bearer");
    assert!(acme.body["expires_in"].as_u64().unwrap() > 0);
    assert_eq!(acme.body["user"]["is_admin"], true);

    let (status, login) = app
        .login("ADA@acme.example", PASSWORD, Some(&acme.account_id))
        .await;
    assert_eq!(status, StatusCode::OK, "{login}");
    assert_eq!(login["token_type"], "Bearer");
    let token = login["access_token"].as_str().unwrap();

    let (status, me) = json_of(app.get("/v1/me", token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["kind"], "user", "an account token's caller is a user");
    assert_eq!(me["id"], acme.user_id.as_str());
    assert_eq!(me["type"], "intranet");
    assert_eq!(me["status"], "active");
    assert_eq!(me["is_admin"], true);
    assert_eq!(me["email"], "ada@acme.example");
    assert_eq!(me["first_name"], "Ada");

    let (status, mut usage) = json_of(app.get("/v1/account/usage", token).await).await;
    assert_eq!(status, StatusCode::OK);
    // The sending quotas of this hour: the default limits, nothing sent for the account yet
    // (the sign-up code went to no account).
    let sending = usage.as_object_mut().unwrap().remove("sending").unwrap();
    assert_eq!(
        (&sending["email"]["used"], &sending["email"]["limit"]),
        (&json!(0), &json!(2000))
    );
    assert_eq!(sending["sms"]["limit"], 500);
    assert_eq!(sending["per_recipient_per_day"], 10);
    assert!(sending["email"]["resets_at"]
        .as_str()
        .unwrap()
        .ends_with(":00:00Z"));
    assert_eq!(
        usage,
        json!({"plan": "basic", "user_limit": 5, "active_intranet": 1, "active_extranet": 0,
               "pending_invitations": 0, "pending_join_requests": 0, "available": 4})
    );
}

#[tokio::test]
async fn the_free_plan_has_no_limit_and_is_the_default() {
    let app = TestApp::spawn().await;
    // Signed up by phone: the code comes by SMS.
    let (status, body) = app
        .sign_up_with(
            json!({"name": "Tiny", "admin": {"phone": "+14155550101", "password": PASSWORD,
                    "first_name": "Bo", "last_name": "Ng"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["account"]["plan"], "free");
    assert_eq!(body["user"]["phone"], "+14155550101");
    let token = body["access_token"].as_str().unwrap();
    let (_, usage) = json_of(app.get("/v1/account/usage", token).await).await;
    assert_eq!(usage["plan"], "free");
    assert_eq!(usage["user_limit"], serde_json::Value::Null);
    assert_eq!(usage["available"], serde_json::Value::Null);
    assert_eq!(usage["active_intranet"], 1);

    let (status, login) = app
        .login(
            "+14155550101",
            PASSWORD,
            Some(body["account"]["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{login}");
}

#[tokio::test]
async fn changing_the_plan_changes_the_limit() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "free").await;
    let res = app
        .call(
            Method::PUT,
            "/v1/account/plan",
            Some(&acme.token),
            Some(json!({"plan": "standard"})),
        )
        .await;
    let (status, account) = json_of(res).await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!(
        (account["plan"].clone(), account["user_limit"].clone()),
        (json!("standard"), json!(50))
    );
    let (_, usage) = json_of(app.get("/v1/account/usage", &acme.token).await).await;
    assert_eq!(usage["available"], 49);

    let res = app
        .call(
            Method::PUT,
            "/v1/account/plan",
            Some(&acme.token),
            Some(json!({"plan": "gold"})),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["plan"]);
    assert_eq!(problem["errors"][0]["code"], "unknown_plan");
}

#[tokio::test]
async fn configured_plans_replace_the_default_ones() {
    let app = TestApp::spawn_with(|c| c.plans = Some("trial=2,team=20".into())).await;
    let acme = app.sign_up("ada@acme.example", "trial").await;
    let (_, usage) = json_of(app.get("/v1/account/usage", &acme.token).await).await;
    assert_eq!(
        (usage["user_limit"].clone(), usage["available"].clone()),
        (json!(2), json!(1))
    );
    let res = app
        .call(
            Method::PUT,
            "/v1/account/plan",
            Some(&acme.token),
            Some(json!({"plan": "basic"})),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[tokio::test]
async fn an_admin_changes_the_settings_and_reads_them_back() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let (_, before) = json_of(app.get("/v1/account", &acme.token).await).await;
    assert_eq!(before["who_can_invite"], "admins");
    assert_eq!(before["external_domains"], serde_json::Value::Null);
    assert_eq!(before["invitation_ttl_hours"], 168);

    let res = app
        .call(
            Method::PATCH,
            "/v1/account",
            Some(&acme.token),
            Some(json!({"name": "Acme Ltd", "who_can_invite": "employees",
                        "external_domains": {"allow": ["Client.Example", "@partner.example"]},
                        "invitation_ttl_hours": 72})),
        )
        .await;
    let (status, after) = json_of(res).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after["name"], "Acme Ltd");
    assert_eq!(after["who_can_invite"], "employees");
    assert_eq!(
        after["external_domains"],
        json!({"allow": ["client.example", "partner.example"]})
    );
    assert_eq!(after["invitation_ttl_hours"], 72);
    let (_, read) = json_of(app.get("/v1/account", &acme.token).await).await;
    assert_eq!(read["external_domains"], after["external_domains"]);

    // Only what is given changes; `null` allows any domain again.
    let res = app
        .call(
            Method::PATCH,
            "/v1/account",
            Some(&acme.token),
            Some(json!({"external_domains": null})),
        )
        .await;
    let (_, cleared) = json_of(res).await;
    assert_eq!(cleared["external_domains"], serde_json::Value::Null);
    assert_eq!(cleared["who_can_invite"], "employees");
    assert_eq!(cleared["invitation_ttl_hours"], 72);
}

#[tokio::test]
async fn bad_settings_name_every_field_and_change_nothing() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let res = app
        .call(
            Method::PATCH,
            "/v1/account",
            Some(&acme.token),
            Some(json!({"name": " ", "external_domains": {"allow": ["a.example"], "deny": ["b.example"]},
                        "invitation_ttl_hours": 0})),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        ["name", "external_domains", "invitation_ttl_hours"]
    );
    let res = app
        .call(
            Method::PATCH,
            "/v1/account",
            Some(&acme.token),
            Some(json!({"who_can_invite": "everyone"})),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["who_can_invite"]);
    let (_, account) = json_of(app.get("/v1/account", &acme.token).await).await;
    assert_eq!(account["name"], "Account of ada@acme.example");
    assert_eq!(account["who_can_invite"], "admins");
    assert_eq!(account["invitation_ttl_hours"], 168);
}

#[tokio::test]
async fn a_profile_signs_up_a_second_account_only_with_its_own_password() {
    let app = TestApp::spawn().await;
    let first = app.sign_up("ada@acme.example", "basic").await;
    let body = |password: &str| {
        json!({"name": "Second", "admin": {"email": "ada@acme.example", "password": password,
               "first_name": "Ada", "last_name": "Lovelace"}})
    };
    // The code proves the login, not the password: a wrong one is refused at confirmation.
    let (status, problem) = app.sign_up_with(body("another password")).await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );

    let (status, second) = app.sign_up_with(body(PASSWORD)).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_ne!(second["account"]["id"], first.account_id.as_str());

    // One profile, two accounts: a login without `account_id` acts on the profile.
    let (status, login) = app.login("ada@acme.example", PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK);
    let token = login["access_token"].as_str().unwrap();
    let (_, me) = json_of(app.get("/v1/me", token).await).await;
    assert_eq!(
        me["kind"], "profile",
        "a profile token's caller is the profile"
    );
    assert_eq!(me["email"], "ada@acme.example");
    let accounts: Vec<_> = me["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].clone())
        .collect();
    assert_eq!(
        accounts,
        [json!(first.account_id), second["account"]["id"].clone()]
    );

    // A profile token acts in no account.
    let res = app.get("/v1/account", token).await;
    assert_problem(res, StatusCode::FORBIDDEN, "account_token_required").await;
}
