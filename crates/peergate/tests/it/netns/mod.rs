//! Privileged test harness: a real WireGuard topology in network namespaces
//! (`scripts/netns-topology.sh`) and the real `peergate`
//! binary serving inside the gateway namespace. Everything is synchronous (`std::process`): the
//! tests drive the gateway only through `ip netns exec` + `curl`, like an operator would.
//!
//! Safety rules kept here: names are unique per run (pid + counter), teardown is by our own
//! namespace names and by pids whose `/proc/PID/exe` and network namespace are checked first, and
//! nothing in the host namespace is ever changed.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

mod gateway;
mod rules;

pub use gateway::*;
pub use rules::*;

pub const SKIP_LINE: &str = "dataplane tests not run: set PEERGATE_PRIVILEGED_TESTS=1 (make test does)";
pub const LISTEN: &str = "127.0.0.1:18443";
pub const REMOTE_HOST: &str = "10.77.0.10";
pub const REMOTE_SUBNET: &str = "10.77.0.0/24";
pub const GW_LAN_ADDRESS: &str = "10.201.0.1/24";

const TOOLS: &[&str] = &[
    "ip",
    "wg",
    "wg-quick",
    "wireguard-go",
    "nft",
    "iptables",
    "iptables-save",
    "iptables-restore",
    "ipset",
    "curl",
    "ping",
    "sysctl",
];

/// Whether the privileged tests run. Not asked for: one loud line (outside the test's captured
/// output) and `false`. Asked for but impossible (not root, a tool missing): a panic naming what is
/// missing — never a silent pass.
pub fn privileged() -> bool {
    if std::env::var("PEERGATE_PRIVILEGED_TESTS").as_deref() != Ok("1") {
        // `std::io::stderr()` directly: not captured by the test harness, so it shows in every run.
        let _ = writeln!(std::io::stderr(), "\n!!! {SKIP_LINE}");
        return false;
    }
    let mut missing: Vec<String> = Vec::new();
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        missing.push("root (these tests create network namespaces)".into());
    }
    for tool in TOOLS {
        if which(tool).is_none() {
            missing.push(format!("`{tool}` on PATH"));
        }
    }
    assert!(
        missing.is_empty(),
        "PEERGATE_PRIVILEGED_TESTS=1 but the dataplane tests cannot run here; missing: {} \
         (install: apt-get install -y --no-install-recommends wireguard-tools wireguard-go iptables ipset nftables \
         iproute2 iputils-ping procps curl)",
        missing.join(", ")
    );
    true
}

fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(tool)).find(|p| p.is_file())
}

/// A prefix unique on this host for this run: `p` + pid (base 36, 5 digits) + counter (2 digits).
/// Interface names built from it (`<prefix>-glan`, `<prefix>-c1`) stay within 15 characters.
pub fn unique_prefix() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("p{}{}", base36(std::process::id(), 5), base36(n % 1296, 2))
}

fn base36(mut n: u32, width: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    while n > 0 {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/netns-topology.sh")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `argv` inside namespace `ns` (`ip netns exec NS argv…`).
pub fn ns_exec(ns: &str, argv: &[&str]) -> Output {
    Command::new("ip")
        .args(["netns", "exec", ns])
        .args(argv)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("ip netns exec {ns} {argv:?}: {e}"))
}

/// As [`ns_exec`]; panics unless it succeeds. Returns stdout.
pub fn ns_ok(ns: &str, argv: &[&str]) -> String {
    let out = ns_exec(ns, argv);
    assert!(
        out.status.success(),
        "ip netns exec {ns} {argv:?} failed ({}):\n{}{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Polls `cond` every 200 ms until it holds or `timeout` passes; returns whether it held.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The namespaces and interfaces of one run; `Drop` tears it all down.
pub struct Topology {
    pub prefix: String,
    pub ns_lan: String,
    pub ns_gw: String,
    #[allow(dead_code)] // the remote side, for tests that break it
    pub ns_rem: String,
    #[allow(dead_code)] // the remote side, for tests that break it
    pub ns_rh: String,
    pub if_gw_lan: String,
    pub if_gw_wan: String,
    #[allow(dead_code)] // the remote side, for tests that break it
    pub if_srv: String,
    pub server_pid: u32,
    /// Holds the topology's files (`topo/`) and the gateway's data (`gw/`); removed last.
    pub dir: tempfile::TempDir,
}

impl Topology {
    pub fn up(prefix: &str) -> Topology {
        let dir = tempfile::Builder::new().prefix(&format!("peergate-e2e-{prefix}-")).tempdir().expect("temp dir");
        let topo_dir = dir.path().join("topo");
        let out = Command::new("bash")
            .arg(script())
            .args(["up", prefix])
            .arg(&topo_dir)
            .stdin(Stdio::null())
            .output()
            .expect("run netns-topology.sh");
        assert!(
            out.status.success(),
            "netns-topology.sh up {prefix} failed ({}):\n{}{}",
            out.status,
            text(&out.stdout),
            text(&out.stderr)
        );
        let env_text = std::fs::read_to_string(topo_dir.join("env")).expect("topology env file");
        let env: HashMap<String, String> = env_text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches('\'').to_string()))
            .collect();
        let get = |k: &str| env.get(k).cloned().unwrap_or_else(|| panic!("{k} missing from the topology env file"));
        let topo = Topology {
            prefix: prefix.to_string(),
            ns_lan: get("PG_NS_LAN"),
            ns_gw: get("PG_NS_GW"),
            ns_rem: get("PG_NS_REM"),
            ns_rh: get("PG_NS_RH"),
            if_gw_lan: get("PG_IF_GW_LAN"),
            if_gw_wan: get("PG_IF_GW_WAN"),
            if_srv: get("PG_IF_SRV"),
            server_pid: get("PG_SRV_PID").parse().expect("server pid"),
            dir,
        };
        let exe = std::fs::read_link(format!("/proc/{}/exe", topo.server_pid)).unwrap_or_default();
        assert!(exe.ends_with("wireguard-go"), "server pid {} is {}, not wireguard-go", topo.server_pid, exe.display());
        topo
    }

    /// A client conf written by the script: `client-full.conf`, `client-split.conf`,
    /// `client-wrongkey.conf`.
    pub fn conf(&self, name: &str) -> PathBuf {
        self.dir.path().join("topo").join(name)
    }

    /// A variant of the split conf with another endpoint (nothing listens there).
    pub fn conf_with_endpoint(&self, endpoint: &str) -> PathBuf {
        let split = std::fs::read_to_string(self.conf("client-split.conf")).unwrap();
        let changed = split.replace("Endpoint = 10.203.0.2:51820", &format!("Endpoint = {endpoint}"));
        assert_ne!(split, changed);
        let path = self.conf("client-wrongendpoint.conf");
        std::fs::write(&path, changed).unwrap();
        path
    }

    /// A client (and interface) name unique on the host for this run.
    pub fn client_name(&self, n: u32) -> String {
        format!("{}-c{n}", self.prefix)
    }

    pub fn gw_data_dir(&self) -> PathBuf {
        self.dir.path().join("gw")
    }

    fn down(&self) -> Result<(), String> {
        let out = Command::new("bash")
            .arg(script())
            .args(["down", &self.prefix])
            .arg(self.dir.path().join("topo"))
            .stdin(Stdio::null())
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() { Ok(()) } else { Err(format!("{}{}", text(&out.stdout), text(&out.stderr))) }
    }
}

impl Drop for Topology {
    fn drop(&mut self) {
        if let Err(err) = self.down() {
            eprintln!("netns-topology.sh down {} failed: {err}", self.prefix);
        }
    }
}

/// `ip netns exec LAN ping -c 2 -W 1 -i 0.2 10.77.0.10` succeeds.
pub fn lan_ping(topo: &Topology) -> bool {
    ns_exec(&topo.ns_lan, &["ping", "-n", "-q", "-c", "2", "-W", "1", "-i", "0.2", REMOTE_HOST]).status.success()
}

pub fn link_exists(ns: &str, iface: &str) -> bool {
    Command::new("ip")
        .args(["-n", ns, "link", "show", "dev", iface])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("ip link show")
        .success()
}

/// Names of the links in a namespace (without `@peer` suffixes).
pub fn links(ns: &str) -> Vec<String> {
    let out = Command::new("ip").args(["-n", ns, "-o", "link", "show"]).output().expect("ip link");
    text(&out.stdout).lines().filter_map(|l| l.split(": ").nth(1)).map(|n| n.split('@').next().unwrap_or(n).to_string()).collect()
}

pub fn ip_forward(ns: &str) -> String {
    ns_ok(ns, &["sysctl", "-n", "net.ipv4.ip_forward"]).trim().to_string()
}

fn net_ns_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Pids of the `wireguard-go IFACE` daemons running in namespace `ns` (exe, argv and network
/// namespace all checked).
pub fn wg_daemons(ns: &str, iface: &str) -> Vec<i32> {
    let Some(target) = net_ns_id(&Path::new("/run/netns").join(ns)) else { return Vec::new() };
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().filter_map(Result::ok) {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else { continue };
        let proc_dir = entry.path();
        let exe = std::fs::read_link(proc_dir.join("exe")).unwrap_or_default();
        if !exe.to_string_lossy().trim_end_matches(" (deleted)").ends_with("/wireguard-go") {
            continue;
        }
        let cmdline = std::fs::read(proc_dir.join("cmdline")).unwrap_or_default();
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).filter(|a| !a.is_empty()).collect();
        if args.last() != Some(&iface.as_bytes()) {
            continue;
        }
        if net_ns_id(&proc_dir.join("ns/net")) == Some(target) {
            pids.push(pid);
        }
    }
    pids
}

/// Kills (SIGKILL) the wireguard-go daemon of one interface in one namespace, waits for it to go
/// and removes its stale UAPI socket — what a reboot does to a userspace interface.
pub fn kill_wg_daemon(ns: &str, iface: &str) {
    for pid in wg_daemons(ns, iface) {
        // SAFETY: plain syscall; the pid was just checked to be wireguard-go for `iface` in `ns`.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        assert!(
            wait_until(Duration::from_secs(5), || !Path::new(&format!("/proc/{pid}/exe")).exists()
                || std::fs::read_link(format!("/proc/{pid}/exe")).is_err()),
            "wireguard-go {pid} for {iface} did not die"
        );
    }
    let _ = std::fs::remove_file(format!("/var/run/wireguard/{iface}.sock"));
}

pub fn uapi_socket_exists(iface: &str) -> bool {
    Path::new(&format!("/var/run/wireguard/{iface}.sock")).exists()
}
