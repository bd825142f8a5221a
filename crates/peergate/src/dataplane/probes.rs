//! Connectivity tests: ping one client's probe host with every probe (to measure loss), record
//! the result in its bounded history, export it, stream it.

use std::sync::Arc;

use peergate_core::probe::PingResult;

use super::Backends;
use crate::db::clients::ClientRow;
use crate::db::{self, Db, pings};
use crate::events::{Event, Events};

pub struct Probes {
    backends: Arc<Backends>,
    events: Events,
}

impl Probes {
    pub fn new(backends: Arc<Backends>, events: Events) -> Probes {
        Probes { backends, events }
    }

    /// Pings one client's probe host and records the result.
    pub async fn ping(&self, db: &Db, client: &ClientRow) -> anyhow::Result<PingResult> {
        let result = self.backends.prober.probe(client.probe_host, db::now(), false).await;
        pings::record(db, client.id, &result).await?;
        let label = [("client", client.interface.clone())];
        metrics::gauge!("peergate_client_ping_loss_ratio", &label).set(result.loss);
        if let Some(ms) = result.rtt_avg_ms {
            metrics::gauge!("peergate_client_ping_rtt_seconds", &label).set(ms / 1000.0);
        }
        self.events.send(Event::Ping { client_id: client.id, result: result.clone() });
        Ok(result)
    }
}
