//! Clients that send slowly (issue #24, item 11): a request's head and its body each have a
//! read deadline (`EXTRANET_REQUEST_READ_TIMEOUT_SECONDS`, 2 s here); a client slower than that
//! is answered 408 (or, for the head of a later request on a kept-alive connection, simply
//! cut off) and its connection closed, whatever the route does with the body, while everyone
//! else is served as usual.

use crate::support::helpers::TestApp;
use reqwest::StatusCode;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The read deadline the tests give the server.
const READ_TIMEOUT_SECONDS: u32 = 2;

/// How long a test waits for the server to give up on a slow client: the deadline and then
/// some, generously.
const PATIENCE: Duration = Duration::from_secs(30);

async fn server() -> TestApp {
    TestApp::spawn_with(|c| c.request_read_timeout_seconds = READ_TIMEOUT_SECONDS).await
}

/// What became of a slow client's connection.
#[derive(Debug)]
struct Ending {
    /// What the server sent before the connection ended.
    answer: String,
    /// Whether the connection ended (closed or reset) within [`PATIENCE`].
    closed: bool,
}

impl Ending {
    fn status_line(&self) -> &str {
        self.answer.lines().next().unwrap_or_default()
    }
}

/// Connects, sends `head` at once, then `trickle` one byte every quarter of a second (far
/// slower than any deadline allows), reading whatever the server answers meanwhile, until
/// the server ends the connection or [`PATIENCE`] runs out.
async fn slow_client(address: String, head: String, trickle: Vec<u8>) -> Ending {
    let address = address.trim_start_matches("http://").to_owned();
    let stream = TcpStream::connect(address).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    writer.write_all(head.as_bytes()).await.unwrap();
    let sender = tokio::spawn(async move {
        for byte in trickle {
            tokio::time::sleep(Duration::from_millis(250)).await;
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
        }
        // All sent: keep the connection open, as a slow client would.
        tokio::time::sleep(PATIENCE * 2).await;
    });
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let closed = loop {
        let Some(left) = PATIENCE.checked_sub(started.elapsed()) else {
            break false;
        };
        match tokio::time::timeout(left, reader.read(&mut buf)).await {
            Err(_) => break false,
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
        }
    };
    sender.abort();
    Ending {
        answer: String::from_utf8_lossy(&answer).into_owned(),
        closed,
    }
}

fn post_head(path: &str, extra: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n{extra}\r\n"
    )
}

#[tokio::test]
async fn a_body_sent_a_byte_at_a_time_is_answered_408_and_its_connection_closed_while_others_are_served(
) {
    let app = server().await;
    // Many of them at once, each declaring a large body and trickling it.
    let slow: Vec<_> = (0..40)
        .map(|_| {
            let head = post_head("/v1/auth/login", "Content-Length: 204800\r\n");
            tokio::spawn(slow_client(app.address.clone(), head, vec![b' '; 204_800]))
        })
        .collect();
    // Meanwhile a normal client is served.
    let (status, body) = app.login("nobody@agency.example", "guess!!!1", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    for handle in slow {
        let ending = handle.await.unwrap();
        assert!(ending.closed, "the connection is still open: {ending:?}");
        assert!(
            ending.status_line().starts_with("HTTP/1.1 408"),
            "{ending:?}"
        );
        assert!(ending.answer.contains("request_timeout"), "{ending:?}");
    }
    // The server is none the worse for it.
    let (status, _) = app.login("nobody@agency.example", "guess!!!1", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_body_trickled_to_a_route_that_does_not_read_it_does_not_hold_its_connection() {
    let app = server().await;
    // Chunked: once the route has answered, the server would read the rest of the body to
    // keep the connection, for as long as it kept coming.
    let chunks: Vec<u8> = "1\r\na\r\n".repeat(10_000).into_bytes();
    let ending = slow_client(
        app.address.clone(),
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n".into(),
        chunks,
    )
    .await;
    assert!(ending.closed, "the connection is still open: {ending:?}");
    // With a declared length.
    let ending = slow_client(
        app.address.clone(),
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n".into(),
        vec![b'a'; 100_000],
    )
    .await;
    assert!(ending.closed, "the connection is still open: {ending:?}");
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_head_sent_a_byte_at_a_time_is_answered_408_and_its_connection_closed() {
    let app = server().await;
    let trickle = b"X-Slow: "
        .iter()
        .copied()
        .chain([b'a'; 5000])
        .collect::<Vec<u8>>();
    // The first request of a connection…
    let ending = slow_client(
        app.address.clone(),
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\n".into(),
        trickle.clone(),
    )
    .await;
    assert!(ending.closed, "the connection is still open: {ending:?}");
    assert!(
        ending.status_line().starts_with("HTTP/1.1 408"),
        "{ending:?}"
    );
    // …and a later one on a kept-alive connection.
    let ending = slow_client(
        app.address.clone(),
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\nGET /healthz HTTP/1.1\r\nHost: localhost\r\n"
            .into(),
        trickle,
    )
    .await;
    assert!(ending.closed, "the connection is still open: {ending:?}");
    assert!(
        ending.status_line().starts_with("HTTP/1.1 200"),
        "{ending:?}"
    );
}
