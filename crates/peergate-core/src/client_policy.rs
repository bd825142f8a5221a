//! The gateway's rules for an uploaded client config, applied to an already parsed [`WgConf`]: what
//! a file may ask of a machine that runs it as root, and whether its routes fit next to everything
//! the gateway has. Hooks (`PreUp`…`PostDown`) are refused because they are shell commands run as
//! root; `SaveConfig` and `DNS` are dropped with a warning because they rewrite the file and the
//! system resolver; any `Table` other than `auto` is refused, including `off`, because then wg-quick
//! installs no routes and the remote subnet would be unreachable from the LAN; a privileged or
//! already bound `ListenPort` is refused. A config whose AllowedIPs route everything or too much
//! public space ([`Breadth`]) would hijack the gateway's own traffic, so it yields
//! [`Outcome::NeedsSubnet`] rather than an error: the upload is fine except that the operator must
//! say which remote network to route, and that network then replaces the first peer's AllowedIPs.
//! Every routed prefix (AllowedIPs and the interface addresses, which install connected routes)
//! must stay clear of special-purpose ranges, of the gateway's addresses and connected routes, of
//! the peers' endpoint addresses (routing the endpoint into the tunnel cuts the tunnel off) and of
//! the other clients' subnets; the error names the conflict. The caller reads the gateway, resolves
//! endpoint host names, passes the other clients (excluding the one being replaced, when
//! re-importing), and decides what to do with the result; nothing here does IO.

mod breadth;
mod conflicts;
mod coverage;
mod display_name;
mod error;
mod gateway;
mod name;
mod special;

#[cfg(test)]
mod tests;

use std::net::IpAddr;

use ipnet::IpNet;

pub use breadth::{Breadth, RouteLimits};
pub use coverage::{is_full_tunnel, overlaps};
pub use display_name::{
    DisplayName, DisplayNameError, MAX_DISPLAY_NAME_CHARS, MAX_NOTES_CHARS, NotesError, display_name_from_filename, parse_notes,
};
pub use error::{Conflict, PolicyError, SubnetError};
pub use gateway::{GatewayFacts, GatewayNet, GatewayNetKind};
pub use name::{InterfaceName, MAX_NAME_LEN, NameError, derive_interface, derive_name_from_filename};
pub use special::{SpecialRange, special_range};

use crate::wg_conf::{Located, Table, WgConf, hide_keys, parse_network};
use conflicts::{Routed, Surroundings};
use coverage::Union;

/// A client that already exists on this gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingClient {
    pub name: String,
    pub subnets: Vec<IpNet>,
}

/// Everything the policy needs to decide about one upload.
#[derive(Debug, Clone)]
pub struct ClientRequest<'a> {
    pub conf: WgConf,
    /// The interface name: as the admin typed it, or derived from the display name.
    pub name: &'a str,
    /// The subnet field as typed: one network or several separated by commas.
    pub subnets: Option<&'a str>,
    /// The probe host field as typed.
    pub probe_host: Option<&'a str>,
    /// The configured LAN network, if any (the gateway's own addresses are in `gateway`).
    pub gateway_lan: Option<IpNet>,
    /// The gateway's addresses, connected routes and bound UDP ports, read just now.
    pub gateway: &'a GatewayFacts,
    pub limits: RouteLimits,
    /// The admin explicitly allows more public space than `limits` (never a full tunnel).
    pub allow_wide: bool,
    /// Addresses the caller resolved for endpoint host names. IP-literal endpoints are added here.
    pub endpoint_addrs: &'a [IpAddr],
    pub existing: &'a [ExistingClient],
}

/// The result of a policy check that did not refuse the upload.
// One value per upload, matched right away: boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Accepted(AcceptedClient),
    NeedsSubnet(NeedsSubnet),
}

/// A client that may be written to disk and brought up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedClient {
    /// Without hooks, `SaveConfig` and `DNS`; AllowedIPs replaced if the user gave subnets for a
    /// full tunnel.
    pub conf: WgConf,
    pub interface: InterfaceName,
    /// The remote networks routed through this client.
    pub subnets: Vec<IpNet>,
    pub probe_host: IpAddr,
    pub warnings: Vec<Warning>,
}

/// The upload passed every check except the route check: it routes everything, or too much public
/// space, so the operator must enter the remote site's subnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedsSubnet {
    /// Lines whose AllowedIPs make up the full tunnel.
    pub lines: Vec<usize>,
    pub reason: Breadth,
    pub warnings: Vec<Warning>,
}

impl NeedsSubnet {
    pub fn code(&self) -> &'static str {
        "needs_subnet"
    }

    pub fn message(&self) -> String {
        let at = match self.lines.first() {
            Some(line) => format!("line {line}: "),
            None => String::new(),
        };
        format!("{at}AllowedIPs {}; enter the remote site's subnet, such as 10.77.0.0/24", self.reason)
    }
}

/// Something peergate changed or ignored in the upload, shown next to the accepted client.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    pub line: Option<usize>,
    pub code: &'static str,
    pub message: String,
}

/// Applies the gateway rules to an upload. Checks run from "fix the form" to "fix the file" to
/// "fix the routes", so a pending upload (`NeedsSubnet`) has passed everything else.
pub fn evaluate(request: ClientRequest<'_>) -> Result<Outcome, PolicyError> {
    let ClientRequest { mut conf, name, subnets, probe_host, gateway_lan, gateway, limits, allow_wide, endpoint_addrs, existing } =
        request;
    let interface = InterfaceName::parse(name).map_err(|reason| PolicyError::InvalidName { input: excerpt(name), reason })?;
    // Case-insensitive, although Linux is not: `SiteA` next to `sitea` is a mistake waiting to happen.
    if existing.iter().any(|c| c.name.eq_ignore_ascii_case(interface.as_str())) {
        return Err(PolicyError::NameTaken { name: interface.to_string() });
    }
    // Everything wrong with the file itself, reported at once.
    let (mut warnings, mut refusals) = sanitize(&mut conf);
    refusals.extend(check_listen_port(&conf, interface.as_str(), gateway).err());
    refusals.extend(check_addresses(&conf, &limits).err());
    refusals.sort_by_key(PolicyError::line);
    if let Some(refused) = PolicyError::all(refusals) {
        return Err(refused);
    }

    // Wide public routes pass only when the admin said so; a full tunnel never does.
    let too_wide = |union: &Union| Breadth::of(union, &limits).filter(|b| !(allow_wide && *b != Breadth::Full));
    let union = Union::of(routed(&conf));
    // An empty form field means "not given", not "invalid".
    let typed = subnets.filter(|s| !s.trim().is_empty()).map(parse_subnets).transpose()?;
    let subnets = match (too_wide(&union), typed) {
        (Some(reason), None) => {
            let mut lines: Vec<usize> = (conf.peers.iter().flat_map(|p| &p.allowed_ips)).filter_map(|a| a.line.get()).collect();
            lines.dedup();
            return Ok(Outcome::NeedsSubnet(NeedsSubnet { lines, reason, warnings }));
        }
        (Some(_), Some(typed)) => {
            if let Some(breadth) = too_wide(&Union::of(&typed)) {
                return Err(PolicyError::InvalidSubnet { input: list(&typed), reason: SubnetError::TooWide(breadth) });
            }
            conf.peers[0].allowed_ips = typed.iter().copied().map(Located::synthetic).collect();
            if let Some(breadth) = too_wide(&Union::of(routed(&conf))) {
                let others = &conf.peers[1..];
                let culprit = others.iter().find(|p| too_wide(&Union::of(p.allowed_ips.iter().map(|a| &a.value))).is_some());
                let line = culprit.or(others.first()).and_then(|p| p.line.get());
                return Err(match breadth {
                    Breadth::Full => PolicyError::FullTunnel { line },
                    wide => PolicyError::WideRoute { line, breadth: wide },
                });
            }
            typed
        }
        (None, Some(typed)) => {
            if let Some(subnet) = typed.iter().find(|s| !union.contains(s)) {
                let allowed = routed(&conf).map(ToString::to_string).collect::<Vec<_>>().join(", ");
                return Err(PolicyError::SubnetNotRouted { subnet: *subnet, allowed });
            }
            typed
        }
        (None, None) => collapse(&conf, &mut warnings),
    };
    if allow_wide && let Some(breadth) = Breadth::of(&Union::of(&subnets), &limits) {
        warnings.push(Warning {
            line: None,
            code: "wide_route_allowed",
            message: format!("An admin allowed this client's subnets to {breadth}"),
        });
    }

    let around = Surroundings { interface: interface.as_str(), gateway, lan: gateway_lan, endpoint_addrs, existing };
    conflicts::check(&conf, &Routed::all(&conf), &around)?;
    let probe_host = choose_probe_host(probe_host, &subnets)?;
    Ok(Outcome::Accepted(AcceptedClient { conf, interface, subnets, probe_host, warnings }))
}

/// Re-checks an admitted client against the gateway as it is now (at activation: the gateway may
/// have gained an address or a route since the upload).
pub fn recheck(conf: &WgConf, interface: &str, gateway: &GatewayFacts) -> Result<(), PolicyError> {
    let around = Surroundings { interface, gateway, lan: None, endpoint_addrs: &[], existing: &[] };
    conflicts::check(conf, &Routed::all(conf), &around)
}

/// No privileged port (wireguard-go would happily hold UDP 53), none another program holds.
fn check_listen_port(conf: &WgConf, interface: &str, gateway: &GatewayFacts) -> Result<(), PolicyError> {
    let Some(port) = &conf.interface.listen_port else { return Ok(()) };
    let (line, port) = (port.line.get(), port.value);
    // 0 asks WireGuard to pick a port, like leaving the line out.
    if (1..1024).contains(&port) {
        return Err(PolicyError::PrivilegedListenPort { line, port });
    }
    // With the client's own interface up (re-importing it), the port may be its own.
    if port != 0 && gateway.udp_ports.contains(&port) && !gateway.has_interface(interface) {
        return Err(PolicyError::ListenPortInUse { line, port });
    }
    Ok(())
}

/// An address prefix installs a connected route: `Address = 200.0.0.2/1` routes half the internet.
/// It cannot be fixed with the subnet prompt, so it is refused (the admin override does not apply:
/// no tunnel address needs a wide prefix).
fn check_addresses(conf: &WgConf, limits: &RouteLimits) -> Result<(), PolicyError> {
    for a in &conf.interface.addresses {
        if let Some(breadth) = Breadth::of(&Union::of([&a.value]), limits) {
            return Err(PolicyError::AddressRoute { line: a.line.get(), address: a.value, breadth });
        }
    }
    Ok(())
}

fn list(nets: &[IpNet]) -> String {
    nets.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// The client's subnets from its AllowedIPs, each once, leaving out networks inside another one
/// (router exports list `10.77.0.5/32` beside `10.77.0.0/24`): the route commands and firewall rules
/// for the wider one cover them. WireGuard keeps every entry; each one left out gets a note.
fn collapse(conf: &WgConf, warnings: &mut Vec<Warning>) -> Vec<IpNet> {
    let all: Vec<&Located<IpNet>> = conf.peers.iter().flat_map(|p| &p.allowed_ips).collect();
    let mut kept: Vec<IpNet> = Vec::new();
    for entry in &all {
        let net = entry.value;
        if kept.contains(&net) {
            continue;
        }
        if let Some(outer) = all.iter().map(|o| o.value).find(|o| *o != net && o.contains(&net)) {
            warnings.push(Warning {
                line: entry.line.get(),
                code: "redundant_subnet",
                message: format!("{net} lies inside {outer}, which this client routes too; it is listed once, as {outer}"),
            });
            continue;
        }
        kept.push(net);
    }
    kept
}

/// Every network wg-quick will add a route for, across all peers.
fn routed(conf: &WgConf) -> impl Iterator<Item = &IpNet> {
    conf.peers.iter().flat_map(|p| &p.allowed_ips).map(|a| &a.value)
}

/// Refuses hooks and non-default tables; drops `SaveConfig` and `DNS` with warnings.
/// Drops what is removed with a warning (`DNS`, `SaveConfig`) and lists what is refused (every
/// hook, a `Table` other than auto).
fn sanitize(conf: &mut WgConf) -> (Vec<Warning>, Vec<PolicyError>) {
    let i = &mut conf.interface;
    let mut refusals: Vec<PolicyError> = i
        .hooks
        .iter()
        .map(|hook| PolicyError::HookRefused { line: hook.line.get().unwrap_or(0), hook: hook.value.kind })
        .collect();
    if let Some(table) = i.table.as_ref().filter(|t| t.value != Table::Auto) {
        refusals.push(PolicyError::TableRefused { line: table.line.get(), table: table.value.clone() });
    }
    let mut warnings = Vec::new();
    let mut dns_lines: Vec<Option<usize>> = i.dns.iter().map(|d| d.line.get()).collect();
    dns_lines.dedup();
    for line in dns_lines {
        warnings.push(Warning {
            line,
            code: "dns_dropped",
            message: "DNS was removed: it would replace the gateway's own resolver settings".into(),
        });
    }
    if let Some(save) = i.save_config.take() {
        warnings.push(Warning {
            line: save.line.get(),
            code: "save_config_dropped",
            message: "SaveConfig was removed: it would let wg-quick overwrite the file peergate manages".into(),
        });
    }
    i.dns.clear();
    (warnings, refusals)
}

/// Parses the subnet field: comma-separated networks in CIDR form, nothing else. The field is typed
/// by a person and may contain anything, so characters are checked before any parsing.
pub fn parse_subnets(input: &str) -> Result<Vec<IpNet>, PolicyError> {
    let invalid = |reason| PolicyError::InvalidSubnet { input: excerpt(input), reason };
    if input.len() > 1024 {
        return Err(invalid(SubnetError::TooLong));
    }
    if let Some(c) = input.chars().find(|&c| !(c.is_ascii_hexdigit() || ".:/, ".contains(c))) {
        return Err(invalid(SubnetError::BadCharacter(c.escape_debug().to_string())));
    }
    if input.trim().is_empty() {
        return Err(invalid(SubnetError::Empty));
    }
    let mut nets: Vec<IpNet> = Vec::new();
    for part in input.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let invalid = |reason| PolicyError::InvalidSubnet { input: excerpt(part), reason };
        if !part.contains('/') {
            return Err(invalid(SubnetError::MissingPrefix(excerpt(part))));
        }
        let net = parse_network(part).map_err(|e| invalid(SubnetError::Cidr(e)))?;
        if net.prefix_len() == 0 {
            return Err(invalid(SubnetError::DefaultRoute(net)));
        }
        if let Some(other) = nets.iter().find(|n| overlaps(n, &net)) {
            let conflict = Conflict::SameRequest(*other);
            return Err(PolicyError::SubnetOverlap { line: None, subnet: net, conflict });
        }
        nets.push(net);
    }
    Ok(nets)
}

/// What an error quotes of a typed field: at most 64 characters, escaped, never a key.
fn excerpt(s: &str) -> String {
    hide_keys(s).chars().take(64).flat_map(char::escape_debug).collect()
}

/// The typed probe host, or the first usable address of the first subnet (the address itself for
/// a single-host route).
fn choose_probe_host(typed: Option<&str>, subnets: &[IpNet]) -> Result<IpAddr, PolicyError> {
    let typed = typed.map(str::trim).filter(|t| !t.is_empty());
    let probe = match typed {
        Some(text) => text.parse::<IpAddr>().map_err(|_| PolicyError::InvalidProbeHost { input: excerpt(text) })?,
        None => first_usable(subnets.first().expect("a parsed conf routes at least one network")),
    };
    if !subnets.iter().any(|s| s.contains(&probe)) {
        return Err(PolicyError::ProbeHostOutside { probe, subnets: subnets.to_vec() });
    }
    Ok(probe)
}

fn first_usable(net: &IpNet) -> IpAddr {
    match net {
        IpNet::V4(n) if n.prefix_len() < 32 => IpAddr::V4((u32::from(n.network()) + 1).into()),
        IpNet::V6(n) if n.prefix_len() < 128 => IpAddr::V6((u128::from(n.network()) + 1).into()),
        _ => net.network(),
    }
}

/// Parses a probe host typed for an existing client: an IP address inside one of its subnets.
pub fn parse_probe_host(typed: &str, subnets: &[IpNet]) -> Result<IpAddr, PolicyError> {
    if typed.trim().is_empty() {
        return Err(PolicyError::InvalidProbeHost { input: String::new() });
    }
    choose_probe_host(Some(typed), subnets)
}
