//! Gateway clients over HTTP (admin only, every change audited): upload with the subnet prompt,
//! list, detail with the redacted config and route commands, probe-host change, delete, import.

use std::path::PathBuf;

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use peergate_core::client_policy::{NeedsSubnet, PolicyError};
use peergate_core::routes::{RouteCommands, route_commands};
use peergate_core::wg_conf::{self, MAX_CONF_BYTES};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiError, ApiJson, ApiPath, FieldError, Problem};
use super::principal::Admin;
use super::{AppState, RequestId};
use crate::clients::{Actor, Admission, AdmitError, Placement, Upload, audit_view};
use crate::db;
use crate::db::audit::{self, NewEvent};
use crate::db::clients::{self, Client, Pending};
use crate::import::{self, ImportOptions, ImportReport};
use crate::system::lan::Lan;

/// Pending uploads wait this long for their subnet.
pub const PENDING_TTL_SECS: i64 = 3600;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_client))
        .routes(routes!(complete_pending_upload))
        .routes(routes!(list_pending_uploads))
        .routes(routes!(list_clients))
        .routes(routes!(get_client, update_client, delete_client))
        .routes(routes!(import_clients))
}

/// The multipart form of an upload (documentation only; the handler reads the parts itself).
#[derive(ToSchema)]
#[allow(dead_code)]
struct UploadForm {
    /// The wg-quick `.conf` file (at most 64 KiB of UTF-8 text).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Client and interface name; defaults to the file name without `.conf`.
    name: Option<String>,
    /// The remote site's subnet(s), comma-separated; required for full-tunnel configs.
    subnet: Option<String>,
    /// Address pinged to test the tunnel; defaults to the first usable address of the subnet.
    probe_host: Option<String>,
}

#[derive(Default)]
struct UploadParts {
    file: Option<(Option<String>, Vec<u8>)>,
    name: Option<String>,
    subnet: Option<String>,
    probe_host: Option<String>,
}

/// Uploads a WireGuard client config. A full-tunnel config answers 422 `needs_subnet` with a
/// `pending_id`: send the subnet to `/api/clients/pending/{pending_id}/subnet`.
#[utoipa::path(post, path = "/api/clients/upload", tag = "clients",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Client), (status = 409, body = Problem),
              (status = 422, description = "refused, or `needs_subnet` with `pending_id`", body = Problem)))]
async fn upload_client(
    State(state): State<AppState>,
    Admin(admin): Admin,
    request_id: RequestId,
    multipart: Multipart,
) -> Result<Response, ApiError> {
    let parts = read_upload(multipart).await?;
    let (file_name, bytes) =
        parts.file.ok_or_else(|| ApiError::validation("file", "Choose a WireGuard .conf file to upload."))?;
    let name = match parts.name.filter(|n| !n.trim().is_empty()) {
        Some(name) => name.trim().to_string(),
        None => file_name
            .as_deref()
            .and_then(peergate_core::client_policy::derive_name_from_filename)
            .ok_or_else(|| ApiError::validation("name", "Give the client a name (it becomes the interface name)."))?,
    };
    let actor = Actor { name: &admin.user.username, request_id: Some(&request_id.0) };
    let upload = Upload { bytes: &bytes, name: &name, subnets: parts.subnet.as_deref(), probe_host: parts.probe_host.as_deref() };
    match state.gateway.admit(&state.db, upload, Placement::New, actor).await.map_err(admission_error)? {
        Admission::Created(client) => Ok((StatusCode::CREATED, axum::Json(client)).into_response()),
        Admission::NeedsSubnet(needs) => {
            let pending = Pending {
                id: uuid::Uuid::new_v4().simple().to_string(),
                user_id: admin.user.id,
                name,
                probe_host: parts.probe_host.filter(|p| !p.trim().is_empty()),
                created_at: db::now(),
                expires_at: db::now() + PENDING_TTL_SECS,
            };
            save_pending(&state, &pending, &bytes, actor).await?;
            Err(needs_subnet(&needs, &pending))
        }
    }
}

async fn read_upload(mut multipart: Multipart) -> Result<UploadParts, ApiError> {
    let mut parts = UploadParts::default();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let field_name = field.name().unwrap_or_default().to_string();
        let slot_taken = match field_name.as_str() {
            "file" => parts.file.is_some(),
            "name" => parts.name.is_some(),
            "subnet" => parts.subnet.is_some(),
            "probe_host" => parts.probe_host.is_some(),
            other => {
                return Err(ApiError::validation(other, "unknown form field; send file, name, subnet and probe_host"));
            }
        };
        if slot_taken {
            return Err(ApiError::validation(&field_name, "sent twice; send each form field once"));
        }
        let file_name = field.file_name().map(str::to_string);
        // Read at most one byte past the limit: enough to refuse, never more.
        let limit = if field_name == "file" { MAX_CONF_BYTES + 1 } else { 1024 };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            bytes.extend_from_slice(&chunk[..chunk.len().min(limit - bytes.len())]);
            if bytes.len() >= limit {
                break;
            }
        }
        if field_name == "file" {
            parts.file = Some((file_name, bytes));
            continue;
        }
        let text = String::from_utf8(bytes).map_err(|_| ApiError::validation(&field_name, "must be text"))?;
        if text.len() >= limit {
            return Err(ApiError::validation(&field_name, "is too long"));
        }
        match field_name.as_str() {
            "name" => parts.name = Some(text),
            "subnet" => parts.subnet = Some(text),
            _ => parts.probe_host = Some(text),
        }
    }
    Ok(parts)
}

fn multipart_error(err: axum::extract::multipart::MultipartError) -> ApiError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge("The upload is too large; a client config is at most 64 KiB.".into())
    } else {
        ApiError::BadRequest {
            code: "malformed_multipart",
            detail: format!("The upload form cannot be read: {}", err.body_text()),
        }
    }
}

/// Keeps a full-tunnel upload until its subnet arrives: the raw file (with its private key) in a
/// 0600 file under the data dir, the row in the database.
async fn save_pending(state: &AppState, pending: &Pending, bytes: &[u8], actor: Actor<'_>) -> Result<(), ApiError> {
    let text = std::str::from_utf8(bytes).map_err(anyhow::Error::new)?;
    let staged = state.gateway.pending_dir.stage(&pending.id, text).map_err(anyhow::Error::new)?;
    let mut tx = state.db.pool.begin().await?;
    clients::create_pending(&mut tx, pending).await?;
    audit::record(
        &mut tx,
        NewEvent {
            actor: actor.name,
            action: "client.upload_pending",
            target: Some(format!("pending:{}", pending.id)),
            after: Some(serde_json::json!({ "name": pending.name, "expires_at": pending.expires_at })),
            request_id: actor.request_id,
            ..Default::default()
        },
    )
    .await?;
    staged.commit().map_err(anyhow::Error::new)?;
    if let Err(err) = tx.commit().await {
        let _ = state.gateway.pending_dir.remove(&pending.id);
        return Err(err.into());
    }
    Ok(())
}

fn needs_subnet(needs: &NeedsSubnet, pending: &Pending) -> ApiError {
    let mut extra = serde_json::Map::new();
    extra.insert("pending_id".into(), pending.id.clone().into());
    extra.insert("expires_at".into(), pending.expires_at.into());
    extra.insert("lines".into(), serde_json::json!(needs.lines));
    extra.insert("warnings".into(), serde_json::json!(needs.warnings));
    ApiError::Unprocessable { code: needs.code(), detail: needs.message(), errors: Vec::new(), extra }
}

/// Maps a refused admission to its problem: the policy's own code, the line, the field to fix.
pub fn admission_error(err: AdmitError) -> ApiError {
    match err {
        AdmitError::Refused(err @ PolicyError::NameTaken { .. }) => {
            ApiError::Conflict { code: "name_taken", detail: err.to_string() }
        }
        AdmitError::Refused(err) => {
            let field = match &err {
                PolicyError::InvalidName { .. } => "name",
                PolicyError::InvalidSubnet { .. } | PolicyError::SubnetNotRouted { .. } => "subnet",
                PolicyError::SubnetOverlap { line: None, .. } => "subnet",
                PolicyError::InvalidProbeHost { .. } | PolicyError::ProbeHostOutside { .. } => "probe_host",
                _ => "file",
            };
            let message = err.to_string();
            ApiError::Unprocessable {
                code: err.code(),
                detail: message.clone(),
                errors: vec![FieldError { field: field.into(), line: err.line(), message }],
                extra: Default::default(),
            }
        }
        AdmitError::Taken(detail) => ApiError::Conflict { code: "name_taken", detail },
        AdmitError::Internal(err) => ApiError::Internal(err),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PendingSubnet {
    /// The remote site's subnet(s), e.g. `10.77.0.0/24`.
    subnet: String,
    probe_host: Option<String>,
    /// A new name, if the one given at upload was taken meanwhile.
    name: Option<String>,
}

/// Completes a full-tunnel upload with the remote subnet.
#[utoipa::path(post, path = "/api/clients/pending/{pending_id}/subnet", tag = "clients",
    params(("pending_id" = String, Path)), request_body = PendingSubnet,
    responses((status = 201, body = Client), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn complete_pending_upload(
    State(state): State<AppState>,
    Admin(admin): Admin,
    request_id: RequestId,
    ApiPath(pending_id): ApiPath<String>,
    ApiJson(body): ApiJson<PendingSubnet>,
) -> Result<Response, ApiError> {
    let gone = || {
        ApiError::NotFound(
            "No such pending upload: it expired (uploads wait one hour) or was completed; upload the file again.".into(),
        )
    };
    // Only our own ids (32 hex digits) can name a file in the pending directory.
    if pending_id.len() != 32 || !pending_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(gone());
    }
    let pending = clients::get_pending(&state.db, &pending_id).await?.ok_or_else(gone)?;
    if pending.user_id != admin.user.id || pending.expires_at <= db::now() {
        return Err(gone());
    }
    if body.subnet.trim().is_empty() {
        return Err(ApiError::validation("subnet", "Enter the remote site's subnet, such as 10.77.0.0/24."));
    }
    let bytes = state.gateway.pending_dir.read(&pending.id).map_err(|_| gone())?;
    let name = body.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| pending.name.clone());
    let probe_host = body.probe_host.or(pending.probe_host.clone());
    let actor = Actor { name: &admin.user.username, request_id: Some(&request_id.0) };
    let upload = Upload { bytes: bytes.as_bytes(), name: &name, subnets: Some(&body.subnet), probe_host: probe_host.as_deref() };
    match state.gateway.admit(&state.db, upload, Placement::New, actor).await.map_err(admission_error)? {
        Admission::Created(client) => {
            let mut tx = state.db.pool.begin().await?;
            clients::delete_pending(&mut tx, &pending.id).await?;
            tx.commit().await?;
            let _ = state.gateway.pending_dir.remove(&pending.id);
            Ok((StatusCode::CREATED, axum::Json(client)).into_response())
        }
        Admission::NeedsSubnet(_) => Err(ApiError::validation("subnet", "Enter the remote site's subnet, such as 10.77.0.0/24.")),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PendingUpload {
    id: String,
    name: String,
    /// When the file was uploaded (UNIX seconds).
    created_at: i64,
    expires_at: i64,
}

/// The current user's uploads that wait for a subnet.
#[utoipa::path(get, path = "/api/clients/pending", tag = "clients", responses((status = 200, body = Vec<PendingUpload>)))]
async fn list_pending_uploads(
    State(state): State<AppState>,
    Admin(admin): Admin,
) -> Result<axum::Json<Vec<PendingUpload>>, ApiError> {
    let pending = clients::list_pending(&state.db, admin.user.id, db::now()).await?;
    Ok(axum::Json(
        pending
            .into_iter()
            .map(|p| PendingUpload { id: p.id, name: p.name, created_at: p.created_at, expires_at: p.expires_at })
            .collect(),
    ))
}

/// All clients.
#[utoipa::path(get, path = "/api/clients", tag = "clients", responses((status = 200, body = Vec<Client>)))]
async fn list_clients(State(state): State<AppState>, _admin: Admin) -> Result<axum::Json<Vec<Client>>, ApiError> {
    Ok(axum::Json(clients::list(&state.db).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubnetRoutes {
    #[schema(value_type = String)]
    subnet: ipnet::IpNet,
    /// What other LAN hosts run to reach the subnet through the gateway; `null` with a `note` when
    /// the gateway's LAN address is unknown or of the other IP version.
    #[schema(value_type = Option<Object>)]
    commands: Option<RouteCommands>,
    note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientDetail {
    #[serde(flatten)]
    client: Client,
    /// The config peergate wrote, with `PrivateKey` and `PresharedKey` redacted.
    conf: Option<String>,
    /// Why `conf` is missing (the file was removed by hand, say).
    conf_error: Option<String>,
    route_commands: Vec<SubnetRoutes>,
    lan: Option<Lan>,
    /// The firewall rules peergate installs for this client (text), when the LAN is known.
    rules: Option<String>,
}

fn routes_for(client: &Client, lan: Option<&Lan>) -> Vec<SubnetRoutes> {
    client
        .subnets
        .iter()
        .map(|subnet| match lan {
            None => SubnetRoutes {
                subnet: *subnet,
                commands: None,
                note: Some("The gateway's LAN address is unknown: set PEERGATE_LAN_ADDRESS.".into()),
            },
            Some(lan) => match route_commands(*subnet, lan.address) {
                Ok(commands) => SubnetRoutes { subnet: *subnet, commands: Some(commands), note: None },
                Err(err) => SubnetRoutes { subnet: *subnet, commands: None, note: Some(err.to_string()) },
            },
        })
        .collect()
}

async fn find(state: &AppState, id: i64) -> Result<Client, ApiError> {
    clients::get(&state.db, id).await?.ok_or_else(|| ApiError::NotFound(format!("No client with id {id}.")))
}

/// One client with its redacted config and the route commands for LAN hosts.
#[utoipa::path(get, path = "/api/clients/{id}", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = ClientDetail), (status = 404, body = Problem)))]
async fn get_client(
    State(state): State<AppState>,
    _admin: Admin,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<ClientDetail>, ApiError> {
    let client = find(&state, id).await?;
    let (conf, conf_error) = match state.gateway.wg_dir.read(&client.name) {
        Ok(text) => match wg_conf::parse(&text) {
            Ok(parsed) => (Some(wg_conf::render_redacted(&parsed)), None),
            Err(err) => (None, Some(format!("{} no longer parses: {err}", client.conf_path))),
        },
        Err(err) => (None, Some(format!("{} cannot be read: {err}", client.conf_path))),
    };
    let route_commands = routes_for(&client, state.gateway.lan.as_ref());
    let rules = state.dataplane.describe_rules(&client.name);
    Ok(axum::Json(ClientDetail { client, conf, conf_error, route_commands, lan: state.gateway.lan.clone(), rules }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ClientUpdate {
    /// The address connectivity tests ping; must lie inside one of the client's subnets.
    probe_host: String,
}

/// Changes the probe host.
#[utoipa::path(patch, path = "/api/clients/{id}", tag = "clients", params(("id" = i64, Path)), request_body = ClientUpdate,
    responses((status = 200, body = Client), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_client(
    State(state): State<AppState>,
    Admin(admin): Admin,
    request_id: RequestId,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ClientUpdate>,
) -> Result<axum::Json<Client>, ApiError> {
    let before = find(&state, id).await?;
    let probe = peergate_core::client_policy::parse_probe_host(&body.probe_host, &before.subnets)
        .map_err(|err| admission_error(AdmitError::Refused(err)))?;
    let mut tx = state.db.pool.begin().await?;
    if !clients::set_probe_host(&mut tx, id, probe).await? {
        return Err(ApiError::NotFound(format!("No client with id {id}.")));
    }
    let after = Client { probe_host: probe, ..before.clone() };
    audit::record(
        &mut tx,
        NewEvent {
            actor: &admin.user.username,
            action: "client.update",
            target: Some(format!("client:{}", before.name)),
            before: Some(audit_view(&before)),
            after: Some(audit_view(&after)),
            request_id: Some(&request_id.0),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(find(&state, id).await?))
}

/// Deletes a client (deactivating it first): its row and its file in the WireGuard directory.
#[utoipa::path(delete, path = "/api/clients/{id}", tag = "clients", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn delete_client(
    State(state): State<AppState>,
    Admin(admin): Admin,
    request_id: RequestId,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let client = find(&state, id).await?;
    let actor = Actor { name: &admin.user.username, request_id: Some(&request_id.0) };
    state
        .dataplane
        .ensure_down(&state.db, &client, actor)
        .await
        .map_err(|e| super::dataplane::op_error(e, "deactivation_failed"))?;
    state.gateway.remove(&state.db, &client, actor).await?;
    state.dataplane.events.send(crate::events::Event::ClientDeleted { id });
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportRequest {
    /// File names inside the WireGuard directory (`site-a.conf`); all `*.conf` files when absent.
    files: Option<Vec<String>>,
    /// Subnet for full-tunnel files (applies to every file in the request).
    subnet: Option<String>,
}

/// Imports existing wg-quick files from the WireGuard directory, reporting per file.
#[utoipa::path(post, path = "/api/clients/import", tag = "clients", request_body = ImportRequest,
    responses((status = 200, body = Vec<ImportReport>), (status = 422, body = Problem)))]
async fn import_clients(
    State(state): State<AppState>,
    Admin(admin): Admin,
    request_id: RequestId,
    ApiJson(body): ApiJson<ImportRequest>,
) -> Result<axum::Json<Vec<ImportReport>>, ApiError> {
    let dir = state.gateway.wg_dir.path().to_path_buf();
    let paths: Vec<PathBuf> = match body.files {
        None => vec![dir],
        Some(files) => {
            // Only plain file names: the API must not become a way to read files elsewhere.
            if let Some(bad) = files.iter().find(|f| f.contains('/') || !f.ends_with(".conf") || f.starts_with('.')) {
                return Err(ApiError::validation(
                    "files",
                    format!("`{bad}` is not a .conf file name in the WireGuard directory"),
                ));
            }
            files.iter().map(|f| dir.join(f)).collect()
        }
    };
    let actor = Actor { name: &admin.user.username, request_id: Some(&request_id.0) };
    let options = ImportOptions { subnets: body.subnet, probe_host: None };
    Ok(axum::Json(import::import_paths(&state.gateway, &state.db, &paths, &options, actor).await))
}
