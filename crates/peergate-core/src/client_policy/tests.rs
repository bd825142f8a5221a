//! The upload rules as an operator meets them: what is accepted, what is changed with a warning,
//! what asks for a subnet, and the exact sentence and code of each refusal.

use std::net::IpAddr;

use ipnet::IpNet;

use super::*;
use crate::wg_conf::{WgKey, parse, render_redacted};

fn key(n: u8) -> String {
    WgKey::from_bytes([n; 32]).to_base64()
}

/// A client config whose interface section gets `iface_extra` and whose single peer routes
/// `allowed` and connects to `endpoint`.
fn conf(iface_extra: &str, allowed: &str, endpoint: &str) -> WgConf {
    let text = format!(
        "[Interface]\nPrivateKey = {}\nAddress = 10.204.0.2/32\n{iface_extra}\
         [Peer]\nPublicKey = {}\nAllowedIPs = {allowed}\nEndpoint = {endpoint}\n",
        key(1),
        key(2)
    );
    parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

struct Case<'a> {
    conf: WgConf,
    name: &'a str,
    subnets: Option<&'a str>,
    probe: Option<&'a str>,
    lan: Option<IpNet>,
    resolved: Vec<IpAddr>,
    existing: Vec<ExistingClient>,
    gateway: GatewayFacts,
    allow_wide: bool,
}

fn gateway_net(interface: &str, net: &str, kind: GatewayNetKind) -> GatewayNet {
    GatewayNet { net: net.parse().unwrap(), interface: interface.into(), kind }
}

/// A gateway with a LAN (IPv4 and IPv6), a WAN and loopback, and a DNS server on UDP 53.
fn gateway() -> GatewayFacts {
    use GatewayNetKind::{Address, Route};
    GatewayFacts {
        nets: vec![
            gateway_net("lo", "127.0.0.1/8", Address),
            gateway_net("lo", "::1/128", Address),
            gateway_net("lan0", "192.168.1.1/24", Address),
            gateway_net("lan0", "2001:db8:1::1/64", Address),
            gateway_net("wan0", "198.18.0.2/24", Address),
            gateway_net("wan0", "198.18.0.0/24", Route),
            gateway_net("wan0", "fe80::1/64", Address),
            gateway_net("siteb", "10.77.0.0/16", Route),
        ],
        udp_ports: vec![53, 51820],
    }
}

impl<'a> Case<'a> {
    fn new(conf: WgConf) -> Self {
        let existing = vec![ExistingClient { name: "siteb".into(), subnets: vec![net("10.77.0.0/16")] }];
        Case {
            conf,
            name: "sitea",
            subnets: None,
            probe: None,
            lan: Some(net("192.168.1.0/24")),
            resolved: vec![],
            existing,
            gateway: gateway(),
            allow_wide: false,
        }
    }

    fn run(&self) -> Result<Outcome, PolicyError> {
        evaluate(ClientRequest {
            conf: self.conf.clone(),
            name: self.name,
            subnets: self.subnets,
            probe_host: self.probe,
            gateway_lan: self.lan,
            gateway: &self.gateway,
            limits: RouteLimits::default(),
            allow_wide: self.allow_wide,
            endpoint_addrs: &self.resolved,
            existing: &self.existing,
        })
    }

    fn accepted(&self) -> AcceptedClient {
        match self.run() {
            Ok(Outcome::Accepted(client)) => client,
            other => panic!("expected acceptance, got {other:?}"),
        }
    }

    /// Asserts a refusal with this code and exact sentence.
    fn refused(&self, code: &str, message: &str) {
        let err = self.run().expect_err("expected a refusal");
        assert_eq!((err.code(), err.to_string().as_str()), (code, message));
    }
}

#[test]
fn a_typical_client_is_accepted_with_dns_dropped() {
    let client = Case::new(conf("DNS = 1.1.1.1\n", "10.60.0.0/24", "vpn.example.com:51820")).accepted();
    assert_eq!(client.interface.as_str(), "sitea");
    assert_eq!(client.subnets, [net("10.60.0.0/24")]);
    assert_eq!(client.probe_host, "10.60.0.1".parse::<IpAddr>().unwrap());
    assert!(client.conf.interface.dns.is_empty());
    assert_eq!(client.warnings.len(), 1);
    assert_eq!((client.warnings[0].line, client.warnings[0].code), (Some(4), "dns_dropped"));
    insta::assert_snapshot!("accepted_redacted", render_redacted(&client.conf));
}

#[test]
fn save_config_is_dropped_with_a_warning() {
    let client = Case::new(conf("SaveConfig = true\nTable = auto\n", "10.60.0.0/24", "192.0.2.1:1")).accepted();
    assert_eq!(client.conf.interface.save_config, None);
    assert_eq!(client.warnings[0].code, "save_config_dropped");
    assert_eq!(client.warnings[0].line, Some(4));
}

#[test]
fn hooks_and_tables_are_refused_with_their_line() {
    let hook = "line 5: PostUp runs a shell command as root on the gateway; peergate does not accept hooks. Remove the line and upload again";
    Case::new(conf("MTU = 1420\nPostUp = iptables -F\n", "10.60.0.0/24", "192.0.2.1:1")).refused("hook_refused", hook);
    let pre = Case::new(conf("PreDown = true\n", "10.60.0.0/24", "192.0.2.1:1")).run().unwrap_err();
    assert_eq!((pre.code(), pre.line()), ("hook_refused", Some(4)));
    let table = "line 4: Table = off is not supported; peergate needs wg-quick to add the routes in the main table (`Table = auto`, the default). Remove the line and upload again";
    Case::new(conf("Table = off\n", "10.60.0.0/24", "192.0.2.1:1")).refused("table_refused", table);
    let numbered = Case::new(conf("Table = 1234\n", "10.60.0.0/24", "192.0.2.1:1")).run().unwrap_err();
    assert_eq!(numbered.code(), "table_refused");
}

#[test]
fn every_refusal_of_a_file_comes_at_once_in_line_order() {
    let extra = "Table = off\nPostUp = iptables -F\nListenPort = 80\nPreDown = true\n";
    let err = Case::new(conf(extra, "10.60.0.0/24", "192.0.2.1:1")).run().unwrap_err();
    let each: Vec<(&str, Option<usize>)> = err.each().iter().map(|e| (e.code(), e.line())).collect();
    assert_eq!(
        each,
        [("table_refused", Some(4)), ("hook_refused", Some(5)), ("listen_port_privileged", Some(6)), ("hook_refused", Some(7))]
    );
    assert_eq!((err.code(), err.line()), ("table_refused", Some(4)), "the first stands for all");
    assert!(err.to_string().starts_with("4 problems in this file: line 4: Table = off"), "{err}");
}

#[test]
fn full_tunnels_ask_for_a_subnet_however_they_are_spelled() {
    for allowed in ["0.0.0.0/0", "::/0", "0.0.0.0/1, 128.0.0.0/1", "10.1.0.0/16, 0.0.0.0/0, ::/0", "::/1, 8000::/1"] {
        match Case::new(conf("DNS = 9.9.9.9\n", allowed, "192.0.2.1:51820")).run() {
            Ok(Outcome::NeedsSubnet(needs)) => {
                assert_eq!(needs.lines, [7], "{allowed}");
                assert_eq!(needs.code(), "needs_subnet");
                assert_eq!(needs.warnings.len(), 1, "warnings survive the pending step");
                assert!(needs.message().starts_with("line 7: AllowedIPs route all traffic"));
            }
            other => panic!("{allowed}: expected NeedsSubnet, got {other:?}"),
        }
    }
    let mut empty_field = Case::new(conf("", "0.0.0.0/0", "192.0.2.1:1"));
    empty_field.subnets = Some("  ");
    assert!(matches!(empty_field.run(), Ok(Outcome::NeedsSubnet(_))));
}

#[test]
fn a_given_subnet_replaces_the_full_tunnel() {
    let mut case = Case::new(conf("", "0.0.0.0/0, ::/0", "192.0.2.1:51820"));
    case.subnets = Some("10.60.0.0/24, fd60::/64");
    case.probe = Some("10.60.0.10");
    let client = case.accepted();
    assert_eq!(client.subnets, [net("10.60.0.0/24"), net("fd60::/64")]);
    let routed: Vec<IpNet> = client.conf.peers[0].allowed_ips.iter().map(|a| a.value).collect();
    assert_eq!(routed, client.subnets);
    assert_eq!(client.probe_host, "10.60.0.10".parse::<IpAddr>().unwrap());
}

#[test]
fn a_second_full_tunnel_peer_is_refused_after_replacement() {
    let mut c = conf("", "0.0.0.0/0", "192.0.2.1:1");
    let mut second = c.peers[0].clone();
    second.public_key = crate::wg_conf::Located::new(crate::wg_conf::PublicKey::parse(&key(3)).unwrap(), Some(9));
    second.line = crate::wg_conf::SourceLine(Some(9));
    c.peers.push(second);
    let mut case = Case::new(c);
    case.subnets = Some("10.60.0.0/24");
    let err = case.run().unwrap_err();
    assert_eq!((err.code(), err.line()), ("full_tunnel", Some(9)));
}

#[test]
fn typed_subnets_are_only_networks() {
    let cases = [
        (
            "10.60.0.0/24; reboot",
            "The subnet `10.60.0.0/24; reboot` is not valid: it contains `;`, which cannot appear in a network; enter a network such as 10.77.0.0/24",
        ),
        (
            "10.60.0.0/24\nrm -rf /",
            "The subnet `10.60.0.0/24\\nrm -rf /` is not valid: it contains `\\n`, which cannot appear in a network; enter a network such as 10.77.0.0/24",
        ),
        (
            "$(reboot)",
            "The subnet `$(reboot)` is not valid: it contains `$`, which cannot appear in a network; enter a network such as 10.77.0.0/24",
        ),
        ("10.60.0.1/24", "The subnet `10.60.0.1/24` is not valid: it has host bits set; the network is `10.60.0.0/24`"),
        ("10.60.0.0/33", "The subnet `10.60.0.0/33` is not valid: prefix length 33 is longer than 32"),
        ("10.60.0.5", "The subnet `10.60.0.5` is not valid: add a prefix length, such as 10.60.0.5/32 for a single host"),
        (
            "0.0.0.0/0",
            "The subnet `0.0.0.0/0` is not valid: 0.0.0.0/0 is the default route; enter the remote site's network instead",
        ),
        ("10.60.0.0/16, 10.60.1.0/24", "10.60.1.0/24 overlaps 10.60.0.0/16, which is also in the list"),
    ];
    for (typed, message) in cases {
        let mut case = Case::new(conf("", "0.0.0.0/0", "192.0.2.1:1"));
        case.subnets = Some(typed);
        let err = case.run().unwrap_err();
        assert_eq!(err.to_string(), message, "{typed:?}");
        assert!(matches!(err.code(), "invalid_subnet" | "subnet_overlap"));
    }
    assert_eq!(
        parse_subnets("").unwrap_err().to_string(),
        "The subnet `` is not valid: it is empty; enter a network such as 10.77.0.0/24"
    );
}

#[test]
fn overlaps_name_the_conflict() {
    let lan = Case::new(conf("", "192.168.1.0/25", "192.0.2.1:1"));
    lan.refused("subnet_overlap", "line 6: 192.168.1.0/25 overlaps the gateway's LAN 192.168.1.0/24");

    let endpoint = Case::new(conf("", "203.0.113.0/24", "203.0.113.9:51820"));
    endpoint.refused("subnet_overlap", "line 6: 203.0.113.0/24 overlaps the peer's endpoint address 203.0.113.9; routing the endpoint into the tunnel would cut the tunnel off");

    let mut resolved = Case::new(conf("", "0.0.0.0/0", "vpn.example.com:51820"));
    resolved.resolved = vec!["198.51.100.20".parse().unwrap()];
    resolved.subnets = Some("198.51.100.0/24");
    resolved.refused("subnet_overlap", "198.51.100.0/24 overlaps the peer's endpoint address 198.51.100.20; routing the endpoint into the tunnel would cut the tunnel off");

    let mut client = Case::new(conf("", "0.0.0.0/0", "192.0.2.1:1"));
    client.subnets = Some("10.77.0.0/24");
    client.refused("subnet_overlap", "10.77.0.0/24 overlaps client `siteb`'s subnet 10.77.0.0/16");

    let from_file = Case::new(conf("", "10.0.0.0/8", "192.0.2.1:1"));
    from_file.refused("subnet_overlap", "line 6: 10.0.0.0/8 overlaps client `siteb`'s subnet 10.77.0.0/16");

    let address = Case::new(conf("Address = 192.168.1.77/24\n", "10.60.0.0/24", "192.0.2.1:1"));
    address.refused("address_overlap", "line 4: the interface address 192.168.1.77/24 overlaps the gateway's LAN 192.168.1.0/24; traffic for it would go into the tunnel");
}

#[test]
fn subnets_for_a_split_tunnel_must_be_routed_by_it() {
    let mut case = Case::new(conf("", "10.60.0.0/24, 10.61.0.0/24", "192.0.2.1:1"));
    case.subnets = Some("10.61.0.0/24");
    assert_eq!(case.accepted().subnets, [net("10.61.0.0/24")]);
    case.subnets = Some("10.62.0.0/24");
    case.refused("subnet_not_routed", "The subnet 10.62.0.0/24 is not routed to this peer; its AllowedIPs are 10.60.0.0/24, 10.61.0.0/24. Enter a subnet inside them");
}

#[test]
fn names_must_be_valid_and_unique() {
    let mut case = Case::new(conf("", "10.60.0.0/24", "192.0.2.1:1"));
    case.name = "../../etc/x";
    case.refused("invalid_name", "The interface name `../../etc/x` cannot be used: the name contains `/`. Interface names are 1 to 15 letters, digits or `_ = . -`, not starting with `-`; leave the field empty to derive one from the name");
    case.name = "wg0;reboot";
    assert_eq!(case.run().unwrap_err().code(), "invalid_name");
    case.name = "a-name-of-16-chr";
    assert_eq!(case.run().unwrap_err().code(), "invalid_name");
    case.name = "SiteB";
    case.refused("name_taken", "Another client already uses the interface `SiteB`; choose another interface name or leave the field empty to get a free one");
}

#[test]
fn probe_host_defaults_inside_the_first_subnet() {
    let cases =
        [("10.60.0.0/24", "10.60.0.1"), ("10.60.0.9/32", "10.60.0.9"), ("fd60::/64", "fd60::1"), ("fd60::9/128", "fd60::9")];
    for (allowed, probe) in cases {
        let client = Case::new(conf("", allowed, "192.0.2.1:1")).accepted();
        assert_eq!(client.probe_host, probe.parse::<IpAddr>().unwrap(), "{allowed}");
    }
    let mut case = Case::new(conf("", "10.60.0.0/24", "192.0.2.1:1"));
    case.probe = Some("10.99.0.1");
    case.refused("probe_host_outside_subnet", "The probe host 10.99.0.1 is not inside the client's subnets (10.60.0.0/24)");
    case.probe = Some("10.60.0.1; reboot");
    case.refused("invalid_probe_host", "The probe host `10.60.0.1; reboot` is not an IP address");
}

#[test]
fn parse_errors_keep_their_codes() {
    let err: PolicyError = parse("[Interface]\nPostUpp = x\n").unwrap_err().into();
    assert_eq!((err.code(), err.line()), ("unknown_key", Some(2)));
    let err: PolicyError = parse("").unwrap_err().into();
    assert_eq!(err.code(), "parse_error");
}

/// "All of IPv4 but the LAN and the endpoint", in dozens of prefixes and no default route.
const NEAR_FULL: &str = "0.0.0.0/1, 128.0.0.0/2, 224.0.0.0/3, 208.0.0.0/4, 200.0.0.0/5, 196.0.0.0/7, 199.0.0.0/8, \
    198.128.0.0/9, 198.64.0.0/10, 198.0.0.0/11, 198.32.0.0/12, 198.56.0.0/13, 198.52.0.0/14, 198.48.0.0/15, \
    198.50.0.0/16, 198.51.128.0/17, 198.51.0.0/18, 198.51.64.0/19, 198.51.112.0/20, 198.51.104.0/21, \
    198.51.96.0/22, 198.51.102.0/23, 198.51.101.0/24, 198.51.100.128/25, 198.51.100.64/26, 198.51.100.32/27, \
    198.51.100.16/28, 198.51.100.8/29, 198.51.100.0/30, 198.51.100.4/31, 198.51.100.6/32, 194.0.0.0/7, \
    193.0.0.0/8, 192.0.0.0/9, 192.192.0.0/10, 192.128.0.0/11, 192.176.0.0/12, 192.160.0.0/13, 192.172.0.0/14, \
    192.170.0.0/15, 192.169.0.0/16, 192.168.128.0/17, 192.168.64.0/18, 192.168.32.0/19, 192.168.16.0/20, \
    192.168.8.0/21, 192.168.4.0/22, 192.168.2.0/23, 192.168.0.0/24";

#[test]
fn near_full_tunnels_ask_for_a_subnet_and_cannot_be_typed_in() {
    let case = Case::new(conf("", NEAR_FULL, "198.51.100.7:51820"));
    match case.run() {
        Ok(Outcome::NeedsSubnet(needs)) => {
            assert_eq!(needs.reason.code(), "wide_public_route");
            assert!(
                needs.message().starts_with("line 6: AllowedIPs route public IPv4 space about the size of a /1"),
                "{}",
                needs.message()
            );
        }
        other => panic!("expected NeedsSubnet, got {other:?}"),
    }
    for wide in ["8.0.0.0/8", "128.0.0.0/1, 1.0.0.0/8", "2000::/3"] {
        let mut typed = Case::new(conf("", "0.0.0.0/0", "192.0.2.1:1"));
        typed.subnets = Some(wide);
        let err = typed.run().unwrap_err();
        assert_eq!(err.code(), "invalid_subnet", "{wide}");
        assert!(err.to_string().contains("is not valid: these networks would route public"), "{err}");
    }
    let mut narrow = Case::new(conf("", NEAR_FULL, "198.51.100.7:51820"));
    narrow.subnets = Some("10.60.0.0/24");
    assert_eq!(narrow.accepted().subnets, [net("10.60.0.0/24")]);
}

#[test]
fn an_admin_may_allow_a_wide_public_route_but_never_a_full_tunnel() {
    let mut case = Case::new(conf("", "8.0.0.0/8", "192.0.2.1:1"));
    assert!(matches!(case.run(), Ok(Outcome::NeedsSubnet(_))));
    case.allow_wide = true;
    let client = case.accepted();
    assert_eq!(client.subnets, [net("8.0.0.0/8")]);
    let warning = client.warnings.iter().find(|w| w.code == "wide_route_allowed").expect("the override is recorded");
    assert_eq!(
        warning.message,
        "An admin allowed this client's subnets to route public IPv4 space about the size of a /8 (16,777,216 addresses) into the tunnel, which would take over the gateway's own traffic; one client may route at most a /16's worth"
    );
    let mut full = Case::new(conf("", "0.0.0.0/1, 128.0.0.0/1", "192.0.2.1:1"));
    full.allow_wide = true;
    assert!(matches!(full.run(), Ok(Outcome::NeedsSubnet(NeedsSubnet { reason: Breadth::Full, .. }))));
}

#[test]
fn interface_addresses_route_too() {
    let half = Case::new(conf("Address = 200.0.0.2/1\n", "10.60.0.0/24", "192.0.2.1:1"));
    half.refused("address_route", "line 4: the interface address 200.0.0.2/1 makes the kernel route public IPv4 space about the size of a /2 (1,609,433,088 addresses) into the tunnel, which would take over the gateway's own traffic; one client may route at most a /16's worth. Write the tunnel address with /32 (IPv4) or /128 (IPv6), or the tunnel network's real prefix");
    let v6_default = Case::new(conf("Address = fd00::2/0\n", "10.60.0.0/24", "192.0.2.1:1"));
    v6_default.refused("address_route", "line 4: the interface address fd00::2/0 makes the kernel route all traffic into the tunnel (a full tunnel), which would cut the gateway off. Write the tunnel address with /32 (IPv4) or /128 (IPv6), or the tunnel network's real prefix");
    let wan = Case::new(conf("Address = 198.18.0.77/25\n", "10.60.0.0/24", "192.0.2.1:1"));
    wan.refused("address_overlap", "line 4: the interface address 198.18.0.77/25 overlaps the gateway's address 198.18.0.2/24 on wan0; traffic for it would go into the tunnel");
    let client = Case::new(conf("Address = 10.77.3.2/24\n", "10.60.0.0/24", "192.0.2.1:1"));
    assert_eq!(
        client.run().unwrap_err().to_string(),
        "line 4: the interface address 10.77.3.2/24 overlaps client `siteb`'s subnet 10.77.0.0/16; traffic for it would go into the tunnel"
    );
    let loopback = Case::new(conf("Address = 127.0.0.2/32\n", "10.60.0.0/24", "192.0.2.1:1"));
    loopback.refused("special_range", "line 4: the interface address 127.0.0.2/32 overlaps 127.0.0.0/8, the loopback range; special-purpose addresses are never routed into a tunnel");
    let tunnel = Case::new(conf("Address = 10.204.0.2/24, fd20::2/64\n", "10.60.0.0/24", "192.0.2.1:1"));
    tunnel.accepted();
}

#[test]
fn routes_stay_clear_of_everything_the_gateway_has_and_of_special_ranges() {
    let cases = [
        ("2001:db8:1::/48", "line 6: 2001:db8:1::/48 overlaps the gateway's address 2001:db8:1::1/64 on lan0"),
        ("198.18.0.128/25", "line 6: 198.18.0.128/25 overlaps the gateway's address 198.18.0.2/24 on wan0"),
        (
            "169.254.169.254/32",
            "line 6: 169.254.169.254/32 overlaps 169.254.169.254/32, the cloud metadata service address; special-purpose addresses are never routed into a tunnel",
        ),
        (
            "127.0.0.0/8",
            "line 6: 127.0.0.0/8 overlaps 127.0.0.0/8, the loopback range; special-purpose addresses are never routed into a tunnel",
        ),
        (
            "169.254.0.0/16",
            "line 6: 169.254.0.0/16 overlaps 169.254.169.254/32, the cloud metadata service address; special-purpose addresses are never routed into a tunnel",
        ),
        (
            "224.0.0.0/4",
            "line 6: 224.0.0.0/4 overlaps 224.0.0.0/4, the multicast range; special-purpose addresses are never routed into a tunnel",
        ),
        (
            "240.0.0.0/4",
            "line 6: 240.0.0.0/4 overlaps 255.255.255.255/32, the broadcast address; special-purpose addresses are never routed into a tunnel",
        ),
        (
            "::1/128",
            "line 6: ::1/128 overlaps ::1/128, the loopback address; special-purpose addresses are never routed into a tunnel",
        ),
        (
            "fe80::/10",
            "line 6: fe80::/10 overlaps fe80::/10, the link-local range; special-purpose addresses are never routed into a tunnel",
        ),
        (
            "ff00::/8",
            "line 6: ff00::/8 overlaps ff00::/8, the multicast range; special-purpose addresses are never routed into a tunnel",
        ),
        (
            "::ffff:10.0.0.0/104",
            "line 6: ::ffff:10.0.0.0/104 overlaps ::ffff:0.0.0.0/96, the IPv4-mapped range; special-purpose addresses are never routed into a tunnel",
        ),
        (
            "0.0.0.0/8",
            "line 6: 0.0.0.0/8 overlaps 0.0.0.0/8, the unspecified (\"this network\") range; special-purpose addresses are never routed into a tunnel",
        ),
    ];
    for (allowed, message) in cases {
        let err = Case::new(conf("", allowed, "192.0.2.1:1")).run().unwrap_err();
        assert_eq!(err.to_string(), message, "{allowed}");
        assert!(matches!(err.code(), "subnet_overlap" | "special_range"), "{allowed}");
        assert_eq!(err.line(), Some(6));
    }
    let mut typed = Case::new(conf("", "0.0.0.0/0", "192.0.2.1:1"));
    typed.subnets = Some("10.60.0.0/24, 169.254.169.254/32");
    assert_eq!(typed.run().unwrap_err().code(), "special_range");
}

#[test]
fn the_clients_own_interface_is_not_a_conflict() {
    let mut case = Case::new(conf("ListenPort = 51820\n", "10.60.0.0/24", "192.0.2.1:1"));
    case.gateway.nets.push(gateway_net("sitea", "10.60.0.0/24", GatewayNetKind::Route));
    case.gateway.nets.push(gateway_net("sitea", "10.204.0.2/32", GatewayNetKind::Address));
    case.accepted();
    let up = recheck(&case.conf, "sitea", &case.gateway);
    assert_eq!(up, Ok(()));
    let other = recheck(&case.conf, "sitec", &case.gateway).unwrap_err();
    assert_eq!(
        other.to_string(),
        "line 3: the interface address 10.204.0.2/32 overlaps the gateway's address 10.204.0.2/32 on sitea; traffic for it would go into the tunnel"
    );
}

#[test]
fn listen_ports_are_unprivileged_and_free() {
    let dns = Case::new(conf("ListenPort = 53\n", "10.60.0.0/24", "192.0.2.1:1"));
    dns.refused("listen_port_privileged", "line 4: ListenPort = 53 is a privileged port (below 1024) that the gateway's own services use; remove the line (WireGuard then picks a free port) or choose a port from 1024 up");
    let taken = Case::new(conf("ListenPort = 51820\n", "10.60.0.0/24", "192.0.2.1:1"));
    taken.refused("listen_port_in_use", "line 4: ListenPort = 51820 is already in use on the gateway (UDP); remove the line (WireGuard then picks a free port) or choose another port");
    for free in ["ListenPort = 51821\n", "ListenPort = 0\n", ""] {
        Case::new(conf(free, "10.60.0.0/24", "192.0.2.1:1")).accepted();
    }
}

#[test]
fn subnets_inside_another_are_listed_once_with_a_note() {
    // A router export: a host route inside the site's /24, and a second peer repeating part of it.
    let mut text = format!(
        "[Interface]\nPrivateKey = {}\nAddress = 10.204.0.2/32\n\
         [Peer]\nPublicKey = {}\nAllowedIPs = 10.60.0.0/24, 10.60.0.5/32, 10.61.0.0/24\nEndpoint = 192.0.2.1:1\n",
        key(1),
        key(2)
    );
    text.push_str(&format!(
        "[Peer]\nPublicKey = {}\nAllowedIPs = 10.61.0.128/25, 10.62.0.0/24\nEndpoint = 192.0.2.2:1\n",
        key(3)
    ));
    let client = Case::new(parse(&text).unwrap()).accepted();
    assert_eq!(client.subnets, [net("10.60.0.0/24"), net("10.61.0.0/24"), net("10.62.0.0/24")]);
    let notes: Vec<(Option<usize>, &str, &str)> = client.warnings.iter().map(|w| (w.line, w.code, w.message.as_str())).collect();
    assert_eq!(
        notes,
        [
            (
                Some(6),
                "redundant_subnet",
                "10.60.0.5/32 lies inside 10.60.0.0/24, which this client routes too; it is listed once, as 10.60.0.0/24"
            ),
            (
                Some(10),
                "redundant_subnet",
                "10.61.0.128/25 lies inside 10.61.0.0/24, which this client routes too; it is listed once, as 10.61.0.0/24"
            ),
        ]
    );
    // WireGuard keeps every entry.
    let rendered = render_redacted(&client.conf);
    assert!(rendered.contains("10.60.0.5/32") && rendered.contains("10.61.0.128/25"), "{rendered}");
}
