//! Stopping cleanly: SIGTERM (or SIGINT) stops the server from accepting, lets the requests in
//! flight finish, then tells the delivery workers to stop — each finishes the messages in hand
//! and starts no new ones — and waits for them, within bounds.

use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tokio::sync::watch;

/// Told to the workers when they are to stop.
#[derive(Clone)]
pub struct Stopping(watch::Receiver<bool>);

/// What tells the workers to stop.
pub struct StopWorkers(watch::Sender<bool>);

impl Stopping {
    /// The signal, and what sends it.
    pub fn new() -> (StopWorkers, Self) {
        let (tx, rx) = watch::channel(false);
        (StopWorkers(tx), Self(rx))
    }

    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once the workers are to stop (never, if nobody can tell them any more).
    pub async fn wait(&self) {
        let mut rx = self.0.clone();
        if rx.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl StopWorkers {
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

/// When the process was told to stop (the first SIGTERM or SIGINT), once it was.
#[derive(Clone, Default)]
pub struct Signalled(Arc<OnceLock<Instant>>);

impl Signalled {
    pub fn at(&self) -> Option<Instant> {
        self.0.get().copied()
    }

    /// Resolves at the first SIGTERM or SIGINT (never where they cannot be listened to),
    /// noting when; the server then shuts down gracefully.
    pub async fn wait(self) {
        let name = receive().await;
        let _ = self.0.set(Instant::now());
        tracing::info!(
            signal = name,
            "stopping: no new connections; finishing the requests in flight, then the workers"
        );
    }
}

#[cfg(unix)]
async fn receive() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        },
        _ => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn receive() -> &'static str {
    match tokio::signal::ctrl_c().await {
        Ok(()) => "ctrl-c",
        Err(_) => std::future::pending().await,
    }
}
