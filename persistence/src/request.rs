//! The request a use case runs for: the HTTP layer sets it with [`in_request`] around the work
//! it hands to a blocking thread; [`crate::Database::write`] carries it over to the writer
//! thread; the audit trail records it with each event. And, the other way, whether the work
//! wrote webhook deliveries, so that the webhook worker is woken only when it has work.

use std::cell::Cell;
use uuid::Uuid;

thread_local! {
    static REQUEST: Cell<Option<Uuid>> = const { Cell::new(None) };
    /// Whether the transaction running on this thread wrote webhook deliveries.
    static DELIVERIES: Cell<bool> = const { Cell::new(false) };
}

/// Notes that the current transaction wrote webhook deliveries: once it commits,
/// [`crate::Database::write`] tells whoever asked ([`crate::Database::on_webhook_deliveries`]).
pub(crate) fn note_webhook_deliveries() {
    DELIVERIES.with(|d| d.set(true));
}

/// Whether webhook deliveries were written on this thread since the last call.
pub(crate) fn take_webhook_deliveries() -> bool {
    DELIVERIES.with(|d| d.replace(false))
}

/// Runs `f` with `request` as the request whose events it records.
pub fn in_request<T>(request: Option<Uuid>, f: impl FnOnce() -> T) -> T {
    let before = REQUEST.with(|r| r.replace(request));
    let out = f();
    REQUEST.with(|r| r.set(before));
    out
}

/// The request set by the innermost [`in_request`] on this thread.
pub fn current_request() -> Option<Uuid> {
    REQUEST.with(Cell::get)
}
