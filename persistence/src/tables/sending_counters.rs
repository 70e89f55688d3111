//! Sending quotas, counted in the database so that they hold across server processes: each
//! request that writes messages adds them to its counters in its own transaction, and is
//! refused whole (rolled back) when a counter goes over its limit. On PostgreSQL the counter
//! rows are taken in one order (an upsert locks its row until commit), so concurrent requests
//! of different accounts to the same address are counted exactly and never deadlock.

use crate::base::db::DbConnection;
use crate::base::error::StoreError;
use crate::base::keys::to_count;
use crate::base::schema::sending_counters;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Integer, Text, Timestamp};
use domain::enums::Channel;
use domain::ids::AccountId;
use domain::sending::{
    check_sending_quota, code_counters, counters_for, CodePurpose, Counter, Sending, SendingQuotas,
};
use domain::DomainError;

fn used(conn: &mut DbConnection, counter: &Counter, now: DateTime<Utc>) -> Result<u32, StoreError> {
    let used: Option<i32> = sending_counters::table
        .find((counter.key(), counter.window_start(now).naive_utc()))
        .select(sending_counters::used)
        .first(conn)
        .optional()?;
    Ok(used.map_or(0, |n| u32::try_from(n).unwrap_or(0)))
}

/// Adds `n` to a counter's current window (creating it at `n`); returns its count now.
fn add(
    conn: &mut DbConnection,
    counter: &Counter,
    n: u32,
    now: DateTime<Utc>,
) -> Result<u32, StoreError> {
    let upsert = CountUp {
        counter: counter.key(),
        window: counter.window_start(now).naive_utc(),
        n: i32::try_from(n).unwrap_or(i32::MAX),
    };
    let used: i32 = match conn {
        DbConnection::Sqlite(c) => upsert.get_result(c)?,
        DbConnection::Pg(c) => upsert.get_result(c)?,
    };
    Ok(to_count(used))
}

/// One counter's upsert, with SQL of its own: diesel never caches a statement with an
/// `UPDATE` clause (its `SET` list could vary), so its own upsert was prepared again on every
/// run — 7% of the SQLite writer thread's time. This one is the same text every time and is
/// prepared once per connection, on both backends.
struct CountUp {
    counter: String,
    window: NaiveDateTime,
    n: i32,
}

impl QueryId for CountUp {
    // Cached by its SQL, which never changes.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for CountUp {
    type SqlType = Integer;
}

impl<DB> QueryFragment<DB> for CountUp
where
    DB: Backend + HasSqlType<Text> + HasSqlType<Timestamp> + HasSqlType<Integer>,
    String: ToSql<Text, DB>,
    NaiveDateTime: ToSql<Timestamp, DB>,
    i32: ToSql<Integer, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("INSERT INTO sending_counters (counter, window_start, used) VALUES (");
        out.push_bind_param::<Text, _>(&self.counter)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&self.window)?;
        out.push_sql(", ");
        out.push_bind_param::<Integer, _>(&self.n)?;
        out.push_sql(
            ") ON CONFLICT (counter, window_start) DO UPDATE \
             SET used = sending_counters.used + excluded.used RETURNING used",
        );
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for CountUp {}

/// At most this many counters are counted one statement each (whose prepared statement SQLite
/// caches); more, in one statement. On PostgreSQL every statement is a round trip: there,
/// more than one is always one statement.
const ONE_BY_ONE: usize = 2;

/// Adds each counter's `n` to its current window (creating it at `n`) in one statement, and
/// returns the counts now, in the order given. On PostgreSQL the rows stay locked to this
/// transaction until it ends, taken in the order given (key order: no deadlock).
fn add_all(
    conn: &mut DbConnection,
    counters: &[(Counter, u32)],
    now: DateTime<Utc>,
) -> Result<Vec<u32>, StoreError> {
    use diesel::upsert::excluded;
    let rows: Vec<_> = counters
        .iter()
        .map(|(counter, n)| {
            (
                sending_counters::counter.eq(counter.key()),
                sending_counters::window_start.eq(counter.window_start(now).naive_utc()),
                sending_counters::used.eq(i32::try_from(*n).unwrap_or(i32::MAX)),
            )
        })
        .collect();
    let upsert = diesel::insert_into(sending_counters::table)
        .values(rows)
        .on_conflict((sending_counters::counter, sending_counters::window_start))
        .do_update()
        .set(sending_counters::used.eq(sending_counters::used + excluded(sending_counters::used)))
        .returning((sending_counters::counter, sending_counters::used));
    let counted: Vec<(String, i32)> = match conn {
        DbConnection::Sqlite(c) => upsert.get_results(c)?,
        DbConnection::Pg(c) => upsert.get_results(c)?,
    };
    let counted: std::collections::HashMap<String, i32> = counted.into_iter().collect();
    counters
        .iter()
        .map(|(counter, _)| {
            let key = counter.key();
            counted
                .get(&key)
                .map(|used| to_count(*used))
                .ok_or_else(|| StoreError::Corrupt(format!("counter `{key}` was not counted")))
        })
        .collect()
}

/// Counted messages: each counter as it stands with them, not yet judged against the quotas.
#[derive(Debug, Default)]
pub(crate) struct Counted(Vec<(Counter, u32)>);

impl Counted {
    /// Refused (429 `sending_quota_exceeded`) when a counter went over its limit; the caller's
    /// transaction then rolls back and nothing is created or sent.
    pub(crate) fn judge(
        &self,
        quotas: &SendingQuotas,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        Ok(check_sending_quota(&self.0, quotas, now)?)
    }
}

/// Counts `messages` (sent for `account`, if any) as [`consume`] does, judged later by the
/// caller ([`Counted::judge`]).
pub(crate) fn count(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    messages: &[Sending<'_>],
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<Counted, StoreError> {
    let counters = counters_for(account, messages, quotas);
    Ok(Counted(count_in(conn, counters, now, true)?))
}

/// On PostgreSQL: `guard` (a statement that returns a row when it did its part, such as a
/// seat reservation), then `messages` counted as [`count`] does — only when it returned one —
/// in one statement: `WITH guard AS (…) INSERT … WHERE EXISTS (SELECT 1 FROM guard)`. The
/// guard's row is locked first, as every write takes the account row before the counters, and
/// the round trip saved is one the account's lock is held across. `None`: the guard returned
/// no row, and nothing was counted.
pub(crate) fn count_after<G>(
    conn: &mut diesel::pg::PgConnection,
    guard: G,
    account: Option<AccountId>,
    messages: &[Sending<'_>],
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<Option<Counted>, StoreError>
where
    G: QueryFragment<diesel::pg::Pg>,
{
    let counters = counters_for(account, messages, quotas);
    let statement = CountAfter {
        guard,
        counters: counters.iter().map(|(c, _)| c.key()).collect(),
        windows: counters
            .iter()
            .map(|(c, _)| c.window_start(now).naive_utc())
            .collect(),
        added: counters
            .iter()
            .map(|(_, n)| i32::try_from(*n).unwrap_or(i32::MAX))
            .collect(),
    };
    if counters.is_empty() {
        // Nothing to count: the guard alone, its row or none.
        return Ok((statement.guard_alone().execute(conn)? == 1).then(Counted::default));
    }
    let counted: std::collections::HashMap<String, i32> =
        statement.load::<(String, i32)>(conn)?.into_iter().collect();
    if counted.is_empty() {
        return Ok(None);
    }
    counters
        .into_iter()
        .map(|(counter, _)| {
            let key = counter.key();
            let used = counted
                .get(&key)
                .ok_or_else(|| StoreError::Corrupt(format!("counter `{key}` was not counted")))?;
            Ok((counter, to_count(*used)))
        })
        .collect::<Result<Vec<_>, StoreError>>()
        .map(|c| Some(Counted(c)))
}

/// [`count_after`]'s statement: the counters as arrays (`unnest`), so that its SQL is the same
/// however many there are, and prepared once per connection.
struct CountAfter<G> {
    guard: G,
    counters: Vec<String>,
    windows: Vec<NaiveDateTime>,
    added: Vec<i32>,
}

impl<G> CountAfter<G> {
    fn guard_alone(self) -> GuardAlone<G> {
        GuardAlone(self.guard)
    }
}

impl<G> QueryId for CountAfter<G> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<G> Query for CountAfter<G> {
    type SqlType = (Text, Integer);
}

impl<G: QueryFragment<diesel::pg::Pg>> QueryFragment<diesel::pg::Pg> for CountAfter<G> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        use diesel::sql_types::Array;
        out.push_sql("WITH guard AS (");
        self.guard.walk_ast(out.reborrow())?;
        out.push_sql(
            ") INSERT INTO sending_counters (counter, window_start, used) \
             SELECT * FROM unnest(",
        );
        out.push_bind_param::<Array<Text>, _>(&self.counters)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.windows)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.added)?;
        out.push_sql(
            ") WHERE EXISTS (SELECT 1 FROM guard) \
             ON CONFLICT (counter, window_start) DO UPDATE \
             SET used = sending_counters.used + excluded.used RETURNING counter, used",
        );
        Ok(())
    }
}

impl<G, Conn> RunQueryDsl<Conn> for CountAfter<G> {}

/// The guard of a [`CountAfter`] with nothing to count.
struct GuardAlone<G>(G);

impl<G> QueryId for GuardAlone<G> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<G: QueryFragment<diesel::pg::Pg>> QueryFragment<diesel::pg::Pg> for GuardAlone<G> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        self.0.walk_ast(out)
    }
}

impl<G, Conn> RunQueryDsl<Conn> for GuardAlone<G> {}

/// Counts `messages` (sent for `account`, if any) against their quotas, inside the caller's
/// transaction; refused (429 `sending_quota_exceeded`) when any counter would go over its
/// limit, in which case the caller's transaction rolls back and nothing is created or sent.
pub(crate) fn consume(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    messages: &[Sending<'_>],
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    decide(conn, account, messages, quotas, now, true)
}

/// Counts `messages` as [`consume`] does when they fit, in a savepoint of the caller's
/// transaction: `false`, and nothing counted, when a quota refuses them — the caller's other
/// work goes on, and the messages are left for later (the upkeep's reminders are tried again
/// at its next run).
pub(crate) fn consume_if_within(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    messages: &[Sending<'_>],
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    match conn.transaction(|conn| consume(conn, account, messages, quotas, now)) {
        Ok(()) => Ok(true),
        Err(StoreError::Domain(DomainError::SendingQuotaExceeded { .. })) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether `messages` would fit, without counting them (a dry run).
pub(crate) fn check(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    messages: &[Sending<'_>],
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    decide(conn, account, messages, quotas, now, false)
}

/// Counts one code to prove a login (a sign-up's, a login change's) asked for from `client`
/// against the budgets of codes — never an account's quota or the recipient's daily one, which
/// invitations rely on (rule 11); refused (429 `sending_quota_exceeded`) over any of them, the
/// caller's transaction then rolling back. The first refusal for the ceiling of everyone's
/// codes in an hour logs `code_ceiling_reached`, for the operator to hear of.
pub(crate) fn consume_code(
    conn: &mut DbConnection,
    code: &Sending<'_>,
    purpose: CodePurpose,
    client: &str,
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let counters = code_counters(code, purpose, client, quotas);
    let after = count_in(conn, counters, now, true)?;
    for (counter, used) in &after {
        let Some(limit) = counter.limit(quotas) else {
            continue;
        };
        if counter.is_code_ceiling() && *used > limit && first_refusal_of_window(counter, now) {
            tracing::warn!(
                event = "code_ceiling_reached",
                counter = %counter.key(),
                limit,
                resets_at = %counter.window_end(now),
                "the hourly ceiling of codes to prove a login was reached: further sign-up and \
                 login-change codes on this channel are refused until the hour ends"
            );
        }
    }
    Ok(check_sending_quota(&after, quotas, now)?)
}

/// Whether this process has not yet told of `counter`'s ceiling in the window `now` is in
/// (refused requests roll their count back, so the count alone cannot say).
fn first_refusal_of_window(counter: &Counter, now: DateTime<Utc>) -> bool {
    use std::sync::Mutex;
    static TOLD: Mutex<Vec<(String, i64)>> = Mutex::new(Vec::new());
    let window = counter.window_start(now).timestamp();
    let key = counter.key();
    let mut told = TOLD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match told.iter_mut().find(|(k, _)| *k == key) {
        Some((_, w)) if *w == window => false,
        Some((_, w)) => {
            *w = window;
            true
        }
        None => {
            told.push((key, window));
            true
        }
    }
}

/// Each counter as it stands with `messages` included (added to it when `count`), decided on.
fn decide(
    conn: &mut DbConnection,
    account: Option<AccountId>,
    messages: &[Sending<'_>],
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
    count: bool,
) -> Result<(), StoreError> {
    let counters = counters_for(account, messages, quotas);
    if counters.is_empty() {
        return Ok(());
    }
    let after = count_in(conn, counters, now, count)?;
    Ok(check_sending_quota(&after, quotas, now)?)
}

/// Each counter as it stands with its messages included (added to it when `count`).
fn count_in(
    conn: &mut DbConnection,
    counters: Vec<(Counter, u32)>,
    now: DateTime<Utc>,
    count: bool,
) -> Result<Vec<(Counter, u32)>, StoreError> {
    if counters.is_empty() {
        return Ok(Vec::new());
    }
    let one_by_one = match conn {
        DbConnection::Sqlite(_) => ONE_BY_ONE,
        DbConnection::Pg(_) => 1,
    };
    let counts = if count && counters.len() <= one_by_one {
        counters
            .iter()
            .map(|(counter, n)| add(conn, counter, *n, now))
            .collect::<Result<Vec<_>, StoreError>>()?
    } else if count {
        add_all(conn, &counters, now)?
    } else {
        counters
            .iter()
            .map(|(counter, n)| Ok(used(conn, counter, now)?.saturating_add(*n)))
            .collect::<Result<Vec<_>, StoreError>>()?
    };
    Ok(counters
        .into_iter()
        .zip(counts)
        .map(|((counter, _), used)| (counter, used))
        .collect())
}

/// An account's use of its hourly quota on one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelUse {
    pub used: u32,
    /// `None` when the channel has no limit.
    pub limit: Option<u32>,
    /// When this hour's count starts over.
    pub resets_at: DateTime<Utc>,
}

/// An account's messages of this hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountSending {
    pub email: ChannelUse,
    pub sms: ChannelUse,
}

/// The account's messages of this hour, per channel.
pub(crate) fn account_use(
    conn: &mut DbConnection,
    account: AccountId,
    quotas: &SendingQuotas,
    now: DateTime<Utc>,
) -> Result<AccountSending, StoreError> {
    let mut of = |channel: Channel| -> Result<ChannelUse, StoreError> {
        let counter = Counter::Account { account, channel };
        Ok(ChannelUse {
            used: used(conn, &counter, now)?,
            limit: quotas.per_account_hour(channel),
            resets_at: counter.window_end(now),
        })
    };
    Ok(AccountSending {
        email: of(Channel::Email)?,
        sms: of(Channel::Sms)?,
    })
}

/// Forgets up to `limit` counters of windows that ended more than a day ago (a batch of the
/// retention sweep, found by `sending_counters_window`); returns how many. The counters of a
/// window share its start, so the batch is deleted by key within each start it holds.
pub(crate) fn delete_old(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let cutoff = (now - Duration::days(2)).naive_utc();
    let old: Vec<(NaiveDateTime, String)> = sending_counters::table
        .filter(sending_counters::window_start.lt(cutoff))
        .select((sending_counters::window_start, sending_counters::counter))
        .limit(limit)
        .load(conn)?;
    let mut by_window: std::collections::BTreeMap<NaiveDateTime, Vec<String>> =
        std::collections::BTreeMap::new();
    for (window, counter) in old {
        by_window.entry(window).or_default().push(counter);
    }
    let mut deleted = 0;
    for (window, counters) in by_window {
        deleted += diesel::delete(
            sending_counters::table
                .filter(sending_counters::window_start.eq(window))
                .filter(sending_counters::counter.eq_any(counters)),
        )
        .execute(conn)?;
    }
    Ok(deleted)
}

/// Forgets the sending counters whose key holds one of `patterns` (`LIKE`: an erased person's logins
/// and profile id, rule 14); how many. Their limits start over for those logins, which are
/// no one's any more.
pub(crate) fn forget_traces(
    conn: &mut DbConnection,
    patterns: &[String],
) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(sending_counters::table.filter(crate::base::page::like_any!(
            sending_counters::table,
            sending_counters::counter,
            patterns
        )))
        .execute(conn)?,
    )
}
