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

mod hostile;
mod live;
mod recovery;
mod tunnels;

use crate::netns::{
    Backend, GatewayProcess, REMOTE_HOST, REMOTE_SUBNET, Rules, Topology, ip_forward, lan_ping, link_exists, links, privileged,
    uapi_socket_exists, unique_prefix, wait_until, wg_daemons,
};

pub(super) const SECS: fn(u64) -> Duration = Duration::from_secs;

/// Drop order matters: peergate stops (and prints its log on failure) before the namespaces go.
pub(super) struct Harness {
    pub(super) gw: GatewayProcess,
    pub(super) topo: Topology,
}

pub(super) fn setup(backend: Backend) -> Option<Harness> {
    if !privileged() {
        return None;
    }
    let topo = Topology::up(&unique_prefix());
    let gw = GatewayProcess::start(&topo, backend, &topo.gw_data_dir());
    Some(Harness { gw, topo })
}

/// A client as the API returns it: its id (as used in paths) and interface.
pub(super) struct ClientRef {
    pub(super) id: String,
    pub(super) iface: String,
}

pub(super) fn client_ref(client: &Value) -> ClientRef {
    let id = match &client["id"] {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        other => panic!("client without an id: {other} in {client}"),
    };
    let iface = client["interface"].as_str().unwrap_or_else(|| panic!("client without an interface: {client}")).to_string();
    ClientRef { id, iface }
}

impl Harness {
    pub(super) fn ns(&self) -> &str {
        &self.gw.ns
    }

    pub(super) fn backend(&self) -> Backend {
        self.gw.backend
    }

    pub(super) fn rules(&self) -> Rules {
        Rules::read(self.ns(), self.backend())
    }

    /// Uploads a conf that routes a subnet (no prompt): 201.
    pub(super) fn upload_split(&self, conf: &std::path::Path, name: &str) -> ClientRef {
        let (status, body) = self.gw.upload(conf, &[("name", name), ("probe_host", REMOTE_HOST)]);
        assert_eq!(status, 201, "upload of {}: {body}", conf.display());
        let c = client_ref(&body);
        assert_eq!(c.iface, name, "{body}");
        assert_eq!(body["state"], "inactive", "{body}");
        c
    }

    /// Uploads the full-tunnel conf: 422 needs_subnet, then the subnet: 201.
    pub(super) fn upload_full_with_subnet(&self, name: &str) -> ClientRef {
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

    pub(super) fn get(&self, c: &ClientRef) -> Value {
        let (status, body) = self.gw.api("GET", &format!("/api/clients/{}", c.id), None);
        assert_eq!(status, 200, "GET client {}: {body}", c.id);
        body
    }

    pub(super) fn activate(&self, c: &ClientRef) -> (u16, Value) {
        self.gw.api("POST", &format!("/api/clients/{}/activate", c.id), None)
    }

    pub(super) fn activate_ok(&self, c: &ClientRef) -> Value {
        let started = Instant::now();
        let (status, body) = self.activate(c);
        assert_eq!(status, 200, "activate {}: {body}", c.iface);
        eprintln!("activation of {} took {:?}", c.iface, started.elapsed());
        assert_eq!(body["state"], "active", "{body}");
        assert_eq!(body["last_ping"]["ok"], true, "activation answered without a successful probe: {body}");
        body
    }

    pub(super) fn deactivate_ok(&self, c: &ClientRef) -> Value {
        let (status, body) = self.gw.api("POST", &format!("/api/clients/{}/deactivate", c.id), None);
        assert_eq!(status, 200, "deactivate {}: {body}", c.iface);
        assert_eq!(body["state"], "inactive", "{body}");
        body
    }

    /// The client is up for real: interface, wireguard-go, forwarding, NAT, and the LAN host's ping.
    pub(super) fn assert_active_for_real(&self, c: &ClientRef) {
        assert!(link_exists(self.ns(), &c.iface), "interface {} missing", c.iface);
        assert_eq!(wg_daemons(self.ns(), &c.iface).len(), 1, "wireguard-go for {}", c.iface);
        assert_eq!(ip_forward(self.ns()), "1", "ip_forward in the gateway namespace");
        let rules = self.rules();
        assert!(rules.masquerades(&c.iface), "no masquerade for {}:\n{}", c.iface, rules.raw);
        assert_eq!(rules.duplicates(), Vec::<String>::new(), "duplicate rules:\n{}", rules.raw);
        assert!(wait_until(SECS(10), || lan_ping(&self.topo)), "LAN host cannot ping {REMOTE_HOST} through {}", c.iface);
    }

    /// Nothing of the client is left: interface, daemon, UAPI socket, rules.
    pub(super) fn assert_gone_for_real(&self, c: &ClientRef) {
        assert!(!link_exists(self.ns(), &c.iface), "interface {} still exists", c.iface);
        assert!(
            wait_until(SECS(10), || wg_daemons(self.ns(), &c.iface).is_empty() && !uapi_socket_exists(&c.iface)),
            "wireguard-go for {} still running (pids {:?}) or its socket left",
            c.iface,
            wg_daemons(self.ns(), &c.iface)
        );
        let rules = self.rules();
        assert!(rules.no_client_rules(&c.iface), "peergate rules left for {}:\n{}", c.iface, rules.raw);
    }

    /// Interfaces in the gateway namespace other than the topology's own.
    pub(super) fn extra_links(&self) -> Vec<String> {
        links(self.ns()).into_iter().filter(|l| l != "lo" && *l != self.topo.if_gw_lan && *l != self.topo.if_gw_wan).collect()
    }

    /// Whether the database (through the API) and reality agree about one client, and nothing is
    /// duplicated or orphaned. `Ok(state)` when consistent.
    pub(super) fn consistency(&self, c: &ClientRef) -> Result<String, String> {
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
    pub(super) fn converged(&self, c: &ClientRef, timeout: Duration) -> String {
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

pub(super) fn client_private_key(topo: &Topology) -> String {
    std::fs::read_to_string(topo.dir.path().join("topo/client.key")).unwrap().trim().to_string()
}
