//! Live events for browsers (`GET /api/events`): status snapshots, ping results, client changes,
//! host metrics. One `tokio::sync::broadcast` channel per process; a subscriber that falls behind
//! by more than the channel's capacity is disconnected (its browser reconnects and refetches)
//! rather than slowing anyone else down.

use serde::Serialize;
use tokio::sync::broadcast;

use peergate_core::host::HostSample;
use peergate_core::probe::PingResult;

use crate::clients::Client;
use crate::db::alerts::Alert;
use crate::db::clients::{ClientId, ClientStatus};

/// Events buffered per subscriber before it is dropped.
pub const CAPACITY: usize = 64;

#[derive(Debug, Clone, Serialize)]
pub struct ClientStatusEvent {
    pub id: ClientId,
    pub status: ClientStatus,
}

#[derive(Debug, Clone)]
pub enum Event {
    Status { at: i64, clients: Vec<ClientStatusEvent> },
    Ping { client_id: ClientId, result: PingResult },
    Client(Box<Client>),
    ClientDeleted { id: ClientId },
    System(Box<HostSample>),
    Alert(Box<Alert>),
}

impl Event {
    /// The SSE event name and its JSON data.
    pub fn encode(&self) -> (&'static str, String) {
        let (name, data) = match self {
            Event::Status { at, clients } => ("status", serde_json::json!({ "at": at, "clients": clients })),
            Event::Ping { client_id, result } => ("ping", serde_json::json!({ "client_id": client_id, "result": result })),
            Event::Client(client) => ("client", serde_json::json!(client)),
            Event::ClientDeleted { id } => ("client_deleted", serde_json::json!({ "id": id })),
            Event::System(sample) => ("system", serde_json::json!(sample)),
            Event::Alert(alert) => ("alert", serde_json::json!(alert)),
        };
        (name, data.to_string())
    }
}

#[derive(Clone)]
pub struct Events {
    sender: broadcast::Sender<Event>,
}

impl Default for Events {
    fn default() -> Self {
        Events { sender: broadcast::channel(CAPACITY).0 }
    }
}

impl Events {
    /// Sends to whoever listens; nobody listening is fine.
    pub fn send(&self, event: Event) {
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}
