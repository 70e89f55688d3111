//! Extranet's domain: every rule of the product, pure and unit-tested. No I/O, no async, no
//! database or HTTP types, no clock: time is passed in.
//!
//! Where to find a rule of DESIGN.md:
//! - rule 4, user limits: [`seats::Seats`];
//! - rule 6, logins: [`login`], [`sign_up::decide_admin_profile`];
//! - rules 2–3, workgroups and who may add whom: [`workgroup`], [`membership`];
//! - rule 8, dismissal blocks access: [`access::authorize_user`], [`dismissal`];
//! - who may do what with the account and its users: [`access`];
//! - sending quotas (Security): [`sending`].

pub mod access;
pub mod account;
pub mod delivery;
pub mod dismissal;
pub mod enums;
pub mod error;
pub mod ids;
pub mod invitation;
pub mod login;
pub mod membership;
pub mod names;
pub mod password;
pub mod plan;
pub mod seats;
pub mod sending;
pub mod sign_up;
pub mod workgroup;

pub use error::{DomainError, ErrorKind, FieldError};
