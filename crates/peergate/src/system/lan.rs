//! The gateway's LAN: the interface and address other LAN hosts route through (shown in route
//! commands) and the LAN network (which no client subnet may overlap). Configured with
//! `PEERGATE_LAN_INTERFACE` / `PEERGATE_LAN_ADDRESS`, else detected from the default route with
//! `ip -j` (JSON output, no text scraping).

use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::config::Config;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Lan {
    pub interface: Option<String>,
    #[schema(value_type = String)]
    pub address: IpAddr,
    /// The LAN network, when the address's prefix is known.
    #[schema(value_type = Option<String>)]
    pub network: Option<IpNet>,
}

#[derive(Deserialize)]
struct Route {
    dev: Option<String>,
}

#[derive(Deserialize)]
struct Link {
    #[serde(default)]
    addr_info: Vec<AddrInfo>,
}

#[derive(Deserialize)]
struct AddrInfo {
    family: String,
    local: IpAddr,
    prefixlen: u8,
    #[serde(default)]
    scope: String,
}

/// The configured LAN, completed from the system where parts are missing. `None` when nothing is
/// configured and there is no default route (route commands then say what to configure).
pub async fn detect(config: &Config) -> Option<Lan> {
    // Checked at start-up by `Config::check`.
    let configured = config.lan_address().ok().flatten();
    if let Some((address, Some(network))) = configured {
        return Some(Lan { interface: config.lan_interface.clone(), address, network: Some(network) });
    }
    let interface = match &config.lan_interface {
        Some(name) => Some(name.clone()),
        None => default_route_interface().await,
    };
    let addresses = match &interface {
        Some(name) => interface_addresses(name).await,
        None => Vec::new(),
    };
    let lan = choose(configured.map(|(addr, _)| addr), interface, &addresses);
    match &lan {
        Some(lan) => tracing::info!(interface = ?lan.interface, address = %lan.address, network = ?lan.network, "gateway LAN"),
        None => tracing::warn!("gateway LAN unknown: set PEERGATE_LAN_INTERFACE / PEERGATE_LAN_ADDRESS"),
    }
    lan
}

/// Picks the LAN address: the configured one (its prefix found among the interface's addresses),
/// else the interface's first global IPv4 address, else its first global address.
fn choose(configured: Option<IpAddr>, interface: Option<String>, addresses: &[IpNet]) -> Option<Lan> {
    let net = match configured {
        Some(addr) => addresses.iter().find(|n| n.addr() == addr).copied(),
        None => addresses.iter().find(|n| n.addr().is_ipv4()).or(addresses.first()).copied(),
    };
    let address = configured.or(net.map(|n| n.addr()))?;
    Some(Lan { interface, address, network: net.map(|n| n.trunc()) })
}

async fn ip_json(args: &[&str]) -> Option<String> {
    super::host_net::ip_json(args)
        .await
        .map_err(|err| tracing::warn!(error = format!("{err:#}"), "cannot read the network configuration"))
        .ok()
}

async fn default_route_interface() -> Option<String> {
    let text = ip_json(&["route", "show", "default"]).await?;
    let routes: Vec<Route> = serde_json::from_str(&text).ok()?;
    routes.into_iter().find_map(|r| r.dev)
}

async fn interface_addresses(name: &str) -> Vec<IpNet> {
    let Some(text) = ip_json(&["addr", "show", "dev", name]).await else { return Vec::new() };
    parse_addresses(&text)
}

fn parse_addresses(text: &str) -> Vec<IpNet> {
    let links: Vec<Link> = serde_json::from_str(text).unwrap_or_default();
    links
        .into_iter()
        .flat_map(|l| l.addr_info)
        .filter(|a| matches!(a.family.as_str(), "inet" | "inet6") && a.scope != "link" && a.scope != "host")
        .filter_map(|a| IpNet::new(a.local, a.prefixlen).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADDR: &str = r#"[{"ifindex":2,"ifname":"eth0","addr_info":[
        {"family":"inet6","local":"fe80::1","prefixlen":64,"scope":"link"},
        {"family":"inet","local":"192.168.1.10","prefixlen":24,"scope":"global"},
        {"family":"inet6","local":"2001:db8::10","prefixlen":64,"scope":"global"}]}]"#;

    #[test]
    fn picks_the_global_ipv4_address_and_its_network() {
        let addrs = parse_addresses(ADDR);
        assert_eq!(addrs.len(), 2, "link-local skipped");
        let lan = choose(None, Some("eth0".into()), &addrs).unwrap();
        assert_eq!(lan.address.to_string(), "192.168.1.10");
        assert_eq!(lan.network.unwrap().to_string(), "192.168.1.0/24");
    }

    #[test]
    fn a_configured_address_wins_and_keeps_its_prefix_when_known() {
        let addrs = parse_addresses(ADDR);
        let lan = choose(Some("2001:db8::10".parse().unwrap()), Some("eth0".into()), &addrs).unwrap();
        assert_eq!(lan.network.unwrap().to_string(), "2001:db8::/64");
        let lan = choose(Some("10.9.9.9".parse().unwrap()), None, &[]).unwrap();
        assert_eq!(lan.network, None);
        assert_eq!(choose(None, None, &[]), None);
    }
}
