//! Invitations of new people: sent as a batch (`batch`), read, listed, resent, revoked and
//! expired by the account (`lifecycle`), approved or rejected by an administrator when an
//! employee's wait for it (`approval`), and answered by the invitee from the link (`accept`).

pub mod accept;
pub mod approval;
pub mod batch;
pub mod lifecycle;
