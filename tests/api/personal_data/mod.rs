//! A person's data exported (issue #32, GDPR art. 15 and 20): the person's own export through
//! the network profile lists what every account holds about them and no secret; an
//! administrator's lists what their account holds about one of its users and nothing of
//! another account; who may export whom; a message whose body the retention erased is gone
//! from the export.

mod admin;
mod profile;
mod refusals;
mod retention;

use crate::support::answers::json_of;
use crate::support::helpers::*;
use reqwest::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The person both accounts invite.
pub const ANN: &str = "ann@client.example";

/// Ann, an external user of two accounts (each with its admin and a workgroup of its own),
/// invited by email with a message into each and accepted both with one profile.
pub struct TwoAccounts {
    pub app: TestApp,
    pub a: SignedUp,
    pub b: SignedUp,
    /// Ann's user in each account.
    pub ann_a: Person,
    pub ann_b: Person,
    /// The invitation tokens the two emails carried.
    pub invitation_tokens: Vec<String>,
}

/// Invites [`ANN`] into `group` as `admin`, with `message`.
pub async fn invite_ann(app: &TestApp, admin: &str, group: &str, message: &str) {
    let mut body = invite_body(group, ANN);
    body["message"] = json!(message);
    let (status, created) = json_of(app.post("/v1/invitations", Some(admin), body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

fn person(accepted: &Value) -> Person {
    Person {
        id: accepted["user"]["id"].as_str().unwrap().to_owned(),
        token: accepted["access_token"].as_str().unwrap().to_owned(),
    }
}

pub async fn ann_in_two_accounts() -> TwoAccounts {
    let app = TestApp::spawn().await;
    let a = app.sign_up("ada@alpha.example", "basic").await;
    let b = app.sign_up("bea@bravo.example", "basic").await;
    let alpha = app.workgroup(&a.token, "Alpha Launch", true).await;
    let bravo = app.workgroup(&b.token, "Bravo Hush Project", true).await;
    invite_ann(&app, &a.token, &alpha, "Alpha says hello").await;
    let first = app.email_token(ANN, 0).await;
    let (status, accepted_a) = app.accept(&first).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted_a}");
    invite_ann(&app, &b.token, &bravo, "Bravo whispers").await;
    let second = app.email_token(ANN, 1).await;
    // The same profile: its password.
    let (status, accepted_b) = app.accept(&second).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted_b}");
    TwoAccounts {
        ann_a: person(&accepted_a),
        ann_b: person(&accepted_b),
        invitation_tokens: vec![first, second],
        app,
        a,
        b,
    }
}

/// `GET path` as `token`: the status, the headers' `Content-Disposition` and `Cache-Control`,
/// the body's text and its JSON.
pub async fn export(app: &TestApp, path: &str, token: &str) -> Exported {
    let res = app.call(Method::GET, path, Some(token), None).await;
    let status = res.status();
    let header = |name| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (disposition, cache) = (header(CONTENT_DISPOSITION), header(CACHE_CONTROL));
    let text = res.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Exported {
        status,
        disposition,
        cache,
        text,
        json,
    }
}

pub struct Exported {
    pub status: StatusCode,
    pub disposition: String,
    pub cache: String,
    pub text: String,
    pub json: Value,
}

/// The items of a list of the export.
pub fn items<'a>(export: &'a Value, list: &str) -> &'a Vec<Value> {
    export[list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list} in {export}"))
}

/// Asserts that no secret is in the export's text: a password hash, the tokens given.
pub fn assert_no_secret(text: &str, secrets: &[&str]) {
    // Stored secrets as a row would carry them (`withheld` names them, but never as keys).
    let keys = [
        "\"sealed_token\"",
        "\"password_hash\":",
        "\"code_hash\"",
        "\"token_hash\"",
        "\"secret_hash\"",
    ];
    for secret in keys.iter().chain(&["$argon2"]) {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    for secret in secrets {
        assert!(!text.contains(secret), "a secret ({secret}) in {text}");
    }
}
