//! Approving invitations (rule 3 with `who_can_invite: employees_with_approval`): an
//! employee's invitation of a new person waits, holding its seat and its login (rules 4 and 6),
//! until an administrator approves it — it is sent then, under today's rules — or rejects it,
//! which frees the seat. It expires like a pending one meanwhile; approving it after that
//! takes a seat again, as a resend of an expired invitation does.

use super::facts::{effective_status, expiry, login_outcome, InvitationFacts, LoginState};
use super::sender::may_send_invitation;
use crate::access::AccountUser;
use crate::account::AccountSettings;
use crate::enums::InvitationStatus;
use crate::error::DomainError;
use crate::login::Login;
use crate::seats::{SeatChange, Seats};
use crate::workgroup::WorkgroupFacts;
use chrono::{DateTime, Utc};

/// Approving and rejecting invitations: the account's administrators (who are employees).
pub fn may_approve_invitations(actor: &AccountUser) -> Result<(), DomainError> {
    if !actor.is_intranet() {
        return Err(DomainError::IntranetUserRequired);
    }
    if !actor.is_admin {
        return Err(DomainError::AdminRequired);
    }
    Ok(())
}

/// The status of an invitation held for approval and never approved: awaiting it, or expired
/// while it did. Anything else was never held, or was decided already.
fn held_status(
    invitation: &InvitationFacts,
    now: DateTime<Utc>,
) -> Result<InvitationStatus, DomainError> {
    match effective_status(invitation.status, invitation.expires_at, now) {
        InvitationStatus::AwaitingApproval => Ok(InvitationStatus::AwaitingApproval),
        InvitationStatus::Expired if invitation.held => Ok(InvitationStatus::Expired),
        other => Err(DomainError::InvitationNotAwaitingApproval(other)),
    }
}

/// Everything an approval is decided on.
#[derive(Debug, Clone, Copy)]
pub struct ApproveContext<'a> {
    /// Who approves.
    pub actor: &'a AccountUser,
    pub invitation: &'a InvitationFacts,
    pub login: &'a Login,
    /// Who holds the login now, the invitation itself aside.
    pub login_now: LoginState,
    pub seats: Seats,
    pub settings: &'a AccountSettings,
    /// The invitation's workgroup as it is now, with the approver's standing in it.
    pub workgroup: Option<WorkgroupFacts>,
}

/// A decided approval: the invitation is sent now, valid until `expires_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovePlan {
    pub expires_at: DateTime<Utc>,
    pub seats: SeatChange,
}

/// Approving: an administrator sends a held invitation, and vouches for it from then on (it is
/// sent by them: accepting it later checks their rights). Today's rules must allow sending it
/// (rule 1: the workgroup still allows external users; the domain rules). Its lifetime starts
/// now. An invitation awaiting approval already holds its seat; one that expired while it
/// waited takes a seat again, if one is free and nobody took the login meanwhile (409
/// `user_limit_reached`, or the login's conflict).
pub fn decide_approve(
    ctx: &ApproveContext<'_>,
    now: DateTime<Utc>,
) -> Result<ApprovePlan, DomainError> {
    may_approve_invitations(ctx.actor)?;
    let invitation = ctx.invitation;
    let status = held_status(invitation, now)?;
    may_send_invitation(
        ctx.actor,
        ctx.settings,
        invitation.invitation_type,
        ctx.login,
        ctx.workgroup,
    )?;
    let expires_at = expiry(now, ctx.settings);
    if status == InvitationStatus::AwaitingApproval {
        return Ok(ApprovePlan {
            expires_at,
            seats: SeatChange::default(),
        });
    }
    login_outcome(invitation.invitation_type, false, ctx.login_now)
        .map_err(|conflict| DomainError::InviteeConflicts(vec![conflict]))?;
    ctx.seats.reserve(1)?;
    Ok(ApprovePlan {
        expires_at,
        seats: SeatChange::invited(1),
    })
}

/// Rejecting: an administrator refuses a held invitation; nothing was sent and nothing will
/// be. One awaiting approval frees its seat; one that expired while it waited is closed for
/// good.
pub fn decide_reject(
    actor: &AccountUser,
    invitation: &InvitationFacts,
    now: DateTime<Utc>,
) -> Result<SeatChange, DomainError> {
    may_approve_invitations(actor)?;
    match held_status(invitation, now)? {
        InvitationStatus::AwaitingApproval => Ok(SeatChange {
            pending: -1,
            ..SeatChange::default()
        }),
        _ => Ok(SeatChange::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::{Role, UserType, WhoCanInvite};
    use crate::ids::{InvitationId, UserId};
    use crate::invitation::facts::examples::{facts, seats, user};
    use crate::invitation::facts::require_open;
    use crate::invitation::lifecycle::{decide_resend, decide_revoke, ResendContext};
    use chrono::Duration;
    use uuid::Uuid;

    fn with_approval() -> AccountSettings {
        AccountSettings {
            who_can_invite: WhoCanInvite::EmployeesWithApproval,
            ..AccountSettings::default()
        }
    }

    fn held(now: DateTime<Utc>) -> InvitationFacts {
        InvitationFacts {
            id: InvitationId(Uuid::from_u128(40)),
            invitation_type: UserType::Extranet,
            status: InvitationStatus::AwaitingApproval,
            expires_at: now + Duration::days(7),
            last_sent_at: now - Duration::minutes(5),
            invited_by: UserId(Uuid::from_u128(77)),
            held: true,
        }
    }

    fn ann() -> Login {
        Login::parse("ann@client.example").unwrap()
    }

    fn ctx<'a>(
        actor: &'a AccountUser,
        invitation: &'a InvitationFacts,
        login: &'a Login,
        settings: &'a AccountSettings,
        seats_now: Seats,
    ) -> ApproveContext<'a> {
        ApproveContext {
            actor,
            invitation,
            login,
            login_now: LoginState::Free,
            seats: seats_now,
            settings,
            workgroup: facts(true, None),
        }
    }

    #[test]
    fn an_administrator_approves_a_held_invitation_which_keeps_its_seat() {
        let now = Utc::now();
        let (admin, settings, login) = (user(UserType::Intranet, true), with_approval(), ann());
        let invitation = held(now);
        // Even with no seat free: the invitation holds one already.
        let plan = decide_approve(
            &ctx(&admin, &invitation, &login, &settings, seats(5, 5)),
            now,
        );
        assert_eq!(
            plan,
            Ok(ApprovePlan {
                expires_at: now + Duration::hours(168),
                seats: SeatChange::default()
            })
        );
        assert_eq!(decide_reject(&admin, &invitation, now).unwrap().pending, -1);
    }

    #[test]
    fn only_administrators_approve_or_reject() {
        let now = Utc::now();
        let (settings, login, invitation) = (with_approval(), ann(), held(now));
        let employee = user(UserType::Intranet, false);
        let external = user(UserType::Extranet, false);
        for (who, refusal) in [
            (&employee, DomainError::AdminRequired),
            (&external, DomainError::IntranetUserRequired),
        ] {
            let c = ctx(who, &invitation, &login, &settings, seats(5, 1));
            assert_eq!(decide_approve(&c, now), Err(refusal.clone()));
            assert_eq!(decide_reject(who, &invitation, now), Err(refusal));
        }
        // Not even the employee's own invitation.
        let own = InvitationFacts {
            invited_by: employee.user_id,
            ..invitation
        };
        let c = ctx(&employee, &own, &login, &settings, seats(5, 1));
        assert_eq!(decide_approve(&c, now), Err(DomainError::AdminRequired));
    }

    #[test]
    fn only_held_invitations_are_approved_or_rejected() {
        let now = Utc::now();
        let (admin, settings, login) = (user(UserType::Intranet, true), with_approval(), ann());
        for status in [
            InvitationStatus::Pending,
            InvitationStatus::Accepted,
            InvitationStatus::Declined,
            InvitationStatus::Revoked,
            InvitationStatus::Rejected,
        ] {
            let decided = InvitationFacts {
                status,
                held: status != InvitationStatus::Pending,
                ..held(now)
            };
            let c = ctx(&admin, &decided, &login, &settings, seats(5, 1));
            assert_eq!(
                decide_approve(&c, now),
                Err(DomainError::InvitationNotAwaitingApproval(status))
            );
            assert_eq!(
                decide_reject(&admin, &decided, now).unwrap_err().code(),
                "invitation_not_awaiting_approval"
            );
        }
        // An expired invitation that never waited for approval is resent, not approved.
        let expired = InvitationFacts {
            status: InvitationStatus::Expired,
            held: false,
            ..held(now)
        };
        let c = ctx(&admin, &expired, &login, &settings, seats(5, 1));
        assert_eq!(
            decide_approve(&c, now),
            Err(DomainError::InvitationNotAwaitingApproval(
                InvitationStatus::Expired
            ))
        );
    }

    #[test]
    fn approving_after_the_expiry_takes_a_seat_again_if_one_is_free() {
        let now = Utc::now();
        let (admin, settings, login) = (user(UserType::Intranet, true), with_approval(), ann());
        // Past its expiry, swept or not.
        let overdue = InvitationFacts {
            expires_at: now - Duration::seconds(1),
            ..held(now)
        };
        let swept = InvitationFacts {
            status: InvitationStatus::Expired,
            ..overdue
        };
        for late in [overdue, swept] {
            let c = ctx(&admin, &late, &login, &settings, seats(5, 5));
            assert_eq!(
                decide_approve(&c, now),
                Err(DomainError::UserLimitReached {
                    needed: 1,
                    available: 0
                })
            );
            let c = ctx(&admin, &late, &login, &settings, seats(5, 4));
            assert_eq!(decide_approve(&c, now).unwrap().seats.pending, 1);
            let c = ApproveContext {
                login_now: LoginState::ActiveIntranetUser,
                ..ctx(&admin, &late, &login, &settings, seats(5, 1))
            };
            assert_eq!(
                decide_approve(&c, now).unwrap_err().code(),
                "login_belongs_to_employee"
            );
            // Rejected late: closed for good; its seat was freed at the expiry.
            assert_eq!(decide_reject(&admin, &late, now), Ok(SeatChange::default()));
        }
    }

    #[test]
    fn approving_checks_todays_rules() {
        let now = Utc::now();
        let (admin, settings, login) = (user(UserType::Intranet, true), with_approval(), ann());
        let invitation = held(now);
        let c = ApproveContext {
            workgroup: facts(false, Some(Role::Owner)),
            ..ctx(&admin, &invitation, &login, &settings, seats(5, 1))
        };
        assert_eq!(
            decide_approve(&c, now),
            Err(DomainError::WorkgroupNotExtranet)
        );
        let denied = AccountSettings {
            external_domains: crate::account::ExternalDomains::Deny(vec!["client.example".into()]),
            ..with_approval()
        };
        let c = ctx(&admin, &invitation, &login, &denied, seats(5, 1));
        assert_eq!(
            decide_approve(&c, now).unwrap_err().code(),
            "domain_not_allowed"
        );
    }

    #[test]
    fn a_held_invitation_opens_nothing_is_not_resent_and_may_be_revoked() {
        let now = Utc::now();
        let (admin, settings, login) = (user(UserType::Intranet, true), with_approval(), ann());
        let invitation = held(now);
        // Its link was never sent: it answers like a dead one.
        assert_eq!(
            require_open(&invitation, now),
            Err(DomainError::NotFound("invitation"))
        );
        let resend = ResendContext {
            actor: &admin,
            invitation: &invitation,
            login: &login,
            login_now: LoginState::Free,
            seats: seats(5, 1),
            settings: &settings,
            workgroup: facts(true, Some(Role::Owner)),
            interval_seconds: 60,
        };
        assert_eq!(
            decide_resend(&resend, now),
            Err(DomainError::InvitationAwaitingApproval)
        );
        // Its inviter takes it back: the seat is free.
        let inviter = AccountUser {
            user_id: invitation.invited_by,
            ..user(UserType::Intranet, false)
        };
        assert_eq!(
            decide_revoke(&inviter, &invitation, now).unwrap().pending,
            -1
        );
        // Expired, and resent by its employee: sent anew, so held again; by an administrator:
        // sent.
        let expired = InvitationFacts {
            status: InvitationStatus::Expired,
            ..invitation
        };
        let by_employee = ResendContext {
            actor: &inviter,
            invitation: &expired,
            workgroup: facts(true, Some(Role::Member)),
            ..resend
        };
        let plan = decide_resend(&by_employee, now).unwrap();
        assert!(plan.held);
        assert_eq!(plan.seats.pending, 1);
        let by_admin = ResendContext {
            invitation: &expired,
            ..resend
        };
        assert!(!decide_resend(&by_admin, now).unwrap().held);
    }
}
