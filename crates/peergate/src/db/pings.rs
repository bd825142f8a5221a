//! Ping history: the newest results of each client's connectivity tests, bounded per client, and
//! the latest one kept on the client row.

use sqlx::Row;

use peergate_core::probe::{PingResult, loss};

use super::Db;
use super::clients::{ClientId, json};

/// Keeps this many ping results per client.
pub const RETENTION: i64 = 1000;

/// Stores ping results, each as its client's latest and in its bounded history, in one
/// transaction.
pub async fn record(db: &Db, results: &[(ClientId, PingResult)]) -> Result<(), sqlx::Error> {
    if results.is_empty() {
        return Ok(());
    }
    db.check_file()?;
    let mut tx = db.pool.begin().await?;
    for (id, ping) in results {
        record_in(&mut tx, *id, ping).await?;
    }
    tx.commit().await
}

async fn record_in(tx: &mut sqlx::AnyConnection, id: ClientId, ping: &PingResult) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE clients SET last_ping = $1 WHERE id = $2").bind(json(ping)).bind(id.0).execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO ping_results (client_id, at, sent, received, rtt_avg_ms, rtt_min_ms, rtt_max_ms, error) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.0)
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
    .bind(id.0)
    .bind(RETENTION)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The newest `limit` ping results, oldest first.
pub async fn list(db: &Db, id: ClientId, limit: i64) -> Result<Vec<PingResult>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, sent, received, rtt_avg_ms, rtt_min_ms, rtt_max_ms, error FROM ping_results \
         WHERE client_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(id.0)
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
                loss: loss(sent as u32, received as u32),
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
