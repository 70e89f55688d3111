//! Inserts that go together, written where each costs least: on SQLite one statement at a time
//! (a call into the process, its prepared statement cached), on PostgreSQL all in one
//! statement (`WITH w0 AS (INSERT …), w1 AS (INSERT …) INSERT …`), because there each statement
//! is a round trip. An invitation's row, its message, its audit event and its idempotency
//! record were four round trips; chained they are one.
//!
//! The statements of a chain see the database as it was before the chain: none may read what
//! another writes (a webhook's event body, which reads the invitation back, is made after the
//! chain has run), and a unique index refusing any row refuses them all, as it refused the
//! transaction before.

use super::DbConnection;
use crate::base::error::StoreError;
use diesel::pg::{Pg, PgConnection};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

/// Where inserts go: straight to the database, or into a chain sent by [`Writes::run`].
pub(crate) enum Writes<'c, 'a> {
    Now(&'c mut DbConnection),
    Chained(Chain<'c, 'a>),
}

/// PostgreSQL's inserts, kept until the chain runs.
pub(crate) struct Chain<'c, 'a> {
    conn: &'c mut PgConnection,
    parts: Vec<Box<dyn QueryFragment<Pg> + 'a>>,
}

impl<'c, 'a> Writes<'c, 'a> {
    /// Inserts one at a time on SQLite, chained on PostgreSQL.
    pub(crate) fn on(conn: &'c mut DbConnection) -> Self {
        match conn {
            DbConnection::Pg(conn) => Self::Chained(Chain {
                conn,
                parts: Vec::new(),
            }),
            conn => Self::Now(conn),
        }
    }

    /// Inserts written as they come, on either backend (a single insert gains nothing from a
    /// chain).
    pub(crate) fn now(conn: &'c mut DbConnection) -> Self {
        Self::Now(conn)
    }

    /// Sends what was chained, if anything.
    pub(crate) fn run(self) -> Result<(), StoreError> {
        match self {
            Self::Now(_) => Ok(()),
            Self::Chained(Chain { parts, .. }) if parts.is_empty() => Ok(()),
            Self::Chained(Chain { conn, parts }) => {
                Chained { parts }.execute(conn)?;
                Ok(())
            }
        }
    }
}

impl<'a> Chain<'_, 'a> {
    pub(crate) fn push(&mut self, statement: impl QueryFragment<Pg> + 'a) {
        self.parts.push(Box::new(statement));
    }
}

/// The statement a chain sends.
struct Chained<'a> {
    parts: Vec<Box<dyn QueryFragment<Pg> + 'a>>,
}

impl QueryId for Chained<'_> {
    // Cached by its SQL: the same chain of single-row inserts has the same text every time.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl QueryFragment<Pg> for Chained<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let Some((last, first)) = self.parts.split_last() else {
            return Ok(());
        };
        for (i, part) in first.iter().enumerate() {
            out.push_sql(if i == 0 { "WITH " } else { ", " });
            out.push_sql(&format!("w{i} AS ("));
            part.walk_ast(out.reborrow())?;
            out.push_sql(")");
        }
        if !first.is_empty() {
            out.push_sql(" ");
        }
        last.walk_ast(out.reborrow())
    }
}

impl<Conn> RunQueryDsl<Conn> for Chained<'_> {}
