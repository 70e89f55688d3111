//! The command's requests: a bearer token on each, retried when the server asks to wait
//! (429 or 503 with `Retry-After`), when it failed (5xx) or could not be reached — every retry
//! with the same `Idempotency-Key`, so a batch the server already created is answered again,
//! never created twice.

use super::rows::Problem;
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;

/// Waits the command accepts from `Retry-After`, and tries it makes.
const LONGEST_WAIT: Duration = Duration::from_secs(300);
const TRIES_WHEN_TOLD_TO_WAIT: u32 = 30;
const TRIES_WHEN_FAILING: u32 = 6;

pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

/// A server's answer: its status and its JSON body (`Null` when it had none).
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

impl Answer {
    /// The problem the answer describes (`code`, `detail`), for any status but a success.
    pub fn problem(&self) -> Problem {
        let text = |key: &str| self.body[key].as_str().map(str::to_owned);
        Problem {
            code: text("code").unwrap_or_else(|| format!("http_{}", self.status.as_u16())),
            detail: text("detail")
                .or_else(|| text("title"))
                .unwrap_or_else(|| self.status.to_string()),
        }
    }
}

impl Client {
    pub fn new(base: &str, token: &str) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("extranet-invite/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
        })
    }

    /// `GET path`, retried like a batch.
    pub async fn get(&self, path: &str) -> Result<Answer, Problem> {
        self.send(|| self.http.get(format!("{}{path}", self.base)))
            .await
    }

    /// `POST path` with `body` and, when given, an `Idempotency-Key`.
    pub async fn post(
        &self,
        path: &str,
        body: &Value,
        key: Option<&str>,
    ) -> Result<Answer, Problem> {
        self.send(|| {
            let request = self.http.post(format!("{}{path}", self.base)).json(body);
            match key {
                Some(key) => request.header("idempotency-key", key),
                None => request,
            }
        })
        .await
    }

    async fn send(&self, request: impl Fn() -> reqwest::RequestBuilder) -> Result<Answer, Problem> {
        let (mut told_to_wait, mut failed) = (0, 0);
        loop {
            let outcome = request().bearer_auth(&self.token).send().await;
            let wait = match outcome {
                Ok(res) => {
                    let status = res.status();
                    let retry_after = res
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok());
                    let body = res.json::<Value>().await.unwrap_or(Value::Null);
                    let answer = Answer { status, body };
                    let waiting = matches!(
                        status,
                        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
                    );
                    if waiting && told_to_wait + 1 < TRIES_WHEN_TOLD_TO_WAIT {
                        told_to_wait += 1;
                        Duration::from_secs(retry_after.unwrap_or(1)).min(LONGEST_WAIT)
                    } else if status.is_server_error()
                        && !waiting
                        && failed + 1 < TRIES_WHEN_FAILING
                    {
                        failed += 1;
                        backoff(failed)
                    } else {
                        return Ok(answer);
                    }
                }
                Err(error) if failed + 1 < TRIES_WHEN_FAILING => {
                    failed += 1;
                    eprintln!("extranet invite: {error}; trying again");
                    backoff(failed)
                }
                Err(error) => {
                    return Err(Problem::new(
                        "unreachable",
                        format!("{}: {error}", self.base),
                    ))
                }
            };
            tokio::time::sleep(wait).await;
        }
    }
}

/// 1 s, 2 s, 4 s, … at most 30 s.
fn backoff(failures: u32) -> Duration {
    Duration::from_secs(1u64 << failures.min(5)).min(Duration::from_secs(30))
}
