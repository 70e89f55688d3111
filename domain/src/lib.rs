//! Extranet's domain: every rule of the product, pure and unit-tested. No I/O, no async, no
//! database or HTTP types, no clock: time is passed in.
//!
//! Where to find a rule of `docs/RULES.md` (numbered as there):
//! - rules 1 and 3 for new people, at the invite and again at every later step:
//!   [`invitation::may_send_batch`], [`invitation::may_send_invitation`] (resend, accept);
//! - rule 4, user limits: [`seats::Seats`];
//! - rule 6, logins: [`login`], [`sign_up::decide_admin_profile`]; nothing claims a login its
//!   owner has not proved: [`sign_up::decide_sign_up_confirmation`]; what an account knows its
//!   users by, and what it sees of someone it dismissed: [`known_logins`];
//! - rule 7, tokens: [`invitation::require_open`] (dead tokens are unknown, expired ones gone);
//! - rules 2–3, workgroups and who may add whom: [`workgroup`], [`membership`];
//! - rule 5, transitions: [`transfer`] (extranet → intranet; the way back refused, naming
//!   the ways out), [`login_change`] (a profile's new login, proved by a code);
//! - rule 8, dismissal blocks access: [`access::authorize_user`], [`dismissal`]; API tokens
//!   act as their creator within their scopes: [`api_token`];
//! - rule 9, sessions: [`session`] (rotation, reuse detection, how long they last); which
//!   sessions a password change or reset ends: [`password_reset::sessions_ended_by`];
//! - who may do what with the account and its users: [`access`];
//! - sending quotas (Security): [`sending`]; rule 11, nothing a stranger starts costs someone
//!   else: the budgets of codes ([`sending::code_counters`]), wrong codes that slow a guesser
//!   but never cancel ([`code_attempts`]), codes that carry no stranger's text
//!   ([`delivery::render_sign_up_code`], [`delivery::render_password_reset_code`]), a password
//!   reset that no later request or wrong guess cancels
//!   ([`password_reset::decide_password_reset_confirmation`]);
//! - rate limits (Security): leaky buckets per client address and per person's failed
//!   passwords, counted alike wherever they are stored: [`rate_limit`];
//! - webhooks: where they may be sent (SSRF), signed, retried, switched off: [`webhook`].

pub mod access;
pub mod access_days;
pub mod access_end;
pub mod access_review;
pub mod account;
pub mod api_token;
pub mod audit;
pub mod catalogue;
pub mod code_attempts;
pub mod delivery;
pub mod dismissal;
pub mod enums;
pub mod erasure;
pub mod error;
pub mod ids;
pub mod invitation;
pub mod join_link;
pub mod known_logins;
pub mod locale;
pub mod login;
pub mod login_change;
pub mod membership;
pub mod names;
#[cfg(feature = "openapi")]
mod openapi;
pub mod password;
pub mod password_reset;
pub mod personal_data;
pub mod plan;
pub mod rate_limit;
pub mod retention;
pub mod retry;
pub mod scope;
pub mod seats;
pub mod sending;
pub mod session;
pub mod sign_up;
pub mod transfer;
pub mod two_factor;
pub mod webhook;
pub mod workgroup;

pub use error::{DomainError, ErrorKind, FieldError};

#[cfg(test)]
mod seat_sequences;
#[cfg(test)]
mod value_properties;
