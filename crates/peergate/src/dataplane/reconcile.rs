//! The reconcile executor: plans from the database (desired) against the system (observed) with
//! `peergate_core::reconcile::plan`, applies each op, and logs, counts and audits every one.

use std::collections::BTreeSet;
use std::sync::Arc;

use peergate_core::firewall_plan::{ObservedRules, RuledClient};
use peergate_core::reconcile::{self, ClientOp, ClientSpec, Observed};

use super::{Backends, ClientLocks};
use crate::db::Db;
use crate::db::audit::{Actor, Entry};
use crate::db::clients::{self, ClientRow, ClientState};

/// What one pass did. An op skipped because its client was busy counts in neither list.
#[derive(Debug, Default)]
pub struct ReconcileReport {
    pub succeeded: Vec<ClientOp>,
    pub failed: Vec<(ClientOp, String)>,
}

impl ReconcileReport {
    pub fn attempted(&self) -> usize {
        self.succeeded.len() + self.failed.len()
    }
}

/// What a pass would do now, with what it looked at.
pub struct Drift {
    pub ops: Vec<ClientOp>,
    pub clients: Vec<ClientRow>,
    pub rules: ObservedRules,
}

pub struct Reconciler {
    backends: Arc<Backends>,
    locks: Arc<ClientLocks>,
    pass: tokio::sync::Mutex<()>,
}

impl Drift {
    /// A client as the database has it (a name without a row has no subnets).
    fn ruled(&self, name: &str) -> RuledClient {
        match self.clients.iter().find(|c| c.interface == name) {
            Some(row) => row.ruled(),
            None => RuledClient { name: name.to_string(), subnets: Vec::new() },
        }
    }

    /// A client as the firewall has it: what the iptables set holds for it besides its row's
    /// subnets, so a removal takes every member.
    fn installed(&self, name: &str) -> RuledClient {
        let mut client = self.ruled(name);
        if let Some(nets) = self.rules.subnets.as_ref().and_then(|s| s.get(name)) {
            client.subnets.extend(nets.iter().map(|n| ipnet::IpNet::V4(*n)));
        }
        client
    }
}

impl Reconciler {
    pub fn new(backends: Arc<Backends>, locks: Arc<ClientLocks>) -> Reconciler {
        Reconciler { backends, locks, pass: tokio::sync::Mutex::new(()) }
    }

    /// What a reconcile pass would do now (also for `peergate doctor`, which changes nothing).
    pub async fn drift(&self, db: &Db) -> anyhow::Result<Drift> {
        let all = clients::list(db).await?;
        let b = &self.backends;
        let desired: Vec<ClientSpec> =
            all.iter().map(|c| ClientSpec { client: c.ruled(), active: c.state == ClientState::Active }).collect();
        // Interfaces of clients, and interfaces peergate recorded bringing up whose row is gone.
        let known: BTreeSet<String> = all.iter().map(|c| c.interface.clone()).chain(b.owned.list()).collect();
        let observed = Observed {
            interfaces: known.into_iter().filter(|name| b.tunnels.is_up(name)).collect::<BTreeSet<_>>(),
            rules: b.firewall.observe().await,
            ipv4_forwarding: b.forwarding.ipv4(),
            ipv6_forwarding: b.forwarding.ipv6(),
        };
        Ok(Drift { ops: reconcile::plan(&desired, &observed), clients: all, rules: observed.rules })
    }

    /// One pass: plan, apply each op, log and audit it (actor `system`).
    pub async fn reconcile(&self, db: &Db) -> anyhow::Result<ReconcileReport> {
        let _pass = self.pass.lock().await;
        let mut drift = self.drift(db).await?;
        let actor = Actor::system();
        let mut report = ReconcileReport::default();
        for op in std::mem::take(&mut drift.ops) {
            let (name, label) = op_label(&op);
            let client = name.and_then(|name| drift.clients.iter().find(|c| c.interface == name));
            // An activation in progress owns its client: leave it alone this pass.
            let _guard = match client {
                Some(c) => match self.locks.try_hold(c.id) {
                    Some(guard) => Some(guard),
                    None => continue,
                },
                None => None,
            };
            let result = self.apply(&op, &drift).await;
            let mut change = db.change(&actor).await?;
            match &result {
                Ok(()) => {
                    tracing::info!(op = label, client = name, "reconcile: repaired");
                    metrics::counter!("peergate_reconcile_repairs_total", "op" => label).increment(1);
                }
                Err(err) => {
                    tracing::warn!(op = label, client = name, error = %err, "reconcile: repair failed");
                    metrics::counter!("peergate_reconcile_failures_total", "op" => label).increment(1);
                    if let (ClientOp::BringUp(_), Some(c)) = (&op, client) {
                        let reason = format!("Bringing the tunnel back failed: {err}");
                        clients::set_state(&mut change, c.id, ClientState::Failed, Some(&reason)).await?;
                    }
                }
            }
            let error = result.as_ref().err().map(ToString::to_string);
            let entry = Entry::new(format!("reconcile.{label}"), name.map(|n| format!("client:{n}")));
            change.commit(entry.after(serde_json::json!({ "ok": result.is_ok(), "error": error }))).await?;
            match error {
                None => report.succeeded.push(op),
                Some(error) => report.failed.push((op, error)),
            }
        }
        Ok(report)
    }

    async fn apply(&self, op: &ClientOp, drift: &Drift) -> anyhow::Result<()> {
        let b = &self.backends;
        match op {
            ClientOp::EnableIpv4Forwarding => b.forwarding.enable(false),
            ClientOp::EnableIpv6Forwarding => b.forwarding.enable(true),
            ClientOp::RebuildFirewall(names) => {
                let all: Vec<RuledClient> = names.iter().map(|n| drift.ruled(n)).collect();
                Ok(b.firewall.rebuild(&all).await?)
            }
            ClientOp::BringUp(name) => {
                b.owned.claim(name)?;
                Ok(b.tunnels.up(name).await?)
            }
            ClientOp::AddRules(name) => Ok(b.firewall.add(&[drift.ruled(name)]).await?),
            ClientOp::RemoveRules(name) => Ok(b.firewall.remove(&[drift.installed(name)]).await?),
            ClientOp::TearDown(name) => {
                b.tunnels.down(name).await?;
                Ok(b.owned.release(name)?)
            }
        }
    }
}

/// The client an op concerns (if any) and its label for logs, metrics and the audit log.
pub fn op_label(op: &ClientOp) -> (Option<&str>, &'static str) {
    match op {
        ClientOp::EnableIpv4Forwarding => (None, "enable_ipv4_forwarding"),
        ClientOp::EnableIpv6Forwarding => (None, "enable_ipv6_forwarding"),
        ClientOp::RebuildFirewall(_) => (None, "rebuild_firewall"),
        ClientOp::BringUp(n) => (Some(n), "bring_up"),
        ClientOp::AddRules(n) => (Some(n), "add_rules"),
        ClientOp::RemoveRules(n) => (Some(n), "remove_rules"),
        ClientOp::TearDown(n) => (Some(n), "tear_down"),
    }
}
