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
}

impl<'a> Case<'a> {
    fn new(conf: WgConf) -> Self {
        let existing = vec![ExistingClient { name: "siteb".into(), subnets: vec![net("10.77.0.0/16")] }];
        Case { conf, name: "sitea", subnets: None, probe: None, lan: Some(net("192.168.1.0/24")), resolved: vec![], existing }
    }

    fn run(&self) -> Result<Outcome, PolicyError> {
        evaluate(ClientRequest {
            conf: self.conf.clone(),
            name: self.name,
            subnets: self.subnets,
            probe_host: self.probe,
            gateway_lan: self.lan,
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
    address.refused("address_overlap", "line 4: the interface address 192.168.1.77/24 overlaps the gateway's LAN 192.168.1.0/24; traffic for the LAN would go into the tunnel");
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
    case.refused("invalid_name", "The client name `../../etc/x` cannot be used as an interface name: the name contains `/`; use only letters, digits and `_ = + . -`");
    case.name = "wg0;reboot";
    assert_eq!(case.run().unwrap_err().code(), "invalid_name");
    case.name = "a-name-of-16-chr";
    assert_eq!(case.run().unwrap_err().code(), "invalid_name");
    case.name = "SiteB";
    case.refused("name_taken", "A client named `SiteB` already exists; choose another name");
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
