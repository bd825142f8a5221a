//! The gateway data plane end to end, on real WireGuard (wireguard-go) in network namespaces, with
//! the real `peergate` binary serving inside the gateway namespace:
//! upload → activate → a LAN host reaches the remote host through the tunnel, for both firewall
//! backends, with the negative control (NAT removed by hand → no ping → the reconciler restores it);
//! deactivate/activate; a wrong peer key or endpoint; a simulated reboot; kill -9 in the middle of
//! activation; live status and the SSE stream.
//!
//! Needs root and wireguard-go, wireguard-tools, nftables, iptables, iproute2, ping, curl. Runs only
//! with `PEERGATE_PRIVILEGED_TESTS=1` (`make test` sets it); with it set, anything missing fails the
//! tests. Each test builds its own topology with unique names, so tests can run in parallel:
//! `PEERGATE_PRIVILEGED_TESTS=1 cargo test -p peergate --test it dataplane -- --test-threads=4`

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::netns::{
    Backend, GatewayProcess, REMOTE_HOST, REMOTE_SUBNET, Rules, Topology, flush_all_rules, ip_forward, kill_wg_daemon, lan_ping,
    link_exists, links, ns_ok, privileged, remove_nat_by_hand, uapi_socket_exists, unique_prefix, wait_until, wg_daemons,
};

const SECS: fn(u64) -> Duration = Duration::from_secs;

/// Drop order matters: peergate stops (and prints its log on failure) before the namespaces go.
struct Harness {
    gw: GatewayProcess,
    topo: Topology,
}

fn setup(backend: Backend) -> Option<Harness> {
    if !privileged() {
        return None;
    }
    let topo = Topology::up(&unique_prefix());
    let gw = GatewayProcess::start(&topo, backend, &topo.gw_data_dir());
    Some(Harness { gw, topo })
}

/// A client as the API returns it: its id (as used in paths) and interface.
struct ClientRef {
    id: String,
    iface: String,
}

fn client_ref(client: &Value) -> ClientRef {
    let id = match &client["id"] {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        other => panic!("client without an id: {other} in {client}"),
    };
    let iface = client["interface"].as_str().unwrap_or_else(|| panic!("client without an interface: {client}")).to_string();
    ClientRef { id, iface }
}

impl Harness {
    fn ns(&self) -> &str {
        &self.gw.ns
    }

    fn backend(&self) -> Backend {
        self.gw.backend
    }

    fn rules(&self) -> Rules {
        Rules::read(self.ns(), self.backend())
    }

    /// Uploads a conf that routes a subnet (no prompt): 201.
    fn upload_split(&self, conf: &std::path::Path, name: &str) -> ClientRef {
        let (status, body) = self.gw.upload(conf, &[("name", name), ("probe_host", REMOTE_HOST)]);
        assert_eq!(status, 201, "upload of {}: {body}", conf.display());
        let c = client_ref(&body);
        assert_eq!(c.iface, name, "{body}");
        assert_eq!(body["state"], "inactive", "{body}");
        c
    }

    /// Uploads the full-tunnel conf: 422 needs_subnet, then the subnet: 201.
    fn upload_full_with_subnet(&self, name: &str) -> ClientRef {
        let (status, body) = self.gw.upload(&self.topo.conf("client-full.conf"), &[("name", name), ("probe_host", REMOTE_HOST)]);
        assert_eq!(status, 422, "full-tunnel upload: {body}");
        assert_eq!(body["code"], "needs_subnet", "{body}");
        let pending = body["pending_id"].as_str().unwrap_or_else(|| panic!("no pending_id: {body}")).to_string();
        let (status, body) =
            self.gw.api("POST", &format!("/api/clients/pending/{pending}/subnet"), Some(&json!({"subnet": REMOTE_SUBNET})));
        assert_eq!(status, 201, "pending subnet: {body}");
        assert_eq!(body["subnets"], json!([REMOTE_SUBNET]), "{body}");
        client_ref(&body)
    }

    fn get(&self, c: &ClientRef) -> Value {
        let (status, body) = self.gw.api("GET", &format!("/api/clients/{}", c.id), None);
        assert_eq!(status, 200, "GET client {}: {body}", c.id);
        body
    }

    fn activate(&self, c: &ClientRef) -> (u16, Value) {
        self.gw.api("POST", &format!("/api/clients/{}/activate", c.id), None)
    }

    fn activate_ok(&self, c: &ClientRef) -> Value {
        let started = Instant::now();
        let (status, body) = self.activate(c);
        assert_eq!(status, 200, "activate {}: {body}", c.iface);
        eprintln!("activation of {} took {:?}", c.iface, started.elapsed());
        assert_eq!(body["state"], "active", "{body}");
        assert_eq!(body["last_ping"]["ok"], true, "activation answered without a successful probe: {body}");
        body
    }

    fn deactivate_ok(&self, c: &ClientRef) -> Value {
        let (status, body) = self.gw.api("POST", &format!("/api/clients/{}/deactivate", c.id), None);
        assert_eq!(status, 200, "deactivate {}: {body}", c.iface);
        assert_eq!(body["state"], "inactive", "{body}");
        body
    }

    /// The client is up for real: interface, wireguard-go, forwarding, NAT, and the LAN host's ping.
    fn assert_active_for_real(&self, c: &ClientRef) {
        assert!(link_exists(self.ns(), &c.iface), "interface {} missing", c.iface);
        assert_eq!(wg_daemons(self.ns(), &c.iface).len(), 1, "wireguard-go for {}", c.iface);
        assert_eq!(ip_forward(self.ns()), "1", "ip_forward in the gateway namespace");
        let rules = self.rules();
        assert!(rules.masquerades(&c.iface), "no masquerade for {}:\n{}", c.iface, rules.raw);
        assert_eq!(rules.duplicates(), Vec::<String>::new(), "duplicate rules:\n{}", rules.raw);
        assert!(wait_until(SECS(10), || lan_ping(&self.topo)), "LAN host cannot ping {REMOTE_HOST} through {}", c.iface);
    }

    /// Nothing of the client is left: interface, daemon, UAPI socket, rules.
    fn assert_gone_for_real(&self, c: &ClientRef) {
        assert!(!link_exists(self.ns(), &c.iface), "interface {} still exists", c.iface);
        assert!(
            wait_until(SECS(10), || wg_daemons(self.ns(), &c.iface).is_empty() && !uapi_socket_exists(&c.iface)),
            "wireguard-go for {} still running (pids {:?}) or its socket left",
            c.iface,
            wg_daemons(self.ns(), &c.iface)
        );
        let rules = self.rules();
        assert!(rules.no_client_rules(self.backend(), &c.iface), "peergate rules left for {}:\n{}", c.iface, rules.raw);
    }

    /// Interfaces in the gateway namespace other than the topology's own.
    fn extra_links(&self) -> Vec<String> {
        links(self.ns()).into_iter().filter(|l| l != "lo" && *l != self.topo.if_gw_lan && *l != self.topo.if_gw_wan).collect()
    }

    /// Whether the database (through the API) and reality agree about one client, and nothing is
    /// duplicated or orphaned. `Ok(state)` when consistent.
    fn consistency(&self, c: &ClientRef) -> Result<String, String> {
        let (status, body) = self.gw.api("GET", &format!("/api/clients/{}", c.id), None);
        if status != 200 {
            return Err(format!("GET client: {status} {body}"));
        }
        let state = body["state"].as_str().unwrap_or_default().to_string();
        let rules = self.rules();
        let dups = rules.duplicates();
        if !dups.is_empty() {
            return Err(format!("duplicate rules {dups:?}:\n{}", rules.raw));
        }
        let link = link_exists(self.ns(), &c.iface);
        let daemons = wg_daemons(self.ns(), &c.iface);
        let extra = self.extra_links();
        match state.as_str() {
            "active" => {
                if !link || daemons.len() != 1 || !rules.masquerades(&c.iface) || ip_forward(self.ns()) != "1" {
                    return Err(format!(
                        "DB says active; link {link}, daemons {daemons:?}, masquerade {}, ip_forward {}:\n{}",
                        rules.masquerades(&c.iface),
                        ip_forward(self.ns()),
                        rules.raw
                    ));
                }
                if extra != [c.iface.clone()] {
                    return Err(format!("orphan interfaces: {extra:?}"));
                }
            }
            "inactive" | "failed" => {
                if link || !daemons.is_empty() || rules.mentions(&c.iface) || uapi_socket_exists(&c.iface) {
                    return Err(format!(
                        "DB says {state}; link {link}, daemons {daemons:?}, socket {}, rules:\n{}",
                        uapi_socket_exists(&c.iface),
                        rules.raw
                    ));
                }
                if !extra.is_empty() {
                    return Err(format!("orphan interfaces: {extra:?}"));
                }
            }
            other => return Err(format!("state `{other}` (in transition)")),
        }
        Ok(state)
    }

    /// Waits until `consistency` holds with the same state for over a reconcile interval.
    fn converged(&self, c: &ClientRef, timeout: Duration) -> String {
        let mut stable_since: Option<(Instant, String)> = None;
        let mut last = String::new();
        let ok = wait_until(timeout, || match self.consistency(c) {
            Ok(state) => {
                let same = stable_since.as_ref().is_some_and(|(_, s)| *s == state);
                if !same {
                    stable_since = Some((Instant::now(), state.clone()));
                }
                last = state;
                stable_since.as_ref().is_some_and(|(t, _)| t.elapsed() >= SECS(3))
            }
            Err(why) => {
                stable_since = None;
                last = why;
                false
            }
        });
        assert!(ok, "no convergence within {timeout:?}; last observation: {last}");
        last
    }
}

fn client_private_key(topo: &Topology) -> String {
    std::fs::read_to_string(topo.dir.path().join("topo/client.key")).unwrap().trim().to_string()
}

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
// e) live status, pings, SSE

#[test]
fn dataplane_status_pings_and_events() {
    let Some(h) = setup(Backend::Nftables) else { return };
    let name = h.topo.client_name(1);
    let c = h.upload_split(&h.topo.conf("client-split.conf"), &name);
    h.activate_ok(&c);

    let positive = |v: &Value| v.as_f64().is_some_and(|n| n > 0.0) || v.as_str().is_some_and(|s| !s.is_empty());
    let mut first = Value::Null;
    assert!(
        wait_until(SECS(15), || {
            first = h.get(&c);
            first["status"]["connected"] == true && positive(&first["status"]["latest_handshake"])
        }),
        "no connected status with a handshake: {first}"
    );
    let status = &first["status"];
    assert!(status["endpoint"].to_string().contains("10.203.0.2"), "endpoint: {status}");
    let rx0 = status["rx_bytes"].as_u64().unwrap_or_else(|| panic!("rx_bytes: {status}"));
    let tx0 = status["tx_bytes"].as_u64().unwrap_or_else(|| panic!("tx_bytes: {status}"));

    // Traffic: the LAN host's ping and a connectivity test on demand (keepalives every 5 s add more).
    assert!(lan_ping(&h.topo));
    let (code, ping) = h.gw.api("POST", &format!("/api/clients/{}/ping", c.id), None);
    assert_eq!(code, 200, "ping: {ping}");
    assert_eq!(ping["ok"], true, "{ping}");
    let mut later = Value::Null;
    assert!(
        wait_until(SECS(15), || {
            later = h.get(&c);
            later["status"]["rx_bytes"].as_u64().is_some_and(|rx| rx > rx0)
                && later["status"]["tx_bytes"].as_u64().is_some_and(|tx| tx > tx0)
        }),
        "rx/tx did not grow from {rx0}/{tx0}: {later}"
    );

    let (code, pings) = h.gw.api("GET", &format!("/api/clients/{}/pings", c.id), None);
    assert_eq!(code, 200, "pings: {pings}");
    let list = match &pings {
        Value::Array(items) => items.clone(),
        Value::Object(map) => map.values().find_map(|v| v.as_array().cloned()).unwrap_or_default(),
        _ => Vec::new(),
    };
    assert!(list.len() >= 2, "ping history should hold the activation probe and the on-demand ping: {pings}");

    let events = h.gw.sse(8);
    assert!(events.contains("event: status"), "no `event: status` within 8 s of SSE:\n{events}");
}
