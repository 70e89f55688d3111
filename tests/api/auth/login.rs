use crate::support::helpers::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn wrong_passwords_and_unknown_logins_are_the_same_401() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    for (login, password, account) in [
        (
            "ada@acme.example",
            "wrong password",
            Some(acme.account_id.as_str()),
        ),
        ("ada@acme.example", "wrong password", None),
        ("nobody@acme.example", PASSWORD, None),
        // Right password, but no user in that account: not told apart either.
        (
            "ada@acme.example",
            PASSWORD,
            Some("01936f4e-8b7a-7cc3-9a4e-3f2b1c0d9e8f"),
        ),
    ] {
        let mut body = json!({"login": login, "password": password});
        if let Some(a) = account {
            body["account_id"] = json!(a);
        }
        let res = app.post("/v1/auth/login", None, body).await;
        let problem = assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        assert!(!problem["detail"].as_str().unwrap().contains("nobody"));
    }
    let res = app
        .post(
            "/v1/auth/login",
            None,
            json!({"login": "ada", "password": PASSWORD}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["login"]);
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// Signs `claims` with the key the server derives from `secret` (HKDF, see `api::secrets`).
fn sign(claims: &Value, secret: &str) -> String {
    let keys = api::secrets::Keys::derive(Some(&secrecy::SecretString::from(secret)));
    encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(&keys.jwt),
    )
    .unwrap()
}

#[tokio::test]
async fn forged_expired_and_unsigned_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("ada@acme.example", "basic").await;
    let claims = claims_of(&acme.token);
    for name in ["exp", "iat", "iss", "aud", "sub"] {
        assert!(
            claims.get(name).is_some(),
            "claim {name} missing from {claims}"
        );
    }
    // The token as issued works, and so does the same claims set re-signed with the key.
    assert_eq!(
        app.get("/v1/me", &acme.token).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/v1/me", &sign(&claims, JWT_SECRET)).await.status(),
        StatusCode::OK
    );

    let now = chrono::Utc::now().timestamp();
    let mut expired = claims.clone();
    expired["iat"] = json!(now - 7200);
    expired["exp"] = json!(now - 3600);
    let mut other_audience = claims.clone();
    other_audience["aud"] = json!("someone-else");
    let mut other_issuer = claims.clone();
    other_issuer["iss"] = json!("someone-else");
    let mut no_exp = claims.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    let mut no_iat = claims.clone();
    no_iat.as_object_mut().unwrap().remove("iat");
    let mut other_user = claims.clone();
    other_user["uid"] = json!("01936f4e-8b7a-7cc3-9a4e-3f2b1c0d9e8f");

    let header_none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let alg_none = format!("{header_none}.{body}.");
    let (head, _) = acme.token.rsplit_once('.').unwrap();
    let bad_signature = format!("{head}.{}", URL_SAFE_NO_PAD.encode(b"not the signature"));

    let forged = [
        ("expired", sign(&expired, JWT_SECRET)),
        (
            "re-signed with another key",
            sign(&claims, "another-secret-another-secret-0123456"),
        ),
        ("alg none", alg_none),
        ("bad signature", bad_signature),
        ("other audience", sign(&other_audience, JWT_SECRET)),
        ("other issuer", sign(&other_issuer, JWT_SECRET)),
        (
            "signed with the configured secret itself, not the key derived from it",
            encode(
                &Header::default(),
                &claims,
                &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
            )
            .unwrap(),
        ),
        ("no exp", sign(&no_exp, JWT_SECRET)),
        ("no iat", sign(&no_iat, JWT_SECRET)),
        ("unknown user", sign(&other_user, JWT_SECRET)),
        ("garbage", "not-a-token".to_owned()),
    ];
    for (what, token) in forged {
        let res = app.get("/v1/me", &token).await;
        assert!(res.headers().contains_key("www-authenticate"), "{what}");
        let problem = assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_token").await;
        assert!(problem["detail"].is_string(), "{what}");
    }

    let res = app.client.get(app.url("/v1/me")).send().await.unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "missing_token").await;
    let res = app
        .client
        .get(app.url("/v1/me"))
        .header("authorization", format!("Basic {}", acme.token))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "missing_token").await;
}

#[tokio::test]
async fn public_endpoints_are_rate_limited_per_client() {
    let app = TestApp::spawn_with(|c| {
        c.public_rate_per_second = 1;
        c.public_burst = 3;
    })
    .await;
    for _ in 0..3 {
        let (status, _) = app.login("nobody@acme.example", PASSWORD, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let res = app
        .post(
            "/v1/auth/login",
            None,
            json!({"login": "nobody@acme.example", "password": PASSWORD}),
        )
        .await;
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Sign-up has buckets of its own.
    app.sign_up("ada@acme.example", "basic").await;
}
