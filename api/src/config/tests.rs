//! The settings' parsing: defaults, refusals with their reasons.

use super::*;

#[test]
fn the_app_url_is_an_http_address_or_nothing() {
    assert_eq!(parse_app_url("  "), Ok(None));
    assert_eq!(
        parse_app_url("https://app.example.com").unwrap().as_deref(),
        Some("https://app.example.com/")
    );
    assert_eq!(
        parse_app_url("http://127.0.0.1:5173/portal?x=1")
            .unwrap()
            .as_deref(),
        Some("http://127.0.0.1:5173/portal?x=1")
    );
    for bad in [
        "javascript:alert(1)",
        "app.example.com",
        "ftp://app.example.com",
        "https://user:pw@app.example.com",
        "data:text/html,hi",
    ] {
        assert!(parse_app_url(bad).is_err(), "{bad}");
    }
    let c = Config::from_raw(RawConfig::default()).unwrap();
    assert_eq!(c.app_url, None);
}

#[test]
fn defaults_are_the_documented_ones() {
    let c = Config::from_raw(RawConfig::default()).unwrap();
    assert_eq!(c.bind, "127.0.0.1:8080");
    assert_eq!(c.database_url, "sqlite://data/extranet.db");
    assert_eq!(c.email, Transport::Console);
    assert_eq!(c.plans, Plans::default());
    assert!(c.jwt_secret.is_none());
    assert_eq!(c.request_read_timeout, std::time::Duration::from_secs(10));
    assert!(c.cors_origins.is_empty());
}

#[test]
fn console_delivery_is_fine_on_loopback_and_warned_about_elsewhere() {
    let quiet = Config::from_raw(RawConfig::default()).unwrap();
    assert!(quiet.warnings().is_empty());
    for (bind, public_url) in [
        ("0.0.0.0:8080", "http://127.0.0.1:8080"),
        ("127.0.0.1:8080", "https://extranet.example.com"),
        ("[::]:8080", "http://localhost:8080"),
    ] {
        let c = Config::from_raw(RawConfig {
            bind: bind.into(),
            public_url: public_url.into(),
            ..RawConfig::default()
        })
        .unwrap();
        let warnings = c.warnings();
        assert_eq!(warnings.len(), 1, "{bind} {public_url}: {warnings:?}");
        assert!(warnings[0].contains("EXTRANET_EMAIL and EXTRANET_SMS = console"));
    }
    let local = Config::from_raw(RawConfig {
        bind: "[::1]:9000".into(),
        public_url: "http://localhost:9000".into(),
        ..RawConfig::default()
    })
    .unwrap();
    assert!(local.warnings().is_empty());
    // Real transports on a public server: nothing to say, unless SMTP goes in clear.
    let production = |email: &str| {
        Config::from_raw(RawConfig {
            bind: "0.0.0.0:8080".into(),
            public_url: "https://extranet.example.com".into(),
            email: email.into(),
            sms: "https://sms.example.com/send".into(),
            ..RawConfig::default()
        })
        .unwrap()
        .warnings()
    };
    assert!(production("smtps://u:p@mail.example.com").is_empty());
    assert!(production("smtp://u:p@mail.example.com:587?tls=required").is_empty());
    assert!(production("smtp://127.0.0.1:25").is_empty());
    assert!(production("smtp://mail.example.com:25")[0].contains("in clear"));
}

#[test]
fn bad_values_are_named() {
    let raw = RawConfig {
        email: "mailto:x".into(),
        ..RawConfig::default()
    };
    assert!(Config::from_raw(raw)
        .unwrap_err()
        .contains("EXTRANET_EMAIL"));
    let raw = RawConfig {
        jwt_secret: Some("short".into()),
        ..RawConfig::default()
    };
    assert!(Config::from_raw(raw)
        .unwrap_err()
        .contains("EXTRANET_JWT_SECRET"));
    let raw = RawConfig {
        plans: Some("basic=x".into()),
        ..RawConfig::default()
    };
    assert!(Config::from_raw(raw)
        .unwrap_err()
        .contains("EXTRANET_PLANS"));
    let raw = RawConfig {
        cors_origins: "https://app.example.com/".into(),
        ..RawConfig::default()
    };
    assert!(Config::from_raw(raw)
        .unwrap_err()
        .contains("EXTRANET_CORS_ORIGINS"));
}

#[test]
#[allow(clippy::result_large_err)] // figment's Jail decides the closure's error type.
fn environment_overrides_the_file() {
    figment::Jail::expect_with(|jail| {
        jail.create_file(
            "extranet.toml",
            "bind = \"0.0.0.0:9000\"\nsms = \"console\"",
        )?;
        jail.set_env("EXTRANET_SMS", "http://127.0.0.1:9999/sms");
        jail.set_env("DATABASE_URL", "postgres://localhost/x");
        jail.set_env("EXTRANET_REQUEST_READ_TIMEOUT_SECONDS", "3");
        jail.set_env(
            "EXTRANET_CORS_ORIGINS",
            "https://App.example.com,http://127.0.0.1:5173",
        );
        let c = Config::load(None).map_err(figment::Error::from)?;
        assert_eq!(
            c.cors_origins.iter().collect::<Vec<_>>(),
            ["https://app.example.com", "http://127.0.0.1:5173"]
        );
        assert_eq!(c.request_read_timeout, std::time::Duration::from_secs(3));
        assert_eq!(c.bind, "0.0.0.0:9000");
        assert_eq!(c.sms, Transport::Url("http://127.0.0.1:9999/sms".into()));
        assert_eq!(c.database_url, "postgres://localhost/x");
        Ok(())
    });
}

#[test]
fn the_development_tools_are_served_on_loopback_with_console_delivery_or_when_asked() {
    let with = |bind: &str, email: &str, dev: Option<bool>| {
        Config::from_raw(RawConfig {
            bind: bind.into(),
            email: email.into(),
            sms: if email == "console" {
                "console".into()
            } else {
                "https://sms.example.com/send".into()
            },
            dev,
            ..RawConfig::default()
        })
        .unwrap()
    };
    assert!(with("127.0.0.1:8080", "console", None).dev);
    assert!(with("[::1]:8080", "console", None).dev);
    assert!(!with("0.0.0.0:8080", "console", None).dev);
    assert!(!with("127.0.0.1:8080", "console", Some(false)).dev);
    assert!(!with("127.0.0.1:8080", "smtp://127.0.0.1:25", Some(true)).dev);
    let asked = with("0.0.0.0:8080", "console", Some(true));
    assert!(asked.dev);
    assert!(asked
        .warnings()
        .iter()
        .any(|w| w.contains("EXTRANET_DEV = true")));
    assert!(!with("127.0.0.1:8080", "console", Some(true))
        .warnings()
        .iter()
        .any(|w| w.contains("EXTRANET_DEV")));
}

#[test]
fn retention_defaults_are_an_operators_and_zero_keeps_forever() {
    let c = Config::from_raw(RawConfig::default()).unwrap();
    let r = c.retention.retention;
    assert_eq!(
        [
            r.messages,
            r.webhook_deliveries,
            r.sessions,
            r.api_tokens,
            r.join_requests,
            r.audit_events
        ]
        .map(KeepFor::in_days),
        [30, 30, 7, 30, 30, 400]
    );
    assert_eq!(c.retention.batch, 500);
    let c = Config::from_raw(RawConfig {
        retention_audit_days: 0,
        retention_api_token_days: 0,
        retention_join_request_days: 90,
        retention_batch: 0,
        ..RawConfig::default()
    })
    .unwrap();
    assert_eq!(c.retention.retention.audit_events, KeepFor::FOREVER);
    assert_eq!(c.retention.retention.api_tokens, KeepFor::FOREVER);
    assert_eq!(c.retention.retention.join_requests, KeepFor::days(90));
    assert_eq!(c.retention.batch, 1, "at least one row a statement");
}
