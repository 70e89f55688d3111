//! `extranet migrate --check`: whether the database is at this binary's schema (exit 0), behind
//! it (exit 2, the pending migrations listed) or ahead of it (exit 3: a newer release migrated
//! it), on both backends; it changes nothing. A binary on a database a newer release migrated
//! (a rolling upgrade's older processes) serves on it and says so in a warning.

use super::backups::extranet;
use crate::support::helpers::*;
use crate::support::processes::ServerProcess;
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};

/// Runs `sql` on the test database at `url`.
fn execute(url: &str, sql: &str) {
    match url.strip_prefix("sqlite://") {
        Some(path) => {
            let mut conn = SqliteConnection::establish(path).unwrap();
            diesel::sql_query(sql).execute(&mut conn).unwrap();
        }
        None => {
            let mut conn = PgConnection::establish(url).unwrap();
            diesel::sql_query(sql).execute(&mut conn).unwrap();
        }
    };
}

/// The version of the binary's last migration, as `migrate --check` says it when at it.
fn at_version(said: &str) -> String {
    let at = said.find("(version ").unwrap() + "(version ".len();
    said[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

#[tokio::test]
async fn migrate_check_says_whether_the_database_is_at_behind_or_ahead_of_the_binary() {
    let (_db, url) = TestDatabase::create();
    let check = ["migrate", "--check"];
    if url.starts_with("sqlite://") {
        // No file yet: said, and none made.
        let ran = extranet(&url, &check).await;
        assert_eq!(ran.code, Some(1), "{}", ran.stdout);
        assert!(
            ran.stderr.contains("no such database file"),
            "{}",
            ran.stderr
        );
        assert!(!std::path::Path::new(url.trim_start_matches("sqlite://")).exists());
    } else {
        // An empty database: every migration is pending.
        let ran = extranet(&url, &check).await;
        assert_eq!(ran.code, Some(2), "{} {}", ran.stdout, ran.stderr);
        assert!(ran.stdout.starts_with("behind:"), "{}", ran.stdout);
        assert!(ran.stdout.contains("`extranet migrate`"), "{}", ran.stdout);
    }

    let ran = extranet(&url, &["migrate"]).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let ran = extranet(&url, &check).await;
    assert_eq!(ran.code, Some(0), "{} {}", ran.stdout, ran.stderr);
    assert!(ran.stdout.starts_with("at:"), "{}", ran.stdout);
    let last = at_version(&ran.stdout);
    assert_eq!(last.len(), 14, "{}", ran.stdout);

    // The last migration's record gone: behind, by that one, which it names.
    execute(
        &url,
        &format!("DELETE FROM __diesel_schema_migrations WHERE version = '{last}'"),
    );
    let ran = extranet(&url, &check).await;
    assert_eq!(ran.code, Some(2), "{} {}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.starts_with(&format!(
            "behind: 1 migration(s) of this binary are not applied: {last}"
        )),
        "{}",
        ran.stdout
    );
    // Checking applied nothing: still behind.
    assert_eq!(extranet(&url, &check).await.code, Some(2));

    // A newer release's migration applied: ahead, naming it.
    execute(
        &url,
        &format!("INSERT INTO __diesel_schema_migrations (version) VALUES ('{last}'), ('99991231000000')"),
    );
    let ran = extranet(&url, &check).await;
    assert_eq!(ran.code, Some(3), "{} {}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.starts_with("ahead:") && ran.stdout.contains("99991231000000"),
        "{}",
        ran.stdout
    );
    assert!(!ran.stdout.contains(&last), "{}", ran.stdout);
}

/// A newer release's migration recorded: the version `migrate --check` says is ahead.
const NEWER: &str = "99991231000000";

#[tokio::test]
async fn a_binary_on_a_database_a_newer_release_migrated_serves_and_warns() {
    let (_db, url) = TestDatabase::create();
    let ran = extranet(&url, &["migrate"]).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    execute(
        &url,
        &format!("INSERT INTO __diesel_schema_migrations (version) VALUES ('{NEWER}')"),
    );

    // `migrate` applies nothing, says so, and succeeds: the newer schema is this one expanded.
    let ran = extranet(&url, &["migrate"]).await;
    assert_eq!(ran.code, Some(0), "{} {}", ran.stdout, ran.stderr);
    let said = format!("{}{}", ran.stdout, ran.stderr);
    assert!(
        said.contains("the database is ahead of this binary") && said.contains(NEWER),
        "{said}"
    );

    // `serve` starts, warns, and serves: a sign-up writes and reads.
    let mut server = ServerProcess::start(&url, "console").await;
    let output = server.output();
    assert!(
        output.contains("the database is ahead of this binary") && output.contains(NEWER),
        "{output}"
    );
    let client = reqwest::Client::new();
    let body = serde_json::json!({"name": "Agency", "plan": "free", "admin": {
        "email": "ada@agency.example", "password": PASSWORD, "first_name": "Ada",
        "last_name": "Lovelace"}});
    let confirmed = server.sign_up(&client, body).await;
    assert!(confirmed["access_token"].is_string(), "{confirmed}");
    server.terminate();
    let exit = server
        .exited_within(std::time::Duration::from_secs(30))
        .await
        .expect("the server did not stop");
    assert!(exit.success(), "{exit:?}");

    // The check still says ahead.
    assert_eq!(extranet(&url, &["migrate", "--check"]).await.code, Some(3));
}
