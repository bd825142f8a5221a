//! Desired state (the database) against observed state (interfaces, firewall, forwarding) → the
//! list of operations that makes them agree. Pure: the executor in the binary applies the ops in
//! order, logs and audits them.
//!
//! Only what peergate owns is considered: interfaces whose config lives in its WireGuard directory
//! (the caller filters), its own nft table or iptables chains. Order matters: forwarding and the
//! firewall base first (a client brought up without them would be half-applied), then missing
//! interfaces and rules, then what must go.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::firewall_plan::ObservedRules;

/// A client as the database wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSpec {
    pub name: String,
    /// Active clients must be up with rules; inactive ones down without rules.
    pub active: bool,
    pub routes_ipv6: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    /// peergate's interfaces that exist now (config in its WireGuard directory and link present).
    pub interfaces: BTreeSet<String>,
    pub rules: ObservedRules,
    pub ipv4_forwarding: bool,
    pub ipv6_forwarding: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "client", rename_all = "snake_case")]
pub enum ClientOp {
    EnableIpv4Forwarding,
    EnableIpv6Forwarding,
    /// Rebuild peergate's firewall base with exactly these clients (the base is missing or altered,
    /// or some client's rules are partial or doubled).
    RebuildFirewall(Vec<String>),
    BringUp(String),
    AddRules(String),
    RemoveRules(String),
    TearDown(String),
}

pub fn plan(desired: &[ClientSpec], observed: &Observed) -> Vec<ClientOp> {
    let active: Vec<&ClientSpec> = desired.iter().filter(|c| c.active).collect();
    let active_names: BTreeSet<&str> = active.iter().map(|c| c.name.as_str()).collect();
    let mut ops = Vec::new();
    if !active.is_empty() && !observed.ipv4_forwarding {
        ops.push(ClientOp::EnableIpv4Forwarding);
    }
    if active.iter().any(|c| c.routes_ipv6) && !observed.ipv6_forwarding {
        ops.push(ClientOp::EnableIpv6Forwarding);
    }
    let rules = &observed.rules;
    let rebuild = !active.is_empty() && firewall_needs_rebuild(rules);
    if rebuild {
        ops.push(ClientOp::RebuildFirewall(active.iter().map(|c| c.name.clone()).collect()));
    }
    for client in &active {
        if !observed.interfaces.contains(&client.name) {
            ops.push(ClientOp::BringUp(client.name.clone()));
        }
        if !rebuild && !rules.clients.contains(&client.name) {
            ops.push(ClientOp::AddRules(client.name.clone()));
        }
    }
    if !rebuild {
        for name in rules.clients.iter().filter(|n| !active_names.contains(n.as_str())) {
            ops.push(ClientOp::RemoveRules(name.clone()));
        }
    }
    for name in observed.interfaces.iter().filter(|n| !active_names.contains(n.as_str())) {
        ops.push(ClientOp::TearDown(name.clone()));
    }
    ops
}

/// Whether peergate's rules must be rebuilt whole before a client can be added: the base is
/// missing or altered, or some client's rules are partial or doubled.
pub fn firewall_needs_rebuild(rules: &ObservedRules) -> bool {
    !rules.base_ok || !rules.damaged.is_empty()
}

/// The one firewall change that gives `name` its rules beside the clients already active: an
/// addition to an intact ruleset, else a rebuild with all of them. Activation and the reconciler
/// decide the same way.
pub fn rules_op(name: &str, other_active: &[String], rules: &ObservedRules) -> ClientOp {
    if firewall_needs_rebuild(rules) {
        let mut all = other_active.to_vec();
        all.push(name.to_string());
        ClientOp::RebuildFirewall(all)
    } else {
        ClientOp::AddRules(name.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, active: bool) -> ClientSpec {
        ClientSpec { name: name.into(), active, routes_ipv6: false }
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn healthy(names: &[&str]) -> Observed {
        Observed {
            interfaces: set(names),
            rules: ObservedRules { base_ok: true, clients: set(names), damaged: BTreeSet::new() },
            ipv4_forwarding: true,
            ipv6_forwarding: false,
        }
    }

    #[test]
    fn converged_state_needs_nothing() {
        let desired = [spec("a", true), spec("b", false)];
        assert_eq!(plan(&desired, &healthy(&["a"])), []);
        assert_eq!(plan(&[], &Observed::default()), []);
    }

    #[test]
    fn after_a_reboot_everything_comes_back_in_order() {
        let desired = [spec("a", true), ClientSpec { name: "b".into(), active: true, routes_ipv6: true }];
        assert_eq!(
            plan(&desired, &Observed::default()),
            [
                ClientOp::EnableIpv4Forwarding,
                ClientOp::EnableIpv6Forwarding,
                ClientOp::RebuildFirewall(vec!["a".into(), "b".into()]),
                ClientOp::BringUp("a".into()),
                ClientOp::BringUp("b".into()),
            ]
        );
    }

    #[test]
    fn drift_is_repaired_and_leftovers_removed() {
        let mut observed = healthy(&["a", "gone"]);
        observed.rules.clients.remove("a");
        observed.interfaces.remove("a");
        let desired = [spec("a", true), spec("gone", false)];
        assert_eq!(
            plan(&desired, &observed),
            [
                ClientOp::BringUp("a".into()),
                ClientOp::AddRules("a".into()),
                ClientOp::RemoveRules("gone".into()),
                ClientOp::TearDown("gone".into()),
            ]
        );
    }

    #[test]
    fn a_flushed_or_duplicated_firewall_is_rebuilt_with_exactly_the_active_clients() {
        let mut observed = healthy(&["a"]);
        observed.rules.base_ok = false;
        assert_eq!(plan(&[spec("a", true)], &observed), [ClientOp::RebuildFirewall(vec!["a".into()])]);
        let mut observed = healthy(&["a"]);
        observed.rules.damaged = set(&["a"]);
        assert_eq!(plan(&[spec("a", true)], &observed), [ClientOp::RebuildFirewall(vec!["a".into()])]);
    }

    #[test]
    fn activation_adds_to_an_intact_ruleset_and_rebuilds_a_broken_one() {
        let others = vec!["b".to_string()];
        let intact = ObservedRules { base_ok: true, clients: set(&["b"]), damaged: BTreeSet::new() };
        let check = |rules: &ObservedRules, expect: ClientOp| assert_eq!(rules_op("a", &others, rules), expect, "{rules:?}");
        check(&intact, ClientOp::AddRules("a".into()));
        check(&ObservedRules::default(), ClientOp::RebuildFirewall(vec!["b".into(), "a".into()]));
        check(&ObservedRules { damaged: set(&["b"]), ..intact.clone() }, ClientOp::RebuildFirewall(vec!["b".into(), "a".into()]));
        check(&ObservedRules { base_ok: false, ..intact.clone() }, ClientOp::RebuildFirewall(vec!["b".into(), "a".into()]));
    }
}
