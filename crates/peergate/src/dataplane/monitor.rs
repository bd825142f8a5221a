//! The status monitor: one WireGuard snapshot of every active client per tick (no process per
//! client), stored, streamed to browsers and exported as metrics, plus the last 30 minutes of
//! traffic rates in memory and the bytes of each reading added to the client's day in the
//! database (kept [`TRAFFIC_DAYS_KEPT`] days).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use peergate_core::status::{ObservedClient, is_connected, rate};
use serde::Serialize;

use super::Backends;
use crate::db::clients::{ClientId, ClientRow, ClientState, ClientStatus, PeerStatus};
use crate::db::{self, Db, tick, traffic};
use crate::roster::Roster;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrafficPoint {
    pub at: i64,
    pub rx_rate: f64,
    pub tx_rate: f64,
}

/// Traffic samples kept per client (30 minutes at the default 5 s status interval).
const TRAFFIC_HISTORY: usize = 360;

/// Days of per-client traffic totals kept in the database.
pub const TRAFFIC_DAYS_KEPT: i64 = 90;

struct Counters {
    rx: u64,
    tx: u64,
    at: Instant,
}

/// The per-client series `/metrics` shows: the active clients of the latest tick, nothing else,
/// so a deleted or deactivated client's series disappear instead of living forever in the
/// recorder (whose label sets can never be removed).
#[derive(Debug, Clone)]
struct ClientGauges {
    name: String,
    rx: u64,
    tx: u64,
    handshake_age: Option<i64>,
}

/// Reads one gauge's value off a client's readings (`None`: no sample to show).
type GaugeOf = fn(&ClientGauges) -> Option<f64>;

pub struct Monitor {
    backends: Arc<Backends>,
    roster: Arc<Roster>,
    /// Changed statuses a failed write did not store, written with the next tick's.
    unsaved: Mutex<BTreeMap<ClientId, ClientStatus>>,
    counters: Mutex<HashMap<ClientId, Counters>>,
    traffic: Mutex<HashMap<ClientId, VecDeque<TrafficPoint>>>,
    exported: Mutex<BTreeMap<ClientId, ClientGauges>>,
}

impl Monitor {
    pub fn new(backends: Arc<Backends>, roster: Arc<Roster>) -> Monitor {
        Monitor {
            backends,
            roster,
            unsaved: Mutex::default(),
            counters: Mutex::default(),
            traffic: Mutex::default(),
            exported: Mutex::default(),
        }
    }

    /// Forgets a deactivated client's counters (its next interface starts from zero).
    pub fn forget(&self, id: ClientId) {
        self.counters.lock().expect("counters").remove(&id);
        self.exported.lock().expect("exported gauges").remove(&id);
    }

    /// The per-client gauges in Prometheus text format (appended to `/metrics`).
    pub fn render_client_metrics(&self) -> String {
        use std::fmt::Write as _;
        let exported = self.exported.lock().expect("exported gauges");
        let mut out = String::new();
        let series: [(&str, GaugeOf); 3] = [
            ("peergate_client_rx_bytes", |g| Some(g.rx as f64)),
            ("peergate_client_tx_bytes", |g| Some(g.tx as f64)),
            ("peergate_client_handshake_age_seconds", |g| g.handshake_age.map(|a| a as f64)),
        ];
        for (metric, value) in series {
            let _ = writeln!(out, "# TYPE {metric} gauge");
            for gauges in exported.values() {
                if let Some(v) = value(gauges) {
                    let label = gauges.name.replace('\\', "\\\\").replace('"', "\\\"");
                    let _ = writeln!(out, "{metric}{{client=\"{label}\"}} {v}");
                }
            }
        }
        out
    }

    /// Reads the status of every active client (as the roster has them), keeps it in the roster
    /// (which streams what changed), exports it as metrics, and stores what changed with the
    /// traffic of the tick in one transaction. An active client whose interface is gone is
    /// reported down at once, with when the reconciler (every `repair_within_secs`) will have
    /// brought it back.
    pub async fn observe_status(&self, db: &Db, repair_within_secs: u64) -> anyhow::Result<()> {
        let all = self.roster.all();
        for state in ClientState::ALL {
            let n = all.iter().filter(|c| c.state == state).count();
            metrics::gauge!("peergate_clients", "state" => state.as_str()).set(n as f64);
        }
        let active: Vec<ClientRow> = all.into_iter().filter(|c| c.state == ClientState::Active).collect();
        let names: Vec<String> = active.iter().map(|c| c.interface.clone()).collect();
        let now = db::now();
        let snapshot = self.backends.tunnels.snapshot(&names, now).await;
        let mut statuses = Vec::new();
        let mut exported = BTreeMap::new();
        let mut deltas = Vec::new();
        {
            let mut counters = self.counters.lock().expect("counters");
            let mut traffic = self.traffic.lock().expect("traffic");
            for client in &active {
                let Some(observed) = snapshot.get(&client.interface) else {
                    // No reading: a missing interface is down now; an unreadable one is skipped.
                    if !self.backends.tunnels.is_up(&client.interface) {
                        counters.remove(&client.id);
                        statuses.push((client.id, down_status(client, now, repair_within_secs)));
                    }
                    continue;
                };
                let (rx, tx) = (observed.rx_bytes(), observed.tx_bytes());
                let (rx_rate, tx_rate) = match counters.get(&client.id) {
                    Some(prev) => {
                        let secs = prev.at.elapsed().as_secs_f64();
                        (rate(prev.rx, rx, secs), rate(prev.tx, tx, secs))
                    }
                    None => (0.0, 0.0),
                };
                // Bytes since the previous reading: this process's, or the one stored before a
                // restart; counters that went backwards started again from zero.
                let before = counters
                    .get(&client.id)
                    .map(|c| (c.rx, c.tx))
                    .or_else(|| client.status.as_ref().filter(|s| s.interface_up).map(|s| (s.rx_bytes, s.tx_bytes)));
                let grown = |prev: u64, now: u64| if now >= prev { now - prev } else { now };
                let (rx_delta, tx_delta) = before.map_or((rx, tx), |(prx, ptx)| (grown(prx, rx), grown(ptx, tx)));
                deltas.push((client.id, rx_delta, tx_delta));
                counters.insert(client.id, Counters { rx, tx, at: Instant::now() });
                let history = traffic.entry(client.id).or_default();
                if history.len() == TRAFFIC_HISTORY {
                    history.pop_front();
                }
                history.push_back(TrafficPoint { at: now, rx_rate, tx_rate });
                let handshake = observed.latest_handshake();
                let status = ClientStatus {
                    observed_at: now,
                    connected: is_connected(handshake, now),
                    latest_handshake: handshake,
                    rx_bytes: rx,
                    tx_bytes: tx,
                    rx_rate,
                    tx_rate,
                    endpoint: observed.endpoint().map(str::to_string),
                    interface_up: true,
                    repair_by: None,
                    peers: peer_statuses(observed, now),
                };
                let handshake_age = (handshake > 0).then_some(now - handshake);
                exported.insert(client.id, ClientGauges { name: client.interface.clone(), rx, tx, handshake_age });
                statuses.push((client.id, status));
            }
        }
        *self.exported.lock().expect("exported gauges") = exported;
        let mut changed = self.roster.record_statuses(now, statuses);
        {
            let mut unsaved = self.unsaved.lock().expect("unsaved statuses");
            let fresh: std::collections::BTreeSet<ClientId> = changed.iter().map(|(id, _)| *id).collect();
            changed.extend(std::mem::take(&mut *unsaved).into_iter().filter(|(id, _)| !fresh.contains(id)));
        }
        let today = traffic::day_of(now);
        let first_kept_day = today - (TRAFFIC_DAYS_KEPT - 1) * traffic::SECS_PER_DAY;
        let written = tick::store(db, &tick::Tick { statuses: &changed, day: today, traffic: &deltas, first_kept_day }).await;
        if written.is_err() {
            // Tried again with the next tick (the traffic of this one is lost: it is only counted
            // once it is stored, so it is never counted twice).
            self.unsaved.lock().expect("unsaved statuses").extend(changed);
        }
        written?;
        Ok(())
    }

    pub fn traffic(&self, id: ClientId) -> Vec<TrafficPoint> {
        self.traffic.lock().expect("traffic").get(&id).map(|h| h.iter().cloned().collect()).unwrap_or_default()
    }
}

/// The status of an active client whose interface is missing: not connected, no traffic, the last
/// handshake kept (it is still the last one there was).
fn down_status(client: &ClientRow, now: i64, repair_within_secs: u64) -> ClientStatus {
    let latest_handshake = client.status.as_ref().map_or(0, |s| s.latest_handshake);
    ClientStatus {
        observed_at: now,
        connected: false,
        latest_handshake,
        rx_bytes: 0,
        tx_bytes: 0,
        rx_rate: 0.0,
        tx_rate: 0.0,
        endpoint: None,
        interface_up: false,
        repair_by: Some(now + repair_within_secs as i64),
        peers: Vec::new(),
    }
}

/// Per-peer readings when the interface has several peers.
fn peer_statuses(observed: &ObservedClient, now: i64) -> Vec<PeerStatus> {
    if observed.peers.len() < 2 {
        return Vec::new();
    }
    observed
        .peers
        .iter()
        .map(|p| PeerStatus {
            public_key: p.public_key.clone(),
            endpoint: p.endpoint.clone(),
            latest_handshake: p.latest_handshake,
            connected: is_connected(p.latest_handshake, now),
            rx_bytes: p.rx_bytes,
            tx_bytes: p.tx_bytes,
        })
        .collect()
}
