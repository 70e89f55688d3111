//! What integrators script with: API tokens and their scopes, idempotency keys, the audit log,
//! the `extranet invite` command.

mod api_tokens;
mod audit_log;
mod idempotency;
mod invite_cli;
mod token_scopes;
