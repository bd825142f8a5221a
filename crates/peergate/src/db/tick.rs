//! What one status tick stores: the statuses that changed, the bytes each client moved (added to
//! its day) and the purge of days past retention (an indexed delete that usually matches nothing) — in one transaction, so 1,000 active clients
//! cost one short write per tick, and an idle gateway writes nothing.

use super::Db;
use super::clients::{ClientId, ClientStatus, json};
use super::traffic;

pub struct Tick<'a> {
    pub statuses: &'a [(ClientId, ClientStatus)],
    /// 00:00 UTC of the tick's day.
    pub day: i64,
    /// (client, rx bytes, tx bytes) since the previous reading.
    pub traffic: &'a [(ClientId, u64, u64)],
    /// Traffic days before this one are deleted.
    pub first_kept_day: i64,
}

/// Stores the tick; nothing to store opens no transaction.
pub async fn store(db: &Db, tick: &Tick<'_>) -> Result<(), sqlx::Error> {
    let moved: Vec<_> = tick.traffic.iter().filter(|(_, rx, tx)| *rx > 0 || *tx > 0).collect();
    if tick.statuses.is_empty() && moved.is_empty() {
        return Ok(());
    }
    db.check_file()?;
    let mut tx = db.pool.begin().await?;
    for (id, status) in tick.statuses {
        sqlx::query("UPDATE clients SET status = $1 WHERE id = $2").bind(json(status)).bind(id.0).execute(&mut *tx).await?;
    }
    for (id, rx, txb) in moved {
        traffic::add_in(&mut tx, tick.day, *id, *rx, *txb).await?;
    }
    sqlx::query("DELETE FROM traffic_daily WHERE day < $1").bind(tick.first_kept_day).execute(&mut *tx).await?;
    tx.commit().await
}
