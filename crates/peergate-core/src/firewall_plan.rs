//! The firewall rules peergate owns, as text for `nft -f`, `iptables-restore --noflush` and
//! `ipset restore`, and the parsers that read back what is installed. Nothing is executed here.
//!
//! Both backends keep the rules fixed and the clients in a set, so adding or removing client N+1
//! changes one set member whatever N is, and the rules themselves never grow with N.
//!
//! nftables: one table `inet peergate` holding a set `clients` of interface names; its chains match
//! `oifname @clients`, and the table is replaced or removed as a unit. The rules: LAN → client
//! accepted, client → LAN only for established/related flows, masquerade out of every client
//! interface, MSS clamped to the path MTU both ways (tunnels have a smaller MTU; without clamping,
//! TCP through them black-holes).
//!
//! iptables: the same five rules in peergate's own chains `PEERGATE-FORWARD` (filter),
//! `PEERGATE-POSTROUTING` (nat) and `PEERGATE-MSS` (mangle), each jumped to once from the built-in
//! chain, matching the ipset `peergate-clients` (`hash:net,iface`): one member `<subnet>,<name>`
//! per IPv4 subnet of each client (`dst,dst` = the destination is in the subnet and leaves by that
//! interface; `src,src` = it comes from the subnet in by that interface). The subnet is part of the
//! member because the kernel hashes only the address part of a `hash:net,iface` member: members
//! that differ by interface alone share one bucket, which holds at most 12. Subnets of clients
//! never overlap, so their members spread. IPv4 only: the iptables backend does not write ip6tables
//! rules (the nftables backend's `inet` table covers both).

use std::collections::{BTreeMap, BTreeSet};

use ipnet::{IpNet, Ipv4Net};

pub const NFT_TABLE: &str = "peergate";
pub const CHAIN_FORWARD: &str = "PEERGATE-FORWARD";
pub const CHAIN_POSTROUTING: &str = "PEERGATE-POSTROUTING";
pub const CHAIN_MSS: &str = "PEERGATE-MSS";
/// The ipset of client interfaces the iptables rules match.
pub const IPSET: &str = "peergate-clients";
/// Where a rebuild fills the new members before swapping them in (atomically).
pub const IPSET_NEXT: &str = "peergate-clients-next";

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

/// Adds clients to an intact table (idempotent: `add element` of a member is a no-op).
pub fn nft_add_clients(names: &[String]) -> String {
    names.iter().map(|n| format!("add element inet {NFT_TABLE} clients {{ \"{n}\" }}\n")).collect()
}

/// Removes clients in one transaction, members or not: each is added, then deleted, so a name
/// that was not a member does not fail the batch (nft has no "delete if present" before 1.0.8),
/// and no listing of the set is needed first. The kernel waits for one grace period per
/// transaction, so several removals in one batch cost about as much as one.
pub fn nft_remove_clients(names: &[String]) -> String {
    // Each name once: a second delete of one element in the same batch would fail the batch.
    let names: Vec<String> = names.iter().cloned().collect::<BTreeSet<_>>().into_iter().collect();
    let mut out = nft_add_clients(&names);
    out.extend(names.iter().map(|n| format!("delete element inet {NFT_TABLE} clients {{ \"{n}\" }}\n")));
    out
}

pub fn nft_delete_table() -> String {
    format!("table inet {NFT_TABLE} {{}}\ndelete table inet {NFT_TABLE}\n")
}

/// A client as its rules see it: the interface and the subnets routed through it (the nftables set
/// holds the interface; the iptables set one member per IPv4 subnet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuledClient {
    pub name: String,
    pub subnets: Vec<IpNet>,
}

impl RuledClient {
    pub fn ipv4(&self) -> BTreeSet<Ipv4Net> {
        self.subnets
            .iter()
            .filter_map(|s| match s {
                IpNet::V4(net) => Some(*net),
                IpNet::V6(_) => None,
            })
            .collect()
    }
}

/// What is installed, as far as peergate is concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservedRules {
    /// The table / chains and jumps exist and are unmodified.
    pub base_ok: bool,
    /// Clients with their rules in place (in the set).
    pub clients: BTreeSet<String>,
    /// iptables only: each client's subnets in the set, to compare with the ones it should have
    /// (the nftables set holds interfaces alone).
    pub subnets: Option<BTreeMap<String, BTreeSet<Ipv4Net>>>,
}

/// Reads `nft -j list table inet peergate`, or `nft -t -j list ruleset` (terse: the sets' members
/// are neither fetched nor shown, so only the base is judged; objects of other tables are skipped);
/// `None` input (the table does not exist) is not `base_ok`.
pub fn parse_nft_table(json: Option<&str>) -> ObservedRules {
    let Some(json) = json else { return ObservedRules::default() };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else { return ObservedRules::default() };
    let items = value["nftables"].as_array().cloned().unwrap_or_default();
    let mut clients = BTreeSet::new();
    let mut has_set = false;
    let mut rules: BTreeMap<String, usize> = BTreeMap::new();
    let mut chains = BTreeSet::new();
    let ours = |object: &&serde_json::Value| object["family"] == "inet" && object["table"] == NFT_TABLE;
    for item in &items {
        if let Some(set) = item.get("set").filter(ours).filter(|s| s["name"] == "clients") {
            has_set = true;
            for elem in set["elem"].as_array().into_iter().flatten() {
                if let Some(name) = elem.as_str() {
                    clients.insert(name.to_string());
                }
            }
        }
        if let Some(chain) = item.get("chain").filter(ours).and_then(|c| c["name"].as_str()) {
            chains.insert(chain.to_string());
        }
        if let Some(chain) = item.get("rule").filter(ours).and_then(|r| r["chain"].as_str()) {
            *rules.entry(chain.to_string()).or_default() += 1;
        }
    }
    let base_ok =
        has_set && NFT_CHAIN_RULES.iter().all(|(chain, count)| chains.contains(*chain) && rules.get(*chain) == Some(count));
    ObservedRules { base_ok, clients: if base_ok { clients } else { BTreeSet::new() }, subnets: None }
}

/// peergate's chains: (table, chain, the built-in chain that jumps to it).
pub const IPTABLES_CHAINS: [(&str, &str, &str); 3] =
    [("filter", CHAIN_FORWARD, "FORWARD"), ("nat", CHAIN_POSTROUTING, "POSTROUTING"), ("mangle", CHAIN_MSS, "FORWARD")];

/// The five rules, as `iptables-save` prints them back (both iptables-nft and iptables-legacy
/// keep this order of matches), each as (table, `CHAIN rule`).
fn iptables_rules(lan_interface: &str) -> [(&'static str, String); 5] {
    let out = format!("-m set --match-set {IPSET} dst,dst");
    let inc = format!("-m set --match-set {IPSET} src,src");
    let syn = "-m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu";
    [
        ("filter", format!("{CHAIN_FORWARD} -i {lan_interface} {out} -j ACCEPT")),
        ("filter", format!("{CHAIN_FORWARD} -o {lan_interface} {inc} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")),
        ("nat", format!("{CHAIN_POSTROUTING} {out} -j MASQUERADE")),
        ("mangle", format!("{CHAIN_MSS} -p tcp {out} {syn}")),
        ("mangle", format!("{CHAIN_MSS} -p tcp {inc} {syn}")),
    ]
}

/// peergate's chains with exactly the five rules; with `--noflush`, declaring a chain creates or
/// empties it, and each table's part is one commit. `add_jumps` inserts the jumps from the built-in
/// chains (only when they are missing, or they would be doubled). The set must exist first.
pub fn iptables_rebuild(lan_interface: &str, add_jumps: bool) -> String {
    let rules = iptables_rules(lan_interface);
    let mut out = String::new();
    for (table, chain, parent) in IPTABLES_CHAINS {
        out.push_str(&format!("*{table}\n:{chain} - [0:0]\n"));
        if add_jumps {
            out.push_str(&format!("-I {parent} 1 -j {chain}\n"));
        }
        for (_, rule) in rules.iter().filter(|(t, _)| *t == table) {
            out.push_str(&format!("-A {rule}\n"));
        }
        out.push_str("COMMIT\n");
    }
    out
}

fn members<'a>(verb: &'a str, set: &'a str, clients: &'a [RuledClient]) -> impl Iterator<Item = String> + 'a {
    clients.iter().flat_map(move |c| c.ipv4().into_iter().map(move |net| format!("{verb} {set} {net},{}\n", c.name)))
}

/// Fills the next set with exactly these clients, for `ipset -exist restore`; a rebuild then swaps
/// it with the live one (one atomic exchange) and destroys what was swapped out.
pub fn ipset_fill_next(clients: &[RuledClient]) -> String {
    let mut out = format!("create {IPSET_NEXT} hash:net,iface family inet\nflush {IPSET_NEXT}\n");
    out.extend(members("add", IPSET_NEXT, clients));
    out
}

/// Adds clients to the live set, for `ipset -exist restore` (a member stays one member).
pub fn ipset_add(clients: &[RuledClient]) -> String {
    members("add", IPSET, clients).collect()
}

/// Removes clients' members from the live set, for `ipset -exist restore` (a non-member is no
/// error).
pub fn ipset_remove(clients: &[RuledClient]) -> String {
    members("del", IPSET, clients).collect()
}

/// Reads `iptables-save` output: whether peergate's chains exist, are each jumped to exactly once,
/// and hold exactly the five rules in order. Anything else (a rule flushed or added by hand, the
/// per-client rules earlier versions of peergate wrote) means the base is not intact and is rebuilt.
pub fn parse_iptables_save(text: &str, lan_interface: &str) -> bool {
    let mut declared = BTreeSet::new();
    let mut jumps: BTreeMap<&str, usize> = BTreeMap::new();
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut table = "";
    for line in text.lines() {
        if let Some(t) = line.strip_prefix('*') {
            table = t;
        } else if let Some(chain) = line.strip_prefix(':').and_then(|l| l.split_whitespace().next()) {
            declared.insert(format!("{table}:{chain}"));
        } else if let Some(rule) = line.strip_prefix("-A ") {
            for (t, chain, parent) in IPTABLES_CHAINS {
                if t == table && rule == format!("{parent} -j {chain}") {
                    *jumps.entry(chain).or_default() += 1;
                }
            }
            let chain = rule.split_whitespace().next().unwrap_or_default();
            if chain.starts_with("PEERGATE-") {
                found.entry(format!("{table}:{chain}")).or_default().push(rule.to_string());
            }
        }
    }
    let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (table, rule) in iptables_rules(lan_interface) {
        let chain = rule.split_whitespace().next().unwrap_or_default();
        expected.entry(format!("{table}:{chain}")).or_default().push(rule);
    }
    IPTABLES_CHAINS.iter().all(|(table, chain, _)| declared.contains(&format!("{table}:{chain}")) && jumps.get(chain) == Some(&1))
        && found == expected
}

/// Reads `ipset save peergate-clients`: each client's subnets, or `None` when the set is not what
/// peergate made (another type, or a member that is not `<IPv4 subnet>,<name>`).
pub fn parse_ipset_save(text: &str) -> Option<BTreeMap<String, BTreeSet<Ipv4Net>>> {
    let mut clients: BTreeMap<String, BTreeSet<Ipv4Net>> = BTreeMap::new();
    let mut created = false;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words[..] {
            ["create", IPSET, "hash:net,iface", "family", "inet", ..] => created = true,
            ["add", IPSET, member] => {
                let (net, name) = member.split_once(',')?;
                // ipset prints a /32 without its length.
                let net = net.parse::<Ipv4Net>().or_else(|_| net.parse::<std::net::Ipv4Addr>().map(Ipv4Net::from)).ok()?;
                clients.entry(name.to_string()).or_default().insert(net);
            }
            _ => return None,
        }
    }
    created.then_some(clients)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn ruled(name: &str, subnets: &[&str]) -> RuledClient {
        RuledClient { name: name.into(), subnets: subnets.iter().map(|s| s.parse().unwrap()).collect() }
    }

    #[test]
    fn nft_table_snapshot() {
        insta::assert_snapshot!(nft_table("lan0", &names(&["site-a", "site-b"])));
        assert!(!nft_table("lan0", &[]).contains("elements"));
        assert_eq!(nft_add_clients(&names(&["site-c"])), "add element inet peergate clients { \"site-c\" }\n");
    }

    #[test]
    fn nft_removal_never_fails_on_a_non_member() {
        let script = nft_remove_clients(&names(&["a", "b", "a"]));
        let lines: Vec<&str> = script.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[..2].iter().all(|l| l.starts_with("add element")), "{script}");
        assert!(lines[2..].iter().all(|l| l.starts_with("delete element")), "{script}");
        assert_eq!(nft_add_clients(&[]), "");
    }

    #[test]
    fn iptables_scripts_snapshot() {
        insta::assert_snapshot!(iptables_rebuild("lan0", true));
        assert!(!iptables_rebuild("lan0", false).contains("-I "), "jumps only where missing");
        assert!(!iptables_rebuild("lan0", true).contains("site-a"), "the rules name no client");
        let b = ruled("site-b", &["10.2.0.0/24", "fd00::/64", "10.3.0.0/16"]);
        assert_eq!(
            ipset_add(std::slice::from_ref(&b)),
            "add peergate-clients 10.2.0.0/24,site-b\nadd peergate-clients 10.3.0.0/16,site-b\n"
        );
        assert_eq!(
            ipset_remove(std::slice::from_ref(&b)),
            "del peergate-clients 10.2.0.0/24,site-b\ndel peergate-clients 10.3.0.0/16,site-b\n"
        );
        let fill = ipset_fill_next(&[ruled("site-a", &["10.1.0.0/24"]), b]);
        assert!(fill.starts_with("create peergate-clients-next hash:net,iface family inet\nflush peergate-clients-next\n"));
        assert_eq!(fill.matches("add peergate-clients-next ").count(), 3, "{fill}");
        assert_eq!(ipset_add(&[ruled("v6-only", &["fd00::/64"])]), "", "the iptables backend is IPv4 only");
    }

    /// `iptables-save` after `iptables_rebuild` (as printed by iptables 1.8.9, nft and legacy).
    fn saved() -> String {
        iptables_rebuild("lan0", true).replace("-I FORWARD 1 ", "-A FORWARD ").replace("-I POSTROUTING 1 ", "-A POSTROUTING ")
    }

    #[test]
    fn reads_back_what_iptables_save_shows() {
        let saved = saved();
        assert!(parse_iptables_save(&saved, "lan0"));
        assert!(!parse_iptables_save(&saved, "lan1"), "another LAN interface is drift");
        let doubled = saved.replace(
            "-A PEERGATE-POSTROUTING -m set",
            "-A PEERGATE-POSTROUTING -m set --match-set peergate-clients dst,dst -j MASQUERADE\n-A PEERGATE-POSTROUTING -m set",
        );
        assert!(!parse_iptables_save(&doubled, "lan0"), "a doubled rule is drift");
        let flushed: String =
            saved.lines().filter(|l| !l.starts_with("-A PEERGATE-POSTROUTING")).map(|l| format!("{l}\n")).collect();
        assert!(!parse_iptables_save(&flushed, "lan0"), "a flushed NAT chain is drift");
        assert!(!parse_iptables_save(&saved.replace("-A FORWARD -j PEERGATE-FORWARD\n", ""), "lan0"));
        let twice = saved.replace("-A FORWARD -j PEERGATE-MSS\n", "-A FORWARD -j PEERGATE-MSS\n-A FORWARD -j PEERGATE-MSS\n");
        assert!(!parse_iptables_save(&twice, "lan0"), "a doubled jump is drift");
        // What earlier versions wrote: one tagged rule per client, no set.
        let old = saved.replace(
            "-A PEERGATE-POSTROUTING -m set --match-set peergate-clients dst,dst -j MASQUERADE",
            "-A PEERGATE-POSTROUTING -o site-a -m comment --comment \"peergate:site-a\" -j MASQUERADE",
        );
        assert!(!parse_iptables_save(&old, "lan0"), "the old per-client layout is rebuilt");
        assert!(!parse_iptables_save("", "lan0"));
    }

    #[test]
    fn reads_back_what_ipset_saves() {
        let header =
            "create peergate-clients hash:net,iface family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x9188fec9\n";
        let members = "add peergate-clients 10.1.0.0/24,site-a\nadd peergate-clients 10.9.0.7,b=c.d\nadd peergate-clients 10.2.0.0/16,site-a\n";
        let parsed = parse_ipset_save(&format!("{header}{members}")).unwrap();
        let nets = |list: &[&str]| list.iter().map(|n| n.parse().unwrap()).collect::<BTreeSet<Ipv4Net>>();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed["site-a"], nets(&["10.1.0.0/24", "10.2.0.0/16"]));
        assert_eq!(parsed["b=c.d"], nets(&["10.9.0.7/32"]), "a /32 is printed without its length");
        assert_eq!(parse_ipset_save(header), Some(BTreeMap::new()));
        assert_eq!(parse_ipset_save(&format!("{header}add peergate-clients 10.0.0.0/8\n")), None, "edited by hand");
        assert_eq!(parse_ipset_save("create peergate-clients hash:ip family inet hashsize 1024\n"), None, "another type");
        assert_eq!(parse_ipset_save(""), None);
    }

    #[test]
    fn reads_back_what_nft_lists() {
        let json = r#"{"nftables":[{"metainfo":{"version":"1.0.6"}},
            {"table":{"family":"inet","name":"peergate","handle":1}},
            {"set":{"family":"inet","name":"clients","table":"peergate","type":"ifname","handle":2,"elem":["site-a","site-b"]}},
            {"chain":{"family":"inet","table":"peergate","name":"forward","handle":3}},
            {"chain":{"family":"inet","table":"peergate","name":"postrouting","handle":4}},
            {"chain":{"family":"inet","table":"peergate","name":"mss","handle":5}},
            {"rule":{"family":"inet","table":"peergate","chain":"forward"}},
            {"rule":{"family":"inet","table":"peergate","chain":"forward"}},
            {"rule":{"family":"inet","table":"peergate","chain":"postrouting"}},
            {"rule":{"family":"inet","table":"peergate","chain":"mss"}},
            {"rule":{"family":"inet","table":"peergate","chain":"mss"}}]}"#;
        let observed = parse_nft_table(Some(json));
        assert!(observed.base_ok);
        assert_eq!(observed.clients, names(&["site-a", "site-b"]).into_iter().collect());
        let flushed = json.replace(r#"{"rule":{"family":"inet","table":"peergate","chain":"postrouting"}},"#, "");
        assert!(!parse_nft_table(Some(&flushed)).base_ok, "a flushed NAT chain is drift");
        assert!(!parse_nft_table(None).base_ok);
        // In a whole-ruleset listing, another table's chains and rules of the same names do not count.
        let others = r#"{"chain":{"family":"ip","table":"filter","name":"forward"}},{"rule":{"family":"ip","table":"filter","chain":"postrouting"}},"#;
        let with_others =
            |listing: &str| listing.replace(r#"{"table":{"family":"inet""#, &format!(r#"{others}{{"table":{{"family":"inet""#));
        assert!(!parse_nft_table(Some(&with_others(&flushed))).base_ok);
        assert!(parse_nft_table(Some(&with_others(json))).base_ok);
        let single = json.replace(r#""elem":["site-a","site-b"]"#, r#""elem":["site-a"]"#);
        assert_eq!(parse_nft_table(Some(&single)).clients.len(), 1);
    }
}
