//! Data-plane figure 2: the firewall change for client N+1 with N clients installed, for each way
//! of making it, at N = 10 and N = 500. peergate's rule changes must not grow with N (the goal:
//! ≤ 2× slower at 500 than at 10), so every method prints its 500/10 ratio.
//!
//! Methods, all through peergate's one subprocess function (`system::run`), so they differ only in
//! what they run:
//! - nftables: `Nftables::add` (one `nft -f` batch: `add element` to the `clients` set) and
//!   `remove` (which first lists the table to stay idempotent); the same preceded by the
//!   `observe()` that activation does; the raw `delete element`; and the whole-table rebuild the
//!   reconciler falls back to (a reference: it grows with N by construction).
//! - iptables: `Iptables::add` / `remove` as they are (each reads `iptables-save` first, to never
//!   duplicate a rule); the same preceded by activation's `observe()`; the raw
//!   `iptables-restore --noflush` of the client's five rules; and the naive way, one `iptables -A`
//!   (or `-D`) process per rule.
//!
//! Run by scripts/bench-dataplane.sh as root in a fresh network namespace per backend (rules are
//! per namespace; the client interfaces need not exist for rules to name them).
//! Environment: PGB_BACKEND (nftables | iptables), PGB_LABEL (shown, e.g. iptables-nft),
//! PGB_LAN (LAN interface name), PGB_COUNTS (default 10,500), PGB_REPS (default 15), PGB_RESULTS.

mod common;

use std::time::{Duration, Instant};

use common::{Samples, env, env_or, record};
use peergate::system::firewall::{Firewall, Iptables, Nftables};
use peergate::system::run::{Argv, run};
use peergate_core::firewall_plan as plan;
use peergate_core::firewall_plan::ObservedRules;

const TIMEOUT: Duration = Duration::from_secs(30);
const NEWCOMER: &str = "pgbnew";

#[derive(Clone, Copy)]
enum Method {
    PeergateAddRemove,
    ActivationPath,
    NftRaw,
    NftRebuild,
    IptablesRestoreRaw,
    IptablesPerRule,
}

impl Method {
    fn label(self) -> &'static str {
        match self {
            Method::PeergateAddRemove => "peergate add/remove",
            Method::ActivationPath => "peergate observe+add (activate path)",
            Method::NftRaw => "raw nft -f add/delete element",
            Method::NftRebuild => "nft rebuild whole table (reconcile)",
            Method::IptablesRestoreRaw => "raw iptables-restore --noflush",
            Method::IptablesPerRule => "naive: 5 iptables -A/-D calls",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Method::PeergateAddRemove => "peergate",
            Method::ActivationPath => "peergate_activate_path",
            Method::NftRaw => "nft_raw",
            Method::NftRebuild => "nft_rebuild",
            Method::IptablesRestoreRaw => "iptables_restore_raw",
            Method::IptablesPerRule => "iptables_per_rule",
        }
    }
}

struct Bench {
    firewall: Box<dyn Firewall>,
    lan: String,
    installed: Vec<String>,
    /// Observations of the installed clients without / with the newcomer (read once, untimed).
    without: ObservedRules,
    with: ObservedRules,
}

async fn must(argv: Argv) {
    if let Err(err) = run(&argv, TIMEOUT).await {
        panic!("{err}");
    }
}

/// The five `iptables` invocations equivalent to peergate's restore script for one client:
/// `*table` headers give `-t`, each `-A`/`-D` line becomes one process (as shell tools do it).
fn per_rule_argvs(script: &str) -> Vec<Argv> {
    let mut table = "filter";
    let mut argvs = Vec::new();
    for line in script.lines() {
        if let Some(t) = line.strip_prefix('*') {
            table = t;
        } else if line.starts_with("-A ") || line.starts_with("-D ") {
            // The only quoted word is the comment `"peergate:NAME"`, which has no spaces.
            let words = line.split_whitespace().map(|w| w.trim_matches('"'));
            argvs.push(Argv::new("iptables").args(["-w", "-t", table]).args(words));
        }
    }
    argvs
}

impl Bench {
    async fn apply(&self, method: Method, add: bool) {
        let name = NEWCOMER;
        match (method, add) {
            // The change alone, given an observation the caller already has (a reconcile pass reads
            // the rules once for all its ops).
            (Method::PeergateAddRemove, true) => self.firewall.add(name, &self.without).await.expect("add"),
            (Method::PeergateAddRemove, false) => self.firewall.remove(name, &self.with).await.expect("remove"),
            (Method::ActivationPath, true) => {
                // DataPlane::bring_up: one observation (to choose add vs rebuild), then add.
                let observed = self.firewall.observe().await;
                assert!(observed.base_ok);
                self.firewall.add(name, &observed).await.expect("add")
            }
            // DataPlane::tear_down: one observation, then remove.
            (Method::ActivationPath, false) => {
                let observed = self.firewall.observe().await;
                self.firewall.remove(name, &observed).await.expect("remove")
            }
            (Method::NftRaw, true) => must(Argv::new("nft").args(["-f", "-"]).stdin(plan::nft_add_client(name))).await,
            (Method::NftRaw, false) => must(Argv::new("nft").args(["-f", "-"]).stdin(plan::nft_remove_client(name))).await,
            (Method::NftRebuild, true) => {
                let mut all = self.installed.clone();
                all.push(name.to_string());
                self.firewall.rebuild(&all).await.expect("rebuild")
            }
            (Method::NftRebuild, false) => self.firewall.rebuild(&self.installed).await.expect("rebuild"),
            (Method::IptablesRestoreRaw, true) => {
                let script = plan::iptables_add_client(&self.lan, name);
                must(Argv::new("iptables-restore").arg("--noflush").stdin(script)).await
            }
            (Method::IptablesRestoreRaw, false) => {
                let script = plan::iptables_remove_client(&self.lan, name);
                must(Argv::new("iptables-restore").arg("--noflush").stdin(script)).await
            }
            (Method::IptablesPerRule, add) => {
                let script =
                    if add { plan::iptables_add_client(&self.lan, name) } else { plan::iptables_remove_client(&self.lan, name) };
                let argvs = per_rule_argvs(&script);
                assert_eq!(argvs.len(), 5);
                for argv in argvs {
                    must(argv).await;
                }
            }
        }
    }

    /// `reps` add/remove cycles after one untimed cycle; checks the rule set after each phase.
    async fn cycles(&self, method: Method, reps: usize) -> (Samples, Samples) {
        let (mut adds, mut removes) = (Vec::new(), Vec::new());
        for rep in 0..=reps {
            let start = Instant::now();
            self.apply(method, true).await;
            let add = start.elapsed();
            if rep == 0 {
                self.check(true).await;
            }
            let start = Instant::now();
            self.apply(method, false).await;
            let remove = start.elapsed();
            if rep == 0 {
                self.check(false).await;
            } else {
                adds.push(add);
                removes.push(remove);
            }
        }
        self.check(false).await;
        (Samples(adds), Samples(removes))
    }

    /// The newcomer's rules are present exactly when expected, next to the N others, with no
    /// duplicate: a method that did less than the real change would be a false win.
    async fn check(&self, newcomer_present: bool) {
        let observed = self.firewall.observe().await;
        assert!(observed.base_ok, "base damaged");
        assert!(observed.damaged.is_empty(), "damaged rules: {:?}", observed.damaged);
        assert_eq!(observed.clients.contains(NEWCOMER), newcomer_present);
        assert_eq!(observed.clients.len(), self.installed.len() + usize::from(newcomer_present));
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let backend = env("PGB_BACKEND");
    let label = env_or("PGB_LABEL", &backend);
    let lan = env("PGB_LAN");
    let counts: Vec<usize> = env_or("PGB_COUNTS", "10,500").split(',').map(|n| n.parse().expect("PGB_COUNTS")).collect();
    let reps: usize = env_or("PGB_REPS", "15").parse().expect("PGB_REPS");
    let (firewall, methods): (Box<dyn Firewall>, Vec<Method>) = match backend.as_str() {
        "nftables" => (
            Box::new(Nftables { lan_interface: lan.clone() }),
            vec![Method::PeergateAddRemove, Method::ActivationPath, Method::NftRaw, Method::NftRebuild],
        ),
        "iptables" => (
            Box::new(Iptables { lan_interface: lan.clone() }),
            vec![Method::PeergateAddRemove, Method::ActivationPath, Method::IptablesRestoreRaw, Method::IptablesPerRule],
        ),
        other => panic!("PGB_BACKEND must be nftables or iptables, not {other}"),
    };
    let mut bench =
        Bench { firewall, lan, installed: Vec::new(), without: ObservedRules::default(), with: ObservedRules::default() };

    // medians[method][count] = (add ms, remove ms)
    let mut medians: Vec<Vec<(f64, f64)>> = vec![Vec::new(); methods.len()];
    for &n in &counts {
        bench.installed = (0..n).map(|i| format!("pgbc{i}")).collect();
        bench.firewall.rebuild(&bench.installed).await.expect("install the N clients");
        bench.check(false).await;
        bench.without = bench.firewall.observe().await;
        bench.with = bench.without.clone();
        bench.with.clients.insert(NEWCOMER.to_string());
        for (i, &method) in methods.iter().enumerate() {
            let (adds, removes) = bench.cycles(method, reps).await;
            medians[i].push((adds.median_ms(), removes.median_ms()));
            record(serde_json::json!({
                "fig": "firewall", "backend": label, "n": n, "method": method.key(), "label": method.label(),
                "reps": reps, "add_median_ms": adds.median_ms(), "add_p90_ms": adds.ms(0.9),
                "remove_median_ms": removes.median_ms(), "remove_p90_ms": removes.ms(0.9),
            }));
        }
    }

    println!("firewall change for client N+1, {label}, median of {reps} add/remove cycles (ms):");
    print!("  {:<40}", "method");
    for n in &counts {
        print!(" {:>9} {:>9}", format!("add@{n}"), format!("rm@{n}"));
    }
    if counts.len() == 2 {
        print!(" {:>9} {:>9}", format!("add {}/{}", counts[1], counts[0]), "rm ratio");
    }
    println!();
    for (method, row) in methods.iter().zip(&medians) {
        print!("  {:<40}", method.label());
        for (add, remove) in row {
            print!(" {add:>9.2} {remove:>9.2}");
        }
        if let [(a0, r0), (a1, r1)] = row[..] {
            print!(" {:>8.2}× {:>8.2}×", a1 / a0, r1 / r0);
        }
        println!();
    }
}
