//! How messages leave: printed as one JSON line on stdout (`console`, the default, so that
//! people running `make run` can follow links), over SMTP (lettre), or to an HTTP SMS gateway
//! (`POST {"to": "+1…", "text": "…"}`).

use crate::config::Transport;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::json;
use std::io::Write;
use std::time::Duration;

/// A message ready to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The link the message carries, if any (printed beside the text on the console).
    pub link: Option<String>,
    /// The confirmation code the message carries, if any (likewise).
    pub code: Option<String>,
}

fn print_line(channel: &str, m: &Outgoing) -> Result<(), String> {
    let mut line = json!({"delivery": channel, "to": m.to, "subject": m.subject, "text": m.text});
    if let Some(link) = &m.link {
        line["link"] = json!(link);
    }
    if let Some(code) = &m.code {
        line["code"] = json!(code);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())
}

pub enum EmailTransport {
    Console,
    Smtp {
        mailer: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
}

impl EmailTransport {
    /// `smtp://host:port` (plain SMTP, as to a local relay).
    pub fn new(config: &Transport, from: &str) -> Result<Self, String> {
        match config {
            Transport::Console => Ok(Self::Console),
            Transport::Url(url) => {
                let rest = url.trim_start_matches("smtp://").trim_end_matches('/');
                let (host, port) = match rest.rsplit_once(':') {
                    Some((h, p)) => (
                        h,
                        p.parse::<u16>()
                            .map_err(|_| format!("EXTRANET_EMAIL: bad port in {url}"))?,
                    ),
                    None => (rest, 25),
                };
                let mailer = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                    .port(port)
                    .timeout(Some(Duration::from_secs(10)))
                    .build();
                let from = from
                    .parse()
                    .map_err(|e| format!("EXTRANET_EMAIL_FROM: {e}"))?;
                Ok(Self::Smtp { mailer, from })
            }
        }
    }

    pub async fn send(&self, m: &Outgoing) -> Result<(), String> {
        match self {
            Self::Console => print_line("email", m),
            Self::Smtp { mailer, from } => {
                let to: Mailbox = m.to.parse().map_err(|e| format!("recipient: {e}"))?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(&m.subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(m.text.clone())
                    .map_err(|e| e.to_string())?;
                mailer
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        }
    }
}

pub enum SmsTransport {
    Console,
    Gateway {
        client: reqwest::Client,
        url: String,
    },
}

impl SmsTransport {
    pub fn new(config: &Transport) -> Result<Self, String> {
        match config {
            Transport::Console => Ok(Self::Console),
            Transport::Url(url) => Ok(Self::Gateway {
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .map_err(|e| e.to_string())?,
                url: url.clone(),
            }),
        }
    }

    pub async fn send(&self, m: &Outgoing) -> Result<(), String> {
        match self {
            Self::Console => print_line("sms", m),
            Self::Gateway { client, url } => {
                let res = client
                    .post(url)
                    .json(&json!({"to": m.to, "text": m.text}))
                    .send()
                    .await
                    .map_err(|e| format!("SMS gateway unreachable: {e}"))?;
                if res.status().is_success() {
                    Ok(())
                } else {
                    Err(format!("SMS gateway answered {}", res.status()))
                }
            }
        }
    }
}
