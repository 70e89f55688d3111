//! An invitation after it is sent (rule 7): resent, revoked or declined. Every step checks
//! today's rules, not those of the day it was sent.

use super::facts::{
    effective_status, expiry, login_outcome, require_open, InvitationFacts, LoginState,
    WorkgroupFacts,
};
use super::sender::{may_send_invitation, Release};
use crate::access::AccountUser;
use crate::account::AccountSettings;
use crate::enums::InvitationStatus;
use crate::error::DomainError;
use crate::login::Login;
use crate::seats::{SeatChange, Seats};
use chrono::{DateTime, Utc};

/// By default an invitation is sent again at most once a minute.
pub const RESEND_INTERVAL_SECONDS: u32 = 60;

/// Only employees see invitations; resending and revoking is for the inviter or an admin.
pub fn may_manage_invitation(
    actor: &AccountUser,
    invitation: &InvitationFacts,
) -> Result<(), DomainError> {
    if !actor.is_intranet() {
        return Err(DomainError::IntranetUserRequired);
    }
    if actor.is_admin || actor.user_id == invitation.invited_by {
        Ok(())
    } else {
        Err(DomainError::InviterOrAdminRequired)
    }
}

/// A decided resend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResendPlan {
    pub expires_at: DateTime<Utc>,
    pub seats: SeatChange,
    /// Sent anew by someone whose invitations wait for approval (rule 3): held again, with
    /// its seat, and nothing sent.
    pub held: bool,
}

/// Everything a resend is decided on.
#[derive(Debug, Clone, Copy)]
pub struct ResendContext<'a> {
    /// Who resends.
    pub actor: &'a AccountUser,
    pub invitation: &'a InvitationFacts,
    pub login: &'a Login,
    /// Who holds the login now, the invitation itself aside.
    pub login_now: LoginState,
    pub seats: Seats,
    pub settings: &'a AccountSettings,
    /// The invitation's workgroup as it is now, with the actor's standing in it.
    pub workgroup: Option<WorkgroupFacts>,
    pub interval_seconds: u32,
}

/// Rule 7: resending rotates the token and the expiry. Only the inviter or an admin resends,
/// and only when today's rules would let them send it (rules 1 and 3, the domain rules): a
/// dismissed inviter's invitations are resent by someone still allowed. A pending invitation
/// keeps its seat (and is resent at most once per `interval_seconds`); an expired one takes a
/// seat again, if one is free and the login has not been taken meanwhile, and is sent anew:
/// held for approval when the one who resends it has their invitations approved. One awaiting
/// approval was never sent: 409 `invitation_awaiting_approval` until it is approved.
pub fn decide_resend(
    ctx: &ResendContext<'_>,
    now: DateTime<Utc>,
) -> Result<ResendPlan, DomainError> {
    let invitation = ctx.invitation;
    may_manage_invitation(ctx.actor, invitation)?;
    let status = effective_status(invitation.status, invitation.expires_at, now);
    match status {
        InvitationStatus::Pending | InvitationStatus::Expired => {}
        InvitationStatus::AwaitingApproval => return Err(DomainError::InvitationAwaitingApproval),
        other => return Err(DomainError::InvitationNotPending(other)),
    }
    let release = may_send_invitation(
        ctx.actor,
        ctx.settings,
        invitation.invitation_type,
        ctx.login,
        ctx.workgroup,
    )?;
    let expires_at = expiry(now, ctx.settings);
    if status == InvitationStatus::Pending {
        let since = (now - invitation.last_sent_at).num_seconds();
        let interval = i64::from(ctx.interval_seconds);
        if since < interval {
            return Err(DomainError::ResendTooSoon {
                retry_after_seconds: u32::try_from(interval - since).unwrap_or(1),
            });
        }
        return Ok(ResendPlan {
            expires_at,
            seats: SeatChange::default(),
            held: false,
        });
    }
    if let Err(conflict) = login_outcome(invitation.invitation_type, false, ctx.login_now) {
        if ctx.login_now != LoginState::Free {
            return Err(DomainError::InviteeConflicts(vec![conflict]));
        }
    }
    ctx.seats.reserve(1)?;
    Ok(ResendPlan {
        expires_at,
        seats: SeatChange {
            pending: 1,
            ..SeatChange::default()
        },
        held: release == Release::AfterApproval,
    })
}

/// Revoking frees the seat of a pending invitation, or of one awaiting approval (its inviter
/// takes it back); an expired one is closed for good.
pub fn decide_revoke(
    actor: &AccountUser,
    invitation: &InvitationFacts,
    now: DateTime<Utc>,
) -> Result<SeatChange, DomainError> {
    may_manage_invitation(actor, invitation)?;
    match effective_status(invitation.status, invitation.expires_at, now) {
        InvitationStatus::Pending | InvitationStatus::AwaitingApproval => Ok(SeatChange {
            pending: -1,
            ..SeatChange::default()
        }),
        InvitationStatus::Expired => Ok(SeatChange::default()),
        other => Err(DomainError::InvitationNotPending(other)),
    }
}

/// Declining frees the seat.
pub fn decide_decline(
    invitation: &InvitationFacts,
    now: DateTime<Utc>,
) -> Result<SeatChange, DomainError> {
    require_open(invitation, now)?;
    Ok(SeatChange {
        pending: -1,
        ..SeatChange::default()
    })
}

// Accepting is tested here too: these tests take one invitation through every step.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::ExternalDomains;
    use crate::enums::{InvitePolicy, Role, UserStatus, UserType, WhoCanInvite};
    use crate::ids::{IdentityId, InvitationId, UserId};
    use crate::invitation::accept::{decide_accept, AcceptContext, AcceptProfile};
    use crate::invitation::facts::examples::{facts, seats, user};
    use crate::sign_up::ExistingProfile;
    use chrono::Duration;
    use uuid::Uuid;

    fn pending_facts(now: DateTime<Utc>) -> InvitationFacts {
        InvitationFacts {
            id: InvitationId(Uuid::from_u128(40)),
            invitation_type: UserType::Extranet,
            status: InvitationStatus::Pending,
            expires_at: now + Duration::days(7),
            last_sent_at: now - Duration::minutes(5),
            invited_by: UserId(Uuid::from_u128(3)),
            held: false,
        }
    }

    fn email(e: &str) -> Login {
        Login::Email(crate::login::Email::parse(e).unwrap())
    }

    fn resend_ctx<'a>(
        actor: &'a AccountUser,
        invitation: &'a InvitationFacts,
        login: &'a Login,
        settings: &'a AccountSettings,
        seats_now: Seats,
    ) -> ResendContext<'a> {
        ResendContext {
            actor,
            invitation,
            login,
            login_now: LoginState::Free,
            seats: seats_now,
            settings,
            workgroup: facts(true, Some(Role::Owner)),
            interval_seconds: RESEND_INTERVAL_SECONDS,
        }
    }

    fn accept_ctx<'a>(
        invitation: &'a InvitationFacts,
        login: &'a Login,
        settings: &'a AccountSettings,
        sender: &AccountUser,
    ) -> AcceptContext<'a> {
        AcceptContext {
            invitation,
            login,
            settings,
            sender: Some(*sender),
            workgroup: facts(true, Some(Role::Owner)),
            profile: None,
            user_in_account: None,
        }
    }

    #[test]
    fn the_lifecycle() {
        let now = Utc::now();
        let admin = user(UserType::Intranet, true);
        let settings = AccountSettings::default();
        let ann = email("ann@client.example");
        let open = pending_facts(now);
        let expired = InvitationFacts {
            expires_at: now - Duration::seconds(1),
            ..open
        };
        assert_eq!(
            effective_status(open.status, expired.expires_at, now),
            InvitationStatus::Expired
        );

        // Resend: a pending one keeps its seat; an expired one needs one.
        let ctx = resend_ctx(&admin, &open, &ann, &settings, seats(5, 5));
        assert_eq!(
            decide_resend(&ctx, now).unwrap().seats,
            SeatChange::default()
        );
        let too_soon = InvitationFacts {
            last_sent_at: now - Duration::seconds(10),
            ..open
        };
        let ctx = resend_ctx(&admin, &too_soon, &ann, &settings, seats(5, 1));
        assert_eq!(
            decide_resend(&ctx, now),
            Err(DomainError::ResendTooSoon {
                retry_after_seconds: 50
            })
        );
        let stored_expired = InvitationFacts {
            status: InvitationStatus::Expired,
            ..expired
        };
        let ctx = resend_ctx(&admin, &stored_expired, &ann, &settings, seats(5, 5));
        assert_eq!(
            decide_resend(&ctx, now),
            Err(DomainError::UserLimitReached {
                needed: 1,
                available: 0
            })
        );
        let ctx = resend_ctx(&admin, &stored_expired, &ann, &settings, seats(5, 1));
        let plan = decide_resend(&ctx, now).unwrap();
        assert_eq!(plan.seats.pending, 1);
        assert_eq!(plan.expires_at, now + Duration::hours(168));
        let ctx = ResendContext {
            login_now: LoginState::ActiveIntranetUser,
            ..resend_ctx(&admin, &stored_expired, &ann, &settings, seats(5, 1))
        };
        assert_eq!(
            decide_resend(&ctx, now).unwrap_err().code(),
            "login_belongs_to_employee"
        );

        // Revoke frees a pending seat; accepted ones cannot be revoked.
        assert_eq!(decide_revoke(&admin, &open, now).unwrap().pending, -1);
        assert_eq!(
            decide_revoke(&admin, &stored_expired, now).unwrap(),
            SeatChange::default()
        );
        let accepted = InvitationFacts {
            status: InvitationStatus::Accepted,
            ..open
        };
        assert_eq!(
            decide_revoke(&admin, &accepted, now),
            Err(DomainError::InvitationNotPending(
                InvitationStatus::Accepted
            ))
        );

        // Only the inviter or an admin manages an invitation.
        let other = AccountUser {
            user_id: UserId(Uuid::from_u128(99)),
            ..user(UserType::Intranet, false)
        };
        assert_eq!(
            decide_revoke(&other, &open, now),
            Err(DomainError::InviterOrAdminRequired)
        );

        // Accept and decline: only open invitations; a used token is as good as unknown.
        assert_eq!(
            decide_decline(&expired, now),
            Err(DomainError::InvitationExpired)
        );
        assert_eq!(decide_decline(&open, now).unwrap().pending, -1);
        let plan = decide_accept(&accept_ctx(&open, &ann, &settings, &admin), now).unwrap();
        assert_eq!(
            (plan.profile, plan.seats.pending, plan.seats.active_extranet),
            (AcceptProfile::Create, -1, 1)
        );
        let id = IdentityId(Uuid::from_u128(50));
        let with_profile = |password_matches| AcceptContext {
            profile: Some(ExistingProfile {
                identity_id: id,
                password_matches,
            }),
            ..accept_ctx(&open, &ann, &settings, &admin)
        };
        assert_eq!(
            decide_accept(&with_profile(false), now),
            Err(DomainError::InvalidCredentials)
        );
        assert_eq!(
            decide_accept(&with_profile(true), now).unwrap().profile,
            AcceptProfile::Reuse(id)
        );
        for used in [
            InvitationStatus::Accepted,
            InvitationStatus::Declined,
            InvitationStatus::Revoked,
        ] {
            let used = InvitationFacts {
                status: used,
                ..open
            };
            assert_eq!(
                decide_accept(&accept_ctx(&used, &ann, &settings, &admin), now),
                Err(DomainError::NotFound("invitation"))
            );
            assert_eq!(
                require_open(&used, now),
                Err(DomainError::NotFound("invitation"))
            );
        }
        assert_eq!(
            decide_accept(
                &AcceptContext {
                    user_in_account: Some(UserStatus::Active),
                    ..accept_ctx(&open, &ann, &settings, &admin)
                },
                now
            ),
            Err(DomainError::AlreadyAUser)
        );
    }

    #[test]
    fn resend_and_accept_refuse_a_workgroup_that_no_longer_allows_external_users() {
        let now = Utc::now();
        let admin = user(UserType::Intranet, true);
        let settings = AccountSettings::default();
        let ann = email("ann@client.example");
        let open = pending_facts(now);
        let internal = facts(false, Some(Role::Owner));
        let ctx = ResendContext {
            workgroup: internal,
            ..resend_ctx(&admin, &open, &ann, &settings, seats(5, 1))
        };
        assert_eq!(
            decide_resend(&ctx, now),
            Err(DomainError::WorkgroupNotExtranet)
        );
        let ctx = AcceptContext {
            workgroup: internal,
            ..accept_ctx(&open, &ann, &settings, &admin)
        };
        assert_eq!(
            decide_accept(&ctx, now),
            Err(DomainError::WorkgroupNotExtranet)
        );
        // Employees may still be invited into it.
        let intranet = InvitationFacts {
            invitation_type: UserType::Intranet,
            ..open
        };
        let ctx = AcceptContext {
            workgroup: internal,
            ..accept_ctx(&intranet, &ann, &settings, &admin)
        };
        assert!(decide_accept(&ctx, now).is_ok());
    }

    #[test]
    fn resend_and_accept_follow_todays_domain_rules_and_who_may_invite() {
        let now = Utc::now();
        let admin = user(UserType::Intranet, true);
        let employee = user(UserType::Intranet, false);
        let open = pending_facts(now);
        let ann = email("ann@eu.client.example");
        let denied = AccountSettings {
            external_domains: ExternalDomains::Deny(vec!["client.example".into()]),
            ..AccountSettings::default()
        };
        let ctx = resend_ctx(&admin, &open, &ann, &denied, seats(5, 1));
        assert_eq!(
            decide_resend(&ctx, now),
            Err(DomainError::DomainNotAllowed {
                domain: "eu.client.example".into()
            })
        );
        assert_eq!(
            decide_accept(&accept_ctx(&open, &ann, &denied, &admin), now)
                .unwrap_err()
                .code(),
            "domain_not_allowed"
        );
        // A phone invitee has no domain.
        let phone = Login::Phone(crate::login::Phone::parse("+14155550101").unwrap());
        assert!(decide_accept(&accept_ctx(&open, &phone, &denied, &admin), now).is_ok());

        // Sent by an employee while employees could invite; now only admins may.
        let admins_only = AccountSettings::default();
        let by_employee = InvitationFacts {
            invited_by: employee.user_id,
            ..open
        };
        let ctx = resend_ctx(&employee, &by_employee, &ann, &admins_only, seats(5, 1));
        assert_eq!(decide_resend(&ctx, now), Err(DomainError::AdminRequired));
        assert_eq!(
            decide_accept(
                &accept_ctx(&by_employee, &ann, &admins_only, &employee),
                now
            ),
            Err(DomainError::InviterNoLongerAllowed)
        );
        // An admin resending it vouches for it from then on.
        let ctx = resend_ctx(&admin, &by_employee, &ann, &admins_only, seats(5, 1));
        assert!(decide_resend(&ctx, now).is_ok());
        assert!(decide_accept(&accept_ctx(&by_employee, &ann, &admins_only, &admin), now).is_ok());

        // The group's policy binds the sender the same way.
        let employees = AccountSettings {
            who_can_invite: WhoCanInvite::Employees,
            ..AccountSettings::default()
        };
        let owner_only = Some(WorkgroupFacts {
            invite_policy: InvitePolicy::Owner,
            max_external_access_days: None,
            ..facts(true, Some(Role::Member)).unwrap()
        });
        let ctx = ResendContext {
            workgroup: owner_only,
            ..resend_ctx(&employee, &by_employee, &ann, &employees, seats(5, 1))
        };
        assert_eq!(
            decide_resend(&ctx, now),
            Err(DomainError::WorkgroupPolicyForbids(InvitePolicy::Owner))
        );
        let ctx = AcceptContext {
            workgroup: owner_only,
            ..accept_ctx(&by_employee, &ann, &employees, &employee)
        };
        assert_eq!(
            decide_accept(&ctx, now),
            Err(DomainError::InviterNoLongerAllowed)
        );
        // A sender whose row is gone vouches for nothing.
        let ctx = AcceptContext {
            sender: None,
            ..accept_ctx(&open, &ann, &employees, &admin)
        };
        assert_eq!(
            decide_accept(&ctx, now),
            Err(DomainError::InviterNoLongerAllowed)
        );
    }
}
