//! The password someone gives to join an account with a login (accepting an invitation,
//! confirming through a join link): the profile's own, when the login has a profile — tried
//! here, its failures counting against the person as failed logins do (rule 9) —, or a new
//! profile's, hashed.

use crate::problem::ApiError;
use crate::rate_limit::PasswordTarget;
use crate::state::AppState;
use domain::locale::Locale;
use domain::password::Password;
use domain::sign_up::ExistingProfile;
use persistence::models::identities::Credentials;

/// What the given password is.
pub enum GivenPassword {
    /// The login's profile's: whether it matched (a mismatch was counted).
    Existing(ExistingProfile),
    /// A new profile's, hashed.
    New { password_hash: String },
}

/// Tries `given` against the profile the login has (`credentials`), or hashes `new` for a new
/// one. Refused (429) while the person's failures block it. A profile with two-step
/// authentication on must give its second factor too (`second_factor`, rule 13): the right
/// password without it is 401 `second_factor_required`, a wrong code 401 `invalid_code`.
pub async fn given_password(
    state: &AppState,
    credentials: Option<Credentials>,
    given: &str,
    new: &Password,
    second_factor: Option<&str>,
    asked: Option<Locale>,
) -> Result<GivenPassword, ApiError> {
    Ok(match credentials {
        Some(Credentials {
            identity_id,
            password_hash: stored,
        }) => {
            let target = PasswordTarget::Profile(identity_id);
            state.login_failures.check(&target).await?;
            let password_matches = state.passwords.verify(given, Some(stored)).await?;
            if !password_matches {
                state.login_failures.failed(&target).await?;
            } else {
                crate::second_factor::require_if_on(
                    state,
                    identity_id,
                    second_factor,
                    "second_factor_code",
                    asked,
                )
                .await?;
            }
            GivenPassword::Existing(ExistingProfile {
                identity_id,
                password_matches,
            })
        }
        None => GivenPassword::New {
            password_hash: state.passwords.hash(new).await?,
        },
    })
}
