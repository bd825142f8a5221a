//! Why an uploaded client is refused, phrased for the operator who has to fix the file or the form,
//! each with a stable machine code the HTTP layer returns as the problem `code`.

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;

use super::breadth::Breadth;
use super::display_name::DisplayNameError;
use super::gateway::GatewayNet;
use super::name::NameError;
use super::special::SpecialRange;
use crate::wg_conf::{CidrError, HookKind, ParseError, Table};

fn at(line: &Option<usize>) -> String {
    line.map(|l| format!("line {l}: ")).unwrap_or_default()
}

fn address_or_not(is_address: &bool) -> &'static str {
    if *is_address { "the interface address " } else { "" }
}

fn list(nets: &[IpNet]) -> String {
    nets.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error(transparent)]
    Parse(ParseError),
    /// Several problems of one file, each with its line, reported together (the first one's
    /// code stands for all).
    #[error("{} problems in this file: {}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Several(Vec<PolicyError>),
    #[error(
        "The interface name `{input}` cannot be used: {reason}. Interface names are 1 to 15 letters, \
         digits or `_ = . -`, not starting with `-`; leave the field empty to derive one from the name"
    )]
    InvalidName { input: String, reason: NameError },
    #[error("The client name cannot be used: {0}")]
    InvalidDisplayName(DisplayNameError),
    #[error(
        "Another client already uses the interface `{name}`; choose another interface name or leave \
         the field empty to get a free one"
    )]
    NameTaken { name: String },
    #[error(
        "line {line}: {hook} runs a shell command as root on the gateway; peergate does not accept \
         hooks. Remove the line and upload again"
    )]
    HookRefused { line: usize, hook: HookKind },
    #[error(
        "{}Table = {table} is not supported; peergate needs wg-quick to add the routes in the main \
         table (`Table = auto`, the default). Remove the line and upload again",
        at(.line)
    )]
    TableRefused { line: Option<usize>, table: Table },
    #[error(
        "{}ListenPort = {port} is a privileged port (below 1024) that the gateway's own services use; \
         remove the line (WireGuard then picks a free port) or choose a port from 1024 up",
        at(.line)
    )]
    PrivilegedListenPort { line: Option<usize>, port: u16 },
    #[error(
        "{}ListenPort = {port} is already in use on the gateway (UDP); remove the line (WireGuard then \
         picks a free port) or choose another port",
        at(.line)
    )]
    ListenPortInUse { line: Option<usize>, port: u16 },
    #[error(
        "{}the interface address {address} makes the kernel {breadth}. Write the tunnel address with \
         /32 (IPv4) or /128 (IPv6), or the tunnel network's real prefix",
        at(.line)
    )]
    AddressRoute { line: Option<usize>, address: IpNet, breadth: Breadth },
    #[error("{}the interface address {address} overlaps {conflict}; traffic for it would go into the tunnel", at(.line))]
    AddressOverlap { line: Option<usize>, address: IpNet, conflict: Conflict },
    #[error(
        "{}{}{prefix} overlaps {}, {}; special-purpose addresses are never routed into a tunnel",
        at(.line), address_or_not(.is_address), .range.net, .range.name
    )]
    SpecialRange { line: Option<usize>, prefix: IpNet, is_address: bool, range: SpecialRange },
    #[error("The subnet `{input}` is not valid: {reason}")]
    InvalidSubnet { input: String, reason: SubnetError },
    #[error(
        "The subnet {subnet} is not routed to this peer; its AllowedIPs are {allowed}. Enter a \
         subnet inside them"
    )]
    SubnetNotRouted { subnet: IpNet, allowed: String },
    #[error(
        "{}this peer also routes all traffic (a full tunnel), and the subnet you entered only \
         replaces the routes of the first peer. Limit its AllowedIPs to the remote network",
        at(.line)
    )]
    FullTunnel { line: Option<usize> },
    #[error(
        "{}this peer's AllowedIPs {breadth}, and the subnet you entered only replaces the routes of \
         the first peer. Limit its AllowedIPs to the remote network",
        at(.line)
    )]
    WideRoute { line: Option<usize>, breadth: Breadth },
    #[error("{}{subnet} overlaps {conflict}", at(.line))]
    SubnetOverlap { line: Option<usize>, subnet: IpNet, conflict: Conflict },
    #[error("The probe host `{input}` is not an IP address")]
    InvalidProbeHost { input: String },
    #[error("The probe host {probe} is not inside the client's subnets ({})", list(.subnets))]
    ProbeHostOutside { probe: IpAddr, subnets: Vec<IpNet> },
}

impl PolicyError {
    /// Stable snake_case code for API clients; never changes once published.
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::Parse(e) => e.code(),
            PolicyError::Several(all) => all.first().map_or("parse_error", PolicyError::code),
            PolicyError::InvalidName { .. } => "invalid_name",
            PolicyError::InvalidDisplayName(_) => "invalid_display_name",
            PolicyError::NameTaken { .. } => "name_taken",
            PolicyError::HookRefused { .. } => "hook_refused",
            PolicyError::TableRefused { .. } => "table_refused",
            PolicyError::PrivilegedListenPort { .. } => "listen_port_privileged",
            PolicyError::ListenPortInUse { .. } => "listen_port_in_use",
            PolicyError::AddressRoute { .. } => "address_route",
            PolicyError::AddressOverlap { .. } => "address_overlap",
            PolicyError::SpecialRange { .. } => "special_range",
            PolicyError::InvalidSubnet { .. } => "invalid_subnet",
            PolicyError::SubnetNotRouted { .. } => "subnet_not_routed",
            PolicyError::FullTunnel { .. } => "full_tunnel",
            PolicyError::WideRoute { .. } => "wide_route",
            PolicyError::SubnetOverlap { .. } => "subnet_overlap",
            PolicyError::InvalidProbeHost { .. } => "invalid_probe_host",
            PolicyError::ProbeHostOutside { .. } => "probe_host_outside_subnet",
        }
    }

    /// The line of the uploaded file the error points at, if any.
    pub fn line(&self) -> Option<usize> {
        match self {
            PolicyError::Parse(e) => e.line,
            PolicyError::Several(all) => all.first().and_then(PolicyError::line),
            PolicyError::HookRefused { line, .. } => Some(*line),
            PolicyError::TableRefused { line, .. }
            | PolicyError::PrivilegedListenPort { line, .. }
            | PolicyError::ListenPortInUse { line, .. }
            | PolicyError::AddressRoute { line, .. }
            | PolicyError::AddressOverlap { line, .. }
            | PolicyError::SpecialRange { line, .. }
            | PolicyError::FullTunnel { line }
            | PolicyError::WideRoute { line, .. }
            | PolicyError::SubnetOverlap { line, .. } => *line,
            _ => None,
        }
    }
}

impl PolicyError {
    /// One error, or [`PolicyError::Several`]; `None` for none.
    pub fn all(mut errors: Vec<PolicyError>) -> Option<PolicyError> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(PolicyError::Several(errors)),
        }
    }

    /// Each problem on its own (one, or each of [`PolicyError::Several`]).
    pub fn each(&self) -> Vec<&PolicyError> {
        match self {
            PolicyError::Several(all) => all.iter().collect(),
            one => vec![one],
        }
    }
}

impl From<ParseError> for PolicyError {
    fn from(mut err: ParseError) -> PolicyError {
        let more = std::mem::take(&mut err.more);
        let all = std::iter::once(err).chain(more.into_vec()).map(PolicyError::Parse).collect();
        PolicyError::all(all).expect("at least the first error")
    }
}

/// What a routed network collides with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    GatewayLan(IpNet),
    /// An address or connected route of the gateway's interfaces.
    Gateway(GatewayNet),
    /// Routing the peer's own endpoint into the tunnel would cut the tunnel off.
    Endpoint(IpAddr),
    Client {
        name: String,
        subnet: IpNet,
    },
    /// Another subnet in the same request.
    SameRequest(IpNet),
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Conflict::GatewayLan(lan) => write!(f, "the gateway's LAN {lan}"),
            Conflict::Gateway(net) => net.fmt(f),
            Conflict::Endpoint(ip) => write!(
                f,
                "the peer's endpoint address {ip}; routing the endpoint into the tunnel would cut \
                 the tunnel off"
            ),
            Conflict::Client { name, subnet } => write!(f, "client `{name}`'s subnet {subnet}"),
            Conflict::SameRequest(other) => write!(f, "{other}, which is also in the list"),
        }
    }
}

/// Why a typed subnet is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubnetError {
    #[error("it is empty; enter a network such as 10.77.0.0/24")]
    Empty,
    #[error("it is too long")]
    TooLong,
    #[error("it contains `{0}`, which cannot appear in a network; enter a network such as 10.77.0.0/24")]
    BadCharacter(String),
    #[error("add a prefix length, such as {0}/32 for a single host")]
    MissingPrefix(String),
    #[error("{0} is the default route; enter the remote site's network instead")]
    DefaultRoute(IpNet),
    #[error("these networks would {0}")]
    TooWide(Breadth),
    #[error("{0}")]
    Cidr(CidrError),
}
