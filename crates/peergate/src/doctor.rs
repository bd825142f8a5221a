//! `peergate doctor`: checks what the gateway needs and says what is missing, in the order an
//! operator would fix it: tools, directories, database, LAN, forwarding, firewall, drift between
//! the database and the system. Read-only: it changes nothing, and never creates or migrates a
//! database (a missing SQLite file or pending migrations are reported, not fixed).

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::sync::Arc;

use crate::config::{Config, FirewallBackend};
use crate::dataplane::DataPlane;
use crate::dataplane::reconcile::op_label;
use crate::db::Db;
use crate::events::Events;
use crate::roster::Roster;
use crate::server::real_backends;
use crate::system::lan;

#[derive(Default)]
struct Report {
    failures: usize,
}

impl Report {
    fn ok(&mut self, what: &str) {
        println!("ok    {what}");
    }

    fn warn(&mut self, what: &str) {
        println!("warn  {what}");
    }

    fn fail(&mut self, what: &str) {
        self.failures += 1;
        println!("FAIL  {what}");
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join(program).is_file()))
}

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let mut r = Report::default();
    for tool in ["wg", "wg-quick", "ip"] {
        if on_path(tool) {
            r.ok(&format!("{tool} is installed"))
        } else {
            r.fail(&format!("{tool} is missing: install wireguard-tools / iproute2"))
        }
    }
    let kernel_module = Path::new("/sys/module/wireguard").exists();
    match (&config.wg_quick_userspace_implementation, kernel_module) {
        (Some(userspace), _) if !on_path(userspace) => {
            r.fail(&format!("WG_QUICK_USERSPACE_IMPLEMENTATION={userspace} is not installed"))
        }
        (Some(userspace), _) => r.ok(&format!("userspace WireGuard: {userspace}")),
        (None, true) => r.ok("WireGuard kernel module loaded"),
        // wg-quick runs `${WG_QUICK_USERSPACE_IMPLEMENTATION:-wireguard-go}` by itself when
        // `ip link add … type wireguard` fails.
        (None, false) if on_path("wireguard-go") => {
            r.ok("no WireGuard kernel module: wg-quick falls back to wireguard-go by itself (slower, in userspace)")
        }
        (None, false) => {
            r.fail("no WireGuard kernel module and no wireguard-go: run `modprobe wireguard` or install wireguard-go")
        }
    }
    let backend = config.firewall.unwrap_or(if on_path("nft") { FirewallBackend::Nftables } else { FirewallBackend::Iptables });
    let needed: &[&str] = match backend {
        FirewallBackend::Nftables => &["nft"],
        FirewallBackend::Iptables => &["iptables", "iptables-restore", "iptables-save", "ipset"],
    };
    for tool in needed {
        if on_path(tool) {
            r.ok(&format!("firewall {backend}: {tool} is installed"))
        } else {
            r.fail(&format!("firewall {backend}: {tool} is missing"))
        }
    }
    if let Some(table) = dropping_forward_chain().await {
        r.warn(&format!(
            "{table} drops forwarded traffic by default (Docker does this); peergate's nftables rules cannot \
             override another table's drop: allow LAN ↔ client traffic there, or use PEERGATE_FIREWALL=iptables"
        ));
    }
    match std::fs::metadata(&config.wg_dir) {
        Ok(meta) if meta.permissions().mode() & 0o077 != 0 => r.fail(&format!(
            "{} is readable by others (mode {:o}): chmod 700 it",
            config.wg_dir.display(),
            meta.permissions().mode() & 0o777
        )),
        Ok(meta) if meta.uid() != 0 && nix_is_root() => r.warn(&format!("{} is not owned by root", config.wg_dir.display())),
        Ok(_) => r.ok(&format!("{} exists and is private", config.wg_dir.display())),
        Err(err) => r.warn(&format!("{}: {err} (peergate creates it on start)", config.wg_dir.display())),
    }
    let url = config.effective_database_url();
    let db = match crate::db::sqlite_path(&url).filter(|path| !Path::new(path).exists()) {
        Some(path) => {
            r.warn(&format!("the database {path} does not exist yet (`peergate serve` or `peergate migrate` creates it)"));
            None
        }
        None => match Db::connect(&url).await {
            Ok(db) => {
                r.ok("database reachable");
                Some(db)
            }
            Err(err) => {
                r.fail(&format!("{err:#}"));
                None
            }
        },
    };
    let lan = lan::detect(config).await;
    match &lan {
        Some(l) if l.interface.is_some() => {
            r.ok(&format!("LAN: {} on {}", l.address, l.interface.as_deref().unwrap_or_default()))
        }
        Some(l) => r.fail(&format!("LAN address {} known but not its interface: set PEERGATE_LAN_INTERFACE", l.address)),
        None => r.fail("gateway LAN unknown: set PEERGATE_LAN_INTERFACE and PEERGATE_LAN_ADDRESS"),
    }
    let dataplane = DataPlane::new(real_backends(config, lan.as_ref()), Arc::new(Roster::new(Events::default())));
    if dataplane.backends.forwarding.ipv4() {
        r.ok("IPv4 forwarding is on")
    } else {
        r.warn("IPv4 forwarding is off (peergate turns it on when a client is activated)")
    }
    if let Some(db) = db {
        match db.pending_migrations().await {
            Err(err) => r.fail(&format!("{err:#}")),
            Ok(pending @ 1..) => r.warn(&format!(
                "{pending} database migration(s) not applied yet (`peergate serve` applies them; or `peergate migrate`); \
                 drift not checked"
            )),
            Ok(0) => match dataplane.reconciler.drift(&db).await {
                Ok(drift) if drift.ops.is_empty() => r.ok("no drift: interfaces, rules and forwarding match the database"),
                Ok(drift) => {
                    for op in &drift.ops {
                        let (client, label) = op_label(op);
                        r.warn(&format!(
                            "drift: {label} {} (the reconciler of a running peergate repairs it)",
                            client.unwrap_or("")
                        ));
                    }
                }
                Err(err) => r.fail(&format!("checking drift: {err:#}")),
            },
        }
    }
    if r.failures > 0 {
        anyhow::bail!("{} problem(s) found", r.failures);
    }
    Ok(())
}

/// A base chain on the forward hook, outside peergate's table, whose policy is drop.
async fn dropping_forward_chain() -> Option<String> {
    let argv = crate::system::run::Argv::new("nft").args(["-j", "list", "chains"]);
    let listed = crate::system::run::run(&argv, std::time::Duration::from_secs(5)).await.ok()?;
    let value: serde_json::Value = serde_json::from_str(&listed.stdout).ok()?;
    value["nftables"].as_array()?.iter().filter_map(|item| item.get("chain")).find_map(|chain| {
        let ours = chain["table"] == peergate_core::firewall_plan::NFT_TABLE;
        (!ours && chain["hook"] == "forward" && chain["policy"] == "drop").then(|| {
            format!("the {} table's chain {}", chain["table"].as_str().unwrap_or("?"), chain["name"].as_str().unwrap_or("?"))
        })
    })
}

fn nix_is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}
