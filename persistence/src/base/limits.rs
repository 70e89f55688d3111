//! The limits an account's writes are decided against that come from the server's
//! configuration, not from the account: the plans' user limits, the sending quotas, and how
//! often a pending invitation may be resent.

use domain::plan::Plans;
use domain::sending::SendingQuotas;

#[derive(Debug, Clone)]
pub struct Limits {
    pub plans: Plans,
    pub quotas: SendingQuotas,
    /// A pending invitation is resent at most once per this many seconds.
    pub resend_interval_seconds: u32,
}
