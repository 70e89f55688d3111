//! Users of an account: the standing checked on every request, reads and lists filtered by
//! what the caller may see.

use crate::accounts::account_row;
use crate::audit::{self, AuditEvent};
use crate::db::{lock_account, Database, DbConnection};
use crate::error::StoreError;
use crate::invitations::{change_seats, sweep_account};
use crate::records::{
    into_page, parse_id, parse_word, utc, Page, PageRequest, UserRecord, UserRow, USER_COLUMNS,
};
use crate::schema::{identities, memberships, users};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access::{
    may_administer_account, visible_users, AccountUser, UserStanding, UserVisibility,
};
use domain::dismissal::{decide_dismiss, decide_reinstate, Subject};
use domain::enums::{MembershipStatus, UserStatus, UserType};
use domain::ids::{AccountId, UserId};
use domain::plan::Plans;
use domain::seats::SeatChange;
use domain::DomainError;
use serde_json::json;

diesel::define_sql_function!(
    /// SQL `lower()`, for searches that ignore case on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// The state of a token's user, read on every authenticated request.
pub fn standing(
    db: &Database,
    account_id: AccountId,
    user_id: UserId,
) -> Result<Option<UserStanding>, StoreError> {
    db.read(|conn| {
        users::table
            .find(user_id.to_string())
            .filter(users::account_id.eq(account_id.to_string()))
            .select((
                users::identity_id,
                users::status,
                users::user_type,
                users::is_admin,
                users::dismissed_at,
            ))
            .first::<(String, String, String, bool, Option<NaiveDateTime>)>(conn)
            .optional()?
            .map(|(identity_id, status, user_type, is_admin, dismissed_at)| {
                Ok(UserStanding {
                    identity_id: parse_id(&identity_id)?,
                    status: parse_word(&status, UserStatus::parse)?,
                    user_type: parse_word(&user_type, UserType::parse)?,
                    is_admin,
                    dismissed_at: dismissed_at.map(utc),
                })
            })
            .transpose()
    })
}

pub(crate) fn user_by_id(
    conn: &mut DbConnection,
    account_id: &str,
    user_id: &str,
) -> Result<Option<UserRecord>, StoreError> {
    users::table
        .inner_join(identities::table)
        .filter(users::id.eq(user_id))
        .filter(users::account_id.eq(account_id))
        .select(USER_COLUMNS)
        .first::<UserRow>(conn)
        .optional()?
        .map(UserRecord::try_from)
        .transpose()
}

type Backend = <DbConnection as Connection>::Backend;
type UserQuery<'a> =
    diesel::dsl::IntoBoxed<'a, diesel::dsl::InnerJoin<users::table, identities::table>, Backend>;

/// Restricts a users query to those the caller may see (rule 3): everyone for employees; for
/// an external user, itself and whoever shares an active workgroup with it.
fn visible<'a>(query: UserQuery<'a>, visibility: UserVisibility) -> UserQuery<'a> {
    match visibility {
        UserVisibility::Everyone => query,
        UserVisibility::SharedWorkgroups { viewer } => {
            let viewer = viewer.to_string();
            let active = MembershipStatus::Active.as_str();
            // The inner `memberships` gets its own name, apart from the outer one.
            let mine = diesel::alias!(memberships as my_memberships);
            let my_groups = mine
                .filter(mine.field(memberships::user_id).eq(viewer.clone()))
                .filter(mine.field(memberships::status).eq(active))
                .select(mine.field(memberships::workgroup_id));
            let co_members = memberships::table
                .filter(memberships::status.eq(active))
                .filter(memberships::workgroup_id.eq_any(my_groups))
                .select(memberships::user_id);
            query.filter(users::id.eq(viewer).or(users::id.eq_any(co_members)))
        }
    }
}

fn users_of(account_id: AccountId) -> UserQuery<'static> {
    users::table
        .inner_join(identities::table)
        .filter(users::account_id.eq(account_id.to_string()))
        .into_boxed()
}

/// The user, if it exists and the caller may see it.
pub(crate) fn visible_user(
    conn: &mut DbConnection,
    actor: &AccountUser,
    id: UserId,
) -> Result<Option<UserRecord>, StoreError> {
    visible(users_of(actor.account_id), visible_users(actor))
        .filter(users::id.eq(id.to_string()))
        .select(USER_COLUMNS)
        .first::<UserRow>(conn)
        .optional()?
        .map(UserRecord::try_from)
        .transpose()
}

/// One user, or 404 when it does not exist or the caller may not see it.
pub fn get_user(db: &Database, actor: &AccountUser, id: UserId) -> Result<UserRecord, StoreError> {
    db.read(|conn| visible_user(conn, actor, id)?.ok_or(DomainError::NotFound("user").into()))
}

fn subject_of(user: &UserRecord) -> Subject {
    Subject {
        user_id: user.id,
        user_type: user.user_type,
        status: user.status,
        is_admin: user.is_admin,
    }
}

/// Rule 8: dismisses a user (administrators): access ends at once (every request re-reads
/// the user), the data and memberships stay, the seat is freed.
pub fn dismiss(
    db: &Database,
    actor: &AccountUser,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    may_administer_account(actor)?;
    let actor = *actor;
    db.write(move |conn| {
        let account_id = actor.account_id.to_string();
        lock_account(conn, &account_id)?;
        let user = user_by_id(conn, &account_id, &id.to_string())?;
        let admins: i64 = users::table
            .filter(users::account_id.eq(&account_id))
            .filter(users::is_admin.eq(true))
            .filter(users::status.eq(UserStatus::Active.as_str()))
            .count()
            .get_result(conn)?;
        let seats = decide_dismiss(
            &actor,
            user.as_ref().map(subject_of),
            u32::try_from(admins).unwrap_or(u32::MAX),
        )?;
        set_status(conn, &actor, user, UserStatus::Dismissed, seats, now)
    })
}

/// Reinstates a dismissed user (administrators), when a seat is free (rule 4).
pub fn reinstate(
    db: &Database,
    actor: &AccountUser,
    plans: &Plans,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    may_administer_account(actor)?;
    let (actor, plans) = (*actor, plans.clone());
    db.write(move |conn| {
        let account_id = actor.account_id.to_string();
        lock_account(conn, &account_id)?;
        sweep_account(conn, &account_id, now)?;
        let seats = account_row(conn, &account_id)?.seats(&plans);
        let user = user_by_id(conn, &account_id, &id.to_string())?;
        let change = decide_reinstate(&actor, user.as_ref().map(subject_of), seats)?;
        set_status(conn, &actor, user, UserStatus::Active, change, now)
    })
}

/// Writes a decided dismissal or reinstatement: the status, the seat counters, the audit
/// event; returns the user as it is now.
fn set_status(
    conn: &mut DbConnection,
    actor: &AccountUser,
    user: Option<UserRecord>,
    status: UserStatus,
    seats: SeatChange,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError> {
    let user = user.ok_or(DomainError::NotFound("user"))?;
    let at = now.naive_utc();
    let row = users::table.find(user.id.to_string());
    let changed = (users::status.eq(status.as_str()), users::updated_at.eq(at));
    match status {
        UserStatus::Dismissed => diesel::update(row)
            .set((changed, users::dismissed_at.eq(at)))
            .execute(conn)?,
        // `dismissed_at` stays: tokens issued before the dismissal stay dead (rule 8).
        UserStatus::Active => diesel::update(row).set(changed).execute(conn)?,
    };
    change_seats(conn, &actor.account_id.to_string(), seats, now)?;
    let action = match status {
        UserStatus::Dismissed => "user.dismissed",
        UserStatus::Active => "user.reinstated",
    };
    audit::record(
        conn,
        AuditEvent::by(
            actor,
            action,
            "user",
            user.id.to_string(),
            json!({"type": user.user_type.as_str()}),
            now,
        ),
    )?;
    Ok(UserRecord { status, ..user })
}

/// What a users list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub user_type: Option<UserType>,
    pub status: Option<UserStatus>,
    /// Part of a name, email or phone, any case.
    pub q: Option<String>,
}

/// Escapes `%`, `_` and `\` so that a search text matches itself only.
pub(crate) fn like_pattern(q: &str) -> String {
    let mut p = String::with_capacity(q.len() + 2);
    p.push('%');
    for c in q.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The account's users the caller may see, newest first.
pub fn list_users(
    db: &Database,
    actor: &AccountUser,
    filter: &UserFilter,
    page: PageRequest<UserId>,
) -> Result<Page<UserRecord, UserId>, StoreError> {
    db.read(|conn| {
        let mut query = visible(users_of(actor.account_id), visible_users(actor));
        if let Some(t) = filter.user_type {
            query = query.filter(users::user_type.eq(t.as_str()));
        }
        if let Some(s) = filter.status {
            query = query.filter(users::status.eq(s.as_str()));
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let p = like_pattern(q);
            query = query.filter(
                lower(identities::first_name)
                    .like(p.clone())
                    .escape('\\')
                    .or(lower(identities::last_name).like(p.clone()).escape('\\'))
                    .or(lower(identities::email.assume_not_null())
                        .like(p.clone())
                        .escape('\\'))
                    .or(identities::phone.assume_not_null().like(p).escape('\\')),
            );
        }
        if let Some(after) = page.after {
            query = query.filter(users::id.lt(after.to_string()));
        }
        let rows = query
            .order(users::id.desc())
            .limit(i64::from(page.limit) + 1)
            .select(USER_COLUMNS)
            .load::<UserRow>(conn)?
            .into_iter()
            .map(UserRecord::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(into_page(rows, page.limit, |u| u.id))
    })
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn search_text_matches_itself_only() {
        assert_eq!(like_pattern("Ann"), "%ann%");
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
