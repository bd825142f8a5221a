//! Local login: `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`.
//!
//! Each attempt is reserved with the throttle before any password work (so attempts in flight
//! count; see `peergate_core::login_throttle`), an admin's `peergate user unlock` is honoured
//! when the throttle refuses, hashes run on
//! the blocking pool behind a small semaphore (argon2id takes ~19 MiB and tens of milliseconds, so
//! a login flood must not exhaust memory or starve the server), and an unknown user costs the same
//! as a wrong password. Success creates a database session and a CSRF token bound to it.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use peergate_core::login_throttle::Reservation;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiError, ApiJson, Problem};
use super::principal::{AuthVia, Principal, SESSION_COOKIE};
use super::{AppState, RequestId};
use crate::accounts;
use crate::credentials;
use crate::db::audit::Actor;
use crate::db::users::User;
use crate::db::{self, sessions, users};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login)).routes(routes!(logout)).routes(routes!(me))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionInfo {
    pub user: User,
    /// Send it as `X-CSRF-Token` on state-changing requests; `null` for bearer-token callers.
    pub csrf_token: Option<String>,
}

/// Signs in with a local account and sets the session cookie.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo), (status = 401, body = Problem),
              (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request_id: RequestId,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    if body.username.is_empty() || body.username.len() > 64 {
        return Err(ApiError::validation("username", "Enter your user name."));
    }
    if body.password.is_empty() || body.password.len() > peergate_core::account::MAX_PASSWORD_BYTES {
        return Err(ApiError::validation("password", "Enter your password."));
    }
    let ip = peer.ip();
    let now = db::now();
    let reservation = reserve_attempt(&state, &body.username, ip, now).await?;

    let found = users::find_credentials(&state.app.db, &body.username).await?;
    let stored = found.as_ref().and_then(|c| c.password_hash.clone());
    let permit = state.hashing.clone().acquire_owned().await.map_err(anyhow::Error::new)?;
    let password = body.password;
    let ok = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        credentials::verify_password(&password, stored.as_deref())
    })
    .await
    .map_err(anyhow::Error::new)?;

    let Some(user) = found.filter(|_| ok).map(|c| c.user) else {
        state.app.throttle.lock().expect("throttle lock").failed(reservation);
        accounts::record_failed_login(&state.app.db, &body.username, ip, &request_id.0).await?;
        return Err(ApiError::Unauthorized { code: "invalid_credentials", detail: "Wrong username or password.".into() });
    };
    state.app.throttle.lock().expect("throttle lock").succeeded(reservation);

    let session = accounts::start_session(&state.app.db, &user, ip, &request_id.0).await?;
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        session.id,
        sessions::ABSOLUTE_TIMEOUT_SECS,
        if state.app.config.cookies_secure() { "; Secure" } else { "" }
    );
    let mut response = axum::Json(SessionInfo { user, csrf_token: Some(session.csrf_token) }).into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(anyhow::Error::new)?);
    Ok(response)
}

/// Reserves a login attempt; when the throttle refuses, an unlock by an admin since the failures
/// (one database read, only on this path) clears the account and the attempt is tried once more.
async fn reserve_attempt(state: &AppState, username: &str, ip: IpAddr, now: i64) -> Result<Reservation, ApiError> {
    let wait = match state.app.throttle.lock().expect("throttle lock").reserve(username, ip, now) {
        Ok(reservation) => return Ok(reservation),
        Err(wait) => wait,
    };
    let mut throttle = match users::unlocked_at(&state.app.db, username).await? {
        Some(at) => {
            let mut throttle = state.app.throttle.lock().expect("throttle lock");
            throttle.unlock(username, at);
            throttle
        }
        None => return Err(ApiError::RateLimited { retry_after_secs: wait.0 }),
    };
    throttle.reserve(username, ip, now).map_err(|wait| ApiError::RateLimited { retry_after_secs: wait.0 })
}

/// Ends the browser session (bearer tokens are revoked with `peergate token revoke` instead).
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn logout(State(state): State<AppState>, principal: Principal, actor: Actor) -> Result<Response, ApiError> {
    if let AuthVia::Session { id_hash, .. } = &principal.via {
        accounts::end_session(&state.app.db, id_hash, &actor).await?;
    }
    let expired = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, expired)]).into_response())
}

/// The signed-in user and the CSRF token of this session.
#[utoipa::path(get, path = "/api/auth/me", tag = "auth",
    responses((status = 200, body = SessionInfo), (status = 401, body = Problem)))]
async fn me(principal: Principal) -> axum::Json<SessionInfo> {
    let csrf_token = principal.csrf_token().map(str::to_string);
    axum::Json(SessionInfo { user: principal.user, csrf_token })
}
