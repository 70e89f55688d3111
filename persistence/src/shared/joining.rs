//! Letting a person into a workgroup through a join link (at once, or once approved): a new
//! external user on their profile (made now, or the one they proved), and an active
//! membership; or, for an external user of the account already, the membership alone.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::tables::accounts::{bump_logins_version, default_access_days};
use crate::tables::identities::{insert_identity, NewIdentity};
use crate::tables::memberships::{activate, insert_membership, NewMembership};
use crate::tables::users::{insert_user, NewUser};
use crate::tables::workgroups::max_access_days;
use chrono::{DateTime, Utc};
use domain::access_end::default_end;
use domain::enums::{MembershipStatus, Role, UserType};
use domain::ids::{AccountId, UserId, WorkgroupId};
use domain::join_link::{JoinAs, JoinProfile};
use domain::login::Login;
use domain::DomainError;

/// Who joins, as their request stored them.
pub(crate) struct Joiner<'a> {
    pub login: &'a Login,
    pub first_name: &'a str,
    pub last_name: &'a str,
    /// A new profile's password hash (none when they proved an existing profile).
    pub password_hash: Option<&'a str>,
}

/// Writes what a decided join ([`domain::join_link::JoinPlan`]) lets in; returns the user.
/// `invited_by`: the link's creator, or whoever approved.
#[allow(clippy::too_many_arguments)]
pub(crate) fn let_in(
    conn: &mut DbConnection,
    account_id: AccountId,
    workgroup_id: WorkgroupId,
    invited_by: UserId,
    joins_as: JoinAs,
    profile: JoinProfile,
    joiner: &Joiner<'_>,
    now: DateTime<Utc>,
) -> Result<UserId, StoreError> {
    let membership = |user_id| NewMembership {
        account_id,
        workgroup_id,
        user_id,
        role: Role::Member,
        status: MembershipStatus::Active,
        invited_by: Some(invited_by),
    };
    match joins_as {
        JoinAs::Member {
            user_id,
            invited: true,
        } => {
            activate(conn, workgroup_id, user_id, now)?;
            Ok(user_id)
        }
        JoinAs::Member {
            user_id,
            invited: false,
        } => {
            insert_membership(conn, &membership(user_id), now)?;
            Ok(user_id)
        }
        JoinAs::NewUser => {
            let identity_id = match (profile, joiner.password_hash) {
                (JoinProfile::Reuse(id), _) => id,
                (JoinProfile::Create, Some(hash)) => insert_identity(
                    conn,
                    &NewIdentity {
                        login: joiner.login,
                        password_hash: hash,
                        first_name: joiner.first_name,
                        last_name: joiner.last_name,
                    },
                    now,
                )?,
                (JoinProfile::Create, None) => return Err(DomainError::LoginTaken.into()),
            };
            // Issue #30: the account's default length of access, within the workgroup's maximum.
            let access_expires_at = default_end(
                default_access_days(conn, account_id)?,
                max_access_days(conn, workgroup_id)?,
                now,
            );
            let user_id = insert_user(
                conn,
                &NewUser {
                    account_id,
                    identity_id,
                    user_type: UserType::Extranet,
                    is_admin: false,
                    access_expires_at,
                },
                now,
            )?;
            // The login is a user's now: a batch that read it free without the account's lock
            // must not invite it (rule 6).
            bump_logins_version(conn, &[account_id])?;
            insert_membership(conn, &membership(user_id), now)?;
            Ok(user_id)
        }
    }
}
