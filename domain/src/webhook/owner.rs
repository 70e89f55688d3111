//! Who answers for a webhook, and while when it may post. A webhook posts the account's events
//! to a URL someone chose; it posts on their behalf — through the API token they used, if they
//! used one — and stops when they could no longer make it: the token revoked or expired, the
//! user dismissed or no longer an administrator (as API tokens die with their creator). An API
//! token subscribes only to events whose data its scopes read. Whoever changes where a webhook
//! posts or what (its URL or events), or switches it on again, answers for it from then on:
//! they take it over.

use super::{may_manage_webhooks, EventTypes, WebhookChange, DELIVERY_LIFETIME_HOURS};
use crate::access::{AccountUser, UserStanding};
use crate::api_token::{authorize_token, StoredToken};
use crate::enums::{SwitchOffCause, UserStatus, UserType};
use crate::error::DomainError;
use crate::ids::{ApiTokenId, UserId};
use chrono::{DateTime, Utc};

/// Who answers for a webhook: a user, and the API token they acted through, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Owner {
    pub user_id: Option<UserId>,
    pub token_id: Option<ApiTokenId>,
}

impl Owner {
    pub fn of(actor: &AccountUser) -> Self {
        Self {
            user_id: Some(actor.user_id),
            token_id: actor.token.map(|t| t.id),
        }
    }
}

/// What is known now of whoever answers for a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerFacts {
    /// A person made it (or took it over): their standing, `None` when the user is gone.
    Person(UserId, Option<UserStanding>),
    /// It was made through an API token: the token with its creator's standing, `None` when
    /// the token is gone.
    Token(ApiTokenId, Option<StoredToken>),
    /// Made before owners were recorded.
    Unrecorded,
}

/// A webhook switched off: why (as a word and in a sentence), and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwitchOff {
    pub cause: SwitchOffCause,
    pub at: DateTime<Utc>,
    pub reason: String,
}

const TAKE_OVER: &str = "an administrator may switch it on again (PATCH `active: true`), taking it over; its paused deliveries are sent then if they are younger than";

fn orphaned(cause: SwitchOffCause, at: DateTime<Utc>, what: String) -> SwitchOff {
    SwitchOff {
        cause,
        at,
        reason: format!("switched off: {what}; {TAKE_OVER} {DELIVERY_LIFETIME_HOURS} hours"),
    }
}

/// Whether whoever answers for a webhook could still make it at `now`: an active
/// administrator, through a live token if it was made through one. The switch-off if not.
pub fn owner_stands(owner: OwnerFacts, now: DateTime<Utc>) -> Result<(), SwitchOff> {
    match owner {
        OwnerFacts::Unrecorded => Ok(()),
        OwnerFacts::Person(user, standing) => person_stands(user, standing, now),
        OwnerFacts::Token(id, None) => Err(orphaned(
            SwitchOffCause::TokenRevoked,
            now,
            format!("the API token it was made through ({id}) no longer exists"),
        )),
        OwnerFacts::Token(id, Some(token)) => {
            if token.revoked {
                return Err(orphaned(
                    SwitchOffCause::TokenRevoked,
                    now,
                    format!("the API token it was made through ({id}) was revoked"),
                ));
            }
            if let Some(at) = token.expires_at.filter(|at| *at <= now) {
                return Err(orphaned(
                    SwitchOffCause::TokenExpired,
                    at,
                    format!(
                        "the API token it was made through ({id}) expired at {}",
                        at.format("%Y-%m-%d %H:%M:%S UTC")
                    ),
                ));
            }
            match authorize_token(token, now) {
                Ok(user) if may_manage_webhooks(&user).is_ok() => Ok(()),
                Ok(_) => person_stands(token.user_id, token.creator, now),
                Err(_) => Err(orphaned(
                    SwitchOffCause::CreatorDismissed,
                    now,
                    format!(
                        "user {}, who made it, was dismissed (with the API token it was made through)",
                        token.user_id
                    ),
                )),
            }
        }
    }
}

fn person_stands(
    user: UserId,
    standing: Option<UserStanding>,
    now: DateTime<Utc>,
) -> Result<(), SwitchOff> {
    match standing {
        Some(s) if s.status == UserStatus::Active => {
            if s.is_admin && s.user_type == UserType::Intranet {
                Ok(())
            } else {
                Err(orphaned(
                    SwitchOffCause::CreatorNotAdmin,
                    now,
                    format!("user {user}, who made it, is no longer an administrator"),
                ))
            }
        }
        _ => Err(orphaned(
            SwitchOffCause::CreatorDismissed,
            now,
            format!("user {user}, who made it, was dismissed"),
        )),
    }
}

/// Switched off by a request (`PATCH … {"active": false}`).
pub fn switched_off_by(actor: &AccountUser, now: DateTime<Utc>) -> SwitchOff {
    SwitchOff {
        cause: SwitchOffCause::SwitchedOff,
        at: now,
        reason: format!(
            "switched off by user {} (PATCH `active: false`): nothing is posted to it; PATCH `active: true` switches it on again, and its paused deliveries are sent then if they are younger than {DELIVERY_LIFETIME_HOURS} hours",
            actor.user_id
        ),
    }
}

/// Subscribing to `events`: a person by their rights alone (webhooks are administrators', who
/// read everything); an API token only to events whose data its scopes read (a 403 naming the
/// scope it lacks).
pub fn may_subscribe(actor: &AccountUser, events: EventTypes) -> Result<(), DomainError> {
    let Some(grant) = actor.token else {
        return Ok(());
    };
    for event in events.to_vec() {
        if let Some(scope) = event.reads().filter(|s| !grant.scopes.contains(*s)) {
            return Err(DomainError::EventNeedsScope {
                event: event.as_str(),
                scope: scope.as_str(),
            });
        }
    }
    Ok(())
}

/// A webhook as a change finds it: switched on or off (as it stands now, its owner's standing
/// judged), its events, who answers for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    pub active: bool,
    pub events: EventTypes,
    pub owner: Owner,
}

/// What a change of a webhook does besides its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangePlan {
    /// Who answers for it afterwards.
    pub owner: Owner,
    /// `Some(true)`: switched on again (its paused deliveries resume); `Some(false)`:
    /// switched off (its waiting deliveries pause).
    pub switch: Option<bool>,
}

/// A change of a webhook (administrators, or their tokens with `webhooks:write`). Pointing it
/// elsewhere, changing what it is told, or switching it on again needs the read scopes of its
/// events (a token may not send data it could not read, nor redirect what another chose to
/// send), and takes it over; switching it off or changing its secret does not.
pub fn decide_change(
    actor: &AccountUser,
    stored: Stored,
    change: &WebhookChange,
) -> Result<ChangePlan, DomainError> {
    may_manage_webhooks(actor)?;
    let switch = match change.active {
        Some(on) if on != stored.active => Some(on),
        _ => None,
    };
    let takes_over = change.url.is_some() || change.events.is_some() || switch == Some(true);
    if takes_over {
        may_subscribe(actor, change.events.unwrap_or(stored.events))?;
    }
    Ok(ChangePlan {
        owner: if takes_over {
            Owner::of(actor)
        } else {
            stored.owner
        },
        switch,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api_token::{Scope, Scopes, TokenGrant};
    use crate::ids::{AccountId, IdentityId};
    use crate::webhook::EventType;
    use chrono::Duration;
    use uuid::Uuid;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn standing(status: UserStatus, is_admin: bool) -> UserStanding {
        UserStanding {
            identity_id: IdentityId(Uuid::from_u128(4)),
            status,
            user_type: UserType::Intranet,
            is_admin,
            dismissed_at: None,
            access_expires_at: None,
        }
    }

    fn token(creator: UserStanding) -> StoredToken {
        StoredToken {
            id: ApiTokenId(Uuid::from_u128(1)),
            account_id: AccountId(Uuid::from_u128(2)),
            user_id: UserId(Uuid::from_u128(3)),
            identity_id: IdentityId(Uuid::from_u128(4)),
            scopes: Scopes::of([Scope::WebhooksWrite]),
            created_at: now() - Duration::days(1),
            expires_at: None,
            revoked: false,
            creator: Some(creator),
        }
    }

    fn admin(scopes: Option<&[Scope]>) -> AccountUser {
        AccountUser {
            identity_id: IdentityId(Uuid::from_u128(4)),
            account_id: AccountId(Uuid::from_u128(2)),
            user_id: UserId(Uuid::from_u128(3)),
            user_type: UserType::Intranet,
            is_admin: true,
            token: scopes.map(|s| TokenGrant {
                id: ApiTokenId(Uuid::from_u128(9)),
                scopes: Scopes::of(s.iter().copied()),
            }),
        }
    }

    fn cause(r: Result<(), SwitchOff>) -> Option<SwitchOffCause> {
        r.err().map(|off| off.cause)
    }

    #[test]
    fn a_webhook_stands_while_whoever_answers_for_it_could_make_it() {
        let user = UserId(Uuid::from_u128(3));
        let id = ApiTokenId(Uuid::from_u128(1));
        let active = standing(UserStatus::Active, true);
        let person = |s| owner_stands(OwnerFacts::Person(user, s), now());
        assert_eq!(cause(person(Some(active))), None);
        assert_eq!(
            cause(person(Some(standing(UserStatus::Dismissed, true)))),
            Some(SwitchOffCause::CreatorDismissed)
        );
        assert_eq!(
            cause(person(Some(standing(UserStatus::Active, false)))),
            Some(SwitchOffCause::CreatorNotAdmin)
        );
        assert_eq!(cause(person(None)), Some(SwitchOffCause::CreatorDismissed));
        assert_eq!(cause(owner_stands(OwnerFacts::Unrecorded, now())), None);

        let through = |t: StoredToken| owner_stands(OwnerFacts::Token(id, Some(t)), now());
        assert_eq!(cause(through(token(active))), None);
        let revoked = through(StoredToken {
            revoked: true,
            ..token(active)
        });
        let off = revoked.unwrap_err();
        assert_eq!(off.cause, SwitchOffCause::TokenRevoked);
        assert!(off.reason.contains(&id.to_string()) && off.reason.contains("active: true"));
        let expiry = now() - Duration::minutes(5);
        let expired = through(StoredToken {
            expires_at: Some(expiry),
            ..token(active)
        })
        .unwrap_err();
        assert_eq!(
            (expired.cause, expired.at),
            (SwitchOffCause::TokenExpired, expiry)
        );
        assert_eq!(
            cause(through(token(standing(UserStatus::Dismissed, true)))),
            Some(SwitchOffCause::CreatorDismissed)
        );
        // Dismissed and reinstated since the token was made: the token stays dead.
        let reinstated = UserStanding {
            dismissed_at: Some(now() - Duration::hours(1)),
            ..active
        };
        assert_eq!(
            cause(through(token(reinstated))),
            Some(SwitchOffCause::CreatorDismissed)
        );
        assert_eq!(
            cause(through(token(standing(UserStatus::Active, false)))),
            Some(SwitchOffCause::CreatorNotAdmin)
        );
        assert_eq!(
            cause(owner_stands(OwnerFacts::Token(id, None), now())),
            Some(SwitchOffCause::TokenRevoked)
        );
    }

    #[test]
    fn a_token_subscribes_only_to_events_whose_data_it_reads() {
        let events = EventTypes::of([EventType::InvitationCreated, EventType::UserDismissed]);
        assert!(may_subscribe(&admin(None), events).is_ok());
        let e = may_subscribe(
            &admin(Some(&[Scope::WebhooksWrite, Scope::InvitationsRead])),
            events,
        )
        .unwrap_err();
        assert_eq!(e.code(), "insufficient_scope");
        assert!(e.to_string().contains("users:read") && e.to_string().contains("user.dismissed"));
        let reader = admin(Some(&[
            Scope::WebhooksWrite,
            Scope::InvitationsRead,
            Scope::UsersRead,
        ]));
        assert!(may_subscribe(&reader, events).is_ok());
    }

    #[test]
    fn re_pointing_or_switching_on_takes_a_webhook_over() {
        let creator = Owner {
            user_id: Some(UserId(Uuid::from_u128(7))),
            token_id: None,
        };
        let stored = Stored {
            active: false,
            events: EventTypes::of([EventType::UserDismissed]),
            owner: creator,
        };
        let on = WebhookChange {
            active: Some(true),
            ..WebhookChange::default()
        };
        let person = admin(None);
        let plan = decide_change(&person, stored, &on).unwrap();
        assert_eq!((plan.owner, plan.switch), (Owner::of(&person), Some(true)));
        // A token without the events' scope may neither switch it on nor re-point it.
        let hooks_only = admin(Some(&[Scope::WebhooksWrite]));
        assert_eq!(
            decide_change(&hooks_only, stored, &on).unwrap_err().code(),
            "insufficient_scope"
        );
        let active = Stored {
            active: true,
            ..stored
        };
        let secret_only = WebhookChange {
            secret: Some(super::super::Secret::generated("0123456789abcdef".into())),
            ..WebhookChange::default()
        };
        // A new secret, or switching off, is anyone's: the owner stays.
        let plan = decide_change(&hooks_only, active, &secret_only).unwrap();
        assert_eq!((plan.owner, plan.switch), (creator, None));
        let off = WebhookChange {
            active: Some(false),
            ..WebhookChange::default()
        };
        let plan = decide_change(&hooks_only, active, &off).unwrap();
        assert_eq!((plan.owner, plan.switch), (creator, Some(false)));
        let events = WebhookChange {
            events: Some(EventTypes::of([EventType::InvitationCreated])),
            ..WebhookChange::default()
        };
        assert!(decide_change(&hooks_only, active, &events).is_err());
        let reader = admin(Some(&[Scope::WebhooksWrite, Scope::InvitationsRead]));
        assert_eq!(
            decide_change(&reader, active, &events).unwrap().owner,
            Owner::of(&reader)
        );
        let employee = AccountUser {
            is_admin: false,
            ..person
        };
        assert_eq!(
            decide_change(&employee, active, &off).unwrap_err().code(),
            "admin_required"
        );
    }
}
