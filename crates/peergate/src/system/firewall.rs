//! The firewall boundary: peergate's rules for its clients, on nftables or iptables (chosen by
//! `PEERGATE_FIREWALL`, default nftables when `nft` exists). The rule text comes from
//! `peergate_core::firewall_plan`; this module only runs `nft -f -` / `iptables-restore --noflush`
//! and reads the result back with `nft -j list table` / `iptables-save`.

use std::time::Duration;

use async_trait::async_trait;
use peergate_core::firewall_plan::{self as plan, ObservedRules};

use super::run::{Argv, RunError, run};
use crate::config::FirewallBackend;

const TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum FirewallError {
    #[error(transparent)]
    Run(#[from] RunError),
    #[error("The gateway's LAN interface is unknown, so no forwarding rules can be installed: set PEERGATE_LAN_INTERFACE.")]
    Unconfigured,
}

#[async_trait]
pub trait Firewall: Send + Sync {
    /// Whether rules can be installed at all (checked before an activation changes anything).
    fn ready(&self) -> Result<(), FirewallError> {
        Ok(())
    }
    /// Replaces peergate's rules with exactly these clients' (atomically on nftables).
    async fn rebuild(&self, clients: &[String]) -> Result<(), FirewallError>;
    /// Adds one client's rules to an intact base; `observed` is what the caller just read (so an
    /// activation reads the rules once, not twice).
    async fn add(&self, name: &str, observed: &ObservedRules) -> Result<(), FirewallError>;
    async fn remove(&self, name: &str, observed: &ObservedRules) -> Result<(), FirewallError>;
    async fn observe(&self) -> ObservedRules;
    /// The rules installed for one client, as text for people; `None` when none can be.
    fn describe(&self, name: &str) -> Option<String>;
}

/// The firewall of a gateway whose LAN interface is unknown: nothing is installed, so nothing is
/// observed or removed, and anything that needs rules fails with what to configure.
pub struct Unconfigured;

#[async_trait]
impl Firewall for Unconfigured {
    fn ready(&self) -> Result<(), FirewallError> {
        Err(FirewallError::Unconfigured)
    }

    async fn rebuild(&self, _clients: &[String]) -> Result<(), FirewallError> {
        Err(FirewallError::Unconfigured)
    }

    async fn add(&self, _name: &str, _observed: &ObservedRules) -> Result<(), FirewallError> {
        Err(FirewallError::Unconfigured)
    }

    async fn remove(&self, _name: &str, _observed: &ObservedRules) -> Result<(), FirewallError> {
        Ok(())
    }

    async fn observe(&self) -> ObservedRules {
        ObservedRules::default()
    }

    fn describe(&self, _name: &str) -> Option<String> {
        None
    }
}

pub struct Nftables {
    pub lan_interface: String,
}

#[async_trait]
impl Firewall for Nftables {
    async fn rebuild(&self, clients: &[String]) -> Result<(), FirewallError> {
        Ok(nft(plan::nft_table(&self.lan_interface, clients)).await?)
    }

    async fn add(&self, name: &str, _observed: &ObservedRules) -> Result<(), FirewallError> {
        // `add element` of a member is a no-op: nothing to check first.
        Ok(nft(plan::nft_add_client(name)).await?)
    }

    async fn remove(&self, name: &str, observed: &ObservedRules) -> Result<(), FirewallError> {
        if !observed.clients.contains(name) {
            return Ok(());
        }
        Ok(nft(plan::nft_remove_client(name)).await?)
    }

    async fn observe(&self) -> ObservedRules {
        let argv = Argv::new("nft").args(["-j", "list", "table", "inet", plan::NFT_TABLE]);
        let listed = run(&argv, TIMEOUT).await.ok().map(|o| o.stdout);
        plan::parse_nft_table(listed.as_deref())
    }

    fn describe(&self, name: &str) -> Option<String> {
        // The table as it looks with this client in its set; the first two lines of the script
        // (create-then-delete, for an atomic replace) are mechanics, not rules.
        let script = plan::nft_table(&self.lan_interface, &[name.to_string()]);
        let rules: Vec<&str> = script.lines().skip(2).collect();
        Some(format!("# nftables: \"{name}\" is a member of the set @clients\n{}\n", rules.join("\n")))
    }
}

async fn nft(script: String) -> Result<(), RunError> {
    run(&Argv::new("nft").args(["-f", "-"]).stdin(script), TIMEOUT).await.map(|_| ())
}

pub struct Iptables {
    pub lan_interface: String,
}

impl Iptables {
    async fn restore(&self, script: String) -> Result<(), RunError> {
        run(&Argv::new("iptables-restore").arg("--noflush").stdin(script), TIMEOUT).await.map(|_| ())
    }

    /// Deletes every copy of a client's rules, one rule at a time (only after hand edits left
    /// them partial or doubled, so the extra processes do not matter).
    async fn purge(&self, name: &str) {
        for deletion in plan::iptables_client_deletions(&self.lan_interface, name) {
            for _ in 0..4 {
                if self.restore(deletion.clone()).await.is_err() {
                    break; // no copy left
                }
            }
        }
    }
}

#[async_trait]
impl Firewall for Iptables {
    async fn rebuild(&self, clients: &[String]) -> Result<(), FirewallError> {
        let observed = self.observe().await;
        // Insert the jumps only where they are missing, or they would be doubled.
        let jumps_missing = !observed.base_ok;
        if jumps_missing {
            // A half-present base (a jump deleted by hand) is removed first so jumps stay unique.
            let _ = self.restore(plan::iptables_teardown()).await;
        }
        Ok(self.restore(plan::iptables_rebuild(&self.lan_interface, clients, jumps_missing)).await?)
    }

    async fn add(&self, name: &str, observed: &ObservedRules) -> Result<(), FirewallError> {
        if observed.clients.contains(name) {
            return Ok(()); // never duplicate
        }
        if observed.damaged.contains(name) {
            self.purge(name).await;
        }
        Ok(self.restore(plan::iptables_add_client(&self.lan_interface, name)).await?)
    }

    async fn remove(&self, name: &str, observed: &ObservedRules) -> Result<(), FirewallError> {
        if observed.damaged.contains(name) {
            self.purge(name).await;
        } else if observed.clients.contains(name) {
            self.restore(plan::iptables_remove_client(&self.lan_interface, name)).await?;
        }
        Ok(())
    }

    async fn observe(&self) -> ObservedRules {
        match run(&Argv::new("iptables-save"), TIMEOUT).await {
            Ok(out) => plan::parse_iptables_save(&out.stdout),
            Err(err) => {
                tracing::warn!(error = %err, "reading iptables rules failed");
                ObservedRules::default()
            }
        }
    }

    fn describe(&self, name: &str) -> Option<String> {
        Some(format!("# iptables-restore --noflush\n{}", plan::iptables_add_client(&self.lan_interface, name)))
    }
}

/// The configured backend, or nftables when `nft` is installed, else iptables.
pub fn choose(configured: Option<FirewallBackend>, lan_interface: String) -> Box<dyn Firewall> {
    let backend = configured.unwrap_or_else(|| {
        let has_nft =
            std::env::var_os("PATH").map(|paths| std::env::split_paths(&paths).any(|p| p.join("nft").is_file())).unwrap_or(false);
        if has_nft { FirewallBackend::Nftables } else { FirewallBackend::Iptables }
    });
    match backend {
        FirewallBackend::Nftables => Box::new(Nftables { lan_interface }),
        FirewallBackend::Iptables => Box::new(Iptables { lan_interface }),
    }
}
