//! What integrators script with: API tokens and their scopes, idempotency keys, the audit log.

mod api_tokens;
mod audit_log;
mod idempotency;
mod token_scopes;
