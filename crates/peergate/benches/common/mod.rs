//! What the data-plane benches share: timing with medians, the JSON-lines record the script turns
//! into its summary table, and environment parameters. These benches are programs
//! (`harness = false`) run by `scripts/bench-dataplane.sh` inside network namespaces it creates;
//! they measure real wireguard-go, nft and iptables, so they never run under plain `cargo bench`
//! without that set-up.

#![allow(dead_code)] // each bench uses a different part

use std::io::Write;
use std::time::{Duration, Instant};

/// Wall times of repeated runs of one method.
pub struct Samples(pub Vec<Duration>);

impl Samples {
    pub fn ms(&self, quantile: f64) -> f64 {
        let mut sorted: Vec<f64> = self.0.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        sorted.sort_by(f64::total_cmp);
        // Nearest rank: with an odd count the 0.5 quantile is the true median.
        let rank = ((sorted.len() as f64 - 1.0) * quantile).round() as usize;
        sorted[rank]
    }

    pub fn median_ms(&self) -> f64 {
        self.ms(0.5)
    }
}

/// Runs `f` `reps` times after one untimed warm-up (first connections, page cache, lazy init).
pub fn time<F: FnMut()>(reps: usize, mut f: F) -> Samples {
    f();
    Samples(
        (0..reps)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

/// A required environment variable, or exit with a message (these run from the script only).
pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        eprintln!("{name} is not set: run this bench through scripts/bench-dataplane.sh");
        std::process::exit(2)
    })
}

pub fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// Appends one result as a JSON line to `$PGB_RESULTS` (the script's summary reads them all).
pub fn record(value: serde_json::Value) {
    let Ok(path) = std::env::var("PGB_RESULTS") else { return };
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&path).expect("open PGB_RESULTS");
    writeln!(file, "{value}").expect("write PGB_RESULTS");
}
