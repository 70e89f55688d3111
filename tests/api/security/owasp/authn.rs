//! API2, broken authentication: every authenticated operation of the document with tokens that
//! must not work — forged, expired, another audience or issuer, `alg: none`, another HMAC
//! algorithm, claims pointing at another account's user or another person's session, no
//! session at all, a logged-out session's token, a token of a session ended by a refresh
//! token's reuse, a refresh token sent as a bearer token, a dismissed user's token, a revoked
//! API token, a dismissed creator's API token, an expired API token — answers 401
//! problem+json (`invalid_token`) with `WWW-Authenticate`, and changes nothing. (`auth.rs`
//! holds the same forgeries against `/v1/me` alone, `sessions.rs` the sessions' lifecycle, and
//! `dead_tokens.rs` / `api_tokens.rs` the lifecycle of each kind.)

use super::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// Signs `claims` with the key the server derives from `secret`, with `alg`.
fn sign(claims: &Value, secret: &str, alg: Algorithm) -> String {
    let keys = api::secrets::Keys::derive(Some(&secrecy::SecretString::from(secret)));
    encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(&keys.jwt),
    )
    .unwrap()
}

async fn create_token(w: &World, owner: &str, body: Value) -> Value {
    let (status, token) = w
        .app
        .json(Method::POST, "/v1/api-tokens", owner, Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    token
}

/// Every authenticated operation with `token`: 401 `invalid_token` with `WWW-Authenticate`.
async fn refused_everywhere(w: &World, what: &str, token: &str, tally: &mut Tally) {
    tally.rows += 1;
    for op in authenticated() {
        let res = w
            .app
            .call(
                op.method.clone(),
                &op.path_in(&w.a),
                Some(token),
                valid_body(&op, &w.a),
            )
            .await;
        let challenge = res
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_owned());
        let problem = assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;
        assert!(
            challenge
                .as_deref()
                .is_some_and(|c| c.starts_with("Bearer")),
            "{} with {what}: WWW-Authenticate {challenge:?}; {problem}",
            op.label()
        );
        assert!(op.documents(StatusCode::UNAUTHORIZED), "{}", op.label());
        tally.requests += 1;
    }
}

#[tokio::test]
async fn tokens_that_must_not_work_are_401_on_every_operation() {
    let w = World::build().await;
    let a = &w.a;
    let mut tally = Tally::new("API2 authentication");
    // Someone to dismiss, with a bearer token and an API token of its own.
    let leaver = w
        .app
        .join(&a.admin.token, "intranet", None, "+14155550109")
        .await;
    let leaver_key = create_token(
        &w,
        &leaver.token,
        json!({"name": "l", "scopes": all_scopes()}),
    )
    .await;
    let revoked = create_token(
        &w,
        &a.admin.token,
        json!({"name": "r", "scopes": all_scopes()}),
    )
    .await;
    let soon = (chrono::Utc::now() + chrono::TimeDelta::hours(1)).to_rfc3339();
    let short_lived = create_token(
        &w,
        &a.admin.token,
        json!({"name": "s", "scopes": all_scopes(), "expires_at": soon}),
    )
    .await;
    w.app.dismiss(&a.admin.token, &leaver.id).await;
    // Sessions of the admin's that ended: one by logout, one by a refresh token's reuse.
    let session = |body: &Value| {
        (
            body["access_token"].as_str().unwrap().to_owned(),
            body["refresh_token"].as_str().unwrap().to_owned(),
        )
    };
    let log_in = || w.app.login(&a.admin_email, PASSWORD, Some(&a.account_id));
    let (logged_out, _) = session(&log_in().await.1);
    let res = w
        .app
        .post("/v1/auth/logout", Some(&logged_out), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (reused, reused_refresh) = session(&log_in().await.1);
    for expected in [StatusCode::OK, StatusCode::UNAUTHORIZED] {
        let res = w
            .app
            .post(
                "/v1/auth/refresh",
                None,
                json!({"refresh_token": reused_refresh}),
            )
            .await;
        assert_eq!(res.status(), expected);
    }
    let (_, live_refresh) = session(&log_in().await.1);
    let (status, _) = w
        .app
        .json(
            Method::DELETE,
            &format!("/v1/api-tokens/{}", revoked["id"].as_str().unwrap()),
            &a.admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let before = w.snapshot(a).await;

    let claims = claims_of(&a.admin.token);
    let now = chrono::Utc::now().timestamp();
    let with = |name: &str, value: Value| {
        let mut c = claims.clone();
        c[name] = value;
        c
    };
    let mut expired = with("exp", json!(now - 3600));
    expired["iat"] = json!(now - 7200);
    let b_claims = claims_of(&w.b.admin.token);
    let mut crossed = claims.clone(); // A's identity and account, B's user
    crossed["uid"] = b_claims["uid"].clone();
    let mut b_in_a = b_claims.clone(); // B's identity and user, A's account
    b_in_a["acc"] = claims["acc"].clone();
    let header_none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let alg_none = format!(
        "{header_none}.{}.",
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let (head, _) = a.admin.token.rsplit_once('.').unwrap();
    let bad_signature = format!("{head}.{}", URL_SAFE_NO_PAD.encode(b"not the signature"));
    let mut no_exp = claims.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    let mut no_sid = claims.clone();
    no_sid.as_object_mut().unwrap().remove("sid");
    let b_session = with("sid", b_claims["sid"].clone());

    // The matrix's own check that it can tell: the admin's token, re-signed, works.
    let (status, me) = w
        .app
        .json(
            Method::GET,
            "/v1/me",
            &sign(&claims, JWT_SECRET, Algorithm::HS256),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");

    let forged: Vec<(&str, String)> = vec![
        (
            "an expired token",
            sign(&expired, JWT_SECRET, Algorithm::HS256),
        ),
        (
            "a token signed with another key",
            sign(
                &claims,
                "another-secret-another-secret-0123456",
                Algorithm::HS256,
            ),
        ),
        ("a token with a bad signature", bad_signature),
        ("an alg: none token", alg_none),
        (
            "an HS384 token (right key, other algorithm)",
            sign(&claims, JWT_SECRET, Algorithm::HS384),
        ),
        (
            "an HS512 token (right key, other algorithm)",
            sign(&claims, JWT_SECRET, Algorithm::HS512),
        ),
        (
            "a token for another audience",
            sign(
                &with("aud", json!("someone-else")),
                JWT_SECRET,
                Algorithm::HS256,
            ),
        ),
        (
            "a token from another issuer",
            sign(
                &with("iss", json!("someone-else")),
                JWT_SECRET,
                Algorithm::HS256,
            ),
        ),
        (
            "a token without exp",
            sign(&no_exp, JWT_SECRET, Algorithm::HS256),
        ),
        (
            "a token naming another account's user",
            sign(&crossed, JWT_SECRET, Algorithm::HS256),
        ),
        (
            "another account's user's token moved into this account",
            sign(&b_in_a, JWT_SECRET, Algorithm::HS256),
        ),
        (
            "a token without a session",
            sign(&no_sid, JWT_SECRET, Algorithm::HS256),
        ),
        (
            "a token naming another person's session",
            sign(&b_session, JWT_SECRET, Algorithm::HS256),
        ),
        ("a logged-out session's token", logged_out),
        (
            "a token of a session its refresh token's reuse ended",
            reused,
        ),
        ("a refresh token sent as a bearer token", live_refresh),
        ("a dismissed user's token", leaver.token.clone()),
        (
            "a dismissed creator's API token",
            leaver_key["token"].as_str().unwrap().to_owned(),
        ),
        (
            "a revoked API token",
            revoked["token"].as_str().unwrap().to_owned(),
        ),
        (
            "an API token that never existed",
            format!("ext_{}", "A".repeat(43)),
        ),
        ("garbage", "not-a-token".to_owned()),
    ];
    for (what, token) in &forged {
        refused_everywhere(&w, what, token, &mut tally).await;
    }
    assert_eq!(w.snapshot(a).await, before, "account A changed");

    // Last, as time passes: the API token made to live an hour, two hours later.
    w.app.clock.advance(chrono::TimeDelta::hours(2));
    let short = short_lived["token"].as_str().unwrap().to_owned();
    refused_everywhere(&w, "an expired API token", &short, &mut tally).await;
}
