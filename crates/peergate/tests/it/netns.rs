//! Privileged test harness: a real WireGuard topology in network namespaces
//! (`scripts/netns-topology.sh`, recipes in shared/design/test-harness.md §1) and the real `peergate`
//! binary serving inside the gateway namespace. Everything is synchronous (`std::process`): the
//! tests drive the gateway only through `ip netns exec` + `curl`, like an operator would.
//!
//! Safety rules kept here: names are unique per run (pid + counter), teardown is by our own
//! namespace names and by pids whose `/proc/PID/exe` and network namespace are checked first, and
//! nothing in the host namespace is ever changed.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const SKIP_LINE: &str = "dataplane tests not run: set PEERGATE_PRIVILEGED_TESTS=1 (make test does)";
pub const LISTEN: &str = "127.0.0.1:18443";
pub const REMOTE_HOST: &str = "10.77.0.10";
pub const REMOTE_SUBNET: &str = "10.77.0.0/24";
pub const GW_LAN_ADDRESS: &str = "10.201.0.1/24";

const TOOLS: &[&str] = &[
    "ip", "wg", "wg-quick", "wireguard-go", "nft", "iptables", "iptables-save", "iptables-restore", "curl", "ping",
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
         (install: apt-get install -y --no-install-recommends wireguard-tools wireguard-go iptables nftables \
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
        if out.status.success() {
            Ok(())
        } else {
            Err(format!("{}{}", text(&out.stdout), text(&out.stderr)))
        }
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
    text(&out.stdout)
        .lines()
        .filter_map(|l| l.split(": ").nth(1))
        .map(|n| n.split('@').next().unwrap_or(n).to_string())
        .collect()
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

// ---------------------------------------------------------------------------------------------
// Firewall inspection

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Nftables,
    Iptables,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Nftables => "nftables",
            Backend::Iptables => "iptables",
        }
    }
}

/// peergate's rules in the gateway namespace, as text, one `(chain, rule)` per rule.
#[derive(Debug, Default)]
pub struct Rules {
    pub rules: Vec<(String, String)>,
    /// nftables: elements of `inet peergate` set `clients`. iptables: empty.
    pub set_elements: Vec<String>,
    /// iptables: the jumps into peergate's chains, e.g. `filter:-A FORWARD -j PEERGATE-FORWARD`.
    pub jumps: Vec<String>,
    /// The raw listing (for failure messages).
    pub raw: String,
}

impl Rules {
    pub fn read(ns: &str, backend: Backend) -> Rules {
        match backend {
            Backend::Nftables => Self::read_nft(ns),
            Backend::Iptables => Self::read_iptables(ns),
        }
    }

    fn read_nft(ns: &str) -> Rules {
        let out = ns_exec(ns, &["nft", "list", "table", "inet", "peergate"]);
        if !out.status.success() {
            return Rules::default(); // no table
        }
        let raw = text(&out.stdout);
        let mut rules = Vec::new();
        let mut set_elements = Vec::new();
        let mut chain: Option<String> = None;
        let mut in_set = false;
        let mut in_elements = false;
        for line in raw.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("chain ") {
                chain = Some(rest.trim_end_matches('{').trim().to_string());
                in_set = false;
                continue;
            }
            if let Some(rest) = line.strip_prefix("set ") {
                in_set = rest.trim_end_matches('{').trim() == "clients";
                chain = None;
                continue;
            }
            if line == "}" {
                if in_elements {
                    in_elements = false;
                } else {
                    chain = None;
                    in_set = false;
                }
                continue;
            }
            if in_set {
                let mut part = line;
                if let Some(rest) = part.strip_prefix("elements = {") {
                    part = rest;
                    in_elements = true;
                }
                if in_elements {
                    let closing = part.contains('}');
                    for e in part.trim_end_matches('}').split(',') {
                        let e = e.trim().trim_matches('"');
                        if !e.is_empty() {
                            set_elements.push(e.to_string());
                        }
                    }
                    if closing {
                        in_elements = false;
                    }
                }
                continue;
            }
            if let Some(chain) = &chain {
                let is_header = line.starts_with("type ") || line.starts_with("policy ") || line.is_empty();
                if !is_header {
                    // Counters change between listings; they are not part of a rule's identity.
                    rules.push((chain.clone(), strip_counters(line)));
                }
            }
        }
        Rules { rules, set_elements, jumps: Vec::new(), raw }
    }

    fn read_iptables(ns: &str) -> Rules {
        let raw = ns_ok(ns, &["iptables-save"]);
        let mut rules = Vec::new();
        let mut jumps = Vec::new();
        let mut table = String::new();
        for line in raw.lines() {
            if let Some(t) = line.strip_prefix('*') {
                table = t.to_string();
            } else if let Some(rest) = line.strip_prefix("-A ") {
                let chain = rest.split_whitespace().next().unwrap_or_default();
                if chain.starts_with("PEERGATE-") {
                    rules.push((format!("{table}:{chain}"), rest.to_string()));
                } else if rest.contains("-j PEERGATE-") || rest.contains("--jump PEERGATE-") {
                    jumps.push(format!("{table}:-A {rest}"));
                }
            }
        }
        Rules { rules, set_elements: Vec::new(), jumps, raw }
    }

    /// Rules (or set elements) that mention `iface`.
    pub fn mentions(&self, iface: &str) -> bool {
        let word = |s: &str| s.split(|c: char| c.is_whitespace() || c == '"' || c == ',' || c == '{' || c == '}').any(|w| w == iface);
        self.set_elements.iter().any(|e| e == iface) || self.rules.iter().any(|(_, r)| word(r))
    }

    /// A masquerade rule exists that applies to `iface` (directly, or through the `clients` set).
    pub fn masquerades(&self, iface: &str) -> bool {
        let masq = |r: &str| r.contains("masquerade") || r.contains("MASQUERADE");
        let direct = self.rules.iter().any(|(_, r)| masq(r) && r.split_whitespace().any(|w| w.trim_matches('"') == iface));
        let via_set =
            self.set_elements.iter().any(|e| e == iface) && self.rules.iter().any(|(_, r)| masq(r) && r.contains("@clients"));
        direct || via_set
    }

    /// Duplicated rules (same chain, same text), duplicated set elements and duplicated jumps.
    pub fn duplicates(&self) -> Vec<String> {
        let mut seen = HashMap::new();
        for (chain, rule) in &self.rules {
            *seen.entry(format!("{chain}: {rule}")).or_insert(0) += 1;
        }
        for e in &self.set_elements {
            *seen.entry(format!("set clients: {e}")).or_insert(0) += 1;
        }
        for j in &self.jumps {
            *seen.entry(j.clone()).or_insert(0) += 1;
        }
        let mut dups: Vec<String> = seen.into_iter().filter(|(_, n)| *n > 1).map(|(k, n)| format!("{n}× {k}")).collect();
        dups.sort();
        dups
    }

    /// Nothing of any client is left: no rule in peergate's chains (iptables) / no set element and no
    /// rule naming an interface (nftables).
    pub fn no_client_rules(&self, backend: Backend, iface: &str) -> bool {
        match backend {
            Backend::Nftables => self.set_elements.is_empty() && !self.mentions(iface),
            Backend::Iptables => self.rules.is_empty(),
        }
    }
}

fn strip_counters(rule: &str) -> String {
    let mut words: Vec<&str> = Vec::new();
    let mut it = rule.split_whitespace().peekable();
    while let Some(w) = it.next() {
        if w == "counter" {
            // `counter packets N bytes M`
            if it.peek() == Some(&"packets") {
                it.next();
                it.next();
                if it.peek() == Some(&"bytes") {
                    it.next();
                    it.next();
                }
            }
            words.push("counter");
        } else {
            words.push(w);
        }
    }
    words.join(" ")
}

/// Removes peergate's NAT by hand: the table (nftables) or the nat chain's rules (iptables).
pub fn remove_nat_by_hand(ns: &str, backend: Backend) {
    match backend {
        Backend::Nftables => {
            ns_ok(ns, &["nft", "delete", "table", "inet", "peergate"]);
        }
        Backend::Iptables => {
            ns_ok(ns, &["iptables", "-t", "nat", "-F", "PEERGATE-POSTROUTING"]);
        }
    }
}

/// Flushes all of peergate's rules, as a reboot would.
pub fn flush_all_rules(ns: &str, backend: Backend) {
    match backend {
        Backend::Nftables => {
            let _ = ns_exec(ns, &["nft", "delete", "table", "inet", "peergate"]);
        }
        Backend::Iptables => {
            // A reboot starts with empty tables: flush everything in this (test-owned) namespace.
            for table in ["filter", "nat", "mangle"] {
                ns_ok(ns, &["iptables", "-t", table, "-F"]);
                ns_ok(ns, &["iptables", "-t", table, "-X"]);
            }
        }
    }
    let after = Rules::read(ns, backend);
    assert!(after.rules.is_empty() && after.set_elements.is_empty() && after.jumps.is_empty(), "flush left:\n{}", after.raw);
}

/// Everything about the gateway namespace's networking, for failure messages.
pub fn gw_diagnostics(ns: &str) -> String {
    let mut s = String::new();
    for argv in [
        &["ip", "-o", "link", "show"][..],
        &["ip", "-o", "addr", "show"],
        &["ip", "route", "show"],
        &["sysctl", "net.ipv4.ip_forward"],
        &["nft", "list", "ruleset"],
        &["iptables-save"],
    ] {
        let out = ns_exec(ns, argv);
        s.push_str(&format!("$ {}\n{}{}\n", argv.join(" "), text(&out.stdout), text(&out.stderr)));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// The peergate process

pub struct GatewayProcess {
    pub ns: String,
    pub backend: Backend,
    pub data_dir: PathBuf,
    pub wg_dir: PathBuf,
    pub sysctl_file: PathBuf,
    pub log_path: PathBuf,
    pub token: String,
    lan_iface: String,
    child: Option<Child>,
    starts: u32,
}

impl GatewayProcess {
    /// Creates the admin account and an API token, then serves (and waits until ready).
    pub fn start(topo: &Topology, backend: Backend, data_dir: &Path) -> GatewayProcess {
        let wg_dir = data_dir.join("wireguard");
        let sysctl_file = data_dir.join("sysctl.d").join("99-peergate.conf");
        std::fs::create_dir_all(&wg_dir).unwrap();
        std::fs::create_dir_all(sysctl_file.parent().unwrap()).unwrap();
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&wg_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let mut gw = GatewayProcess {
            ns: topo.ns_gw.clone(),
            backend,
            data_dir: data_dir.to_path_buf(),
            wg_dir,
            sysctl_file,
            log_path: data_dir.join("peergate.log"),
            token: String::new(),
            lan_iface: topo.if_gw_lan.clone(),
            child: None,
            starts: 0,
        };
        let out = gw.command(&["user", "add", "--username", "admin", "--role", "admin", "--generate-password"]).output().unwrap();
        assert!(out.status.success(), "peergate user add: {}{}", text(&out.stdout), text(&out.stderr));
        let out = gw.command(&["token", "create", "--username", "admin", "--name", "e2e"]).output().unwrap();
        assert!(out.status.success(), "peergate token create: {}{}", text(&out.stdout), text(&out.stderr));
        gw.token = text(&out.stdout).lines().last().expect("token line").trim().to_string();
        assert!(!gw.token.is_empty(), "no token printed");
        gw.spawn();
        gw
    }

    /// `ip netns exec GW peergate ARGS` with the test's environment (and nothing else but PATH).
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.ns, env!("CARGO_BIN_EXE_peergate")])
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_else(|_| "/usr/sbin:/usr/bin:/sbin:/bin".into()))
            .env("PEERGATE_DATA_DIR", &self.data_dir)
            .env("PEERGATE_WG_DIR", &self.wg_dir)
            .env("PEERGATE_SYSCTL_FILE", &self.sysctl_file)
            .env("PEERGATE_FIREWALL", self.backend.name())
            .env("PEERGATE_LAN_INTERFACE", &self.lan_iface)
            .env("PEERGATE_LAN_ADDRESS", GW_LAN_ADDRESS)
            .env("WG_QUICK_USERSPACE_IMPLEMENTATION", "wireguard-go")
            .env("PEERGATE_LISTEN", LISTEN)
            .env("PEERGATE_STATUS_INTERVAL_SECS", "1")
            .env("PEERGATE_PING_INTERVAL_SECS", "5")
            .env("PEERGATE_RECONCILE_INTERVAL_SECS", "2")
            .env("PEERGATE_LOG", "info")
            .env("PEERGATE_LOG_FORMAT", "json")
            .stdin(Stdio::null());
        cmd
    }

    fn spawn(&mut self) {
        assert!(self.child.is_none(), "peergate already running");
        self.starts += 1;
        let mut log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log_path).unwrap();
        writeln!(log, "===== test harness: peergate serve, start #{} =====", self.starts).unwrap();
        let child = self
            .command(&["serve"])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("spawn peergate serve");
        // `ip netns exec` execs peergate: the child's pid is peergate's.
        self.child = Some(child);
        let ready = wait_until(Duration::from_secs(30), || {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("peergate exited during start-up ({status}):\n{}", self.log_tail(200));
            }
            let out = ns_exec(&self.ns, &["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", &self.url("/readyz")]);
            text(&out.stdout) == "200"
        });
        assert!(ready, "peergate not ready within 30 s:\n{}", self.log_tail(200));
    }

    /// SIGKILL, after checking that the pid still is our peergate binary.
    pub fn kill9(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        if let Ok(None) = child.try_wait() {
            let exe = std::fs::read_link(format!("/proc/{}/exe", child.id())).unwrap_or_default();
            let ours = Path::new(env!("CARGO_BIN_EXE_peergate"));
            let ours = ours.canonicalize().unwrap_or_else(|_| ours.to_path_buf());
            let exe_s = exe.to_string_lossy();
            assert!(
                exe_s.trim_end_matches(" (deleted)") == ours.to_string_lossy() || exe_s.ends_with("/peergate"),
                "pid {} is {exe_s}, not peergate: not killing it",
                child.id()
            );
            let _ = child.kill(); // SIGKILL
        }
        let _ = child.wait();
    }

    pub fn restart(&mut self) {
        self.kill9();
        self.spawn();
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{LISTEN}{path}")
    }

    fn curl(&self, extra: &[&str], path: &str) -> (u16, Value) {
        let auth = format!("Authorization: Bearer {}", self.token);
        let url = self.url(path);
        let mut argv: Vec<&str> = vec!["curl", "-sS", "--max-time", "90", "-o", "-", "-w", "\n%{http_code}", "-H", &auth];
        argv.extend_from_slice(extra);
        argv.push(&url);
        let out = ns_exec(&self.ns, &argv);
        let stdout = text(&out.stdout);
        let (body, code) = stdout.rsplit_once('\n').unwrap_or(("", &stdout));
        let status: u16 = code.trim().parse().unwrap_or(0);
        if status == 0 {
            return (0, Value::String(format!("curl failed ({}): {}", out.status, text(&out.stderr))));
        }
        let value = if body.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_string()))
        };
        (status, value)
    }

    /// A JSON API call through curl inside the gateway namespace.
    pub fn api(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let json = body.map(|b| b.to_string());
        let mut extra = vec!["-X", method];
        if let Some(json) = &json {
            extra.extend_from_slice(&["-H", "Content-Type: application/json", "--data-raw", json]);
        }
        self.curl(&extra, path)
    }

    /// `POST /api/clients/upload` as multipart: `file` plus text fields (`name`, `subnet`, `probe_host`).
    pub fn upload(&self, conf: &Path, fields: &[(&str, &str)]) -> (u16, Value) {
        let file = format!("file=@{}", conf.display());
        let texts: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut extra = vec!["-F", &file];
        for t in &texts {
            extra.extend_from_slice(&["--form-string", t]);
        }
        self.curl(&extra, "/api/clients/upload")
    }

    /// Starts `POST path` in the background (curl inside the namespace); the caller waits for it.
    pub fn api_background(&self, method: &str, path: &str) -> Child {
        Command::new("ip")
            .args(["netns", "exec", &self.ns, "curl", "-sS", "--max-time", "90", "-o", "-", "-w", "\n%{http_code}", "-X", method])
            .args(["-H", &format!("Authorization: Bearer {}", self.token)])
            .arg(self.url(path))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn curl")
    }

    /// Reads the SSE stream for `secs` seconds; returns what arrived.
    pub fn sse(&self, secs: u32) -> String {
        let auth = format!("Authorization: Bearer {}", self.token);
        let max = secs.to_string();
        let url = self.url("/api/events");
        let out = ns_exec(&self.ns, &["curl", "-sN", "--max-time", &max, "-H", &auth, "-H", "Accept: text/event-stream", &url]);
        text(&out.stdout)
    }

    pub fn log_tail(&self, lines: usize) -> String {
        let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let all: Vec<&str> = log.lines().collect();
        let start = all.len().saturating_sub(lines);
        format!("----- peergate log ({}, last {} lines) -----\n{}\n----- end of log -----", self.log_path.display(), all.len() - start, all[start..].join("\n"))
    }
}

impl Drop for GatewayProcess {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("{}", self.log_tail(400));
            eprintln!("----- gateway namespace {} -----\n{}", self.ns, gw_diagnostics(&self.ns));
        }
        self.kill9();
    }
}
