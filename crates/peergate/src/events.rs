//! Live events for browsers (`GET /api/events`): status changes, ping results, client changes,
//! host metrics, alerts. Each event is encoded once, as the complete Server-Sent Events frame, and
//! the same bytes go to every subscriber through one `tokio::sync::broadcast` channel. A
//! subscriber that falls behind by more than the channel's capacity is told to resync and
//! disconnected (its browser reconnects and refetches) rather than slowing anyone else down or
//! growing memory.

use axum::body::Bytes;
use serde::Serialize;
use tokio::sync::broadcast;

use peergate_core::host::HostSample;
use peergate_core::probe::PingResult;

use crate::clients::Client;
use crate::db::alerts::Alert;
use crate::db::clients::{ClientId, ClientStatus};

/// Frames buffered per subscriber before it is dropped. Frames are shared, so this bounds a slow
/// subscriber's backlog, not a copy per subscriber; a ping round of many clients sends one small
/// frame per client, which this leaves room for.
pub const CAPACITY: usize = 256;

#[derive(Debug, Clone, Serialize)]
pub struct ClientStatusEvent {
    pub id: ClientId,
    pub status: ClientStatus,
}

#[derive(Debug, Clone)]
pub enum Event {
    /// The statuses that changed at `at` (`full`: every active client's, the snapshot a new
    /// subscriber starts from). A client not listed reads as it did.
    Status {
        at: i64,
        full: bool,
        clients: Vec<ClientStatusEvent>,
    },
    Ping {
        client_id: ClientId,
        result: PingResult,
    },
    Client(Box<Client>),
    ClientDeleted {
        id: ClientId,
    },
    System(Box<HostSample>),
    Alert(Box<Alert>),
    /// Sent to a subscriber just before it is dropped for falling behind: refetch, then reconnect.
    Resync,
}

/// One encoded event: `event: <name>\ndata: <json>\n\n`, ready for the wire.
#[derive(Debug, Clone)]
pub struct Frame(pub Bytes);

impl Event {
    /// The SSE event name and its JSON data.
    pub fn encode(&self) -> (&'static str, String) {
        let (name, data) = match self {
            Event::Status { at, full, clients } => ("status", serde_json::json!({ "at": at, "full": full, "clients": clients })),
            Event::Ping { client_id, result } => ("ping", serde_json::json!({ "client_id": client_id, "result": result })),
            Event::Client(client) => ("client", serde_json::json!(client)),
            Event::ClientDeleted { id } => ("client_deleted", serde_json::json!({ "id": id })),
            Event::System(sample) => ("system", serde_json::json!(sample)),
            Event::Alert(alert) => ("alert", serde_json::json!(alert)),
            Event::Resync => ("resync", serde_json::json!({})),
        };
        (name, data.to_string())
    }

    /// The whole SSE frame. Compact JSON holds no line break (those in strings are escaped), so
    /// one `data:` line carries it.
    pub fn frame(&self) -> Frame {
        let (name, data) = self.encode();
        let mut out = String::with_capacity(name.len() + data.len() + 16);
        out.push_str("event: ");
        out.push_str(name);
        out.push_str("\ndata: ");
        out.push_str(&data);
        out.push_str("\n\n");
        Frame(Bytes::from(out))
    }
}

#[derive(Clone)]
pub struct Events {
    sender: broadcast::Sender<Frame>,
}

impl Default for Events {
    fn default() -> Self {
        Events { sender: broadcast::channel(CAPACITY).0 }
    }
}

impl Events {
    /// Encodes once and sends to whoever listens; nobody listening costs no encoding.
    pub fn send(&self, event: Event) {
        if self.sender.receiver_count() > 0 {
            let _ = self.sender.send(event.frame());
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Frame> {
        self.sender.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_is_one_event_line_and_one_data_line() {
        let frame = Event::ClientDeleted { id: ClientId(7) }.frame();
        assert_eq!(&frame.0[..], b"event: client_deleted\ndata: {\"id\":7}\n\n");
    }
}
