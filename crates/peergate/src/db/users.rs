//! Users: local accounts with an argon2id password hash and a role.

use peergate_core::account::{Role, Username};
use sqlx::Row;

use super::{Db, now};

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    #[schema(value_type = String, example = "admin")]
    pub role: Role,
}

/// A user with what login needs.
pub struct UserCredentials {
    pub user: User,
    pub password_hash: Option<String>,
}

/// A user from a row with `id`, `username` and `role` columns (also used by the session and
/// token lookups, which join users).
pub(super) fn user_from_row(row: &sqlx::any::AnyRow) -> Result<User, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        role: role.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
    })
}

/// Creates a user; a taken name is a unique violation (see `db::is_unique_violation`).
pub async fn create(
    tx: &mut sqlx::AnyConnection,
    username: &Username,
    password_hash: &str,
    role: Role,
) -> Result<User, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO users (username, password_hash, role, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING id, username, role",
    )
    .bind(username.as_str())
    .bind(password_hash)
    .bind(role.as_str())
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    user_from_row(&row)
}

pub async fn find_credentials(db: &Db, username: &str) -> Result<Option<UserCredentials>, sqlx::Error> {
    let row = sqlx::query("SELECT id, username, role, password_hash FROM users WHERE username = $1 AND disabled_at IS NULL")
        .bind(username)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|row| Ok(UserCredentials { user: user_from_row(&row)?, password_hash: row.try_get("password_hash")? })).transpose()
}

pub async fn find_by_username(db: &Db, username: &str) -> Result<Option<User>, sqlx::Error> {
    Ok(find_credentials(db, username).await?.map(|c| c.user))
}

pub async fn list(db: &Db) -> Result<Vec<User>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT id, username, role FROM users WHERE disabled_at IS NULL ORDER BY id").fetch_all(&db.pool).await?;
    rows.iter().map(user_from_row).collect()
}

/// Marks the account unlocked now (its earlier login failures stop counting); `false` when no such
/// user exists.
pub async fn set_unlocked(tx: &mut sqlx::AnyConnection, username: &str, at: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE users SET unlocked_at = $1 WHERE username = $2 AND disabled_at IS NULL")
        .bind(at)
        .bind(username)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// When an admin last unlocked the account, matching the name without case as the throttle does.
pub async fn unlocked_at(db: &Db, username: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MAX(unlocked_at) FROM users WHERE LOWER(username) = LOWER($1)")
        .bind(username)
        .fetch_one(&db.pool)
        .await
}

pub async fn count_admins(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL").fetch_one(&db.pool).await
}
