//! Who is in a workgroup: members added, changed and removed by the workgroup's managers
//! (`members`), and the membership invitations a user answers (`workgroup_invitations`).

pub mod members;
pub mod workgroup_invitations;
