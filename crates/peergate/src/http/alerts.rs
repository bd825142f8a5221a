//! Alerts for the web UI (admin only): the newest alerts with their delivery state, how alerting
//! is configured (never the webhook URL, a secret), and a test alert to check the webhook.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ApiError, ApiQuery, Problem};
use super::principal::Admin;
use crate::app::AppContext;
use crate::config::AlertFormat;
use crate::db::alerts::{self, Alert};
use crate::db::audit::Actor;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_alerts)).routes(routes!(test_alert))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertsQuery {
    /// 1 to 1000, default 50.
    limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertList {
    /// Whether alerts are POSTed to a webhook (`PEERGATE_ALERT_WEBHOOK_URL`).
    webhook_configured: bool,
    /// `json` or `slack`.
    webhook_format: String,
    /// An active client without a handshake for this long counts as down.
    down_after_secs: u64,
    /// Newest first.
    alerts: Vec<Alert>,
}

/// Lists the newest alerts (admin only).
#[utoipa::path(get, path = "/api/alerts", tag = "alerts", params(AlertsQuery),
    responses((status = 200, body = AlertList), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn list_alerts(
    State(app): State<AppContext>,
    _admin: Admin,
    ApiQuery(query): ApiQuery<AlertsQuery>,
) -> Result<axum::Json<AlertList>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::validation("limit", "must be between 1 and 1000"));
    }
    let format = match app.config.alert_webhook_format {
        AlertFormat::Json => "json",
        AlertFormat::Slack => "slack",
    };
    Ok(axum::Json(AlertList {
        webhook_configured: app.config.alert_webhook_url.is_some(),
        webhook_format: format.into(),
        down_after_secs: app.config.alert_down_after_secs,
        alerts: alerts::list(&app.db, limit).await?,
    }))
}

/// Raises a test alert, delivered like any other (audited).
#[utoipa::path(post, path = "/api/alerts/test", tag = "alerts",
    responses((status = 201, body = Alert), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn test_alert(State(app): State<AppContext>, _admin: Admin, actor: Actor) -> Result<Response, ApiError> {
    let alert = app.alerts.test(&app.db, &app.events, &actor).await?;
    // Delivered now rather than at the next pass, so the admin sees the outcome at once.
    app.alerts.deliver_due(&app.db, alert.at).await?;
    let alert = alerts::get(&app.db, alert.id).await?.unwrap_or(alert);
    Ok((StatusCode::CREATED, axum::Json(alert)).into_response())
}
