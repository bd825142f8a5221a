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

use crate::firewall_plan::{ObservedRules, RuledClient};

/// A client as the database wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSpec {
    /// The interface, and the subnets routed through it.
    pub client: RuledClient,
    /// Active clients must be up with rules; inactive ones down without rules.
    pub active: bool,
}

impl ClientSpec {
    fn name(&self) -> &str {
        &self.client.name
    }

    fn routes_ipv6(&self) -> bool {
        self.client.subnets.iter().any(|s| matches!(s, ipnet::IpNet::V6(_)))
    }
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
    /// or a client's members in the iptables set are not its subnets).
    RebuildFirewall(Vec<String>),
    BringUp(String),
    AddRules(String),
    RemoveRules(String),
    TearDown(String),
}

pub fn plan(desired: &[ClientSpec], observed: &Observed) -> Vec<ClientOp> {
    let active: Vec<&ClientSpec> = desired.iter().filter(|c| c.active).collect();
    let active_names: BTreeSet<&str> = active.iter().map(|c| c.name()).collect();
    let mut ops = Vec::new();
    if !active.is_empty() && !observed.ipv4_forwarding {
        ops.push(ClientOp::EnableIpv4Forwarding);
    }
    if active.iter().any(|c| c.routes_ipv6()) && !observed.ipv6_forwarding {
        ops.push(ClientOp::EnableIpv6Forwarding);
    }
    let rules = &observed.rules;
    let rules_state: Vec<Rules> = active.iter().map(|c| rules_of(c, rules)).collect();
    let rebuild = !active.is_empty() && (!rules.base_ok || rules_state.contains(&Rules::Wrong));
    if rebuild {
        ops.push(ClientOp::RebuildFirewall(active.iter().map(|c| c.name().to_string()).collect()));
    }
    for (client, state) in active.iter().zip(&rules_state) {
        if !observed.interfaces.contains(client.name()) {
            ops.push(ClientOp::BringUp(client.name().to_string()));
        }
        if !rebuild && *state == Rules::Missing {
            ops.push(ClientOp::AddRules(client.name().to_string()));
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

#[derive(Debug, PartialEq, Eq)]
enum Rules {
    InPlace,
    Missing,
    /// In the iptables set with other subnets than the client's (edited by hand, or a subnet
    /// change cut short): only a rebuild makes the set exact.
    Wrong,
}

fn rules_of(client: &ClientSpec, rules: &ObservedRules) -> Rules {
    match &rules.subnets {
        None if rules.clients.contains(client.name()) => Rules::InPlace,
        None => Rules::Missing,
        Some(installed) => {
            let want = client.client.ipv4();
            match installed.get(client.name()) {
                Some(have) if *have == want => Rules::InPlace,
                Some(_) => Rules::Wrong,
                // A client without IPv4 subnets has nothing in the iptables set.
                None if want.is_empty() => Rules::InPlace,
                None => Rules::Missing,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, active: bool) -> ClientSpec {
        ClientSpec { client: RuledClient { name: name.into(), subnets: vec!["10.1.0.0/24".parse().unwrap()] }, active }
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn healthy(names: &[&str]) -> Observed {
        Observed {
            interfaces: set(names),
            rules: ObservedRules { base_ok: true, clients: set(names), subnets: None },
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
        let mut b = spec("b", true);
        b.client.subnets.push("fd00:1::/64".parse().unwrap());
        let desired = [spec("a", true), b];
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
    }

    #[test]
    fn iptables_members_must_be_exactly_the_subnets() {
        let net = |s: &str| s.parse::<ipnet::Ipv4Net>().unwrap();
        let with = |members: &[(&str, &str)]| {
            let mut observed = healthy(&["a", "b"]);
            let mut map: std::collections::BTreeMap<String, BTreeSet<ipnet::Ipv4Net>> = Default::default();
            for (name, subnet) in members {
                map.entry(name.to_string()).or_default().insert(net(subnet));
            }
            observed.rules.clients = map.keys().cloned().collect();
            observed.rules.subnets = Some(map);
            observed
        };
        let mut v6_only = spec("b", true);
        v6_only.client.subnets = vec!["fd00:1::/64".parse().unwrap()];
        let desired = [spec("a", true), v6_only];
        assert_eq!(plan(&desired, &with(&[("a", "10.1.0.0/24")])), [ClientOp::EnableIpv6Forwarding]);
        assert_eq!(plan(&desired, &with(&[])), [ClientOp::EnableIpv6Forwarding, ClientOp::AddRules("a".into())]);
        let stale = with(&[("a", "10.1.0.0/24"), ("a", "10.9.0.0/24")]);
        assert_eq!(
            plan(&desired, &stale),
            [ClientOp::EnableIpv6Forwarding, ClientOp::RebuildFirewall(vec!["a".into(), "b".into()])]
        );
        let leftover = with(&[("a", "10.1.0.0/24"), ("gone", "10.5.0.0/24")]);
        assert_eq!(plan(&desired, &leftover), [ClientOp::EnableIpv6Forwarding, ClientOp::RemoveRules("gone".into())]);
    }
}
