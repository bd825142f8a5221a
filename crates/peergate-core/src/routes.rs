//! The commands an operator runs on *other* LAN hosts (or on the LAN's router) so their traffic for
//! a remote subnet goes to the gateway: one form per common platform, shown next to each client.
//! They are text for a human to copy, never executed by peergate. Windows uses `route -p add` for
//! both families because `route.exe` accepts IPv6 prefixes and, unlike `netsh interface ipv6 add
//! route`, does not need the name of the host's network adapter, which peergate cannot know.
//! OpenWrt gets uci commands rather than `ip route`, so the route survives a reboot.

use std::fmt::Write as _;
use std::net::IpAddr;

use ipnet::IpNet;

/// Route commands for one subnet via the gateway's LAN address, per platform.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteCommands {
    pub linux: String,
    pub windows: String,
    pub macos: String,
    pub routeros: String,
    /// Several lines: uci edits, commit, reload.
    pub openwrt: String,
}

/// An IPv6 subnet cannot be routed via an IPv4 gateway address (or the reverse) on these platforms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{subnet} cannot be routed via {gateway}: the addresses are of different IP versions")]
pub struct FamilyMismatch {
    pub subnet: IpNet,
    pub gateway: IpAddr,
}

pub fn route_commands(subnet: IpNet, gateway_lan: IpAddr) -> Result<RouteCommands, FamilyMismatch> {
    // Host bits would make some of these tools refuse the command, others silently mask it.
    let subnet = subnet.trunc();
    let (net, gw) = (subnet.network(), gateway_lan);
    match (subnet, gateway_lan) {
        (IpNet::V4(v4), IpAddr::V4(_)) => Ok(RouteCommands {
            linux: format!("ip route add {subnet} via {gw}"),
            windows: format!("route -p add {net} mask {} {gw}", v4.netmask()),
            macos: format!("route -n add -net {subnet} {gw}"),
            routeros: format!("/ip route add dst-address={subnet} gateway={gw}"),
            openwrt: openwrt(
                "route",
                &[("target", net.to_string()), ("netmask", v4.netmask().to_string()), ("gateway", gw.to_string())],
            ),
        }),
        (IpNet::V6(_), IpAddr::V6(_)) => Ok(RouteCommands {
            linux: format!("ip -6 route add {subnet} via {gw}"),
            windows: format!("route -p add {subnet} {gw}"),
            macos: format!("route -n add -inet6 -net {subnet} {gw}"),
            routeros: format!("/ipv6 route add dst-address={subnet} gateway={gw}"),
            openwrt: openwrt("route6", &[("target", subnet.to_string()), ("gateway", gw.to_string())]),
        }),
        _ => Err(FamilyMismatch { subnet, gateway: gateway_lan }),
    }
}

const OPENWRT_APPLY: &str = "uci commit network\n/etc/init.d/network reload";

fn openwrt(section: &str, options: &[(&str, String)]) -> String {
    let mut out = format!("uci add network {section}\n");
    let _ = writeln!(out, "uci set network.@{section}[-1].interface='lan'");
    for (option, value) in options {
        // Values are addresses rendered by std, so they never contain a quote.
        let _ = writeln!(out, "uci set network.@{section}[-1].{option}='{value}'");
    }
    out.push_str(OPENWRT_APPLY);
    out
}

/// Every subnet's command per platform as one script (one "copy all" instead of a button per
/// subnet and platform); OpenWrt commits and reloads once, at the end. Subnets of the other IP
/// version than the gateway's address are left out (their own entries say why). `None` when
/// nothing is left.
pub fn route_script(subnets: &[IpNet], gateway_lan: IpAddr) -> Option<RouteCommands> {
    let all: Vec<RouteCommands> = subnets.iter().filter_map(|s| route_commands(*s, gateway_lan).ok()).collect();
    if all.is_empty() {
        return None;
    }
    let join = |pick: fn(&RouteCommands) -> &str| all.iter().map(pick).collect::<Vec<_>>().join("\n");
    let sections: Vec<&str> = all.iter().map(|c| c.openwrt.strip_suffix(OPENWRT_APPLY).unwrap_or(&c.openwrt)).collect();
    Some(RouteCommands {
        linux: join(|c| &c.linux),
        windows: join(|c| &c.windows),
        macos: join(|c| &c.macos),
        routeros: join(|c| &c.routeros),
        openwrt: format!("{}{OPENWRT_APPLY}", sections.concat()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(subnet: &str, gateway: &str) -> RouteCommands {
        route_commands(subnet.parse().unwrap(), gateway.parse().unwrap()).unwrap()
    }

    #[test]
    fn ipv4_commands_for_every_platform() {
        let c = commands("10.77.0.0/24", "10.201.0.1");
        assert_eq!(c.linux, "ip route add 10.77.0.0/24 via 10.201.0.1");
        assert_eq!(c.windows, "route -p add 10.77.0.0 mask 255.255.255.0 10.201.0.1");
        assert_eq!(c.macos, "route -n add -net 10.77.0.0/24 10.201.0.1");
        assert_eq!(c.routeros, "/ip route add dst-address=10.77.0.0/24 gateway=10.201.0.1");
        insta::assert_snapshot!("openwrt_v4", c.openwrt);
    }

    #[test]
    fn ipv6_commands_for_every_platform() {
        let c = commands("fd00:77::/64", "fd00::1");
        assert_eq!(c.linux, "ip -6 route add fd00:77::/64 via fd00::1");
        assert_eq!(c.windows, "route -p add fd00:77::/64 fd00::1");
        assert_eq!(c.macos, "route -n add -inet6 -net fd00:77::/64 fd00::1");
        assert_eq!(c.routeros, "/ipv6 route add dst-address=fd00:77::/64 gateway=fd00::1");
        insta::assert_snapshot!("openwrt_v6", c.openwrt);
    }

    #[test]
    fn single_hosts_and_host_bits() {
        let table = [
            ("10.77.0.9/32", "route -p add 10.77.0.9 mask 255.255.255.255 10.201.0.1"),
            ("10.77.0.9/16", "route -p add 10.77.0.0 mask 255.255.0.0 10.201.0.1"),
            ("172.16.0.0/12", "route -p add 172.16.0.0 mask 255.240.0.0 10.201.0.1"),
        ];
        for (subnet, windows) in table {
            assert_eq!(commands(subnet, "10.201.0.1").windows, windows);
        }
        assert_eq!(commands("10.77.0.9/16", "10.201.0.1").linux, "ip route add 10.77.0.0/16 via 10.201.0.1");
    }

    #[test]
    fn mixed_families_are_refused() {
        let err = route_commands("fd00::/64".parse().unwrap(), "10.201.0.1".parse().unwrap()).unwrap_err();
        assert_eq!(err.to_string(), "fd00::/64 cannot be routed via 10.201.0.1: the addresses are of different IP versions");
    }

    #[test]
    fn a_script_holds_every_subnet_once_per_platform() {
        let subnets: Vec<IpNet> = ["10.77.0.0/24", "10.78.0.0/24", "fd00:77::/64"].iter().map(|s| s.parse().unwrap()).collect();
        let script = route_script(&subnets, "10.201.0.1".parse().unwrap()).unwrap();
        assert_eq!(script.linux, "ip route add 10.77.0.0/24 via 10.201.0.1\nip route add 10.78.0.0/24 via 10.201.0.1");
        assert_eq!(script.routeros.lines().count(), 2, "the IPv6 subnet cannot go via an IPv4 gateway");
        assert_eq!(script.openwrt.matches("uci add network route").count(), 2);
        assert_eq!(script.openwrt.matches("uci commit network").count(), 1, "one commit and reload, at the end");
        assert!(script.openwrt.ends_with("/etc/init.d/network reload"));
        assert!(route_script(&subnets[2..], "10.201.0.1".parse().unwrap()).is_none());
    }

    #[test]
    fn serializes_with_one_key_per_platform() {
        let json = serde_json::to_string_pretty(&commands("10.77.0.0/24", "10.201.0.1")).unwrap();
        insta::assert_snapshot!("json_v4", json);
    }
}
