//! Inviting new people (rules 1, 3, 4, 6, 7): what a batch may contain, who may send it, what
//! each invitee becomes, whether the seats fit, and the invitation's lifecycle afterwards.

mod accept;
mod approval;
mod batch;
mod facts;
mod lifecycle;
mod sender;

pub use crate::seats::SeatChange;
pub use accept::{decide_accept, AcceptContext, AcceptPlan, AcceptProfile};
pub use approval::{
    decide_approve, decide_reject, may_approve_invitations, ApproveContext, ApprovePlan,
};
pub use batch::{
    already_invited, decide_batch, login_field, may_send_batch, Batch, BatchContext, BatchDelivery,
    BatchPlan, BatchRequest, Invitee, InviteeRequest, OnConflict, Target, WorkgroupRequest,
    MAX_INVITEES, MAX_MESSAGE_CHARS,
};
pub use facts::{
    effective_status, expiry, require_open, InvitationFacts, LoginState, Outcome, WorkgroupFacts,
};
pub use lifecycle::{
    decide_decline, decide_resend, decide_revoke, may_manage_invitation, ResendContext, ResendPlan,
    RESEND_INTERVAL_SECONDS,
};
pub use sender::{may_invite_new_people, may_send_invitation, Release};
// Join links (`crate::join_link`) judge a person's login as an invitation's row would.
pub(crate) use facts::login_outcome;
pub(crate) use sender::excluded_domain;
