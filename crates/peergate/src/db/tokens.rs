//! API tokens: stored as SHA-256 digests, shown once, revocable, optionally expiring, with the time
//! they were last used.

use sqlx::Row;

use super::users::{User, user_from_row};
use super::{Db, now};

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TokenInfo {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub async fn create(
    tx: &mut sqlx::AnyConnection,
    user_id: i64,
    name: &str,
    token_hash: &str,
    expires_at: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(now())
    .bind(expires_at)
    .fetch_one(&mut *tx)
    .await
}

/// A live token as authentication needs it.
#[derive(Debug, Clone)]
pub struct TokenAuth {
    pub token_id: i64,
    pub user: User,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
}

/// The live token with this digest (not revoked, not expired, user not disabled).
pub async fn authenticate(db: &Db, token_hash: &str, now: i64) -> Result<Option<TokenAuth>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT t.id AS token_id, t.last_used_at, t.expires_at, u.id, u.username, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) \
         AND u.disabled_at IS NULL",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(TokenAuth {
        token_id: row.try_get("token_id")?,
        user: user_from_row(&row)?,
        last_used_at: row.try_get("last_used_at")?,
        expires_at: row.try_get("expires_at")?,
    }))
}

/// Whether the token still authenticates: not revoked, not expired, its user not disabled.
pub async fn is_live(db: &Db, token_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.id = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.disabled_at IS NULL",
    )
    .bind(token_id)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.is_some())
}

pub async fn touch(db: &Db, token_id: i64, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(at)
        .bind(token_id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

macro_rules! info_query {
    ($tail:literal) => {
        concat!(
            "SELECT t.id, u.username, t.name, t.created_at, t.expires_at, t.last_used_at, t.revoked_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id ",
            $tail
        )
    };
}

pub async fn list(db: &Db) -> Result<Vec<TokenInfo>, sqlx::Error> {
    sqlx::query_as(info_query!("ORDER BY t.id")).fetch_all(&db.pool).await
}

pub async fn get(db: &Db, id: i64) -> Result<Option<TokenInfo>, sqlx::Error> {
    sqlx::query_as(info_query!("WHERE t.id = $1")).bind(id).fetch_optional(&db.pool).await
}

/// Revokes a live token; `false` when there is no such live token.
pub async fn revoke(tx: &mut sqlx::AnyConnection, token_id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now())
        .bind(token_id)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}
