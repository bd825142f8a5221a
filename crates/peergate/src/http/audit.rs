//! `GET /api/audit`: the audit log for admins, newest first, filterable and paged by id.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ApiError, ApiQuery, Problem};
use super::principal::Admin;
use crate::db::audit::{self, AuditEvent, Filter};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Only events with this action, e.g. `auth.login`.
    action: Option<String>,
    /// Only events by this actor.
    actor: Option<String>,
    /// Events older than this id (for the next page).
    before_id: Option<i64>,
    /// 1 to 500, default 100.
    limit: Option<i64>,
}

/// Lists audit events (admin only).
#[utoipa::path(get, path = "/api/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditEvent>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn list_audit(
    State(state): State<AppState>,
    _admin: Admin,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<axum::Json<Vec<AuditEvent>>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::validation("limit", "must be between 1 and 500"));
    }
    let filter = Filter { action: query.action, actor: query.actor, before_id: query.before_id, limit };
    Ok(axum::Json(audit::list(&state.app.db, &filter).await?))
}
