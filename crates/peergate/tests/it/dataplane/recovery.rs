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
