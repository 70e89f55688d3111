//! Workgroups and their members (rules 1–3): the allow-external flag, invite policies, membership invitations, roles, every role on every action.

mod basics;
mod members;
mod membership_invitations;
mod permissions;
mod roles;
