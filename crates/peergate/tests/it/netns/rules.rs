//! Reading and damaging peergate's firewall rules inside the gateway namespace.

use std::collections::HashMap;

use super::*;

// ---------------------------------------------------------------------------------------------
// Firewall inspection

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Nftables,
    Iptables,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Nftables => "nftables",
            Backend::Iptables => "iptables",
        }
    }
}

/// peergate's rules in the gateway namespace, as text, one `(chain, rule)` per rule.
#[derive(Debug, Default)]
pub struct Rules {
    pub rules: Vec<(String, String)>,
    /// nftables: elements of `inet peergate` set `clients`. iptables: members of the ipset
    /// `peergate-clients` (their interface names).
    pub set_elements: Vec<String>,
    /// iptables: the jumps into peergate's chains, e.g. `filter:-A FORWARD -j PEERGATE-FORWARD`.
    pub jumps: Vec<String>,
    /// The raw listing (for failure messages).
    pub raw: String,
}

impl Rules {
    pub fn read(ns: &str, backend: Backend) -> Rules {
        match backend {
            Backend::Nftables => Self::read_nft(ns),
            Backend::Iptables => Self::read_iptables(ns),
        }
    }

    fn read_nft(ns: &str) -> Rules {
        let out = ns_exec(ns, &["nft", "list", "table", "inet", "peergate"]);
        if !out.status.success() {
            return Rules::default(); // no table
        }
        let raw = text(&out.stdout);
        let mut rules = Vec::new();
        let mut set_elements = Vec::new();
        let mut chain: Option<String> = None;
        let mut in_set = false;
        let mut in_elements = false;
        for line in raw.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("chain ") {
                chain = Some(rest.trim_end_matches('{').trim().to_string());
                in_set = false;
                continue;
            }
            if let Some(rest) = line.strip_prefix("set ") {
                in_set = rest.trim_end_matches('{').trim() == "clients";
                chain = None;
                continue;
            }
            if line == "}" {
                if in_elements {
                    in_elements = false;
                } else {
                    chain = None;
                    in_set = false;
                }
                continue;
            }
            if in_set {
                let mut part = line;
                if let Some(rest) = part.strip_prefix("elements = {") {
                    part = rest;
                    in_elements = true;
                }
                if in_elements {
                    let closing = part.contains('}');
                    for e in part.trim_end_matches('}').split(',') {
                        let e = e.trim().trim_matches('"');
                        if !e.is_empty() {
                            set_elements.push(e.to_string());
                        }
                    }
                    if closing {
                        in_elements = false;
                    }
                }
                continue;
            }
            if let Some(chain) = &chain {
                let is_header = line.starts_with("type ") || line.starts_with("policy ") || line.is_empty();
                if !is_header {
                    // Counters change between listings; they are not part of a rule's identity.
                    rules.push((chain.clone(), strip_counters(line)));
                }
            }
        }
        Rules { rules, set_elements, jumps: Vec::new(), raw }
    }

    fn read_iptables(ns: &str) -> Rules {
        let raw = ns_ok(ns, &["iptables-save"]);
        let mut rules = Vec::new();
        let mut jumps = Vec::new();
        let mut table = String::new();
        for line in raw.lines() {
            if let Some(t) = line.strip_prefix('*') {
                table = t.to_string();
            } else if let Some(rest) = line.strip_prefix("-A ") {
                let chain = rest.split_whitespace().next().unwrap_or_default();
                if chain.starts_with("PEERGATE-") {
                    rules.push((format!("{table}:{chain}"), rest.to_string()));
                } else if rest.contains("-j PEERGATE-") || rest.contains("--jump PEERGATE-") {
                    jumps.push(format!("{table}:-A {rest}"));
                }
            }
        }
        let set = ns_exec(ns, &["ipset", "save", "peergate-clients"]);
        let set = if set.status.success() { text(&set.stdout) } else { String::new() };
        // One member per subnet: each interface once (a set cannot hold a member twice).
        let set_elements = set
            .lines()
            .filter_map(|l| l.strip_prefix("add peergate-clients "))
            .map(|member| member.split_once(',').map_or(member, |(_, iface)| iface).to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        Rules { rules, set_elements, jumps, raw: format!("{raw}{set}") }
    }

    /// Rules (or set elements) that mention `iface`.
    pub fn mentions(&self, iface: &str) -> bool {
        let word =
            |s: &str| s.split(|c: char| c.is_whitespace() || c == '"' || c == ',' || c == '{' || c == '}').any(|w| w == iface);
        self.set_elements.iter().any(|e| e == iface) || self.rules.iter().any(|(_, r)| word(r))
    }

    /// Every interface peergate's rules match (`-i`/`-o`, `iifname`/`oifname`, the `clients` set
    /// elements). A pattern (`+`, `*`) is kept as written, so a test sees it.
    pub fn matched_interfaces(&self) -> std::collections::BTreeSet<String> {
        let mut names: std::collections::BTreeSet<String> = self.set_elements.iter().cloned().collect();
        for (_, rule) in &self.rules {
            let words: Vec<&str> = rule.split_whitespace().collect();
            for pair in words.windows(2) {
                if matches!(pair[0], "-i" | "-o" | "--in-interface" | "--out-interface" | "iifname" | "oifname")
                    && !pair[1].starts_with('@')
                {
                    names.insert(pair[1].trim_matches('"').to_string());
                }
            }
        }
        names
    }

    /// A masquerade rule exists that applies to `iface` (directly, or through the `clients` set).
    pub fn masquerades(&self, iface: &str) -> bool {
        let masq = |r: &str| r.contains("masquerade") || r.contains("MASQUERADE");
        let direct = self.rules.iter().any(|(_, r)| masq(r) && r.split_whitespace().any(|w| w.trim_matches('"') == iface));
        let via_set = self.set_elements.iter().any(|e| e == iface)
            && self.rules.iter().any(|(_, r)| masq(r) && (r.contains("@clients") || r.contains("--match-set peergate-clients")));
        direct || via_set
    }

    /// Duplicated rules (same chain, same text), duplicated set elements and duplicated jumps.
    pub fn duplicates(&self) -> Vec<String> {
        let mut seen = HashMap::new();
        for (chain, rule) in &self.rules {
            *seen.entry(format!("{chain}: {rule}")).or_insert(0) += 1;
        }
        for e in &self.set_elements {
            *seen.entry(format!("set clients: {e}")).or_insert(0) += 1;
        }
        for j in &self.jumps {
            *seen.entry(j.clone()).or_insert(0) += 1;
        }
        let mut dups: Vec<String> = seen.into_iter().filter(|(_, n)| *n > 1).map(|(k, n)| format!("{n}× {k}")).collect();
        dups.sort();
        dups
    }

    /// Nothing of any client is left: no set member and no rule naming the interface (both
    /// backends keep fixed rules and the clients in a set).
    pub fn no_client_rules(&self, iface: &str) -> bool {
        self.set_elements.is_empty() && !self.mentions(iface)
    }
}

fn strip_counters(rule: &str) -> String {
    let mut words: Vec<&str> = Vec::new();
    let mut it = rule.split_whitespace().peekable();
    while let Some(w) = it.next() {
        if w == "counter" {
            // `counter packets N bytes M`
            if it.peek() == Some(&"packets") {
                it.next();
                it.next();
                if it.peek() == Some(&"bytes") {
                    it.next();
                    it.next();
                }
            }
            words.push("counter");
        } else {
            words.push(w);
        }
    }
    words.join(" ")
}

/// Removes peergate's NAT by hand: the table (nftables) or the nat chain's rules (iptables).
pub fn remove_nat_by_hand(ns: &str, backend: Backend) {
    match backend {
        Backend::Nftables => {
            ns_ok(ns, &["nft", "delete", "table", "inet", "peergate"]);
        }
        Backend::Iptables => {
            ns_ok(ns, &["iptables", "-t", "nat", "-F", "PEERGATE-POSTROUTING"]);
        }
    }
}

/// Flushes all of peergate's rules, as a reboot would.
pub fn flush_all_rules(ns: &str, backend: Backend) {
    match backend {
        Backend::Nftables => {
            let _ = ns_exec(ns, &["nft", "delete", "table", "inet", "peergate"]);
        }
        Backend::Iptables => {
            // A reboot starts with empty tables: flush everything in this (test-owned) namespace.
            for table in ["filter", "nat", "mangle"] {
                ns_ok(ns, &["iptables", "-t", table, "-F"]);
                ns_ok(ns, &["iptables", "-t", table, "-X"]);
            }
            ns_ok(ns, &["ipset", "destroy"]);
        }
    }
    let after = Rules::read(ns, backend);
    assert!(after.rules.is_empty() && after.set_elements.is_empty() && after.jumps.is_empty(), "flush left:\n{}", after.raw);
}

/// Everything about the gateway namespace's networking, for failure messages.
pub fn gw_diagnostics(ns: &str) -> String {
    let mut s = String::new();
    for argv in [
        &["ip", "-o", "link", "show"][..],
        &["ip", "-o", "addr", "show"],
        &["ip", "route", "show"],
        &["sysctl", "net.ipv4.ip_forward"],
        &["nft", "list", "ruleset"],
        &["iptables-save"],
        &["ipset", "list"],
    ] {
        let out = ns_exec(ns, argv);
        s.push_str(&format!("$ {}\n{}{}\n", argv.join(" "), text(&out.stdout), text(&out.stderr)));
    }
    s
}
