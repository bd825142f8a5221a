//! Gateway clients. Subnets, keys, warnings, the latest status and ping are JSON text columns: they
//! are read and written whole, never queried into, and this keeps one schema for both databases.

use peergate_core::firewall_plan::RuledClient;
use std::net::IpAddr;

use ipnet::IpNet;
use peergate_core::client_policy::ExistingClient;
use peergate_core::probe::PingResult;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, now};

/// A client's id (the `clients.id` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct ClientId(pub i64);

impl std::fmt::Display for ClientId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What the operator wants of a client's tunnel, and whether the last attempt worked. A `CHECK`
/// in the database admits only these three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientState {
    /// Down, and meant to be.
    Inactive,
    /// Desired up; the reconciler keeps it so.
    Active,
    /// The last activation or repair failed (see `last_error`); down.
    Failed,
}

impl ClientState {
    pub const ALL: [ClientState; 3] = [ClientState::Inactive, ClientState::Active, ClientState::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            ClientState::Inactive => "inactive",
            ClientState::Active => "active",
            ClientState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Result<ClientState, sqlx::Error> {
        ClientState::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown client state `{text}`").into()))
    }
}

/// A validation warning kept with the client (SaveConfig / DNS dropped, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredWarning {
    pub line: Option<usize>,
    pub code: String,
    pub message: String,
}

impl From<&peergate_core::client_policy::Warning> for StoredWarning {
    fn from(w: &peergate_core::client_policy::Warning) -> StoredWarning {
        StoredWarning { line: w.line, code: w.code.to_string(), message: w.message.clone() }
    }
}

/// One interface's WireGuard status as shown to people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClientStatus {
    pub observed_at: i64,
    /// A handshake younger than 180 s.
    pub connected: bool,
    /// UNIX seconds; 0 = never.
    pub latest_handshake: i64,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    /// Bytes per second since the previous reading.
    pub rx_rate: f64,
    pub tx_rate: f64,
    pub endpoint: Option<String>,
    /// `false` when the interface was missing at this reading (taken down outside peergate).
    #[serde(default = "interface_was_up")]
    pub interface_up: bool,
    /// For a missing interface: by when the reconciler will have brought it back (UNIX seconds).
    #[serde(default)]
    pub repair_by: Option<i64>,
    /// Each peer's own reading, for configs with several peers (router exports); empty (and
    /// absent from the JSON) for the usual single peer, whose reading is the client's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peers: Vec<PeerStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PeerStatus {
    pub public_key: String,
    pub endpoint: Option<String>,
    /// UNIX seconds; 0 = never.
    pub latest_handshake: i64,
    pub connected: bool,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
}

impl ClientStatus {
    /// The same reading apart from when it was taken: nothing a person would see changed.
    pub fn same_reading(&self, other: &ClientStatus) -> bool {
        ClientStatus { observed_at: other.observed_at, ..self.clone() } == *other
    }
}

/// Statuses stored before `interface_up` existed were readings of a present interface.
fn interface_was_up() -> bool {
    true
}

/// A client as stored: everything but the private key. The API's view of it is
/// `clients::Client`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientRow {
    pub id: ClientId,
    /// The WireGuard interface (and file stem): unique, a valid interface name.
    pub interface: String,
    /// The name people gave the client: free text, shown everywhere.
    pub display_name: String,
    pub notes: String,
    /// This side's public key (derived from the private key in the file); `None` only until
    /// start-up recovery fills it in for clients stored before it was kept.
    pub public_key: Option<String>,
    pub conf_path: String,
    pub subnets: Vec<IpNet>,
    pub peer_public_keys: Vec<String>,
    pub endpoint: String,
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

impl ClientRow {
    pub fn routes_ipv6(&self) -> bool {
        self.subnets.iter().any(|s| matches!(s, IpNet::V6(_)))
    }

    /// The client as its firewall rules see it.
    pub fn ruled(&self) -> RuledClient {
        RuledClient { name: self.interface.clone(), subnets: self.subnets.clone() }
    }
}

pub struct NewClient<'a> {
    pub interface: &'a str,
    pub display_name: &'a str,
    pub public_key: &'a str,
    pub conf_path: &'a str,
    pub subnets: &'a [IpNet],
    pub peer_public_keys: &'a [String],
    pub endpoint: &'a str,
    pub probe_host: IpAddr,
    pub warnings: &'a [StoredWarning],
    pub created_by: &'a str,
}

const COLUMNS: &str = "id, interface, display_name, notes, public_key, conf_path, subnets, peer_public_keys, endpoint, probe_host, state, warnings, \
                       created_by, created_at, updated_at, last_error, status, last_ping";

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn decode_opt<T: serde::de::DeserializeOwned>(text: Option<String>) -> Result<Option<T>, sqlx::Error> {
    text.as_deref().map(decode).transpose()
}

pub(super) fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serializes")
}

fn from_row(row: &AnyRow) -> Result<ClientRow, sqlx::Error> {
    let probe: String = row.try_get("probe_host")?;
    Ok(ClientRow {
        id: ClientId(row.try_get("id")?),
        interface: row.try_get("interface")?,
        display_name: row.try_get("display_name")?,
        notes: row.try_get("notes")?,
        public_key: row.try_get("public_key")?,
        conf_path: row.try_get("conf_path")?,
        subnets: decode(&row.try_get::<String, _>("subnets")?)?,
        peer_public_keys: decode(&row.try_get::<String, _>("peer_public_keys")?)?,
        endpoint: row.try_get("endpoint")?,
        probe_host: probe.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        state: ClientState::parse(&row.try_get::<String, _>("state")?)?,
        last_error: row.try_get("last_error")?,
        status: decode_opt(row.try_get("status")?)?,
        last_ping: decode_opt(row.try_get("last_ping")?)?,
        warnings: decode(&row.try_get::<String, _>("warnings")?)?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn create(tx: &mut sqlx::AnyConnection, client: &NewClient<'_>) -> Result<ClientRow, sqlx::Error> {
    let now = now();
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO clients (interface, display_name, public_key, conf_path, subnets, peer_public_keys, endpoint, \
         probe_host, warnings, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING {COLUMNS}"
    )))
    .bind(client.interface)
    .bind(client.display_name)
    .bind(client.public_key)
    .bind(client.conf_path)
    .bind(json(&client.subnets))
    .bind(json(&client.peer_public_keys))
    .bind(client.endpoint)
    .bind(client.probe_host.to_string())
    .bind(json(&client.warnings))
    .bind(client.created_by)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    from_row(&row)
}

pub async fn list(db: &Db) -> Result<Vec<ClientRow>, sqlx::Error> {
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM clients ORDER BY interface"))).fetch_all(&db.pool).await?;
    rows.iter().map(from_row).collect()
}

pub async fn get(db: &Db, id: ClientId) -> Result<Option<ClientRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM clients WHERE id = $1")))
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Interface names and subnets of all clients, for the overlap and uniqueness checks.
pub async fn existing(db: &Db) -> Result<Vec<ExistingClient>, sqlx::Error> {
    Ok(existing_of(&list(db).await?))
}

/// What the policy needs to know of these clients.
pub fn existing_of(rows: &[ClientRow]) -> Vec<ExistingClient> {
    rows.iter().map(|c| ExistingClient { name: c.interface.clone(), subnets: c.subnets.clone() }).collect()
}

pub async fn delete(tx: &mut sqlx::AnyConnection, id: ClientId) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM clients WHERE id = $1").bind(id.0).execute(&mut *tx).await?;
    Ok(done.rows_affected() == 1)
}

/// What an edit sets; `None` leaves the column as it is (so concurrent edits of different fields
/// both stand).
#[derive(Debug, Default)]
pub struct Edit<'a> {
    pub display_name: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub probe_host: Option<IpAddr>,
}

pub async fn update(tx: &mut sqlx::AnyConnection, id: ClientId, edit: &Edit<'_>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE clients SET display_name = COALESCE($1, display_name), notes = COALESCE($2, notes), \
         probe_host = COALESCE($3, probe_host), updated_at = $4 WHERE id = $5",
    )
    .bind(edit.display_name)
    .bind(edit.notes)
    .bind(edit.probe_host.map(|p| p.to_string()))
    .bind(now())
    .bind(id.0)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes the write lock on a client's row for the rest of the change (a no-op write: SQLite then
/// holds its write lock, PostgreSQL the row lock), so what the change reads next stays true until
/// it commits. `false` when there is no such client.
pub async fn lock_in(tx: &mut sqlx::AnyConnection, id: ClientId) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE clients SET updated_at = updated_at WHERE id = $1").bind(id.0).execute(&mut *tx).await?;
    Ok(done.rows_affected() == 1)
}

/// What a replaced config changes in the row.
pub struct Replaced<'a> {
    pub subnets: &'a [IpNet],
    pub peer_public_keys: &'a [String],
    pub endpoint: &'a str,
    pub probe_host: IpAddr,
    pub public_key: &'a str,
    pub warnings: &'a [StoredWarning],
}

pub async fn replace_config(tx: &mut sqlx::AnyConnection, id: ClientId, new: &Replaced<'_>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE clients SET subnets = $1, peer_public_keys = $2, endpoint = $3, probe_host = $4, public_key = $5, \
         warnings = $6, last_error = NULL, updated_at = $7 WHERE id = $8",
    )
    .bind(json(&new.subnets))
    .bind(json(&new.peer_public_keys))
    .bind(new.endpoint)
    .bind(new.probe_host.to_string())
    .bind(new.public_key)
    .bind(json(&new.warnings))
    .bind(now())
    .bind(id.0)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One client, read inside a change (the before and after of its audit event).
pub async fn get_in(tx: &mut sqlx::AnyConnection, id: ClientId) -> Result<Option<ClientRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM clients WHERE id = $1")))
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Fills in this side's public key (start-up, for clients stored before it was kept).
pub async fn set_public_key(db: &Db, id: ClientId, public_key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE clients SET public_key = $1 WHERE id = $2")
        .bind(public_key)
        .bind(id.0)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Records the outcome of an activation, deactivation or repair.
pub async fn set_state(
    tx: &mut sqlx::AnyConnection,
    id: ClientId,
    state: ClientState,
    last_error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE clients SET state = $1, last_error = $2, updated_at = $3 WHERE id = $4")
        .bind(state.as_str())
        .bind(last_error)
        .bind(now())
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map(|_| ())
}
