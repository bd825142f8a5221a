//! The real `peergate` binary serving inside the gateway namespace, driven with `curl` there.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::*;

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
        let child = self.command(&["serve"]).stdout(log.try_clone().unwrap()).stderr(log).spawn().expect("spawn peergate serve");
        // `ip netns exec` execs peergate: the child's pid is peergate's.
        self.child = Some(child);
        let ready = wait_until(Duration::from_secs(30), || {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("peergate exited during start-up ({status}):\n{}", self.log_tail(200));
            }
            let out = ns_exec(
                &self.ns,
                &["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", &self.url("/readyz")],
            );
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
        format!(
            "----- peergate log ({}, last {} lines) -----\n{}\n----- end of log -----",
            self.log_path.display(),
            all.len() - start,
            all[start..].join("\n")
        )
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
