//! The nftables backend: one table `inet peergate` whose fixed rules match the set `clients` of
//! interface names (see `peergate_core::firewall_plan`). Adding a client is one `add element`; a
//! removal waits for one RCU grace period in the kernel (≈ 14 ms) per transaction, so removals
//! that arrive together are committed together.

use async_trait::async_trait;
use peergate_core::firewall_plan::{self as plan, ObservedRules, RuledClient};
use tokio::sync::oneshot;

use super::firewall::{Firewall, FirewallError, TIMEOUT};
use super::run::{Argv, RunError, run};

pub struct Nftables {
    lan_interface: String,
    removals: Removals,
}

/// Removals waiting for the one running now: they go together in the next `nft` batch, so
/// clients removed at once (a bulk deactivation sends several requests together) share one
/// kernel transaction and its grace period (group commit). A single removal runs at once.
#[derive(Default)]
struct Removals {
    waiting: std::sync::Mutex<Vec<(Vec<String>, oneshot::Sender<bool>)>>,
    turn: tokio::sync::Mutex<()>,
}

#[async_trait]
impl Firewall for Nftables {
    async fn rebuild(&self, clients: &[RuledClient]) -> Result<(), FirewallError> {
        Ok(nft(plan::nft_table(&self.lan_interface, &names(clients))).await?)
    }

    async fn base_ok(&self) -> bool {
        // Terse, the whole ruleset is listed without fetching any set's members (for `list table`
        // nft 1.0 fetches them even with `-t`, and hides them only when printing).
        let argv = Argv::new("nft").args(["-t", "-j", "list", "ruleset"]);
        let listed = run(&argv, TIMEOUT).await.ok().map(|o| o.stdout);
        plan::parse_nft_table(listed.as_deref()).base_ok
    }

    async fn add(&self, clients: &[RuledClient]) -> Result<(), FirewallError> {
        if clients.is_empty() {
            return Ok(());
        }
        Ok(nft(plan::nft_add_clients(&names(clients))).await?)
    }

    async fn remove(&self, clients: &[RuledClient]) -> Result<(), FirewallError> {
        if clients.is_empty() {
            return Ok(());
        }
        let (done, batched) = oneshot::channel();
        self.removals.waiting.lock().unwrap().push((names(clients), done));
        {
            let _turn = self.removals.turn.lock().await;
            // Whoever gets the turn removes everything waiting (its own entry, if an earlier turn
            // has not taken it already).
            let waiting = std::mem::take(&mut *self.removals.waiting.lock().unwrap());
            if !waiting.is_empty() {
                let all: Vec<String> = waiting.iter().flat_map(|(names, _)| names.iter().cloned()).collect();
                let ok = self.remove_now(&all).await.is_ok();
                for (_, done) in waiting {
                    let _ = done.send(ok);
                }
            }
        }
        match batched.await {
            Ok(true) => Ok(()),
            // The batch failed, or the caller running it went away: this removal alone says why.
            _ => {
                let _turn = self.removals.turn.lock().await;
                self.remove_now(&names(clients)).await
            }
        }
    }

    async fn observe(&self) -> ObservedRules {
        let argv = Argv::new("nft").args(["-j", "list", "table", "inet", plan::NFT_TABLE]);
        let listed = run(&argv, TIMEOUT).await.ok().map(|o| o.stdout);
        plan::parse_nft_table(listed.as_deref())
    }

    fn describe(&self, client: &RuledClient) -> Option<String> {
        // The table as it looks with this client in its set; the first two lines of the script
        // (create-then-delete, for an atomic replace) are mechanics, not rules.
        let name = &client.name;
        let script = plan::nft_table(&self.lan_interface, std::slice::from_ref(name));
        let rules: Vec<&str> = script.lines().skip(2).collect();
        Some(format!("# nftables: \"{name}\" is a member of the set @clients\n{}\n", rules.join("\n")))
    }
}

impl Nftables {
    pub fn new(lan_interface: String) -> Nftables {
        Nftables { lan_interface, removals: Removals::default() }
    }

    async fn remove_now(&self, names: &[String]) -> Result<(), FirewallError> {
        match nft(plan::nft_remove_clients(names)).await {
            Ok(()) => Ok(()),
            // The batch fails only when there is no set to remove from: then nothing is installed.
            Err(err) if self.has_set().await => Err(err.into()),
            Err(_) => Ok(()),
        }
    }

    async fn has_set(&self) -> bool {
        let argv = Argv::new("nft").args(["-t", "list", "set", "inet", plan::NFT_TABLE, "clients"]);
        run(&argv, TIMEOUT).await.is_ok()
    }
}

fn names(clients: &[RuledClient]) -> Vec<String> {
    clients.iter().map(|c| c.name.clone()).collect()
}

async fn nft(script: String) -> Result<(), RunError> {
    run(&Argv::new("nft").args(["-f", "-"]).stdin(script), TIMEOUT).await.map(|_| ())
}
