//! The scale-out phase (with `--postgres`): the same clients' single invitations straight to
//! one `extranet serve` process, then through haproxy (`extranet_tests::haproxy`, as README
//! configures it) in front of 1, 2 and 3 processes on the run's PostgreSQL database; with the
//! CPU the servers and haproxy used per invitation.

use crate::phase::{phase, Outcome};
use crate::server;
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

/// Runs the phase; `api` is the run's server, the first of the three.
pub async fn run(api: &Api, store: &Store, log: &str, clients: usize, seconds: u64) {
    let mut extra = Vec::new();
    for _ in 0..2 {
        let (process, base, _codes) = server::launch(store, log);
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
    println!(
        "\nscale-out: single invitations on PostgreSQL, {clients} clients, {seconds} s each, \
         the processes, haproxy, PostgreSQL and the clients on this machine's cores\n"
    );
    println!(
        "| processes | throughput | p50 | p90 | p99 | max | errors | CPU per invitation (servers + haproxy) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let before = cpu(&pids[..1]);
    let o = phase(clients, seconds, api.inviting("direct", 1)).await;
    line(
        "1, straight (no haproxy)",
        seconds,
        &o,
        cpu(&pids[..1]) - before,
    );
    const TAGS: [(&str, &str); 3] = [
        ("warm1-", "scale1-"),
        ("warm2-", "scale2-"),
        ("warm3-", "scale3-"),
    ];
    for (n, (warm, tag)) in (1..=3).zip(TAGS) {
        let dir = tempfile::tempdir().unwrap();
        let haproxy = Haproxy::start(dir.path(), &hosts[..n]).unwrap();
        haproxy.wait_all_up(Duration::from_secs(30)).unwrap();
        let through = Api {
            base: haproxy.address.clone(),
            ..api.clone()
        };
        // Warm-up: haproxy's connections to each server.
        phase(clients, 2, through.inviting(warm, 1)).await;
        let measured: Vec<u32> = pids[..n].iter().copied().chain([haproxy.pid()]).collect();
        let before = cpu(&measured);
        let o = phase(clients, seconds, through.inviting(tag, 1)).await;
        let used = cpu(&measured) - before;
        line(&format!("{n} behind haproxy"), seconds, &o, used);
    }
}
