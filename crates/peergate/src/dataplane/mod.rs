//! The data plane: what makes a client's tunnel carry traffic, and what watches it.
//!
//! - [`activation`]: activate / deactivate one client, serialized per client by [`ClientLocks`].
//! - [`reconcile`]: converge the system to the database (after a reboot, a crash, a hand edit).
//! - [`monitor`]: WireGuard status and traffic rates of the active clients.
//! - [`probes`]: connectivity tests (ICMP to each client's probe host).
//!
//! Invariants: one operation per client at a time (a second caller gets `Busy`, the reconciler
//! skips the client for that pass); the database state is written last, so after a crash part-way
//! the reconciler converges the system to whatever the database says.

pub mod activation;
pub mod monitor;
pub mod probes;
pub mod reconcile;
pub mod replace;
pub mod subnets;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;

use crate::db::clients::ClientId;
use crate::roster::Roster;
use crate::system::firewall::Firewall;
use crate::system::host_net::HostNetwork;
use crate::system::owned::OwnedInterfaces;
use crate::system::ping::Prober;
use crate::system::sysctl::Forwarding;
use crate::system::tunnels::Tunnels;

/// The OS boundaries the data plane drives (real ones in production, fakes in HTTP tests).
pub struct Backends {
    pub tunnels: Arc<dyn Tunnels>,
    /// [`crate::system::firewall::Unconfigured`] when the LAN interface is unknown.
    pub firewall: Arc<dyn Firewall>,
    pub prober: Arc<dyn Prober>,
    pub forwarding: Forwarding,
    /// The gateway's addresses, routes and ports (read for route checks).
    pub host: Arc<dyn HostNetwork>,
    /// The interfaces peergate brought up, recorded before `wg-quick up`.
    pub owned: OwnedInterfaces,
}

/// One lock per client: held by an activation or deactivation for its whole run, and by the
/// reconciler while it repairs that client.
#[derive(Default)]
pub struct ClientLocks(Mutex<HashMap<ClientId, Arc<tokio::sync::Mutex<()>>>>);

impl ClientLocks {
    /// The client's lock, or `None` when someone else holds it (never waits).
    pub fn try_hold(&self, id: ClientId) -> Option<OwnedMutexGuard<()>> {
        let lock = self.0.lock().expect("client locks").entry(id).or_default().clone();
        lock.try_lock_owned().ok()
    }
}

/// The four parts, sharing the backends and the locks.
pub struct DataPlane {
    pub backends: Arc<Backends>,
    pub activation: activation::Activation,
    pub reconciler: reconcile::Reconciler,
    pub monitor: Arc<monitor::Monitor>,
    pub probes: probes::Probes,
}

impl DataPlane {
    pub fn new(backends: Backends, roster: Arc<Roster>) -> DataPlane {
        let backends = Arc::new(backends);
        let locks = Arc::new(ClientLocks::default());
        let monitor = Arc::new(monitor::Monitor::new(backends.clone(), roster.clone()));
        DataPlane {
            activation: activation::Activation::new(backends.clone(), locks.clone(), monitor.clone(), roster.clone()),
            reconciler: reconcile::Reconciler::new(backends.clone(), locks),
            probes: probes::Probes::new(backends.clone(), roster),
            monitor,
            backends,
        }
    }
}
