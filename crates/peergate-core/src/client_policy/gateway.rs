//! What the gateway itself has, read by the caller just before a check: every address and connected
//! route on every interface (both families) and the UDP ports already bound. A client's routes must
//! stay clear of all of them, not only of the one LAN prefix: a tunnel that routes half the WAN
//! subnet or the LAN's IPv6 prefix cuts the gateway off as surely as one that routes the LAN.

use std::fmt;

use ipnet::IpNet;

/// Whether a [`GatewayNet`] is an interface address (shown with its host part) or a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayNetKind {
    Address,
    Route,
}

/// One address or directly connected route of the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayNet {
    /// For an address, the address with its prefix (`192.168.1.1/24`); for a route, the network.
    pub net: IpNet,
    pub interface: String,
    pub kind: GatewayNetKind,
}

impl fmt::Display for GatewayNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            GatewayNetKind::Address => "address",
            GatewayNetKind::Route => "connected route",
        };
        write!(f, "the gateway's {what} {} on {}", self.net, self.interface)
    }
}

/// The gateway's addresses, routes and bound UDP ports at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayFacts {
    pub nets: Vec<GatewayNet>,
    pub udp_ports: Vec<u16>,
}

impl GatewayFacts {
    /// What is not the client's own interface (its own tunnel, when it is already up).
    pub(crate) fn others<'a>(&'a self, interface: &'a str) -> impl Iterator<Item = &'a GatewayNet> + 'a {
        self.nets.iter().filter(move |n| n.interface != interface)
    }

    /// Whether the client's own interface is up (then a bound port may be its own).
    pub(crate) fn has_interface(&self, interface: &str) -> bool {
        self.nets.iter().any(|n| n.interface == interface)
    }
}
