//! How much a client may route: never everything (a full tunnel, however it is split), and no more
//! public address space than [`RouteLimits`] allows. A hostile file can route "everything but the
//! LAN and the endpoint" in fifty prefixes and take the gateway's own traffic to the internet; the
//! share of public space catches that whatever the split, while private ranges (what site-to-site
//! tunnels carry) do not count. The default limit is one /16 of public IPv4 and one /32 of public
//! IPv6: an organisation's own public block fits, half the internet does not.

use std::fmt;
use std::sync::LazyLock;

use super::coverage::Union;
use super::special::NON_PUBLIC;

/// The most public address space one client may route, as the size of one prefix per family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteLimits {
    pub public_v4_prefix: u8,
    pub public_v6_prefix: u8,
}

impl Default for RouteLimits {
    fn default() -> Self {
        RouteLimits { public_v4_prefix: 16, public_v6_prefix: 32 }
    }
}

/// Why a set of routes is too much for a gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breadth {
    /// All of IPv4 or all of IPv6.
    Full,
    /// More public space than the limit: `addresses` of it, `limit_prefix` allowed.
    WidePublic { v6: bool, addresses: u128, limit_prefix: u8 },
}

static NON_PUBLIC_UNION: LazyLock<Union> = LazyLock::new(|| Union::of(NON_PUBLIC.iter()));

impl Breadth {
    /// The reason's stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Breadth::Full => "full_tunnel",
            Breadth::WidePublic { .. } => "wide_public_route",
        }
    }

    /// Whether routing `union` is too much, and why.
    pub(crate) fn of(union: &Union, limits: &RouteLimits) -> Option<Breadth> {
        if union.is_full_tunnel() {
            return Some(Breadth::Full);
        }
        let (v4, v6) = union.count_outside(&NON_PUBLIC_UNION);
        let over = |count: u128, bits: u32, prefix: u8| count > 1u128 << (bits - u32::from(prefix.min(bits as u8)));
        if over(v4, 32, limits.public_v4_prefix) {
            return Some(Breadth::WidePublic { v6: false, addresses: v4, limit_prefix: limits.public_v4_prefix });
        }
        if over(v6, 128, limits.public_v6_prefix) {
            return Some(Breadth::WidePublic { v6: true, addresses: v6, limit_prefix: limits.public_v6_prefix });
        }
        None
    }
}

/// Digits in groups of three: 2,147,483,648.
fn grouped(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Breadth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Breadth::Full => f.write_str("route all traffic into the tunnel (a full tunnel), which would cut the gateway off"),
            Breadth::WidePublic { v6, addresses, limit_prefix } => {
                let (family, bits) = if v6 { ("IPv6", 128) } else { ("IPv4", 32) };
                // The prefix whose size is closest below: what the routes amount to.
                let size = bits - (127 - addresses.leading_zeros().min(127)) as u8;
                write!(f, "route public {family} space about the size of a /{size}")?;
                if !v6 {
                    write!(f, " ({} addresses)", grouped(addresses))?;
                }
                write!(
                    f,
                    " into the tunnel, which would take over the gateway's own traffic; one client may route at \
                     most a /{limit_prefix}'s worth"
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use ipnet::IpNet;

    use super::*;

    fn breadth(list: &str) -> Option<String> {
        let nets: Vec<IpNet> = list.split_whitespace().map(|s| s.parse().unwrap()).collect();
        Breadth::of(&Union::of(&nets), &RouteLimits::default()).map(|b| format!("{}: {b}", b.code()))
    }

    /// "Everything but the LAN and the endpoint", the way a hostile file spells it.
    fn all_but(holes: &[&str]) -> String {
        let mut nets: Vec<IpNet> = vec!["0.0.0.0/0".parse().unwrap()];
        for hole in holes {
            let hole: IpNet = hole.parse().unwrap();
            nets = nets
                .into_iter()
                .flat_map(|n| {
                    if !super::super::coverage::overlaps(&n, &hole) {
                        return vec![n];
                    }
                    let mut pieces = vec![n];
                    while let Some(p) = pieces.iter().position(|p| p.contains(&hole) && *p != hole) {
                        let p = pieces.remove(p);
                        pieces.extend(p.subnets(p.prefix_len() + 1).unwrap());
                    }
                    pieces.retain(|p| *p != hole);
                    pieces
                })
                .collect();
        }
        nets.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn too_much_is_full_or_more_public_space_than_the_limit() {
        let near_full = all_but(&["192.168.1.0/24", "198.51.100.7/32"]);
        assert!(near_full.split(' ').count() > 40, "dozens of prefixes, none of them a default route");
        let cases = [
            (
                "0.0.0.0/0",
                Some("full_tunnel: route all traffic into the tunnel (a full tunnel), which would cut the gateway off"),
            ),
            (
                "0.0.0.0/1 128.0.0.0/1",
                Some("full_tunnel: route all traffic into the tunnel (a full tunnel), which would cut the gateway off"),
            ),
            (
                near_full.as_str(),
                Some(
                    "wide_public_route: route public IPv4 space about the size of a /1 (3,702,390,783 addresses) into the tunnel, which would take over the gateway's own traffic; one client may route at most a /16's worth",
                ),
            ),
            (
                "128.0.0.0/1",
                Some(
                    "wide_public_route: route public IPv4 space about the size of a /2 (1,609,433,088 addresses) into the tunnel, which would take over the gateway's own traffic; one client may route at most a /16's worth",
                ),
            ),
            (
                "8.0.0.0/15",
                Some(
                    "wide_public_route: route public IPv4 space about the size of a /15 (131,072 addresses) into the tunnel, which would take over the gateway's own traffic; one client may route at most a /16's worth",
                ),
            ),
            ("8.0.0.0/16", None),
            ("8.0.0.0/17 9.0.0.0/17", None),
            ("8.0.0.0/17 9.0.0.0/17 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 100.64.0.0/10", None),
            (
                "8.0.0.0/16 9.0.0.0/32",
                Some(
                    "wide_public_route: route public IPv4 space about the size of a /16 (65,537 addresses) into the tunnel, which would take over the gateway's own traffic; one client may route at most a /16's worth",
                ),
            ),
            (
                "2000::/3",
                Some(
                    "wide_public_route: route public IPv6 space about the size of a /3 into the tunnel, which would take over the gateway's own traffic; one client may route at most a /32's worth",
                ),
            ),
            ("2001:db8::/32", None),
            ("fd00::/8 fc00::/8", None),
            (
                "::/1 8000::/1",
                Some("full_tunnel: route all traffic into the tunnel (a full tunnel), which would cut the gateway off"),
            ),
        ];
        for (list, expected) in cases {
            assert_eq!(breadth(list).as_deref(), expected, "{list}");
        }
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(2_147_483_648), "2,147,483,648");
    }
}
