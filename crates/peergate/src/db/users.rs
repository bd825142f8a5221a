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

/// An account as listings show it: disabled ones too.
pub struct Account {
    pub user: User,
    pub created_at: i64,
    pub disabled_at: Option<i64>,
}

/// Every account, disabled ones too, oldest first.
pub async fn list_all(db: &Db) -> Result<Vec<Account>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT id, username, role, created_at, disabled_at FROM users ORDER BY id").fetch_all(&db.pool).await?;
    rows.iter()
        .map(|row| {
            Ok(Account {
                user: user_from_row(row)?,
                created_at: row.try_get("created_at")?,
                disabled_at: row.try_get("disabled_at")?,
            })
        })
        .collect()
}

/// One account by exact name, disabled or not, inside a change.
pub async fn find_in(tx: &mut sqlx::AnyConnection, username: &str) -> Result<Option<Account>, sqlx::Error> {
    let row = sqlx::query("SELECT id, username, role, created_at, disabled_at FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut *tx)
        .await?;
    row.map(|row| {
        Ok(Account {
            user: user_from_row(&row)?,
            created_at: row.try_get("created_at")?,
            disabled_at: row.try_get("disabled_at")?,
        })
    })
    .transpose()
}

/// Replaces an enabled account's password hash; `false` when there is no such enabled account.
pub async fn set_password(tx: &mut sqlx::AnyConnection, username: &str, password_hash: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2 AND disabled_at IS NULL")
        .bind(password_hash)
        .bind(username)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Disables (`Some(at)`) or enables (`None`) an account.
pub async fn set_disabled(tx: &mut sqlx::AnyConnection, user_id: i64, at: Option<i64>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2").bind(at).bind(user_id).execute(&mut *tx).await.map(|_| ())
}

/// Deletes an account; its sessions and tokens go with it (foreign keys cascade).
pub async fn delete(tx: &mut sqlx::AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM users WHERE id = $1").bind(user_id).execute(&mut *tx).await.map(|_| ())
}

/// Enabled admins, counted inside a change (after its own writes).
pub async fn count_admins_in(tx: &mut sqlx::AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL").fetch_one(&mut *tx).await
}
