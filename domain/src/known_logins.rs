//! What an account knows its users by: the email and phone it sees (rule 6 with rule 8, issue
//! #24). An active user's are its person's network profile's, and follow every change of it;
//! a dismissed user's are those of its dismissal. The account that dismissed someone goes on
//! seeing those — on the user, in lists and searches, among a workgroup's members, in webhooks'
//! resources — and hears of no change of the profile (no `user.login_changed`), until it
//! reinstates the user, which shows the logins of then.
//!
//! Rule 6 inside the account: a login is one user's, or one pending invitation's.
//! - A login of the dismissal is the dismissed user's while the person still has it:
//!   inviting it is `login_belongs_to_dismissed_user`.
//! - One the person has given up since is free in the account (rule 5's way out: the old
//!   login can be invited again). The dismissed user's record shows it until someone else of
//!   the account is known by it — a newcomer joins with it, or a user of the account comes to
//!   have it (an active one changes to it, a dismissed one is reinstated with it) — and then
//!   shows none: it [gives way](gives_way).
//! - One the person took since is not the dismissed user's in the account, so that the account
//!   learns nothing by inviting it. The person accepting such an invitation would be a second
//!   user of one profile: refused, `already_a_user` (a dismissed user comes back only by a
//!   reinstatement). Reinstating the user while a pending invitation holds one of the person's
//!   logins of now is refused, `invitation_pending` naming it: revoke it first.

use crate::enums::UserStatus;
use crate::error::{DomainError, FieldError};
use crate::ids::InvitationId;
use crate::login_change::ProfileLogins;

/// Whether the account sees its user's login changes (and records them): only while the user
/// is active.
pub fn follows_login_changes(status: UserStatus) -> bool {
    status == UserStatus::Active
}

/// Whether a login the account knows a user by is that user's in the account (rule 6): while
/// its person still has it. `known` is what the account knows the user by, `persons_now` the
/// profile's login of the same kind.
pub fn holds(known: Option<&str>, persons_now: Option<&str>) -> bool {
    known.is_some() && known == persons_now
}

/// Whether a login the account knows a (dismissed) user by gives way to someone else of the
/// account who comes to be known by it: when the user's person no longer has it.
pub fn gives_way(known: Option<&str>, persons_now: Option<&str>) -> bool {
    known.is_some() && !holds(known, persons_now)
}

/// The pending invitations of the account, if any, whose logins are the person's email and
/// phone of now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PendingForLogins {
    pub email: Option<InvitationId>,
    pub phone: Option<InvitationId>,
}

/// The logins a reinstated user is known by again: its person's of now, unless a pending
/// invitation of the account holds one of them (rule 6): then 409 `invitation_pending`,
/// naming each (revoke it, then reinstate).
pub fn decide_reinstated_logins(
    now: &ProfileLogins,
    pending: PendingForLogins,
) -> Result<ProfileLogins, DomainError> {
    let held: Vec<FieldError> = [("email", pending.email), ("phone", pending.phone)]
        .into_iter()
        .filter_map(|(field, invitation)| {
            let id = invitation?;
            let mut e = FieldError::new(
                field,
                "invitation_pending",
                format!(
                    "the person's {field} of now is the login of a pending invitation of this \
                     account ({id}): revoke it, then reinstate"
                ),
            );
            e.invitation_id = Some(id);
            Some(e)
        })
        .collect();
    if held.is_empty() {
        Ok(now.clone())
    } else {
        Err(DomainError::LoginsHeldByInvitations(held))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn only_an_active_user_follows_its_persons_login_changes() {
        assert!(follows_login_changes(UserStatus::Active));
        assert!(!follows_login_changes(UserStatus::Dismissed));
    }

    #[test]
    fn a_known_login_holds_while_the_person_has_it_and_gives_way_after() {
        let old = Some("ann@client.example");
        assert!(holds(old, old));
        assert!(!gives_way(old, old));
        // Given up (another email now, or none).
        assert!(!holds(old, Some("ann@home.example")));
        assert!(gives_way(old, Some("ann@home.example")));
        assert!(gives_way(old, None));
        // Nothing known: nothing holds, nothing gives way.
        assert!(!holds(None, None));
        assert!(!gives_way(None, Some("ann@home.example")));
    }

    #[test]
    fn reinstating_shows_the_logins_of_now_unless_an_invitation_holds_one() {
        let now = ProfileLogins {
            email: Some("ann@home.example".into()),
            phone: Some("+14155550177".into()),
        };
        assert_eq!(
            decide_reinstated_logins(&now, PendingForLogins::default()),
            Ok(now.clone())
        );
        let invitation = InvitationId(Uuid::from_u128(7));
        let refused = decide_reinstated_logins(
            &now,
            PendingForLogins {
                email: None,
                phone: Some(invitation),
            },
        )
        .unwrap_err();
        assert_eq!(refused.code(), "invitation_pending");
        let rows = refused.field_errors();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].field.as_str(), rows[0].invitation_id),
            ("phone", Some(invitation))
        );
    }
}
