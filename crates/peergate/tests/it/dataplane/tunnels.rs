//! Upload → activate → ping through NAT with its negative control, and activations that cannot
//! work (wrong peer key, wrong endpoint) failing clearly with nothing left behind.

use std::time::Instant;

use super::*;
use crate::netns::*;

// a) upload → activate → ping, negative control, deactivate, activate again

fn full_tunnel_through_nat(backend: Backend) {
    let Some(h) = setup(backend) else { return };
    let name = h.topo.client_name(1);
    let c = h.upload_full_with_subnet(&name);
    assert!(!lan_ping(&h.topo), "the LAN host reaches {REMOTE_HOST} before any activation");

    let body = h.activate_ok(&c);
    h.assert_active_for_real(&c);
    let sysctl = std::fs::read_to_string(&h.gw.sysctl_file).unwrap_or_default();
    assert!(sysctl.contains("net.ipv4.ip_forward"), "forwarding not persisted in {}: {sysctl:?}", h.gw.sysctl_file.display());

    let detail = h.get(&c);
    assert!(detail["rules"].as_str().is_some_and(|r| !r.is_empty()), "no rules text: {detail}");
    let routes = detail["route_commands"].to_string();
    assert!(routes.contains(REMOTE_SUBNET) && routes.contains("10.201.0.1"), "route commands: {routes}");
    let secret = client_private_key(&h.topo);
    for (what, text) in [("activate response", body.to_string()), ("client detail", detail.to_string())] {
        assert!(!text.contains(&secret), "the private key appears in the {what}");
    }

    // Negative control: without peergate's NAT the LAN host cannot reach the remote host; the
    // reconciler (every 2 s) puts the NAT back. If the reconciler wins the race against the ping,
    // try again; a ping that works while the NAT is still missing fails the test.
    let mut proven = false;
    for _ in 0..6 {
        assert!(wait_until(SECS(20), || lan_ping(&h.topo)), "LAN ping does not work (before removing the NAT)");
        remove_nat_by_hand(h.ns(), backend);
        let pinged = lan_ping(&h.topo);
        if !pinged {
            proven = true;
            break;
        }
        let rules = h.rules();
        assert!(
            rules.masquerades(&c.iface),
            "the LAN ping worked with peergate's NAT removed: the NAT is not what makes it work\n{}",
            rules.raw
        );
    }
    assert!(proven, "could not observe the LAN ping failing with the NAT removed (the reconciler always won)");
    assert!(wait_until(SECS(20), || lan_ping(&h.topo)), "the reconciler did not restore the NAT within 20 s:\n{}", h.rules().raw);
    let rules = h.rules();
    assert!(rules.masquerades(&c.iface), "{}", rules.raw);
    assert_eq!(rules.duplicates(), Vec::<String>::new(), "duplicates after repair:\n{}", rules.raw);
    assert_eq!(h.get(&c)["state"], "active");

    // Deactivate: no ping, no interface, no rules.
    h.deactivate_ok(&c);
    assert!(!lan_ping(&h.topo), "the LAN host still reaches {REMOTE_HOST} after deactivation");
    h.assert_gone_for_real(&c);
    // …and the reconciler does not bring it back.
    std::thread::sleep(SECS(5));
    assert!(!link_exists(h.ns(), &c.iface), "an inactive client came back");
    assert!(!lan_ping(&h.topo));

    // Activate again.
    h.activate_ok(&c);
    h.assert_active_for_real(&c);

    // Delete of an active client deactivates first.
    let (status, body) = h.gw.api("DELETE", &format!("/api/clients/{}", c.id), None);
    assert_eq!(status, 204, "delete: {body}");
    h.assert_gone_for_real(&c);
    assert!(!lan_ping(&h.topo), "the LAN host still reaches {REMOTE_HOST} after delete");
    let log = std::fs::read_to_string(&h.gw.log_path).unwrap_or_default();
    assert!(!log.contains(&secret), "the private key appears in peergate's log");
}

#[test]
fn dataplane_full_tunnel_nat_nftables() {
    full_tunnel_through_nat(Backend::Nftables);
}

#[test]
fn dataplane_full_tunnel_nat_iptables() {
    full_tunnel_through_nat(Backend::Iptables);
}

/// Subnets edited on a running tunnel: AllowedIPs and routes follow, the same wireguard-go keeps
/// running (no restart), and the LAN host's path stays up throughout.
/// With iptables, the members of the ipset (one per subnet) follow too.
fn subnets_change_on_the_running_tunnel(backend: Backend) {
    let Some(h) = setup(backend) else { return };
    let c = h.upload_full_with_subnet(&h.topo.client_name(1));
    h.activate_ok(&c);
    let daemons = wg_daemons(h.ns(), &c.iface);
    let path = format!("/api/clients/{}", c.id);
    let routes = || ns_ok(h.ns(), &["ip", "-4", "route", "show", "dev", &c.iface]);
    let allowed = || ns_ok(h.ns(), &["wg", "show", &c.iface, "allowed-ips"]);

    let (status, body) = h.gw.api("PATCH", &path, Some(&json!({"subnet": format!("{REMOTE_SUBNET}, 10.79.0.0/24")})));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["subnets"], json!([REMOTE_SUBNET, "10.79.0.0/24"]), "{body}");
    assert!(routes().contains("10.79.0.0/24") && routes().contains(REMOTE_SUBNET), "routes: {}", routes());
    assert!(allowed().contains("10.79.0.0/24"), "allowed-ips: {}", allowed());
    assert_eq!(wg_daemons(h.ns(), &c.iface), daemons, "the tunnel was changed in place, not restarted");
    assert!(lan_ping(&h.topo), "the LAN host lost its path during the change");
    let members = || ns_ok(h.ns(), &["ipset", "save", "peergate-clients"]);
    if backend == Backend::Iptables {
        for subnet in [REMOTE_SUBNET, "10.79.0.0/24"] {
            assert!(members().contains(&format!("{subnet},{}", c.iface)), "{subnet} is not in the set:\n{}", members());
        }
    }

    let (status, body) = h.gw.api("PATCH", &path, Some(&json!({"subnet": REMOTE_SUBNET})));
    assert_eq!(status, 200, "{body}");
    assert!(!routes().contains("10.79.0.0/24"), "the removed subnet's route stayed: {}", routes());
    assert!(!allowed().contains("10.79.0.0/24"), "allowed-ips: {}", allowed());
    assert_eq!(wg_daemons(h.ns(), &c.iface), daemons);
    assert!(lan_ping(&h.topo));
    if backend == Backend::Iptables {
        assert!(!members().contains("10.79.0.0/24"), "the removed subnet stayed in the set:\n{}", members());
    }
    assert_eq!(h.consistency(&c), Ok("active".to_string()));
}

#[test]
fn dataplane_subnets_change_on_the_running_tunnel() {
    subnets_change_on_the_running_tunnel(Backend::Nftables);
}

#[test]
fn dataplane_subnets_change_on_the_running_tunnel_iptables() {
    subnets_change_on_the_running_tunnel(Backend::Iptables);
}

// ---------------------------------------------------------------------------------------------
// b) activation that cannot work reports why and leaves nothing behind

fn activation_fails_clearly(conf: impl FnOnce(&Topology) -> std::path::PathBuf) {
    let Some(h) = setup(Backend::Nftables) else { return };
    let name = h.topo.client_name(1);
    let c = h.upload_split(&conf(&h.topo), &name);
    let started = Instant::now();
    let (status, body) = h.activate(&c);
    eprintln!("failed activation took {:?}", started.elapsed());
    assert_eq!(status, 422, "activation of a tunnel that cannot work: {body}");
    assert_eq!(body["code"], "activation_failed", "{body}");
    let detail = body["detail"].as_str().unwrap_or_default().to_lowercase();
    assert!(detail.contains("handshake") || detail.contains("probe"), "the reason does not say handshake/probe: {body}");

    let client = h.get(&c);
    assert_eq!(client["state"], "failed", "{client}");
    assert!(client["last_error"].as_str().is_some_and(|e| !e.is_empty()), "no last_error: {client}");
    h.assert_gone_for_real(&c);
    assert!(!lan_ping(&h.topo));
    // A failed client stays down: the reconciler does not retry it behind the user's back.
    std::thread::sleep(SECS(5));
    assert!(!link_exists(h.ns(), &c.iface), "the failed client's interface came back");
    assert_eq!(h.extra_links(), Vec::<String>::new(), "orphan interfaces");
}

#[test]
fn dataplane_wrong_peer_key_fails_clearly() {
    activation_fails_clearly(|t| t.conf("client-wrongkey.conf"));
}

#[test]
fn dataplane_wrong_endpoint_fails_clearly() {
    activation_fails_clearly(|t| t.conf_with_endpoint("10.203.0.2:51999"));
}
