//! The upkeep the server does every minute, from its clock: the rate buckets, expired
//! invitations and ended access (issue #30) recorded, the reminders that access ends sent
//! (those a sending quota held back are tried again at the next run), and the retention sweep
//! (issue #32: message bodies, webhook deliveries, idempotency keys, dead codes, decided join
//! requests, old counters, ended sessions, dead API tokens, closed access reviews and old
//! audit events, in batches, `persistence::retention`).

use crate::state::AppState;
use actix_web::web;

/// Runs the upkeep once (what each minute's tick does); what failed, if anything did (logged).
pub async fn run_once(state: &web::Data<AppState>) -> Result<(), String> {
    let db = state.db.clone();
    let now = state.clock.now();
    let buckets = state.limits.buckets();
    let quotas = state.account_limits.quotas;
    let retention = state.retention;
    let swept = crate::blocking::run(move || {
        buckets.sweep(now)?;
        let expired = persistence::lifecycle::sweep_expired(&db, now)?;
        let reminded = persistence::access_reminders::send_due(&db, &quotas, now)?;
        let swept = persistence::retention::sweep(&db, &retention, now)?;
        Ok::<_, persistence::StoreError>((expired, reminded, swept))
    })
    .await;
    match swept {
        Ok(Ok((expired, reminded, swept))) => {
            state.metrics.record_reminders(&reminded);
            state.metrics.record_retention(&swept);
            if !swept.finished {
                tracing::info!(
                    removed = swept.total(),
                    "retention sweep out of time: the next upkeep goes on"
                );
            }
            tracing::debug!(
                expired,
                retained_away = swept.total(),
                reminders = reminded.queued.total(),
                reminders_held_back = reminded.held_back.total(),
                "upkeep done"
            );
            Ok(())
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "upkeep failed");
            Err(e.to_string())
        }
        Err(e) => {
            tracing::warn!(error = %e, "upkeep failed");
            Err(e.to_string())
        }
    }
}

/// A handle on a running server's upkeep ([`crate::startup::Application::upkeep`]).
#[derive(Clone)]
pub struct Upkeep {
    state: web::Data<AppState>,
}

impl Upkeep {
    pub(crate) fn new(state: web::Data<AppState>) -> Self {
        Self { state }
    }

    /// Runs it once, now, by the server's clock.
    pub async fn run_once(&self) -> Result<(), String> {
        run_once(&self.state).await
    }
}
