//! Browser sessions: the cookie holds a random id, the table holds its SHA-256 digest, the user, the
//! CSRF token bound to it and its expiry. Stored in the database (not in memory) so sessions survive
//! restarts and work across several peergate instances on one PostgreSQL.

use sqlx::Row;

use super::users::{User, user_from_row};
use super::{Db, now};

/// Sessions end after this long without a request…
pub const IDLE_TIMEOUT_SECS: i64 = 12 * 3600;
/// …and after this long in any case.
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 7 * 24 * 3600;
/// `last_seen_at` is written at most this often, so reads stay reads.
const TOUCH_EVERY_SECS: i64 = 60;

pub struct SessionRow {
    pub user: User,
    pub csrf_token: String,
}

pub async fn create(tx: &mut sqlx::AnyConnection, id_hash: &str, user_id: i64, csrf_token: &str) -> Result<(), sqlx::Error> {
    let now = now();
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(csrf_token)
    .bind(now)
    .bind(now + ABSOLUTE_TIMEOUT_SECS)
    .execute(&mut *tx)
    .await
    .map(|_| ())
}

/// The live session with this digest, refreshing its idle timer.
pub async fn find(db: &Db, id_hash: &str, now: i64) -> Result<Option<SessionRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.csrf_token, s.last_seen_at, u.id, u.username, u.role FROM sessions s \
         JOIN users u ON u.id = s.user_id \
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.disabled_at IS NULL",
    )
    .bind(id_hash)
    .bind(now)
    .bind(now - IDLE_TIMEOUT_SECS)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let last_seen: i64 = row.try_get("last_seen_at")?;
    if now - last_seen > TOUCH_EVERY_SECS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2").bind(now).bind(id_hash).execute(&db.pool).await?;
    }
    Ok(Some(SessionRow { user: user_from_row(&row)?, csrf_token: row.try_get("csrf_token")? }))
}

pub async fn delete(tx: &mut sqlx::AnyConnection, id_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&mut *tx).await.map(|_| ())
}

/// Removes expired sessions; run periodically by the server.
pub async fn purge_expired(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(now)
        .bind(now - IDLE_TIMEOUT_SECS)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}

/// Ends every session of a user (password changed, account disabled); returns how many.
pub async fn delete_for_user(tx: &mut sqlx::AnyConnection, user_id: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?.rows_affected())
}

/// How many live sessions each user has (users without one are absent).
pub async fn live_counts(db: &Db, now: i64) -> Result<std::collections::HashMap<i64, i64>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT user_id, COUNT(*) AS n FROM sessions WHERE expires_at > $1 AND last_seen_at > $2 GROUP BY user_id")
            .bind(now)
            .bind(now - IDLE_TIMEOUT_SECS)
            .fetch_all(&db.pool)
            .await?;
    rows.iter().map(|row| Ok((row.try_get("user_id")?, row.try_get("n")?))).collect()
}
