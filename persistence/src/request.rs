//! The request a use case runs for: the HTTP layer sets it with [`in_request`] around the work
//! it hands to a blocking thread; [`crate::Database::write`] carries it over to the writer
//! thread; the audit trail records it with each event.

use std::cell::Cell;
use uuid::Uuid;

thread_local! {
    static REQUEST: Cell<Option<Uuid>> = const { Cell::new(None) };
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
