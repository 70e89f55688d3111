//! Retention (issue #32): what outlived its period is gone after the upkeep — message bodies
//! (the delivery state stays), webhook deliveries, idempotency keys, dead codes, ended
//! sessions, old audit events —, what has not is kept, a period of 0 keeps forever, and
//! `/metrics` counts what went. The clock moves; the upkeep runs as the minute's tick would.

mod messages;
mod records;
mod support;
