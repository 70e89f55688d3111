//! What the server holds on disk and in memory, sampled four times a second over the run: the
//! SQLite WAL, the database file and the server's resident memory, with their peaks.

use crate::server::memory_kib;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

#[derive(Default)]
pub struct Readings {
    pub wal: AtomicU64,
    pub wal_peak: AtomicU64,
    pub database: AtomicU64,
    pub rss_kib: AtomicU64,
    pub rss_peak_kib: AtomicU64,
}

/// Samples until the process ends; `sqlite` is the database file's path, when on SQLite.
pub fn start(pid: u32, sqlite: Option<String>) -> Arc<Readings> {
    let readings = Arc::new(Readings::default());
    let r = readings.clone();
    std::thread::spawn(move || loop {
        if let Some(path) = &sqlite {
            let size = |p: &str| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            let wal = size(&format!("{path}-wal"));
            r.wal.store(wal, Relaxed);
            r.wal_peak.fetch_max(wal, Relaxed);
            r.database.store(size(path), Relaxed);
        }
        let rss = memory_kib(pid, "VmRSS:");
        r.rss_kib.store(rss, Relaxed);
        r.rss_peak_kib.fetch_max(rss, Relaxed);
        std::thread::sleep(Duration::from_millis(250));
    });
    readings
}

pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
