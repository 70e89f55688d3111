//! API8, security misconfiguration: every answer — successes, refusals, unknown routes, the
//! document, Swagger UI, health and metrics — tells browsers not to guess its content type
//! (`X-Content-Type-Options: nosniff`) and nobody to keep it (`Cache-Control: no-store`: tokens,
//! people and secrets shown once must not stay in a browser's or a proxy's cache); no answer
//! grants another origin access (no CORS header at all, whatever `Origin` says; a browser's
//! preflight is refused) or names the server's software — with no `EXTRANET_CORS_ORIGINS`
//! configured (listed origins: `cors.rs`).
//! (Elsewhere: the accept page's Content-Security-Policy in `operations.rs`; TLS to the SMTP
//! server in `smtp_tls.rs`.)

use super::*;

/// What every answer must carry, and must not.
fn assert_hardened(what: &str, res: &reqwest::Response) {
    let h = res.headers();
    assert_eq!(
        h.get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff"),
        "{what} ({}): no nosniff",
        res.status()
    );
    let cache = h
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        cache.contains("no-store"),
        "{what} ({}): Cache-Control is {cache:?}",
        res.status()
    );
    let cors: Vec<&str> = h
        .keys()
        .map(|n| n.as_str())
        .filter(|n| n.starts_with("access-control-"))
        .collect();
    assert!(
        cors.is_empty(),
        "{what} ({}) sends CORS headers: {cors:?}",
        res.status()
    );
    for name in ["server", "x-powered-by"] {
        assert!(
            h.get(name).is_none(),
            "{what} ({}) sends {name}: {:?}",
            res.status(),
            h.get(name)
        );
    }
}

#[tokio::test]
async fn every_answer_is_nosniff_no_store_and_grants_no_other_origin() {
    let w = World::build().await;
    let a = &w.a;
    let mut tally = Tally::new("API8 security misconfiguration (headers)");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let send = |method: Method, path: String, token: Option<&str>| {
        let mut req = client
            .request(method, w.app.url(&path))
            .header("Origin", "https://evil.example");
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    let before = w.snapshot(a).await;
    for op in operations() {
        let path = op.path_in(a);
        tally.rows += 1;
        // Without a token (401 or, on public operations, the refusal of an empty request)…
        let res = send(op.method.clone(), path.clone(), None).await.unwrap();
        assert_hardened(&op.label(), &res);
        tally.requests += 1;
        // A browser's preflight for it: refused, granting nothing.
        let res = client
            .request(Method::OPTIONS, w.app.url(&path))
            .header("Origin", "https://evil.example")
            .header("Access-Control-Request-Method", op.method.as_str())
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::BAD_REQUEST,
            "preflight {}",
            op.label()
        );
        assert_hardened(&format!("preflight {}", op.label()), &res);
        tally.requests += 1;
        // …and, for reads, the administrator's success.
        if op.method == Method::GET {
            let res = send(Method::GET, path, Some(&a.admin.token)).await.unwrap();
            assert!(
                res.status().is_success(),
                "{}: {}",
                op.label(),
                res.status()
            );
            assert_hardened(&op.label(), &res);
            tally.requests += 1;
        }
    }
    // What no operation of the document answers: unknown routes, methods and the tools.
    for (method, path) in [
        (Method::GET, "/v1/nothing-here"),
        (Method::DELETE, "/v1/account"),
        (Method::GET, "/openapi.json"),
        (Method::GET, "/docs"),
        (Method::GET, "/docs/"),
        (Method::OPTIONS, "/v1/invitations"),
    ] {
        tally.rows += 1;
        let res = send(method.clone(), path.to_owned(), Some(&a.admin.token))
            .await
            .unwrap();
        assert_hardened(&format!("{method} {path}"), &res);
        tally.requests += 1;
    }
    assert_eq!(w.snapshot(a).await, before, "a sweep changed the account");
}
