//! Gateway clients and pending uploads. Subnets, keys and warnings are JSON text columns: they are
//! read and written whole, never queried into, and this keeps one schema for both databases.

use std::net::IpAddr;

use ipnet::IpNet;
use peergate_core::client_policy::ExistingClient;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, now};
use crate::system::ping::PingResult;

/// A validation warning kept with the client (SaveConfig / DNS dropped, …).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredWarning {
    pub line: Option<usize>,
    pub code: String,
    pub message: String,
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

/// A client as stored: everything but the private key.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Client {
    pub id: i64,
    pub name: String,
    /// The WireGuard interface: the same as the name.
    pub interface: String,
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

pub struct NewClient<'a> {
    pub name: &'a str,
    pub conf_path: &'a str,
    pub subnets: &'a [IpNet],
    pub peer_public_keys: &'a [String],
    pub endpoint: &'a str,
    pub probe_host: IpAddr,
    pub warnings: &'a [StoredWarning],
    pub created_by: &'a str,
}

const COLUMNS: &str = "id, name, conf_path, subnets, peer_public_keys, endpoint, probe_host, state, warnings, \
                       created_by, created_at, updated_at, last_error, status, last_ping";

/// One interface's WireGuard status as shown to people.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
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
}

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn decode_opt<T: serde::de::DeserializeOwned>(text: Option<String>) -> Result<Option<T>, sqlx::Error> {
    text.as_deref().map(decode).transpose()
}

fn from_row(row: &AnyRow) -> Result<Client, sqlx::Error> {
    let name: String = row.try_get("name")?;
    let probe: String = row.try_get("probe_host")?;
    Ok(Client {
        id: row.try_get("id")?,
        interface: name.clone(),
        name,
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

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serializes")
}

pub async fn create(tx: &mut sqlx::AnyConnection, client: &NewClient<'_>) -> Result<Client, sqlx::Error> {
    let now = now();
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO clients (name, conf_path, subnets, peer_public_keys, endpoint, probe_host, warnings, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING {COLUMNS}"
    )))
    .bind(client.name)
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

pub async fn list(db: &Db) -> Result<Vec<Client>, sqlx::Error> {
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM clients ORDER BY name"))).fetch_all(&db.pool).await?;
    rows.iter().map(from_row).collect()
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Client>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM clients WHERE id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Names and subnets of all clients, for the overlap and uniqueness checks.
pub async fn existing(db: &Db) -> Result<Vec<ExistingClient>, sqlx::Error> {
    Ok(list(db).await?.into_iter().map(|c| ExistingClient { name: c.name, subnets: c.subnets }).collect())
}

pub async fn delete(tx: &mut sqlx::AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM clients WHERE id = $1").bind(id).execute(&mut *tx).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_probe_host(tx: &mut sqlx::AnyConnection, id: i64, probe_host: IpAddr) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE clients SET probe_host = $1, updated_at = $2 WHERE id = $3")
        .bind(probe_host.to_string())
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// An upload that failed only the route check; its file (with the private key) is in the pending
/// directory under the data dir, named by `id`.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: String,
    pub user_id: i64,
    pub name: String,
    pub probe_host: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

fn pending_from_row(r: &AnyRow) -> Result<Pending, sqlx::Error> {
    Ok(Pending {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        name: r.try_get("name")?,
        probe_host: r.try_get("probe_host")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
    })
}

pub async fn create_pending(tx: &mut sqlx::AnyConnection, pending: &Pending) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pending_uploads (id, user_id, name, probe_host, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&pending.id)
    .bind(pending.user_id)
    .bind(&pending.name)
    .bind(pending.probe_host.as_deref())
    .bind(pending.created_at)
    .bind(pending.expires_at)
    .execute(&mut *tx)
    .await
    .map(|_| ())
}

pub async fn get_pending(db: &Db, id: &str) -> Result<Option<Pending>, sqlx::Error> {
    let row = sqlx::query("SELECT id, user_id, name, probe_host, created_at, expires_at FROM pending_uploads WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(pending_from_row).transpose()
}

pub async fn delete_pending(tx: &mut sqlx::AnyConnection, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM pending_uploads WHERE id = $1").bind(id).execute(&mut *tx).await?;
    Ok(done.rows_affected() == 1)
}

/// Ids of pending uploads that expired (their rows are deleted; the caller removes the files).
/// One statement, no transaction: housekeeping must never hold the write lock across statements.
pub async fn purge_expired_pending(db: &Db, now: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("DELETE FROM pending_uploads WHERE expires_at <= $1 RETURNING id").bind(now).fetch_all(&db.pool).await
}

/// Records the outcome of an activation, deactivation or repair.
pub async fn set_state(
    tx: &mut sqlx::AnyConnection,
    id: i64,
    state: ClientState,
    last_error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE clients SET state = $1, last_error = $2, updated_at = $3 WHERE id = $4")
        .bind(state.as_str())
        .bind(last_error)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map(|_| ())
}

/// Stores the latest status of several clients in one transaction (one write per tick).
pub async fn store_statuses(db: &Db, statuses: &[(i64, ClientStatus)]) -> Result<(), sqlx::Error> {
    if statuses.is_empty() {
        return Ok(());
    }
    let mut tx = db.pool.begin().await?;
    for (id, status) in statuses {
        sqlx::query("UPDATE clients SET status = $1 WHERE id = $2").bind(json(status)).bind(id).execute(&mut *tx).await?;
    }
    tx.commit().await
}

/// Keeps this many ping results per client.
pub const PING_RETENTION: i64 = 1000;

/// Stores a ping result as the client's latest and in its bounded history.
pub async fn record_ping(db: &Db, id: i64, ping: &PingResult) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("UPDATE clients SET last_ping = $1 WHERE id = $2").bind(json(ping)).bind(id).execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO ping_results (client_id, at, sent, received, rtt_avg_ms, rtt_min_ms, rtt_max_ms, error) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(ping.at)
    .bind(i64::from(ping.sent))
    .bind(i64::from(ping.received))
    .bind(ping.rtt_avg_ms)
    .bind(ping.rtt_min_ms)
    .bind(ping.rtt_max_ms)
    .bind(ping.error.as_deref())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM ping_results WHERE client_id = $1 AND id <= \
         (SELECT id FROM ping_results WHERE client_id = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)",
    )
    .bind(id)
    .bind(PING_RETENTION)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// The newest `limit` ping results, oldest first.
pub async fn list_pings(db: &Db, id: i64, limit: i64) -> Result<Vec<PingResult>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, sent, received, rtt_avg_ms, rtt_min_ms, rtt_max_ms, error FROM ping_results \
         WHERE client_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<PingResult> = rows
        .iter()
        .map(|r| {
            let sent: i64 = r.try_get("sent")?;
            let received: i64 = r.try_get("received")?;
            Ok(PingResult {
                at: r.try_get("at")?,
                sent: sent as u32,
                received: received as u32,
                loss: if sent == 0 { 1.0 } else { 1.0 - received as f64 / sent as f64 },
                rtt_avg_ms: r.try_get("rtt_avg_ms")?,
                rtt_min_ms: r.try_get("rtt_min_ms")?,
                rtt_max_ms: r.try_get("rtt_max_ms")?,
                ok: received > 0,
                error: r.try_get("error")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    out.reverse();
    Ok(out)
}

/// Pending uploads of one user, newest first.
pub async fn list_pending(db: &Db, user_id: i64, now: i64) -> Result<Vec<Pending>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, user_id, name, probe_host, created_at, expires_at FROM pending_uploads WHERE user_id = $1 AND expires_at > $2 \
         ORDER BY expires_at DESC",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(pending_from_row).collect()
}
