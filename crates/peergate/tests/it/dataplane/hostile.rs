//! Hostile uploads against the real binary in the gateway namespace, where the gateway's addresses
//! and routes are read for real (`ip -j`): a name iptables would read as a pattern matching the
//! WAN, an interface address that routes half the internet, a subnet inside the WAN's connected
//! route. Then a real client's rules, as each backend lists them, match exactly the LAN interface
//! and the client's own interface.

use std::collections::BTreeSet;

use super::*;
use crate::netns::*;

fn variant(h: &Harness, file: &str, from: &str, to: &str) -> std::path::PathBuf {
    let split = std::fs::read_to_string(h.topo.conf("client-split.conf")).unwrap();
    let changed = split.replace(from, to);
    assert_ne!(split, changed, "{from} not in the split conf");
    let path = h.topo.conf(file);
    std::fs::write(&path, changed).unwrap();
    path
}

fn hostile_uploads_are_refused_and_rules_match_exactly(backend: Backend) {
    let Some(h) = setup(backend) else { return };
    let wan = &h.topo.if_gw_wan;
    // `-o <wan minus its last letter>+` would match the WAN interface.
    let pattern = format!("{}+", &wan[..wan.len() - 1]);
    let (status, body) = h.gw.upload(&h.topo.conf("client-split.conf"), &[("interface", pattern.as_str())]);
    assert_eq!((status, body["code"].as_str()), (422, Some("invalid_name")), "{body}");
    // As a display name it is just text: the interface derived from it is literal.
    let (status, body) = h.gw.upload(&h.topo.conf("client-split.conf"), &[("name", pattern.as_str())]);
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["interface"].as_str(), Some(pattern.trim_end_matches('+')), "{body}");
    let (status, _) = h.gw.api("DELETE", &format!("/api/clients/{}", body["id"]), None);
    assert_eq!(status, 204);

    let wide_address = variant(&h, "client-wide-address.conf", "Address = 10.204.0.2/32", "Address = 10.204.0.2/32, 200.0.0.2/1");
    let (status, body) = h.gw.upload(&wide_address, &[("name", &h.topo.client_name(1))]);
    assert_eq!((status, body["code"].as_str()), (422, Some("address_route")), "{body}");

    let into_wan = variant(&h, "client-into-wan.conf", "AllowedIPs = 10.77.0.0/24", "AllowedIPs = 10.203.0.128/25");
    let (status, body) = h.gw.upload(&into_wan, &[("name", &h.topo.client_name(1))]);
    assert_eq!((status, body["code"].as_str()), (422, Some("subnet_overlap")), "{body}");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(&format!("10.203.0.1/24 on {wan}")), "the WAN address is named, read from the system: {body}");

    let files: Vec<_> = std::fs::read_dir(&h.gw.wg_dir).unwrap().collect();
    assert!(files.is_empty(), "a refused upload left files: {files:?}");

    let c = h.upload_split(&h.topo.conf("client-split.conf"), &h.topo.client_name(1));
    h.activate_ok(&c);
    let rules = h.rules();
    let expected: BTreeSet<String> = [h.topo.if_gw_lan.clone(), c.iface.clone()].into();
    assert_eq!(rules.matched_interfaces(), expected, "every interface match is exact:\n{}", rules.raw);
}

#[test]
fn dataplane_hostile_uploads_and_exact_rules_nftables() {
    hostile_uploads_are_refused_and_rules_match_exactly(Backend::Nftables);
}

#[test]
fn dataplane_hostile_uploads_and_exact_rules_iptables() {
    hostile_uploads_are_refused_and_rules_match_exactly(Backend::Iptables);
}
