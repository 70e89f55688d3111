//! Losing both the device and the recovery codes: nobody switches two-step off through the API
//! without a code; the service's operator does, with `extranet two-factor-reset LOGIN`, after
//! checking who asks. The person's logins are told and the accounts record it, by support.

use super::*;
use crate::support::processes::binary;

async fn reset(app: &TestApp, login: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    tokio::process::Command::new(binary())
        .args(["two-factor-reset", login])
        .current_dir(dir.path())
        .env("DATABASE_URL", &app.database_url)
        .env("EXTRANET_JWT_SECRET", JWT_SECRET)
        .env("EXTRANET_EMAIL", "console")
        .env("EXTRANET_SMS", "console")
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_operator_switches_two_step_off_for_a_person_who_lost_everything() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@acme.example", "free").await;
    enroll(&app, &ada.token).await;
    challenge(&app, "ada@acme.example", None).await;

    let out = reset(&app, "ada@acme.example").await;
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("two-step authentication is off for ada@acme.example"),
        "{said}"
    );
    let (status, body) = app.login("ada@acme.example", PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(two_factor_status(&app, &ada.token).await["enabled"], false);
    app.assert_audited(&["two_factor.disabled"]);
    let mails = crate::auth::password_change::mails(
        &app,
        "ada@acme.example",
        "Two-step authentication was switched off by support",
        1,
    )
    .await;
    assert_eq!(mails.len(), 1);

    // Nothing to switch off, or nobody's login: said so, and a failure.
    for login in ["ada@acme.example", "nobody@acme.example"] {
        let out = reset(&app, login).await;
        assert!(!out.status.success(), "{login}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains("no profile with this login has two-step"),
            "{said}"
        );
    }
    let out = reset(&app, "not a login").await;
    assert!(!out.status.success());
}
