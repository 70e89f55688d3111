//! `extranet invite` (issue #28, item 3) run as a separate process against a real server: a
//! 250-row file in batches of 100, killed half way and run again (nothing created or sent
//! twice), a file with bad rows (reported, the rest invited), a dry run, a workgroup by name.

use crate::support::helpers::*;
use crate::support::load::all_invitations;
use crate::support::processes::binary;
use crate::support::requests::api_token;
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

/// An account with room for 400, an extranet workgroup, and an API token that may invite and
/// read workgroups.
async fn setup() -> (TestApp, SignedUp, String, String) {
    let app = TestApp::spawn_with(|c| c.plans = Some("big=400".into())).await;
    let admin = app.sign_up("ada@agency.example", "big").await;
    let group = app.workgroup(&admin.token, "Client website", true).await;
    let (_, token) = api_token(
        &app,
        &admin.token,
        &["invitations:write", "invitations:read", "workgroups:read"],
    )
    .await;
    (app, admin, group, token)
}

/// A file of `n` people (every fifth by phone), after `header`.
fn people(dir: &Path, name: &str, n: usize) -> PathBuf {
    let mut text = String::from("email,phone,first_name,last_name\n");
    for i in 0..n {
        if i % 5 == 4 {
            text.push_str(&format!(",+1415555{i:04},Person,No {i}\n"));
        } else {
            text.push_str(&format!("p{i}@client.example,,Person,\"No {i}, Jr.\"\n"));
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn command(app: &TestApp, token: &str, csv: &Path, args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(binary());
    command
        .arg("invite")
        .args(["--url", &app.address, "--token", token, "--csv"])
        .arg(csv)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Runs the command to its end: its exit code, what it printed, and its results file's rows.
async fn run(app: &TestApp, token: &str, csv: &Path, args: &[&str]) -> (i32, String, Vec<Value>) {
    let output = command(app, token, csv, args).output().await.unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut results_path = csv.as_os_str().to_owned();
    results_path.push(".results.csv");
    let rows = match csv::Reader::from_path(PathBuf::from(results_path)) {
        Ok(mut reader) => reader
            .deserialize::<std::collections::HashMap<String, String>>()
            .map(|r| serde_json::to_value(r.unwrap()).unwrap())
            .collect(),
        Err(_) => Vec::new(),
    };
    (output.status.code().unwrap_or(-1), printed, rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_250_row_file_killed_half_way_and_run_again_invites_everyone_once() {
    let (app, admin, group, token) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = people(dir.path(), "people.csv", 250);

    // Killed once its first batch of 100 is done (its progress goes to stderr, a line each).
    let mut child = command(&app, &token, &csv, &["--workgroup-id", &group])
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("a line of progress within a minute")
        .unwrap()
        .unwrap_or_default();
    assert!(
        first.starts_with("batch 1/3: 100 rows, 100 invited"),
        "{first}"
    );
    child.kill().await.unwrap();
    let halfway = all_invitations(&app.address, &app.client, &admin.token).await;
    assert!((100..=250).contains(&halfway.len()), "{}", halfway.len());

    // Run again: every batch already created is answered again, not created twice.
    let (code, printed, results) =
        run(&app, &token, &csv, &["--workgroup-name", "Client website"]).await;
    assert_eq!(code, 0, "{printed}");
    assert!(printed.contains("250 rows: 250 invited"), "{printed}");
    assert_eq!(results.len(), 250);
    let invitations = all_invitations(&app.address, &app.client, &admin.token).await;
    assert_eq!(invitations.len(), 250, "nothing created twice");
    let stored: HashSet<&str> = invitations
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    for (i, row) in results.iter().enumerate() {
        assert_eq!(row["row"], (i + 1).to_string());
        assert_eq!(row["outcome"], "invited", "{row}");
        assert!(
            stored.contains(row["invitation_id"].as_str().unwrap()),
            "{row}"
        );
    }
    let first_halfway: HashSet<&str> = halfway.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert!(first_halfway.is_subset(&stored));
    // One message each: the 200 emails and 50 texts, none twice.
    let mail = app
        .mail
        .inbox
        .wait_for(200, Duration::from_secs(60), |m| {
            m["subject"].as_str().is_some_and(|s| !s.is_empty())
                && m["to"].to_string().contains("@client.example")
        })
        .await;
    let texts = app
        .sms
        .inbox
        .wait_for(50, Duration::from_secs(60), |_| true)
        .await;
    assert_eq!((mail.len(), texts.len()), (200, 50));
    let recipients: HashSet<String> = mail.iter().map(|m| m["to"].to_string()).collect();
    assert_eq!(recipients.len(), 200);
}

#[tokio::test]
async fn bad_rows_are_reported_and_every_other_row_is_invited() {
    let (app, admin, group, token) = setup().await;
    // Someone already invited: the server refuses that row; the rest of its batch goes.
    let res = app
        .post(
            "/v1/invitations",
            Some(&admin.token),
            serde_json::json!({"type": "extranet", "workgroup_id": group, "invitees": [
                {"email": "taken@client.example", "first_name": "Tay", "last_name": "Ken"}]}),
        )
        .await;
    let (status, taken) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("mixed.csv");
    std::fs::write(
        &csv,
        "email,first_name,last_name,company\n\
         ann@client.example,Ann,Lee,Client\n\
         not-an-email,Bad,Row,Client\n\
         bo@client.example,,Ng,Client\n\
         short,row\n\
         taken@client.example,Tay,Ken,Client\n\
         cy@client.example,Cy,Ray,Client\n",
    )
    .unwrap();

    // A dry run first: the same report, nothing created.
    let before = all_invitations(&app.address, &app.client, &admin.token)
        .await
        .len();
    let (code, printed, results) =
        run(&app, &token, &csv, &["--workgroup-id", &group, "--dry-run"]).await;
    assert_eq!(code, 1, "{printed}");
    assert!(printed.contains("dry run"), "{printed}");
    assert_eq!(results.len(), 6);
    let after = all_invitations(&app.address, &app.client, &admin.token)
        .await
        .len();
    assert_eq!(after, before);

    let (code, printed, results) = run(&app, &token, &csv, &["--workgroup-id", &group]).await;
    assert_eq!(code, 1, "{printed}");
    assert!(printed.contains("columns left out: company"), "{printed}");
    let outcome = |row: usize| {
        let r = &results[row - 1];
        (
            r["outcome"].as_str().unwrap().to_owned(),
            r["code"].as_str().unwrap().to_owned(),
        )
    };
    assert_eq!(outcome(1).0, "invited");
    assert_eq!(outcome(2).0, "invalid");
    assert_eq!(outcome(3).0, "invalid");
    assert_eq!(outcome(4), ("invalid".into(), "csv_row".into()));
    // Already invited into this workgroup: skipped by the server, with that invitation.
    assert_eq!(results[4]["outcome"], "already_invited");
    assert_eq!(
        results[4]["invitation_id"],
        taken["results"][0]["invitation"]["id"]
    );
    assert_eq!(outcome(6).0, "invited");
    assert!(
        printed.contains("6 rows: 1 already_invited, 3 invalid, 2 invited"),
        "{printed}"
    );
    let logins: HashSet<String> = all_invitations(&app.address, &app.client, &admin.token)
        .await
        .iter()
        .map(crate::support::load::login_of)
        .collect();
    let expected: HashSet<String> = ["ann", "taken", "cy"]
        .iter()
        .map(|n| format!("{n}@client.example"))
        .collect();
    assert_eq!(logins, expected);

    // The same file again: nothing new (its batch's key replays the answer of the first run).
    let (code, printed, again) = run(&app, &token, &csv, &["--workgroup-id", &group]).await;
    assert_eq!(code, 1, "{printed}");
    assert!(
        printed.contains("6 rows: 1 already_invited, 3 invalid, 2 invited"),
        "{printed}"
    );
    for row in [0, 4, 5] {
        assert_eq!(again[row]["invitation_id"], results[row]["invitation_id"]);
    }
    assert_eq!(
        all_invitations(&app.address, &app.client, &admin.token)
            .await
            .len(),
        3
    );

    // Refusing instead: the server refuses the batch for its row, the command sends the
    // others again without it.
    let (code, printed, refused) = run(
        &app,
        &token,
        &csv,
        &["--workgroup-id", &group, "--on-conflict", "refuse"],
    )
    .await;
    assert_eq!(code, 1, "{printed}");
    assert_eq!(refused[0]["outcome"], "refused");
    assert_eq!(refused[0]["code"], "invitation_pending");
}

#[tokio::test]
async fn a_workgroup_that_cannot_be_found_or_a_token_that_may_not_invite_stops_it() {
    let (app, admin, group, _) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = people(dir.path(), "few.csv", 3);
    let (_, reader) = api_token(&app, &admin.token, &["workgroups:read"]).await;

    let (code, printed, _) = run(&app, &reader, &csv, &["--workgroup-name", "Nowhere"]).await;
    assert_eq!(code, 2, "{printed}");
    assert!(
        printed.contains("no extranet workgroup is called `Nowhere`"),
        "{printed}"
    );

    // Every row is reported, with the server's reason.
    let (code, printed, results) = run(&app, &reader, &csv, &["--workgroup-id", &group]).await;
    assert_eq!(code, 1, "{printed}");
    assert_eq!(results.len(), 3);
    assert!(
        results
            .iter()
            .all(|r| r["outcome"] == "refused" && r["code"] == "insufficient_scope"),
        "{results:?}"
    );
    let res = app.get("/v1/invitations", &admin.token).await;
    assert_eq!(res.status(), StatusCode::OK);
}
