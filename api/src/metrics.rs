//! Metrics for Prometheus, served by `GET /metrics` in the text format 0.0.4: requests by
//! method, route pattern and status and their durations (recorded by [`record`], a middleware
//! around every request), delivery attempts by channel and outcome (told by the delivery
//! workers), the reminders that access ends by reminder and outcome and the rows the retention
//! sweep removed by what (told by the upkeep); and, read from the database at scrape time (`persistence::metrics`), the outbox's
//! backlog and failures by channel and the seats held and allowed by plan.
//!
//! Labels are bounded: a route is its pattern (`/v1/invitations/{id}`), never the path, and a
//! request that matched no route is `unmatched`; methods outside the usual few are `other`.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::Error;
use domain::access_end::reminders::Reminder;
use domain::enums::Channel;
use persistence::access_reminders::Reminded;
use persistence::metrics::Snapshot;
use persistence::retention::Swept;
use prometheus_client::encoding::{prometheus_text, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The `Content-Type` of the text format 0.0.4.
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// Upper bounds of the request duration buckets, in seconds: a fast API's, 0.5 ms to 5 s.
const DURATION_BUCKETS: [f64; 13] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The route label of a request that matched no route.
const UNMATCHED: &str = "unmatched";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: Cow<'static, str>,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: Cow<'static, str>,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    channel: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReminderLabels {
    reminder: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RetentionLabels {
    what: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelLabels {
    channel: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PlanLabels {
    plan: String,
}

type DurationFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn duration_histogram() -> Histogram {
    Histogram::new(DURATION_BUCKETS)
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Sent,
    /// Failed; it will be tried again.
    Retry,
    /// Failed for the last time.
    GivenUp,
}

impl DeliveryOutcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Retry => "retry",
            Self::GivenUp => "given_up",
        }
    }
}

/// The process's metrics; a clone shares them.
#[derive(Clone)]
pub struct Metrics(Arc<Recorded>);

struct Recorded {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: DurationFamily,
    deliveries: Family<DeliveryLabels, Counter>,
    reminders: Family<ReminderLabels, Counter>,
    retention: Family<RetentionLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        // Counters are named without `_total`: the encoder adds it.
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route pattern and status",
            requests.clone(),
        );
        let durations: DurationFamily = Family::new_with_constructor(duration_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its response, by method and route pattern",
            durations.clone(),
        );
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "extranet_delivery_attempts",
            "Attempts to deliver a message (email, sms) or a webhook, by outcome: sent, retry \
             (failed, to be tried again) or given_up",
            deliveries.clone(),
        );
        let reminders = Family::<ReminderLabels, Counter>::default();
        registry.register(
            "extranet_access_reminders",
            "Reminders that an external user's access ends (to the user or its inviter), by \
             reminder (seven_days, one_day) and outcome: queued, or held_back by a sending \
             quota (tried again at the next upkeep)",
            reminders.clone(),
        );
        let retention = Family::<RetentionLabels, Counter>::default();
        registry.register(
            "extranet_retention_erased",
            "Rows the retention sweep erased (message bodies) or deleted (the rest) for having \
             outlived their period, by what: message_bodies, webhook_deliveries, \
             idempotency_keys, sign_ups, password_resets, join_requests, \
             decided_join_requests, login_changes, erasure_codes, sending_counters, code_attempts, \
             sessions, api_tokens, access_reviews, audit_events",
            retention.clone(),
        );
        Self(Arc::new(Recorded {
            registry,
            requests,
            durations,
            deliveries,
            reminders,
            retention,
        }))
    }

    /// Counts a request and its duration; `route` is its pattern, `None` when none matched.
    fn record_request(
        &self,
        method: &'static str,
        route: Option<String>,
        status: u16,
        took: Duration,
    ) {
        // The pattern's text moves from one label set to the other: no copy per request.
        let labels = RouteLabels {
            method,
            route: route.map_or(Cow::Borrowed(UNMATCHED), Cow::Owned),
        };
        self.0
            .durations
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
        let RouteLabels { method, route } = labels;
        self.0
            .requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status,
            })
            .inc();
    }

    /// Counts a delivery attempt.
    pub fn record_delivery(&self, channel: Channel, outcome: DeliveryOutcome) {
        self.0
            .deliveries
            .get_or_create(&DeliveryLabels {
                channel: channel.as_str(),
                outcome: outcome.as_str(),
            })
            .inc();
    }

    /// Counts what an upkeep's reminders did.
    pub fn record_reminders(&self, reminded: &Reminded) {
        for (outcome, counts) in [
            ("queued", reminded.queued),
            ("held_back", reminded.held_back),
        ] {
            for (reminder, n) in [
                (Reminder::SevenDays, counts.seven_days),
                (Reminder::OneDay, counts.one_day),
            ] {
                self.0
                    .reminders
                    .get_or_create(&ReminderLabels {
                        reminder: reminder.as_str(),
                        outcome,
                    })
                    .inc_by(u64::from(n));
            }
        }
    }

    /// Counts what an upkeep's retention sweep removed.
    pub fn record_retention(&self, swept: &Swept) {
        for (kind, n) in swept.by_kind() {
            self.0
                .retention
                .get_or_create(&RetentionLabels {
                    what: kind.as_str(),
                })
                .inc_by(u64::try_from(n).unwrap_or(u64::MAX));
        }
    }

    /// The text format 0.0.4 of everything recorded, and of `database` (the figures read at
    /// this scrape) when it could be read.
    pub fn encode(&self, database: Option<&Snapshot>) -> Result<String, std::fmt::Error> {
        let mut text = String::with_capacity(16 * 1024);
        prometheus_text::encode(&mut text, &self.0.registry)?;
        if let Some(snapshot) = database {
            prometheus_text::encode(&mut text, &database_registry(snapshot))?;
        }
        Ok(text)
    }
}

/// The figures read from the database, as gauges of a registry made for one scrape.
fn database_registry(snapshot: &Snapshot) -> Registry {
    let mut registry = Registry::default();
    let pending = Family::<ChannelLabels, Gauge>::default();
    let failed = Family::<ChannelLabels, Gauge>::default();
    for row in &snapshot.outbox {
        let labels = ChannelLabels {
            channel: row.channel.as_str(),
        };
        pending.get_or_create(&labels).set(gauge(row.pending));
        failed.get_or_create(&labels).set(gauge(row.failed));
    }
    registry.register(
        "extranet_outbox_pending",
        "Messages waiting to be sent (first tries and retries), by channel",
        pending,
    );
    registry.register(
        "extranet_outbox_failed",
        "Messages given up, by channel",
        failed,
    );
    let accounts = Family::<PlanLabels, Gauge>::default();
    let used = Family::<PlanLabels, Gauge>::default();
    let limit = Family::<PlanLabels, Gauge>::default();
    for row in &snapshot.plans {
        let labels = PlanLabels {
            plan: row.plan.clone(),
        };
        accounts.get_or_create(&labels).set(gauge(row.accounts));
        used.get_or_create(&labels).set(gauge(row.used));
        if let Some(seats) = row.limit {
            limit.get_or_create(&labels).set(gauge(seats));
        }
    }
    registry.register("extranet_accounts", "Accounts, by plan", accounts);
    registry.register(
        "extranet_seats_used",
        "Seats held (active users of both types and pending invitations), summed over the \
         accounts of each plan",
        used,
    );
    registry.register(
        "extranet_seats_limit",
        "Seats allowed, summed over the accounts of each plan that has a user limit (plans \
         without one have no series)",
        limit,
    );
    registry
}

fn gauge(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A bounded method label.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Middleware: counts every request by method, route pattern and status, and observes its
/// duration. Per request: the pattern's text (actix builds it) and two label lookups.
pub fn record<S, B>(
    metrics: Metrics,
    req: ServiceRequest,
    srv: &S,
) -> impl Future<Output = Result<ServiceResponse<B>, Error>> + 'static
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
    B: MessageBody,
{
    let started = Instant::now();
    let method = method_label(req.method());
    // (Not a clone of the request to read its pattern later: routing needs it unshared.)
    let response = srv.call(req);
    async move {
        let outcome = response.await;
        let (status, route) = match &outcome {
            Ok(res) => (res.status(), res.request().match_pattern()),
            // An error no handler turned into a response (none of this server's middleware
            // makes one): its request is gone with it.
            Err(e) => (e.as_response_error().status_code(), None),
        };
        metrics.record_request(method, route, status.as_u16(), started.elapsed());
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use persistence::metrics::{ChannelBacklog, PlanSeats};

    #[test]
    fn the_text_names_routes_by_pattern_and_counters_end_in_total() {
        let metrics = Metrics::new();
        let method = method_label(&Method::POST);
        metrics.record_request(
            method,
            Some("/v1/invitations".into()),
            201,
            Duration::from_millis(3),
        );
        metrics.record_request(
            method_label(&Method::from_bytes(b"BREW").unwrap_or(Method::GET)),
            None,
            404,
            Duration::from_micros(200),
        );
        metrics.record_delivery(Channel::Email, DeliveryOutcome::Sent);
        let snapshot = Snapshot {
            outbox: vec![ChannelBacklog {
                channel: Channel::Sms,
                pending: 2,
                failed: 1,
            }],
            plans: vec![
                PlanSeats {
                    plan: "basic".into(),
                    accounts: 2,
                    used: 3,
                    limit: Some(10),
                },
                PlanSeats {
                    plan: "free".into(),
                    accounts: 1,
                    used: 4,
                    limit: None,
                },
            ],
        };
        let text = metrics.encode(Some(&snapshot)).unwrap_or_default();
        for line in [
            "# TYPE http_requests_total counter",
            r#"http_requests_total{method="POST",route="/v1/invitations",status="201"} 1"#,
            r#"http_requests_total{method="other",route="unmatched",status="404"} 1"#,
            "# TYPE http_request_duration_seconds histogram",
            r#"http_request_duration_seconds_bucket{method="POST",route="/v1/invitations",le="0.0025"} 0"#,
            r#"http_request_duration_seconds_bucket{method="POST",route="/v1/invitations",le="0.005"} 1"#,
            r#"http_request_duration_seconds_bucket{method="POST",route="/v1/invitations",le="+Inf"} 1"#,
            r#"extranet_delivery_attempts_total{channel="email",outcome="sent"} 1"#,
            r#"extranet_outbox_pending{channel="sms"} 2"#,
            r#"extranet_outbox_failed{channel="sms"} 1"#,
            r#"extranet_seats_used{plan="free"} 4"#,
            r#"extranet_seats_limit{plan="basic"} 10"#,
            r#"extranet_accounts{plan="basic"} 2"#,
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        assert!(
            !text.contains(r#"extranet_seats_limit{plan="free"}"#),
            "{text}"
        );
        assert!(!text.contains("# EOF"), "0.0.4 has no EOF marker");
    }
}
