//! The firewall rules peergate owns, as text for `nft -f` or `iptables-restore --noflush`, and the
//! parsers that read back what is installed. Nothing is executed here.
//!
//! nftables: one table `inet peergate` holding a set `clients` of interface names; its chains match
//! `oifname @clients`, so adding client N+1 is one `add element` whatever N is, and the table is
//! replaced or removed as a unit. The rules: LAN → client accepted, client → LAN only for
//! established/related flows, masquerade out of every client interface, MSS clamped to the path
//! MTU both ways (tunnels have a smaller MTU; without clamping, TCP through them black-holes).
//!
//! iptables: peergate's own chains `PEERGATE-FORWARD` (filter), `PEERGATE-POSTROUTING` (nat) and
//! `PEERGATE-MSS` (mangle), each jumped to once from the built-in chain, with per-client rules
//! tagged `peergate:<name>` so they can be found and deleted exactly. IPv4 only: the iptables
//! backend does not write ip6tables rules (the nftables backend's `inet` table covers both).

use std::collections::{BTreeMap, BTreeSet};

pub const NFT_TABLE: &str = "peergate";
pub const CHAIN_FORWARD: &str = "PEERGATE-FORWARD";
pub const CHAIN_POSTROUTING: &str = "PEERGATE-POSTROUTING";
pub const CHAIN_MSS: &str = "PEERGATE-MSS";

/// Rules expected in each chain of the nft table (anything else means someone edited it).
const NFT_CHAIN_RULES: [(&str, usize); 3] = [("forward", 2), ("postrouting", 1), ("mss", 2)];

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

/// The whole nft table with `clients` as its set, replacing any previous version atomically
/// (`nft -f` applies the batch as one transaction). Names are parsed interface names
/// (`[A-Za-z0-9_=+.-]`), so they need no escaping inside quotes.
pub fn nft_table(lan_interface: &str, clients: &[String]) -> String {
    let elements = if clients.is_empty() { String::new() } else { format!("\n        elements = {{ {} }}", quoted(clients)) };
    format!(
        "table inet {NFT_TABLE} {{}}\n\
         delete table inet {NFT_TABLE}\n\
         table inet {NFT_TABLE} {{\n    \
             set clients {{\n        type ifname;{elements}\n    }}\n    \
             chain forward {{\n        type filter hook forward priority filter; policy accept;\n        \
                 iifname \"{lan_interface}\" oifname @clients accept\n        \
                 iifname @clients oifname \"{lan_interface}\" ct state established,related accept\n    }}\n    \
             chain postrouting {{\n        type nat hook postrouting priority srcnat; policy accept;\n        \
                 oifname @clients masquerade\n    }}\n    \
             chain mss {{\n        type filter hook forward priority mangle; policy accept;\n        \
                 oifname @clients tcp flags & (syn | rst) == syn tcp option maxseg size set rt mtu\n        \
                 iifname @clients tcp flags & (syn | rst) == syn tcp option maxseg size set rt mtu\n    }}\n\
         }}\n"
    )
}

/// Adds one client to an intact table (idempotent: `add element` of a member is a no-op).
pub fn nft_add_client(name: &str) -> String {
    format!("add element inet {NFT_TABLE} clients {{ \"{name}\" }}\n")
}

pub fn nft_remove_client(name: &str) -> String {
    format!("delete element inet {NFT_TABLE} clients {{ \"{name}\" }}\n")
}

pub fn nft_delete_table() -> String {
    format!("table inet {NFT_TABLE} {{}}\ndelete table inet {NFT_TABLE}\n")
}

/// What is installed, as far as peergate is concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservedRules {
    /// The table / chains and jumps exist and are unmodified.
    pub base_ok: bool,
    /// Clients with their rules in place.
    pub clients: BTreeSet<String>,
    /// Clients whose rules are partly there or doubled (only possible with iptables, after hand
    /// edits): they need their rules purged and re-added, or a rebuild.
    pub damaged: BTreeSet<String>,
}

/// Reads `nft -j list table inet peergate`; `None` input (the table does not exist) is not
/// `base_ok`.
pub fn parse_nft_table(json: Option<&str>) -> ObservedRules {
    let Some(json) = json else { return ObservedRules::default() };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else { return ObservedRules::default() };
    let items = value["nftables"].as_array().cloned().unwrap_or_default();
    let mut clients = BTreeSet::new();
    let mut has_set = false;
    let mut rules: BTreeMap<String, usize> = BTreeMap::new();
    let mut chains = BTreeSet::new();
    for item in &items {
        if let Some(set) = item.get("set").filter(|s| s["name"] == "clients") {
            has_set = true;
            for elem in set["elem"].as_array().into_iter().flatten() {
                if let Some(name) = elem.as_str() {
                    clients.insert(name.to_string());
                }
            }
        }
        if let Some(chain) = item.get("chain").and_then(|c| c["name"].as_str()) {
            chains.insert(chain.to_string());
        }
        if let Some(chain) = item.get("rule").and_then(|r| r["chain"].as_str()) {
            *rules.entry(chain.to_string()).or_default() += 1;
        }
    }
    let base_ok =
        has_set && NFT_CHAIN_RULES.iter().all(|(chain, count)| chains.contains(*chain) && rules.get(*chain) == Some(count));
    ObservedRules { base_ok, clients: if base_ok { clients } else { BTreeSet::new() }, damaged: BTreeSet::new() }
}

fn comment(name: &str) -> String {
    format!("-m comment --comment \"peergate:{name}\"")
}

const RULES_PER_CLIENT: usize = 5;

fn iptables_client_rules(lan_interface: &str, name: &str) -> [(&'static str, String); RULES_PER_CLIENT] {
    let c = comment(name);
    [
        ("filter", format!("{CHAIN_FORWARD} -i {lan_interface} -o {name} {c} -j ACCEPT")),
        (
            "filter",
            format!("{CHAIN_FORWARD} -i {name} -o {lan_interface} -m conntrack --ctstate RELATED,ESTABLISHED {c} -j ACCEPT"),
        ),
        ("nat", format!("{CHAIN_POSTROUTING} -o {name} {c} -j MASQUERADE")),
        ("mangle", format!("{CHAIN_MSS} -o {name} -p tcp -m tcp --tcp-flags SYN,RST SYN {c} -j TCPMSS --clamp-mss-to-pmtu")),
        ("mangle", format!("{CHAIN_MSS} -i {name} -p tcp -m tcp --tcp-flags SYN,RST SYN {c} -j TCPMSS --clamp-mss-to-pmtu")),
    ]
}

fn restore_script(lines: &[(&str, String)], declare: bool, jumps: bool) -> String {
    let mut out = String::new();
    for (table, chain, parent) in
        [("filter", CHAIN_FORWARD, "FORWARD"), ("nat", CHAIN_POSTROUTING, "POSTROUTING"), ("mangle", CHAIN_MSS, "FORWARD")]
    {
        let body: Vec<&String> = lines.iter().filter(|(t, _)| *t == table).map(|(_, l)| l).collect();
        if body.is_empty() && !declare {
            continue;
        }
        out.push_str(&format!("*{table}\n"));
        if declare {
            // With --noflush, declaring a chain creates it or empties it: a clean rebuild.
            out.push_str(&format!(":{chain} - [0:0]\n"));
        }
        if jumps {
            out.push_str(&format!("-I {parent} 1 -j {chain}\n"));
        }
        for line in body {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("COMMIT\n");
    }
    out
}

/// Rebuilds peergate's chains with the given clients; `add_jumps` inserts the jumps from the
/// built-in chains (only when they are missing, or they would be doubled).
pub fn iptables_rebuild(lan_interface: &str, clients: &[String], add_jumps: bool) -> String {
    let lines: Vec<(&str, String)> =
        clients.iter().flat_map(|c| iptables_client_rules(lan_interface, c)).map(|(t, l)| (t, format!("-A {l}"))).collect();
    restore_script(&lines, true, add_jumps)
}

pub fn iptables_add_client(lan_interface: &str, name: &str) -> String {
    let lines: Vec<(&str, String)> =
        iptables_client_rules(lan_interface, name).into_iter().map(|(t, l)| (t, format!("-A {l}"))).collect();
    restore_script(&lines, false, false)
}

pub fn iptables_remove_client(lan_interface: &str, name: &str) -> String {
    let lines: Vec<(&str, String)> =
        iptables_client_rules(lan_interface, name).into_iter().map(|(t, l)| (t, format!("-D {l}"))).collect();
    restore_script(&lines, false, false)
}

/// Each of a client's rules as its own `-D` script, so a purge can delete whatever copies exist
/// (a batch would fail as a whole on the first rule that is missing).
pub fn iptables_client_deletions(lan_interface: &str, name: &str) -> Vec<String> {
    iptables_client_rules(lan_interface, name).into_iter().map(|(table, rule)| format!("*{table}\n-D {rule}\nCOMMIT\n")).collect()
}

/// Removes the jumps and peergate's chains (used when the last client goes away is not needed:
/// empty chains are harmless; this is for `peergate doctor --cleanup` style teardown and tests).
pub fn iptables_teardown() -> String {
    let mut out = String::new();
    for (table, chain, parent) in
        [("filter", CHAIN_FORWARD, "FORWARD"), ("nat", CHAIN_POSTROUTING, "POSTROUTING"), ("mangle", CHAIN_MSS, "FORWARD")]
    {
        out.push_str(&format!("*{table}\n-D {parent} -j {chain}\n-F {chain}\n-X {chain}\nCOMMIT\n"));
    }
    out
}

/// Reads `iptables-save` output: whether peergate's chains and jumps exist, which clients have
/// exactly their five rules (matched by the `peergate:<name>` comment), and which have some
/// missing or doubled.
pub fn parse_iptables_save(text: &str) -> ObservedRules {
    let mut declared = BTreeSet::new();
    let mut jumps: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_client: BTreeMap<String, usize> = BTreeMap::new();
    for line in text.lines() {
        if let Some(chain) = line.strip_prefix(':').and_then(|l| l.split_whitespace().next()) {
            declared.insert(chain.to_string());
        }
        for (parent, chain) in [("FORWARD", CHAIN_FORWARD), ("POSTROUTING", CHAIN_POSTROUTING), ("FORWARD", CHAIN_MSS)] {
            if line == format!("-A {parent} -j {chain}") {
                *jumps.entry(chain).or_default() += 1;
            }
        }
        if let Some(rest) = line.split("--comment ").nth(1) {
            let tag = rest.split_whitespace().next().unwrap_or_default().trim_matches('"');
            if let Some(name) = tag.strip_prefix("peergate:") {
                *per_client.entry(name.to_string()).or_default() += 1;
            }
        }
    }
    let chains = [CHAIN_FORWARD, CHAIN_POSTROUTING, CHAIN_MSS];
    let base_ok = chains.iter().all(|c| declared.contains(*c) && jumps.get(c) == Some(&1));
    let clients = per_client.iter().filter(|(_, n)| **n == RULES_PER_CLIENT).map(|(c, _)| c.clone()).collect();
    let damaged = per_client.iter().filter(|(_, n)| **n != RULES_PER_CLIENT).map(|(c, _)| c.clone()).collect();
    ObservedRules { base_ok, clients, damaged }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn nft_table_snapshot() {
        insta::assert_snapshot!(nft_table("lan0", &names(&["site-a", "site-b"])));
        assert!(!nft_table("lan0", &[]).contains("elements"));
        assert_eq!(nft_add_client("site-c"), "add element inet peergate clients { \"site-c\" }\n");
    }

    #[test]
    fn iptables_scripts_snapshot() {
        insta::assert_snapshot!(iptables_rebuild("lan0", &names(&["site-a"]), true));
        let add = iptables_add_client("lan0", "site-b");
        assert!(!add.contains(":PEERGATE"), "an incremental add must not flush the chains:\n{add}");
        assert_eq!(add.matches("-A ").count(), 5);
        assert_eq!(iptables_remove_client("lan0", "site-b").matches("-D ").count(), 5);
    }

    #[test]
    fn reads_back_what_iptables_save_shows() {
        let script = iptables_rebuild("lan0", &names(&["site-a", "site-b"]), true);
        // iptables-save prints the rules as -A lines after the chain declarations.
        let mut saved = String::new();
        for line in script.lines() {
            let line = line.replace("-I FORWARD 1 ", "-A FORWARD ").replace("-I POSTROUTING 1 ", "-A POSTROUTING ");
            saved.push_str(&line);
            saved.push('\n');
        }
        let observed = parse_iptables_save(&saved);
        assert!(observed.base_ok);
        assert_eq!(observed.clients, names(&["site-a", "site-b"]).into_iter().collect());
        assert!(observed.damaged.is_empty());

        let doubled =
            format!("{saved}-A PEERGATE-POSTROUTING -o site-a -m comment --comment \"peergate:site-a\" -j MASQUERADE\n");
        assert_eq!(parse_iptables_save(&doubled).damaged, names(&["site-a"]).into_iter().collect());
        // The NAT rule flushed by hand: the client is damaged, not present.
        let partial: String =
            saved.lines().filter(|l| !l.starts_with("-A PEERGATE-POSTROUTING -o site-a")).map(|l| format!("{l}\n")).collect();
        let observed = parse_iptables_save(&partial);
        assert!(!observed.clients.contains("site-a") && observed.damaged.contains("site-a"));
        let no_jump = saved.replace("-A FORWARD -j PEERGATE-FORWARD\n", "");
        assert!(!parse_iptables_save(&no_jump).base_ok);
        assert_eq!(parse_iptables_save(""), ObservedRules::default());
    }

    #[test]
    fn reads_back_what_nft_lists() {
        let json = r#"{"nftables":[{"metainfo":{"version":"1.0.6"}},
            {"table":{"family":"inet","name":"peergate","handle":1}},
            {"set":{"family":"inet","name":"clients","table":"peergate","type":"ifname","handle":2,"elem":["site-a","site-b"]}},
            {"chain":{"family":"inet","table":"peergate","name":"forward","handle":3}},
            {"chain":{"family":"inet","table":"peergate","name":"postrouting","handle":4}},
            {"chain":{"family":"inet","table":"peergate","name":"mss","handle":5}},
            {"rule":{"chain":"forward"}},{"rule":{"chain":"forward"}},
            {"rule":{"chain":"postrouting"}},
            {"rule":{"chain":"mss"}},{"rule":{"chain":"mss"}}]}"#;
        let observed = parse_nft_table(Some(json));
        assert!(observed.base_ok);
        assert_eq!(observed.clients, names(&["site-a", "site-b"]).into_iter().collect());
        let flushed = json.replace(r#"{"rule":{"chain":"postrouting"}},"#, "");
        assert!(!parse_nft_table(Some(&flushed)).base_ok, "a flushed NAT chain is drift");
        assert!(!parse_nft_table(None).base_ok);
        let single = json.replace(r#""elem":["site-a","site-b"]"#, r#""elem":["site-a"]"#);
        assert_eq!(parse_nft_table(Some(&single)).clients.len(), 1);
    }
}
