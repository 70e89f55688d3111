//! Asking an existing user into a workgroup: the membership (invited, or active when the caller
//! adds itself), the notice to the user's address, and the audit event — written once, for the
//! batch's external users and for adding a member. Sending quotas are the caller's to count.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::shared::audit::{self, AuditEvent};
use crate::tables::memberships::{insert_membership, NewMembership};
use crate::tables::outbox::{self, membership_message, Inviter};
use crate::tables::users::chosen_locale;
use crate::tables::workgroups::WorkgroupRecord;
use chrono::{DateTime, Utc};
use domain::access::AccountUser;
use domain::audit::AuditAction;
use domain::enums::{Channel, MembershipStatus, Role};
use domain::ids::UserId;
use domain::locale;
use serde_json::json;

/// One user asked into one workgroup by `actor`.
pub(crate) struct MembershipInvitation<'a> {
    pub actor: &'a AccountUser,
    pub group: &'a WorkgroupRecord,
    pub user: UserId,
    pub role: Role,
    /// `Invited` (the user answers), or `Active` when the caller adds itself.
    pub status: MembershipStatus,
}

impl MembershipInvitation<'_> {
    /// Writes the membership and its audit event, and the notice to `address` (when invited
    /// and the user has one) from `inviter`.
    pub(crate) fn write(
        &self,
        conn: &mut DbConnection,
        notice: Option<(&Inviter<'_>, Channel, &str)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        insert_membership(
            conn,
            &NewMembership {
                account_id: self.actor.account_id,
                workgroup_id: self.group.id,
                user_id: self.user,
                role: self.role,
                status: self.status,
                invited_by: Some(self.actor.user_id),
            },
            now,
        )?;
        if self.status == MembershipStatus::Invited {
            if let Some((inviter, channel, address)) = notice {
                // The person's language, else the account's (the inviter's browser has no say).
                let locale = locale::for_person(
                    chosen_locale(conn, self.user)?,
                    Some(inviter.account.settings.locale),
                    None,
                );
                outbox::enqueue(
                    conn,
                    &membership_message(inviter, self.group, channel, address, locale),
                    now,
                )?;
            }
        }
        let action = match self.status {
            MembershipStatus::Invited => AuditAction::MembershipInvited,
            MembershipStatus::Active => AuditAction::MembershipJoined,
        };
        audit::record(
            conn,
            AuditEvent::by(
                self.actor,
                action,
                "workgroup",
                self.group.id.key(),
                json!({"user_id": self.user.key(), "role": self.role.as_str()}),
                now,
            ),
        )
    }
}
