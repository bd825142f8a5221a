//! The iptables backend: five fixed rules in peergate's `PEERGATE-*` chains that match the ipset
//! `peergate-clients`, whose members are the clients' subnets with their interfaces (see
//! `peergate_core::firewall_plan`).
//!
//! Why a set: with one rule per client, every change costs more as clients are added. Deleting a
//! rule makes iptables-nft fetch and compare the whole chain, and iptables-legacy reads and
//! rewrites the whole table for any change; and checking a client's rules first meant reading
//! `iptables-save`. An ipset member is added or removed in the kernel's hash in one netlink
//! message, with the same cost at 10 clients or 1,000, on iptables-nft and iptables-legacy alike.

use async_trait::async_trait;
use peergate_core::firewall_plan::{self as plan, ObservedRules, RuledClient};

use super::firewall::{Firewall, FirewallError, TIMEOUT};
use super::run::{Argv, RunError, run};

pub struct Iptables {
    lan_interface: String,
    /// A rebuild swaps whole sets: an addition or removal beside it could land in the set being
    /// swapped out, so changes run one at a time (each is a few milliseconds).
    changing: tokio::sync::Mutex<()>,
}

#[async_trait]
impl Firewall for Iptables {
    async fn rebuild(&self, clients: &[RuledClient]) -> Result<(), FirewallError> {
        let _one_at_a_time = self.changing.lock().await;
        let mut rules_ok = self.rules_ok().await;
        if !rules_ok {
            // Whatever is in peergate's chains (hand edits, a doubled jump, the per-client rules of
            // earlier versions) goes; the rules are written whole below.
            self.detach().await;
        }
        // The members are filled aside and exchanged with the live set in one step, so no packet
        // sees a half-filled set.
        ipset_restore(plan::ipset_fill_next(clients)).await?;
        if ipset(&["swap", plan::IPSET_NEXT, plan::IPSET]).await.is_ok() {
            ipset(&["destroy", plan::IPSET_NEXT]).await?;
        } else {
            // No live set, or one of another type (made by hand): rules referencing it must go
            // before it can be destroyed.
            if rules_ok {
                self.detach().await;
                rules_ok = false;
            }
            let _ = ipset(&["destroy", plan::IPSET]).await;
            ipset(&["rename", plan::IPSET_NEXT, plan::IPSET]).await?;
        }
        if !rules_ok {
            restore(plan::iptables_rebuild(&self.lan_interface, true)).await?;
        }
        Ok(())
    }

    async fn base_ok(&self) -> bool {
        // The set's header only (`-t`): its members are not read.
        let set_ok = match ipset(&["-t", "list", plan::IPSET]).await {
            Ok(header) => header.contains("Type: hash:net,iface") && header.contains("family inet "),
            Err(_) => false,
        };
        set_ok && self.rules_ok().await
    }

    async fn add(&self, clients: &[RuledClient]) -> Result<(), FirewallError> {
        let script = plan::ipset_add(clients);
        if script.is_empty() {
            return Ok(()); // no IPv4 subnet: nothing for iptables
        }
        let _one_at_a_time = self.changing.lock().await;
        Ok(ipset_restore(script).await?)
    }

    async fn remove(&self, clients: &[RuledClient]) -> Result<(), FirewallError> {
        let script = plan::ipset_remove(clients);
        if script.is_empty() {
            return Ok(());
        }
        let _one_at_a_time = self.changing.lock().await;
        match ipset_restore(script).await {
            Ok(()) => Ok(()),
            // `-exist` forgives non-members; what is left to fail is a missing set: nothing to remove.
            Err(err) if ipset(&["-t", "list", plan::IPSET]).await.is_ok() => Err(err.into()),
            Err(_) => Ok(()),
        }
    }

    async fn resubnet(&self, before: &RuledClient, after: &RuledClient) -> Result<(), FirewallError> {
        // The new members first, so traffic to a subnet kept by the change never stops.
        self.add(std::slice::from_ref(after)).await?;
        let gone = before.ipv4().difference(&after.ipv4()).map(|net| ipnet::IpNet::V4(*net)).collect();
        self.remove(&[RuledClient { name: before.name.clone(), subnets: gone }]).await
    }

    async fn observe(&self) -> ObservedRules {
        let members = match ipset(&["save", plan::IPSET]).await {
            Ok(saved) => plan::parse_ipset_save(&saved),
            Err(_) => None,
        };
        match members {
            Some(subnets) if self.rules_ok().await => {
                ObservedRules { base_ok: true, clients: subnets.keys().cloned().collect(), subnets: Some(subnets) }
            }
            _ => ObservedRules::default(),
        }
    }

    fn describe(&self, client: &RuledClient) -> Option<String> {
        let members: String = client.ipv4().iter().map(|net| format!("#   {net},{}\n", client.name)).collect();
        let members = if members.is_empty() { "#   none: the client has no IPv4 subnet\n".to_string() } else { members };
        Some(format!(
            "# ipset {set} (hash:net,iface), this client's members:\n{members}# iptables-restore --noflush\n{}",
            plan::iptables_rebuild(&self.lan_interface, false),
            set = plan::IPSET,
        ))
    }
}

impl Iptables {
    pub fn new(lan_interface: String) -> Iptables {
        Iptables { lan_interface, changing: tokio::sync::Mutex::new(()) }
    }

    /// peergate's chains hold exactly its rules and are each jumped to once.
    async fn rules_ok(&self) -> bool {
        match run(&Argv::new("iptables-save"), TIMEOUT).await {
            Ok(out) => plan::parse_iptables_save(&out.stdout, &self.lan_interface),
            Err(err) => {
                tracing::warn!(error = %err, "reading iptables rules failed");
                false
            }
        }
    }

    /// Removes every jump into peergate's chains (a doubled one too), then the chains. Each step
    /// may find nothing to do; only a rebuild after drift gets here.
    async fn detach(&self) {
        for (table, chain, parent) in plan::IPTABLES_CHAINS {
            for _ in 0..8 {
                let argv = Argv::new("iptables").args(["-w", "-t", table, "-D", parent, "-j", chain]);
                if run(&argv, TIMEOUT).await.is_err() {
                    break; // no jump left
                }
            }
            for flag in ["-F", "-X"] {
                let _ = run(&Argv::new("iptables").args(["-w", "-t", table, flag, chain]), TIMEOUT).await;
            }
        }
    }
}

async fn restore(script: String) -> Result<(), RunError> {
    run(&Argv::new("iptables-restore").arg("--noflush").stdin(script), TIMEOUT).await.map(|_| ())
}

async fn ipset(args: &[&str]) -> Result<String, RunError> {
    run(&Argv::new("ipset").args(args.iter().copied()), TIMEOUT).await.map(|out| out.stdout)
}

/// One `ipset` process for a batch of lines; `-exist` makes adding a member and deleting a
/// non-member no error.
async fn ipset_restore(script: String) -> Result<(), RunError> {
    run(&Argv::new("ipset").args(["-exist", "restore"]).stdin(script), TIMEOUT).await.map(|_| ())
}
