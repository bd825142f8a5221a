//! The application: what the HTTP server and the background jobs share. Built once by
//! `server::state_with`; cheap to clone (everything inside is shared).

use std::sync::{Arc, Mutex};

use metrics_exporter_prometheus::PrometheusHandle;
use peergate_core::login_throttle::LoginThrottle;

use crate::clients::Gateway;
use crate::config::Config;
use crate::dataplane::DataPlane;
use crate::db::Db;
use crate::events::Events;
use crate::roster::Roster;
use crate::system::host_metrics::HostSampler;

#[derive(Clone)]
pub struct AppContext {
    pub db: Db,
    pub config: Arc<Config>,
    /// The live event bus: the data plane publishes, `GET /api/events` subscribes.
    pub events: Events,
    /// Every client's current view (row, status, last ping), in memory; the list is served from it.
    pub roster: Arc<Roster>,
    pub gateway: Arc<Gateway>,
    pub dataplane: Arc<DataPlane>,
    /// Down/up checks of active clients and the alert webhook.
    pub alerts: Arc<crate::alerts::Alerts>,
    pub host: Arc<Mutex<HostSampler>>,
    /// Failed logins per name and address (shared by every login method; housekeeping ages it).
    pub throttle: Arc<Mutex<LoginThrottle>>,
    /// The Prometheus recorder (rendered at `/metrics`, folded by a job).
    pub metrics: PrometheusHandle,
    /// Fires once when the server starts shutting down; long-lived responses (event streams) end.
    pub shutdown: Shutdown,
}

/// A one-way "shutting down" signal any number of tasks can wait for.
#[derive(Clone)]
pub struct Shutdown(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown(Arc::new(tokio::sync::watch::channel(false).0))
    }
}

impl Shutdown {
    pub fn trigger(&self) {
        self.0.send_replace(true);
    }

    /// Resolves once [`trigger`](Self::trigger) was called (at once if it already was).
    pub async fn wait(&self) {
        let mut rx = self.0.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = rx.wait_for(|down| *down).await;
    }
}
