//! Where the server under test keeps its data for the run, and the invitations stored before
//! it (an API batch would take minutes for a million).

use diesel::connection::SimpleConnection;
use diesel::Connection;
use std::time::Instant;

/// Where the server keeps its data for the run.
pub enum Store {
    Sqlite {
        path: String,
        _dir: tempfile::TempDir,
    },
    Postgres {
        server: String,
        name: String,
    },
}

impl Store {
    pub fn create(postgres: Option<&str>) -> Self {
        match postgres {
            None => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("bench.db").display().to_string();
                Self::Sqlite { path, _dir: dir }
            }
            Some(server) => {
                let server = server.trim_end_matches('/').to_owned();
                let name = format!("extranet_bench_{}", std::process::id());
                let mut admin =
                    diesel::PgConnection::establish(&format!("{server}/postgres")).unwrap();
                // One statement each: a multi-statement string runs as one transaction.
                admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .unwrap();
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap();
                Self::Postgres { server, name }
            }
        }
    }

    pub fn url(&self) -> String {
        match self {
            Self::Sqlite { path, .. } => format!("sqlite://{path}"),
            Self::Postgres { server, name } => format!("{server}/{name}"),
        }
    }

    /// The database file, on SQLite.
    pub fn sqlite_path(&self) -> Option<String> {
        match self {
            Self::Sqlite { path, .. } => Some(path.clone()),
            Self::Postgres { .. } => None,
        }
    }

    /// Messages (and webhook deliveries) still waiting in the outbox.
    pub fn pending_messages(&self) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let sql = "SELECT count(*) AS n FROM outbox WHERE status = 'pending'";
        let counted: Result<Vec<Count>, _> = match self {
            Self::Sqlite { path, .. } => diesel::SqliteConnection::establish(path)
                .map_err(|e| e.to_string())
                .and_then(|mut c| {
                    diesel::RunQueryDsl::load(diesel::sql_query(sql), &mut c)
                        .map_err(|e| e.to_string())
                }),
            Self::Postgres { .. } => diesel::PgConnection::establish(&self.url())
                .map_err(|e| e.to_string())
                .and_then(|mut c| {
                    diesel::RunQueryDsl::load(diesel::sql_query(sql), &mut c)
                        .map_err(|e| e.to_string())
                }),
        };
        counted
            .ok()
            .and_then(|c| c.first().map(|c| c.n))
            .unwrap_or(-1)
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "SQLite",
            Self::Postgres { .. } => "PostgreSQL",
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Self::Postgres { server, name } = self {
            if let Ok(mut admin) = diesel::PgConnection::establish(&format!("{server}/postgres")) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// Stores `n` invitations (and their sent messages and audit events) for the account, as
/// the API would have, in one transaction.
pub fn seed(store: &Store, account: &str, group: &str, inviter: &str, n: u64) {
    match store {
        Store::Sqlite { path, .. } => seed_sqlite(path, account, group, inviter, n),
        Store::Postgres { .. } => seed_postgres(&store.url(), account, group, inviter, n),
    }
}

/// The statement that counts `n` more pending invitations for the account, in the schema of the
/// binary measured: the counters have their own table since issue #27, on `accounts` before
/// (an older build, benched beside this one, migrates its own schema).
fn count_seats(
    conn: &mut impl diesel::connection::SimpleConnection,
    account: &str,
    n: u64,
) -> String {
    if conn
        .batch_execute("SELECT 1 FROM account_seats LIMIT 0")
        .is_ok()
    {
        format!("UPDATE account_seats SET pending_invitations = pending_invitations + {n} WHERE account_id = '{account}';")
    } else {
        format!("UPDATE accounts SET pending_invitations = pending_invitations + {n} WHERE id = '{account}';")
    }
}

fn seed_postgres(url: &str, account: &str, group: &str, inviter: &str, n: u64) {
    let mut conn = diesel::PgConnection::establish(url).unwrap();
    let count_seats = count_seats(&mut conn, account, n);
    let started = Instant::now();
    let id = "'00000000-0000-7000-8000-' || lpad(x::text, 12, '0')";
    conn.batch_execute(&format!(
        "BEGIN;
         INSERT INTO invitations (id, account_id, invitation_type, status, email, phone, login, first_name,
             last_name, workgroup_id, message, invited_by, token_hash, expires_at, sent_count, last_sent_at,
             created_at, updated_at)
         SELECT {id}, '{account}', 'extranet', 'pending',
             'seed' || x || '@seed.example', NULL, 'seed' || x || '@seed.example', 'Seed', 'Person',
             '{group}', NULL, '{inviter}', md5(random()::text) || md5(random()::text), '2099-01-01 00:00:00',
             1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00'
         FROM generate_series(1, {n}) x;
         INSERT INTO outbox (id, account_id, channel, recipient, payload, status, attempts, next_attempt_at,
             created_at, sent_at)
         SELECT {id}, '{account}', 'email', 'seed' || x || '@seed.example',
             '{{}}', 'sent', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00'
         FROM generate_series(1, {n}) x;
         INSERT INTO audit_events (id, account_id, actor_user_id, action, subject_type, subject_id, details, created_at)
         SELECT {id}, '{account}', '{inviter}', 'invitation.created',
             'invitation', {id}, '{{}}', '2026-01-01 00:00:00'
         FROM generate_series(1, {n}) x;
         {count_seats}
         COMMIT;"
    ))
    .unwrap();
    conn.batch_execute("VACUUM ANALYZE").unwrap();
    eprintln!(
        "seeded {n} invitations in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn seed_sqlite(path: &str, account: &str, group: &str, inviter: &str, n: u64) {
    let mut conn = diesel::SqliteConnection::establish(path).unwrap();
    conn.batch_execute("PRAGMA busy_timeout = 60000;").unwrap();
    let count_seats = count_seats(&mut conn, account, n);
    let started = Instant::now();
    conn.batch_execute(&format!(
        "BEGIN IMMEDIATE;
         WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n})
         INSERT INTO invitations (id, account_id, invitation_type, status, email, phone, login, first_name,
             last_name, workgroup_id, message, invited_by, token_hash, expires_at, sent_count, last_sent_at,
             created_at, updated_at)
         SELECT printf('00000000-0000-7000-8000-%012d', x), '{account}', 'extranet', 'pending',
             'seed' || x || '@seed.example', NULL, 'seed' || x || '@seed.example', 'Seed', 'Person',
             '{group}', NULL, '{inviter}', lower(hex(randomblob(32))), '2099-01-01 00:00:00',
             1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00'
         FROM c;
         WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n})
         INSERT INTO outbox (id, account_id, channel, recipient, payload, status, attempts, next_attempt_at,
             created_at, sent_at)
         SELECT printf('00000000-0000-7000-8000-%012d', x), '{account}', 'email', 'seed' || x || '@seed.example',
             '{{}}', 'sent', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00'
         FROM c;
         WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n})
         INSERT INTO audit_events (id, account_id, actor_user_id, action, subject_type, subject_id, details, created_at)
         SELECT printf('00000000-0000-7000-8000-%012d', x), '{account}', '{inviter}', 'invitation.created',
             'invitation', printf('00000000-0000-7000-8000-%012d', x), '{{}}', '2026-01-01 00:00:00'
         FROM c;
         {count_seats}
         COMMIT;
         PRAGMA wal_checkpoint(TRUNCATE);"
    ))
    .unwrap();
    eprintln!(
        "seeded {n} invitations in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
