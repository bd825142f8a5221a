//! Operational endpoints: liveness, readiness, Prometheus metrics.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use peergate_core::host::{HistoryPoint, HostSample};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::Problem;
use super::principal::Admin;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz)).routes(routes!(readyz)).routes(routes!(metrics)).routes(routes!(system_metrics))
}

#[derive(Serialize, ToSchema)]
pub struct SystemMetrics {
    #[serde(flatten)]
    latest: Option<HostSample>,
    /// CPU and memory over the last 30 minutes, oldest first.
    history: Vec<HistoryPoint>,
}

/// The gateway's CPU, memory, load, uptime and interface rates, with 30 minutes of history.
#[utoipa::path(get, path = "/api/system/metrics", tag = "system",
    responses((status = 200, body = SystemMetrics), (status = 401, body = Problem)))]
async fn system_metrics(State(state): State<AppState>, _admin: Admin) -> axum::Json<SystemMetrics> {
    let host = state.app.host.lock().expect("host sampler");
    axum::Json(SystemMetrics { latest: host.latest().cloned(), history: host.history() })
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    status: &'static str,
}

/// The process is up (no dependencies checked).
#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, body = Health)))]
async fn healthz() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

/// The process can serve requests: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = Problem)))]
async fn readyz(State(state): State<AppState>) -> axum::response::Response {
    match state.app.db.ping().await {
        Ok(()) => axum::Json(Health { status: "ok" }).into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            let detail = match err {
                sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound => format!("The database is not usable: {io}."),
                _ => "The database does not answer.".to_string(),
            };
            super::error::problem(StatusCode::SERVICE_UNAVAILABLE, "database_unavailable", &detail, vec![])
        }
    }
}

/// Prometheus text exposition: HTTP request counters and latency histograms, process metrics, the
/// current clients' traffic and handshake age. With `PEERGATE_METRICS_TOKEN` set, the scraper
/// must send it as `Authorization: Bearer <token>`.
#[utoipa::path(get, path = "/metrics", tag = "system",
    responses((status = 200, content_type = "text/plain"), (status = 401, body = Problem)))]
async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> axum::response::Response {
    if let Some(expected) = &state.app.config.metrics_token {
        let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        let matches =
            given.is_some_and(|g| bool::from(subtle::ConstantTimeEq::ct_eq(g.trim().as_bytes(), expected.expose().as_bytes())));
        if !matches {
            return super::error::problem(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Send the metrics token (PEERGATE_METRICS_TOKEN) as `Authorization: Bearer <token>`.",
                vec![],
            );
        }
    }
    state.process_metrics.collect();
    let mut text = state.app.metrics.render();
    text.push_str(&state.app.dataplane.monitor.render_client_metrics());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}
