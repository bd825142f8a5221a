//! What the gateway has on its interfaces, read for the route checks of an upload and of an
//! activation: every address (`ip -j addr show`), every directly connected route of the main table
//! (`ip -j route show table main`, both families), and the UDP ports bound on the host
//! (`/proc/net/udp`, `/proc/net/udp6`). A read that fails fails the check: an upload is never
//! admitted unchecked.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use ipnet::IpNet;
use peergate_core::client_policy::{GatewayFacts, GatewayNet, GatewayNetKind};
use serde::Deserialize;

use super::run::{Argv, run};

/// The gateway's addresses, connected routes and bound UDP ports.
#[async_trait]
pub trait HostNetwork: Send + Sync {
    async fn facts(&self) -> anyhow::Result<GatewayFacts>;
}

/// The real host, through `ip` and `/proc`.
pub struct IpHostNetwork;

#[async_trait]
impl HostNetwork for IpHostNetwork {
    async fn facts(&self) -> anyhow::Result<GatewayFacts> {
        let mut nets = parse_addresses(&ip_json(&["addr", "show"]).await?)?;
        for family in ["-4", "-6"] {
            nets.extend(parse_routes(&ip_json(&[family, "route", "show", "table", "main"]).await?)?);
        }
        let mut ports = BTreeSet::new();
        for file in ["/proc/net/udp", "/proc/net/udp6"] {
            // A kernel without IPv6 has no udp6 table.
            if let Ok(text) = std::fs::read_to_string(file) {
                ports.extend(parse_udp_ports(&text));
            }
        }
        Ok(GatewayFacts { nets, udp_ports: ports.into_iter().collect() })
    }
}

/// Resolves an endpoint name with the gateway's resolver, bounded in time. The error is the
/// resolver's own words (or says it did not answer in time).
pub async fn resolve(name: &str, port: u16, timeout: Duration) -> Result<Vec<IpAddr>, String> {
    match tokio::time::timeout(timeout, tokio::net::lookup_host((name, port))).await {
        Ok(Ok(found)) => match found.map(|sa| sa.ip()).collect::<Vec<_>>() {
            addrs if addrs.is_empty() => Err("no addresses".into()),
            addrs => Ok(addrs),
        },
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
    }
}

/// `ip -j ARGS…`: its JSON output.
pub(crate) async fn ip_json(args: &[&str]) -> anyhow::Result<String> {
    let argv = Argv::new("ip").arg("-j").args(args.iter().copied());
    let out = run(&argv, Duration::from_secs(5)).await.context("reading the gateway's addresses and routes")?;
    Ok(out.stdout)
}

#[derive(Deserialize)]
struct Link {
    ifname: String,
    #[serde(default)]
    addr_info: Vec<AddrInfo>,
}

#[derive(Deserialize)]
struct AddrInfo {
    local: IpAddr,
    prefixlen: u8,
}

#[derive(Deserialize)]
struct Route {
    dst: String,
    dev: Option<String>,
    gateway: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

fn parse_addresses(text: &str) -> anyhow::Result<Vec<GatewayNet>> {
    let links: Vec<Link> = serde_json::from_str(text).context("reading `ip -j addr show`")?;
    Ok(links
        .into_iter()
        .flat_map(|link| {
            let ifname = link.ifname;
            link.addr_info.into_iter().filter_map(move |a| {
                let net = IpNet::new(a.local, a.prefixlen).ok()?;
                Some(GatewayNet { net, interface: ifname.clone(), kind: GatewayNetKind::Address })
            })
        })
        .collect())
}

/// Directly connected unicast routes: no next hop, not the default route.
fn parse_routes(text: &str) -> anyhow::Result<Vec<GatewayNet>> {
    let routes: Vec<Route> = serde_json::from_str(text).context("reading `ip -j route show`")?;
    Ok(routes
        .into_iter()
        .filter(|r| r.gateway.is_none() && r.kind.as_deref().is_none_or(|k| k == "unicast") && r.dst != "default")
        .filter_map(|r| {
            let net = match r.dst.parse::<IpNet>() {
                Ok(net) => net,
                Err(_) => IpNet::from(r.dst.parse::<IpAddr>().ok()?),
            };
            Some(GatewayNet { net, interface: r.dev?, kind: GatewayNetKind::Route })
        })
        .collect())
}

/// Local ports of `/proc/net/udp{,6}`: `sl local_address rem_address …`, the port in hex after
/// the colon of the second column.
fn parse_udp_ports(text: &str) -> impl Iterator<Item = u16> + '_ {
    text.lines().skip(1).filter_map(|line| {
        let local = line.split_whitespace().nth(1)?;
        u16::from_str_radix(local.rsplit_once(':')?.1, 16).ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_addresses_connected_routes_and_ports() {
        let addr = r#"[{"ifindex":1,"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},
            {"ifindex":2,"ifname":"wan0","addr_info":[{"family":"inet","local":"198.18.0.2","prefixlen":24},
            {"family":"inet6","local":"fe80::1","prefixlen":64,"scope":"link"}]}]"#;
        let nets: Vec<String> = parse_addresses(addr).unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(
            nets,
            [
                "the gateway's address 127.0.0.1/8 on lo",
                "the gateway's address 198.18.0.2/24 on wan0",
                "the gateway's address fe80::1/64 on wan0"
            ]
        );
        let routes = r#"[{"dst":"default","gateway":"198.18.0.1","dev":"wan0"},
            {"dst":"198.18.0.0/24","dev":"wan0","protocol":"kernel","scope":"link","prefsrc":"198.18.0.2"},
            {"dst":"10.9.0.0/16","gateway":"192.168.1.254","dev":"lan0"},
            {"type":"blackhole","dst":"10.66.0.0/16"},
            {"dst":"10.5.5.5","dev":"tun0","scope":"link"}]"#;
        let nets: Vec<String> = parse_routes(routes).unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(
            nets,
            ["the gateway's connected route 198.18.0.0/24 on wan0", "the gateway's connected route 10.5.5.5/32 on tun0"]
        );
        let udp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   \
            1: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 1 2 0\n   \
            2: 00000000:CA6C 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3 2 0\n";
        assert_eq!(parse_udp_ports(udp).collect::<Vec<_>>(), [53, 51820]);
    }
}
