//! Retention (issue #32): what outlived its period is gone after the upkeep — message bodies
//! (the delivery state stays), webhook deliveries (paused ones once they could never be sent),
//! idempotency keys, dead codes, decided join requests, old counters, ended sessions, dead API
//! tokens, closed access reviews, old audit events —, what has not is kept, a period of 0
//! keeps forever, and `/metrics` counts what went. The clock moves; the upkeep runs as the
//! minute's tick would.

mod counters;
mod decisions;
mod deliveries;
mod messages;
mod records;
mod support;
mod tokens;
