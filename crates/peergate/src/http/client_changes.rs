//! Changes to one client over HTTP (admin only, audited): name, notes, probe host and subnets
//! (`PATCH`), a download of its config (`export`), a new file for it (`config`).

use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use super::clients::{admission_error, find, read_upload};
use super::error::{ApiError, ApiJson, ApiPath, Problem};
use super::principal::Admin;
use crate::app::AppContext;
use crate::clients::edit::{self, Changes, EditError};
use crate::clients::replace::Replacement;
use crate::clients::{AdmitError, Client};
use crate::dataplane::replace::ReplaceError;
use crate::dataplane::subnets::{SubnetChange, SubnetError};
use crate::db::audit::Actor;
use crate::db::clients::ClientId;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientUpdate {
    /// The name people use (any script, at most 64 characters).
    name: Option<String>,
    /// Free text (at most 2000 characters, several lines); empty clears them.
    notes: Option<String>,
    /// The address connectivity tests ping; must lie inside one of the client's subnets.
    probe_host: Option<String>,
    /// New subnet(s), comma-separated, for a single-peer config: checked like an upload's,
    /// written as the peer's AllowedIPs, and applied to a running tunnel without a restart.
    subnet: Option<String>,
    /// `true` accepts subnets wider than the gateway's public-route limit (audited).
    #[serde(default)]
    allow_wide_routes: bool,
}

/// Changes a client's name, notes, probe host or subnets (only the fields sent; audited before/after).
#[utoipa::path(patch, path = "/api/clients/{id}", tag = "clients", params(("id" = i64, Path)), request_body = ClientUpdate,
    responses((status = 200, body = Client), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn update_client(
    State(app): State<AppContext>,
    _admin: Admin,
    actor: Actor,
    ApiPath(id): ApiPath<ClientId>,
    ApiJson(body): ApiJson<ClientUpdate>,
) -> Result<axum::Json<Client>, ApiError> {
    let mut probe_host = body.probe_host.as_deref();
    if let Some(subnets) = body.subnet.as_deref() {
        let change = SubnetChange { subnets, probe_host, allow_wide: body.allow_wide_routes };
        let client =
            app.dataplane.activation.change_subnets(&app.db, &app.gateway, id, change, &actor).await.map_err(subnet_error)?;
        if body.name.is_none() && body.notes.is_none() {
            return Ok(axum::Json(client));
        }
        probe_host = None; // set with the subnets
    }
    let changes = Changes { display_name: body.name.as_deref(), notes: body.notes.as_deref(), probe_host };
    match edit::update(&app.db, id, changes, &actor).await {
        Ok(client) => {
            let shown = app.roster.refresh(&app.db, client.id).await?.unwrap_or_else(|| Client::from(client));
            Ok(axum::Json(shown))
        }
        Err(err @ EditError::NotFound(_)) => Err(ApiError::NotFound(err.to_string())),
        Err(err @ EditError::Nothing) => Err(ApiError::validation("name", err.to_string())),
        Err(err @ EditError::Notes(_)) => Err(ApiError::validation("notes", err.to_string())),
        Err(EditError::Refused(err)) => Err(admission_error(AdmitError::Refused(err))),
        Err(EditError::Internal(err)) => Err(ApiError::Internal(err)),
    }
}

fn subnet_error(err: SubnetError) -> ApiError {
    match err {
        SubnetError::NotFound => ApiError::NotFound("No such client.".into()),
        err @ (SubnetError::MultiPeer(_) | SubnetError::Unreadable(_)) => ApiError::validation("subnet", err.to_string()),
        SubnetError::Refused(err) => admission_error(err),
        err @ SubnetError::Live(_) => ApiError::Unprocessable {
            code: "subnets_not_applied",
            detail: err.to_string(),
            errors: Vec::new(),
            extra: Default::default(),
        },
        SubnetError::Op(err) => super::dataplane::op_error(err, "subnets_not_applied"),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    /// `true`: the file as peergate wrote it, with `PrivateKey` (and any `PresharedKey`), the
    /// one secret that otherwise never leaves its 0600 file; `false`: the keys redacted.
    include_keys: bool,
}

/// Downloads the config peergate wrote for a client, as `<interface>.conf`. Admin only; every
/// download is audited (`client.export`, with whether it held the keys). A POST: it records.
#[utoipa::path(post, path = "/api/clients/{id}/export", tag = "clients", params(("id" = i64, Path)), request_body = ExportRequest,
    responses((status = 200, description = "the wg-quick file", content_type = "text/plain", body = String),
              (status = 404, body = Problem)))]
pub(super) async fn export_client(
    State(app): State<AppContext>,
    _admin: Admin,
    actor: Actor,
    ApiPath(id): ApiPath<ClientId>,
    ApiJson(body): ApiJson<ExportRequest>,
) -> Result<Response, ApiError> {
    let client = find(&app.roster, id)?;
    let text = app.gateway.export(&app.db, &client, body.include_keys, &actor).await?;
    // The interface name is plain ASCII (validated), so it needs no quoting beyond the quotes.
    let disposition = format!("attachment; filename=\"{}.conf\"", client.interface);
    let headers = [
        (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_string()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CACHE_CONTROL, "no-store".to_string()),
    ];
    Ok((headers, text).into_response())
}

/// The multipart form of a replacement (documentation only).
#[derive(ToSchema)]
#[allow(dead_code)]
struct ReplaceForm {
    /// The new wg-quick `.conf` file for the same site (at most 64 KiB).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Other subnet(s) than the client's; a full-tunnel file keeps the client's when absent.
    subnet: Option<String>,
    /// Another probe host; the client's stays when it is inside the subnets.
    probe_host: Option<String>,
    allow_wide_routes: Option<bool>,
}

/// Replaces a client's config with a new file for the same site (keys rotated,
/// endpoint moved), keeping its id, names, notes and history; checked like an upload; audited
/// (`client.replace`, before/after). An active client is moved to the new file (activated on
/// it); if that fails the previous file is back (422 `replace_not_applied` says whether it runs).
#[utoipa::path(post, path = "/api/clients/{id}/config", tag = "clients", params(("id" = i64, Path)),
    request_body(content = ReplaceForm, content_type = "multipart/form-data"),
    responses((status = 200, body = Client), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn replace_client_config(
    State(app): State<AppContext>,
    _admin: Admin,
    actor: Actor,
    ApiPath(id): ApiPath<ClientId>,
    multipart: Multipart,
) -> Result<axum::Json<Client>, ApiError> {
    let parts = read_upload(multipart).await?;
    if parts.name.is_some() || parts.interface.is_some() {
        let field = if parts.name.is_some() { "name" } else { "interface" };
        return Err(ApiError::validation(field, "a replacement keeps the client's names; change the name with PATCH"));
    }
    let (_, bytes) = parts.file.ok_or_else(|| ApiError::validation("file", "Choose the new WireGuard .conf file."))?;
    let new = Replacement {
        bytes: &bytes,
        subnets: parts.subnet.as_deref(),
        probe_host: parts.probe_host.as_deref(),
        allow_wide: parts.allow_wide_routes.unwrap_or(false),
        allowed_ips: None,
        action: "client.replace",
    };
    match app.dataplane.activation.replace(&app.db, &app.gateway, id, new, &actor).await {
        Ok(client) => Ok(axum::Json(client)),
        Err(ReplaceError::NotFound) => Err(ApiError::NotFound(format!("No client with id {id}."))),
        Err(err @ ReplaceError::NotApplied { .. }) => Err(ApiError::Unprocessable {
            code: "replace_not_applied",
            detail: err.to_string(),
            errors: Vec::new(),
            extra: Default::default(),
        }),
        Err(ReplaceError::Refused(err)) => Err(admission_error(err)),
        Err(ReplaceError::Op(err)) => Err(super::dataplane::op_error(err, "replace_failed")),
    }
}
