//! How messages leave: printed as one JSON line on stdout (`console`, the default, so that
//! people running `make run` can follow links), over SMTP (lettre), or to an HTTP SMS gateway
//! (`POST {"id": "…", "to": "+1…", "text": "…"}`, the id also as `Idempotency-Key`).

use crate::config::{SmtpSecurity, Transport};
use crate::dev::DevInbox;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::json;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

/// A message ready to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The outbox row's id: the same on every attempt at this message, so that a receiver
    /// can drop a copy sent again after a crash (the `Message-ID` of an email, `id` of a text).
    pub id: uuid::Uuid,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The link the message carries, if any (printed beside the text on the console).
    pub link: Option<String>,
    /// The confirmation code the message carries, if any (likewise).
    pub code: Option<String>,
}

/// A message "sent" to the console: a line on stdout, and into the development inbox when
/// there is one.
fn to_console(channel: &'static str, m: &Outgoing, inbox: Option<&DevInbox>) -> Result<(), String> {
    print_line(channel, m)?;
    if let Some(inbox) = inbox {
        inbox.record(crate::dev::DevMessage {
            id: m.id,
            sent_at: chrono::DateTime::<chrono::Utc>::default(),
            channel,
            to: m.to.clone(),
            subject: m.subject.clone(),
            text: m.text.clone(),
            link: m.link.clone(),
            code: m.code.clone(),
        });
    }
    Ok(())
}

fn print_line(channel: &str, m: &Outgoing) -> Result<(), String> {
    let mut line =
        json!({"delivery": channel, "id": m.id, "to": m.to, "subject": m.subject, "text": m.text});
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
    /// Printed on stdout (and kept in the development inbox, when it is served).
    Console(Option<Arc<DevInbox>>),
    Smtp {
        mailer: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
}

impl EmailTransport {
    /// From lettre's connection URL: `smtp://host:port` (in clear, for a relay on this
    /// machine), `smtp://user:password@host:587?tls=required` (STARTTLS, refusing to send
    /// without it), `?tls=opportunistic`, or `smtps://user:password@host:465` (implicit TLS).
    /// Servers' certificates are checked against the web's root authorities (webpki-roots),
    /// plus `ca_file` (PEM) when given, for a relay with a certificate of a private authority.
    pub fn new(
        config: &Transport,
        from: &str,
        ca_file: Option<&str>,
        inbox: Option<Arc<DevInbox>>,
    ) -> Result<Self, String> {
        let Transport::Url(url) = config else {
            return Ok(Self::Console(inbox));
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("EXTRANET_EMAIL: {e}"))?;
        let security = SmtpSecurity::of(&parsed)?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("EXTRANET_EMAIL: {e}"))?
            .timeout(Some(Duration::from_secs(10)));
        if let Some(path) = ca_file {
            let pem = std::fs::read(path)
                .map_err(|e| format!("EXTRANET_EMAIL_CA_FILE: cannot read {path}: {e}"))?;
            let cert =
                Certificate::from_pem(&pem).map_err(|e| format!("EXTRANET_EMAIL_CA_FILE: {e}"))?;
            let host = parsed.host_str().unwrap_or_default().to_owned();
            let params = TlsParameters::builder(host)
                .add_root_certificate(cert)
                .build_rustls()
                .map_err(|e| format!("EXTRANET_EMAIL_CA_FILE: {e}"))?;
            builder = match security {
                SmtpSecurity::Plain => builder,
                SmtpSecurity::StartTlsRequired => builder.tls(Tls::Required(params)),
                SmtpSecurity::StartTlsOpportunistic => builder.tls(Tls::Opportunistic(params)),
                SmtpSecurity::Implicit => builder.tls(Tls::Wrapper(params)),
            };
        }
        let from = from
            .parse()
            .map_err(|e| format!("EXTRANET_EMAIL_FROM: {e}"))?;
        Ok(Self::Smtp {
            mailer: Box::new(builder.build()),
            from,
        })
    }

    pub async fn send(&self, m: &Outgoing) -> Result<(), String> {
        match self {
            Self::Console(inbox) => to_console("email", m, inbox.as_deref()),
            Self::Smtp { mailer, from } => {
                let to: Mailbox = m.to.parse().map_err(|e| format!("recipient: {e}"))?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(&m.subject)
                    .message_id(Some(message_id(m.id, from)))
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

/// An email's `Message-ID`: the outbox row's id at the sender's domain.
fn message_id(id: uuid::Uuid, from: &Mailbox) -> String {
    format!("<{id}@{}>", from.email.domain())
}

pub enum SmsTransport {
    /// Printed on stdout (and kept in the development inbox, when it is served).
    Console(Option<Arc<DevInbox>>),
    Gateway {
        client: reqwest::Client,
        url: String,
    },
}

impl SmsTransport {
    pub fn new(config: &Transport, inbox: Option<Arc<DevInbox>>) -> Result<Self, String> {
        match config {
            Transport::Console => Ok(Self::Console(inbox)),
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
            Self::Console(inbox) => to_console("sms", m, inbox.as_deref()),
            Self::Gateway { client, url } => {
                let res = client
                    .post(url)
                    .header("Idempotency-Key", m.id.to_string())
                    .json(&json!({"id": m.id, "to": m.to, "text": m.text}))
                    .send()
                    .await
                    // Without the URL: its path or query may carry the gateway's key, and errors are logged.
                    .map_err(|e| format!("SMS gateway unreachable: {}", e.without_url()))?;
                if res.status().is_success() {
                    Ok(())
                } else {
                    Err(format!("SMS gateway answered {}", res.status()))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unreachable_gateway_is_reported_without_its_credentials() {
        // Port 9 (discard) on this host: nothing listens, the connection is refused. reqwest
        // drops the userinfo itself, but a key in the path or query would stay: no URL at all.
        let url = "http://user:s3cret@127.0.0.1:9/send".to_owned();
        let sms = SmsTransport::new(&Transport::Url(url), None).unwrap();
        let error = sms
            .send(&Outgoing {
                id: uuid::Uuid::nil(),
                to: "+14155550101".into(),
                subject: String::new(),
                text: "hi".into(),
                link: None,
                code: None,
            })
            .await
            .unwrap_err();
        assert!(error.starts_with("SMS gateway unreachable"), "{error}");
        assert!(
            !error.contains("s3cret") && !error.contains("127.0.0.1"),
            "{error}"
        );
    }
}
