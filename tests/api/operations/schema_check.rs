//! `extranet migrate --check`: whether the database is at this binary's schema (exit 0), behind
//! it (exit 2, the pending migrations listed) or ahead of it (exit 3: a newer release migrated
//! it), on both backends; it changes nothing.

use super::backups::extranet;
use crate::support::helpers::*;
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
