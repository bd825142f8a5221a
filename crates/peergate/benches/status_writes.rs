//! Write-load figure: what 1,000 active clients cost the database — the real status monitor and
//! ping round of this build on SQLite, with every client's reading changing at every tick (each
//! moving traffic: the worst case) and a ping round every `PGB_PING_SECS` (10), side by side with
//! today's ping writes (one transaction per result, eight at once, as the ping job did before), in
//! one run. Prints how long each tick took including its write (p50 / p99 / max), how many
//! ticks took over a second (sqlx's slow-statement warning threshold; SQLite's busy timeout is
//! 5 s), and the write transactions per tick and per ping round.
//!
//! The interfaces and the probes are the only stand-ins: a `Tunnels` whose snapshot reports 1,000
//! interfaces with growing counters (what UAPI answers; reading real sockets is figure 1 of
//! `scripts/bench-dataplane.sh`), and a `Prober` that answers at once. Plain user; run with
//! `cargo bench -p peergate --bench status_writes`. `PGB_SECONDS` (60) per case, a tick every
//! `PGB_TICK_SECS` (1: five times the default interval); `PGB_COMPARE=0` runs this build's case
//! alone (for the long run: `PGB_SECONDS=1800 PGB_COMPARE=0`).

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures_util::StreamExt;
use ipnet::IpNet;
use peergate::config::Config;
use peergate::db::clients::{self, ClientId, NewClient};
use peergate::db::pings;
use peergate::system::ping::Prober;
use peergate::system::run::RunError;
use peergate::system::tunnels::Tunnels;
use peergate_core::probe::PingResult;
use peergate_core::status::{ObservedClient, ObservedPeer};

const CLIENTS: usize = 1000;

fn secs(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// 1,000 interfaces up, every counter grown at every snapshot.
#[derive(Default)]
struct Moving(AtomicU64);

#[async_trait]
impl Tunnels for Moving {
    async fn up(&self, _name: &str) -> Result<(), RunError> {
        Ok(())
    }
    async fn down(&self, _name: &str) -> Result<(), RunError> {
        Ok(())
    }
    fn is_up(&self, _name: &str) -> bool {
        true
    }
    async fn snapshot(&self, names: &[String], now: i64) -> BTreeMap<String, ObservedClient> {
        let tick = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let peer = ObservedPeer {
                    public_key: "cGVlcidzIHB1YmxpYyBrZXkgaW4gYmFzZTY0IGhlcmU=".into(),
                    endpoint: Some(format!("192.0.2.{}:51820", 1 + i % 250)),
                    latest_handshake: now - 20,
                    rx_bytes: tick * 15_000 + i as u64,
                    tx_bytes: tick * 7_000 + i as u64,
                };
                (name.clone(), ObservedClient { interface: name.clone(), peers: vec![peer] })
            })
            .collect()
    }
    async fn set_allowed_ips(&self, _: &str, _: &str, _: &[IpNet], _: &[IpNet]) -> Result<(), RunError> {
        Ok(())
    }
}

/// Every probe host answers at once.
struct Answering;

#[async_trait]
impl Prober for Answering {
    async fn probe(&self, _host: IpAddr, at: i64, _until_reply: bool) -> PingResult {
        PingResult {
            at,
            sent: 3,
            received: 3,
            loss: 0.0,
            rtt_avg_ms: Some(12.5),
            rtt_min_ms: Some(11.0),
            rtt_max_ms: Some(14.25),
            ok: true,
            error: None,
        }
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seconds = secs("PGB_SECONDS", 60);
    let tick = Duration::from_secs(secs("PGB_TICK_SECS", 1));
    let ping_every = Duration::from_secs(secs("PGB_PING_SECS", 10));
    let compare = secs("PGB_COMPARE", 1) != 0;
    let dir = tempfile::tempdir()?;
    let config = Config {
        data_dir: dir.path().join("data"),
        wg_dir: dir.path().join("wireguard"),
        database_url: Some(peergate::config::Secret::new(format!("sqlite://{}?mode=rwc", dir.path().join("db").display()))),
        lan_address: Some("10.201.0.1/24".into()),
        ..Config::default()
    };
    let state = peergate::server::state_with(config, |config, lan| {
        let mut backends = peergate::server::real_backends(config, lan);
        backends.tunnels = Arc::new(Moving::default());
        backends.prober = Arc::new(Answering);
        backends
    })
    .await?;
    let app = state.app.clone();
    {
        let mut conn = app.db.pool.acquire().await?;
        for i in 0..CLIENTS {
            let (a, b) = (i / 250, i % 250);
            let subnet: IpNet = format!("10.{}.{b}.0/24", 100 + a).parse()?;
            let interface = format!("site-{i:04}");
            let client = NewClient {
                interface: &interface,
                display_name: &interface,
                public_key: "dGhpcyBzaWRlJ3MgcHVibGljIGtleSwgYmFzZTY0ISE=",
                conf_path: &format!("/etc/wireguard/{interface}.conf"),
                subnets: &[subnet],
                peer_public_keys: &["cGVlcidzIHB1YmxpYyBrZXkgaW4gYmFzZTY0IGhlcmU=".to_string()],
                endpoint: &format!("192.0.2.{}:51820", 1 + i % 250),
                probe_host: format!("10.{}.{b}.1", 100 + a).parse()?,
                warnings: &[],
                created_by: "bench",
            };
            clients::create(&mut conn, &client).await?;
        }
        sqlx::query("UPDATE clients SET state = 'active'").execute(&mut *conn).await?;
    }
    app.roster.load(&app.db).await?;

    println!(
        "status writes: {CLIENTS} active clients, every reading changing, a tick every {} s, a ping round every {} s, \
         {seconds} s per case, SQLite",
        tick.as_secs(),
        ping_every.as_secs()
    );
    let mut figures = Vec::new();
    let cases = [("this build (pings stored in batches)", true), ("today's ping writes (one transaction each)", false)];
    for (label, batched) in cases.into_iter().filter(|(_, batched)| *batched || compare) {
        let transactions = Arc::new(AtomicU64::new(0));
        let rounds = Arc::new(AtomicU64::new(0));
        let pinger = {
            let (app, transactions, rounds) = (app.clone(), transactions.clone(), rounds.clone());
            tokio::spawn(async move {
                let mut every = tokio::time::interval(ping_every);
                loop {
                    every.tick().await;
                    let active = app.roster.active();
                    if batched {
                        let stored = app.dataplane.probes.round(&app.db, active).await.expect("stored");
                        transactions.fetch_add(stored.div_ceil(256) as u64, Ordering::Relaxed);
                    } else {
                        let one_each = active.len() as u64;
                        futures_util::stream::iter(active)
                            .for_each_concurrent(8, |client| {
                                let app = app.clone();
                                async move {
                                    let result = Answering.probe(client.probe_host, peergate::db::now(), false).await;
                                    app.roster.record_ping(client.id, &result);
                                    pings::record(&app.db, &[(ClientId(client.id.0), result)]).await.expect("stored");
                                }
                            })
                            .await;
                        transactions.fetch_add(one_each, Ordering::Relaxed);
                    }
                    rounds.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        let mut ticks = Vec::new();
        let started = Instant::now();
        let mut every = tokio::time::interval(tick);
        while started.elapsed() < Duration::from_secs(seconds) {
            every.tick().await;
            let t = Instant::now();
            app.dataplane.monitor.observe_status(&app.db, 30).await?;
            ticks.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        pinger.abort();
        let _ = pinger.await;
        ticks.sort_by(f64::total_cmp);
        let slow = ticks.iter().filter(|ms| **ms >= 1000.0).count();
        // Counted at the end of each round, so a round cut off by the end of the case counts neither.
        let (rounds, ping_tx) = (rounds.load(Ordering::Relaxed).max(1), transactions.load(Ordering::Relaxed));
        println!(
            "{label:<44} tick p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms  ticks over 1 s: {slow}  \
             write transactions: 1 per tick, {} per ping round ({} ticks, {rounds} rounds)",
            quantile(&ticks, 0.5),
            quantile(&ticks, 0.99),
            ticks[ticks.len() - 1],
            ping_tx / rounds,
            ticks.len()
        );
        figures.push((quantile(&ticks, 0.99), ticks[ticks.len() - 1], ping_tx / rounds));
    }
    let [new, old] = figures[..] else { return Ok(()) };
    println!();
    println!(
        "this build vs today's ping writes: tick p99 {:.2}x today's, worst tick {:.2}x today's, {}x fewer transactions per ping round",
        new.0 / old.0,
        new.1 / old.1,
        old.2 / new.2.max(1)
    );
    println!("issue 11's measurement before: single-row writes waited up to 3.5 s (37 slow-write warnings in 5 minutes)");
    Ok(())
}
