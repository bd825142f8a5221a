//! API tokens over HTTP (admin only): list (revoked and expired ones too), issue (the secret is in
//! the answer once and never again), revoke. Revoking clears this process's token cache, so the
//! token stops working at once here (other instances within the cache's few seconds).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use peergate_core::account::parse_token_name;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ApiError, ApiJson, ApiPath, Problem};
use super::principal::Admin;
use crate::accounts;
use crate::db::audit::Actor;
use crate::db::tokens::{self, TokenInfo};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_tokens, create_token)).routes(routes!(revoke_token))
}

/// Lists every token (without secrets), oldest first.
#[utoipa::path(get, path = "/api/tokens", tag = "tokens",
    responses((status = 200, body = Vec<TokenInfo>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn list_tokens(State(state): State<AppState>, _admin: Admin) -> Result<axum::Json<Vec<TokenInfo>>, ApiError> {
    Ok(axum::Json(tokens::list(&state.app.db).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for ("backup script"), 1 to 64 characters.
    name: String,
    /// Whose token it is (it acts with that user's role); yourself when absent.
    username: Option<String>,
    /// 1 to 3650; never expires when absent.
    expires_in_days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedToken {
    /// The secret, shown this once: send it as `Authorization: Bearer <token>`.
    token: String,
    info: TokenInfo,
}

/// Issues a token.
#[utoipa::path(post, path = "/api/tokens", tag = "tokens", request_body = NewToken,
    responses((status = 201, body = IssuedToken), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_token(
    State(state): State<AppState>,
    Admin(admin): Admin,
    actor: Actor,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<Response, ApiError> {
    let name = parse_token_name(&body.name).map_err(|e| ApiError::validation("name", e.to_string()))?;
    if body.expires_in_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        return Err(ApiError::validation("expires_in_days", "must be between 1 and 3650 days"));
    }
    let username = body.username.unwrap_or(admin.user.username);
    let issued = accounts::create_token(&state.app.db, &username, &name, body.expires_in_days, &actor).await?;
    let info = tokens::get(&state.app.db, issued.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("token {} vanished after it was issued", issued.id))?;
    Ok((StatusCode::CREATED, axum::Json(IssuedToken { token: issued.secret, info })).into_response())
}

/// Revokes a token (it stops working at once).
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "tokens", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn revoke_token(
    State(state): State<AppState>,
    _admin: Admin,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    accounts::revoke_token(&state.app.db, id, &actor).await?;
    state.token_cache.clear();
    Ok(StatusCode::NO_CONTENT)
}
