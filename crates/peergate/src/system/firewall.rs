//! The firewall boundary: peergate's rules for its clients, on nftables or iptables (chosen by
//! `PEERGATE_FIREWALL`, default nftables when `nft` exists). The rule text comes from
//! `peergate_core::firewall_plan`; `firewall_nft` and `firewall_iptables` only run `nft -f -`,
//! `iptables-restore --noflush` and `ipset restore`, and read the result back.
//!
//! On both backends the rules are fixed and the clients are members of a set, so activating or
//! removing one client changes one member and reads nothing that grows with the number of clients:
//! an activation checks the base (`base_ok`, the set's members left out), then adds; a removal
//! removes whether or not the client is a member. Only the reconciler lists every member.
use std::time::Duration;

use async_trait::async_trait;
use peergate_core::firewall_plan::{ObservedRules, RuledClient};

pub use super::firewall_iptables::Iptables;
pub use super::firewall_nft::Nftables;
use super::run::RunError;
use crate::config::FirewallBackend;

pub(super) const TIMEOUT: Duration = Duration::from_secs(15);

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
    /// Replaces peergate's rules with exactly these clients' (the set atomically on both backends).
    async fn rebuild(&self, clients: &[RuledClient]) -> Result<(), FirewallError>;
    /// Whether the base (table or chains, their rules, the jumps, the set) is intact, read without
    /// the set's members: what an activation checks before `add`.
    async fn base_ok(&self) -> bool;
    /// Adds clients to an intact base; a member stays one member.
    async fn add(&self, clients: &[RuledClient]) -> Result<(), FirewallError>;
    /// Removes clients in one change, members or not; no base at all is nothing to remove.
    async fn remove(&self, clients: &[RuledClient]) -> Result<(), FirewallError>;
    /// A running client's subnets changed (the rules of backends that match subnets follow).
    async fn resubnet(&self, _before: &RuledClient, _after: &RuledClient) -> Result<(), FirewallError> {
        Ok(())
    }
    /// The base and every member (the reconciler's read).
    async fn observe(&self) -> ObservedRules;
    /// The rules installed for one client, as text for people; `None` when none can be.
    fn describe(&self, client: &RuledClient) -> Option<String>;
}

/// The firewall of a gateway whose LAN interface is unknown: nothing is installed, so nothing is
/// observed or removed, and anything that needs rules fails with what to configure.
pub struct Unconfigured;

#[async_trait]
impl Firewall for Unconfigured {
    fn ready(&self) -> Result<(), FirewallError> {
        Err(FirewallError::Unconfigured)
    }

    async fn rebuild(&self, _clients: &[RuledClient]) -> Result<(), FirewallError> {
        Err(FirewallError::Unconfigured)
    }

    async fn base_ok(&self) -> bool {
        false
    }

    async fn add(&self, _clients: &[RuledClient]) -> Result<(), FirewallError> {
        Err(FirewallError::Unconfigured)
    }

    async fn remove(&self, _clients: &[RuledClient]) -> Result<(), FirewallError> {
        Ok(())
    }

    async fn observe(&self) -> ObservedRules {
        ObservedRules::default()
    }

    fn describe(&self, _client: &RuledClient) -> Option<String> {
        None
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
        FirewallBackend::Nftables => Box::new(Nftables::new(lan_interface)),
        FirewallBackend::Iptables => Box::new(Iptables::new(lan_interface)),
    }
}
