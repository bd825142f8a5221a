//! The WireGuard boundary: bring a client's interface up or down with wg-quick, tell whether it is
//! up, and read the status of many interfaces at once without a process per interface.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use ipnet::IpNet;
use peergate_core::status::{ObservedClient, parse_uapi, parse_wg_dump};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::run::{Argv, RunError, run};

#[async_trait]
pub trait Tunnels: Send + Sync {
    /// `wg-quick up <wg_dir>/<name>.conf`.
    async fn up(&self, name: &str) -> Result<(), RunError>;
    /// `wg-quick down …`, returning once the interface is gone.
    async fn down(&self, name: &str) -> Result<(), RunError>;
    fn is_up(&self, name: &str) -> bool;
    /// Status of these interfaces (those not up are absent from the answer), now = UNIX seconds.
    async fn snapshot(&self, names: &[String], now: i64) -> BTreeMap<String, ObservedClient>;
    /// Gives one peer of a running interface new AllowedIPs and moves the routes wg-quick made
    /// for the old ones to the new ones: the tunnel and its session stay up.
    async fn set_allowed_ips(&self, name: &str, peer: &str, old: &[IpNet], new: &[IpNet]) -> Result<(), RunError>;
}

pub struct WgQuick {
    pub wg_dir: PathBuf,
    /// `WG_QUICK_USERSPACE_IMPLEMENTATION`, e.g. wireguard-go where the kernel lacks the module.
    pub userspace: Option<String>,
    /// Where userspace implementations put their UAPI sockets.
    pub socket_dir: PathBuf,
}

impl WgQuick {
    pub fn new(wg_dir: &Path, userspace: Option<String>) -> WgQuick {
        WgQuick { wg_dir: wg_dir.to_path_buf(), userspace, socket_dir: PathBuf::from("/var/run/wireguard") }
    }

    fn argv(&self, verb: &str, name: &str) -> Argv {
        let mut argv = Argv::new("wg-quick").arg(verb).arg(self.wg_dir.join(format!("{name}.conf")));
        if let Some(implementation) = &self.userspace {
            argv = argv.env("WG_QUICK_USERSPACE_IMPLEMENTATION", implementation);
        }
        argv
    }

    fn socket(&self, name: &str) -> PathBuf {
        self.socket_dir.join(format!("{name}.sock"))
    }
}

#[async_trait]
impl Tunnels for WgQuick {
    async fn up(&self, name: &str) -> Result<(), RunError> {
        run(&self.argv("up", name), Duration::from_secs(30)).await.map(|_| ())
    }

    async fn down(&self, name: &str) -> Result<(), RunError> {
        if self.wg_dir.join(format!("{name}.conf")).exists() {
            run(&self.argv("down", name), Duration::from_secs(30)).await?;
        } else {
            // An interface peergate brought up whose config is gone (its client was deleted):
            // wg-quick needs the file, the kernel does not. Userspace daemons exit with their link.
            run(&Argv::new("ip").args(["link", "delete", "dev", name]), Duration::from_secs(10)).await?;
        }
        // Userspace daemons exit a moment after wg-quick returns; wait so a quick "up" again works.
        for _ in 0..50 {
            if !self.is_up(name) && !self.socket(name).exists() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    fn is_up(&self, name: &str) -> bool {
        Path::new("/sys/class/net").join(name).exists()
    }

    async fn set_allowed_ips(&self, name: &str, peer: &str, old: &[IpNet], new: &[IpNet]) -> Result<(), RunError> {
        let list = new.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
        let set = Argv::new("wg").args(["set", name, "peer", peer, "allowed-ips"]).arg(list);
        run(&set, Duration::from_secs(10)).await?;
        // As wg-quick adds them for `Table = auto` (the only table policy allows): main table, via the interface.
        for net in new.iter().filter(|n| !old.contains(n)) {
            run(&route("replace", net, name), Duration::from_secs(10)).await?;
        }
        for net in old.iter().filter(|n| !new.contains(n)) {
            match run(&route("del", net, name), Duration::from_secs(10)).await {
                // Already gone (removed by hand): what was asked for holds.
                Err(RunError::Failed { stderr, .. }) if stderr.contains("No such process") => {}
                other => other.map(|_| ())?,
            }
        }
        Ok(())
    }

    async fn snapshot(&self, names: &[String], now: i64) -> BTreeMap<String, ObservedClient> {
        let mut out = BTreeMap::new();
        let mut need_dump = false;
        // All sockets at once: the cost is each daemon waking up to answer, so waiting for them in
        // parallel (still one process, no subprocess) is what makes 100 interfaces cheap.
        let up: Vec<&String> = names.iter().filter(|n| self.is_up(n)).collect();
        let sockets: Vec<PathBuf> = up.iter().map(|name| self.socket(name)).collect();
        let answers = futures_util::future::join_all(sockets.iter().map(|socket| read_uapi(socket))).await;
        for (name, answer) in up.into_iter().zip(answers) {
            match answer {
                Some(text) => {
                    if let Some(client) = parse_uapi(name, &text, now) {
                        out.insert(name.clone(), client);
                    }
                }
                None => need_dump = true,
            }
        }
        if need_dump {
            // The kernel module has no sockets: one `wg show all dump` covers every interface.
            match run(&Argv::new("wg").args(["show", "all", "dump"]), Duration::from_secs(10)).await {
                Ok(dump) => {
                    for (name, client) in parse_wg_dump(&dump.stdout, now) {
                        if names.contains(&name) && !out.contains_key(&name) {
                            out.insert(name, client);
                        }
                    }
                }
                Err(err) => tracing::warn!(error = %err, "reading WireGuard status failed"),
            }
        }
        out
    }
}

fn route(verb: &str, net: &IpNet, name: &str) -> Argv {
    let family = if net.addr().is_ipv4() { "-4" } else { "-6" };
    Argv::new("ip").args([family, "route", verb]).arg(net.to_string()).args(["dev", name])
}

/// Asks a UAPI socket for its configuration (`get=1`); the answer ends with an empty line.
async fn read_uapi(socket: &Path) -> Option<String> {
    let work = async {
        let mut stream = tokio::net::UnixStream::connect(socket).await.ok()?;
        stream.write_all(b"get=1\n\n").await.ok()?;
        let mut answer = Vec::with_capacity(1024);
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).await.ok()?;
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
            if answer.ends_with(b"\n\n") {
                break;
            }
        }
        String::from_utf8(answer).ok()
    };
    tokio::time::timeout(Duration::from_secs(2), work).await.ok().flatten()
}
