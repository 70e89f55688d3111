//! A measured phase: `clients` loops, each sending one request at a time for a number of
//! seconds, their latencies merged (HdrHistogram), and its line in the report.

use hdrhistogram::Histogram;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct Outcome {
    pub latencies: Option<Histogram<u64>>,
    pub ok: u64,
    pub failed: u64,
}

impl Outcome {
    /// Adds one client's latencies and counts.
    pub fn add(&mut self, latencies: Histogram<u64>, ok: u64, failed: u64) {
        self.ok += ok;
        self.failed += failed;
        match &mut self.latencies {
            Some(all) => all.add(&latencies).unwrap(),
            None => self.latencies = Some(latencies),
        }
    }
}

/// Runs `clients` loops of `request` for `seconds`; merges their latencies.
pub async fn phase<F, Fut>(clients: usize, seconds: u64, request: F) -> Outcome
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
                let (mut ok, mut failed, mut i) = (0, 0, 0);
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let good = request(c, i).await;
                    h.record(t.elapsed().as_micros() as u64).unwrap();
                    if good {
                        ok += 1
                    } else {
                        failed += 1
                    }
                    i += 1;
                }
                (h, ok, failed)
            })
        })
        .collect();
    let mut out = Outcome::default();
    for t in tasks {
        let (h, ok, failed) = t.await.unwrap();
        out.add(h, ok, failed);
    }
    out
}

/// The server whose resident memory each line ends with, once known.
pub static SERVER: std::sync::OnceLock<u32> = std::sync::OnceLock::new();

pub fn report(name: &str, seconds: u64, o: &Outcome) {
    let h = o.latencies.as_ref().unwrap();
    let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    let rss = SERVER
        .get()
        .map(|pid| crate::server::memory_kib(*pid, "VmRSS:") as f64 / 1024.0)
        .map_or_else(|| "–".to_owned(), |m| format!("{m:.1} MiB"));
    println!(
        "| {name} | {:.0}/s | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {} | {rss} |",
        o.ok as f64 / seconds as f64,
        ms(0.5),
        ms(0.9),
        ms(0.99),
        h.max() as f64 / 1000.0,
        o.failed
    );
}
