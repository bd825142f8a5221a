//! Accounts over HTTP (admin only): list, add, disable/enable, reset a password, end sessions,
//! remove. An admin cannot disable or remove their own account here (the CLI can, as root), so a
//! slip of the mouse never locks the person at the screen out. Passwords left empty are generated
//! and returned once.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use peergate_core::account::{Role, Username, check_new_password};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ApiError, ApiJson, ApiPath, Problem};
use super::principal::Admin;
use crate::accounts;
use crate::credentials;
use crate::db::audit::Actor;
use crate::db::{self, sessions, users};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, add_user))
        .routes(routes!(update_user, remove_user))
        .routes(routes!(reset_password))
        .routes(routes!(end_sessions))
}

/// An account as the users page shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserAccount {
    pub id: i64,
    pub username: String,
    #[schema(value_type = String, example = "admin")]
    pub role: Role,
    /// UNIX seconds.
    pub created_at: i64,
    pub disabled_at: Option<i64>,
    /// Live browser sessions.
    pub sessions: i64,
}

async fn account(state: &AppState, username: &str) -> Result<UserAccount, ApiError> {
    let accounts = list(state).await?;
    accounts
        .into_iter()
        .find(|a| a.username == username)
        .ok_or_else(|| ApiError::NotFound(format!("user `{username}` does not exist")))
}

async fn list(state: &AppState) -> Result<Vec<UserAccount>, ApiError> {
    let db = &state.app.db;
    let counts = sessions::live_counts(db, db::now()).await?;
    let accounts = users::list_all(db).await?;
    Ok(accounts
        .into_iter()
        .map(|a| UserAccount {
            sessions: counts.get(&a.user.id).copied().unwrap_or(0),
            id: a.user.id,
            username: a.user.username,
            role: a.user.role,
            created_at: a.created_at,
            disabled_at: a.disabled_at,
        })
        .collect())
}

/// Lists every account, disabled ones too.
#[utoipa::path(get, path = "/api/users", tag = "users",
    responses((status = 200, body = Vec<UserAccount>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn list_users(State(state): State<AppState>, _admin: Admin) -> Result<axum::Json<Vec<UserAccount>>, ApiError> {
    Ok(axum::Json(list(&state).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    username: String,
    /// `admin` or `operator`.
    role: String,
    /// At least 12 characters; generated (and returned once) when absent or empty.
    password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewUserAnswer {
    user: UserAccount,
    /// The generated password, shown this once; `null` when the request chose one.
    password: Option<String>,
}

/// The password asked for, checked against the policy, or a generated one (`true` when generated).
fn chosen_password(sent: Option<String>) -> Result<(String, bool), ApiError> {
    match sent.filter(|p| !p.is_empty()) {
        Some(password) => {
            check_new_password(&password).map_err(|e| ApiError::validation("password", e.to_string()))?;
            Ok((password, false))
        }
        None => Ok((credentials::generate_password(), true)),
    }
}

/// Adds an account.
#[utoipa::path(post, path = "/api/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = NewUserAnswer), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn add_user(
    State(state): State<AppState>,
    _admin: Admin,
    actor: Actor,
    ApiJson(body): ApiJson<NewUser>,
) -> Result<Response, ApiError> {
    let username = Username::parse(&body.username).map_err(|e| ApiError::validation("username", e.to_string()))?;
    let role: Role = body.role.parse().map_err(|_| ApiError::validation("role", "must be `admin` or `operator`"))?;
    let (password, generated) = chosen_password(body.password)?;
    let _permit = state.hashing.acquire().await.map_err(anyhow::Error::new)?;
    accounts::add_user(&state.app.db, &username, &password, role, &actor).await?;
    let user = account(&state, username.as_str()).await?;
    Ok((StatusCode::CREATED, axum::Json(NewUserAnswer { user, password: generated.then_some(password) })).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    /// `false` disables the account (its sessions end, its tokens stop working); `true` enables it.
    enabled: bool,
}

fn not_yourself(admin: &Admin, username: &str, what: &str) -> Result<(), ApiError> {
    if admin.0.user.username == username {
        return Err(ApiError::Conflict {
            code: "own_account",
            detail: format!("You cannot {what} the account you are signed in with; another admin can."),
        });
    }
    Ok(())
}

/// Disables or enables an account.
#[utoipa::path(patch, path = "/api/users/{username}", tag = "users", params(("username" = String, Path)), request_body = UserUpdate,
    responses((status = 200, body = UserAccount), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn update_user(
    State(state): State<AppState>,
    admin: Admin,
    actor: Actor,
    ApiPath(username): ApiPath<String>,
    ApiJson(body): ApiJson<UserUpdate>,
) -> Result<axum::Json<UserAccount>, ApiError> {
    if !body.enabled {
        not_yourself(&admin, &username, "disable")?;
    }
    accounts::set_enabled(&state.app.db, &username, body.enabled, &actor).await?;
    state.token_cache.clear();
    Ok(axum::Json(account(&state, &username).await?))
}

/// Removes an account with its sessions and API tokens.
#[utoipa::path(delete, path = "/api/users/{username}", tag = "users", params(("username" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn remove_user(
    State(state): State<AppState>,
    admin: Admin,
    actor: Actor,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    not_yourself(&admin, &username, "remove")?;
    accounts::remove_user(&state.app.db, &username, &actor).await?;
    state.token_cache.clear();
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// At least 12 characters; generated (and returned once) when absent or empty.
    password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordAnswer {
    /// The generated password, shown this once; `null` when the request chose one.
    password: Option<String>,
    /// The user's sessions that ended (whoever knew the old password is signed out).
    sessions_ended: u64,
}

/// Sets a new password for an enabled account and ends its sessions (API tokens stay).
#[utoipa::path(put, path = "/api/users/{username}/password", tag = "users", params(("username" = String, Path)), request_body = PasswordReset,
    responses((status = 200, body = PasswordAnswer), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn reset_password(
    State(state): State<AppState>,
    _admin: Admin,
    actor: Actor,
    ApiPath(username): ApiPath<String>,
    ApiJson(body): ApiJson<PasswordReset>,
) -> Result<axum::Json<PasswordAnswer>, ApiError> {
    let (password, generated) = chosen_password(body.password)?;
    let _permit = state.hashing.acquire().await.map_err(anyhow::Error::new)?;
    let sessions_ended = accounts::set_password(&state.app.db, &username, &password, &actor).await?;
    Ok(axum::Json(PasswordAnswer { password: generated.then_some(password), sessions_ended }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionsEnded {
    sessions_ended: u64,
}

/// Signs a user out everywhere (their API tokens stay).
#[utoipa::path(delete, path = "/api/users/{username}/sessions", tag = "users", params(("username" = String, Path)),
    responses((status = 200, body = SessionsEnded), (status = 404, body = Problem)))]
async fn end_sessions(
    State(state): State<AppState>,
    _admin: Admin,
    actor: Actor,
    ApiPath(username): ApiPath<String>,
) -> Result<axum::Json<SessionsEnded>, ApiError> {
    let sessions_ended = accounts::end_sessions(&state.app.db, &username, &actor).await?;
    Ok(axum::Json(SessionsEnded { sessions_ended }))
}
