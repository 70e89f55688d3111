//! Integrators' API tokens: long-lived secrets that act as the user who created them, within
//! the scopes chosen at creation, and never beyond that user's own rights (the user's rights
//! are checked as for any of their requests; the scope is checked on top). A token dies when
//! it is revoked, when it expires, or when its creator is dismissed (rule 8); a token created
//! before its creator's last dismissal stays dead after a reinstatement.

use crate::access::{authorize_user, may_administer_account, AccountUser, UserStanding};
use crate::error::{DomainError, FieldError, FieldErrors};
use crate::ids::{AccountId, ApiTokenId, IdentityId, UserId};
use crate::names::parse_text;
pub use crate::scope::{Scope, Scopes, TokenGrant};
use chrono::{DateTime, Duration, Utc};

/// A token's name: what it is for, so that its owner knows which one to revoke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        parse_text(input, Self::MAX_CHARS, "a token's name").map(Self)
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The longest a token may live; one without `expires_at` lives until it is revoked.
pub const MAX_LIFETIME_DAYS: i64 = 730;
/// Tokens one user may hold (live or not yet forgotten) at once.
pub const MAX_TOKENS_PER_USER: u32 = 50;

/// A token to create, as the client asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    pub name: TokenName,
    pub scopes: Scopes,
    pub expires_at: Option<DateTime<Utc>>,
}

impl NewToken {
    /// Checks every field and reports every problem at once.
    pub fn parse(
        name: &str,
        scopes: &[Scope],
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", TokenName::parse(name));
        if scopes.is_empty() {
            errors.push(FieldError::new(
                "scopes",
                "required",
                "a token needs at least one scope",
            ));
        }
        if let Some(at) = expires_at {
            if at <= now {
                errors.push(FieldError::new(
                    "expires_at",
                    "in_the_past",
                    "a token must expire in the future",
                ));
            } else if at > now + Duration::days(MAX_LIFETIME_DAYS) {
                errors.push(FieldError::new(
                    "expires_at",
                    "too_far",
                    format!("a token lives at most {MAX_LIFETIME_DAYS} days"),
                ));
            }
        }
        errors.finish()?;
        let name = name.ok_or(DomainError::Unreachable("a name that parsed is missing"))?;
        Ok(Self {
            name,
            scopes: Scopes::of(scopes.iter().copied()),
            expires_at,
        })
    }
}

/// Creating a token: any active user may, up to [`MAX_TOKENS_PER_USER`]; a token never
/// creates tokens (its scopes could otherwise grow).
pub fn may_create_token(actor: &AccountUser, held: u32) -> Result<(), DomainError> {
    if actor.token.is_some() {
        return Err(DomainError::InsufficientScope("a personal access token"));
    }
    if held >= MAX_TOKENS_PER_USER {
        return Err(DomainError::TooManyTokens {
            max: MAX_TOKENS_PER_USER,
        });
    }
    Ok(())
}

/// Which tokens a user may see and revoke: their own; administrators every token of the
/// account (to cut off a leaked one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenVisibility {
    All,
    OwnOnly(UserId),
}

pub fn visible_tokens(actor: &AccountUser) -> TokenVisibility {
    if may_administer_account(actor).is_ok() {
        TokenVisibility::All
    } else {
        TokenVisibility::OwnOnly(actor.user_id)
    }
}

/// Managing tokens is for the people behind them: a token never lists or revokes tokens.
pub fn may_manage_tokens(actor: &AccountUser) -> Result<TokenVisibility, DomainError> {
    if actor.token.is_some() {
        return Err(DomainError::InsufficientScope("a personal access token"));
    }
    Ok(visible_tokens(actor))
}

/// A stored token, found by its secret's hash, and its creator's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredToken {
    pub id: ApiTokenId,
    pub account_id: AccountId,
    pub user_id: UserId,
    pub identity_id: IdentityId,
    pub scopes: Scopes,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub creator: Option<UserStanding>,
}

/// A request with an API token: the token must be live and its creator an active user (rule
/// 8, as for an access token issued when the token was created); it then acts as that user,
/// with the user's current rights, limited to the token's scopes.
pub fn authorize_token(token: StoredToken, now: DateTime<Utc>) -> Result<AccountUser, DomainError> {
    if token.revoked {
        return Err(DomainError::TokenNoLongerValid("the API token was revoked"));
    }
    if token.expires_at.is_some_and(|at| at <= now) {
        return Err(DomainError::TokenNoLongerValid("the API token has expired"));
    }
    let user = authorize_user(
        token.identity_id,
        token.created_at.timestamp(),
        token.account_id,
        token.user_id,
        token.creator.map(|creator| creator.as_of(now)),
    )
    .map_err(|_| {
        DomainError::TokenNoLongerValid("the API token's creator is no longer an active user")
    })?;
    Ok(AccountUser {
        token: Some(TokenGrant {
            id: token.id,
            scopes: token.scopes,
        }),
        ..user
    })
}

/// What a request needs of an API token (people's access tokens need nothing more).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Any live token (e.g. `GET /v1/me`: which user does this token act as?).
    AnyScope,
    Scope(Scope),
    /// Not for API tokens at all: the people behind them do this themselves.
    Person(&'static str),
}

/// A request made with an API token must be within its scopes; one made by a person is
/// judged by the person's rights alone.
pub fn require(actor: &AccountUser, needs: Needs) -> Result<(), DomainError> {
    let Some(grant) = actor.token else {
        return Ok(());
    };
    match needs {
        Needs::AnyScope => Ok(()),
        Needs::Scope(scope) if grant.scopes.contains(scope) => Ok(()),
        Needs::Scope(scope) => Err(DomainError::InsufficientScope(scope.as_str())),
        Needs::Person(what) => Err(DomainError::InsufficientScope(what)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::{UserStatus, UserType};
    use uuid::Uuid;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn stored(creator: Option<UserStanding>) -> StoredToken {
        StoredToken {
            id: ApiTokenId(Uuid::from_u128(1)),
            account_id: AccountId(Uuid::from_u128(2)),
            user_id: UserId(Uuid::from_u128(3)),
            identity_id: IdentityId(Uuid::from_u128(4)),
            scopes: Scopes::of([Scope::UsersRead]),
            created_at: now() - Duration::days(1),
            expires_at: None,
            revoked: false,
            creator,
        }
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

    #[test]
    fn a_new_token_needs_a_name_a_scope_and_a_future_expiry() {
        let ok = NewToken::parse(" CRM sync ", &[Scope::InvitationsWrite], None, now()).unwrap();
        assert_eq!(ok.name.into_string(), "CRM sync");
        let Err(DomainError::Invalid(errors)) =
            NewToken::parse(" ", &[], Some(now() - Duration::seconds(1)), now())
        else {
            panic!("accepted");
        };
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("name", "required"),
                ("scopes", "required"),
                ("expires_at", "in_the_past")
            ]
        );
        let far = now() + Duration::days(MAX_LIFETIME_DAYS + 1);
        assert!(NewToken::parse("x", &[Scope::UsersRead], Some(far), now()).is_err());
    }

    #[test]
    fn a_token_acts_as_its_live_creator_within_its_scopes() {
        let user =
            authorize_token(stored(Some(standing(UserStatus::Active, false))), now()).unwrap();
        assert_eq!(user.user_id, UserId(Uuid::from_u128(3)));
        assert!(require(&user, Needs::Scope(Scope::UsersRead)).is_ok());
        assert!(require(&user, Needs::AnyScope).is_ok());
        let refused = require(&user, Needs::Scope(Scope::InvitationsWrite)).unwrap_err();
        assert_eq!(refused.code(), "insufficient_scope");
        assert_eq!(
            require(&user, Needs::Person("x")).unwrap_err().code(),
            "insufficient_scope"
        );
        // People are judged by their rights alone.
        let person = AccountUser {
            token: None,
            ..user
        };
        assert!(require(&person, Needs::Scope(Scope::AuditRead)).is_ok());
    }

    #[test]
    fn a_token_dies_when_revoked_expired_or_its_creator_is_dismissed() {
        let active = Some(standing(UserStatus::Active, true));
        let revoked = StoredToken {
            revoked: true,
            ..stored(active)
        };
        let expired = StoredToken {
            expires_at: Some(now()),
            ..stored(active)
        };
        let dismissed = stored(Some(standing(UserStatus::Dismissed, true)));
        let gone = stored(None);
        let reinstated = stored(Some(UserStanding {
            dismissed_at: Some(now() - Duration::hours(1)),
            ..standing(UserStatus::Active, true)
        }));
        for token in [revoked, expired, dismissed, gone, reinstated] {
            assert_eq!(
                authorize_token(token, now()).unwrap_err().code(),
                "invalid_token"
            );
        }
    }

    #[test]
    fn tokens_never_make_or_manage_tokens() {
        let user =
            authorize_token(stored(Some(standing(UserStatus::Active, true))), now()).unwrap();
        assert!(may_create_token(&user, 0).is_err());
        assert!(may_manage_tokens(&user).is_err());
        let person = AccountUser {
            token: None,
            ..user
        };
        assert!(may_create_token(&person, MAX_TOKENS_PER_USER - 1).is_ok());
        assert_eq!(
            may_create_token(&person, MAX_TOKENS_PER_USER)
                .unwrap_err()
                .code(),
            "too_many_tokens"
        );
        assert_eq!(may_manage_tokens(&person).unwrap(), TokenVisibility::All);
        let employee = AccountUser {
            is_admin: false,
            ..person
        };
        assert_eq!(
            visible_tokens(&employee),
            TokenVisibility::OwnOnly(employee.user_id)
        );
    }
}
