//! Recovery: a simulated reboot, and kill -9 in the middle of activation, both converge.

use std::time::{Duration, Instant};

use super::*;
use crate::netns::*;

// c) simulated reboot: interfaces gone, rules flushed, forwarding off, peergate restarted

fn reboot_brings_clients_back(backend: Backend) {
    let Some(mut h) = setup(backend) else { return };
    let name = h.topo.client_name(1);
    let c = h.upload_split(&h.topo.conf("client-split.conf"), &name);
    h.activate_ok(&c);
    h.assert_active_for_real(&c);

    h.gw.kill9();
    ns_ok(h.ns(), &["ip", "link", "del", &c.iface]);
    kill_wg_daemon(h.ns(), &c.iface);
    flush_all_rules(h.ns(), backend);
    ns_ok(h.ns(), &["sysctl", "-q", "-w", "net.ipv4.ip_forward=0"]);
    assert!(!lan_ping(&h.topo), "the LAN ping works after the simulated reboot, before peergate restarts");

    let restarted = Instant::now();
    h.gw.restart();
    assert!(wait_until(SECS(15), || lan_ping(&h.topo)), "the active client did not come back within 15 s of the restart");
    eprintln!("client back {:?} after the restart", restarted.elapsed());
    assert_eq!(h.get(&c)["state"], "active");
    h.assert_active_for_real(&c);
    h.converged(&c, SECS(30));
}

#[test]
fn dataplane_reboot_nftables() {
    reboot_brings_clients_back(Backend::Nftables);
}

#[test]
fn dataplane_reboot_iptables() {
    reboot_brings_clients_back(Backend::Iptables);
}

/// A host that ran an earlier version has five tagged rules per client in peergate's iptables
/// chains and no ipset: the restarted server replaces them with the set layout, the path stays.
#[test]
fn dataplane_iptables_rules_of_earlier_versions_are_replaced() {
    let Some(mut h) = setup(Backend::Iptables) else { return };
    let c = h.upload_split(&h.topo.conf("client-split.conf"), &h.topo.client_name(1));
    h.activate_ok(&c);
    h.gw.kill9();
    flush_all_rules(h.ns(), Backend::Iptables);
    let (lan, iface) = (h.topo.if_gw_lan.clone(), c.iface.clone());
    let tag = format!("peergate:{iface}");
    let old: [(&str, &str, Vec<&str>); 5] = [
        ("filter", "PEERGATE-FORWARD", vec!["-i", &lan, "-o", &iface, "-j", "ACCEPT"]),
        (
            "filter",
            "PEERGATE-FORWARD",
            vec!["-i", &iface, "-o", &lan, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"],
        ),
        ("nat", "PEERGATE-POSTROUTING", vec!["-o", &iface, "-j", "MASQUERADE"]),
        (
            "mangle",
            "PEERGATE-MSS",
            vec!["-o", &iface, "-p", "tcp", "--tcp-flags", "SYN,RST", "SYN", "-j", "TCPMSS", "--clamp-mss-to-pmtu"],
        ),
        (
            "mangle",
            "PEERGATE-MSS",
            vec!["-i", &iface, "-p", "tcp", "--tcp-flags", "SYN,RST", "SYN", "-j", "TCPMSS", "--clamp-mss-to-pmtu"],
        ),
    ];
    for (table, chain, parent) in [
        ("filter", "PEERGATE-FORWARD", "FORWARD"),
        ("nat", "PEERGATE-POSTROUTING", "POSTROUTING"),
        ("mangle", "PEERGATE-MSS", "FORWARD"),
    ] {
        ns_ok(h.ns(), &["iptables", "-t", table, "-N", chain]);
        ns_ok(h.ns(), &["iptables", "-t", table, "-I", parent, "1", "-j", chain]);
    }
    for (table, chain, rule) in &old {
        let argv = [&["iptables", "-t", table, "-A", chain][..], rule, &["-m", "comment", "--comment", &tag]].concat();
        ns_ok(h.ns(), &argv);
    }
    assert!(lan_ping(&h.topo), "the old layout forwards (the test wrote it right)");

    h.gw.restart();
    let replaced = || !ns_ok(h.ns(), &["iptables-save"]).contains("--comment");
    assert!(wait_until(SECS(15), replaced), "the old rules stayed:\n{}", ns_ok(h.ns(), &["iptables-save"]));
    let rules = h.rules();
    assert_eq!(rules.set_elements, vec![iface.clone()], "the client is in the set:\n{}", rules.raw);
    assert_eq!(rules.rules.len(), 5, "five fixed rules:\n{}", rules.raw);
    assert!(lan_ping(&h.topo), "the LAN path works through the set layout");
    h.assert_active_for_real(&c);
    h.converged(&c, SECS(30));
}

// ---------------------------------------------------------------------------------------------
// d) kill -9 in the middle of activation, at varied points → reconcile converges

fn kill9_during_activation_converges(backend: Backend) {
    let Some(mut h) = setup(backend) else { return };
    let name = h.topo.client_name(1);
    let c = h.upload_split(&h.topo.conf("client-split.conf"), &name);
    for delay_ms in [0u64, 30, 80, 150, 300, 600, 1200] {
        let request = h.gw.api_background("POST", &format!("/api/clients/{}/activate", c.id));
        std::thread::sleep(Duration::from_millis(delay_ms));
        h.gw.kill9();
        let iface_at_kill = link_exists(h.ns(), &c.iface);
        let answer = request.wait_with_output().expect("curl");
        let answer = String::from_utf8_lossy(&answer.stdout);
        let code = answer.rsplit('\n').next().unwrap_or_default();
        eprintln!("kill -9 {delay_ms} ms into activation: interface present {iface_at_kill}, HTTP status {code:?}");
        h.gw.restart();
        let state = h.converged(&c, SECS(40));
        eprintln!("after kill -9 at {delay_ms} ms: converged to `{state}`");
        if state == "active" {
            h.assert_active_for_real(&c);
            h.deactivate_ok(&c);
            h.assert_gone_for_real(&c);
        } else {
            assert!(!lan_ping(&h.topo), "DB says {state} but the LAN ping works");
        }
    }
    // After all that, activation still works.
    h.activate_ok(&c);
    h.assert_active_for_real(&c);
    h.converged(&c, SECS(20));
}

#[test]
fn dataplane_kill9_during_activation_nftables() {
    kill9_during_activation_converges(Backend::Nftables);
}

#[test]
fn dataplane_kill9_during_activation_iptables() {
    kill9_during_activation_converges(Backend::Iptables);
}
