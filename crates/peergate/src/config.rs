//! Configuration: defaults, then a TOML file, then environment variables (last wins).
//!
//! Every setting has one name per source: the TOML key is the environment variable in lower case
//! with the `PEERGATE_` prefix removed (`PEERGATE_LISTEN` → `listen`, `ZT_PROVIDER` → `zt_provider`).
//! A bad value stops start-up with a message naming the variable, so an operator never runs with a
//! setting silently ignored. `.env.example` documents every variable and its default.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "/etc/peergate/peergate.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FirewallBackend {
    Nftables,
    Iptables,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZtProvider {
    Central,
    SelfHostedController,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Json,
    Pretty,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    pub listen: SocketAddr,
    /// `sqlite://…` or `postgres://…`; `None` = SQLite file under the data dir.
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub wg_dir: PathBuf,
    pub sysctl_file: PathBuf,
    /// `None` = nftables when `nft` exists, else iptables.
    pub firewall: Option<FirewallBackend>,
    pub lan_interface: Option<String>,
    /// The gateway's LAN address, optionally with its prefix (`192.168.1.1/24`) to give the LAN
    /// network without asking the system.
    pub lan_address: Option<String>,
    pub wg_quick_userspace_implementation: Option<String>,
    /// The URL users reach peergate at; an `https` URL makes cookies `Secure`.
    pub public_url: Option<String>,
    /// Largest request body accepted by any endpoint, in bytes.
    pub body_limit: usize,
    /// Seconds an API token lookup is remembered (a token revoked elsewhere works this much
    /// longer); 0 disables the cache.
    pub token_cache_secs: u64,
    /// Seconds between WireGuard status snapshots.
    pub status_interval_secs: u64,
    /// Seconds between connectivity tests of every active client.
    pub ping_interval_secs: u64,
    /// Seconds between reconcile passes (desired state vs interfaces, rules, forwarding).
    pub reconcile_interval_secs: u64,
    /// `tracing` filter directives, e.g. `info` or `peergate=debug,tower_http=info`.
    pub log: String,
    pub log_format: LogFormat,
    pub peeringdb_issuer: String,
    pub peeringdb_client_id: Option<String>,
    pub peeringdb_client_secret: Option<String>,
    pub zt_provider: Option<ZtProvider>,
    pub zt_central_url: String,
    pub zt_central_token: Option<String>,
    pub zt_controller_url: String,
    pub zt_controller_token: Option<String>,
    pub zt_controller_token_file: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            data_dir: PathBuf::from("/var/lib/peergate"),
            wg_dir: PathBuf::from("/etc/wireguard"),
            sysctl_file: PathBuf::from("/etc/sysctl.d/99-peergate.conf"),
            firewall: None,
            lan_interface: None,
            lan_address: None,
            wg_quick_userspace_implementation: None,
            public_url: None,
            body_limit: 1024 * 1024,
            token_cache_secs: 5,
            status_interval_secs: 5,
            ping_interval_secs: 60,
            reconcile_interval_secs: 30,
            log: "info".into(),
            log_format: LogFormat::Json,
            peeringdb_issuer: "https://auth.peeringdb.com/oauth2".into(),
            peeringdb_client_id: None,
            peeringdb_client_secret: None,
            zt_provider: None,
            zt_central_url: "https://api.zerotier.com/api/v1".into(),
            zt_central_token: None,
            zt_controller_url: "http://127.0.0.1:9993".into(),
            zt_controller_token: None,
            zt_controller_token_file: PathBuf::from("/var/lib/zerotier-one/authtoken.secret"),
        }
    }
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
        let vars: Vec<(String, String)> = env
            .into_iter()
            .filter(|(k, v)| !v.is_empty() && setting_key(k).is_some())
            .map(|(k, v)| (setting_key(&k).unwrap_or_default(), v))
            .collect();
        for (key, value) in vars {
            figment = figment.merge((key.as_str(), parse_env_value(&key, &value)));
        }
        let config: Config = figment.extract().map_err(describe_error)?;
        config.check()
    }

    fn check(self) -> anyhow::Result<Config> {
        if let Some(url) = &self.database_url
            && !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            bail!("PEERGATE_DATABASE_URL: `{}` is neither a sqlite: nor a postgres:// URL", redact_url(url));
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            bail!("PEERGATE_PUBLIC_URL: `{url}` must start with http:// or https://");
        }
        if self.body_limit < 1024 {
            bail!("PEERGATE_BODY_LIMIT: {} bytes is too small (at least 1024)", self.body_limit);
        }
        self.lan_address()?;
        for (var, secs) in [
            ("PEERGATE_STATUS_INTERVAL_SECS", self.status_interval_secs),
            ("PEERGATE_PING_INTERVAL_SECS", self.ping_interval_secs),
            ("PEERGATE_RECONCILE_INTERVAL_SECS", self.reconcile_interval_secs),
        ] {
            if !(1..=86_400).contains(&secs) {
                bail!("{var}: {secs} is not between 1 and 86400 seconds");
            }
        }
        tracing_subscriber::EnvFilter::try_new(&self.log)
            .with_context(|| format!("PEERGATE_LOG: `{}` is not a valid log filter", self.log))?;
        Ok(self)
    }

    /// The database URL in effect: the configured one or the SQLite file under the data dir.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
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

/// Maps an environment variable name to its setting key, or `None` if it is not ours.
fn setting_key(var: &str) -> Option<String> {
    let key = if let Some(rest) = var.strip_prefix("PEERGATE_") {
        rest.to_ascii_lowercase()
    } else if var.starts_with("PEERINGDB_") || var.starts_with("ZT_") || var == "WG_QUICK_USERSPACE_IMPLEMENTATION" {
        var.to_ascii_lowercase()
    } else {
        return None;
    };
    KNOWN_KEYS.contains(&key.as_str()).then_some(key)
}

/// The environment variable that sets a key (for error messages).
fn env_var_for(key: &str) -> String {
    if key.starts_with("peeringdb_") || key.starts_with("zt_") || key == "wg_quick_userspace_implementation" {
        key.to_ascii_uppercase()
    } else {
        format!("PEERGATE_{}", key.to_ascii_uppercase())
    }
}

const KNOWN_KEYS: &[&str] = &[
    "listen",
    "database_url",
    "data_dir",
    "wg_dir",
    "sysctl_file",
    "firewall",
    "lan_interface",
    "lan_address",
    "wg_quick_userspace_implementation",
    "public_url",
    "body_limit",
    "token_cache_secs",
    "status_interval_secs",
    "ping_interval_secs",
    "reconcile_interval_secs",
    "log",
    "log_format",
    "peeringdb_issuer",
    "peeringdb_client_id",
    "peeringdb_client_secret",
    "zt_provider",
    "zt_central_url",
    "zt_central_token",
    "zt_controller_url",
    "zt_controller_token",
    "zt_controller_token_file",
];

/// Environment values are strings; numeric settings become numbers (a value that is not a number
/// stays a string, so extraction fails with the variable's name).
fn parse_env_value(key: &str, value: &str) -> figment::value::Value {
    match (key, value.parse::<u64>()) {
        (
            "body_limit" | "token_cache_secs" | "status_interval_secs" | "ping_interval_secs" | "reconcile_interval_secs",
            Ok(n),
        ) => figment::value::Value::from(n),
        _ => figment::value::Value::from(value.to_string()),
    }
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
    fn env_example_documents_every_setting() {
        let example = include_str!("../../../.env.example");
        for key in KNOWN_KEYS {
            let var = env_var_for(key);
            assert!(example.lines().any(|l| l.starts_with(&format!("{var}="))), "{var} missing from .env.example");
            assert_eq!(setting_key(&var).as_deref(), Some(*key));
        }
    }

    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(redact_url("postgres://pg:secret@db:5432/x"), "postgres://pg:***@db:5432/x");
        assert_eq!(redact_url("sqlite://./var/p.db"), "sqlite://./var/p.db");
    }
}
