//! The data plane: activate and deactivate clients, reconcile desired state (the database) with
//! the system, and observe status and reachability.
//!
//! Activation = wg-quick up → forwarding on (persisted) → firewall rules → probe ping, as one
//! serialized operation per client (a second caller gets `Busy`, never an interleaving). A step
//! that fails undoes the steps before it and leaves the client `failed` with the reason. The
//! database state is written last: after a crash part-way, the reconciler converges the system to
//! whatever the database says (tearing down a half-activated client, or finishing an active one).

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Context;
use ipnet::IpNet;
use peergate_core::firewall_plan::ObservedRules;
use peergate_core::reconcile::{self, ClientOp, ClientSpec, Observed};
use peergate_core::status::is_connected;
use serde::Serialize;

use crate::clients::{Actor, audit_view};
use crate::db::audit::{self, NewEvent};
use crate::db::clients::{self, Client, ClientState, ClientStatus};
use crate::db::{self, Db};
use crate::events::{ClientStatusEvent, Event, Events};
use crate::system::firewall::Firewall;
use crate::system::ping::{PingResult, Prober};
use crate::system::sysctl::Forwarding;
use crate::system::tunnels::Tunnels;

/// The OS boundaries the data plane drives (real ones in production, fakes in HTTP tests).
pub struct Backends {
    pub tunnels: Arc<dyn Tunnels>,
    /// `None` when the LAN interface is unknown: activation then says what to configure.
    pub firewall: Option<Arc<dyn Firewall>>,
    pub prober: Arc<dyn Prober>,
    pub forwarding: Forwarding,
}

#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("Another operation on this client is running; try again when it has finished.")]
    Busy,
    /// The operation failed and was rolled back; the text is for the user (wg-quick's own words).
    #[error("{0}")]
    Failed(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for OpError {
    fn from(err: sqlx::Error) -> OpError {
        OpError::Internal(anyhow::Error::new(err).context("database"))
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrafficPoint {
    pub at: i64,
    pub rx_rate: f64,
    pub tx_rate: f64,
}

/// Traffic samples kept per client (30 minutes at the default 5 s status interval).
const TRAFFIC_HISTORY: usize = 360;

struct Counters {
    rx: u64,
    tx: u64,
    at: Instant,
}

pub struct DataPlane {
    pub backends: Backends,
    pub events: Events,
    locks: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
    reconcile_lock: tokio::sync::Mutex<()>,
    counters: Mutex<HashMap<i64, Counters>>,
    traffic: Mutex<HashMap<i64, VecDeque<TrafficPoint>>>,
}

fn routes_ipv6(client: &Client) -> bool {
    client.subnets.iter().any(|s| matches!(s, IpNet::V6(_)))
}

impl DataPlane {
    pub fn new(backends: Backends, events: Events) -> DataPlane {
        DataPlane {
            backends,
            events,
            locks: Mutex::default(),
            reconcile_lock: tokio::sync::Mutex::new(()),
            counters: Mutex::default(),
            traffic: Mutex::default(),
        }
    }

    fn lock_for(&self, id: i64) -> Arc<tokio::sync::Mutex<()>> {
        self.locks.lock().expect("locks").entry(id).or_default().clone()
    }

    fn firewall(&self) -> Result<&Arc<dyn Firewall>, String> {
        self.backends.firewall.as_ref().ok_or_else(|| {
            "The gateway's LAN interface is unknown, so no forwarding rules can be installed: set PEERGATE_LAN_INTERFACE."
                .to_string()
        })
    }

    /// The rules installed for a client, as text (for the detail view).
    pub fn describe_rules(&self, name: &str) -> Option<String> {
        self.backends.firewall.as_ref().map(|fw| fw.describe(name))
    }

    pub async fn activate(&self, db: &Db, client: &Client, actor: Actor<'_>) -> Result<Client, OpError> {
        let lock = self.lock_for(client.id);
        let _guard = lock.try_lock().map_err(|_| OpError::Busy)?;
        let started = Instant::now();
        let others: Vec<String> = clients::list(db)
            .await?
            .into_iter()
            .filter(|c| c.state == ClientState::Active && c.id != client.id)
            .map(|c| c.name)
            .collect();
        let outcome = self.bring_up(client, &others).await;
        let (state, error, action) = match &outcome {
            Ok(_) => (ClientState::Active, None, "client.activate"),
            Err(reason) => (ClientState::Failed, Some(reason.as_str()), "client.activate_failed"),
        };
        let mut tx = db.pool.begin().await?;
        clients::set_state(&mut tx, client.id, state, error).await?;
        audit::record(
            &mut tx,
            NewEvent {
                actor: actor.name,
                action,
                target: Some(format!("client:{}", client.name)),
                before: Some(audit_view(client)),
                after: Some(serde_json::json!({ "state": state, "error": error, "ping": outcome.as_ref().ok() })),
                request_id: actor.request_id,
            },
        )
        .await?;
        tx.commit().await?;
        if let Ok(ping) = &outcome {
            clients::record_ping(db, client.id, ping).await?;
        }
        let label = if outcome.is_ok() { "ok" } else { "failed" };
        metrics::histogram!("peergate_activation_duration_seconds", "outcome" => label).record(started.elapsed().as_secs_f64());
        let updated = self.publish(db, client.id).await?;
        match outcome {
            Ok(_) => Ok(updated),
            Err(reason) => Err(OpError::Failed(reason)),
        }
    }

    /// The four steps, undoing earlier ones when a later one fails. Returns the probe result.
    async fn bring_up(&self, client: &Client, other_active: &[String]) -> Result<PingResult, String> {
        let firewall = self.firewall()?;
        let b = &self.backends;
        let name = client.name.as_str();
        if !b.tunnels.is_up(name) {
            b.tunnels.up(name).await.map_err(|e| format!("wg-quick up failed: {e}"))?;
        }
        let forwarding_was_on = b.forwarding.ipv4();
        let undo = async |remove_rules: bool| {
            if remove_rules && let Err(err) = firewall.remove(name, &firewall.observe().await).await {
                tracing::warn!(client = name, error = %err, "rollback: removing rules failed");
            }
            if let Err(err) = b.tunnels.down(name).await {
                tracing::warn!(client = name, error = %err, "rollback: wg-quick down failed");
            }
            if !forwarding_was_on && other_active.is_empty() {
                let _ = b.forwarding.disable_ipv4();
            }
        };
        if let Err(err) = b.forwarding.enable(routes_ipv6(client)) {
            undo(false).await;
            return Err(format!("Turning on IP forwarding failed: {err:#}"));
        }
        let observed = firewall.observe().await;
        let applied = if observed.base_ok {
            firewall.add(name, &observed).await
        } else {
            let mut all: Vec<String> = other_active.to_vec();
            all.push(name.to_string());
            firewall.rebuild(&all).await
        };
        if let Err(err) = applied {
            undo(false).await;
            return Err(format!("Installing the firewall rules failed: {err}"));
        }
        // The first answer proves the path; periodic tests send all probes to measure loss.
        let ping = b.prober.probe(client.probe_host, db::now(), true).await;
        if ping.ok {
            return Ok(ping);
        }
        let now = db::now();
        let observed = b.tunnels.snapshot(&[name.to_string()], now).await;
        let handshake = observed.get(name).map(|o| o.latest_handshake()).unwrap_or(0);
        let reason = if handshake == 0 {
            format!(
                "No handshake with the peer at {}: the tunnel did not come up. Check the Endpoint and the peer's \
                 PublicKey, and that the remote server lists this gateway's public key.",
                client.endpoint
            )
        } else {
            format!(
                "The tunnel is up (last handshake {} s ago) but the probe host {} is unreachable: it did not answer {} \
                 pings{}. Check the probe host, and that the remote site routes replies back.",
                now - handshake,
                client.probe_host,
                ping.sent,
                ping.error.as_deref().map(|e| format!(" ({e})")).unwrap_or_default()
            )
        };
        undo(true).await;
        Err(reason)
    }

    pub async fn deactivate(&self, db: &Db, client: &Client, actor: Actor<'_>) -> Result<Client, OpError> {
        let lock = self.lock_for(client.id);
        let _guard = lock.try_lock().map_err(|_| OpError::Busy)?;
        self.tear_down(client).await.map_err(OpError::Failed)?;
        let mut tx = db.pool.begin().await?;
        clients::set_state(&mut tx, client.id, ClientState::Inactive, None).await?;
        audit::record(
            &mut tx,
            NewEvent {
                actor: actor.name,
                action: "client.deactivate",
                target: Some(format!("client:{}", client.name)),
                before: Some(audit_view(client)),
                after: Some(serde_json::json!({ "state": ClientState::Inactive })),
                request_id: actor.request_id,
            },
        )
        .await?;
        tx.commit().await?;
        self.counters.lock().expect("counters").remove(&client.id);
        self.publish(db, client.id).await
    }

    async fn tear_down(&self, client: &Client) -> Result<(), String> {
        if let Some(firewall) = &self.backends.firewall {
            let observed = firewall.observe().await;
            firewall.remove(&client.name, &observed).await.map_err(|e| format!("Removing the firewall rules failed: {e}"))?;
        }
        if self.backends.tunnels.is_up(&client.name) {
            self.backends.tunnels.down(&client.name).await.map_err(|e| format!("wg-quick down failed: {e}"))?;
        }
        Ok(())
    }

    /// Before a delete: brings the client down if anything of it is up.
    pub async fn ensure_down(&self, db: &Db, client: &Client, actor: Actor<'_>) -> Result<(), OpError> {
        if client.state == ClientState::Active || self.backends.tunnels.is_up(&client.name) {
            self.deactivate(db, client, actor).await?;
        }
        Ok(())
    }

    async fn publish(&self, db: &Db, id: i64) -> Result<Client, OpError> {
        let client = clients::get(db, id).await?.context("client vanished")?;
        self.events.send(Event::Client(Box::new(client.clone())));
        Ok(client)
    }

    /// What a reconcile pass would do now (for `peergate doctor`), and the clients it looked at.
    pub async fn drift(&self, db: &Db) -> anyhow::Result<(Vec<ClientOp>, Vec<Client>, ObservedRules)> {
        let all = clients::list(db).await?;
        let b = &self.backends;
        let desired: Vec<ClientSpec> = all
            .iter()
            .map(|c| ClientSpec { name: c.name.clone(), active: c.state == ClientState::Active, routes_ipv6: routes_ipv6(c) })
            .collect();
        let observed = Observed {
            interfaces: all.iter().filter(|c| b.tunnels.is_up(&c.name)).map(|c| c.name.clone()).collect::<BTreeSet<_>>(),
            rules: match &b.firewall {
                Some(fw) => fw.observe().await,
                None => Default::default(),
            },
            ipv4_forwarding: b.forwarding.ipv4(),
            ipv6_forwarding: b.forwarding.ipv6(),
        };
        Ok((reconcile::plan(&desired, &observed), all, observed.rules))
    }

    /// One reconcile pass: plan from desired vs observed, apply each op, log and audit it.
    pub async fn reconcile(&self, db: &Db) -> anyhow::Result<Vec<ClientOp>> {
        let _pass = self.reconcile_lock.lock().await;
        let (plan, all, observed_rules) = self.drift(db).await?;
        let mut applied = Vec::new();
        for op in plan {
            let client = op_client(&op).and_then(|name| all.iter().find(|c| c.name == name));
            // An activation in progress owns its client: leave it alone this pass.
            let lock = client.map(|c| self.lock_for(c.id));
            let _guard = match &lock {
                Some(lock) => match lock.try_lock() {
                    Ok(guard) => Some(guard),
                    Err(_) => continue,
                },
                None => None,
            };
            let result = self.apply(&op, &observed_rules).await;
            let (name, label) = op_label(&op);
            let mut tx = db.pool.begin().await?;
            match &result {
                Ok(()) => {
                    tracing::info!(op = label, client = name, "reconcile: repaired");
                    metrics::counter!("peergate_reconcile_repairs_total", "op" => label).increment(1);
                }
                Err(err) => {
                    tracing::warn!(op = label, client = name, error = %err, "reconcile: repair failed");
                    if let (ClientOp::BringUp(_), Some(c)) = (&op, client) {
                        clients::set_state(
                            &mut tx,
                            c.id,
                            ClientState::Failed,
                            Some(&format!("Bringing the tunnel back failed: {err}")),
                        )
                        .await?;
                    }
                }
            }
            audit::record(
                &mut tx,
                NewEvent {
                    actor: "system",
                    action: &format!("reconcile.{label}"),
                    target: name.map(|n| format!("client:{n}")),
                    after: Some(
                        serde_json::json!({ "ok": result.is_ok(), "error": result.as_ref().err().map(ToString::to_string) }),
                    ),
                    ..Default::default()
                },
            )
            .await?;
            tx.commit().await?;
            applied.push(op);
        }
        Ok(applied)
    }

    async fn apply(&self, op: &ClientOp, observed: &ObservedRules) -> anyhow::Result<()> {
        let b = &self.backends;
        let firewall = || self.firewall().map_err(anyhow::Error::msg);
        match op {
            ClientOp::EnableIpv4Forwarding => b.forwarding.enable(false),
            ClientOp::EnableIpv6Forwarding => b.forwarding.enable(true),
            ClientOp::RebuildFirewall(names) => Ok(firewall()?.rebuild(names).await?),
            ClientOp::BringUp(name) => Ok(b.tunnels.up(name).await?),
            ClientOp::AddRules(name) => Ok(firewall()?.add(name, observed).await?),
            ClientOp::RemoveRules(name) => Ok(firewall()?.remove(name, observed).await?),
            ClientOp::TearDown(name) => Ok(b.tunnels.down(name).await?),
        }
    }

    /// Reads the status of every active client (one snapshot, no process per client), stores it,
    /// pushes it to browsers and metrics.
    pub async fn observe_status(&self, db: &Db) -> anyhow::Result<()> {
        let all = clients::list(db).await?;
        for state in ClientState::ALL {
            let n = all.iter().filter(|c| c.state == state).count();
            metrics::gauge!("peergate_clients", "state" => state.as_str()).set(n as f64);
        }
        let active: Vec<Client> = all.into_iter().filter(|c| c.state == ClientState::Active).collect();
        let names: Vec<String> = active.iter().map(|c| c.name.clone()).collect();
        let now = db::now();
        let snapshot = self.backends.tunnels.snapshot(&names, now).await;
        let mut statuses = Vec::new();
        {
            let mut counters = self.counters.lock().expect("counters");
            let mut traffic = self.traffic.lock().expect("traffic");
            for client in &active {
                let Some(observed) = snapshot.get(&client.name) else { continue };
                let (rx, tx) = (observed.rx_bytes(), observed.tx_bytes());
                let (rx_rate, tx_rate) = match counters.get(&client.id) {
                    Some(prev) => {
                        let secs = prev.at.elapsed().as_secs_f64();
                        (peergate_core::status::rate(prev.rx, rx, secs), peergate_core::status::rate(prev.tx, tx, secs))
                    }
                    None => (0.0, 0.0),
                };
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
                };
                let label = [("client", client.name.clone())];
                metrics::gauge!("peergate_client_rx_bytes", &label).set(rx as f64);
                metrics::gauge!("peergate_client_tx_bytes", &label).set(tx as f64);
                if handshake > 0 {
                    metrics::gauge!("peergate_client_handshake_age_seconds", &label).set((now - handshake) as f64);
                }
                statuses.push((client.id, status));
            }
        }
        clients::store_statuses(db, &statuses).await?;
        let clients = statuses.into_iter().map(|(id, status)| ClientStatusEvent { id, status }).collect();
        self.events.send(Event::Status { at: now, clients });
        Ok(())
    }

    /// Pings one client's probe host and records the result.
    pub async fn ping(&self, db: &Db, client: &Client) -> anyhow::Result<PingResult> {
        let result = self.backends.prober.probe(client.probe_host, db::now(), false).await;
        clients::record_ping(db, client.id, &result).await?;
        let label = [("client", client.name.clone())];
        metrics::gauge!("peergate_client_ping_loss_ratio", &label).set(result.loss);
        if let Some(ms) = result.rtt_avg_ms {
            metrics::gauge!("peergate_client_ping_rtt_seconds", &label).set(ms / 1000.0);
        }
        self.events.send(Event::Ping { client_id: client.id, result: result.clone() });
        Ok(result)
    }

    pub fn traffic(&self, id: i64) -> Vec<TrafficPoint> {
        self.traffic.lock().expect("traffic").get(&id).map(|h| h.iter().cloned().collect()).unwrap_or_default()
    }
}

fn op_client(op: &ClientOp) -> Option<&str> {
    match op {
        ClientOp::BringUp(n) | ClientOp::AddRules(n) | ClientOp::RemoveRules(n) | ClientOp::TearDown(n) => Some(n),
        _ => None,
    }
}

pub fn op_label(op: &ClientOp) -> (Option<&str>, &'static str) {
    let label = match op {
        ClientOp::EnableIpv4Forwarding => "enable_ipv4_forwarding",
        ClientOp::EnableIpv6Forwarding => "enable_ipv6_forwarding",
        ClientOp::RebuildFirewall(_) => "rebuild_firewall",
        ClientOp::BringUp(_) => "bring_up",
        ClientOp::AddRules(_) => "add_rules",
        ClientOp::RemoveRules(_) => "remove_rules",
        ClientOp::TearDown(_) => "tear_down",
    };
    (op_client(op), label)
}
