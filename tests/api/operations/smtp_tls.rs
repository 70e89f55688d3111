//! Email leaves over verified TLS with authentication, and never in clear when TLS is required
//! (issue #8).

use crate::support::helpers::{sign_up_body, SmtpServer, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

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
