//! The account's users as lists show them: narrowed, searched, paged, by their status as of
//! now.

use super::{load_users, users_of, visible, UserRecord};
use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::Key;
use crate::base::page::{like_pattern, lower, search_text};
use crate::base::schema::{identities, users};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::access::{visible_users, AccountUser};
use domain::enums::{UserStatus, UserType};
use domain::ids::UserId;

/// What a users list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub user_type: Option<UserType>,
    pub status: Option<UserStatus>,
    /// Part of a name, email or phone, any case.
    pub q: Option<String>,
}

impl UserFilter {
    /// Whether the list may read every user of the account (a search) rather than one page
    /// of an index.
    pub fn scans(&self) -> bool {
        search_text(self.q.as_deref()).is_some()
    }
}

/// Up to `rows` of the account's users the caller may see, newest first, narrowed by
/// `filter`, those before `after` when given.
pub(crate) fn page_of(
    conn: &mut DbConnection,
    actor: &AccountUser,
    filter: &UserFilter,
    after: Option<UserId>,
    rows: i64,
    now: DateTime<Utc>,
) -> Result<Vec<UserRecord>, StoreError> {
    let mut query = visible(users_of(actor.account_id), visible_users(actor));
    if let Some(t) = filter.user_type {
        query = query.filter(users::user_type.eq(t.as_str()));
    }
    // The status as of `now`: an active user whose access has ended is dismissed already.
    let at = now.naive_utc();
    let active = UserStatus::Active.as_str();
    match filter.status {
        Some(UserStatus::Active) => {
            query = query.filter(users::status.eq(active)).filter(
                users::access_expires_at
                    .is_null()
                    .or(users::access_expires_at.gt(at)),
            );
        }
        Some(UserStatus::Dismissed) => {
            query = query.filter(
                users::status
                    .eq(UserStatus::Dismissed.as_str())
                    .or(users::access_expires_at.le(at)),
            );
        }
        None => {}
    }
    if let Some(q) = search_text(filter.q.as_deref()) {
        let p = like_pattern(q);
        // The logins the account knows its users by: a dismissed user is found by those of
        // its dismissal, never by logins its person took since (`domain::known_logins`); an
        // erased user by nothing of its person's (rule 14), whose profile may live on.
        query = query.filter(users::erased_at.is_null()).filter(
            lower(identities::first_name)
                .like(p.clone())
                .escape('\\')
                .or(lower(identities::last_name).like(p.clone()).escape('\\'))
                .or(lower(users::email.assume_not_null())
                    .like(p.clone())
                    .escape('\\'))
                .or(users::phone.assume_not_null().like(p).escape('\\')),
        );
    }
    if let Some(after) = after {
        query = query.filter(users::id.lt(after.key()));
    }
    let query = query.order(users::id.desc()).limit(rows);
    load_users(conn, query)
}
