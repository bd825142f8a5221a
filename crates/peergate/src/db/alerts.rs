//! Alerts: raised when an active client goes down or comes back, and the webhook's outbox. A row
//! is inserted with its audit event (through a `Change`); delivery updates it in place.

use sqlx::Row;

use super::Db;
use super::clients::ClientId;

/// How many alerts are kept (the newest); older ones are purged by the housekeeping.
pub const KEEP: i64 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Down,
    Up,
    Test,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Down => "down",
            AlertKind::Up => "up",
            AlertKind::Test => "test",
        }
    }
}

/// Where the webhook delivery stands: `off` when no webhook is configured (the alert is still
/// shown in the UI), `failed` after the last retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Pending,
    Sent,
    Failed,
    Off,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Alert {
    pub id: i64,
    /// `null` for a test alert, or when the client was deleted since.
    #[schema(value_type = Option<i64>)]
    pub client_id: Option<i64>,
    pub client_name: String,
    pub interface: String,
    pub kind: AlertKind,
    pub reason: String,
    /// UNIX seconds.
    pub at: i64,
    pub delivery: Delivery,
    pub attempts: i64,
    pub last_error: Option<String>,
}

pub struct NewAlert<'a> {
    pub client_id: Option<ClientId>,
    pub client_name: &'a str,
    pub interface: &'a str,
    pub kind: AlertKind,
    pub reason: &'a str,
    pub at: i64,
    pub delivery: Delivery,
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(text.into())).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<Alert, sqlx::Error> {
    Ok(Alert {
        id: row.try_get("id")?,
        client_id: row.try_get("client_id")?,
        client_name: row.try_get("client_name")?,
        interface: row.try_get("interface")?,
        kind: parse(&row.try_get::<String, _>("kind")?)?,
        reason: row.try_get("reason")?,
        at: row.try_get("at")?,
        delivery: parse(&row.try_get::<String, _>("delivery")?)?,
        attempts: row.try_get("attempts")?,
        last_error: row.try_get("last_error")?,
    })
}

macro_rules! columns {
    () => {
        "id, client_id, client_name, interface, kind, reason, at, delivery, attempts, last_error"
    };
}

pub async fn insert(tx: &mut sqlx::AnyConnection, alert: &NewAlert<'_>) -> Result<i64, sqlx::Error> {
    let delivery = serde_json::to_value(alert.delivery).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    sqlx::query_scalar(
        "INSERT INTO alerts (client_id, client_name, interface, kind, reason, at, delivery, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(alert.client_id.map(|id| id.0))
    .bind(alert.client_name)
    .bind(alert.interface)
    .bind(alert.kind.as_str())
    .bind(alert.reason)
    .bind(alert.at)
    .bind(delivery)
    .bind(alert.at)
    .fetch_one(&mut *tx)
    .await
}

/// Newest first.
pub async fn list(db: &Db, limit: i64) -> Result<Vec<Alert>, sqlx::Error> {
    let rows = sqlx::query(concat!("SELECT ", columns!(), " FROM alerts ORDER BY id DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Alert>, sqlx::Error> {
    let row = sqlx::query(concat!("SELECT ", columns!(), " FROM alerts WHERE id = $1")).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(from_row).transpose()
}

/// Each client's newest down/up alert kind: its last verdict.
pub async fn last_verdicts(db: &Db) -> Result<std::collections::HashMap<i64, AlertKind>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT a.client_id, a.kind FROM alerts a JOIN \
         (SELECT client_id, MAX(id) AS id FROM alerts WHERE client_id IS NOT NULL AND kind <> 'test' GROUP BY client_id) n \
         ON a.id = n.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("client_id")?, parse(&r.try_get::<String, _>("kind")?)?))).collect()
}

/// Alerts whose delivery is due at `now`, oldest first, at most `limit`.
pub async fn due(db: &Db, now: i64, limit: i64) -> Result<Vec<Alert>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM alerts WHERE delivery = 'pending' AND next_attempt_at <= $1 ORDER BY id LIMIT $2"
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn mark_sent(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE alerts SET delivery = 'sent', attempts = attempts + 1, next_attempt_at = NULL, last_error = NULL WHERE id = $1",
    )
    .bind(id)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// Records a failed attempt that will be retried at `retry_at`.
pub async fn retry_later(db: &Db, id: i64, error: &str, retry_at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE alerts SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE id = $3")
        .bind(retry_at)
        .bind(error)
        .bind(id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Records the last failed attempt: the alert is given up (inside the change that audits it).
pub async fn give_up(tx: &mut sqlx::AnyConnection, id: i64, error: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE alerts SET delivery = 'failed', attempts = attempts + 1, next_attempt_at = NULL, last_error = $1 WHERE id = $2",
    )
    .bind(error)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map(|_| ())
}

/// Keeps the newest [`KEEP`] alerts.
pub async fn purge(db: &Db) -> Result<u64, sqlx::Error> {
    let cut: Option<i64> = sqlx::query_scalar("SELECT id FROM alerts ORDER BY id DESC LIMIT 1 OFFSET $1")
        .bind(KEEP)
        .fetch_optional(&db.pool)
        .await?;
    let Some(cut) = cut else { return Ok(0) };
    Ok(sqlx::query("DELETE FROM alerts WHERE id <= $1").bind(cut).execute(&db.pool).await?.rows_affected())
}
