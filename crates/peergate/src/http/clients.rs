//! Gateway clients over HTTP (admin only, every change audited): upload with the subnet prompt,
//! list, the interface name a display name gives, delete, import. One client's detail is in
//! `client_detail.rs`, changes to it in `client_changes.rs`; the router is here.

use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use peergate_core::client_policy::{DisplayName, NeedsSubnet, PolicyError, display_name_from_filename};
use peergate_core::wg_conf::MAX_CONF_BYTES;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiError, ApiJson, ApiPath, ApiQuery, FieldError, Problem};
use super::principal::Admin;
use super::{AppState, client_changes, client_detail, conditional};
use crate::app::AppContext;
use crate::clients::import::{self, ImportOptions, ImportReport};
use crate::clients::pending::Uploaded;
use crate::clients::{AdmitError, Client, Upload};
use crate::db::audit::Actor;
use crate::db::clients::{self, ClientId, ClientRow};
use crate::db::pending::Pending;
use crate::roster::Roster;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_client))
        .routes(routes!(list_clients))
        .routes(routes!(suggest_interface))
        .routes(routes!(client_detail::get_client, client_changes::update_client, delete_client))
        .routes(routes!(client_changes::export_client))
        .routes(routes!(client_changes::replace_client_config))
        .routes(routes!(import_clients))
}

/// The multipart form of an upload (documentation only; the handler reads the parts itself).
#[derive(ToSchema)]
#[allow(dead_code)]
struct UploadForm {
    /// The wg-quick `.conf` file (at most 64 KiB of UTF-8 text).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The name people use (any script, at most 64 characters); defaults to the file name
    /// without `.conf`.
    name: Option<String>,
    /// The WireGuard interface name (1 to 15 of `A-Z a-z 0-9 _ = . -`); derived from the name,
    /// unique, when absent or empty.
    interface: Option<String>,
    /// The remote site's subnet(s), comma-separated; required for full-tunnel configs.
    subnet: Option<String>,
    /// Address pinged to test the tunnel; defaults to the first usable address of the subnet.
    probe_host: Option<String>,
    /// `true` accepts routes to more public address space than the gateway's limit (recorded
    /// with the client and in the audit log); a full tunnel is never accepted.
    allow_wide_routes: Option<bool>,
}

/// The parts of an upload's (or a replacement's) multipart form, as read.
#[derive(Default)]
pub(super) struct UploadParts {
    pub(super) file: Option<(Option<String>, Vec<u8>)>,
    pub(super) name: Option<String>,
    pub(super) interface: Option<String>,
    pub(super) subnet: Option<String>,
    pub(super) probe_host: Option<String>,
    pub(super) allow_wide_routes: Option<bool>,
}

/// Uploads a WireGuard client config. A full-tunnel config answers 422 `needs_subnet` with a
/// `pending_id`: send the subnet to `/api/clients/pending/{pending_id}/subnet`.
#[utoipa::path(post, path = "/api/clients/upload", tag = "clients",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Client), (status = 409, body = Problem),
              (status = 422, description = "refused, or `needs_subnet` with `pending_id`", body = Problem)))]
async fn upload_client(
    State(app): State<AppContext>,
    Admin(admin): Admin,
    actor: Actor,
    multipart: Multipart,
) -> Result<Response, ApiError> {
    let parts = read_upload(multipart).await?;
    let (file_name, bytes) =
        parts.file.ok_or_else(|| ApiError::validation("file", "Choose a WireGuard .conf file to upload."))?;
    let name = match parts.name.filter(|n| !n.trim().is_empty()) {
        Some(name) => name,
        None => file_name
            .as_deref()
            .and_then(display_name_from_filename)
            .map(DisplayName::into_string)
            .ok_or_else(|| ApiError::validation("name", "Give the client a name, such as the remote site's."))?,
    };
    let upload = Upload {
        bytes: &bytes,
        display_name: &name,
        interface: parts.interface.as_deref(),
        subnets: parts.subnet.as_deref(),
        probe_host: parts.probe_host.as_deref(),
        allow_wide: parts.allow_wide_routes.unwrap_or(false),
    };
    match app.gateway.upload(&app.db, admin.user.id, upload, &actor).await.map_err(admission_error)? {
        Uploaded::Created(client) => created(&app, client).await,
        Uploaded::NeedsSubnet(needs, pending) => Err(needs_subnet(&needs, &pending)),
    }
}

/// 201 with the new client, which every open dashboard is told of too (another admin's list
/// shows it without a reload).
pub(super) async fn created(app: &AppContext, client: ClientRow) -> Result<Response, ApiError> {
    let shown = app.roster.refresh(&app.db, client.id).await?.unwrap_or_else(|| Client::from(client));
    Ok((StatusCode::CREATED, axum::Json(shown)).into_response())
}

pub(super) async fn read_upload(mut multipart: Multipart) -> Result<UploadParts, ApiError> {
    let mut parts = UploadParts::default();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let field_name = field.name().unwrap_or_default().to_string();
        let slot_taken = match field_name.as_str() {
            "file" => parts.file.is_some(),
            "name" => parts.name.is_some(),
            "interface" => parts.interface.is_some(),
            "subnet" => parts.subnet.is_some(),
            "probe_host" => parts.probe_host.is_some(),
            "allow_wide_routes" => parts.allow_wide_routes.is_some(),
            other => {
                return Err(ApiError::validation(
                    other,
                    "unknown form field; send file, name, interface, subnet, probe_host and allow_wide_routes",
                ));
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
            "interface" => parts.interface = Some(text),
            "subnet" => parts.subnet = Some(text),
            "allow_wide_routes" => {
                parts.allow_wide_routes = Some(match text.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(ApiError::validation(&field_name, "must be true or false")),
                })
            }
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

fn needs_subnet(needs: &NeedsSubnet, pending: &Pending) -> ApiError {
    let mut extra = serde_json::Map::new();
    extra.insert("pending_id".into(), pending.id.clone().into());
    extra.insert("expires_at".into(), pending.expires_at.into());
    extra.insert("lines".into(), serde_json::json!(needs.lines));
    extra.insert("reason".into(), needs.reason.code().into());
    extra.insert("warnings".into(), serde_json::json!(needs.warnings));
    ApiError::Unprocessable { code: needs.code(), detail: needs.message(), errors: Vec::new(), extra }
}

/// Maps a refused admission to its problem: the policy's own code, the line, the field to fix.
/// The request field a policy refusal is about.
fn field_of_policy(err: &PolicyError) -> &'static str {
    match err {
        PolicyError::InvalidName { .. } => "interface",
        PolicyError::InvalidDisplayName(_) => "name",
        PolicyError::InvalidSubnet { .. } | PolicyError::SubnetNotRouted { .. } => "subnet",
        PolicyError::SubnetOverlap { line: None, .. }
        | PolicyError::SpecialRange { line: None, .. }
        | PolicyError::WideRoute { line: None, .. } => "subnet",
        PolicyError::InvalidProbeHost { .. } | PolicyError::ProbeHostOutside { .. } => "probe_host",
        _ => "file",
    }
}

pub fn admission_error(err: AdmitError) -> ApiError {
    match err {
        AdmitError::Refused(err @ PolicyError::NameTaken { .. }) => {
            ApiError::Conflict { code: "name_taken", detail: err.to_string() }
        }
        AdmitError::Refused(err) => {
            let errors = err
                .each()
                .into_iter()
                .map(|one| FieldError { field: field_of_policy(one).into(), line: one.line(), message: one.to_string() })
                .collect();
            ApiError::Unprocessable { code: err.code(), detail: err.to_string(), errors, extra: Default::default() }
        }
        AdmitError::Taken(detail) => ApiError::Conflict { code: "name_taken", detail },
        AdmitError::Internal(err) => ApiError::Internal(err),
    }
}

/// All clients, served from memory: encoded (and gzipped) once per change, with an `ETag`, so an
/// unchanged list costs a `304`.
#[utoipa::path(get, path = "/api/clients", tag = "clients",
    params(("If-None-Match" = Option<String>, Header, description = "the `ETag` of a list already held")),
    responses((status = 200, body = Vec<Client>, headers(("ETag" = String))),
              (status = 304, description = "the list is unchanged since that `ETag`")))]
async fn list_clients(State(app): State<AppContext>, _admin: Admin, headers: HeaderMap) -> Response {
    let list = app.roster.list();
    let etag = HeaderValue::from_str(&list.etag).expect("an ETag is ASCII");
    let revalidate = [(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache")), (header::ETAG, etag)];
    if conditional::matches(&headers, &list.etag) {
        return (StatusCode::NOT_MODIFIED, revalidate).into_response();
    }
    let vary = (header::VARY, HeaderValue::from_static("accept-encoding"));
    let json = (header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if conditional::accepts_gzip(&headers) {
        let gzip = (header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        return (revalidate, [vary, json, gzip], list.gzip()).into_response();
    }
    (revalidate, [vary, json], list.json.clone()).into_response()
}

/// The client named by a path's id (as the roster has it), or 404.
pub fn find(roster: &Roster, id: ClientId) -> Result<ClientRow, ApiError> {
    roster.get(id).ok_or_else(|| ApiError::NotFound(format!("No client with id {id}.")))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestQuery {
    /// The client's display name.
    name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InterfaceSuggestion {
    /// A valid interface name derived from the name, free right now (an upload re-derives it).
    interface: String,
}

/// The interface name an upload with this display name would get now.
#[utoipa::path(get, path = "/api/clients/interface-name", tag = "clients", params(SuggestQuery),
    responses((status = 200, body = InterfaceSuggestion), (status = 422, body = Problem)))]
async fn suggest_interface(
    State(app): State<AppContext>,
    _admin: Admin,
    ApiQuery(query): ApiQuery<SuggestQuery>,
) -> Result<axum::Json<InterfaceSuggestion>, ApiError> {
    let name = DisplayName::parse(&query.name)
        .map_err(|err| ApiError::validation("name", format!("The client name cannot be used: {err}")))?;
    let existing = clients::existing(&app.db).await?;
    Ok(axum::Json(InterfaceSuggestion { interface: app.gateway.free_interface(name.as_str(), &existing) }))
}

/// Deletes a client (deactivating it first): its row and its file in the WireGuard directory.
#[utoipa::path(delete, path = "/api/clients/{id}", tag = "clients", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn delete_client(
    State(app): State<AppContext>,
    _admin: Admin,
    actor: Actor,
    ApiPath(id): ApiPath<ClientId>,
) -> Result<StatusCode, ApiError> {
    find(&app.roster, id)?;
    app.dataplane
        .activation
        .delete(&app.db, &app.gateway, id, &actor)
        .await
        .map_err(|e| super::dataplane::op_error(e, "deactivation_failed"))?;
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
    State(app): State<AppContext>,
    _admin: Admin,
    actor: Actor,
    ApiJson(body): ApiJson<ImportRequest>,
) -> Result<axum::Json<Vec<ImportReport>>, ApiError> {
    let options = ImportOptions { subnets: body.subnet, probe_host: None, allow_wide: false };
    let reports = import::import_from_wg_dir(&app.gateway, &app.db, body.files.as_deref(), &options, &actor)
        .await
        .map_err(|bad| ApiError::validation("files", bad.to_string()))?;
    for report in &reports {
        if let Some(client) = &report.client {
            app.roster.refresh(&app.db, client.id).await?;
        }
    }
    Ok(axum::Json(reports))
}
