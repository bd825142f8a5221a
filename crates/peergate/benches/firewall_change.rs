//! Data-plane figure 2: the firewall change for client N+1 with N clients installed, for each way
//! of making it, at N = 10 and N = 500. peergate's changes must not grow with N (the goal: ≤ 1.2×
//! at 500 against 10 on every backend), so every method prints its 500/10 ratio.
//!
//! Methods, all through peergate's one subprocess function (`system::run`), so they differ only in
//! what they run:
//! - peergate: `add` / `remove` of one client (one set member); the activation path (`base_ok`,
//!   which reads the base without the set's members, then `add`); removing 10 clients in one batch,
//!   by 10 calls at once (as a bulk action's requests arrive), and one after the other (per client:
//!   the nftables removal's kernel wait is per transaction).
//! - nftables, also: the raw `add`/`delete element`; the whole-table rebuild the reconciler falls
//!   back to (a reference: it grows with N by construction); and the previous activation path,
//!   which listed the whole table (every member) before each change.
//! - iptables (nft and legacy), also, on the layout peergate used before the ipset (five tagged
//!   rules per client in the same chains): its activation path (`iptables-save`, then
//!   `iptables-restore --noflush` of the five rules) and its removal (`iptables-save`, then the five
//!   `-D`s), and the naive way, one `iptables -A` (or `-D`) process per rule. Measuring it first also
//!   tests the upgrade: peergate's rebuild must replace that layout with its own.
//!
//! Run by scripts/bench-dataplane.sh as root in a fresh network namespace per backend (rules are
//! per namespace; the client interfaces need not exist for rules to name them).
//! Environment: PGB_BACKEND (nftables | iptables), PGB_LABEL (shown, e.g. iptables-nft),
//! PGB_LAN (LAN interface name), PGB_COUNTS (default 10,500), PGB_REPS (default 31), PGB_RESULTS.

mod common;

use std::time::{Duration, Instant};

use common::{Samples, env, env_or, record};
use peergate::system::firewall::{Firewall, Iptables, Nftables};
use peergate::system::run::{Argv, run};
use peergate_core::firewall_plan::{self as plan, RuledClient};

const TIMEOUT: Duration = Duration::from_secs(30);
const NEWCOMER: &str = "pgbnew";
const BATCH: usize = 10;

#[derive(Clone, Copy, PartialEq)]
enum Method {
    Peergate,
    ActivationPath,
    BatchRemove,
    ConcurrentRemoves,
    SingleRemoves,
    NftRaw,
    NftRebuild,
    NftListFirst,
    OldRestore,
    OldPerRule,
}

impl Method {
    fn label(self) -> &'static str {
        match self {
            Method::Peergate => "peergate add / remove",
            Method::ActivationPath => "peergate base check + add (activation)",
            Method::BatchRemove => "peergate 10 removed in one batch, each",
            Method::ConcurrentRemoves => "peergate 10 removed at once (10 calls), each",
            Method::SingleRemoves => "peergate 10 removed one by one, each",
            Method::NftRaw => "raw nft -f add / delete element",
            Method::NftRebuild => "nft rebuild whole table (reconcile)",
            Method::NftListFirst => "before: list the table, then add / delete",
            Method::OldRestore => "before: iptables-save + restore 5 rules",
            Method::OldPerRule => "naive: 5 iptables -A / -D calls",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Method::Peergate => "peergate",
            Method::ActivationPath => "peergate_activate_path",
            Method::BatchRemove => "peergate_batch_remove",
            Method::ConcurrentRemoves => "peergate_concurrent_removes",
            Method::SingleRemoves => "peergate_single_removes",
            Method::NftRaw => "nft_raw",
            Method::NftRebuild => "nft_rebuild",
            Method::NftListFirst => "before_list_first",
            Method::OldRestore => "before_save_restore",
            Method::OldPerRule => "iptables_per_rule",
        }
    }

    /// Methods that run on the layout of earlier versions (iptables only).
    fn old_layout(self) -> bool {
        matches!(self, Method::OldRestore | Method::OldPerRule)
    }
}

struct Bench {
    backend: String,
    firewall: Box<dyn Firewall>,
    lan: String,
    installed: Vec<RuledClient>,
}

async fn must(argv: Argv) -> String {
    match run(&argv, TIMEOUT).await {
        Ok(out) => out.stdout,
        Err(err) => panic!("{err}"),
    }
}

/// `n` clients named `<prefix><i>`, each with its own /24 in `10.<octet>.0.0/16` and above (the
/// iptables set holds one member per subnet).
fn clients(prefix: &str, octet: usize, n: usize) -> Vec<RuledClient> {
    (0..n)
        .map(|i| RuledClient {
            name: format!("{prefix}{i}"),
            subnets: vec![format!("10.{}.{}.0/24", octet + i / 256, i % 256).parse().unwrap()],
        })
        .collect()
}

/// The layout earlier versions wrote: five rules per client in peergate's chains, each tagged
/// `peergate:<name>` so it could be found in `iptables-save` and deleted exactly.
fn old_rules(lan: &str, name: &str) -> [(&'static str, String); 5] {
    let c = format!("-m comment --comment peergate:{name}");
    let syn = "-p tcp -m tcp --tcp-flags SYN,RST SYN";
    [
        ("filter", format!("PEERGATE-FORWARD -i {lan} -o {name} {c} -j ACCEPT")),
        ("filter", format!("PEERGATE-FORWARD -i {name} -o {lan} -m conntrack --ctstate RELATED,ESTABLISHED {c} -j ACCEPT")),
        ("nat", format!("PEERGATE-POSTROUTING -o {name} {c} -j MASQUERADE")),
        ("mangle", format!("PEERGATE-MSS -o {name} {syn} {c} -j TCPMSS --clamp-mss-to-pmtu")),
        ("mangle", format!("PEERGATE-MSS -i {name} {syn} {c} -j TCPMSS --clamp-mss-to-pmtu")),
    ]
}

/// An `iptables-restore --noflush` script of `op` (`-A` / `-D`) for these clients' old rules;
/// `declare` creates (or empties) the chains and inserts the jumps.
fn old_script(lan: &str, clients: &[RuledClient], op: &str, declare: bool) -> String {
    let mut out = String::new();
    for (table, chain, parent) in plan::IPTABLES_CHAINS {
        out.push_str(&format!("*{table}\n"));
        if declare {
            out.push_str(&format!(":{chain} - [0:0]\n-I {parent} 1 -j {chain}\n"));
        }
        for client in clients {
            for (_, rule) in old_rules(lan, &client.name).iter().filter(|(t, _)| *t == table) {
                out.push_str(&format!("{op} {rule}\n"));
            }
        }
        out.push_str("COMMIT\n");
    }
    out
}

async fn restore(script: String) {
    must(Argv::new("iptables-restore").arg("--noflush").stdin(script)).await;
}

impl Bench {
    fn newcomer() -> Vec<RuledClient> {
        vec![RuledClient { name: NEWCOMER.to_string(), subnets: vec!["10.250.0.0/24".parse().unwrap()] }]
    }

    /// One add (`add` = true) or removal of the newcomer (or, for the batch methods, of 10 clients).
    async fn apply(&self, method: Method, add: bool) {
        let fw = &self.firewall;
        let one = Self::newcomer();
        let batch = clients("pgbb", 251, BATCH);
        match (method, add) {
            (Method::Peergate, true) => fw.add(&one).await.expect("add"),
            (Method::Peergate | Method::ActivationPath, false) => fw.remove(&one).await.expect("remove"),
            (Method::ActivationPath, true) => {
                assert!(fw.base_ok().await, "base damaged");
                fw.add(&one).await.expect("add")
            }
            (Method::BatchRemove | Method::ConcurrentRemoves | Method::SingleRemoves, true) => fw.add(&batch).await.expect("add"),
            // Ten callers at once, as a bulk deactivation's requests arrive: the nftables backend
            // commits the removals that wait for the running one together.
            (Method::ConcurrentRemoves, false) => {
                let removals = batch.iter().map(|client| fw.remove(std::slice::from_ref(client)));
                for result in futures_util::future::join_all(removals).await {
                    result.expect("remove");
                }
            }
            (Method::BatchRemove, false) => fw.remove(&batch).await.expect("remove"),
            (Method::SingleRemoves, false) => {
                for client in &batch {
                    fw.remove(std::slice::from_ref(client)).await.expect("remove")
                }
            }
            (Method::NftRaw, true) => {
                must(Argv::new("nft").args(["-f", "-"]).stdin(plan::nft_add_clients(&[NEWCOMER.to_string()]))).await;
            }
            (Method::NftRaw, false) => {
                let script = format!("delete element inet {} clients {{ \"{NEWCOMER}\" }}\n", plan::NFT_TABLE);
                must(Argv::new("nft").args(["-f", "-"]).stdin(script)).await;
            }
            (Method::NftRebuild, true) => fw.rebuild(&[&self.installed[..], &one].concat()).await.expect("rebuild"),
            (Method::NftRebuild, false) => fw.rebuild(&self.installed).await.expect("rebuild"),
            (Method::NftListFirst, add) => {
                let listed = fw.observe().await;
                assert!(listed.base_ok);
                if add { fw.add(&one).await } else { fw.remove(&one).await }.expect("change")
            }
            (Method::OldRestore, add) => {
                let saved = must(Argv::new("iptables-save")).await;
                assert_eq!(saved.contains(&format!("\"peergate:{NEWCOMER}\"")), !add, "the old path reads before it changes");
                restore(old_script(&self.lan, &one, if add { "-A" } else { "-D" }, false)).await
            }
            (Method::OldPerRule, add) => {
                for (table, rule) in old_rules(&self.lan, NEWCOMER) {
                    let op = if add { "-A" } else { "-D" };
                    must(Argv::new("iptables").args(["-w", "-t", table, op]).args(rule.split_whitespace())).await;
                }
            }
        }
    }

    /// One add and one removal, timed (per client for the batch methods); `check` verifies what
    /// is installed after each.
    async fn cycle(&self, method: Method, check: bool) -> (Duration, Duration) {
        let per = if matches!(method, Method::BatchRemove | Method::ConcurrentRemoves | Method::SingleRemoves) {
            BATCH as u32
        } else {
            1
        };
        let start = Instant::now();
        self.apply(method, true).await;
        let add = start.elapsed() / per;
        if check {
            self.check(method, true).await;
        }
        let start = Instant::now();
        self.apply(method, false).await;
        let remove = start.elapsed() / per;
        if check {
            self.check(method, false).await;
        }
        (add, remove)
    }

    /// The newcomers are installed exactly when expected, next to the N others, with no duplicate:
    /// a method that did less than the real change would be a false win.
    async fn check(&self, method: Method, present: bool) {
        let extra = match method {
            Method::BatchRemove | Method::ConcurrentRemoves | Method::SingleRemoves => BATCH,
            _ => 1,
        };
        if method.old_layout() {
            let saved = must(Argv::new("iptables-save")).await;
            let tagged = |name: &str| saved.matches(&format!("\"peergate:{name}\"")).count();
            assert_eq!(tagged(NEWCOMER), if present { 5 } else { 0 }, "{saved}");
            assert_eq!(tagged("pgbc0"), 5);
            return;
        }
        let observed = self.firewall.observe().await;
        assert!(observed.base_ok, "base damaged");
        assert_eq!(observed.clients.len(), self.installed.len() + if present { extra } else { 0 });
    }

    /// Installs the N clients for these methods: the old layout, or peergate's (replacing the old).
    async fn install(&self, old_layout: bool) {
        if old_layout {
            // Nothing of the set-based base is left, as on a host that ran an earlier version.
            for (table, chain, parent) in plan::IPTABLES_CHAINS {
                for args in [&["-D", parent, "-j", chain][..], &["-F", chain], &["-X", chain]] {
                    let _ = run(&Argv::new("iptables").args(["-w", "-t", table]).args(args.iter().copied()), TIMEOUT).await;
                }
            }
            let _ = run(&Argv::new("ipset").args(["destroy", plan::IPSET]), TIMEOUT).await;
            restore(old_script(&self.lan, &[], "-A", true)).await;
            for chunk in self.installed.chunks(100) {
                restore(old_script(&self.lan, chunk, "-A", false)).await;
            }
        } else {
            self.firewall.rebuild(&self.installed).await.expect("install the N clients");
            let observed = self.firewall.observe().await;
            assert!(observed.base_ok && observed.clients.len() == self.installed.len(), "{observed:?}");
            if self.backend == "iptables" {
                let saved = must(Argv::new("iptables-save")).await;
                assert!(!saved.contains("--comment"), "the old layout is gone after the rebuild:\n{saved}");
            }
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let backend = env("PGB_BACKEND");
    let label = env_or("PGB_LABEL", &backend);
    let lan = env("PGB_LAN");
    let counts: Vec<usize> = env_or("PGB_COUNTS", "10,500").split(',').map(|n| n.parse().expect("PGB_COUNTS")).collect();
    let reps: usize = env_or("PGB_REPS", "31").parse().expect("PGB_REPS");
    let ours = [Method::Peergate, Method::ActivationPath, Method::BatchRemove, Method::ConcurrentRemoves, Method::SingleRemoves];
    let (firewall, methods): (Box<dyn Firewall>, Vec<Method>) = match backend.as_str() {
        "nftables" => (
            Box::new(Nftables::new(lan.clone())),
            [&ours[..], &[Method::NftRaw, Method::NftListFirst, Method::NftRebuild]].concat(),
        ),
        "iptables" => (Box::new(Iptables::new(lan.clone())), [&[Method::OldRestore, Method::OldPerRule][..], &ours].concat()),
        other => panic!("PGB_BACKEND must be nftables or iptables, not {other}"),
    };
    let mut bench = Bench { backend, firewall, lan, installed: Vec::new() };

    // medians[method][count] = (add ms, remove ms). The counts alternate cycle by cycle (the N
    // clients are installed afresh, untimed, before each), so drift of the machine over the run
    // falls on both alike.
    let mut medians: Vec<Vec<(f64, f64)>> = vec![Vec::new(); methods.len()];
    for (i, &method) in methods.iter().enumerate() {
        let mut samples: Vec<(Vec<Duration>, Vec<Duration>)> = vec![(Vec::new(), Vec::new()); counts.len()];
        for rep in 0..=reps {
            for (k, &n) in counts.iter().enumerate() {
                bench.installed = clients("pgbc", 0, n);
                bench.install(method.old_layout()).await;
                // The first cycle of each count is a warm-up, checked and not counted.
                let (add, remove) = bench.cycle(method, rep == 0).await;
                if rep > 0 {
                    samples[k].0.push(add);
                    samples[k].1.push(remove);
                }
            }
        }
        bench.check(method, false).await;
        for (&n, (adds, removes)) in counts.iter().zip(samples) {
            let (adds, removes) = (Samples(adds), Samples(removes));
            medians[i].push((adds.median_ms(), removes.median_ms()));
            record(serde_json::json!({
                "fig": "firewall", "backend": label, "n": n, "method": method.key(), "label": method.label(),
                "reps": reps, "add_median_ms": adds.median_ms(), "add_p90_ms": adds.ms(0.9),
                "remove_median_ms": removes.median_ms(), "remove_p90_ms": removes.ms(0.9),
            }));
        }
    }

    println!("firewall change for client N+1, {label}, median of {reps} add/remove cycles, N alternating (ms):");
    print!("  {:<44}", "method");
    for n in &counts {
        print!(" {:>9} {:>9}", format!("add@{n}"), format!("rm@{n}"));
    }
    if counts.len() == 2 {
        print!(" {:>9} {:>9}", format!("add {}/{}", counts[1], counts[0]), "rm ratio");
    }
    println!();
    for (method, row) in methods.iter().zip(&medians) {
        print!("  {:<44}", method.label());
        for (add, remove) in row {
            print!(" {add:>9.2} {remove:>9.2}");
        }
        if let [(a0, r0), (a1, r1)] = row[..] {
            print!(" {:>8.2}× {:>8.2}×", a1 / a0, r1 / r0);
        }
        println!();
    }
}
