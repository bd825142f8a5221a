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

/// Adds a client's bytes to its day, inside the tick's transaction ([`super::tick::store`]).
pub(super) async fn add_in(
    tx: &mut sqlx::AnyConnection,
    day: i64,
    id: ClientId,
    rx: u64,
    tx_bytes: u64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO traffic_daily (client_id, day, rx_bytes, tx_bytes) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (client_id, day) DO UPDATE SET rx_bytes = traffic_daily.rx_bytes + excluded.rx_bytes, \
         tx_bytes = traffic_daily.tx_bytes + excluded.tx_bytes",
    )
    .bind(id.0)
    .bind(day)
    .bind(i64::try_from(rx).unwrap_or(i64::MAX))
    .bind(i64::try_from(tx_bytes).unwrap_or(i64::MAX))
    .execute(&mut *tx)
    .await
    .map(|_| ())
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
