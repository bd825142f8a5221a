//! Activation, deactivation and connectivity tests over HTTP (admin only, audited).

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::clients::find;
use super::error::{ApiError, ApiPath, ApiQuery, Problem};
use super::principal::Admin;
use crate::app::AppContext;
use crate::clients::Client;
use crate::dataplane::activation::OpError;
use crate::dataplane::monitor::TrafficPoint;
use crate::db::audit::Actor;
use crate::db::clients::ClientId;
use crate::db::pings;
use crate::db::traffic::{self, DayTotal};
use crate::system::ping::PingResult;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(activate_client))
        .routes(routes!(deactivate_client))
        .routes(routes!(ping_client))
        .routes(routes!(list_pings))
        .routes(routes!(client_traffic))
        .routes(routes!(client_daily_traffic))
}

pub fn op_error(err: OpError, code: &'static str) -> ApiError {
    match err {
        OpError::Busy => ApiError::Conflict { code: "operation_in_progress", detail: err.to_string() },
        OpError::Failed(step) => {
            ApiError::Unprocessable { code, detail: step.to_string(), errors: Vec::new(), extra: Default::default() }
        }
        OpError::Internal(err) => ApiError::Internal(err),
    }
}

/// Brings the client up: wg-quick up, forwarding, firewall rules, probe ping; rolled back on failure.
#[utoipa::path(post, path = "/api/clients/{id}/activate", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = Client), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, description = "`activation_failed`: the reason, with wg-quick's output", body = Problem)))]
async fn activate_client(
    State(app): State<AppContext>,
    _admin: Admin,
    actor: Actor,
    ApiPath(id): ApiPath<ClientId>,
) -> Result<axum::Json<Client>, ApiError> {
    operate(&app, id, &actor, Operation::Activate).await
}

/// Brings the client down and removes its rules.
#[utoipa::path(post, path = "/api/clients/{id}/deactivate", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = Client), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn deactivate_client(
    State(app): State<AppContext>,
    _admin: Admin,
    actor: Actor,
    ApiPath(id): ApiPath<ClientId>,
) -> Result<axum::Json<Client>, ApiError> {
    operate(&app, id, &actor, Operation::Deactivate).await
}

pub(crate) enum Operation {
    Activate,
    Deactivate,
}

pub(crate) async fn operate(
    app: &AppContext,
    id: ClientId,
    actor: &Actor,
    operation: Operation,
) -> Result<axum::Json<Client>, ApiError> {
    let client = find(&app.roster, id)?;
    let activation = &app.dataplane.activation;
    let (outcome, code) = match operation {
        Operation::Activate => (activation.activate(&app.db, &client, actor).await, "activation_failed"),
        Operation::Deactivate => (activation.deactivate(&app.db, &client, actor).await, "deactivation_failed"),
    };
    outcome.map(axum::Json).map_err(|e| op_error(e, code))
}

/// Pings the client's probe host now (3 probes) and records the result.
#[utoipa::path(post, path = "/api/clients/{id}/ping", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = PingResult), (status = 404, body = Problem)))]
async fn ping_client(
    State(app): State<AppContext>,
    _admin: Admin,
    ApiPath(id): ApiPath<ClientId>,
) -> Result<axum::Json<PingResult>, ApiError> {
    let client = find(&app.roster, id)?;
    Ok(axum::Json(app.dataplane.probes.ping(&app.db, &client).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PingsQuery {
    /// 1 to 1000, default 100: the newest results, returned oldest first.
    limit: Option<i64>,
}

/// Ping history of a client.
#[utoipa::path(get, path = "/api/clients/{id}/pings", tag = "clients", params(("id" = i64, Path), PingsQuery),
    responses((status = 200, body = Vec<PingResult>), (status = 404, body = Problem)))]
async fn list_pings(
    State(app): State<AppContext>,
    _admin: Admin,
    ApiPath(id): ApiPath<ClientId>,
    ApiQuery(query): ApiQuery<PingsQuery>,
) -> Result<axum::Json<Vec<PingResult>>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=pings::RETENTION).contains(&limit) {
        return Err(ApiError::validation("limit", "must be between 1 and 1000"));
    }
    find(&app.roster, id)?;
    Ok(axum::Json(pings::list(&app.db, id, limit).await?))
}

/// rx/tx rates of the last 30 minutes (kept in memory: empty after a restart).
#[utoipa::path(get, path = "/api/clients/{id}/traffic", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<TrafficPoint>), (status = 404, body = Problem)))]
async fn client_traffic(
    State(app): State<AppContext>,
    _admin: Admin,
    ApiPath(id): ApiPath<ClientId>,
) -> Result<axum::Json<Vec<TrafficPoint>>, ApiError> {
    find(&app.roster, id)?;
    Ok(axum::Json(app.dataplane.monitor.traffic(id)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DaysQuery {
    /// How many days, today included (1 to 90; default 30).
    days: Option<i64>,
}

/// Bytes received and sent per UTC day (oldest first, today last, days without traffic as 0);
/// kept 90 days, across restarts.
#[utoipa::path(get, path = "/api/clients/{id}/traffic/daily", tag = "clients", params(("id" = i64, Path), DaysQuery),
    responses((status = 200, body = Vec<DayTotal>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn client_daily_traffic(
    State(app): State<AppContext>,
    _admin: Admin,
    ApiPath(id): ApiPath<ClientId>,
    ApiQuery(query): ApiQuery<DaysQuery>,
) -> Result<axum::Json<Vec<DayTotal>>, ApiError> {
    let days = query.days.unwrap_or(30);
    if !(1..=crate::dataplane::monitor::TRAFFIC_DAYS_KEPT).contains(&days) {
        return Err(ApiError::validation("days", "must be from 1 to 90"));
    }
    find(&app.roster, id)?;
    let today = traffic::day_of(crate::db::now());
    let first = today - (days - 1) * traffic::SECS_PER_DAY;
    let stored = traffic::since(&app.db, id, first).await?;
    let filled = (0..days)
        .map(|i| first + i * traffic::SECS_PER_DAY)
        .map(|day| stored.iter().find(|t| t.day == day).copied().unwrap_or(DayTotal { day, rx_bytes: 0, tx_bytes: 0 }))
        .collect();
    Ok(axum::Json(filled))
}
