//! One client over HTTP: its detail — the redacted config, each peer's AllowedIPs, the route
//! commands LAN hosts need (per subnet and as one script per platform), the firewall rules.

use ipnet::IpNet;
use peergate_core::routes::{RouteCommands, route_commands, route_script};
use peergate_core::wg_conf;
use serde::Serialize;
use utoipa::ToSchema;

use super::clients::find;
use super::error::{ApiError, ApiPath, Problem};
use super::principal::Admin;
use crate::app::AppContext;
use crate::clients::Client;
use crate::db::clients::{ClientId, ClientRow};
use crate::system::lan::Lan;
use axum::extract::State;

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

/// One client with its redacted config and the route commands for LAN hosts.
#[utoipa::path(get, path = "/api/clients/{id}", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = ClientDetail), (status = 404, body = Problem)))]
pub(super) async fn get_client(
    State(app): State<AppContext>,
    _admin: Admin,
    ApiPath(id): ApiPath<ClientId>,
) -> Result<axum::Json<ClientDetail>, ApiError> {
    let client = find(&app.roster, id)?;
    let (conf, conf_error, peers) = match app.gateway.wg_dir.read(&client.interface) {
        Ok(text) => match wg_conf::parse(&text) {
            Ok(parsed) => (Some(wg_conf::render_redacted(&parsed)), None, PeerConfig::all(&parsed)),
            Err(err) => (None, Some(format!("{} no longer parses: {err}", client.conf_path)), Vec::new()),
        },
        Err(err) => (None, Some(format!("{} cannot be read: {err}", client.conf_path)), Vec::new()),
    };
    let route_commands = routes_for(&client, app.gateway.lan.as_ref());
    let route_script = app.gateway.lan.as_ref().and_then(|lan| route_script(&client.subnets, lan.address));
    let rules = app.dataplane.backends.firewall.describe(&client.ruled());
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
