//! Traffic per client and UTC day: bytes added up from the status readings (`day` is the UNIX
//! time of the day's 00:00 UTC). Read whole for charts; older days are purged.

use super::Db;
use super::clients::ClientId;

pub const SECS_PER_DAY: i64 = 86_400;

/// The start (00:00 UTC) of the day holding `at`.
pub fn day_of(at: i64) -> i64 {
    at.div_euclid(SECS_PER_DAY) * SECS_PER_DAY
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct DayTotal {
    /// 00:00 UTC of the day (UNIX seconds).
    pub day: i64,
    pub rx_bytes: i64,
    pub tx_bytes: i64,
}

/// Adds each client's bytes to its day, in one transaction (one write per status tick).
pub async fn add(db: &Db, day: i64, deltas: &[(ClientId, u64, u64)]) -> Result<(), sqlx::Error> {
    let deltas: Vec<_> = deltas.iter().filter(|(_, rx, tx)| *rx > 0 || *tx > 0).collect();
    if deltas.is_empty() {
        return Ok(());
    }
    let mut tx = db.pool.begin().await?;
    for (id, rx, txb) in deltas {
        sqlx::query(
            "INSERT INTO traffic_daily (client_id, day, rx_bytes, tx_bytes) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (client_id, day) DO UPDATE SET rx_bytes = traffic_daily.rx_bytes + excluded.rx_bytes, \
             tx_bytes = traffic_daily.tx_bytes + excluded.tx_bytes",
        )
        .bind(id.0)
        .bind(day)
        .bind(i64::try_from(*rx).unwrap_or(i64::MAX))
        .bind(i64::try_from(*txb).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// The client's days from `first_day` on, oldest first (days without traffic are absent).
pub async fn since(db: &Db, id: ClientId, first_day: i64) -> Result<Vec<DayTotal>, sqlx::Error> {
    let rows: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT day, rx_bytes, tx_bytes FROM traffic_daily WHERE client_id = $1 AND day >= $2 ORDER BY day")
            .bind(id.0)
            .bind(first_day)
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().map(|(day, rx_bytes, tx_bytes)| DayTotal { day, rx_bytes, tx_bytes }).collect())
}

/// Deletes days before `first_kept_day`; returns how many rows went.
pub async fn purge_before(db: &Db, first_kept_day: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM traffic_daily WHERE day < $1").bind(first_kept_day).execute(&db.pool).await?.rows_affected())
}
