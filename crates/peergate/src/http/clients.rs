//! Gateway clients over HTTP (admin only, every change audited): upload with the subnet prompt,
//! list, detail with the redacted config and route commands, probe-host change, delete, import.

use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;
use peergate_core::client_policy::{DisplayName, NeedsSubnet, PolicyError, display_name_from_filename};
use peergate_core::routes::{RouteCommands, route_commands, route_script};
use peergate_core::wg_conf::{self, MAX_CONF_BYTES};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ApiError, ApiJson, ApiPath, ApiQuery, FieldError, Problem};
use super::principal::Admin;
use crate::app::AppContext;
use crate::clients::edit::{self, Changes, EditError};
use crate::clients::import::{self, ImportOptions, ImportReport};
use crate::clients::pending::Uploaded;
use crate::clients::replace::Replacement;
use crate::clients::{AdmitError, Client, Upload};
use crate::dataplane::replace::ReplaceError;
use crate::dataplane::subnets::{SubnetChange, SubnetError};
use crate::db::Db;
use crate::db::audit::Actor;
use crate::db::clients::{self, ClientId, ClientRow};
use crate::db::pending::Pending;
use crate::events::Event;
use crate::system::lan::Lan;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_client))
        .routes(routes!(list_clients))
        .routes(routes!(suggest_interface))
        .routes(routes!(get_client, update_client, delete_client))
        .routes(routes!(export_client))
        .routes(routes!(replace_client_config))
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

#[derive(Default)]
struct UploadParts {
    file: Option<(Option<String>, Vec<u8>)>,
    name: Option<String>,
    interface: Option<String>,
    subnet: Option<String>,
    probe_host: Option<String>,
    allow_wide_routes: Option<bool>,
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
        Uploaded::Created(client) => Ok(created(client)),
        Uploaded::NeedsSubnet(needs, pending) => Err(needs_subnet(&needs, &pending)),
    }
}

pub(super) fn created(client: ClientRow) -> Response {
    (StatusCode::CREATED, axum::Json(Client::from(client))).into_response()
}

async fn read_upload(mut multipart: Multipart) -> Result<UploadParts, ApiError> {
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

/// All clients.
#[utoipa::path(get, path = "/api/clients", tag = "clients", responses((status = 200, body = Vec<Client>)))]
async fn list_clients(State(db): State<Db>, _admin: Admin) -> Result<axum::Json<Vec<Client>>, ApiError> {
    Ok(axum::Json(clients::list(&db).await?.into_iter().map(Client::from).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubnetRoutes {
    #[schema(value_type = String)]
    subnet: ipnet::IpNet,
    /// What other LAN hosts run to reach the subnet through the gateway; `null` with a `note` when
    /// the gateway's LAN address is unknown or of the other IP version.
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
    /// All subnets' route commands as one script per platform ("copy all").
    route_script: Option<RouteCommands>,
    /// Each `[Peer]` of the config: its key, endpoint and AllowedIPs (status per peer is in
    /// `status.peers`).
    peers: Vec<PeerConfig>,
    lan: Option<Lan>,
    /// The firewall rules peergate installs for this client (text), when the LAN is known.
    rules: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeerConfig {
    pub public_key: String,
    pub endpoint: String,
    #[schema(value_type = Vec<String>)]
    pub allowed_ips: Vec<IpNet>,
}

impl PeerConfig {
    fn all(conf: &wg_conf::WgConf) -> Vec<PeerConfig> {
        conf.peers
            .iter()
            .map(|p| PeerConfig {
                public_key: p.public_key.value.to_string(),
                endpoint: p.endpoint.value.to_string(),
                allowed_ips: p.allowed_ips.iter().map(|a| a.value).collect(),
            })
            .collect()
    }
}

fn routes_for(client: &ClientRow, lan: Option<&Lan>) -> Vec<SubnetRoutes> {
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

/// The client named by a path's id, or 404.
pub async fn find(db: &Db, id: ClientId) -> Result<ClientRow, ApiError> {
    clients::get(db, id).await?.ok_or_else(|| ApiError::NotFound(format!("No client with id {id}.")))
}

/// One client with its redacted config and the route commands for LAN hosts.
#[utoipa::path(get, path = "/api/clients/{id}", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = ClientDetail), (status = 404, body = Problem)))]
async fn get_client(
    State(app): State<AppContext>,
    _admin: Admin,
    ApiPath(id): ApiPath<ClientId>,
) -> Result<axum::Json<ClientDetail>, ApiError> {
    let client = find(&app.db, id).await?;
    let (conf, conf_error, peers) = match app.gateway.wg_dir.read(&client.interface) {
        Ok(text) => match wg_conf::parse(&text) {
            Ok(parsed) => (Some(wg_conf::render_redacted(&parsed)), None, PeerConfig::all(&parsed)),
            Err(err) => (None, Some(format!("{} no longer parses: {err}", client.conf_path)), Vec::new()),
        },
        Err(err) => (None, Some(format!("{} cannot be read: {err}", client.conf_path)), Vec::new()),
    };
    let route_commands = routes_for(&client, app.gateway.lan.as_ref());
    let route_script = app.gateway.lan.as_ref().and_then(|lan| route_script(&client.subnets, lan.address));
    let rules = app.dataplane.backends.firewall.describe(&client.interface);
    let lan = app.gateway.lan.clone();
    Ok(axum::Json(ClientDetail {
        client: Client::from(client),
        conf,
        conf_error,
        route_commands,
        route_script,
        peers,
        lan,
        rules,
    }))
}

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
async fn update_client(
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
            let client = Client::from(client);
            app.events.send(Event::Client(Box::new(client.clone())));
            Ok(axum::Json(client))
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
async fn export_client(
    State(app): State<AppContext>,
    _admin: Admin,
    actor: Actor,
    ApiPath(id): ApiPath<ClientId>,
    ApiJson(body): ApiJson<ExportRequest>,
) -> Result<Response, ApiError> {
    let client = find(&app.db, id).await?;
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
async fn replace_client_config(
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
    find(&app.db, id).await?;
    app.dataplane
        .activation
        .delete(&app.db, &app.gateway, id, &actor)
        .await
        .map_err(|e| super::dataplane::op_error(e, "deactivation_failed"))?;
    app.events.send(Event::ClientDeleted { id });
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
    import::import_from_wg_dir(&app.gateway, &app.db, body.files.as_deref(), &options, &actor)
        .await
        .map(axum::Json)
        .map_err(|bad| ApiError::validation("files", bad.to_string()))
}
