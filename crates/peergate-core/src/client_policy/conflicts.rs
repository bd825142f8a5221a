//! Where a routed prefix must not go: special-purpose ranges, the gateway's own addresses and
//! connected routes, the configured LAN, the peers' endpoints and the other clients' subnets. The
//! same rules apply to AllowedIPs and to the interface `Address` prefixes, because the kernel
//! installs a connected route for each address.

use std::net::IpAddr;

use ipnet::IpNet;

use super::coverage::overlaps;
use super::special::special_range;
use super::{Conflict, ExistingClient, GatewayFacts, PolicyError};
use crate::wg_conf::WgConf;

/// One prefix the interface will route, with where it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Routed {
    pub line: Option<usize>,
    /// As written (an address keeps its host part).
    pub prefix: IpNet,
    pub is_address: bool,
}

impl Routed {
    pub(crate) fn all(conf: &WgConf) -> Vec<Routed> {
        let addresses = conf.interface.addresses.iter().map(|a| Routed { line: a.line.get(), prefix: a.value, is_address: true });
        let allowed = (conf.peers.iter().flat_map(|p| &p.allowed_ips)).map(|a| Routed {
            line: a.line.get(),
            prefix: a.value,
            is_address: false,
        });
        addresses.chain(allowed).collect()
    }

    fn refuse(&self, conflict: Conflict) -> PolicyError {
        match self.is_address {
            true => PolicyError::AddressOverlap { line: self.line, address: self.prefix, conflict },
            false => PolicyError::SubnetOverlap { line: self.line, subnet: self.prefix, conflict },
        }
    }
}

/// What the routed prefixes are checked against.
pub(crate) struct Surroundings<'a> {
    pub interface: &'a str,
    pub gateway: &'a GatewayFacts,
    pub lan: Option<IpNet>,
    pub endpoint_addrs: &'a [IpAddr],
    pub existing: &'a [ExistingClient],
}

/// Every routed prefix must be clear of everything the gateway has and of the other clients.
pub(crate) fn check(conf: &WgConf, routed: &[Routed], around: &Surroundings<'_>) -> Result<(), PolicyError> {
    // Sorted, so each routed network finds its endpoints by binary search: a 64 KiB upload can
    // carry hundreds of peers, each with an IP-literal endpoint.
    let mut endpoints: Vec<IpAddr> =
        (around.endpoint_addrs.iter().copied()).chain(conf.peers.iter().filter_map(|p| p.endpoint_ip())).collect();
    endpoints.sort_unstable();
    for r in routed {
        let net = r.prefix.trunc();
        if let Some(range) = special_range(&net) {
            return Err(PolicyError::SpecialRange { line: r.line, prefix: r.prefix, is_address: r.is_address, range });
        }
        if let Some(lan) = around.lan.filter(|lan| overlaps(lan, &net)) {
            return Err(r.refuse(Conflict::GatewayLan(lan)));
        }
        // Before the gateway's routes: an active client's routes are there too, named less well.
        for client in around.existing {
            if let Some(other) = client.subnets.iter().find(|s| overlaps(s, &net)) {
                return Err(r.refuse(Conflict::Client { name: client.name.clone(), subnet: *other }));
            }
        }
        if let Some(own) = around.gateway.others(around.interface).find(|g| overlaps(&g.net.trunc(), &net)) {
            return Err(r.refuse(Conflict::Gateway(own.clone())));
        }
        let first = endpoints.partition_point(|ip| *ip < net.network());
        if let Some(ip) = endpoints.get(first).filter(|ip| net.contains(*ip)) {
            return Err(r.refuse(Conflict::Endpoint(*ip)));
        }
    }
    Ok(())
}
