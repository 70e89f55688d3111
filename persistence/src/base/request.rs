//! The request a use case runs for: the HTTP layer sets it with [`in_request`] around the work
//! it hands to a blocking thread; [`crate::Database::write`] carries it over to the writer
//! thread; the audit trail records it with each event. And, the other way, what the work
//! queued — messages to send, webhook deliveries — so that once it commits each worker is woken
//! only when it has work.
//!
//! A request's id is text: the client's `X-Request-Id` when it gave a sensible one, a
//! generated UUID otherwise (the HTTP layer decides). Shared, so that handing it to another
//! thread copies a pointer, not the text.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

/// The id of a request, as its log line, its response and its audit events name it.
pub type RequestId = Arc<str>;

thread_local! {
    static REQUEST: RefCell<Option<RequestId>> = const { RefCell::new(None) };
    /// What the transaction running on this thread queued for the workers.
    static QUEUED: Cell<Queued> = const { Cell::new(Queued::NOTHING) };
}

/// What a transaction queued for the workers that run after the request: the outbox's messages
/// (emails, text messages) and webhook deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Queued {
    pub messages: bool,
    pub webhook_deliveries: bool,
}

impl Queued {
    pub const NOTHING: Self = Self {
        messages: false,
        webhook_deliveries: false,
    };
}

/// Notes that the current transaction queued messages to send: once it commits,
/// [`crate::Database::write`] tells whoever asked ([`crate::Database::on_messages`]).
pub(crate) fn note_messages() {
    QUEUED.with(|q| {
        q.set(Queued {
            messages: true,
            ..q.get()
        })
    });
}

/// Notes that the current transaction wrote webhook deliveries: once it commits,
/// [`crate::Database::write`] tells whoever asked ([`crate::Database::on_webhook_deliveries`]).
pub(crate) fn note_webhook_deliveries() {
    QUEUED.with(|q| {
        q.set(Queued {
            webhook_deliveries: true,
            ..q.get()
        })
    });
}

/// What was queued on this thread since the last call.
pub(crate) fn take_queued() -> Queued {
    QUEUED.with(|q| q.replace(Queued::NOTHING))
}

/// Runs `f` with `request` as the request whose events it records.
pub fn in_request<T>(request: Option<RequestId>, f: impl FnOnce() -> T) -> T {
    let before = REQUEST.with(|r| r.replace(request));
    let out = f();
    REQUEST.with(|r| r.replace(before));
    out
}

/// The request set by the innermost [`in_request`] on this thread.
pub fn current_request() -> Option<RequestId> {
    REQUEST.with(|r| r.borrow().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_innermost_request_is_current_and_the_outer_one_comes_back() {
        assert_eq!(current_request(), None);
        in_request(Some("outer".into()), || {
            in_request(Some("inner".into()), || {
                assert_eq!(current_request().as_deref(), Some("inner"));
            });
            assert_eq!(current_request().as_deref(), Some("outer"));
        });
        assert_eq!(current_request(), None);
    }
}
