//! Activation, deactivation and connectivity tests over HTTP (admin only, audited).

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiError, ApiPath, ApiQuery, Problem};
use super::principal::Admin;
use super::{AppState, RequestId};
use crate::clients::Actor;
use crate::dataplane::{OpError, TrafficPoint};
use crate::db::clients::{self, Client};
use crate::system::ping::PingResult;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(activate_client))
        .routes(routes!(deactivate_client))
        .routes(routes!(ping_client))
        .routes(routes!(list_pings))
        .routes(routes!(client_traffic))
}

pub async fn find(state: &AppState, id: i64) -> Result<Client, ApiError> {
    clients::get(&state.db, id).await?.ok_or_else(|| ApiError::NotFound(format!("No client with id {id}.")))
}

pub fn op_error(err: OpError, code: &'static str) -> ApiError {
    match err {
        OpError::Busy => ApiError::Conflict { code: "operation_in_progress", detail: err.to_string() },
        OpError::Failed(detail) => ApiError::Unprocessable { code, detail, errors: Vec::new(), extra: Default::default() },
        OpError::Internal(err) => ApiError::Internal(err),
    }
}

/// Brings the client up: wg-quick up, forwarding, firewall rules, probe ping; rolled back on failure.
#[utoipa::path(post, path = "/api/clients/{id}/activate", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = Client), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, description = "`activation_failed`: the reason, with wg-quick's output", body = Problem)))]
async fn activate_client(
    State(state): State<AppState>,
    Admin(admin): Admin,
    request_id: RequestId,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Client>, ApiError> {
    let client = find(&state, id).await?;
    let actor = Actor { name: &admin.user.username, request_id: Some(&request_id.0) };
    let client = state.dataplane.activate(&state.db, &client, actor).await.map_err(|e| op_error(e, "activation_failed"))?;
    Ok(axum::Json(client))
}

/// Brings the client down and removes its rules.
#[utoipa::path(post, path = "/api/clients/{id}/deactivate", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = Client), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn deactivate_client(
    State(state): State<AppState>,
    Admin(admin): Admin,
    request_id: RequestId,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Client>, ApiError> {
    let client = find(&state, id).await?;
    let actor = Actor { name: &admin.user.username, request_id: Some(&request_id.0) };
    let client = state.dataplane.deactivate(&state.db, &client, actor).await.map_err(|e| op_error(e, "deactivation_failed"))?;
    Ok(axum::Json(client))
}

/// Pings the client's probe host now (3 probes) and records the result.
#[utoipa::path(post, path = "/api/clients/{id}/ping", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = PingResult), (status = 404, body = Problem)))]
async fn ping_client(
    State(state): State<AppState>,
    _admin: Admin,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<PingResult>, ApiError> {
    let client = find(&state, id).await?;
    Ok(axum::Json(state.dataplane.ping(&state.db, &client).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PingsQuery {
    /// 1 to 1000, default 100: the newest results, returned oldest first.
    limit: Option<i64>,
}

/// Ping history of a client.
#[utoipa::path(get, path = "/api/clients/{id}/pings", tag = "clients", params(("id" = i64, Path), PingsQuery),
    responses((status = 200, body = Vec<PingResult>), (status = 404, body = Problem)))]
async fn list_pings(
    State(state): State<AppState>,
    _admin: Admin,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<PingsQuery>,
) -> Result<axum::Json<Vec<PingResult>>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=clients::PING_RETENTION).contains(&limit) {
        return Err(ApiError::validation("limit", "must be between 1 and 1000"));
    }
    find(&state, id).await?;
    Ok(axum::Json(clients::list_pings(&state.db, id, limit).await?))
}

/// rx/tx rates of the last 30 minutes (kept in memory: empty after a restart).
#[utoipa::path(get, path = "/api/clients/{id}/traffic", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<TrafficPoint>), (status = 404, body = Problem)))]
async fn client_traffic(
    State(state): State<AppState>,
    _admin: Admin,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Vec<TrafficPoint>>, ApiError> {
    find(&state, id).await?;
    Ok(axum::Json(state.dataplane.traffic(id)))
}
