//! API7, server side request forgery: the webhook URL is the one place a client makes the
//! server send requests. Every way of writing an address inside — loopback, private, shared,
//! link-local and metadata addresses, IPv6 loopback, unique-local, link-local, IPv4-mapped,
//! NAT64 (well-known and local-use), 6to4, Teredo and IPv4-compatible forms, decimal, octal, hexadecimal, short and percent-encoded
//! IPv4, full-width dots, names that resolve inside — is refused with 422
//! `webhook_url_not_allowed`, both on every operation that takes a URL (creating a webhook and
//! changing one), and nothing is saved; and a receiver's redirect to an inside address
//! (this machine's own service, the metadata address) is never followed. (Elsewhere, not
//! repeated: `webhook_ssrf.rs` — the first forms, and a bare 302 not followed;
//! `webhook_processes.rs` — a name that moves inside after creation is refused at delivery.)
//! "No internet" here: names like `127.0.0.1.nip.io` are given their public-DNS answer by
//! `EXTRANET_WEBHOOK_RESOLVE`, which is checked like a resolver's answer.

use super::*;

const INSIDE: &[&str] = &[
    // IPv4, as written by hand.
    "http://127.0.0.2/hook",
    "http://127.255.255.254/hook",
    "http://0.0.0.0/hook",
    "http://0/hook",
    "http://10.255.255.1/hook",
    "http://172.16.0.1/hook",
    "http://172.31.255.254/hook",
    "http://192.168.0.1/hook",
    "http://100.64.0.1/hook",
    "http://169.254.0.1/hook",
    "http://169.254.169.254/latest/meta-data/iam/",
    "http://100.100.100.200/latest/meta-data/",
    "http://192.0.0.192/hook",
    "http://198.18.0.1/hook",
    "http://224.0.0.1/hook",
    "http://240.0.0.1/hook",
    "http://255.255.255.255/hook",
    // IPv4, as a browser's URL parser reads it.
    "http://0177.0.0.1/hook",
    "http://0x7f.0.0.1/hook",
    "http://0x7f000001/hook",
    "http://017700000001/hook",
    "http://127.1/hook",
    "http://127.0.1/hook",
    "http://3232235521/hook",
    "http://2852039166/latest/meta-data/",
    "http://0xa9.0xfe.0xa9.0xfe/latest/meta-data/",
    "http://%31%32%37.0.0.1/hook",
    "http://127\u{3002}0\u{3002}0\u{3002}1/hook",
    "http://127.0.0.1./hook",
    // Other ports and https change nothing.
    "http://127.0.0.1:6379/",
    "https://127.0.0.1:8443/hook",
    "http://10.0.0.1:22/",
    // IPv6.
    "http://[::1]:8080/hook",
    "http://[0:0:0:0:0:0:0:1]/hook",
    "http://[::]/hook",
    "http://[fc00::1]/hook",
    "http://[fd12:3456::1]/hook",
    "http://[fe80::1]/hook",
    "http://[fec0::1]/hook",
    "http://[ff02::1]/hook",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[::ffff:7f00:1]/hook",
    "http://[::ffff:10.0.0.1]/hook",
    "http://[::ffff:169.254.169.254]/latest/meta-data/",
    "http://[0:0:0:0:0:ffff:192.168.1.1]/hook",
    "http://[64:ff9b::7f00:1]/hook",
    "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
    "http://[::127.0.0.1]/hook",
    // NAT64's local-use prefix (64:ff9b:1::/48, RFC 8215): inside a network by definition, and
    // where the IPv4 address sits depends on the network's prefix length.
    "http://[64:ff9b:1::7f00:1]/hook",
    "http://[64:ff9b:1:7f00:1::]/hook",
    "http://[64:ff9b:1::a9fe:a9fe]/latest/meta-data/",
    "http://[64:ff9b:1:5db8:d70e::]/hook",
    // 6to4 (2002::/16): the IPv4 address in bits 16-47 is the one reached.
    "http://[2002:7f00:1::]/hook",
    "http://[2002:7f00:1::1]/hook",
    "http://[2002:a00:1::1]/hook",
    "http://[2002:a9fe:a9fe::1]/latest/meta-data/",
    "http://[2002:c0a8:101:1::1]/hook",
    // Teredo (2001::/32): the server's IPv4 address, and the client's (inverted).
    "http://[2001:0:7f00:1::1]/hook",
    "http://[2001:0:5db8:d70e:0:0:80ff:fffe]/hook",
    // Names.
    "http://LOCALHOST/hook",
    "http://localhost./hook",
    "http://127.0.0.1.nip.io/hook",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://six.test/hook",
    "http://mapped.test/hook",
    "http://rebind.test/hook",
    "http://nat64.test/hook",
    "http://sixtofour.test/hook",
    // A public name in front, the address behind.
    "http://public.test@127.0.0.1/hook",
];

#[tokio::test]
async fn every_way_of_writing_an_inside_address_is_refused_on_every_operation_that_takes_a_url() {
    let app = TestApp::spawn_with(|c| {
        c.webhook_resolve = [
            "public.test=93.184.215.14",
            "127.0.0.1.nip.io=127.0.0.1",
            "metadata.google.internal=169.254.169.254",
            "six.test=::1",
            "mapped.test=::ffff:192.168.0.10",
            "nat64.test=64:ff9b:1::a00:1",
            "sixtofour.test=2002:a00:1::1",
            // A name whose answer holds a public and an inside address.
            "rebind.test=93.184.215.14",
            "rebind.test=10.0.0.5",
        ]
        .join(",");
    })
    .await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let mut tally = Tally::new("API7 SSRF (webhook URLs)");
    let (status, hook) = app
        .json(
            Method::POST,
            "/v1/webhooks",
            &admin.token,
            Some(json!({"url": "https://public.test/hook", "events": ["user.dismissed"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let id = hook["id"].as_str().unwrap();
    let (_, before) = app
        .json(Method::GET, "/v1/webhooks", &admin.token, None)
        .await;
    // Every operation of the document whose body takes a `url`.
    let doc = api::openapi::document();
    let takes_url: Vec<Operation> = operations()
        .into_iter()
        .filter(|o| {
            let schema = &o.op["requestBody"]["content"]["application/json"]["schema"];
            let name = schema["$ref"]
                .as_str()
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or_default();
            doc["components"]["schemas"][name]["properties"]
                .get("url")
                .is_some()
        })
        .collect();
    let labels: Vec<String> = takes_url.iter().map(Operation::label).collect();
    assert_eq!(labels, ["POST /v1/webhooks", "PATCH /v1/webhooks/{id}"]);
    for url in INSIDE {
        tally.rows += 1;
        for op in &takes_url {
            let (path, body) = if op.method == Method::POST {
                (
                    op.path.clone(),
                    json!({"url": url, "events": ["user.dismissed"]}),
                )
            } else {
                (op.path.replace("{id}", id), json!({"url": url}))
            };
            let (status, problem) = send(
                &app,
                op.method.clone(),
                &path,
                Some(&admin.token),
                Some(body),
            )
            .await;
            tally.requests += 1;
            assert_eq!(
                (status, problem["code"].as_str()),
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some("webhook_url_not_allowed")
                ),
                "{} {url}: {problem}",
                op.label()
            );
        }
    }
    let (_, after) = app
        .json(Method::GET, "/v1/webhooks", &admin.token, None)
        .await;
    assert_eq!(after, before, "a webhook was saved or moved");
    // The matrix can tell: a public address is taken.
    let (status, moved) = app
        .json(
            Method::PATCH,
            &format!("/v1/webhooks/{id}"),
            &admin.token,
            Some(json!({"url": "https://93.184.215.14/other"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    // And the public IPv4 address inside a 6to4 or Teredo address is as good as itself.
    for public in [
        "https://[2002:5db8:d70e::1]/other",
        "https://[2001:0:5db8:d70e:0:0:a247:28f1]/other",
    ] {
        let (status, moved) = app
            .json(
                Method::PATCH,
                &format!("/v1/webhooks/{id}"),
                &admin.token,
                Some(json!({ "url": public })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{public}: {moved}");
    }
}

/// A receiver that answers every request with a redirect to `location`, and counts nothing.
async fn redirector(location: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let location = location.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = socket.read(&mut buf).await;
                let answer = format!(
                    "HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    format!("http://{address}/hook")
}

/// An inside service: counts the connections it gets.
async fn inside_service() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let reached = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = reached.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(socket);
        }
    });
    (format!("http://{address}/admin"), reached)
}

/// A receiver's redirect to an inside address (this machine's own service, the metadata
/// address) is never followed: the delivery fails with the redirect's status and the inside
/// service is never reached. (Loopback receivers are allowed here so that the redirector can be
/// one: a followed redirect would then reach the inside service.)
#[tokio::test]
async fn a_redirect_to_an_inside_address_is_not_followed() {
    use crate::support::webhooks::{deliveries_when, subscribe};
    let app = TestApp::spawn_with(|c| {
        c.webhook_allow_loopback = true;
        c.webhook_retry_base_ms = 600_000;
    })
    .await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let mut tally = Tally::new("API7 SSRF (redirects)");
    let (inside, reached) = inside_service().await;
    for location in [
        inside.clone(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[::ffff:127.0.0.1]/".to_owned(),
    ] {
        tally.rows += 1;
        let url = redirector(location.clone()).await;
        let hook = subscribe(&app, &admin.token, &url, &["user.dismissed"]).await;
        let id = hook["id"].as_str().unwrap();
        let (status, _) = app
            .json(
                Method::POST,
                &format!("/v1/webhooks/{id}/ping"),
                &admin.token,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let log = deliveries_when(&app, &admin.token, id, |d| {
            d.first().is_some_and(|d| d["attempts"].as_u64() >= Some(1))
        })
        .await;
        tally.requests += 1;
        assert_eq!(
            log[0]["response_status"], 307,
            "redirect to {location}: {:?}",
            log[0]
        );
        assert_ne!(log[0]["status"], "delivered", "{:?}", log[0]);
    }
    assert_eq!(
        reached.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "a redirect was followed"
    );
}
