//! Activating and deactivating one client.
//!
//! Activation = wg-quick up → forwarding on (persisted) → firewall rules → probe ping, as one
//! serialized operation per client. A step that fails undoes the steps before it and leaves the
//! client `failed` with the reason; the database state is written last.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use peergate_core::client_policy::{self, InterfaceName, NameError, PolicyError};
use peergate_core::firewall_plan::RuledClient;
use peergate_core::probe::{self, PingResult, ProbeFailure};
use peergate_core::wg_conf::{self, Host};

use super::monitor::Monitor;
use super::{Backends, ClientLocks};
use crate::clients::{Client, Gateway, audit_view};
use crate::db::audit::{Actor, Entry};
use crate::db::clients::{self, ClientId, ClientRow, ClientState};
use crate::db::{self, Db, pings};
use crate::roster::Roster;
use crate::system::firewall::FirewallError;
use crate::system::host_net;
use crate::system::run::RunError;

#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("Another operation on this client is running; try again when it has finished.")]
    Busy,
    /// The operation failed and was rolled back; the text is for the user (wg-quick's own words).
    #[error(transparent)]
    Failed(#[from] StepError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db::database_failure_is_internal!(OpError);

/// The step of an activation or deactivation that failed, in words for the admin.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// Rules cannot be installed at all (the LAN interface is unknown): checked before anything changes.
    #[error(transparent)]
    FirewallNotReady(FirewallError),
    /// A client stored before interface names had to be literal (`site+` is an iptables pattern).
    #[error(
        "The client name `{0}` is not a literal interface name ({1}); delete the client and upload it again under another name"
    )]
    UnsafeName(String, NameError),
    #[error("Cannot read the gateway's addresses and routes to check this client's routes: {0:#}")]
    HostUnreadable(anyhow::Error),
    #[error("This client's routes now collide with the gateway: {0}. Change the client or the gateway, then activate again")]
    RoutesConflict(PolicyError),
    /// Checked before wg-quick, which would otherwise wait out its own resolver retries.
    #[error("The endpoint name `{name}` does not resolve from the gateway: {reason}. Check the name and the gateway's DNS")]
    EndpointUnresolved { name: String, reason: String },
    #[error("Recording the interface as peergate's failed: {0}")]
    Ownership(String),
    #[error("wg-quick up failed: {0}")]
    TunnelUp(RunError),
    #[error("Turning on IP forwarding failed: {0:#}")]
    Forwarding(anyhow::Error),
    #[error("Installing the firewall rules failed: {0}")]
    InstallRules(FirewallError),
    #[error("{0}")]
    Probe(ProbeFailure),
    #[error("Removing the firewall rules failed: {0}")]
    RemoveRules(FirewallError),
    #[error("wg-quick down failed: {0}")]
    TunnelDown(RunError),
}

/// How long an endpoint name may take to resolve before activation gives up.
const RESOLVE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

pub struct Activation {
    pub(super) backends: Arc<Backends>,
    pub(super) locks: Arc<ClientLocks>,
    pub(super) monitor: Arc<Monitor>,
    pub(super) roster: Arc<Roster>,
}

impl Activation {
    pub fn new(backends: Arc<Backends>, locks: Arc<ClientLocks>, monitor: Arc<Monitor>, roster: Arc<Roster>) -> Activation {
        Activation { backends, locks, monitor, roster }
    }

    pub async fn activate(&self, db: &Db, client: &ClientRow, actor: &Actor) -> Result<Client, OpError> {
        let _guard = self.locks.try_hold(client.id).ok_or(OpError::Busy)?;
        let started = Instant::now();
        let others = self.other_active(db, client.id).await?;
        let outcome = self.bring_up(client, &others).await;
        let error = outcome.as_ref().err().map(ToString::to_string);
        let state = if outcome.is_ok() { ClientState::Active } else { ClientState::Failed };
        self.record_outcome(db, client, state, error.as_deref(), outcome.as_ref().ok(), actor).await?;
        let label = if outcome.is_ok() { "ok" } else { "failed" };
        metrics::histogram!("peergate_activation_duration_seconds", "outcome" => label).record(started.elapsed().as_secs_f64());
        let updated = self.publish(db, client.id).await?;
        outcome.map(|_| updated).map_err(OpError::Failed)
    }

    /// The other active clients (forwarding and the ruleset are shared with them).
    pub(super) async fn other_active(&self, db: &Db, id: ClientId) -> Result<Vec<RuledClient>, OpError> {
        Ok(clients::list(db)
            .await?
            .into_iter()
            .filter(|c| c.state == ClientState::Active && c.id != id)
            .map(|c| c.ruled())
            .collect())
    }

    /// Records how an activation ended: the state, its audit event (`client.activate` or
    /// `client.activate_failed`) and the probe result.
    pub(super) async fn record_outcome(
        &self,
        db: &Db,
        client: &ClientRow,
        state: ClientState,
        error: Option<&str>,
        ping: Option<&PingResult>,
        actor: &Actor,
    ) -> Result<(), OpError> {
        let mut change = db.change(actor).await?;
        clients::set_state(&mut change, client.id, state, error).await?;
        let action = if state == ClientState::Active { "client.activate" } else { "client.activate_failed" };
        let entry = Entry::new(action, format!("client:{}", client.interface))
            .before(audit_view(client))
            .after(serde_json::json!({ "state": state, "error": error, "ping": ping }));
        change.commit(entry).await?;
        if let Some(ping) = ping {
            pings::record(db, &[(client.id, ping.clone())]).await?;
        }
        Ok(())
    }

    /// Before anything changes: the gateway may have gained an address or route since the upload,
    /// so the client's prefixes (addresses and AllowedIPs of the file peergate wrote) are checked
    /// against it again, and endpoint names must resolve now (in seconds, with the resolver's own
    /// words), not inside wg-quick. A missing or unreadable file is left to wg-quick, which says so.
    async fn preflight(&self, client: &ClientRow) -> Result<(), StepError> {
        let Ok(text) = std::fs::read_to_string(&client.conf_path) else { return Ok(()) };
        let Ok(conf) = wg_conf::parse(&text) else { return Ok(()) };
        let facts = self.backends.host.facts().await.map_err(StepError::HostUnreadable)?;
        client_policy::recheck(&conf, &client.interface, &facts).map_err(StepError::RoutesConflict)?;
        for peer in &conf.peers {
            let endpoint = &peer.endpoint.value;
            if let Host::Name(name) = &endpoint.host {
                host_net::resolve(name, endpoint.port, RESOLVE_TIMEOUT)
                    .await
                    .map_err(|reason| StepError::EndpointUnresolved { name: name.clone(), reason })?;
            }
        }
        Ok(())
    }

    /// The four steps, undoing earlier ones when a later one fails. Returns the probe result.
    pub(super) async fn bring_up(&self, client: &ClientRow, other_active: &[RuledClient]) -> Result<PingResult, StepError> {
        let b = &self.backends;
        let firewall = &b.firewall;
        firewall.ready().map_err(StepError::FirewallNotReady)?;
        let name = client.interface.as_str();
        InterfaceName::parse(name).map_err(|e| StepError::UnsafeName(name.to_string(), e))?;
        self.preflight(client).await?;
        // Recorded before the interface exists: whatever happens next, it can be found again.
        b.owned.claim(name).map_err(|e| StepError::Ownership(e.to_string()))?;
        if !b.tunnels.is_up(name)
            && let Err(err) = b.tunnels.up(name).await
        {
            // wg-quick can fail (or be killed at its deadline) with the interface half made.
            if b.tunnels.is_up(name)
                && let Err(down) = b.tunnels.down(name).await
            {
                tracing::warn!(client = name, error = %down, "rollback: removing the half-created interface failed");
            }
            if !b.tunnels.is_up(name) {
                let _ = b.owned.release(name);
            }
            return Err(StepError::TunnelUp(err));
        }
        let forwarding_before = b.forwarding.state();
        let undo = async |remove_rules: bool| {
            if remove_rules && let Err(err) = firewall.remove(&[client.ruled()]).await {
                tracing::warn!(client = name, error = %err, "rollback: removing rules failed");
            }
            match b.tunnels.down(name).await {
                Ok(()) => {
                    let _ = b.owned.release(name);
                }
                Err(err) => tracing::warn!(client = name, error = %err, "rollback: wg-quick down failed"),
            }
            // Another active client needs forwarding as it is; otherwise put it back as it was,
            // the persisted file included.
            if other_active.is_empty()
                && let Err(err) = b.forwarding.restore(&forwarding_before)
            {
                tracing::warn!(client = name, error = %err, "rollback: restoring forwarding failed");
            }
        };
        if let Err(err) = b.forwarding.enable(client.routes_ipv6()) {
            undo(false).await;
            return Err(StepError::Forwarding(err));
        }
        // Added to an intact base (read without the set's members), else the base is rebuilt with
        // all of them; the reconciler decides the same way.
        let applied = if firewall.base_ok().await {
            firewall.add(&[client.ruled()]).await
        } else {
            firewall.rebuild(&[other_active, &[client.ruled()]].concat()).await
        };
        if let Err(err) = applied {
            undo(false).await;
            return Err(StepError::InstallRules(err));
        }
        // The first answer proves the path; periodic tests send all probes to measure loss.
        let ping = b.prober.probe(client.probe_host, db::now(), true).await;
        if ping.ok {
            return Ok(ping);
        }
        let now = db::now();
        let observed = b.tunnels.snapshot(&[name.to_string()], now).await;
        let handshake = observed.get(name).map(|o| o.latest_handshake()).unwrap_or(0);
        undo(true).await;
        Err(StepError::Probe(probe::diagnose(handshake, now, &client.endpoint, client.probe_host, &ping)))
    }

    pub async fn deactivate(&self, db: &Db, client: &ClientRow, actor: &Actor) -> Result<Client, OpError> {
        let _guard = self.locks.try_hold(client.id).ok_or(OpError::Busy)?;
        self.deactivate_held(db, client, actor).await?;
        self.publish(db, client.id).await
    }

    /// Tear-down, state and audit event of a deactivation; the caller holds the client's lock.
    async fn deactivate_held(&self, db: &Db, client: &ClientRow, actor: &Actor) -> Result<(), OpError> {
        self.tear_down(client).await?;
        let mut change = db.change(actor).await?;
        clients::set_state(&mut change, client.id, ClientState::Inactive, None).await?;
        change
            .commit(
                Entry::new("client.deactivate", format!("client:{}", client.interface))
                    .before(audit_view(client))
                    .after(serde_json::json!({ "state": ClientState::Inactive })),
            )
            .await?;
        self.monitor.forget(client.id);
        Ok(())
    }

    pub(super) async fn tear_down(&self, client: &ClientRow) -> Result<(), StepError> {
        let firewall = &self.backends.firewall;
        firewall.remove(&[client.ruled()]).await.map_err(StepError::RemoveRules)?;
        if self.backends.tunnels.is_up(&client.interface) {
            self.backends.tunnels.down(&client.interface).await.map_err(StepError::TunnelDown)?;
        }
        if let Err(err) = self.backends.owned.release(&client.interface) {
            tracing::warn!(client = client.interface, error = %err, "forgetting the interface failed");
        }
        Ok(())
    }

    /// Deletes a client under its lock, so no activation can run beside it: brings it down if
    /// anything of it is up (as the database says *now*, not as the caller read it), then removes
    /// the row and the file.
    pub async fn delete(&self, db: &Db, gateway: &Gateway, id: ClientId, actor: &Actor) -> Result<(), OpError> {
        let _guard = self.locks.try_hold(id).ok_or(OpError::Busy)?;
        let Some(client) = clients::get(db, id).await? else { return Ok(()) };
        if client.state == ClientState::Active || self.backends.tunnels.is_up(&client.interface) {
            self.deactivate_held(db, &client, actor).await?;
        }
        gateway.remove(db, &client, actor).await?;
        self.monitor.forget(client.id);
        self.roster.refresh(db, client.id).await?;
        Ok(())
    }

    pub(super) async fn publish(&self, db: &Db, id: ClientId) -> Result<Client, OpError> {
        Ok(self.roster.refresh(db, id).await?.context("client vanished")?)
    }
}
