//! Recording fakes of the OS boundaries for the HTTP tests: they keep the state a real system
//! would have (interfaces up, rules installed, forwarding) so tests assert outcomes, not argv.
//! The real implementations are exercised in network namespaces (dataplane.rs).

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use ipnet::IpNet;
use peergate::dataplane::Backends;
use peergate::system::firewall::{Firewall, FirewallError};
use peergate::system::host_net::HostNetwork;
use peergate::system::owned::OwnedInterfaces;
use peergate::system::ping::{PingResult, Prober};
use peergate::system::run::RunError;
use peergate::system::sysctl::Forwarding;
use peergate::system::tunnels::Tunnels;
use peergate_core::client_policy::{GatewayFacts, GatewayNet, GatewayNetKind};
use peergate_core::firewall_plan::{ObservedRules, RuledClient};
use peergate_core::status::{ObservedClient, ObservedPeer};

#[derive(Default)]
pub struct World {
    pub up: BTreeSet<String>,
    pub rules: BTreeSet<String>,
    pub base_ok: bool,
    /// `wg-quick up` of these names fails with this stderr.
    pub up_fails: BTreeMap<String, String>,
    /// The next `up` (of any name) fails with this stderr, once.
    pub next_up_fails: Option<String>,
    /// A failing `up` leaves the interface behind, half made.
    pub up_fails_half_made: bool,
    pub probe_ok: bool,
    /// Each `up` takes this long (to test serialization).
    pub up_delay: Duration,
    pub handshake: i64,
    pub rx: u64,
    /// AllowedIPs set on a running interface, by "<interface> <peer key>".
    pub allowed_ips: BTreeMap<String, Vec<IpNet>>,
    /// Live AllowedIPs changes made (each one a restart avoided).
    pub restarts_avoided: usize,
    /// `wg set` fails with this stderr.
    pub set_fails: Option<String>,
    /// Peers every interface reports besides the first (a router export's other sites).
    pub more_peers: Vec<ObservedPeer>,
    /// What the gateway has on its interfaces (route checks read it).
    pub host: GatewayFacts,
}

fn host_net(interface: &str, net: &str, kind: GatewayNetKind) -> GatewayNet {
    GatewayNet { net: net.parse().unwrap(), interface: interface.into(), kind }
}

/// A gateway like the tests' configuration: LAN 10.201.0.1/24 (and an IPv6 prefix), a WAN,
/// loopback, and a DNS server on UDP 53.
pub fn default_host() -> GatewayFacts {
    use GatewayNetKind::{Address, Route};
    GatewayFacts {
        nets: vec![
            host_net("lo", "127.0.0.1/8", Address),
            host_net("lo", "::1/128", Address),
            host_net("lan0", "10.201.0.1/24", Address),
            host_net("lan0", "10.201.0.0/24", Route),
            host_net("lan0", "2001:db8:201::1/64", Address),
            host_net("wan0", "198.18.0.2/24", Address),
            host_net("wan0", "198.18.0.0/24", Route),
        ],
        udp_ports: vec![53, 5353],
    }
}

#[derive(Clone)]
pub struct Fakes {
    pub world: Arc<Mutex<World>>,
    pub proc_sys: std::path::PathBuf,
}

impl Fakes {
    pub fn new(dir: &std::path::Path) -> Fakes {
        let proc_sys = dir.join("proc-sys");
        std::fs::create_dir_all(proc_sys.join("net/ipv4")).unwrap();
        std::fs::create_dir_all(proc_sys.join("net/ipv6/conf/all")).unwrap();
        std::fs::write(proc_sys.join("net/ipv4/ip_forward"), "0\n").unwrap();
        std::fs::write(proc_sys.join("net/ipv6/conf/all/forwarding"), "0\n").unwrap();
        let world = World { probe_ok: true, host: default_host(), ..World::default() };
        Fakes { world: Arc::new(Mutex::new(world)), proc_sys }
    }

    pub fn backends(&self, sysctl_file: &std::path::Path) -> Backends {
        Backends {
            tunnels: Arc::new(FakeTunnels(self.world.clone())),
            firewall: Arc::new(FakeFirewall(self.world.clone())),
            prober: Arc::new(FakeProber(self.world.clone())),
            forwarding: Forwarding { proc_sys: self.proc_sys.clone(), persist_file: sysctl_file.to_path_buf() },
            host: Arc::new(FakeHost(self.world.clone())),
            owned: OwnedInterfaces::new(self.proc_sys.parent().unwrap().join("interfaces")),
        }
    }

    pub fn ipv4_forwarding(&self) -> bool {
        std::fs::read_to_string(self.proc_sys.join("net/ipv4/ip_forward")).unwrap().trim() == "1"
    }

    pub fn world(&self) -> std::sync::MutexGuard<'_, World> {
        self.world.lock().unwrap()
    }
}

struct FakeTunnels(Arc<Mutex<World>>);

#[async_trait]
impl Tunnels for FakeTunnels {
    async fn up(&self, name: &str) -> Result<(), RunError> {
        let delay = self.0.lock().unwrap().up_delay;
        tokio::time::sleep(delay).await;
        let mut w = self.0.lock().unwrap();
        if let Some(stderr) = w.next_up_fails.take().or_else(|| w.up_fails.get(name).cloned()) {
            if w.up_fails_half_made {
                w.up.insert(name.to_string());
            }
            return Err(RunError::Failed {
                argv: format!("wg-quick up {name}"),
                status: "exit status: 1".into(),
                stdout: String::new(),
                stderr,
            });
        }
        w.up.insert(name.to_string());
        Ok(())
    }

    async fn down(&self, name: &str) -> Result<(), RunError> {
        self.0.lock().unwrap().up.remove(name);
        Ok(())
    }

    fn is_up(&self, name: &str) -> bool {
        self.0.lock().unwrap().up.contains(name)
    }

    async fn set_allowed_ips(&self, name: &str, peer: &str, _old: &[IpNet], new: &[IpNet]) -> Result<(), RunError> {
        let mut w = self.0.lock().unwrap();
        if let Some(stderr) = w.set_fails.clone() {
            return Err(RunError::Failed {
                argv: format!("wg set {name}"),
                status: "exit status: 1".into(),
                stdout: String::new(),
                stderr,
            });
        }
        w.allowed_ips.insert(format!("{name} {peer}"), new.to_vec());
        w.restarts_avoided += 1;
        Ok(())
    }

    async fn snapshot(&self, names: &[String], _now: i64) -> BTreeMap<String, ObservedClient> {
        let mut w = self.0.lock().unwrap();
        w.rx += 1000;
        let (handshake, rx) = (w.handshake, w.rx);
        names
            .iter()
            .filter(|n| w.up.contains(*n))
            .map(|n| {
                let peer = ObservedPeer {
                    public_key: "k".into(),
                    endpoint: Some("192.0.2.10:51820".into()),
                    latest_handshake: handshake,
                    rx_bytes: rx,
                    tx_bytes: rx / 2,
                };
                let peers = std::iter::once(peer).chain(w.more_peers.iter().cloned()).collect();
                (n.clone(), ObservedClient { interface: n.clone(), peers })
            })
            .collect()
    }
}

struct FakeFirewall(Arc<Mutex<World>>);

#[async_trait]
impl Firewall for FakeFirewall {
    async fn rebuild(&self, clients: &[RuledClient]) -> Result<(), FirewallError> {
        let mut w = self.0.lock().unwrap();
        w.base_ok = true;
        w.rules = clients.iter().map(|c| c.name.clone()).collect();
        Ok(())
    }

    async fn base_ok(&self) -> bool {
        self.0.lock().unwrap().base_ok
    }

    async fn add(&self, clients: &[RuledClient]) -> Result<(), FirewallError> {
        self.0.lock().unwrap().rules.extend(clients.iter().map(|c| c.name.clone()));
        Ok(())
    }

    async fn remove(&self, clients: &[RuledClient]) -> Result<(), FirewallError> {
        let mut w = self.0.lock().unwrap();
        for client in clients {
            w.rules.remove(&client.name);
        }
        Ok(())
    }

    async fn observe(&self) -> ObservedRules {
        let w = self.0.lock().unwrap();
        let clients = if w.base_ok { w.rules.clone() } else { BTreeSet::new() };
        ObservedRules { base_ok: w.base_ok, clients, subnets: None }
    }

    fn describe(&self, client: &RuledClient) -> Option<String> {
        Some(format!("add element inet peergate clients {{ \"{}\" }}", client.name))
    }
}

struct FakeProber(Arc<Mutex<World>>);

#[async_trait]
impl Prober for FakeProber {
    async fn probe(&self, _host: IpAddr, at: i64, _until_reply: bool) -> PingResult {
        let ok = self.0.lock().unwrap().probe_ok;
        let rtts = if ok { vec![Duration::from_millis(3); 3] } else { Vec::new() };
        PingResult::from_rtts(at, 3, &rtts, None)
    }
}

struct FakeHost(Arc<Mutex<World>>);

#[async_trait]
impl HostNetwork for FakeHost {
    async fn facts(&self) -> anyhow::Result<GatewayFacts> {
        Ok(self.0.lock().unwrap().host.clone())
    }
}
