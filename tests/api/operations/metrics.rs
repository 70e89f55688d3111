//! What operators watch: `/metrics` (requests by route pattern and status, their durations,
//! the outbox, seats), and `/readyz` failing fast when the database is gone. Request ids are
//! in `request_ids.rs`.

use crate::support::delivery_peers::free_port;
use crate::support::helpers::{assert_problem, invite_body, json_of, MailSink, TestApp, PASSWORD};
use crate::support::metrics::{scrape, scrape_until};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Instant;

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_and_status_and_time_them() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@acme.example", "free").await;
    let group = app.workgroup(&admin.token, "Site", true).await;
    let body = invite_body(&group, "ann@client.example");
    let (status, created) =
        json_of(app.post("/v1/invitations", Some(&admin.token), body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["results"][0]["invitation"]["id"].as_str().unwrap();
    let (status, _) = app
        .json(
            Method::GET,
            &format!("/v1/invitations/{id}"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let unknown = format!("/v1/no-such-thing/{id}");
    let res = app.call(Method::GET, &unknown, None, None).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app.call(Method::DELETE, "/healthz", None, None).await;
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    // A made-up method makes no label of its own: a client cannot grow the series.
    let made_up = Method::from_bytes(b"BREW").unwrap();
    let res = app.call(made_up, "/v1/invitations", None, None).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);

    let scraped = scrape(&app).await;
    let requests = |method, route, status| {
        scraped.get(
            "http_requests_total",
            &[("method", method), ("route", route), ("status", status)],
        )
    };
    assert_eq!(requests("POST", "/v1/invitations", "201"), 1.0);
    assert_eq!(requests("GET", "/v1/invitations/{id}", "200"), 1.0);
    assert_eq!(requests("POST", "/v1/workgroups", "201"), 1.0);
    assert_eq!(requests("GET", "unmatched", "404"), 1.0);
    assert_eq!(requests("DELETE", "/healthz", "405"), 1.0);
    assert_eq!(requests("other", "/v1/invitations", "405"), 1.0);
    assert!(scraped
        .all("http_requests_total")
        .all(|s| s.labels["method"] != "BREW"));
    // Routes by pattern only: no id, no path of a request that matched none.
    for sample in scraped.all("http_requests_total") {
        let route = &sample.labels["route"];
        assert!(
            !route.contains(id) && !route.contains("no-such-thing"),
            "{sample:?}"
        );
    }

    // The histogram: cumulative buckets from 0.5 ms to 5 s, a count and a sum.
    let invitations = [("method", "POST"), ("route", "/v1/invitations")];
    let bucket = |le| {
        let mut labels = invitations.to_vec();
        labels.push(("le", le));
        scraped.get("http_request_duration_seconds_bucket", &labels)
    };
    let bounds = [
        "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1",
        "2.5", "5", "+Inf",
    ];
    let counts: Vec<f64> = bounds.iter().map(|le| bucket(le)).collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert_eq!(counts.last(), Some(&1.0));
    assert_eq!(
        scraped.get("http_request_duration_seconds_count", &invitations),
        1.0
    );
    let took = scraped.get("http_request_duration_seconds_sum", &invitations);
    assert!(took > 0.0 && took < 5.0, "{took}");
    assert!(scraped.text.contains("# TYPE http_requests_total counter"));
    assert!(scraped
        .text
        .contains("# TYPE http_request_duration_seconds histogram"));

    // The scrape itself is counted once answered.
    let again = scrape(&app).await;
    let scrapes = [("method", "GET"), ("route", "/metrics"), ("status", "200")];
    assert_eq!(again.get("http_requests_total", &scrapes), 1.0);
}

#[tokio::test]
async fn outbox_gauges_follow_an_email_from_queued_to_sent_and_an_sms_to_given_up() {
    // Email goes to a port where no mail server listens yet: it stays queued.
    let smtp_port = free_port();
    let app = TestApp::spawn_with(|raw| raw.email = format!("smtp://127.0.0.1:{smtp_port}")).await;
    let (status, signed_up) = app
        .sign_up_with(json!({"name": "Acme", "plan": "free",
            "admin": {"phone": "+14155550100", "password": PASSWORD,
                      "first_name": "Ada", "last_name": "Lovelace"}}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{signed_up}");
    let token = signed_up["access_token"].as_str().unwrap().to_owned();
    let group = app.workgroup(&token, "Site", true).await;
    let channel = |c| [("channel", c)];
    let before = scrape_until(&app, "an empty outbox", |s| {
        s.get("extranet_outbox_pending", &channel("sms")) == 0.0
    })
    .await;
    for c in ["email", "sms", "webhook"] {
        assert_eq!(before.get("extranet_outbox_pending", &channel(c)), 0.0);
        assert_eq!(before.get("extranet_outbox_failed", &channel(c)), 0.0);
    }

    let body = invite_body(&group, "ann@client.example");
    let (status, created) = json_of(app.post("/v1/invitations", Some(&token), body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let attempts = |outcome| [("channel", "email"), ("outcome", outcome)];
    let queued = scrape_until(&app, "a failed first attempt", |s| {
        s.value("extranet_delivery_attempts_total", &attempts("retry"))
            .is_some()
    })
    .await;
    assert_eq!(
        queued.get("extranet_outbox_pending", &channel("email")),
        1.0
    );
    assert_eq!(queued.get("extranet_outbox_failed", &channel("email")), 0.0);

    // The mail server comes up; the retry (due two seconds later) gets through.
    let sink = MailSink::start_on(smtp_port).await;
    app.clock.advance(Duration::seconds(5));
    let sent = scrape_until(&app, "the email sent", |s| {
        s.get("extranet_outbox_pending", &channel("email")) == 0.0
    })
    .await;
    assert_eq!(
        sent.get("extranet_delivery_attempts_total", &attempts("sent")),
        1.0
    );
    assert_eq!(sent.get("extranet_outbox_failed", &channel("email")), 0.0);
    assert_eq!(sink.wait_for("ann@client.example", 1).await.len(), 1);

    // An SMS the gateway always refuses: pending through its retries, then given up.
    app.sms.refuse_with(500);
    app.sms.refuse_next(1_000);
    let pat = json!({"type": "extranet", "workgroup_id": group,
        "invitees": [{"phone": "+14155550199", "first_name": "Pat", "last_name": "Doe"}]});
    let (status, created) = json_of(app.post("/v1/invitations", Some(&token), pat).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        scrape(&app)
            .await
            .get("extranet_outbox_pending", &channel("sms")),
        1.0
    );
    let given_up = [("channel", "sms"), ("outcome", "given_up")];
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    let failed = loop {
        app.clock.advance(Duration::hours(2));
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let scraped = scrape(&app).await;
        // The worker counts an attempt as it ends and stores its outcome just after: wait
        // for both.
        if scraped.value("extranet_delivery_attempts_total", &given_up) == Some(1.0)
            && scraped.value("extranet_outbox_failed", &channel("sms")) == Some(1.0)
        {
            break scraped;
        }
        assert!(
            Instant::now() < deadline,
            "never given up:\n{}",
            scraped.text
        );
    };
    assert_eq!(failed.get("extranet_outbox_pending", &channel("sms")), 0.0);
    assert_eq!(failed.get("extranet_outbox_failed", &channel("sms")), 1.0);
    assert_eq!(failed.get("extranet_outbox_failed", &channel("email")), 0.0);
    assert_eq!(
        failed.get(
            "extranet_delivery_attempts_total",
            &[("channel", "sms"), ("outcome", "retry")]
        ),
        11.0
    );
}

#[tokio::test]
async fn seats_in_metrics_are_the_accounts_usage_summed_by_plan() {
    let app = TestApp::spawn().await;
    let basic = app.sign_up("ada@acme.example", "basic").await;
    let group = app.workgroup(&basic.token, "Site", true).await;
    app.join(&basic.token, "extranet", Some(&group), "+14155550101")
        .await;
    app.invite_phone(&basic.token, &group, "+14155550102").await;
    let free = app.sign_up("bob@other.example", "free").await;
    app.invite_phone(
        &free.token,
        &app.workgroup(&free.token, "G", true).await,
        "+14155550103",
    )
    .await;

    let scraped = scrape(&app).await;
    let plan = |p| [("plan", p)];
    for (signed_up, name) in [(&basic, "basic"), (&free, "free")] {
        let usage = app.usage(&signed_up.token).await;
        let used = ["active_intranet", "active_extranet", "pending_invitations"]
            .iter()
            .map(|k| usage[*k].as_f64().unwrap())
            .sum::<f64>();
        assert_eq!(
            scraped.get("extranet_seats_used", &plan(name)),
            used,
            "{usage}"
        );
        assert_eq!(scraped.get("extranet_accounts", &plan(name)), 1.0);
        match usage["user_limit"].as_f64() {
            Some(limit) => assert_eq!(scraped.get("extranet_seats_limit", &plan(name)), limit),
            None => assert_eq!(scraped.value("extranet_seats_limit", &plan(name)), None),
        }
    }
    assert_eq!(scraped.get("extranet_seats_used", &plan("basic")), 3.0);
    assert_eq!(scraped.get("extranet_seats_limit", &plan("basic")), 5.0);
    // Configured plans without accounts are there, at zero.
    assert_eq!(scraped.get("extranet_accounts", &plan("enterprise")), 0.0);
    assert_eq!(
        scraped.get("extranet_seats_limit", &plan("enterprise")),
        0.0
    );
}

/// Makes the test's database disappear from under the server: the SQLite file is removed, the
/// PostgreSQL database dropped (its connections closed with it).
fn lose_database(app: &TestApp) {
    use diesel::{Connection, RunQueryDsl};
    if let Some(path) = app.database_url.strip_prefix("sqlite://") {
        std::fs::remove_file(path).unwrap();
        return;
    }
    let server = std::env::var("TEST_POSTGRES_URL").unwrap();
    let server = server.trim_end_matches('/');
    let name = app
        .database_url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap();
    let mut admin = diesel::PgConnection::establish(&format!("{server}/postgres")).unwrap();
    diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin)
        .unwrap();
}

#[tokio::test]
async fn readiness_fails_within_seconds_once_the_database_is_gone() {
    let app = TestApp::spawn().await;
    let (status, ready) = json_of(app.call(Method::GET, "/readyz", None, None).await).await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["status"], "ready");

    lose_database(&app);
    for _ in 0..2 {
        let started = Instant::now();
        let res = app.call(Method::GET, "/readyz", None, None).await;
        let took = started.elapsed();
        assert_problem(res, StatusCode::SERVICE_UNAVAILABLE, "service_unavailable").await;
        // Its own deadline is 2 s; a request's wait for a connection is 10 s. Well under
        // that, whatever else the machine is doing.
        assert!(took < std::time::Duration::from_secs(8), "took {took:?}");
    }
    // The process itself is alive.
    let res = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(res.status(), StatusCode::OK);
}
