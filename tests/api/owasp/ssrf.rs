//! API7, server side request forgery: the webhook URL is the one place a client makes the
//! server send requests. Every way of writing an address inside — loopback, private, shared,
//! link-local and metadata addresses, IPv6 loopback, unique-local, link-local, IPv4-mapped,
//! NAT64 and IPv4-compatible forms, decimal, octal, hexadecimal, short and percent-encoded
//! IPv4, full-width dots, names that resolve inside — is refused with 422
//! `webhook_url_not_allowed`, both on every operation that takes a URL (creating a webhook and
//! changing one), and nothing is saved. (Elsewhere, not repeated: `webhook_ssrf.rs` — the
//! first forms and that a receiver's redirect, to anywhere, is not followed;
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
    // Names.
    "http://LOCALHOST/hook",
    "http://localhost./hook",
    "http://127.0.0.1.nip.io/hook",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://six.test/hook",
    "http://mapped.test/hook",
    "http://rebind.test/hook",
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
}
