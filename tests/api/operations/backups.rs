//! `extranet backup` and `extranet restore` on SQLite: a backup taken while a server answers a
//! steady invitation load restores to a database holding every invitation acknowledged before
//! it began, with seat counters equal to a recount; restore waits for the server to stop, keeps
//! the database it replaces, and refuses a backup a newer release made. On PostgreSQL both
//! commands refuse and say which PostgreSQL tools do it.

use crate::support::helpers::*;
use crate::support::load::{self, Load};
use crate::support::processes::{binary, ServerProcess};
use diesel::{Connection, RunQueryDsl, SqliteConnection};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn on_postgres() -> bool {
    std::env::var("TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty())
}

fn skipped_on_postgres() -> bool {
    if on_postgres() {
        eprintln!(
            "skipped on PostgreSQL: `extranet backup`/`restore` are for SQLite (PostgreSQL's are \
             pg_dump/pg_restore; their refusal is tested by \
             on_postgresql_backup_and_restore_refuse_and_name_pg_dump)"
        );
    }
    on_postgres()
}

/// What one run of the binary said.
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `extranet ARGS` on the database at `url`, in a folder of its own (no extranet.toml).
pub async fn extranet(url: &str, args: &[&str]) -> Ran {
    extranet_of(&binary(), url, args).await
}

/// As [`extranet`], the binary at `bin` (another release's, for an upgrade).
pub async fn extranet_of(bin: &Path, url: &str, args: &[&str]) -> Ran {
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(bin)
        .args(args)
        .current_dir(dir.path())
        .env("DATABASE_URL", url)
        .env("EXTRANET_JWT_SECRET", JWT_SECRET)
        .env("EXTRANET_EMAIL", "console")
        .env("EXTRANET_SMS", "console")
        .output()
        .await
        .unwrap();
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn url_of(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

fn count(path: &Path, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    diesel::sql_query(sql).get_result::<N>(&mut conn).unwrap().n
}

fn execute(path: &Path, sql: &str) {
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    diesel::sql_query(sql).execute(&mut conn).unwrap();
}

async fn stop(mut server: ServerProcess) {
    server.terminate();
    let status = server.exited_within(Duration::from_secs(30)).await;
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}

/// The account's seat counters equal a recount of its users and invitations.
async fn assert_counters_are_the_recount(server: &ServerProcess, token: &str) {
    let client = reqwest::Client::new();
    let get = |path: &str| {
        client
            .get(format!("{}{path}", server.address))
            .bearer_auth(token)
            .send()
    };
    let (status, usage) = json_of(get("/v1/account/usage").await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{usage}");
    let (_, users) = json_of(get("/v1/users?status=active&limit=200").await.unwrap()).await;
    let users = users["items"].as_array().unwrap().clone();
    assert!(users.len() < 200, "one page holds them all");
    let invitations = load::all_invitations(&server.address, &client, token).await;
    crate::invitations::approvals::assert_usage_is_the_recount(&usage, &users, &invitations);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_load_restores_every_invitation_acknowledged_before_it_began() {
    if skipped_on_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("extranet.db");
    let backup = dir.path().join("backups").join("extranet-backup.db");
    std::fs::create_dir_all(backup.parent().unwrap()).unwrap();
    let env = load::UNLIMITED.to_vec();
    let server = ServerProcess::start_with(&url_of(&db), "console", &env).await;
    let client = reqwest::Client::new();
    let (token, group) = load::account(&server, &client, None).await;

    let load = Load::start(&server.address, &token, &group, 2, Duration::ZERO, false);
    load.wait_for_created(20).await;
    let began = Instant::now();
    let ran = extranet(&url_of(&db), &["backup", backup.to_str().unwrap()]).await;
    let ended = Instant::now();
    assert_eq!(ran.code, Some(0), "{} {}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("integrity check ok") && ran.stdout.contains("schema version 2"),
        "{}",
        ran.stdout
    );
    let bytes = std::fs::metadata(&backup).unwrap().len();
    assert!(
        ran.stdout.contains(&format!("{bytes} bytes")),
        "{}",
        ran.stdout
    );
    // The load goes on after it: what is sent from now on is not in the backup.
    let created = load.created();
    load.wait_for_created(created + 10).await;
    let sent = load.finish().await;
    stop(server).await;
    let leftovers: Vec<_> = std::fs::read_dir(backup.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "only the backup: {leftovers:?}");

    let before: BTreeSet<String> = sent
        .iter()
        .filter(|s| s.finished < began)
        .filter_map(|s| s.invitation())
        .collect();
    let after: BTreeSet<String> = sent
        .iter()
        .filter(|s| s.started > ended)
        .filter_map(|s| s.invitation())
        .collect();
    assert!(
        before.len() >= 20 && !after.is_empty(),
        "{} {}",
        before.len(),
        after.len()
    );

    // Restored into a fresh place, the server stopped: a server on it has them all.
    let fresh = dir.path().join("restored").join("extranet.db");
    let ran = extranet(&url_of(&fresh), &["restore", backup.to_str().unwrap()]).await;
    assert_eq!(ran.code, Some(0), "{} {}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("no database to replace"),
        "{}",
        ran.stdout
    );
    let server = ServerProcess::start_with(&url_of(&fresh), "console", &env).await;
    let restored: BTreeSet<String> = load::all_invitations(&server.address, &client, &token)
        .await
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    let missing: Vec<_> = before.difference(&restored).collect();
    assert!(
        missing.is_empty(),
        "acknowledged before the backup, missing: {missing:?}"
    );
    let later: Vec<_> = after.intersection(&restored).collect();
    assert!(
        later.is_empty(),
        "sent after the backup ended, yet in it: {later:?}"
    );
    assert_counters_are_the_recount(&server, &token).await;
    assert_eq!(
        std::fs::read(&backup).unwrap().len() as u64,
        bytes,
        "the backup is kept"
    );
}

/// Sends one invitation; its id.
async fn invite(server: &ServerProcess, token: &str, group: &str, phone: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("{}/v1/invitations", server.address))
        .bearer_auth(token)
        .json(&json!({"type": "extranet", "workgroup_id": group,
                      "invitees": [{"phone": phone, "first_name": "Bo", "last_name": "Ng"}]}))
        .send()
        .await
        .unwrap();
    let (status, body): (StatusCode, Value) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["results"][0]["invitation"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn replaced_files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".replaced-"))
        .collect();
    found.sort();
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_waits_for_the_server_to_stop_and_keeps_the_database_it_replaces() {
    if skipped_on_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("extranet.db");
    let backup = dir.path().join("backup.db");
    let env = load::UNLIMITED.to_vec();
    let server = ServerProcess::start_with(&url_of(&db), "console", &env).await;
    let client = reqwest::Client::new();
    let (token, group) = load::account(&server, &client, None).await;
    let kept = invite(&server, &token, &group, "+14155550101").await;
    let ran = extranet(&url_of(&db), &["backup", backup.to_str().unwrap()]).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    // A second backup onto it is refused without --force, and made with it.
    let again = extranet(&url_of(&db), &["backup", backup.to_str().unwrap()]).await;
    assert_eq!(again.code, Some(1), "{}", again.stdout);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    let forced = extranet(
        &url_of(&db),
        &["backup", "--force", backup.to_str().unwrap()],
    )
    .await;
    assert_eq!(forced.code, Some(0), "{}", forced.stderr);
    let later = invite(&server, &token, &group, "+14155550102").await;

    // While the server runs on the file, restore refuses and changes nothing.
    let refused = extranet(&url_of(&db), &["restore", backup.to_str().unwrap()]).await;
    assert_eq!(refused.code, Some(1), "{}", refused.stdout);
    assert!(
        refused.stderr.contains("is in use")
            && refused.stderr.contains("stop every `extranet serve`"),
        "{}",
        refused.stderr
    );
    assert!(replaced_files(dir.path()).is_empty());
    let ids: Vec<String> = load::all_invitations(&server.address, &client, &token)
        .await
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.contains(&kept) && ids.contains(&later), "{ids:?}");
    // Killed, not stopped: the later invitation may still be only in the WAL it leaves.
    let mut server = server;
    server.kill();

    // Stopped, it restores, and keeps what it replaced whole (the later invitation is there).
    let ran = extranet(&url_of(&db), &["restore", backup.to_str().unwrap()]).await;
    assert_eq!(ran.code, Some(0), "{} {}", ran.stdout, ran.stderr);
    let replaced = replaced_files(dir.path());
    assert_eq!(replaced.len(), 1, "{replaced:?}");
    assert!(
        ran.stdout
            .contains(&format!("kept as {}", replaced[0].display())),
        "{}",
        ran.stdout
    );
    let in_replaced = format!("SELECT count(*) AS n FROM invitations WHERE id = '{later}'");
    assert_eq!(
        count(&replaced[0], &in_replaced),
        1,
        "the replaced file is whole"
    );
    // No WAL of the replaced database is left beside the restored one (it would be replayed).
    assert!(!dir.path().join("extranet.db-wal").exists());

    let server = ServerProcess::start_with(&url_of(&db), "console", &env).await;
    let ids: Vec<String> = load::all_invitations(&server.address, &client, &token)
        .await
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, vec![kept], "the database of the backup");
    assert_counters_are_the_recount(&server, &token).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_backup_of_a_newer_schema_and_takes_an_older_one() {
    if skipped_on_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("extranet.db");
    let ran = extranet(&url_of(&db), &["migrate"]).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let backup = dir.path().join("backup.db");
    let ran = extranet(&url_of(&db), &["backup", backup.to_str().unwrap()]).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);

    // A newer release's migration recorded in it: refused, nothing written.
    let newer = dir.path().join("newer.db");
    std::fs::copy(&backup, &newer).unwrap();
    execute(
        &newer,
        "INSERT INTO __diesel_schema_migrations (version) VALUES ('99991231000000')",
    );
    let target = dir.path().join("target").join("extranet.db");
    let ran = extranet(&url_of(&target), &["restore", newer.to_str().unwrap()]).await;
    assert_eq!(ran.code, Some(1), "{}", ran.stdout);
    assert!(
        ran.stderr.contains("newer than this binary") && ran.stderr.contains("99991231000000"),
        "{}",
        ran.stderr
    );
    assert!(!target.exists());

    // An older one is restored, and `serve` is said to migrate it forward.
    let older = dir.path().join("older.db");
    std::fs::copy(&backup, &older).unwrap();
    execute(
        &older,
        "DELETE FROM __diesel_schema_migrations WHERE version = \
         (SELECT max(version) FROM __diesel_schema_migrations)",
    );
    let ran = extranet(&url_of(&target), &["restore", older.to_str().unwrap()]).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        ran.stdout.contains("older than this binary") && ran.stdout.contains("extranet serve"),
        "{}",
        ran.stdout
    );

    // Not a database at all: refused.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let ran = extranet(&url_of(&target), &["restore", junk.to_str().unwrap()]).await;
    assert_eq!(ran.code, Some(1), "{}", ran.stdout);
}

#[tokio::test]
async fn on_postgresql_backup_and_restore_refuse_and_name_pg_dump() {
    // On SQLite runs, a PostgreSQL URL nothing listens on: the refusal needs no connection.
    let (_db, url) = if on_postgres() {
        let (db, url) = TestDatabase::create();
        (Some(db), url)
    } else {
        (None, "postgres://nobody@127.0.0.1:1/none".to_owned())
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("extranet.dump");
    for args in [
        ["backup", path.to_str().unwrap()],
        ["restore", path.to_str().unwrap()],
    ] {
        let ran = extranet(&url, &args).await;
        assert_eq!(ran.code, Some(1), "{args:?}: {}", ran.stdout);
        for command in [
            "pg_dump -Fc -d \"$DATABASE_URL\" -f extranet.dump",
            "pg_restore --clean --if-exists -d \"$DATABASE_URL\" extranet.dump",
        ] {
            assert!(ran.stderr.contains(command), "{args:?}: {}", ran.stderr);
        }
    }
    assert!(!path.exists());
}
