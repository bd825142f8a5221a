//! How a client is shown: over the API (and the event stream), and in the audit log.

use std::net::IpAddr;

use ipnet::IpNet;
use peergate_core::probe::PingResult;
use serde::Serialize;

use crate::db::clients::{ClientId, ClientRow, ClientState, ClientStatus, StoredWarning};

/// A client as the API shows it: its row, everything but the private key (the row has none), and
/// the interface it brings up.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Client {
    pub id: ClientId,
    /// The name people gave the client (any script).
    pub name: String,
    /// The WireGuard interface (and file name) peergate derived or the admin chose.
    pub interface: String,
    pub notes: String,
    /// This side's WireGuard public key, which the remote site's peer entry must name; derived
    /// from the private key, which never leaves its file.
    pub public_key: Option<String>,
    pub conf_path: String,
    #[schema(value_type = Vec<String>)]
    pub subnets: Vec<IpNet>,
    pub peer_public_keys: Vec<String>,
    pub endpoint: String,
    #[schema(value_type = String)]
    pub probe_host: IpAddr,
    pub state: ClientState,
    pub last_error: Option<String>,
    /// The latest WireGuard status; kept across restarts.
    pub status: Option<ClientStatus>,
    pub last_ping: Option<PingResult>,
    pub warnings: Vec<StoredWarning>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<ClientRow> for Client {
    fn from(row: ClientRow) -> Client {
        Client {
            id: row.id,
            name: row.display_name,
            interface: row.interface,
            notes: row.notes,
            public_key: row.public_key,
            conf_path: row.conf_path,
            subnets: row.subnets,
            peer_public_keys: row.peer_public_keys,
            endpoint: row.endpoint,
            probe_host: row.probe_host,
            state: row.state,
            last_error: row.last_error,
            status: row.status,
            last_ping: row.last_ping,
            warnings: row.warnings,
            created_by: row.created_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// What the audit log keeps of a client (no key material: the row has none).
pub fn audit_view(client: &ClientRow) -> serde_json::Value {
    serde_json::json!({
        "name": client.display_name,
        "interface": client.interface,
        "notes": client.notes,
        "public_key": client.public_key,
        "subnets": client.subnets,
        "endpoint": client.endpoint,
        "probe_host": client.probe_host,
        "peer_public_keys": client.peer_public_keys,
        "state": client.state,
        "warnings": client.warnings,
    })
}
