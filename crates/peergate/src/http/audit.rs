//! `GET /api/audit`: the audit log for admins, newest first, filterable and paged by id.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ApiError, ApiQuery, Problem};
use super::principal::Admin;
use crate::db::audit::{self, AuditEvent, Filter};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit)).routes(routes!(audit_facets))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only events with this action, e.g. `auth.login`.
    action: Option<String>,
    /// Only events by this actor.
    actor: Option<String>,
    /// Only events about this target, e.g. `client:3` or `user:alice`.
    target: Option<String>,
    /// UNIX seconds: only events at or after this time.
    since: Option<i64>,
    /// UNIX seconds: only events before this time.
    until: Option<i64>,
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
    let blank = |v: Option<String>| v.filter(|v| !v.is_empty());
    let filter = Filter {
        action: blank(query.action),
        actor: blank(query.actor),
        target: blank(query.target),
        since: query.since,
        until: query.until,
        before_id: query.before_id,
        limit,
    };
    Ok(axum::Json(audit::list(&state.app.db, &filter).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditFacets {
    /// Every action recorded so far, sorted.
    actions: Vec<String>,
    /// Every actor recorded so far, sorted.
    actors: Vec<String>,
}

/// The values the audit log's filters can take (admin only).
#[utoipa::path(get, path = "/api/audit/facets", tag = "audit",
    responses((status = 200, body = AuditFacets), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn audit_facets(State(state): State<AppState>, _admin: Admin) -> Result<axum::Json<AuditFacets>, ApiError> {
    let (actions, actors) = audit::facets(&state.app.db).await?;
    Ok(axum::Json(AuditFacets { actions, actors }))
}
