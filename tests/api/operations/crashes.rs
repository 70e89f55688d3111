//! The `extranet` binary killed and stopped under load: SIGKILL while clients invite (nothing
//! that got 201 is lost, each message reaches its transport under one id, however often), and
//! SIGTERM with requests in flight (they finish; the workers finish the message in hand; exit 0).
//! The figures are printed (`--nocapture`) as `crash figures:` lines.

use crate::support::helpers::*;
use crate::support::load::{self, wait_until_all_sent, Answer, Load, Sent};
use crate::support::processes::ServerProcess;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Which database the suite runs on, for the figures.
fn backend() -> &'static str {
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => "postgres",
        _ => "sqlite",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sigkill_under_load_loses_no_invitation_that_got_201_and_each_message_keeps_one_id() {
    let (_db, url) = TestDatabase::create();
    let sms = SmsGateway::start().await;
    let mail = MailSink::start().await;
    let mail_url = mail.url();
    let mut env = load::UNLIMITED.to_vec();
    // Killed in the middle of an attempt, it still holds its lease: keep that short.
    env.extend([
        ("EXTRANET_EMAIL", mail_url.as_str()),
        ("EXTRANET_OUTBOX_LEASE_SECONDS", "2"),
    ]);
    let mut first = ServerProcess::start_with(&url, &sms.url, &env).await;
    let client = reqwest::Client::new();
    let (token, group) = load::account(&first, &client, Some(&mail)).await;

    let started = Instant::now();
    let load = Load::start(&first.address, &token, &group, 8, Duration::ZERO, true);
    // A few seconds of load, and a good number of invitations.
    load.wait_for_created(150).await;
    tokio::time::sleep(Duration::from_secs(3).saturating_sub(started.elapsed())).await;
    first.kill();
    let loaded = started.elapsed();
    let sent = load.finish().await;

    let created: Vec<&Sent> = sent
        .iter()
        .filter(|s| s.status() == Some(StatusCode::CREATED))
        .collect();
    let failed: Vec<&Sent> = sent
        .iter()
        .filter(|s| matches!(s.answer, Answer::Failed(_)))
        .collect();
    let others: Vec<&Sent> = sent
        .iter()
        .filter(|s| s.status().is_some_and(|st| st != StatusCode::CREATED))
        .collect();
    assert!(others.is_empty(), "answers other than 201: {others:?}");

    // A new server on the same database: every 201 is there.
    let second = ServerProcess::start_with(&url, &sms.url, &env).await;
    for s in &created {
        let id = s.invitation().unwrap();
        let res = client
            .get(format!("{}/v1/invitations/{id}", second.address))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let (status, invitation) = json_of(res).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "invitation {id} got 201 and is lost"
        );
        assert_eq!(load::login_of(&invitation), s.login);
    }
    // What was committed: every 201, and perhaps requests whose answer the kill cut off.
    let sent_logins: BTreeSet<&str> = sent.iter().map(|s| s.login.as_str()).collect();
    let created_logins: BTreeSet<&str> = created.iter().map(|s| s.login.as_str()).collect();
    let committed = wait_until_all_sent(&second.address, &client, &token).await;
    let committed_logins: BTreeSet<String> = committed.iter().map(load::login_of).collect();
    assert_eq!(committed.len(), committed_logins.len());
    assert!(created_logins.iter().all(|l| committed_logins.contains(*l)));
    assert!(committed_logins
        .iter()
        .all(|l| sent_logins.contains(l.as_str())));

    // Marked sent; a message held by the killed server when it died is sent again once its
    // lease ran out: wait past it for any late copy.
    tokio::time::sleep(Duration::from_secs(3)).await;
    // The invitations' messages (not the sign-up's code), one id per invitation.
    let (messages, ids) = load::one_id_per_invitation(&sms, &mail, &committed_logins);
    let duplicates = messages - ids;
    let in_flight = failed.len();
    eprintln!(
        "crash figures [{}]: SIGKILL after {} ms of load by 8 clients: {} requests sent, {} answered 201 \
         before the kill, {} without an answer (in flight at the kill or refused after it), \
         {} committed (so {} of those without an answer had committed), 0 of the 201s lost; \
         {} messages received for {} ids, {} duplicate copies (same id, same content)",
        backend(),
        loaded.as_millis(),
        sent.len(),
        created.len(),
        in_flight,
        committed.len(),
        committed.len() - created.len(),
        messages,
        ids,
        duplicates
    );
}

/// An invitation request written over a plain connection, its body cut in two: the first half
/// now, the rest when the test says — a request the test holds in flight.
struct HeldRequest {
    stream: tokio::net::TcpStream,
    rest: Vec<u8>,
}

/// Whether the server took the connection from `client_port` and read what came on it: its
/// end of the connection (in `/proc/net/tcp`) belongs to a socket of a process (an inode:
/// accepted) and has nothing left to read (`rx_queue` 0).
fn read_by_server(server_port: u16, client_port: u16) -> bool {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
    let port_of = |address: &str| {
        address
            .rsplit(':')
            .next()
            .and_then(|p| u16::from_str_radix(p, 16).ok())
    };
    table.lines().skip(1).any(|line| {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        let f: Vec<&str> = line.split_whitespace().collect();
        f.len() > 9
            && port_of(f[1]) == Some(server_port)
            && port_of(f[2]) == Some(client_port)
            && f[4].ends_with(":00000000")
            && f[9] != "0"
    })
}

impl HeldRequest {
    async fn open(address: &str, token: &str, body: &Value) -> Self {
        let host = address.trim_start_matches("http://");
        let body = serde_json::to_vec(body).unwrap();
        let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
        let head = format!(
            "POST /v1/invitations HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let (first, rest) = body.split_at(body.len() / 2);
        stream.write_all(first).await.unwrap();
        stream.flush().await.unwrap();
        Self {
            stream,
            rest: rest.to_vec(),
        }
    }

    /// Sends the rest of the body; returns the response's status line and body.
    async fn finish(mut self) -> (String, String) {
        self.stream.write_all(&self.rest).await.unwrap();
        let mut response = String::new();
        self.stream.read_to_string(&mut response).await.unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        (
            head.lines().next().unwrap_or_default().to_owned(),
            body.to_owned(),
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_finishes_the_requests_in_flight_and_the_message_in_hand_then_exits_0() {
    let (_db, url) = TestDatabase::create();
    let sms = SmsGateway::start().await;
    let mut env = load::UNLIMITED.to_vec();
    env.extend([
        ("EXTRANET_OUTBOX_LEASE_SECONDS", "2"),
        ("EXTRANET_LOG_FORMAT", "json"),
    ]);
    let mut server = ServerProcess::start_with(&url, &sms.url, &env).await;
    let client = reqwest::Client::new();
    let (token, group) = load::account(&server, &client, None).await;

    // A text the worker is sending when SIGTERM comes: the gateway holds it two seconds.
    sms.answer_after(Duration::from_secs(2));
    let res = client
        .post(format!("{}/v1/invitations", server.address))
        .bearer_auth(&token)
        .json(&json!({"type": "extranet", "workgroup_id": group,
            "invitees": [{"phone": "+14155550199", "first_name": "In", "last_name": "Hand"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let deadline = Instant::now() + Duration::from_secs(15);
    while sms.arrivals() == 0 {
        assert!(Instant::now() < deadline, "the text was not sent");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Requests in flight, held open by the test (half of each body sent): one invitation,
    // and four batches of 100, whose work all happens after the signal.
    let mut held = vec![
        HeldRequest::open(
            &server.address,
            &token,
            &json!({"type": "extranet", "workgroup_id": group,
                "invitees": [{"email": "held@open.example", "first_name": "He", "last_name": "Ld"}]}),
        )
        .await,
    ];
    for b in 0..4 {
        let invitees: Vec<Value> = (0..100)
            .map(|i| json!({"email": format!("b{b}-{i}@batch.example"), "first_name": "Ba", "last_name": "Tch"}))
            .collect();
        let body = json!({"type": "extranet", "workgroup_id": group, "invitees": invitees});
        held.push(HeldRequest::open(&server.address, &token, &body).await);
    }
    // Taken by the server before the signal (connections still in the listen queue then are
    // reset with the listening socket, as anywhere).
    let server_port: u16 = server.address.rsplit(':').next().unwrap().parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    for h in &held {
        let client_port = h.stream.local_addr().unwrap().port();
        while !read_by_server(server_port, client_port) {
            assert!(
                Instant::now() < deadline,
                "the server did not take a held request"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    server.terminate();
    let signalled = Instant::now();

    // It stops accepting new connections.
    let host = server.address.trim_start_matches("http://").to_owned();
    let deadline = Instant::now() + Duration::from_secs(15);
    while tokio::net::TcpStream::connect(&host).await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "new connections were still accepted 15 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The held requests still get their whole answers.
    let in_flight = held.len();
    let answers: Vec<_> = held.into_iter().map(|h| tokio::spawn(h.finish())).collect();
    let mut invited = 0;
    for answer in answers {
        let (status_line, body) = answer.await.unwrap();
        assert!(status_line.contains(" 201 "), "{status_line}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        invited += body["results"].as_array().unwrap().len();
    }
    assert_eq!(invited, 401);
    let exit = server
        .exited_within(Duration::from_secs(15))
        .await
        .expect("the server did not exit within 15 s of SIGTERM");
    let took = signalled.elapsed();
    assert!(exit.success(), "exit status {exit:?}: {}", server.output());
    let output = server.output();
    let logged: Value = output
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["message"] == "shut down")
        .unwrap_or_else(|| panic!("no shutdown line: {output}"));
    let fields = &logged;
    assert_eq!(fields["workers_stopped"], true, "{logged}");
    assert!(
        fields["shutdown_ms"].as_u64().unwrap() <= 15_000,
        "{logged}"
    );

    // The text in hand was delivered once and marked sent: the next process, whose lease for
    // it would long have run out, does not send it again.
    assert_eq!(sms.wait_for("+14155550199", 1).await.len(), 1);
    sms.answer_after(Duration::ZERO);
    let next = ServerProcess::start_with(&url, &sms.url, &env).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let texts = sms.inbox.all();
    let in_hand: Vec<&Value> = texts.iter().filter(|m| m["to"] == "+14155550199").collect();
    assert_eq!(
        in_hand.len(),
        1,
        "the text in hand was sent again: {in_hand:?}"
    );
    let invitations = load::all_invitations(&next.address, &client, &token).await;
    let of_it = invitations
        .iter()
        .find(|i| i["phone"] == "+14155550199")
        .unwrap();
    assert_eq!(of_it["delivery"]["state"], "sent", "{of_it}");
    assert_eq!(invitations.len(), 1 + 1 + 400);
    eprintln!(
        "crash figures [{}]: SIGTERM with {in_flight} requests in flight (1 invitation and 4 batches \
         of 100, their bodies completed after the signal) and a text being delivered (the gateway \
         answering in 2 s): all answered 201, the text sent once and marked, exit 0 after {} ms; \
         the server logged: shutdown_ms={} requests_ms={}",
        backend(),
        took.as_millis(),
        fields["shutdown_ms"],
        fields["requests_ms"]
    );
}
