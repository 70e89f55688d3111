//! Invitations of new people: sent as a batch (`batch`), read, listed, resent, revoked and
//! expired by the account (`lifecycle`), and answered by the invitee from the link (`accept`).

pub mod accept;
pub mod batch;
pub mod lifecycle;
