//! Data-plane figure 1: the status of K userspace WireGuard interfaces, read the way peergate does
//! it each status tick (`WgQuick::snapshot`: one UAPI `get=1` per socket, from this process) side
//! by side with the naive way (`wg show IFACE dump` per interface, as wg-easy does) and with one
//! `wg show all dump` (the kernel-module fallback).
//!
//! Run by scripts/bench-dataplane.sh inside a namespace holding wireguard-go interfaces
//! `$PGB_PREFIX0 … $PGB_PREFIX{K-1}`, each with one peer, in a private mount namespace where
//! /run/wireguard holds exactly those K sockets (so `wg show all` reads only them), and in a
//! private PID namespace: there `/proc/sys/kernel/ns_last_pid` counts every task created by this
//! process, which proves how many processes (or threads) a tick costs.
//!
//! A fourth column reads the same sockets concurrently instead of one after another (the same
//! request and parser as `WgQuick::snapshot`): what peergate would gain by overlapping the
//! daemons' wake-ups, which dominate a sequential snapshot.
//!
//! Environment: PGB_PREFIX, PGB_COUNT (K), PGB_REPS (default: by K), PGB_RESULTS (JSON lines out).

mod common;

use std::process::Command;

use common::{Samples, env, env_or, record, time};
use peergate::system::tunnels::{Tunnels, WgQuick};
use peergate_core::status::{ObservedClient, parse_uapi};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Tasks (processes and threads) created so far in this PID namespace, when this process owns one.
fn tasks_created() -> Option<u64> {
    if std::process::id() != 1 {
        return None; // not in our own PID namespace: the counter would include the whole host
    }
    std::fs::read_to_string("/proc/sys/kernel/ns_last_pid").ok()?.trim().parse().ok()
}

/// Times `f` and counts the tasks it created per run.
fn measure<F: FnMut()>(reps: usize, f: F) -> (Samples, Option<f64>) {
    let before = tasks_created();
    let samples = time(reps, f);
    let per_run = match (before, tasks_created()) {
        // `time` runs f once more as a warm-up.
        (Some(a), Some(b)) => Some((b - a) as f64 / (reps + 1) as f64),
        _ => None,
    };
    (samples, per_run)
}

/// One UAPI `get=1`, as `system::tunnels::read_uapi` does it (that function is private).
async fn read_uapi(name: &str, now: i64) -> Option<ObservedClient> {
    let mut stream = tokio::net::UnixStream::connect(format!("/var/run/wireguard/{name}.sock")).await.ok()?;
    stream.write_all(b"get=1\n\n").await.ok()?;
    let mut answer = Vec::with_capacity(1024);
    let mut buf = [0u8; 4096];
    while !answer.ends_with(b"\n\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
    }
    parse_uapi(name, std::str::from_utf8(&answer).ok()?, now)
}

fn wg(args: &[&str]) -> String {
    let out = Command::new("wg").args(args).output().expect("run wg");
    assert!(out.status.success(), "wg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn main() {
    let prefix = env("PGB_PREFIX");
    let count: usize = env("PGB_COUNT").parse().expect("PGB_COUNT");
    let default_reps = if count >= 100 {
        21
    } else if count >= 10 {
        51
    } else {
        201
    };
    let reps: usize = env_or("PGB_REPS", &default_reps.to_string()).parse().expect("PGB_REPS");
    let names: Vec<String> = (0..count).map(|i| format!("{prefix}{i}")).collect();

    // Two workers, like a small `peergate serve`; built before counting so its threads don't count.
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let tunnels = WgQuick::new(std::path::Path::new("/nonexistent"), Some("wireguard-go".into()));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64;

    // The comparison is only fair if every method sees the same K interfaces with a peer each.
    let snapshot = rt.block_on(tunnels.snapshot(&names, now));
    assert_eq!(snapshot.len(), count, "peergate saw {} of {count} interfaces", snapshot.len());
    let all = wg(&["show", "all", "dump"]);
    let peer_lines = all.lines().filter(|l| l.split('\t').count() == 9).count();
    assert_eq!(peer_lines, count, "`wg show all dump` lists {peer_lines} peers, expected {count}");

    let (peergate, peergate_tasks) = measure(reps, || {
        let got = rt.block_on(tunnels.snapshot(&names, now));
        assert_eq!(got.len(), count);
    });
    let (concurrent, concurrent_tasks) = measure(reps, || {
        let reads = names.iter().map(|name| read_uapi(name, now));
        let got = rt.block_on(futures_util::future::join_all(reads));
        assert!(got.iter().all(Option::is_some));
    });
    let (per_iface, per_iface_tasks) = measure(reps, || {
        for name in &names {
            wg(&["show", name, "dump"]);
        }
    });
    let (show_all, show_all_tasks) = measure(reps, || {
        wg(&["show", "all", "dump"]);
    });

    let fmt_tasks = |t: Option<f64>| t.map_or("n/a".to_string(), |t| format!("{t:.1}"));
    println!(
        "status snapshot, {count} interface(s), {reps} runs: peergate {:.2} ms (p90 {:.2}, {} tasks/tick) | \
         concurrent reads {:.2} ms ({} tasks) | wg show IF dump ×{count} {:.2} ms ({} tasks) | wg show all dump {:.2} ms ({} tasks)",
        peergate.median_ms(),
        peergate.ms(0.9),
        fmt_tasks(peergate_tasks),
        concurrent.median_ms(),
        fmt_tasks(concurrent_tasks),
        per_iface.median_ms(),
        fmt_tasks(per_iface_tasks),
        show_all.median_ms(),
        fmt_tasks(show_all_tasks),
    );
    for (method, samples, tasks) in [
        ("peergate_uapi", &peergate, peergate_tasks),
        ("concurrent_uapi", &concurrent, concurrent_tasks),
        ("wg_show_per_iface", &per_iface, per_iface_tasks),
        ("wg_show_all", &show_all, show_all_tasks),
    ] {
        record(serde_json::json!({
            "fig": "status", "count": count, "method": method, "reps": reps,
            "median_ms": samples.median_ms(), "p10_ms": samples.ms(0.1), "p90_ms": samples.ms(0.9),
            "tasks_per_tick": tasks,
        }));
    }
}
