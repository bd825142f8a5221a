//! Uploads that wait for their subnet, over HTTP: the owner lists them (with when and why they
//! wait), completes one with the subnet, or discards it. Only the owner's own uploads are visible;
//! another admin's id answers 404 like an unknown one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::clients::{admission_error, created};
use super::error::{ApiError, ApiJson, ApiPath, Problem};
use super::principal::Admin;
use crate::app::AppContext;
use crate::clients::Client;
use crate::clients::pending::{CompleteError, Completion, PendingUpload};
use crate::db::audit::Actor;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_pending_uploads))
        .routes(routes!(complete_pending_upload))
        .routes(routes!(discard_pending_upload))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PendingSubnet {
    /// The remote site's subnet(s), e.g. `10.77.0.0/24`.
    subnet: String,
    probe_host: Option<String>,
    /// Another name than the one given at upload.
    name: Option<String>,
    /// Another interface name (the one asked for may have been taken meanwhile); derived from
    /// the name when absent.
    interface: Option<String>,
    /// `true` accepts a subnet wider than the gateway's public-route limit (audited).
    #[serde(default)]
    allow_wide_routes: bool,
}

fn gone_or(err: CompleteError) -> ApiError {
    match err {
        err @ CompleteError::Gone => ApiError::NotFound(err.to_string()),
        err @ CompleteError::NoSubnet => ApiError::validation("subnet", err.to_string()),
        CompleteError::Refused(err) => admission_error(err),
    }
}

/// Completes a full-tunnel upload with the remote subnet.
#[utoipa::path(post, path = "/api/clients/pending/{pending_id}/subnet", tag = "clients",
    params(("pending_id" = String, Path)), request_body = PendingSubnet,
    responses((status = 201, body = Client), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn complete_pending_upload(
    State(app): State<AppContext>,
    Admin(admin): Admin,
    actor: Actor,
    ApiPath(pending_id): ApiPath<String>,
    ApiJson(body): ApiJson<PendingSubnet>,
) -> Result<Response, ApiError> {
    let completion = Completion {
        subnet: &body.subnet,
        probe_host: body.probe_host.as_deref(),
        display_name: body.name.as_deref(),
        interface: body.interface.as_deref(),
        allow_wide: body.allow_wide_routes,
    };
    let client = app.gateway.complete(&app.db, admin.user.id, &pending_id, completion, &actor).await.map_err(gone_or)?;
    created(&app, client).await
}

/// The current user's uploads that wait for a subnet, newest first, each with when it was
/// uploaded and why it waits (as the upload answered).
#[utoipa::path(get, path = "/api/clients/pending", tag = "clients", responses((status = 200, body = Vec<PendingUpload>)))]
async fn list_pending_uploads(
    State(app): State<AppContext>,
    Admin(admin): Admin,
) -> Result<axum::Json<Vec<PendingUpload>>, ApiError> {
    Ok(axum::Json(app.gateway.pending_of(&app.db, admin.user.id).await?))
}

/// Discards one of the current user's pending uploads: its row and its file (with the private
/// key) are removed; audited.
#[utoipa::path(delete, path = "/api/clients/pending/{pending_id}", tag = "clients", params(("pending_id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn discard_pending_upload(
    State(app): State<AppContext>,
    Admin(admin): Admin,
    actor: Actor,
    ApiPath(pending_id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    app.gateway.discard(&app.db, admin.user.id, &pending_id, &actor).await.map_err(gone_or)?;
    Ok(StatusCode::NO_CONTENT)
}
