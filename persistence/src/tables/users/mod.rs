//! The `users` table: a profile inside one account, with the logins the account knows it by
//! (its profile's while it is active, those of its dismissal once dismissed:
//! `domain::known_logins`) and the names of its identity; who holds a login in an account
//! (rule 6).

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::{parse_id, parse_word, utc, Key};
use crate::base::schema::{accounts, identities, memberships, users};
use crate::tables::identities::{logins_of, IdentityNames};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::access::{visible_users, AccountUser, UserStanding, UserVisibility};
use domain::access_end::{status_at, Dismissal};
use domain::dismissal::Subject;
use domain::enums::{MembershipStatus, UserStatus, UserType};
use domain::erasure::{ERASED_FIRST_NAME, ERASED_LAST_NAME};
use domain::ids::{AccountId, IdentityId, UserId};
use domain::locale::Locale;
use domain::login::Login;
use domain::login_change::ProfileLogins;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

mod access_ends;
pub(crate) mod erasure;
mod listing;
mod login_states;
mod names;
mod of_profile;
pub(crate) mod reminders;
mod reviewed;
pub(crate) use access_ends::*;
pub(crate) use listing::page_of;
pub use listing::UserFilter;
pub(crate) use login_states::{login_states, Pending};
pub(crate) use names::{names, names_by_id, names_of};
pub(crate) use of_profile::{active_of_identity, all_of_identity};
pub(crate) use reviewed::external_in_review_scope;
use uuid::Uuid;

/// A user of an account: the logins the account knows it by, the names of its identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    pub id: UserId,
    pub account_id: AccountId,
    pub identity_id: IdentityId,
    pub user_type: UserType,
    pub status: UserStatus,
    pub is_admin: bool,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub created_at: DateTime<Utc>,
    /// When an external user's access ends, if it does (issue #30).
    pub access_expires_at: Option<DateTime<Utc>>,
    /// Why the system dismissed the user, when it did.
    pub dismissal: Option<Dismissal>,
    /// When the user's data was erased (rule 14): its logins are gone and its names read
    /// "Erased user", whatever its profile still holds for other accounts.
    pub erased_at: Option<DateTime<Utc>>,
}

impl UserRecord {
    /// The user as the domain's decisions about it see it (a dismissal, a transfer, an
    /// erasure).
    pub fn subject(&self) -> Subject {
        Subject {
            user_id: self.id,
            user_type: self.user_type,
            status: self.status,
            is_admin: self.is_admin,
        }
    }

    /// The user as of `now`: one whose access has ended is dismissed, by the system, whether or
    /// not the sweep has recorded it yet.
    pub fn as_of(self, now: DateTime<Utc>) -> Self {
        let status = status_at(self.status, self.access_expires_at, now);
        if status == self.status {
            return self;
        }
        Self {
            status,
            dismissal: Some(Dismissal::AccessExpired),
            ..self
        }
    }
}

/// A [`UserRecord`] as stored: `users` joined with `identities`.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    id: String,
    account_id: String,
    identity_id: String,
    user_type: String,
    status: String,
    is_admin: bool,
    created_at: NaiveDateTime,
    email: Option<String>,
    phone: Option<String>,
    access_expires_at: Option<NaiveDateTime>,
    dismissal: Option<String>,
    erased_at: Option<NaiveDateTime>,
    #[diesel(embed)]
    identity: IdentityNames,
}

impl TryFrom<UserRow> for UserRecord {
    type Error = StoreError;

    fn try_from(r: UserRow) -> Result<Self, StoreError> {
        // An erased user shows none of its person, whose profile may live on elsewhere.
        let (email, phone, first_name, last_name) = match r.erased_at {
            Some(_) => (
                None,
                None,
                ERASED_FIRST_NAME.into(),
                ERASED_LAST_NAME.into(),
            ),
            None => (
                r.email,
                r.phone,
                r.identity.first_name,
                r.identity.last_name,
            ),
        };
        Ok(Self {
            id: parse_id(&r.id)?,
            account_id: parse_id(&r.account_id)?,
            identity_id: parse_id(&r.identity_id)?,
            user_type: parse_word(&r.user_type, UserType::parse)?,
            status: parse_word(&r.status, UserStatus::parse)?,
            is_admin: r.is_admin,
            email,
            phone,
            first_name,
            last_name,
            created_at: utc(r.created_at),
            access_expires_at: r.access_expires_at.map(utc),
            dismissal: r
                .dismissal
                .map(|w| parse_word(&w, |s| s.parse::<Dismissal>().ok()))
                .transpose()?,
            erased_at: r.erased_at.map(utc),
        })
    }
}

type Backend = <DbConnection as Connection>::Backend;
pub(crate) type UserQuery<'a> =
    diesel::dsl::IntoBoxed<'a, diesel::dsl::InnerJoin<users::table, identities::table>, Backend>;

/// The account's users with their identities.
pub(crate) fn users_of(account_id: AccountId) -> UserQuery<'static> {
    users::table
        .inner_join(identities::table)
        .filter(users::account_id.eq(account_id.key()))
        .into_boxed()
}

/// Restricts a users query to those the caller may see (rule 3): everyone for employees; for
/// an external user, itself and whoever shares an active workgroup with it.
pub(crate) fn visible<'a>(query: UserQuery<'a>, visibility: UserVisibility) -> UserQuery<'a> {
    match visibility {
        UserVisibility::Everyone => query,
        UserVisibility::SharedWorkgroups { viewer } => {
            let viewer = viewer.key();
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

/// Reads the rows of a users query.
pub(crate) fn load_users(
    conn: &mut DbConnection,
    query: UserQuery<'_>,
) -> Result<Vec<UserRecord>, StoreError> {
    query
        .select(UserRow::as_select())
        .load(conn)?
        .into_iter()
        .map(UserRecord::try_from)
        .collect()
}

/// The user of the account, whatever the caller may see.
pub(crate) fn user_by_id(
    conn: &mut DbConnection,
    account_id: AccountId,
    user_id: UserId,
) -> Result<Option<UserRecord>, StoreError> {
    users_of(account_id)
        .filter(users::id.eq(user_id.key()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(UserRecord::try_from)
        .transpose()
}

/// The user, if it exists and the caller may see it.
pub(crate) fn visible_user(
    conn: &mut DbConnection,
    actor: &AccountUser,
    id: UserId,
) -> Result<Option<UserRecord>, StoreError> {
    visible(users_of(actor.account_id), visible_users(actor))
        .filter(users::id.eq(id.key()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(UserRecord::try_from)
        .transpose()
}

/// What every request re-reads of the user it acts as (rule 8).
#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct StandingRow {
    identity_id: String,
    status: String,
    user_type: String,
    is_admin: bool,
    dismissed_at: Option<NaiveDateTime>,
    access_expires_at: Option<NaiveDateTime>,
}

impl StandingRow {
    pub(crate) fn standing(self) -> Result<UserStanding, StoreError> {
        Ok(UserStanding {
            identity_id: parse_id(&self.identity_id)?,
            status: parse_word(&self.status, UserStatus::parse)?,
            user_type: parse_word(&self.user_type, UserType::parse)?,
            is_admin: self.is_admin,
            dismissed_at: self.dismissed_at.map(utc),
            access_expires_at: self.access_expires_at.map(utc),
        })
    }
}

/// A new user to write: a profile joining an account.
pub(crate) struct NewUser {
    pub account_id: AccountId,
    pub identity_id: IdentityId,
    pub user_type: UserType,
    pub is_admin: bool,
    /// When an external user's access ends (issue #30).
    pub access_expires_at: Option<DateTime<Utc>>,
}

/// Writes a new active user, known by its profile's logins.
pub(crate) fn insert_user(
    conn: &mut DbConnection,
    new: &NewUser,
    now: DateTime<Utc>,
) -> Result<UserId, StoreError> {
    let id = UserId(Uuid::now_v7());
    let at = now.naive_utc();
    let logins = logins_of(conn, new.identity_id)?;
    make_way(conn, &[new.account_id], new.identity_id, &logins)?;
    diesel::insert_into(users::table)
        .values((
            users::id.eq(id.key()),
            users::account_id.eq(new.account_id.key()),
            users::identity_id.eq(new.identity_id.key()),
            users::user_type.eq(new.user_type.as_str()),
            users::status.eq(UserStatus::Active.as_str()),
            users::is_admin.eq(new.is_admin),
            users::email.eq(logins.email.as_deref()),
            users::phone.eq(logins.phone.as_deref()),
            users::access_expires_at.eq(new.access_expires_at.map(|e| e.naive_utc())),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Makes way, in `accounts`, for a user of `identity` to be known by `logins` (rule 6): a
/// dismissed user of another person known by one of them is known by it no more, for its
/// person has given it up since (`domain::known_logins::gives_way`: the person of `identity`
/// has it now). An active user of another person is never known by a login of this one's
/// (the unique indexes `users_account_email` and `users_account_phone` would refuse it).
pub(crate) fn make_way(
    conn: &mut DbConnection,
    accounts: &[AccountId],
    identity: IdentityId,
    logins: &ProfileLogins,
) -> Result<(), StoreError> {
    let accounts: Vec<String> = accounts.iter().map(|a| a.key()).collect();
    let others = || {
        users::table
            .filter(users::account_id.eq_any(accounts.clone()))
            .filter(users::identity_id.ne(identity.key()))
            .filter(users::status.eq(UserStatus::Dismissed.as_str()))
    };
    if let Some(email) = &logins.email {
        diesel::update(others().filter(users::email.eq(email)))
            .set(users::email.eq(None::<String>))
            .execute(conn)?;
    }
    if let Some(phone) = &logins.phone {
        diesel::update(others().filter(users::phone.eq(phone)))
            .set(users::phone.eq(None::<String>))
            .execute(conn)?;
    }
    Ok(())
}

/// The language a user's person chose for their messages, if they did.
pub(crate) fn chosen_locale(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Option<Locale>, StoreError> {
    let chosen: Option<String> = users::table
        .inner_join(identities::table)
        .filter(users::id.eq(user.key()))
        .select(identities::locale)
        .first(conn)?;
    chosen.map(|l| parse_word(&l, Locale::parse)).transpose()
}

/// What every request re-reads of the user it acts as, if it is one of the account's.
pub(crate) fn standing_of(
    conn: &mut DbConnection,
    account_id: AccountId,
    user_id: UserId,
) -> Result<Option<UserStanding>, StoreError> {
    users::table
        .find(user_id.key())
        .filter(users::account_id.eq(account_id.key()))
        .select(StandingRow::as_select())
        .first(conn)
        .optional()?
        .map(StandingRow::standing)
        .transpose()
}

/// The user a profile is in an account, its status as stored and the end of its access.
pub(crate) fn of_identity_in(
    conn: &mut DbConnection,
    account_id: AccountId,
    identity_id: IdentityId,
) -> Result<Option<(String, String, Option<NaiveDateTime>)>, StoreError> {
    Ok(users::table
        .filter(users::account_id.eq(account_id.key()))
        .filter(users::identity_id.eq(identity_id.key()))
        .select((users::id, users::status, users::access_expires_at))
        .first(conn)
        .optional()?)
}

/// The status of the user a profile is in an account, as stored, if it is one.
pub(crate) fn status_of_identity_in(
    conn: &mut DbConnection,
    account_id: AccountId,
    identity_id: IdentityId,
) -> Result<Option<String>, StoreError> {
    Ok(users::table
        .filter(users::account_id.eq(account_id.key()))
        .filter(users::identity_id.eq(identity_id.key()))
        .select(users::status)
        .first(conn)
        .optional()?)
}

/// A user a profile is, with its account's name, as stored.
#[derive(Queryable)]
pub(crate) struct UserInAccount {
    pub account_id: String,
    pub account_name: String,
    pub user_id: String,
    pub user_type: String,
    pub status: String,
    pub access_expires_at: Option<NaiveDateTime>,
}

/// The users a profile is, oldest first, with their accounts' names (joins `accounts`).
pub(crate) fn with_accounts_of(
    conn: &mut DbConnection,
    identity_id: IdentityId,
) -> Result<Vec<UserInAccount>, StoreError> {
    Ok(users::table
        .inner_join(accounts::table)
        .filter(users::identity_id.eq(identity_id.key()))
        .order(users::id.asc())
        .select((
            accounts::id,
            accounts::name,
            users::id,
            users::user_type,
            users::status,
            users::access_expires_at,
        ))
        .load(conn)?)
}

/// Each user a profile is, as `(account id, status)`.
pub(crate) fn accounts_of_identity(
    conn: &mut DbConnection,
    identity_id: IdentityId,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(users::table
        .filter(users::identity_id.eq(identity_id.key()))
        .select((users::account_id, users::status))
        .load(conn)?)
}

/// Makes the active users of a profile known by its new `login`; returns each as `(account
/// id, user id)`, written and read back in one statement.
pub(crate) fn follow_login(
    conn: &mut DbConnection,
    identity_id: IdentityId,
    login: &Login,
    at: NaiveDateTime,
) -> Result<Vec<(String, String)>, StoreError> {
    let active = users::table
        .filter(users::identity_id.eq(identity_id.key()))
        .filter(users::status.eq(UserStatus::Active.as_str()));
    let at_now = users::updated_at.eq(at);
    Ok(match login {
        Login::Email(e) => diesel::update(active)
            .set((users::email.eq(Some(e.as_str())), at_now))
            .returning((users::account_id, users::id))
            .get_results(conn)?,
        Login::Phone(p) => diesel::update(active)
            .set((users::phone.eq(Some(p.as_str())), at_now))
            .returning((users::account_id, users::id))
            .get_results(conn)?,
    })
}

/// Writes the logins the account knows a user by.
pub(crate) fn set_known_logins(
    conn: &mut DbConnection,
    user: UserId,
    logins: &ProfileLogins,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(user.key()))
        .set((
            users::email.eq(logins.email.as_deref()),
            users::phone.eq(logins.phone.as_deref()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes a user an employee (rule 5).
pub(crate) fn set_intranet(
    conn: &mut DbConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(user.key()))
        .set((
            users::user_type.eq(UserType::Intranet.as_str()),
            users::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes a user an administrator, or no longer one.
pub(crate) fn set_admin(
    conn: &mut DbConnection,
    user: UserId,
    is_admin: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(user.key()))
        .set((
            users::is_admin.eq(is_admin),
            users::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// How many active administrators an account has.
pub(crate) fn active_admins(
    conn: &mut DbConnection,
    account: AccountId,
) -> Result<i64, StoreError> {
    Ok(users::table
        .filter(users::account_id.eq(account.key()))
        .filter(users::is_admin.eq(true))
        .filter(users::status.eq(UserStatus::Active.as_str()))
        .count()
        .get_result(conn)?)
}

/// Writes a user dismissed (with the time: tokens issued before it stay dead, rule 8) or
/// active again (`dismissed_at` stays).
pub(crate) fn set_status(
    conn: &mut DbConnection,
    user: UserId,
    status: UserStatus,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = now.naive_utc();
    let row = users::table.find(user.key());
    // An administrator's dismissal, and a reinstatement, have no system cause.
    let changed = (
        users::status.eq(status.as_str()),
        users::updated_at.eq(at),
        users::dismissal.eq(None::<String>),
    );
    match status {
        UserStatus::Dismissed => diesel::update(row)
            .set((changed, users::dismissed_at.eq(at)))
            .execute(conn)?,
        UserStatus::Active => diesel::update(row).set(changed).execute(conn)?,
    };
    Ok(())
}

/// A user as `GET /v1/users/{id}` shows it, for the webhook event about it (joins
/// `identities` for the names); `None` when it is gone.
pub(crate) fn event_resource(
    conn: &mut DbConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Value>, StoreError> {
    let found: Option<UserRow> = users::table
        .inner_join(identities::table)
        .filter(users::id.eq(id))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    let Some(user) = found.map(UserRecord::try_from).transpose()? else {
        return Ok(None);
    };
    let user = user.as_of(now);
    let mut resource = json!({
        "id": user.id,
        "type": user.user_type.as_str(),
        "status": user.status.as_str(),
        "is_admin": user.is_admin,
        // The logins the account knows the user by (`domain::known_logins`).
        "email": user.email,
        "phone": user.phone,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "created_at": user.created_at,
        "access_expires_at": user.access_expires_at,
    });
    if let (Some(why), Some(fields)) = (user.dismissal, resource.as_object_mut()) {
        fields.insert("dismissal".into(), json!(why.as_str()));
    }
    if let (Some(at), Some(fields)) = (user.erased_at, resource.as_object_mut()) {
        fields.insert("erased_at".into(), json!(at));
    }
    Ok(Some(resource))
}
