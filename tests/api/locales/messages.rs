//! Messages in the language they are decided to be in: an invitation's own over its account's,
//! a person's choice for what reaches them, a sign-up's request; a bad locale refused by name;
//! problem+json English whatever the request's `Accept-Language`.

use crate::support::helpers::*;
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The emails to `to`, once `count` have arrived.
async fn mails_to(app: &TestApp, to: &str, count: usize) -> Vec<Value> {
    app.mail.wait_for(to, count).await
}

/// Their text with the line ends the message had before the mail server's CRLF.
fn body(mail: &Value) -> String {
    mail["body"].as_str().unwrap().replace("\r\n", "\n")
}

#[tokio::test]
async fn an_invitation_in_german_is_sent_as_a_german_email_and_a_german_text() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&ada.token, "Kundenportal", true).await;
    let res = app
        .post(
            "/v1/invitations",
            Some(&ada.token),
            json!({"type": "extranet", "workgroup_id": group, "locale": "de",
            "invitees": [
                {"email": "ann@client.example", "first_name": "Ann", "last_name": "Lee"},
                {"phone": "+14155550101", "first_name": "Bo", "last_name": "Ng"}
            ]}),
        )
        .await;
    let (status, batch) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED, "{batch}");
    assert_eq!(batch["results"][0]["invitation"]["locale"], "de");

    let mail = &mails_to(&app, "ann@client.example", 1).await[0];
    assert_eq!(
        mail["subject"],
        "Ada Lovelace lädt Sie in die Arbeitsgruppe „Kundenportal“ von Account of ada@acme.example ein"
    );
    let text = body(mail);
    assert!(
        text.starts_with(
            "Hallo Ann,\n\nAda Lovelace lädt Sie ein, der Arbeitsgruppe „Kundenportal“"
        ),
        "{text}"
    );
    assert!(
        text.contains("Hier können Sie die Einladung annehmen:\n"),
        "{text}"
    );
    assert!(text.contains("/accept#token="), "{text}");

    let sms = &app.sms.wait_for("+14155550101", 1).await[0];
    let sms = sms["text"].as_str().unwrap();
    assert!(
        sms.starts_with("Ada Lovelace lädt Sie in die Arbeitsgruppe „Kundenportal“ von Account of ada@acme.example ein: http"),
        "{sms}"
    );
    assert!(sms.contains("/accept#token="), "{sms}");
}

#[tokio::test]
async fn the_accounts_locale_is_the_default_and_an_invitations_own_overrides_it() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    assert_eq!(ada.body["account"]["locale"], "en");
    let (status, account) = patch(&app, "/v1/account", &ada.token, json!({"locale": "fr"})).await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!(account["locale"], "fr");
    let (_, account) = json_of(app.get("/v1/account", &ada.token).await).await;
    assert_eq!(account["locale"], "fr");

    let group = app.workgroup(&ada.token, "Site", true).await;
    let res = app
        .post(
            "/v1/invitations",
            Some(&ada.token),
            json!({"type": "extranet", "workgroup_id": group,
                   "invitees": [
                       {"email": "ann@client.example", "first_name": "Ann", "last_name": "Lee"},
                       {"email": "bea@client.example", "first_name": "Bea", "last_name": "Ruiz", "locale": "es"}
                   ]}),
        )
        .await;
    let (status, batch) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED, "{batch}");
    // The account's language is no choice of the invitation's: it follows the account.
    assert_eq!(batch["results"][0]["invitation"]["locale"], Value::Null);
    assert_eq!(batch["results"][1]["invitation"]["locale"], "es");

    let ann = &mails_to(&app, "ann@client.example", 1).await[0];
    assert!(
        ann["subject"]
            .as_str()
            .unwrap()
            .starts_with("Ada Lovelace vous invite dans le groupe de travail « Site »"),
        "{ann}"
    );
    assert!(body(ann).starts_with("Bonjour Ann,"), "{ann}");
    let bea = &mails_to(&app, "bea@client.example", 1).await[0];
    assert!(
        bea["subject"]
            .as_str()
            .unwrap()
            .starts_with("Ada Lovelace te invita al grupo de trabajo «Site»"),
        "{bea}"
    );

    // The accept page hears which language each message was written in.
    for (to, locale) in [("ann@client.example", "fr"), ("bea@client.example", "es")] {
        let token = app.email_token(to, 0).await;
        let (status, found) = json_of(
            app.post("/v1/invitations/lookup", None, json!({"token": token}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{found}");
        assert_eq!(found["locale"], locale, "{to}");
    }

    // A batch-wide language, with an invitee's own over it.
    let res = app
        .post(
            "/v1/invitations",
            Some(&ada.token),
            json!({"type": "extranet", "workgroup_id": group, "locale": "ru",
                   "invitees": [
                       {"email": "cy@client.example", "first_name": "Cy", "last_name": "Ray"},
                       {"email": "di@client.example", "first_name": "Di", "last_name": "Oz", "locale": "pt-BR"}
                   ]}),
        )
        .await;
    let (status, batch) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED, "{batch}");
    let cy = &mails_to(&app, "cy@client.example", 1).await[0];
    assert!(body(cy).starts_with("Здравствуйте, Cy!"), "{cy}");
    let di = &mails_to(&app, "di@client.example", 1).await[0];
    assert!(body(di).starts_with("Olá, Di,"), "{di}");
}

#[tokio::test]
async fn a_profiles_locale_is_used_for_a_reset_code_and_the_reset_notice() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let (status, profile) = json_of(app.get("/v1/network/profile", &ada.token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile["locale"], Value::Null);
    let (status, profile) = patch(
        &app,
        "/v1/network/profile",
        &ada.token,
        json!({"locale": "ru"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(profile["locale"], "ru");
    // The sign-up's code counted against her address this hour: start a fresh one.
    app.clock.advance(Duration::hours(1));
    app.at_the_start_of_an_hour();

    // Asked for in English: the person's choice comes first.
    let res = app
        .client
        .post(app.url("/v1/auth/password-reset"))
        .header("Accept-Language", "en")
        .json(&json!({"login": "ada@acme.example"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let mails = mails_to(&app, "ada@acme.example", 2).await;
    let code_mail = &mails[1];
    let subject = code_mail["subject"].as_str().unwrap();
    assert!(
        subject.ends_with(" — ваш код для сброса пароля Extranet"),
        "{subject}"
    );
    let code = &subject[..6];
    assert!(
        body(code_mail).contains("Код действует 15 минут."),
        "{code_mail}"
    );

    let res = app
        .client
        .post(app.url("/v1/auth/password-reset/confirm"))
        .header("Accept-Language", "de")
        .json(&json!({"login": "ada@acme.example", "code": code, "new_password": "a brand new secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NO_CONTENT,
        "{:?}",
        res.text().await
    );
    let notice = &mails_to(&app, "ada@acme.example", 3).await[2];
    assert_eq!(notice["subject"], "Ваш пароль сброшен");

    // `null` takes the choice back.
    let token = admin_token_with(
        &app,
        "ada@acme.example",
        "a brand new secret",
        &ada.account_id,
    )
    .await;
    let (status, profile) =
        patch(&app, "/v1/network/profile", &token, json!({"locale": null})).await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(profile["locale"], Value::Null);
}

async fn admin_token_with(app: &TestApp, login: &str, password: &str, account: &str) -> String {
    let (status, body) = app.login(login, password, Some(account)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_sign_up_in_french_gets_a_french_code_and_a_french_account() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .post(app.url("/v1/accounts"))
        .header("Accept-Language", "fr-CH, fr;q=0.9, en;q=0.8")
        .json(&sign_up_body("zoe@acme.example", "correct horse battery"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let mail = &mails_to(&app, "zoe@acme.example", 1).await[0];
    let subject = mail["subject"].as_str().unwrap();
    assert!(
        subject.ends_with(" est votre code pour créer un compte sur Extranet"),
        "{subject}"
    );
    assert!(body(mail).contains("Il expire dans 15 minutes."), "{mail}");
    let code = &subject[..6];
    let (status, created) = json_of(
        app.post(
            "/v1/accounts/confirm",
            None,
            json!({"login": "zoe@acme.example", "code": code}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["account"]["locale"], "fr");

    // The body's choice comes before the header's.
    let mut chosen = sign_up_body("yann@acme.example", "correct horse battery");
    chosen["locale"] = json!("pt-BR");
    let res = app
        .client
        .post(app.url("/v1/accounts"))
        .header("Accept-Language", "fr")
        .json(&chosen)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let mail = &mails_to(&app, "yann@acme.example", 1).await[0];
    let subject = mail["subject"].as_str().unwrap();
    assert!(
        subject.ends_with(" é o seu código para criar uma conta no Extranet"),
        "{subject}"
    );
}

#[tokio::test]
async fn a_bad_locale_is_refused_naming_its_field_and_problems_stay_english() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&ada.token, "Site", true).await;
    let mut batch = invite_body(&group, "ann@client.example");
    batch["locale"] = json!("xx");
    let cases = [
        (Method::POST, "/v1/invitations", batch.clone(), "locale"),
        (
            Method::POST,
            "/v1/invitations",
            json!({"type": "extranet", "workgroup_id": group,
                   "invitees": [{"email": "ann@client.example", "first_name": "Ann", "last_name": "Lee", "locale": "klingon"}]}),
            "invitees[0].locale",
        ),
        (
            Method::PATCH,
            "/v1/account",
            json!({"locale": "EN"}),
            "locale",
        ),
        (
            Method::PATCH,
            "/v1/network/profile",
            json!({"locale": "fr-FR"}),
            "locale",
        ),
    ];
    for (method, path, body, field) in cases {
        let english = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth(&ada.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let english = assert_problem(
            english,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&english), [field], "{path}: {english}");
        // The same refusal under a German header: word for word the same (for programs).
        let german = app
            .client
            .request(method, app.url(path))
            .bearer_auth(&ada.token)
            .header("Accept-Language", "de")
            .json(&body)
            .send()
            .await
            .unwrap();
        let german = assert_problem(
            german,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        for part in ["title", "detail", "errors"] {
            assert_eq!(german[part], english[part], "{path}");
        }
    }
    let mut sign_up = sign_up_body("zed@acme.example", "correct horse battery");
    sign_up["locale"] = json!("zz");
    let res = app.post("/v1/accounts", None, sign_up).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["locale"]);

    // A refusal of a rule reads the same whatever the header asks for.
    let lookup = |language: &'static str| {
        app.client
            .post(app.url("/v1/invitations/lookup"))
            .header("Accept-Language", language)
            .json(&json!({"token": "no-such-token-0000000000000000000000000000"}))
            .send()
    };
    let english = assert_problem(
        lookup("en").await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let german = assert_problem(
        lookup("de").await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(german["detail"], english["detail"]);
    assert_eq!(german["title"], english["title"]);
}

#[tokio::test]
async fn a_membership_invitation_speaks_the_persons_language_else_the_accounts() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "basic").await;
    let site = app.workgroup(&ada.token, "Site", true).await;
    let portal = app.workgroup(&ada.token, "Kundenportal", true).await;
    let (status, account) = patch(&app, "/v1/account", &ada.token, json!({"locale": "fr"})).await;
    assert_eq!(status, StatusCode::OK, "{account}");
    let (chooser, silent) = ("+14155550181", "+14155550182");
    let german = app.join(&ada.token, "extranet", Some(&site), chooser).await;
    let unsaid = app.join(&ada.token, "extranet", Some(&site), silent).await;
    let (status, profile) = patch(
        &app,
        "/v1/network/profile",
        &german.token,
        json!({"locale": "de"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{profile}");

    for user in [&german, &unsaid] {
        let (status, added) = app
            .json(
                Method::POST,
                &format!("/v1/workgroups/{portal}/members"),
                &ada.token,
                Some(json!({"user_id": user.id})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{added}");
    }
    // The person who chose German hears it in German; the other in the account's French.
    let text = |texts: Vec<Value>| texts[1]["text"].as_str().unwrap().to_owned();
    let chosen = text(app.sms.wait_for(chooser, 2).await);
    assert!(
        chosen.starts_with("Ada Lovelace lädt Sie in die Arbeitsgruppe „Kundenportal“"),
        "{chosen}"
    );
    let account_s = text(app.sms.wait_for(silent, 2).await);
    assert!(
        account_s
            .starts_with("Ada Lovelace vous invite dans le groupe de travail « Kundenportal »"),
        "{account_s}"
    );
}
