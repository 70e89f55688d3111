//! Join links (issue #29): a workgroup's links and the requests made through them — `manage`
//! (links: create, list, revoke), `requests` (the workgroup's join requests: list, approve,
//! reject) and `public` (the `/join` page's side: look a link up, ask for a code, confirm).

pub mod manage;
pub mod public;
pub mod requests;

pub use crate::tables::join_links::JoinLinkRecord;
pub use crate::tables::join_requests::{JoinRequestRecord, NewJoinRequest};
