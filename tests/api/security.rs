//! The holes an attacker found (issue #8), each as the attack it closes: idempotency keys that
//! belonged to nobody, tokens that outlived their invitation, rule 1 skipped after the invite,
//! and resends and accepts that ignored today's policy.

use crate::helpers::{assert_problem, assert_refused, json_of, SmtpServer, TestApp, PASSWORD};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// POST with an `Idempotency-Key`; returns the status, whether it was a replay, and the body.
async fn post_keyed(
    app: &TestApp,
    path: &str,
    token: &str,
    key: &str,
    body: Value,
) -> (StatusCode, bool, Value) {
    let res = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let replayed = res.headers().contains_key("idempotent-replayed");
    let (status, body) = json_of(res).await;
    (status, replayed, body)
}

fn invite_body(group: &str, email: &str) -> Value {
    json!({"type": "extranet", "workgroup_id": group,
           "invitees": [{"email": email, "first_name": "Ann", "last_name": "Lee"}]})
}

async fn patch(app: &TestApp, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    app.json(Method::PATCH, path, token, Some(body)).await
}

/// PATCHes `path` (the account's or a workgroup's settings), which must work.
async fn change(app: &TestApp, token: &str, path: &str, body: Value) {
    let (status, changed) = patch(app, path, token, body).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
}

/// A fresh access token for the account's first admin (after the clock moved past the old one).
async fn admin_token(app: &TestApp, email: &str, account_id: &str) -> String {
    let (status, body) = app.login(email, PASSWORD, Some(account_id)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_idempotency_key_belongs_to_its_caller_and_never_replays_to_another() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"who_can_invite": "employees"}),
    )
    .await;
    let extranet_group = app.workgroup(&admin.token, "Client site", true).await;
    let internal_group = app.workgroup(&admin.token, "Payroll", false).await;
    let client = app
        .join(
            &admin.token,
            "extranet",
            Some(&extranet_group),
            "+14155550100",
        )
        .await;
    let employee = app
        .join(&admin.token, "intranet", None, "+14155550101")
        .await;
    let colleague = app
        .join(&admin.token, "intranet", None, "+14155550102")
        .await;
    app.add_and_accept(&admin.token, &extranet_group, &employee, "member")
        .await;

    // The admin invites with key k1.
    let body = invite_body(&extranet_group, "ann@client.example");
    let (status, _, first) =
        post_keyed(&app, "/v1/invitations", &admin.token, "k1", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");

    // The external user sends the same key and body: refused as its own request, nothing shown.
    let (status, replayed, problem) =
        post_keyed(&app, "/v1/invitations", &client.token, "k1", body.clone()).await;
    assert_refused(
        status,
        &problem,
        StatusCode::FORBIDDEN,
        "extranet_user_cannot_invite",
    );
    assert!(!replayed);
    assert!(
        !problem.to_string().contains("ann@client.example"),
        "{problem}"
    );

    // Adding the colleague to the internal group with k2 answers with the colleague's phone…
    let add = json!({"user_id": colleague.id});
    let members = format!("/v1/workgroups/{internal_group}/members");
    let (status, _, added) = post_keyed(&app, &members, &admin.token, "k2", add.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["user"]["phone"], "+14155550102");
    // …which the external user, replaying k2, must never read: the group is not visible to it.
    let (status, replayed, problem) =
        post_keyed(&app, &members, &client.token, "k2", add.clone()).await;
    assert_refused(status, &problem, StatusCode::NOT_FOUND, "not_found");
    assert!(!replayed);
    assert!(!problem.to_string().contains("+14155550102"), "{problem}");

    // Another employee's k1 with a body of its own is its own new request.
    let own = invite_body(&extranet_group, "bo@client.example");
    let (status, replayed, created) =
        post_keyed(&app, "/v1/invitations", &employee.token, "k1", own.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(!replayed);
    assert_eq!(
        created["results"][0]["invitation"]["email"],
        "bo@client.example"
    );
    // Each caller's key replays its own answer, and only its own.
    let (status, replayed, again) =
        post_keyed(&app, "/v1/invitations", &employee.token, "k1", own).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(again, created);
    let (status, replayed, again) =
        post_keyed(&app, "/v1/invitations", &admin.token, "k1", body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(again, first);

    // Authorization runs before a replay: once employees may no longer invite, the employee's
    // own key is refused rather than replayed.
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"who_can_invite": "admins"}),
    )
    .await;
    let (status, replayed, problem) = post_keyed(
        &app,
        "/v1/invitations",
        &employee.token,
        "k1",
        invite_body(&extranet_group, "bo@client.example"),
    )
    .await;
    assert_refused(status, &problem, StatusCode::FORBIDDEN, "admin_required");
    assert!(!replayed);
}

#[tokio::test]
async fn a_used_declined_or_revoked_token_is_unknown_and_an_expired_one_is_gone_without_personal_data(
) {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    for phone in [
        "+14155550101",
        "+14155550102",
        "+14155550103",
        "+14155550104",
    ] {
        app.invite_phone(&admin.token, &group, phone).await;
    }
    let accepted = app.sms.token("+14155550101", 0).await;
    let declined = app.sms.token("+14155550102", 0).await;
    let revoked = app.sms.token("+14155550103", 0).await;
    let expired = app.sms.token("+14155550104", 0).await;
    let lookup = |token: &str| {
        let token = token.to_owned();
        let app = &app;
        async move {
            json_of(
                app.post("/v1/invitations/lookup", None, json!({"token": token}))
                    .await,
            )
            .await
        }
    };
    // A live token shows the invitation.
    let (status, shown) = lookup(&accepted).await;
    assert_eq!(status, StatusCode::OK, "{shown}");

    assert_eq!(app.accept(&accepted).await.0, StatusCode::CREATED);
    let (status, _) = json_of(
        app.post("/v1/invitations/decline", None, json!({"token": declined}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, listed) = json_of(
        app.get("/v1/invitations?status=pending", &admin.token)
            .await,
    )
    .await;
    let to_revoke = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["phone"] == "+14155550103")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = json_of(
        app.post(
            &format!("/v1/invitations/{to_revoke}/revoke"),
            Some(&admin.token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Used, declined and revoked tokens answer exactly like a token that never existed.
    let (_, unknown) = lookup("never-issued-token").await;
    for token in [&accepted, &declined, &revoked] {
        let res = app
            .post("/v1/invitations/lookup", None, json!({"token": token}))
            .await;
        let problem = assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
        assert_eq!(problem, unknown);
        let res = app
            .post(
                "/v1/invitations/accept",
                None,
                json!({"token": token, "password": PASSWORD}),
            )
            .await;
        assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    }

    // An expired token says so — and nothing about whom it was for.
    app.clock.advance(Duration::days(8));
    let res = app
        .post("/v1/invitations/lookup", None, json!({"token": expired}))
        .await;
    let problem = assert_problem(res, StatusCode::GONE, "invitation_expired").await;
    let text = problem.to_string();
    for private in ["+14155550104", "Pat", "Doe", "Ada", "Lovelace", "agency"] {
        assert!(!text.contains(private), "{private} in {problem}");
    }
    let res = app
        .post(
            "/v1/invitations/accept",
            None,
            json!({"token": expired, "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::GONE, "invitation_expired").await;
}

#[tokio::test]
async fn an_expired_external_invitation_keeps_its_workgroup_extranet_until_revoked() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let invitation = app.invite_phone(&admin.token, &group, "+14155550101").await;
    let id = invitation["id"].as_str().unwrap().to_owned();

    app.clock.advance(Duration::days(8));
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    // The invitation expired, but it can be resent and then accepted: the group stays extranet.
    let (status, problem) = patch(
        &app,
        &format!("/v1/workgroups/{group}"),
        &token,
        json!({"allow_external": false}),
    )
    .await;
    assert_refused(
        status,
        &problem,
        StatusCode::CONFLICT,
        "workgroup_has_external_members",
    );
    // Revoked, it can be neither: now the group may become internal…
    let (status, _) = json_of(
        app.post(
            &format!("/v1/invitations/{id}/revoke"),
            Some(&token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = patch(
        &app,
        &format!("/v1/workgroups/{group}"),
        &token,
        json!({"allow_external": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["allow_external"], false);
    // …and the revoked invitation cannot be brought back into it.
    let (status, problem) = json_of(app.resend(&token, &id).await).await;
    assert_refused(
        status,
        &problem,
        StatusCode::CONFLICT,
        "invitation_not_pending",
    );
    let (_, members) = json_of(
        app.get(&format!("/v1/workgroups/{group}/members"), &token)
            .await,
    )
    .await;
    assert_eq!(members["items"].as_array().unwrap().len(), 1, "{members}");
}

#[tokio::test]
async fn resend_and_accept_follow_the_domain_rules_of_today_subdomains_included() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (status, created) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": group, "invitees": [
                {"email": "ann@eu.client.example", "first_name": "Ann", "last_name": "Lee"},
                {"phone": "+14155550101", "first_name": "Bo", "last_name": "Ng"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let ann = created["results"][0]["invitation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The account now denies client.example, and with it every subdomain.
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"external_domains": {"deny": ["client.example"]}}),
    )
    .await;
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            invite_body(&group, "cy@us.client.example"),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "domain_not_allowed");

    app.clock.advance(Duration::seconds(61));
    let res = app.resend(&admin.token, &ann).await;
    assert_problem(res, StatusCode::CONFLICT, "domain_not_allowed").await;
    // Ann's link, sent before the rule, no longer lets her in…
    let ann_token = app.email_token("ann@eu.client.example", 0).await;
    let (status, problem) = app.accept(&ann_token).await;
    assert_refused(status, &problem, StatusCode::CONFLICT, "domain_not_allowed");
    // …while Bo, invited by phone, is unaffected by domain rules.
    let bo = app.sms.token("+14155550101", 0).await;
    assert_eq!(app.accept(&bo).await.0, StatusCode::CREATED);

    // An allow list lets subdomains in as well.
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"external_domains": {"allow": ["client.example"]}}),
    )
    .await;
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin.token),
            invite_body(&group, "cy@us.client.example"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn resend_and_accept_follow_who_may_invite_today_and_a_dismissed_inviters_invitations_stay_valid(
) {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"who_can_invite": "employees"}),
    )
    .await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let inviter = app
        .join(&admin.token, "intranet", None, "+14155550100")
        .await;
    app.add_and_accept(&admin.token, &group, &inviter, "member")
        .await;
    let leaver = app
        .join(&admin.token, "intranet", None, "+14155550109")
        .await;
    app.add_and_accept(&admin.token, &group, &leaver, "member")
        .await;

    // The employee invites two people while employees may.
    let first = app
        .invite_phone(&inviter.token, &group, "+14155550101")
        .await;
    let first_id = first["id"].as_str().unwrap().to_owned();
    app.invite_phone(&inviter.token, &group, "+14155550102")
        .await;
    // A colleague who is dismissed later invites a third.
    let third = app
        .invite_phone(&leaver.token, &group, "+14155550103")
        .await;
    let third_id = third["id"].as_str().unwrap().to_owned();
    app.invite_phone(&leaver.token, &group, "+14155550105")
        .await;

    // Only admins may invite now.
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"who_can_invite": "admins"}),
    )
    .await;
    app.clock.advance(Duration::seconds(61));
    // The employee can no longer resend…
    let res = app.resend(&inviter.token, &first_id).await;
    assert_problem(res, StatusCode::FORBIDDEN, "admin_required").await;
    // …and what it sent before no longer lets anyone in.
    let second = app.sms.token("+14155550102", 0).await;
    let (status, problem) = app.accept(&second).await;
    assert_refused(
        status,
        &problem,
        StatusCode::CONFLICT,
        "inviter_no_longer_allowed",
    );
    // An admin who sends it again vouches for it: the new link works.
    let (status, body) = json_of(app.resend(&admin.token, &first_id).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let fresh = app.sms.token("+14155550101", 1).await;
    assert_eq!(app.accept(&fresh).await.0, StatusCode::CREATED);

    // The group's policy binds the same way: owner-only groups take the owner's invitations only.
    change(
        &app,
        &admin.token,
        "/v1/account",
        json!({"who_can_invite": "employees"}),
    )
    .await;
    let fourth = app
        .invite_phone(&inviter.token, &group, "+14155550104")
        .await;
    let fourth_id = fourth["id"].as_str().unwrap().to_owned();
    change(
        &app,
        &admin.token,
        &format!("/v1/workgroups/{group}"),
        json!({"invite_policy": "owner"}),
    )
    .await;
    app.clock.advance(Duration::seconds(61));
    let res = app.resend(&inviter.token, &fourth_id).await;
    assert_problem(res, StatusCode::FORBIDDEN, "workgroup_policy_forbids").await;
    let (status, problem) = app.accept(&app.sms.token("+14155550104", 0).await).await;
    assert_refused(
        status,
        &problem,
        StatusCode::CONFLICT,
        "inviter_no_longer_allowed",
    );
    change(
        &app,
        &admin.token,
        &format!("/v1/workgroups/{group}"),
        json!({"invite_policy": "members"}),
    )
    .await;

    // A dismissed inviter's invitations stay valid (the company invited them, not the person)…
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/users/{}/dismiss", leaver.id),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let fifth = app.sms.token("+14155550105", 0).await;
    assert_eq!(app.accept(&fifth).await.0, StatusCode::CREATED);
    // …resending one needs someone still allowed: the admin may.
    app.clock.advance(Duration::seconds(61));
    let (status, body) = json_of(app.resend(&admin.token, &third_id).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let third_token = app.sms.token("+14155550103", 1).await;
    assert_eq!(app.accept(&third_token).await.0, StatusCode::CREATED);
}

fn sign_up_body(login: &str, password: &str) -> Value {
    json!({"name": "Totally Legit Ltd", "plan": "free",
           "admin": {"email": login, "password": password, "first_name": "Eve", "last_name": "Mallory"}})
}

/// Sends a sign-up, which is always 202; returns its body.
async fn start_sign_up(app: &TestApp, login: &str, password: &str) -> Value {
    let (status, body) = json_of(
        app.post("/v1/accounts", None, sign_up_body(login, password))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    body
}

async fn confirm(app: &TestApp, login: &str, code: &str) -> (StatusCode, Value) {
    json_of(
        app.post(
            "/v1/accounts/confirm",
            None,
            json!({"login": login, "code": code}),
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn sign_up_claims_no_login_its_owner_has_not_proved_and_tells_nobody_whether_it_exists() {
    let app = TestApp::spawn().await;
    app.sign_up("victim@corp.example", "free").await;

    // The same answer for a login that has a profile and for one nobody has.
    let taken = start_sign_up(&app, "victim@corp.example", "attacker's password").await;
    let free = start_sign_up(&app, "nobody@corp.example", "attacker's password").await;
    let mut taken_without_login = taken.clone();
    taken_without_login["login"] = json!("x");
    let mut free_without_login = free.clone();
    free_without_login["login"] = json!("x");
    assert_eq!(taken_without_login, free_without_login);
    assert!(taken.get("account").is_none() && taken.get("access_token").is_none());

    // The code went to the victim, not to the attacker; guessing is attempt-limited…
    let code = app.code_sent("victim@corp.example", 0).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (status, problem) = confirm(&app, "victim@corp.example", wrong).await;
        assert_refused(
            status,
            &problem,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_code",
        );
    }
    // …so after five wrong codes even the right one no longer works.
    let (status, problem) = confirm(&app, "victim@corp.example", &code).await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_code",
    );
    // The victim's profile still has its own password, and no second account.
    let (status, _) = app.login("victim@corp.example", PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .login("victim@corp.example", "attacker's password", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // An unconfirmed sign-up blocks nothing: the real owner of the other login is invited and
    // accepts with a password of their own…
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&admin.token),
            invite_body(&group, "nobody@corp.example"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let token = app.email_token("nobody@corp.example", 0).await;
    let (status, accepted) = app.accept(&token).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    // …and even the right code of the attacker's sign-up cannot take the profile over now.
    let code = app.code_sent("nobody@corp.example", 0).await;
    let (status, problem) = confirm(&app, "nobody@corp.example", &code).await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
}

#[tokio::test]
async fn a_sign_up_code_is_single_use_and_short_lived() {
    let app = TestApp::spawn().await;
    start_sign_up(&app, "ada@acme.example", PASSWORD).await;
    let code = app.code_sent("ada@acme.example", 0).await;
    let (status, created) = confirm(&app, "ADA@acme.example", &code).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["user"]["is_admin"], true);
    assert_eq!(created["account"]["name"], "Totally Legit Ltd");
    let token = created["access_token"].as_str().unwrap();
    assert_eq!(app.get("/v1/me", token).await.status(), StatusCode::OK);
    // Used once, it is spent.
    let (status, problem) = confirm(&app, "ada@acme.example", &code).await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_code",
    );

    // A code 16 minutes old is dead.
    start_sign_up(&app, "bo@acme.example", PASSWORD).await;
    let code = app.code_sent("bo@acme.example", 0).await;
    app.clock.advance(Duration::minutes(16));
    let (status, problem) = confirm(&app, "bo@acme.example", &code).await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_code",
    );
    // A code proves only the login it was sent to.
    start_sign_up(&app, "cy@acme.example", PASSWORD).await;
    let cys = app.code_sent("cy@acme.example", 0).await;
    let (status, problem) = confirm(&app, "eve@acme.example", &cys).await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_code",
    );
    // Nothing else can be slipped in with it.
    let res = app
        .post(
            "/v1/accounts/confirm",
            None,
            json!({"login": "cy@acme.example", "code": cys, "plan": "enterprise", "is_admin": true}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "unknown_field");
    let (status, created) = confirm(&app, "cy@acme.example", &cys).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["account"]["plan"], "free");
    // Malformed codes are named as such.
    let (status, problem) = confirm(&app, "bo@acme.example", "12ab").await;
    assert_refused(
        status,
        &problem,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(problem["errors"][0]["field"], "code");
}

#[tokio::test]
async fn a_101_person_batch_is_refused_whole_and_sends_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let emails: Vec<String> = (0..101).map(|i| format!("p{i}@client.example")).collect();
    let emails: Vec<&str> = emails.iter().map(String::as_str).collect();
    let res = invite_emails(&app, &admin.token, &group, &emails, false).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        (
            &problem["errors"][0]["field"],
            &problem["errors"][0]["code"]
        ),
        (&json!("invitees"), &json!("batch_size"))
    );
    let usage = app.usage(&admin.token).await;
    assert_eq!(usage["pending_invitations"], 0);
    assert_eq!(usage["sending"]["email"]["used"], 0);
    // A hundred is fine.
    let res = invite_emails(&app, &admin.token, &group, &emails[..100], false).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        app.usage(&admin.token).await["sending"]["email"]["used"],
        100
    );
}

/// A batch of `emails` into `group`; returns the response.
async fn invite_emails(
    app: &TestApp,
    token: &str,
    group: &str,
    emails: &[&str],
    dry_run: bool,
) -> reqwest::Response {
    let invitees: Vec<Value> = emails
        .iter()
        .map(|e| json!({"email": e, "first_name": "Ann", "last_name": "Lee"}))
        .collect();
    app.post(
        "/v1/invitations",
        Some(token),
        json!({"type": "extranet", "workgroup_id": group, "invitees": invitees, "dry_run": dry_run}),
    )
    .await
}

#[tokio::test]
async fn sending_quotas_refuse_a_batch_that_would_cross_them_whole_and_count_an_address_across_accounts(
) {
    let app = TestApp::spawn_with(|c| {
        c.quota_email_per_hour = 5;
        c.quota_sms_per_hour = 2;
        c.quota_per_recipient_per_day = 2;
    })
    .await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let res = invite_emails(
        &app,
        &admin.token,
        &group,
        &["a@client.example", "b@client.example", "c@client.example"],
        false,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let usage = app.usage(&admin.token).await;
    assert_eq!(usage["sending"]["email"]["used"], 3, "{usage}");
    assert_eq!(usage["sending"]["email"]["limit"], 5);
    assert_eq!(usage["sending"]["per_recipient_per_day"], 2);

    // Three more would make six: the whole batch is refused, nothing is created or sent.
    let batch = ["d@client.example", "e@client.example", "f@client.example"];
    for dry_run in [true, false] {
        let res = invite_emails(&app, &admin.token, &group, &batch, dry_run).await;
        let retry: i64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=3600).contains(&retry), "{retry}");
        let problem =
            assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "sending_quota_exceeded").await;
        assert!(
            problem["detail"].as_str().unwrap().contains("5 email"),
            "{problem}"
        );
    }
    let usage = app.usage(&admin.token).await;
    assert_eq!(
        (
            usage["pending_invitations"].clone(),
            usage["sending"]["email"]["used"].clone()
        ),
        (json!(3), json!(3)),
        "{usage}"
    );
    let (_, listed) = json_of(app.get("/v1/invitations", &admin.token).await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 3);
    // Two fit exactly.
    let res = invite_emails(&app, &admin.token, &group, &batch[..2], false).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // Resending counts too.
    let id = listed["items"][0]["id"].as_str().unwrap();
    app.clock.advance(Duration::seconds(61));
    let res = app.resend(&admin.token, id).await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "sending_quota_exceeded").await;
    // SMS has its own hourly quota.
    app.invite_phone(&admin.token, &group, "+14155550101").await;
    app.invite_phone(&admin.token, &group, "+14155550102").await;
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            json!({"type": "extranet", "workgroup_id": group,
                   "invitees": [{"phone": "+14155550103", "first_name": "Pat", "last_name": "Doe"}]}),
        )
        .await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "sending_quota_exceeded").await;
    // The next hour starts afresh.
    app.clock.advance(Duration::hours(1));
    let token = admin_token(&app, "ada@agency.example", &admin.account_id).await;
    let res = invite_emails(&app, &token, &group, &batch[2..], false).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // An address receives at most two messages a day, whichever accounts send them.
    let mut accounts = Vec::new();
    for admin_email in ["a1@one.example", "a2@two.example", "a3@three.example"] {
        let signed = app.sign_up(admin_email, "free").await;
        let group = app.workgroup(&signed.token, "Site", true).await;
        accounts.push((signed, group));
    }
    for (signed, group) in &accounts[..2] {
        let res = invite_emails(&app, &signed.token, group, &["bob@target.example"], false).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let (third, third_group) = &accounts[2];
    let res = invite_emails(
        &app,
        &third.token,
        third_group,
        &["ok@target.example", "bob@target.example"],
        false,
    )
    .await;
    let problem =
        assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "sending_quota_exceeded").await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("bob@target.example"));
    let (_, listed) = json_of(app.get("/v1/invitations", &third.token).await).await;
    assert_eq!(listed["items"], json!([]), "refused whole");
    // Sign-up codes count against their address as well.
    for _ in 0..2 {
        let res = app
            .post(
                "/v1/accounts",
                None,
                sign_up_body("bob@target.example", PASSWORD),
            )
            .await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}

/// A certificate authority, and a certificate it issued to 127.0.0.1, as PEM files in `dir`:
/// (the authority's certificate, the server's certificate, the server's key).
fn certificates(dir: &std::path::Path) -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();
    let write = |name: &str, pem: String| {
        let path = dir.join(name);
        std::fs::write(&path, pem).unwrap();
        path.display().to_string()
    };
    (
        write("ca.pem", ca_cert.pem()),
        write("server.pem", server_cert.pem()),
        write("server.key", server_key.serialize_pem()),
    )
}

/// The errors of the outbox's undelivered messages (read from the database: no API shows them).
fn delivery_errors(app: &TestApp) -> Vec<String> {
    use diesel::prelude::*;
    use persistence::schema::outbox;
    app.database()
        .read(|conn| {
            Ok(outbox::table
                .filter(outbox::last_error.is_not_null())
                .select(outbox::last_error.assume_not_null())
                .load(conn)?)
        })
        .unwrap()
}

#[tokio::test]
async fn email_goes_over_verified_starttls_with_authentication_and_never_in_clear_when_tls_is_required(
) {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(dir.path());
    let tls_server = |auth_password: &str| {
        SmtpServer::start_with(&[
            "--tls",
            &cert,
            &key,
            "--require-tls",
            "--auth",
            "mailer",
            auth_password,
        ])
    };
    let smtp = tls_server("s3cret pass");
    let port = smtp.port;
    let ca_file = ca.clone();
    let app = TestApp::spawn_with_smtp(smtp, move |c| {
        c.email = format!("smtp://mailer:s3cret%20pass@127.0.0.1:{port}?tls=required");
        c.email_ca_file = Some(ca_file);
    })
    .await;
    // The sign-up code arrives, over STARTTLS, from the authenticated mailer.
    app.sign_up("ada@agency.example", "free").await;
    let mails = app
        .smtp
        .as_ref()
        .unwrap()
        .wait_for("ada@agency.example", 1)
        .await;
    assert_eq!(
        (&mails[0]["tls"], &mails[0]["user"]),
        (&json!(true), &json!("mailer"))
    );

    // TLS required of a server that offers none: the message waits rather than go in clear.
    let clear = TestApp::spawn_with(|c| c.email = format!("{}?tls=required", c.email)).await;
    // The server's certificate is verified: without its authority, nothing is sent.
    let smtp = tls_server("s3cret pass");
    let port = smtp.port;
    let unverified = TestApp::spawn_with_smtp(smtp, move |c| {
        c.email = format!("smtp://mailer:s3cret%20pass@127.0.0.1:{port}?tls=required");
    })
    .await;
    // Wrong credentials: refused by the server, nothing delivered.
    let smtp = tls_server("another password");
    let port = smtp.port;
    let ca_file = ca.clone();
    let refused = TestApp::spawn_with_smtp(smtp, move |c| {
        c.email = format!("smtp://mailer:s3cret%20pass@127.0.0.1:{port}?tls=required");
        c.email_ca_file = Some(ca_file);
    })
    .await;
    for app in [&clear, &unverified, &refused] {
        let res = app
            .post(
                "/v1/accounts",
                None,
                sign_up_body("bo@agency.example", PASSWORD),
            )
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    for (i, app) in [&clear, &unverified, &refused].into_iter().enumerate() {
        while delivery_errors(app).is_empty() {
            assert!(
                std::time::Instant::now() < deadline,
                "no delivery attempt by app {i}: {:?}",
                app.smtp.as_ref().map(|s| s.inbox.all())
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    assert!(clear.mail.inbox.all().is_empty());
    for app in [&unverified, &refused] {
        assert!(app.smtp.as_ref().unwrap().inbox.all().is_empty());
    }
    let errors = [&clear, &unverified, &refused].map(|app| delivery_errors(app).join("; "));
    assert!(errors[0].to_lowercase().contains("tls"), "{}", errors[0]);
    assert!(
        errors[1].to_lowercase().contains("certificate"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].contains("535") || errors[2].to_lowercase().contains("auth"),
        "{}",
        errors[2]
    );
}

#[tokio::test]
async fn a_search_longer_than_200_characters_is_refused_before_it_reaches_the_database() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "free").await;
    for (path, long) in [
        ("/v1/users", "a".repeat(201)),
        ("/v1/invitations", "a".repeat(201)),
        ("/v1/users", "%25".repeat(3_400)),
        ("/v1/invitations", "b".repeat(10_000)),
    ] {
        let res = app.get(&format!("{path}?q={long}"), &admin.token).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "q", "{path}");
        assert_eq!(problem["errors"][0]["code"], "too_long", "{path}");
        let (status, _) = json_of(
            app.get(&format!("{path}?q={}", "a".repeat(200)), &admin.token)
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
}

/// A login attempt as if from `client`, through the proxy at 127.0.0.1.
async fn login_from(app: &TestApp, client: &str, login: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/v1/auth/login"))
        .header("x-forwarded-for", client)
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn failed_logins_are_throttled_per_login_from_any_address_and_only_trusted_proxies_may_say_who_the_client_is(
) {
    let app = TestApp::spawn_with(|c| {
        c.trusted_proxies = "127.0.0.1/32, ::1".into();
        c.login_failure_burst = 3;
        c.public_burst = 2;
    })
    .await;
    app.sign_up("ada@agency.example", "free").await;
    // Credential stuffing: each guess from another address, so no address's limit is met…
    for i in 0..3 {
        let res = login_from(
            &app,
            &format!("198.51.100.{i}"),
            "ada@agency.example",
            "guess!!!1",
        )
        .await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let res = login_from(&app, "198.51.100.3", "ada@agency.example", "guess!!!1").await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    // …but the login's own is: even the right password is refused for now.
    let res = login_from(&app, "198.51.100.4", "ada@agency.example", PASSWORD).await;
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Other logins are not affected.
    let res = login_from(&app, "198.51.100.5", "nobody@agency.example", "guess!!!1").await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;

    // Behind the trusted proxy, each client has its own bucket (a burst of 2 here)…
    for _ in 0..2 {
        let res = login_from(&app, "203.0.113.1", "x@agency.example", "guess!!!1").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = login_from(&app, "203.0.113.1", "x@agency.example", "guess!!!1").await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let res = login_from(&app, "203.0.113.2", "x@agency.example", "guess!!!1").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // …while without one, a forged X-Forwarded-For buys nothing: it is one client.
    let direct = TestApp::spawn_with(|c| c.public_burst = 2).await;
    for (i, expected) in [
        StatusCode::UNAUTHORIZED,
        StatusCode::UNAUTHORIZED,
        StatusCode::TOO_MANY_REQUESTS,
    ]
    .into_iter()
    .enumerate()
    {
        let res = login_from(
            &direct,
            &format!("203.0.113.{i}"),
            "x@agency.example",
            "guess!!!1",
        )
        .await;
        assert_eq!(res.status(), expected, "attempt {i}");
    }
}
