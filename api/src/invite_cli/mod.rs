//! `extranet invite`: a CSV file of people invited into one extranet workgroup through a
//! server's API, for integrators. Rows are checked as the server checks them (a bad row is
//! reported, never sent), sent in batches of 100 — each with an `Idempotency-Key` derived from
//! its rows, so running the command again after a crash or a kill replays what was created
//! instead of creating it twice —, retried as the server says (`Retry-After`). Rows the server
//! cannot invite are skipped by it (`on_conflict: skip`, the default; a login already invited
//! into the workgroup is `already_invited`, so running the command on the same file again
//! creates nothing new); with `--on-conflict refuse` a batch the server refuses for some of
//! its rows is sent again without them. Progress is a bar on a terminal, plain lines
//! otherwise; the end is a summary and a results file (one line per row: its outcome, the
//! invitation's id or the problem's code and detail). The exit status is 0 when every row was
//! invited (or already was), 1 when any was not, 2 when the command could not run.

mod http;
mod rows;

use http::Client;
use rows::{Invitee, Problem, Row};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// The server's largest batch.
const BATCH: usize = 100;

/// The arguments of `extranet invite`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("workgroup").required(true).args(["workgroup_id", "workgroup_name"])))]
pub struct InviteArgs {
    /// The server's address, e.g. https://extranet.example.com
    #[arg(long, env = "EXTRANET_URL", value_name = "URL")]
    pub url: String,
    /// An API token (`ext_…`, with the `invitations:write` scope; `workgroups:read` too for
    /// --workgroup-name) or an access token.
    #[arg(
        long,
        env = "EXTRANET_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub token: String,
    /// The file: a header line naming `email` and/or `phone`, `first_name`, `last_name`
    /// (other columns are ignored), then one person per line.
    #[arg(long, value_name = "FILE")]
    pub csv: PathBuf,
    /// The extranet workgroup to invite into, by id.
    #[arg(long, value_name = "ID")]
    pub workgroup_id: Option<String>,
    /// The extranet workgroup to invite into, by its exact name.
    #[arg(long, value_name = "NAME")]
    pub workgroup_name: Option<String>,
    /// Check everything and report what would happen; create and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// A personal message for every invitee (at most 2000 characters).
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,
    /// Where the results go (default: the file's name with `.results.csv`).
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,
    /// What the server does with rows it cannot invite: `skip` them (reported in the results
    /// file) and invite the others, or `refuse` the batch (the command then sends it again
    /// without the rows the refusal names).
    #[arg(long, value_name = "WHAT", default_value = "skip", value_parser = ["skip", "refuse"])]
    pub on_conflict: String,
}

/// What became of one row.
#[derive(Debug, Clone, serde::Serialize)]
struct Outcome {
    row: usize,
    login: String,
    /// `invited`, `workgroup_invitation` (an existing external user asked into the group),
    /// `already_invited` (a pending invitation into the group was there: `invitation_id`),
    /// `invalid` (refused before sending), `skipped` or `refused` (by the server), `not_sent`
    /// (the command stopped before it).
    outcome: &'static str,
    invitation_id: Option<String>,
    user_id: Option<String>,
    code: Option<String>,
    detail: Option<String>,
    dry_run: bool,
}

impl Outcome {
    fn failed(row: &Row, outcome: &'static str, problem: &Problem, dry_run: bool) -> Self {
        Self {
            row: row.number,
            login: row.login.clone(),
            outcome,
            invitation_id: None,
            user_id: None,
            code: Some(problem.code.clone()),
            detail: Some(problem.detail.clone()),
            dry_run,
        }
    }

    fn succeeded(&self) -> bool {
        matches!(
            self.outcome,
            "invited" | "workgroup_invitation" | "already_invited"
        )
    }
}

/// Runs the command; its exit status.
pub fn run(args: InviteArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fatal(&e.to_string()),
    };
    match runtime.block_on(invite(args)) {
        Ok(code) => code,
        Err(e) => fatal(&e),
    }
}

fn fatal(message: &str) -> ExitCode {
    eprintln!("extranet invite: {message}");
    ExitCode::from(2)
}

async fn invite(args: InviteArgs) -> Result<ExitCode, String> {
    let (rows, ignored) = rows::read(&args.csv)?;
    if !ignored.is_empty() {
        eprintln!("extranet invite: columns left out: {}", ignored.join(", "));
    }
    let client = Client::new(&args.url, &args.token)?;
    let workgroup = match (&args.workgroup_id, &args.workgroup_name) {
        (Some(id), _) => id.clone(),
        (None, Some(name)) => workgroup_named(&client, name).await?,
        (None, None) => return Err("give --workgroup-id or --workgroup-name".into()),
    };
    let results_path = args.results.clone().unwrap_or_else(|| {
        let mut name = args.csv.clone().into_os_string();
        name.push(".results.csv");
        PathBuf::from(name)
    });
    let progress = Progress::new(rows.len());
    let mut outcomes: Vec<Outcome> = rows
        .iter()
        .filter_map(|row| match &row.invitee {
            Err(problem) => Some(Outcome::failed(row, "invalid", problem, args.dry_run)),
            Ok(_) => None,
        })
        .collect();
    progress.advance(outcomes.len());
    let valid: Vec<&Row> = rows.iter().filter(|r| r.invitee.is_ok()).collect();
    let batches: Vec<&[&Row]> = valid.chunks(BATCH).collect();
    let mut stopped: Option<Problem> = None;
    for (number, batch) in batches.iter().enumerate() {
        if let Some(problem) = &stopped {
            outcomes.extend(
                batch
                    .iter()
                    .map(|r| Outcome::failed(r, "not_sent", problem, args.dry_run)),
            );
            continue;
        }
        let sent = Sent {
            client: &client,
            workgroup: &workgroup,
            message: args.message.as_deref(),
            dry_run: args.dry_run,
            on_conflict: &args.on_conflict,
            number,
        };
        let (done, stop) = sent.batch(batch).await;
        progress.batch(number + 1, batches.len(), &done);
        outcomes.extend(done);
        stopped = stop;
    }
    progress.finish();
    outcomes.sort_by_key(|o| o.row);
    write_results(&results_path, &outcomes)?;
    let failed = outcomes.iter().filter(|o| !o.succeeded()).count();
    let mut counts = std::collections::BTreeMap::new();
    for o in &outcomes {
        *counts.entry(o.outcome).or_insert(0) += 1;
    }
    let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    println!(
        "{} rows: {}{}; results in {}",
        outcomes.len(),
        summary.join(", "),
        if args.dry_run {
            " (dry run: nothing was created or sent)"
        } else {
            ""
        },
        results_path.display()
    );
    if let Some(problem) = stopped {
        println!("stopped: {} ({})", problem.detail, problem.code);
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The id of the extranet workgroup called exactly `name`; an error when none or several are.
async fn workgroup_named(client: &Client, name: &str) -> Result<String, String> {
    let mut found = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/workgroups?extranet=true&limit=200&cursor={c}"),
            None => "/v1/workgroups?extranet=true&limit=200".to_owned(),
        };
        let answer = client
            .get(&path)
            .await
            .map_err(|p| format!("{} ({})", p.detail, p.code))?;
        if !answer.status.is_success() {
            let p = answer.problem();
            return Err(format!("listing workgroups: {} ({})", p.detail, p.code));
        }
        let items = answer.body["items"].as_array().cloned().unwrap_or_default();
        found.extend(
            items
                .iter()
                .filter(|w| w["name"].as_str() == Some(name))
                .filter_map(|w| w["id"].as_str().map(str::to_owned)),
        );
        cursor = answer.body["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    match found.as_slice() {
        [id] => Ok(id.clone()),
        [] => Err(format!("no extranet workgroup is called `{name}`")),
        _ => Err(format!(
            "{} extranet workgroups are called `{name}`: use --workgroup-id",
            found.len()
        )),
    }
}

/// One batch's sending.
struct Sent<'a> {
    client: &'a Client,
    workgroup: &'a str,
    message: Option<&'a str>,
    dry_run: bool,
    on_conflict: &'a str,
    number: usize,
}

impl Sent<'_> {
    /// Sends `batch` until the server takes what is left of it (rows it refuses are reported
    /// and left out); the outcomes, and the problem that stops the command, if one did.
    async fn batch(&self, batch: &[&Row]) -> (Vec<Outcome>, Option<Problem>) {
        let mut left: Vec<&Row> = batch.to_vec();
        let mut outcomes = Vec::new();
        while !left.is_empty() {
            let invitees: Vec<&Invitee> = left
                .iter()
                .filter_map(|r| r.invitee.as_ref().ok())
                .collect();
            let mut body = json!({
                "type": "extranet",
                "workgroup_id": self.workgroup,
                "invitees": invitees,
                "on_conflict": self.on_conflict,
            });
            if let Some(message) = self.message {
                body["message"] = json!(message);
            }
            if self.dry_run {
                body["dry_run"] = json!(true);
            }
            let key = (!self.dry_run).then(|| self.key(&body));
            let answer = match self
                .client
                .post("/v1/invitations", &body, key.as_deref())
                .await
            {
                Ok(answer) => answer,
                Err(problem) => {
                    outcomes.extend(
                        left.iter()
                            .map(|r| Outcome::failed(r, "not_sent", &problem, self.dry_run)),
                    );
                    return (outcomes, Some(problem));
                }
            };
            if answer.status.is_success() {
                outcomes.extend(self.created(&left, &answer.body));
                return (outcomes, None);
            }
            let named = refused_rows(&answer.body, left.len());
            if named.is_empty() {
                // Not a row's fault: the workgroup, the token, the seats, the message — every
                // later batch would meet it too.
                let problem = answer.problem();
                outcomes.extend(
                    left.iter()
                        .map(|r| Outcome::failed(r, "refused", &problem, self.dry_run)),
                );
                return (outcomes, Some(problem));
            }
            for (index, problem) in &named {
                outcomes.push(Outcome::failed(
                    left[*index],
                    "refused",
                    problem,
                    self.dry_run,
                ));
            }
            left = left
                .iter()
                .enumerate()
                .filter(|(i, _)| !named.iter().any(|(n, _)| n == i))
                .map(|(_, r)| *r)
                .collect();
        }
        (outcomes, None)
    }

    /// The key of one request: the workgroup, the message, the batch's number and its rows.
    fn key(&self, body: &Value) -> String {
        let mut hash = Sha256::new();
        hash.update(self.number.to_le_bytes());
        hash.update(body.to_string().as_bytes());
        format!("extranet-invite-{}", &hex::encode(hash.finalize())[..40])
    }

    /// The outcomes of a batch the server took, row by row (`index` is the row's place in it).
    fn created(&self, left: &[&Row], body: &Value) -> Vec<Outcome> {
        let results = body["results"].as_array().cloned().unwrap_or_default();
        left.iter()
            .enumerate()
            .map(|(i, row)| {
                let result = results
                    .iter()
                    .find(|r| r["index"].as_u64() == Some(i as u64))
                    .cloned()
                    .unwrap_or(Value::Null);
                let text = |v: &Value| v.as_str().map(str::to_owned);
                let outcome = match result["outcome"].as_str() {
                    Some("invited") => "invited",
                    Some("workgroup_invitation") => "workgroup_invitation",
                    Some("already_invited") => "already_invited",
                    Some("skipped") => "skipped",
                    _ => "refused",
                };
                let (code, detail) = match outcome {
                    "skipped" => (text(&result["code"]), text(&result["detail"])),
                    "refused" => (
                        Some("no_result".to_owned()),
                        Some("the server's answer had no result for this row".to_owned()),
                    ),
                    _ => (None, None),
                };
                Outcome {
                    row: row.number,
                    login: row.login.clone(),
                    outcome,
                    invitation_id: text(&result["invitation"]["id"])
                        .or_else(|| text(&result["invitation_id"])),
                    user_id: text(&result["invitation"]["accepted_user_id"])
                        .or_else(|| text(&result["membership"]["user_id"])),
                    code,
                    detail,
                    dry_run: self.dry_run,
                }
            })
            .collect()
    }
}

/// The rows a refusal names (each error's `index`), each with its problem.
fn refused_rows(body: &Value, rows: usize) -> Vec<(usize, Problem)> {
    let mut named: Vec<(usize, Problem)> = Vec::new();
    for error in body["errors"].as_array().into_iter().flatten() {
        let field = error["field"].as_str().unwrap_or_default();
        let Some(index) = error["index"]
            .as_u64()
            .and_then(|i| usize::try_from(i).ok())
            .filter(|i| *i < rows)
        else {
            continue;
        };
        if named.iter().any(|(i, _)| *i == index) {
            continue;
        }
        let code = error["code"].as_str().unwrap_or("refused");
        let message = error["message"].as_str().unwrap_or_default();
        named.push((index, Problem::new(code, format!("{field}: {message}"))));
    }
    named
}

fn write_results(path: &std::path::Path, outcomes: &[Outcome]) -> Result<(), String> {
    let fail = |e: csv::Error| format!("cannot write {}: {e}", path.display());
    let mut writer = csv::Writer::from_path(path).map_err(fail)?;
    for outcome in outcomes {
        writer.serialize(outcome).map_err(fail)?;
    }
    writer
        .flush()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A bar (rows, rate, ETA) on a terminal; a line per batch otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(rows: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(rows as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} rows · {per_sec} · ETA {eta}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Self { bar }
    }

    fn advance(&self, rows: usize) {
        if let Some(bar) = &self.bar {
            bar.inc(rows as u64);
        }
    }

    fn batch(&self, number: usize, of: usize, outcomes: &[Outcome]) {
        let ok = outcomes.iter().filter(|o| o.succeeded()).count();
        match &self.bar {
            Some(bar) => bar.inc(outcomes.len() as u64),
            None => eprintln!(
                "batch {number}/{of}: {} rows, {ok} invited, {} not",
                outcomes.len(),
                outcomes.len() - ok
            ),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_its_rows_once_each() {
        let body = json!({"code": "validation_failed", "errors": [
            {"field": "invitees[2].email", "index": 2, "code": "invalid_email", "message": "bad"},
            {"field": "invitees[2].first_name", "index": 2, "code": "required", "message": "missing"},
            {"field": "invitees[0].phone", "index": 0, "code": "invitation_pending", "message": "pending"},
            {"field": "message", "code": "too_long", "message": "long"},
            {"field": "invitees[7].email", "index": 7, "code": "x", "message": "out of range"},
        ]});
        let named = refused_rows(&body, 3);
        let indices: Vec<usize> = named.iter().map(|(i, _)| *i).collect();
        assert_eq!(indices, [2, 0]);
        assert_eq!(named[1].1.code, "invitation_pending");
        assert!(refused_rows(&json!({"code": "user_limit_reached"}), 3).is_empty());
    }
}
