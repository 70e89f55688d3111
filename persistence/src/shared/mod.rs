//! The shared floor: writes several use cases make alike, each written once — the account's
//! write transaction (`tx`), the seat ledger, the audit trail and the webhook events it
//! becomes, asking an existing user into a workgroup, a new workgroup with its owner, and switching a
//! webhook off.

pub(crate) mod access_ends;
pub(crate) mod access_reviews;
pub mod audit;
pub(crate) mod event_resources;
pub mod events;
pub(crate) mod joining;
pub mod ledger;
pub(crate) mod membership_invitation;
pub(crate) mod new_workgroup;
pub(crate) mod sent_again;
pub(crate) mod tx;
pub(crate) mod webhook_switch_off;
