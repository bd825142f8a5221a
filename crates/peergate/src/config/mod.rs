//! Configuration: defaults, then a TOML file, then environment variables (last wins).
//!
//! Each setting is declared once, in the `settings!` block below: its type, environment variable,
//! default and documentation. The TOML key is the environment variable in lower case with the
//! `PEERGATE_` prefix removed (`PEERGATE_LISTEN` → `listen`, `ZT_PROVIDER` → `zt_provider`).
//! A bad value stops start-up with a message naming the variable, so an operator never runs with a
//! setting silently ignored. `.env.example` documents every variable and its default.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
pub use settings::Secret;
use settings::settings;

mod settings;

/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "/etc/peergate/peergate.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FirewallBackend {
    Nftables,
    Iptables,
}

impl std::fmt::Display for FirewallBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FirewallBackend::Nftables => "nftables",
            FirewallBackend::Iptables => "iptables",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZtProvider {
    Central,
    SelfHostedController,
}

/// The alert webhook's body: peergate's JSON, or `{"text": …}` as Slack and Mattermost
/// incoming webhooks take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertFormat {
    Json,
    Slack,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Json,
    Pretty,
}

impl settings::FromEnv for FirewallBackend {}
impl settings::FromEnv for ZtProvider {}
impl settings::FromEnv for LogFormat {}
impl settings::FromEnv for AlertFormat {}

settings! {
    /// Address and port of the API and web UI.
    listen: SocketAddr = "PEERGATE_LISTEN", SocketAddr::from(([127, 0, 0, 1], 8080));
    /// The URL users reach peergate at; an `https` URL makes cookies `Secure`.
    public_url: Option<String> = "PEERGATE_PUBLIC_URL", None;
    /// Host names (comma-separated) the server answers for besides IP literals, `localhost` and
    /// the public URL's host; `*` answers any (DNS rebinding defence off).
    allowed_hosts: Option<String> = "PEERGATE_ALLOWED_HOSTS", None;
    /// Open HTTP connections at most (lowered to fit the open-file limit), and from one address.
    max_connections: usize = "PEERGATE_MAX_CONNECTIONS", 512;
    max_connections_per_ip: usize = "PEERGATE_MAX_CONNECTIONS_PER_IP", 64;
    /// Seconds a client has to send a request's headers, and to start the next request on a
    /// kept-alive connection; request bodies get `PEERGATE_BODY_TIMEOUT_SECS`.
    header_timeout_secs: u64 = "PEERGATE_HEADER_TIMEOUT_SECS", 10;
    body_timeout_secs: u64 = "PEERGATE_BODY_TIMEOUT_SECS", 30;
    /// When set, `GET /metrics` needs `Authorization: Bearer <this>` (a secret).
    metrics_token: Option<Secret> = "PEERGATE_METRICS_TOKEN", None;
    /// Largest request body accepted by any endpoint, in bytes.
    body_limit: usize = "PEERGATE_BODY_LIMIT", 1024 * 1024;
    /// Seconds an API token lookup is remembered (a token revoked elsewhere works this much
    /// longer); 0 disables the cache.
    token_cache_secs: u64 = "PEERGATE_TOKEN_CACHE_SECS", 5;
    /// `tracing` filter directives, e.g. `info` or `peergate=debug,tower_http=info`.
    log: String = "PEERGATE_LOG", "info".into();
    log_format: LogFormat = "PEERGATE_LOG_FORMAT", LogFormat::Json;
    data_dir: PathBuf = "PEERGATE_DATA_DIR", PathBuf::from("/var/lib/peergate");
    /// `sqlite://…` or `postgres://…` (a secret: it may hold a password); `None` = SQLite file
    /// under the data dir.
    database_url: Option<Secret> = "PEERGATE_DATABASE_URL", None;
    wg_dir: PathBuf = "PEERGATE_WG_DIR", PathBuf::from("/etc/wireguard");
    sysctl_file: PathBuf = "PEERGATE_SYSCTL_FILE", PathBuf::from("/etc/sysctl.d/99-peergate.conf");
    /// `None` = nftables when `nft` exists, else iptables.
    firewall: Option<FirewallBackend> = "PEERGATE_FIREWALL", None;
    lan_interface: Option<String> = "PEERGATE_LAN_INTERFACE", None;
    /// The gateway's LAN address, optionally with its prefix (`192.168.1.1/24`) to give the LAN
    /// network without asking the system.
    lan_address: Option<String> = "PEERGATE_LAN_ADDRESS", None;
    /// The most public IPv4 address space one client may route, as the size of one prefix (16 =
    /// a /16, 65,536 addresses); more asks for the remote subnet unless an admin allows it.
    max_public_route_v4: u8 = "PEERGATE_MAX_PUBLIC_ROUTE_V4", 16;
    /// The same for IPv6 (32 = a /32).
    max_public_route_v6: u8 = "PEERGATE_MAX_PUBLIC_ROUTE_V6", 32;
    /// Seconds between WireGuard status snapshots.
    status_interval_secs: u64 = "PEERGATE_STATUS_INTERVAL_SECS", 5;
    /// Seconds between connectivity tests of every active client.
    ping_interval_secs: u64 = "PEERGATE_PING_INTERVAL_SECS", 60;
    /// Seconds between reconcile passes (desired state vs interfaces, rules, forwarding).
    reconcile_interval_secs: u64 = "PEERGATE_RECONCILE_INTERVAL_SECS", 30;
    /// Where alerts are POSTed when an active client goes down or comes back (a secret: Slack and
    /// Mattermost webhook URLs are credentials); unset = alerts only in the web UI.
    alert_webhook_url: Option<Secret> = "PEERGATE_ALERT_WEBHOOK_URL", None;
    /// `json` (peergate's fields) or `slack` (`{"text": …}`, also what Mattermost takes).
    alert_webhook_format: AlertFormat = "PEERGATE_ALERT_WEBHOOK_FORMAT", AlertFormat::Json;
    /// Seconds without a handshake before an active client counts as down (WireGuard
    /// re-handshakes every 2 minutes while traffic flows; the periodic pings make traffic).
    alert_down_after_secs: u64 = "PEERGATE_ALERT_DOWN_AFTER_SECS", 300;
    wg_quick_userspace_implementation: Option<String> = "WG_QUICK_USERSPACE_IMPLEMENTATION", None;
    peeringdb_issuer: String = "PEERINGDB_ISSUER", "https://auth.peeringdb.com/oauth2".into();
    peeringdb_client_id: Option<String> = "PEERINGDB_CLIENT_ID", None;
    peeringdb_client_secret: Option<Secret> = "PEERINGDB_CLIENT_SECRET", None;
    zt_provider: Option<ZtProvider> = "ZT_PROVIDER", None;
    zt_central_url: String = "ZT_CENTRAL_URL", "https://api.zerotier.com/api/v1".into();
    zt_central_token: Option<Secret> = "ZT_CENTRAL_TOKEN", None;
    zt_controller_url: String = "ZT_CONTROLLER_URL", "http://127.0.0.1:9993".into();
    zt_controller_token: Option<Secret> = "ZT_CONTROLLER_TOKEN", None;
    zt_controller_token_file: PathBuf = "ZT_CONTROLLER_TOKEN_FILE", PathBuf::from("/var/lib/zerotier-one/authtoken.secret");
}

impl Config {
    /// Loads defaults ← TOML file ← environment. `file` is `--config`; without it the default file
    /// is read only if present.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        Self::load_from(file, std::env::vars())
    }

    /// As [`Config::load`], with the environment given explicitly (tests).
    pub fn load_from(file: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                if !path.is_file() {
                    bail!("configuration file {} does not exist", path.display());
                }
                figment = figment.merge(Toml::file_exact(path));
            }
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => {
                figment = figment.merge(Toml::file_exact(DEFAULT_CONFIG_FILE));
            }
            None => {}
        }
        // Empty variables count as unset, as in most daemons' environment files.
        for (var, value) in env {
            if let Some(setting) = SETTINGS.iter().find(|s| s.var == var).filter(|_| !value.is_empty()) {
                figment = figment.merge((setting.key, (setting.env_value)(&value)));
            }
        }
        let config: Config = figment.extract().map_err(describe_error)?;
        config.check()
    }

    fn check(self) -> anyhow::Result<Config> {
        if let Some(url) = self.database_url.as_ref().map(Secret::expose)
            && !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            bail!("PEERGATE_DATABASE_URL: `{}` is neither a sqlite: nor a postgres:// URL", redact_url(url));
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            bail!("PEERGATE_PUBLIC_URL: `{url}` must start with http:// or https://");
        }
        if self.max_connections < 16 || self.max_connections_per_ip == 0 {
            bail!("PEERGATE_MAX_CONNECTIONS must be at least 16 and PEERGATE_MAX_CONNECTIONS_PER_IP at least 1");
        }
        for (var, secs) in
            [("PEERGATE_HEADER_TIMEOUT_SECS", self.header_timeout_secs), ("PEERGATE_BODY_TIMEOUT_SECS", self.body_timeout_secs)]
        {
            if !(1..=3600).contains(&secs) {
                bail!("{var}: {secs} is not between 1 and 3600 seconds");
            }
        }
        if self.body_limit < 1024 {
            bail!("PEERGATE_BODY_LIMIT: {} bytes is too small (at least 1024)", self.body_limit);
        }
        self.lan_address()?;
        if let Some(name) = &self.lan_interface
            && (name.is_empty() || name.starts_with('-') || name.contains(['+', '*', '/', ' ']))
        {
            bail!("PEERGATE_LAN_INTERFACE: `{name}` is not an interface name (firewall rules would read it as a pattern)");
        }
        if !(1..=32).contains(&self.max_public_route_v4) {
            bail!("PEERGATE_MAX_PUBLIC_ROUTE_V4: /{} is not a prefix length between 1 and 32", self.max_public_route_v4);
        }
        if !(1..=128).contains(&self.max_public_route_v6) {
            bail!("PEERGATE_MAX_PUBLIC_ROUTE_V6: /{} is not a prefix length between 1 and 128", self.max_public_route_v6);
        }
        for (var, secs) in [
            ("PEERGATE_STATUS_INTERVAL_SECS", self.status_interval_secs),
            ("PEERGATE_PING_INTERVAL_SECS", self.ping_interval_secs),
            ("PEERGATE_RECONCILE_INTERVAL_SECS", self.reconcile_interval_secs),
        ] {
            if !(1..=86_400).contains(&secs) {
                bail!("{var}: {secs} is not between 1 and 86400 seconds");
            }
        }
        if let Some(url) = self.alert_webhook_url.as_ref().map(Secret::expose)
            && reqwest::Url::parse(url).map(|u| !matches!(u.scheme(), "http" | "https") || u.host().is_none()).unwrap_or(true)
        {
            // Not echoed: a webhook URL carries its credential in the path.
            bail!("PEERGATE_ALERT_WEBHOOK_URL is not an http:// or https:// URL (the value is not shown: it is a secret)");
        }
        if !(60..=86_400).contains(&self.alert_down_after_secs) {
            bail!("PEERGATE_ALERT_DOWN_AFTER_SECS: {} is not between 60 and 86400 seconds", self.alert_down_after_secs);
        }
        tracing_subscriber::EnvFilter::try_new(&self.log)
            .with_context(|| format!("PEERGATE_LOG: `{}` is not a valid log filter", self.log))?;
        Ok(self)
    }

    /// How much public address space one client may route.
    pub fn route_limits(&self) -> peergate_core::client_policy::RouteLimits {
        peergate_core::client_policy::RouteLimits {
            public_v4_prefix: self.max_public_route_v4,
            public_v6_prefix: self.max_public_route_v6,
        }
    }

    /// The database URL in effect: the configured one or the SQLite file under the data dir.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_string(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("peergate.db").display()),
        }
    }

    /// The configured LAN address and, when given with a prefix, the LAN network.
    pub fn lan_address(&self) -> anyhow::Result<Option<(IpAddr, Option<ipnet::IpNet>)>> {
        let Some(text) = self.lan_address.as_deref() else { return Ok(None) };
        if let Ok(addr) = text.parse::<IpAddr>() {
            return Ok(Some((addr, None)));
        }
        match text.parse::<ipnet::IpNet>() {
            Ok(net) => Ok(Some((net.addr(), Some(net.trunc())))),
            Err(_) => {
                bail!("PEERGATE_LAN_ADDRESS: `{text}` is neither an IP address nor an address/prefix such as 192.168.1.1/24")
            }
        }
    }

    /// Cookies get `Secure` when users reach peergate over https.
    pub fn cookies_secure(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
}

/// The environment variable that sets a key (for error messages).
fn env_var_for(key: &str) -> &str {
    SETTINGS.iter().find(|s| s.key == key).map_or(key, |s| s.var)
}

fn describe_error(err: figment::Error) -> anyhow::Error {
    let key = err.path.last().cloned().unwrap_or_default();
    if key.is_empty() {
        return anyhow::anyhow!("invalid configuration: {err}");
    }
    anyhow::anyhow!("{} (TOML key `{key}`): {}", env_var_for(&key), err.kind)
}

/// Hides the password of a database URL before it reaches a message or a log.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        Config::load_from(None, vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn defaults_match_the_product_contract() {
        let c = load(&[]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.wg_dir, PathBuf::from("/etc/wireguard"));
        assert_eq!(c.peeringdb_issuer, "https://auth.peeringdb.com/oauth2");
        assert_eq!(c.effective_database_url(), "sqlite:///var/lib/peergate/peergate.db?mode=rwc");
    }

    #[test]
    fn environment_overrides_and_bad_values_name_the_variable() {
        let c =
            load(&[("PEERGATE_LISTEN", "0.0.0.0:9000"), ("ZT_PROVIDER", "central"), ("PEERGATE_FIREWALL", "iptables")]).unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.zt_provider, Some(ZtProvider::Central));
        assert_eq!(c.firewall, Some(FirewallBackend::Iptables));

        let err = load(&[("PEERGATE_LISTEN", "not-an-address")]).unwrap_err().to_string();
        assert!(err.starts_with("PEERGATE_LISTEN"), "{err}");
        let err = load(&[("PEERGATE_FIREWALL", "pf")]).unwrap_err().to_string();
        assert!(err.starts_with("PEERGATE_FIREWALL"), "{err}");
        let err = load(&[("ZT_PROVIDER", "cloud")]).unwrap_err().to_string();
        assert!(err.starts_with("ZT_PROVIDER"), "{err}");
        let err = load(&[("PEERGATE_DATABASE_URL", "mysql://x")]).unwrap_err().to_string();
        assert!(err.starts_with("PEERGATE_DATABASE_URL"), "{err}");
        let err = load(&[("PEERGATE_LAN_ADDRESS", "10.0.0.300")]).unwrap_err().to_string();
        assert!(err.starts_with("PEERGATE_LAN_ADDRESS"), "{err}");
        let c = load(&[("PEERGATE_LAN_ADDRESS", "10.201.0.1/24")]).unwrap();
        assert_eq!(c.lan_address().unwrap(), Some(("10.201.0.1".parse().unwrap(), Some("10.201.0.0/24".parse().unwrap()))));
        let err = load(&[("PEERGATE_BODY_LIMIT", "lots")]).unwrap_err().to_string();
        assert!(err.starts_with("PEERGATE_BODY_LIMIT"), "{err}");
    }

    #[test]
    fn toml_file_is_read_and_environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("peergate.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:9100\"\nwg_dir = \"/tmp/wg\"\n").unwrap();
        let c = Config::load_from(Some(&path), [("PEERGATE_LISTEN".to_string(), "127.0.0.1:9200".to_string())]).unwrap();
        assert_eq!(c.listen.port(), 9200);
        assert_eq!(c.wg_dir, PathBuf::from("/tmp/wg"));
        let missing = Config::load_from(Some(&dir.path().join("nope.toml")), []).unwrap_err();
        assert!(missing.to_string().contains("does not exist"));
    }

    #[test]
    fn unrelated_and_empty_variables_are_ignored() {
        let c = load(&[("PEERGATE_URL", "http://x"), ("PEERGATE_LAN_INTERFACE", ""), ("HOME", "/root")]).unwrap();
        assert_eq!(c.lan_interface, None);
    }

    #[test]
    fn every_setting_is_named_by_the_rule_and_documented_with_its_default() {
        let example = include_str!("../../../../.env.example");
        let defaults = serde_json::to_value(Config::default()).unwrap();
        assert_eq!(SETTINGS.len(), defaults.as_object().unwrap().len(), "every field is a declared setting");
        for setting in SETTINGS {
            let key = setting.var.strip_prefix("PEERGATE_").unwrap_or(setting.var).to_ascii_lowercase();
            assert_eq!(setting.key, key, "the TOML key is the variable without PEERGATE_, in lower case");
            let default = match &defaults[setting.key] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            let line = format!("{}={default}", setting.var);
            assert!(example.lines().any(|l| l == line), "`{line}` missing from .env.example");
        }
        for line in example.lines().filter(|l| !l.starts_with('#') && l.contains('=')) {
            let var = line.split('=').next().unwrap();
            let known = var == "PEERGATE_CONFIG" || SETTINGS.iter().any(|s| s.var == var);
            assert!(known, ".env.example documents `{var}`, which is not a setting");
        }
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let c = load(&[
            ("PEERGATE_DATABASE_URL", "postgres://pg:hunter2@db/x"),
            ("PEERINGDB_CLIENT_SECRET", "hunter3"),
            ("ZT_CENTRAL_TOKEN", "hunter4"),
            ("ZT_CONTROLLER_TOKEN", "hunter5"),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter"), "{shown}");
        assert_eq!(c.zt_central_token.as_ref().map(Secret::expose), Some("hunter4"));
        assert_eq!(c.effective_database_url(), "postgres://pg:hunter2@db/x");
    }

    #[test]
    fn numbers_are_numbers_and_other_text_is_refused_by_name() {
        let c = load(&[("PEERGATE_TOKEN_CACHE_SECS", "0"), ("PEERGATE_BODY_LIMIT", "2048")]).unwrap();
        assert_eq!((c.token_cache_secs, c.body_limit), (0, 2048));
        let err = load(&[("PEERGATE_PING_INTERVAL_SECS", "-1")]).unwrap_err().to_string();
        assert!(err.starts_with("PEERGATE_PING_INTERVAL_SECS"), "{err}");
    }

    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(redact_url("postgres://pg:secret@db:5432/x"), "postgres://pg:***@db:5432/x");
        assert_eq!(redact_url("sqlite://./var/p.db"), "sqlite://./var/p.db");
    }
}
