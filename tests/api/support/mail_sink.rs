//! A real SMTP server inside the test process, on the test's tokio runtime: the same inbox as
//! `SmtpServer` (tests/support/smtp_sink.py) without a Python child process. Plain SMTP, no TLS,
//! no AUTH: what lettre's `builder_dangerous(host).port(port)` speaks. Messages are parsed with
//! `mail-parser` and pushed as `{"from", "to", "subject", "body", "message_id"}`, as smtp_sink.py
//! prints them.
//!
//! The server runs on the test's runtime, so it answers only while the test awaits something.

use crate::support::delivery_peers::Inbox;
use mail_parser::{Message as Parsed, MessageParser, MimeHeaders, PartType};
use serde_json::{json, Value};
use std::io;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// An SMTP server on loopback, in the test process.
pub struct MailSink {
    pub port: u16,
    pub inbox: Inbox,
}

impl MailSink {
    /// Listens on 127.0.0.1 (a free port) and serves each connection in a task of its own.
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// As [`MailSink::start`], on `port` (0: a free one): a test can make the server's mail
    /// fail first and come through later.
    pub async fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let inbox = Inbox::default();
        let sink = inbox.clone();
        tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        let sink = sink.clone();
                        tokio::spawn(async move {
                            // A client that goes away mid-dialogue is no concern of the tests.
                            let _ = session(stream, sink).await;
                        });
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                }
            }
        });
        Self { port, inbox }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages to `to`, once `count` have arrived.
    pub async fn wait_for(&self, to: &str, count: usize) -> Vec<Value> {
        self.inbox.wait_for_recipient(to, count).await
    }
}

/// One SMTP connection: any number of transactions, until QUIT or the client hangs up.
async fn session(stream: TcpStream, inbox: Inbox) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut conn = BufReader::new(stream);
    reply(&mut conn, "220 127.0.0.1 ESMTP mail sink").await?;
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if conn.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line);
        let command = text.trim_end_matches(['\r', '\n']);
        let (verb, arg) = command.split_once(' ').unwrap_or((command, ""));
        let answer = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                (from, to) = (None, Vec::new());
                "250-127.0.0.1\r\n250-8BITMIME\r\n250 SMTPUTF8"
            }
            "HELO" => {
                (from, to) = (None, Vec::new());
                "250 127.0.0.1"
            }
            "MAIL" => match path(arg, "FROM:") {
                _ if from.is_some() => "503 5.5.1 Error: nested MAIL command",
                Some(address) => {
                    (from, to) = (Some(address), Vec::new());
                    "250 OK"
                }
                None => "501 5.5.4 Syntax: MAIL FROM:<address>",
            },
            "RCPT" => match path(arg, "TO:") {
                _ if from.is_none() => "503 5.5.1 Error: need MAIL command",
                Some(address) if !address.is_empty() => {
                    to.push(address);
                    "250 OK"
                }
                _ => "501 5.5.4 Syntax: RCPT TO:<address>",
            },
            "DATA" if to.is_empty() => "503 5.5.1 Error: need RCPT command",
            "DATA" => {
                reply(&mut conn, "354 End data with <CR><LF>.<CR><LF>").await?;
                let content = read_data(&mut conn).await?;
                let from = from.take().unwrap_or_default();
                inbox.push(received(from, std::mem::take(&mut to), &content));
                "250 OK"
            }
            "RSET" => {
                (from, to) = (None, Vec::new());
                "250 OK"
            }
            "NOOP" => "250 OK",
            "QUIT" => {
                reply(&mut conn, "221 Bye").await?;
                return conn.get_mut().shutdown().await;
            }
            _ => "502 5.5.2 Error: command not recognized",
        };
        reply(&mut conn, answer).await?;
    }
}

/// One reply, in one write (two small writes would meet Nagle and delayed ACKs: 40 ms each).
async fn reply(conn: &mut BufReader<TcpStream>, answer: &str) -> io::Result<()> {
    conn.get_mut()
        .write_all(format!("{answer}\r\n").as_bytes())
        .await
}

/// The address in `FROM:<address> [parameters]` (or `TO:…`), without its angle brackets;
/// `None` when `arg` does not start with `keyword`.
fn path(arg: &str, keyword: &str) -> Option<String> {
    let arg = arg.trim_start();
    let head = arg.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = arg[keyword.len()..].trim_start();
    match rest.strip_prefix('<') {
        Some(inner) => inner.split_once('>').map(|(address, _)| address.to_owned()),
        None => rest.split_whitespace().next().map(str::to_owned),
    }
}

/// The message after `354`: every line up to the one holding a single `.`, dot-stuffing undone,
/// line endings kept (the content aiosmtpd hands to smtp_sink.py).
async fn read_data(conn: &mut BufReader<TcpStream>) -> io::Result<Vec<u8>> {
    let mut content = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if conn.read_until(b'\n', &mut line).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(content);
        }
        content.extend_from_slice(line.strip_prefix(b".").unwrap_or(&line));
    }
}

/// The inbox entry for a message: envelope addresses, decoded subject, text/plain body, and
/// the `Message-ID` without its angle brackets (null when the message has none).
fn received(from: String, to: Vec<String>, content: &[u8]) -> Value {
    let message = MessageParser::default().parse(content);
    let subject = message.as_ref().and_then(Parsed::subject).unwrap_or("");
    let body = message.as_ref().and_then(plain_body).unwrap_or_default();
    let id = message.as_ref().and_then(Parsed::message_id);
    json!({"from": from, "to": to, "subject": subject, "body": body, "message_id": id})
}

/// The first text/plain body part, decoded (7bit, 8bit, quoted-printable or base64; any
/// charset), as Python's `get_body(preferencelist=("plain",)).get_content()` gives it.
fn plain_body(message: &Parsed) -> Option<String> {
    message.text_body.iter().find_map(|&id| {
        let part = message.part(id)?;
        let plain = part.content_type().is_none_or(|t| {
            t.ctype().eq_ignore_ascii_case("text")
                && t.subtype().is_some_and(|s| s.eq_ignore_ascii_case("plain"))
        });
        match &part.body {
            PartType::Text(text) if plain => Some(text.to_string()),
            _ => None,
        }
    })
}

#[tokio::test]
async fn the_mail_sink_receives_what_lettre_sends() {
    use crate::support::delivery_peers::token_in;
    use lettre::transport::smtp::client::AsyncSmtpConnection;
    use lettre::transport::smtp::extension::ClientId;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

    let sink = MailSink::start().await;
    assert_eq!(sink.url(), format!("smtp://127.0.0.1:{}", sink.port));

    let from = "Extranet <noreply@extranet.example>";
    // ASCII, short lines: 7bit, with lines that need dot-stuffing.
    let plain_text = "Hello Ann,\n.\n..two dots\n.one dot\nSee you soon.\n";
    let plain = Message::builder()
        .message_id(Some("<plain-1@extranet.example>".into()))
        .from(from.parse().unwrap())
        .to("Ann <ann@client.example>".parse().unwrap())
        .subject("Your invitation")
        .body(plain_text.to_owned())
        .unwrap();
    // Non-ASCII subject and body, a line longer than 80 characters: encoded-words in the
    // subject, quoted-printable or base64 in the body.
    let link = "http://127.0.0.1:8080/accept#token=abc_DEF-123";
    let accented_text = format!(
        "Bonjour Zoë,\n\nVotre invitation au café « Extranet » vous attend ; suivez ce lien \
         pour l'accepter : {link}\n\n— L'équipe\n"
    );
    let accented = Message::builder()
        .from(from.parse().unwrap())
        .to("zoe@client.example".parse().unwrap())
        .cc("bo@client.example".parse().unwrap())
        .subject("Zoë — café")
        .body(accented_text.clone())
        .unwrap();

    // As the server sends: one transport, two messages.
    let mailer = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(sink.port)
        .timeout(Some(Duration::from_secs(10)))
        .build();
    mailer.send(plain.clone()).await.unwrap();
    mailer.send(accented.clone()).await.unwrap();

    // lettre writes CRLF line endings, and one more CRLF before the final `.`: the body comes
    // back decoded with both, as smtp_sink.py (aiosmtpd and Python's email) gives it.
    let crlf = |s: &str| s.replace('\n', "\r\n") + "\r\n";
    let ann = sink.wait_for("ann@client.example", 1).await;
    assert_eq!(ann.len(), 1, "{ann:?}");
    assert_eq!(
        ann[0],
        json!({
            "from": "noreply@extranet.example",
            "to": ["ann@client.example"],
            "subject": "Your invitation",
            "body": crlf(plain_text),
            "message_id": "plain-1@extranet.example",
        })
    );
    let zoe = sink.wait_for("zoe@client.example", 1).await;
    assert_eq!(zoe.len(), 1, "{zoe:?}");
    assert_eq!(
        zoe[0]["to"],
        json!(["zoe@client.example", "bo@client.example"])
    );
    assert_eq!(zoe[0]["from"], "noreply@extranet.example");
    assert_eq!(zoe[0]["subject"], "Zoë — café");
    let body = zoe[0]["body"].as_str().unwrap();
    assert_eq!(body, crlf(&accented_text));
    assert_eq!(token_in(body), "abc_DEF-123");

    // Several transactions on one connection (as a pooled transport would reuse it).
    let mut conn = AsyncSmtpConnection::connect_tokio1(
        ("127.0.0.1", sink.port),
        Some(Duration::from_secs(10)),
        &ClientId::default(),
        None,
        None,
    )
    .await
    .unwrap();
    for message in [&plain, &accented] {
        conn.send(message.envelope(), &message.formatted())
            .await
            .unwrap();
        assert!(conn.test_connected().await);
    }
    conn.quit().await.unwrap();
    let again = sink.wait_for("ann@client.example", 2).await;
    assert_eq!(again[1], ann[0]);
    let again = sink.wait_for("bo@client.example", 2).await;
    assert_eq!(again[1], zoe[0]);
    assert_eq!(sink.inbox.all().len(), 4);
}
