//! The scale-out phase (with `--postgres`): the same clients' single invitations straight to
//! one `extranet serve` process, then through haproxy (`extranet_tests::haproxy`, as README
//! configures it) in front of 1, 2 and 3 processes on the run's PostgreSQL database; with the
//! CPU the servers and haproxy used per invitation. Twice: every client inviting into the one
//! bench account (every invitation takes its row's lock), then each into an account of its own.

use crate::phase::{phase, Outcome};
use crate::server::{self, Account};
use crate::store::Store;
use crate::Api;
use extranet_tests::haproxy::Haproxy;
use std::time::Duration;

/// The CPU seconds `pids` have used so far, together.
fn cpu(pids: &[u32]) -> f64 {
    pids.iter().map(|pid| server::cpu_seconds(*pid)).sum()
}

fn line(name: &str, seconds: u64, o: &Outcome, cpu_seconds: f64) {
    let h = o.latencies.as_ref().unwrap();
    let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    println!(
        "| {name} | {:.0}/s | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {} | {:.3} ms |",
        o.ok as f64 / seconds as f64,
        ms(0.5),
        ms(0.9),
        ms(0.99),
        h.max() as f64 / 1000.0,
        o.failed,
        cpu_seconds * 1000.0 / o.ok.max(1) as f64
    );
}

/// How the clients share accounts.
#[derive(Clone, Copy)]
enum Accounts<'a> {
    /// All in the bench's account.
    One,
    /// Client `c` in the `c`th of these.
    PerClient(&'a [Account]),
}

/// The clients' single invitations at `base`, each tagged `tag`.
fn inviting(
    api: &Api,
    base: &str,
    accounts: Accounts,
    tag: &'static str,
) -> impl Fn(usize, u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>>
       + Send
       + Sync
       + 'static {
    let at = Api {
        base: base.to_owned(),
        ..api.clone()
    };
    let apis: Vec<Api> = match accounts {
        Accounts::One => vec![at],
        Accounts::PerClient(accounts) => accounts
            .iter()
            .map(|a| Api {
                token: a.token.clone(),
                group: a.group.clone(),
                ..at.clone()
            })
            .collect(),
    };
    move |c, i| Box::pin(apis[c % apis.len()].clone().invite(tag, c, i, 1))
}

/// Runs the phase; `api` is the run's server, the first of the three; `others` are the
/// accounts of the second round, one per client.
pub async fn run(
    api: &Api,
    others: &[Account],
    store: &Store,
    log: &str,
    clients: usize,
    seconds: u64,
) {
    let mut extra = Vec::new();
    for _ in 0..2 {
        let (process, base, _codes) = server::launch(store, log, 0);
        server::wait_ready(&api.client, &format!("{base}/readyz")).await;
        extra.push((process, base));
    }
    let pids: Vec<u32> = std::iter::once(api.pid)
        .chain(extra.iter().map(|(p, _)| p.0.id()))
        .collect();
    let hosts: Vec<String> = std::iter::once(api.base.as_str())
        .chain(extra.iter().map(|(_, base)| base.as_str()))
        .map(|base| base.trim_start_matches("http://").to_owned())
        .collect();
    let rounds = [
        (
            "one account",
            Accounts::One,
            [
                "one-direct",
                "one-warm1",
                "one-1",
                "one-warm2",
                "one-2",
                "one-warm3",
                "one-3",
            ],
        ),
        (
            "an account per client",
            Accounts::PerClient(others),
            [
                "own-direct",
                "own-warm1",
                "own-1",
                "own-warm2",
                "own-2",
                "own-warm3",
                "own-3",
            ],
        ),
    ];
    for (name, accounts, tags) in rounds {
        if let Accounts::PerClient(a) = accounts {
            assert!(
                a.len() >= clients,
                "an account per client: {} for {clients}",
                a.len()
            );
        }
        println!(
            "\nscale-out, {name}: single invitations on PostgreSQL, {clients} clients, {seconds} s \
             each, the processes, haproxy, PostgreSQL and the clients on this machine's cores\n"
        );
        println!(
            "| processes | throughput | p50 | p90 | p99 | max | errors | CPU per invitation (servers + haproxy) |"
        );
        println!("|---|---|---|---|---|---|---|---|");
        let before = cpu(&pids[..1]);
        let o = phase(
            clients,
            seconds,
            inviting(api, &api.base, accounts, tags[0]),
        )
        .await;
        line(
            "1, straight (no haproxy)",
            seconds,
            &o,
            cpu(&pids[..1]) - before,
        );
        for n in 1..=3 {
            let (warm, tag) = (tags[2 * n - 1], tags[2 * n]);
            let dir = tempfile::tempdir().unwrap();
            let haproxy = Haproxy::start(dir.path(), &hosts[..n]).unwrap();
            haproxy.wait_all_up(Duration::from_secs(30)).unwrap();
            // Warm-up: haproxy's connections to each server.
            phase(clients, 2, inviting(api, &haproxy.address, accounts, warm)).await;
            let measured: Vec<u32> = pids[..n].iter().copied().chain([haproxy.pid()]).collect();
            let before = cpu(&measured);
            let o = phase(
                clients,
                seconds,
                inviting(api, &haproxy.address, accounts, tag),
            )
            .await;
            let used = cpu(&measured) - before;
            line(&format!("{n} behind haproxy"), seconds, &o, used);
        }
    }
}
