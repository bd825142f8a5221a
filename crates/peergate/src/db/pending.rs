//! Uploads that wait for their subnet: the row (owner, names asked for, why it waits, expiry). The file itself, with its
//! private key, is a 0600 file in the pending directory under the data dir, named by the id.

use super::Db;

/// An upload that failed only the route check; its file (with the private key) is in the pending
/// directory under the data dir, named by `id`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Pending {
    pub id: String,
    pub user_id: i64,
    pub display_name: String,
    /// The interface name the uploader typed; derived at completion when `None`.
    pub interface: Option<String>,
    pub probe_host: Option<String>,
    /// Why it waits, as JSON (`clients::pending::Held`): reason, lines, message, warnings.
    pub details: String,
    pub created_at: i64,
    pub expires_at: i64,
}

const COLUMNS: &str = "id, user_id, display_name, interface, probe_host, details, created_at, expires_at";

pub async fn create(tx: &mut sqlx::AnyConnection, pending: &Pending) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pending_uploads (id, user_id, display_name, interface, probe_host, details, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&pending.id)
    .bind(pending.user_id)
    .bind(&pending.display_name)
    .bind(pending.interface.as_deref())
    .bind(pending.probe_host.as_deref())
    .bind(&pending.details)
    .bind(pending.created_at)
    .bind(pending.expires_at)
    .execute(&mut *tx)
    .await
    .map(|_| ())
}

pub async fn get(db: &Db, id: &str) -> Result<Option<Pending>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM pending_uploads WHERE id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// Forgets a completed upload (one statement: the client it became is the audited change).
pub async fn delete(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM pending_uploads WHERE id = $1").bind(id).execute(&db.pool).await?;
    Ok(done.rows_affected() == 1)
}

/// Discards one owner's upload inside an audited change.
pub async fn discard(tx: &mut sqlx::AnyConnection, id: &str, user_id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM pending_uploads WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ids of pending uploads that expired (their rows are deleted; the caller removes the files).
/// One statement, no transaction: housekeeping must never hold the write lock across statements.
pub async fn purge_expired(db: &Db, now: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("DELETE FROM pending_uploads WHERE expires_at <= $1 RETURNING id").bind(now).fetch_all(&db.pool).await
}

/// Every pending upload's id (start-up recovery matches files against them).
pub async fn all_ids(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM pending_uploads").fetch_all(&db.pool).await
}

/// Pending uploads of one user, newest first.
pub async fn list_for_user(db: &Db, user_id: i64, now: i64) -> Result<Vec<Pending>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM pending_uploads WHERE user_id = $1 AND expires_at > $2 ORDER BY expires_at DESC"
    )))
    .bind(user_id)
    .bind(now)
    .fetch_all(&db.pool)
    .await
}
