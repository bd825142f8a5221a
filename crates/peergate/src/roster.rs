//! The roster: the current view of every client in memory — its row, latest status and last
//! ping — which the list, the detail, the status monitor, the probes and the alert check read
//! instead of the database. The database stays the durable record (a restart loads the last
//! state from it); everything that changes a client in this process asks the roster to read it
//! again once committed ([`Roster::refresh`]), and the roster publishes the change on the event
//! stream.
//!
//! The encoded list (and its gzip form, made on first demand) is kept until something changes,
//! under an `ETag` made of this process's run id and a generation bumped by every change. The
//! status snapshot a new event subscriber starts from is kept the same way.
//!
//! A client changed by another process (the `peergate client import|remove` commands write the
//! database) is picked up by [`Roster::sync`], which the reconcile job runs every pass.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use peergate_core::probe::PingResult;

use crate::clients::Client;
use crate::db::Db;
use crate::db::clients::{self, ClientId, ClientRow, ClientState, ClientStatus};
use crate::events::{ClientStatusEvent, Event, Events, Frame};

pub struct Roster {
    events: Events,
    /// Random per process, so an `ETag` from a previous run never matches this one's.
    run: u32,
    inner: Mutex<Inner>,
    /// Held while the list is encoded, so a burst of requests after a change encodes it once.
    encoding: Mutex<()>,
    /// Held by a refresh or sync from its database read to its update of the roster: the last
    /// one applied is the last one read, so a slower read never puts an older row back.
    reading: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Inner {
    rows: HashMap<ClientId, ClientRow>,
    generation: u64,
    /// When the monitor last read the statuses (0: not since the start).
    status_at: i64,
    list: Option<Arc<EncodedList>>,
    snapshot: Option<Frame>,
}

/// `GET /api/clients` as it goes on the wire, for one generation of the roster.
pub struct EncodedList {
    pub etag: String,
    pub json: Bytes,
    gzip: OnceLock<Bytes>,
}

impl EncodedList {
    /// The gzip form, compressed once per generation (on first demand).
    pub fn gzip(&self) -> Bytes {
        self.gzip
            .get_or_init(|| {
                let mut encoder = GzEncoder::new(Vec::with_capacity(self.json.len() / 6), Compression::fast());
                encoder.write_all(&self.json).expect("writing to memory");
                Bytes::from(encoder.finish().expect("writing to memory"))
            })
            .clone()
    }
}

impl Roster {
    pub fn new(events: Events) -> Roster {
        Roster { events, run: rand::random(), inner: Mutex::default(), encoding: Mutex::default(), reading: Default::default() }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("roster")
    }

    /// Loads every client from the database (at start-up, after recovery).
    pub async fn load(&self, db: &Db) -> Result<(), sqlx::Error> {
        let rows = clients::list(db).await?;
        let mut inner = self.inner();
        inner.rows = rows.into_iter().map(|row| (row.id, row)).collect();
        inner.bump();
        Ok(())
    }

    /// Every client, by interface name.
    pub fn all(&self) -> Vec<ClientRow> {
        let mut rows: Vec<ClientRow> = self.inner().rows.values().cloned().collect();
        rows.sort_by(|a, b| a.interface.cmp(&b.interface));
        rows
    }

    /// The clients meant to be up, by interface name.
    pub fn active(&self) -> Vec<ClientRow> {
        let mut rows: Vec<ClientRow> = self.inner().rows.values().filter(|c| c.state == ClientState::Active).cloned().collect();
        rows.sort_by(|a, b| a.interface.cmp(&b.interface));
        rows
    }

    pub fn get(&self, id: ClientId) -> Option<ClientRow> {
        self.inner().rows.get(&id).cloned()
    }

    /// A client's row as just read: kept (with whichever status and ping is newer, the
    /// roster's or the row's) and announced. Returns the client as announced.
    fn changed(&self, row: ClientRow) -> Client {
        let client = {
            let mut inner = self.inner();
            let row = match inner.rows.get(&row.id) {
                Some(known) => merged(row, known),
                None => row,
            };
            let client = Client::from(row.clone());
            inner.rows.insert(row.id, row);
            inner.bump();
            client
        };
        self.events.send(Event::Client(Box::new(client.clone())));
        client
    }

    /// Reads one client again after a change in this process committed (the row is read here,
    /// not taken from the change, so two changes racing cannot leave the older one shown); a
    /// client gone from the database is removed. `None` when it is gone.
    pub async fn refresh(&self, db: &Db, id: ClientId) -> Result<Option<Client>, sqlx::Error> {
        let _reading = self.reading.lock().await;
        match clients::get(db, id).await? {
            Some(row) => Ok(Some(self.changed(row))),
            None => {
                self.removed(id);
                Ok(None)
            }
        }
    }

    /// A deleted client: forgotten and announced.
    fn removed(&self, id: ClientId) {
        let existed = {
            let mut inner = self.inner();
            let existed = inner.rows.remove(&id).is_some();
            if existed {
                inner.bump();
            }
            existed
        };
        if existed {
            self.events.send(Event::ClientDeleted { id });
        }
    }

    /// Brings the roster in line with the database, announcing what differs: clients added,
    /// changed or removed by another process (the command line). Statuses and pings stay the
    /// roster's when newer.
    pub async fn sync(&self, db: &Db) -> Result<(), sqlx::Error> {
        let _reading = self.reading.lock().await;
        let rows = clients::list(db).await?;
        let known = self.inner().rows.clone();
        let mut gone: Vec<ClientId> = known.keys().copied().collect();
        for row in rows {
            gone.retain(|id| *id != row.id);
            let differs = match known.get(&row.id) {
                Some(mine) => merged(row.clone(), mine) != *mine,
                None => true,
            };
            if differs {
                self.changed(row);
            }
        }
        for id in gone {
            self.removed(id);
        }
        Ok(())
    }

    /// The monitor's readings at `at`: kept, and the ones that changed (apart from when they
    /// were taken) sent as one `status` event. Returns those, the ones worth storing.
    pub fn record_statuses(&self, at: i64, statuses: Vec<(ClientId, ClientStatus)>) -> Vec<(ClientId, ClientStatus)> {
        let mut changed = Vec::new();
        if statuses.is_empty() {
            return changed;
        }
        {
            let mut inner = self.inner();
            inner.status_at = at;
            for (id, status) in statuses {
                let Some(row) = inner.rows.get_mut(&id) else { continue };
                if !row.status.as_ref().is_some_and(|known| known.same_reading(&status)) {
                    changed.push((id, status.clone()));
                }
                row.status = Some(status);
                // Every reading moves `observed_at`, which the list shows.
            }
            inner.bump();
        }
        if !changed.is_empty() {
            let clients = changed.iter().map(|(id, status)| ClientStatusEvent { id: *id, status: status.clone() }).collect();
            self.events.send(Event::Status { at, full: false, clients });
        }
        changed
    }

    /// A connectivity test's result: kept as the client's last ping and announced.
    pub fn record_ping(&self, id: ClientId, result: &PingResult) {
        {
            let mut inner = self.inner();
            let Some(row) = inner.rows.get_mut(&id) else { return };
            row.last_ping = Some(result.clone());
            inner.bump();
        }
        self.events.send(Event::Ping { client_id: id, result: result.clone() });
    }

    /// `GET /api/clients`, encoded once per generation.
    pub fn list(&self) -> Arc<EncodedList> {
        if let Some(hit) = self.inner().list.clone() {
            return hit;
        }
        let _one = self.encoding.lock().expect("roster encoding");
        if let Some(hit) = self.inner().list.clone() {
            return hit;
        }
        let (generation, clients) = {
            let inner = self.inner();
            let mut clients: Vec<Client> = inner.rows.values().cloned().map(Client::from).collect();
            clients.sort_by(|a, b| a.interface.cmp(&b.interface));
            (inner.generation, clients)
        };
        let json = serde_json::to_vec(&clients).expect("plain data serializes");
        let encoded = Arc::new(EncodedList {
            etag: format!("\"{:08x}-{generation}\"", self.run),
            json: json.into(),
            gzip: OnceLock::new(),
        });
        let mut inner = self.inner();
        if inner.generation == generation {
            inner.list = Some(encoded.clone());
        }
        encoded
    }

    /// The `status` event a new subscriber starts from: every client's latest status.
    pub fn status_snapshot(&self) -> Frame {
        let mut inner = self.inner();
        if let Some(hit) = inner.snapshot.clone() {
            return hit;
        }
        let mut clients: Vec<ClientStatusEvent> = inner
            .rows
            .values()
            .filter_map(|row| row.status.clone().map(|status| ClientStatusEvent { id: row.id, status }))
            .collect();
        clients.sort_by_key(|c| c.id);
        let frame = Event::Status { at: inner.status_at, full: true, clients }.frame();
        inner.snapshot = Some(frame.clone());
        frame
    }
}

impl Inner {
    /// Something changed: the encoded forms are stale.
    fn bump(&mut self) {
        self.generation += 1;
        self.list = None;
        self.snapshot = None;
    }
}

/// `row` as just read, with the roster's status and ping where they are newer (the database is
/// written after the roster).
fn merged(mut row: ClientRow, known: &ClientRow) -> ClientRow {
    let newer_status = match (&row.status, &known.status) {
        (Some(stored), Some(mine)) => mine.observed_at >= stored.observed_at,
        (None, Some(_)) => true,
        _ => false,
    };
    if newer_status {
        row.status = known.status.clone();
    }
    let newer_ping = match (&row.last_ping, &known.last_ping) {
        (Some(stored), Some(mine)) => mine.at >= stored.at,
        (None, Some(_)) => true,
        _ => false,
    };
    if newer_ping {
        row.last_ping = known.last_ping.clone();
    }
    row
}
