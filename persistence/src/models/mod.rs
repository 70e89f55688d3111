//! One module per table: its named row struct, the record it is read back as, and its finders
//! and writes. Use cases (the modules beside `models`) are built on these and never on each
//! other.

pub mod accounts;
pub mod identities;
pub mod invitations;
pub mod memberships;
pub mod users;
pub mod webhooks;
pub mod workgroups;
