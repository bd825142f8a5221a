//! Connectivity tests: ping one client's probe host with every probe (to measure loss), keep the
//! result as its last ping in the roster (which streams it), export it, and record it in its
//! bounded history. A periodic round stores its results in batches, one transaction each.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use peergate_core::probe::PingResult;

use super::Backends;
use crate::db::clients::{ClientId, ClientRow};
use crate::db::{self, Db, pings};
use crate::roster::Roster;

/// Probes in flight at once: each takes up to ~3 s when the host is down.
const CONCURRENT: usize = 8;
/// A round's results are stored this many at a time, or after [`BATCH_WAIT`], whichever is first.
const BATCH: usize = 256;
const BATCH_WAIT: Duration = Duration::from_secs(5);

pub struct Probes {
    backends: Arc<Backends>,
    roster: Arc<Roster>,
}

impl Probes {
    pub fn new(backends: Arc<Backends>, roster: Arc<Roster>) -> Probes {
        Probes { backends, roster }
    }

    /// Pings one client's probe host now and records the result.
    pub async fn ping(&self, db: &Db, client: &ClientRow) -> anyhow::Result<PingResult> {
        let result = self.probe(client).await;
        pings::record(db, &[(client.id, result.clone())]).await?;
        Ok(result)
    }

    /// One periodic round over `clients`: each result is shown as it comes, and stored with
    /// the others of its batch. Returns how many results were stored.
    pub async fn round(&self, db: &Db, clients: Vec<ClientRow>) -> anyhow::Result<usize> {
        let results = futures_util::stream::iter(clients)
            .map(|client| async move {
                let result = self.probe(&client).await;
                (client.id, result)
            })
            .buffer_unordered(CONCURRENT);
        let mut batches = std::pin::pin!(tokio_stream::StreamExt::chunks_timeout(results, BATCH, BATCH_WAIT));
        let mut stored = 0;
        while let Some(batch) = batches.next().await {
            let batch: Vec<(ClientId, PingResult)> = batch;
            pings::record(db, &batch).await?;
            stored += batch.len();
        }
        Ok(stored)
    }

    async fn probe(&self, client: &ClientRow) -> PingResult {
        let result = self.backends.prober.probe(client.probe_host, db::now(), false).await;
        let label = [("client", client.interface.clone())];
        metrics::gauge!("peergate_client_ping_loss_ratio", &label).set(result.loss);
        if let Some(ms) = result.rtt_avg_ms {
            metrics::gauge!("peergate_client_ping_rtt_seconds", &label).set(ms / 1000.0);
        }
        self.roster.record_ping(client.id, &result);
        result
    }
}
