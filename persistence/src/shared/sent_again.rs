//! What sending an invitation again is decided on — a resend, or an administrator's approval
//! of a held one: the invitation, its account, its login, its workgroup with the actor's
//! standing in it, and who holds the login now, the invitation itself aside (rule 6).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::tables::accounts::{account_by_id, AccountRecord};
use crate::tables::invitations::{find_invitation, InvitationRecord};
use crate::tables::users::{login_states, Pending};
use crate::tables::workgroups::{invitation_workgroup, WorkgroupRecord};
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::ids::InvitationId;
use domain::invitation::{LoginState, WorkgroupFacts};
use domain::login::Login;

/// An invitation as it stands, and what is around it.
pub(crate) struct SentAgain {
    pub invitation: InvitationRecord,
    pub account: AccountRecord,
    pub login: Login,
    pub group: Option<(WorkgroupRecord, WorkgroupFacts)>,
    /// Who holds the login now, the invitation itself aside.
    pub login_now: LoginState,
}

/// Reads invitation `id` of the actor's account and what is around it (404 when it is not
/// the account's).
pub(crate) fn read(
    conn: &mut DbConnection,
    actor: &AccountUser,
    id: InvitationId,
    now: DateTime<Utc>,
) -> Result<SentAgain, StoreError> {
    let invitation = find_invitation(conn, actor.account_id, id, now)?;
    let account = account_by_id(conn, actor.account_id)?;
    let login = invitation.login()?;
    let group = invitation_workgroup(
        conn,
        actor.account_id,
        invitation.workgroup_id,
        actor.user_id,
    )?;
    let states = login_states(
        conn,
        actor.account_id,
        &[&login],
        invitation.workgroup_id,
        Pending::Read,
        now,
    )?;
    let login_now = match states.first() {
        Some(LoginState::PendingInvitation(other)) if *other == invitation.id => LoginState::Free,
        Some(state) => *state,
        None => LoginState::Free,
    };
    Ok(SentAgain {
        invitation,
        account,
        login,
        group,
        login_now,
    })
}
