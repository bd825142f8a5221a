//! Address ranges that never belong in a tunnel, each with the name an operator recognises, and the
//! ranges that are not public address space (what the "routes too much" rule does not count).
//! Routing loopback, link-local (where clouds serve their metadata, credentials included),
//! multicast or reserved space into a tunnel breaks the gateway in ways that are hard to see, so
//! any overlap is refused by name. Documentation ranges (192.0.2.0/24, 2001:db8::/32 …) are not
//! refused: they are unrouted on the internet and labs use them.

use std::sync::LazyLock;

use ipnet::IpNet;

use super::coverage::overlaps;

/// One special-purpose range and what it is, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialRange {
    pub net: IpNet,
    pub name: &'static str,
}

/// Most specific first, so `169.254.169.254/32` is named for the metadata service, not for the
/// link-local range around it.
const SPECIAL: &[(&str, &str)] = &[
    ("169.254.169.254/32", "the cloud metadata service address"),
    ("255.255.255.255/32", "the broadcast address"),
    ("0.0.0.0/8", "the unspecified (\"this network\") range"),
    ("127.0.0.0/8", "the loopback range"),
    ("169.254.0.0/16", "the link-local range"),
    ("224.0.0.0/4", "the multicast range"),
    ("240.0.0.0/4", "the reserved range"),
    ("::/128", "the unspecified address"),
    ("::1/128", "the loopback address"),
    ("::ffff:0:0/96", "the IPv4-mapped range"),
    ("::/96", "the reserved IPv4-compatible range"),
    ("100::/64", "the discard-only range"),
    ("fe80::/10", "the link-local range"),
    ("ff00::/8", "the multicast range"),
];

/// Private and shared address space: routing it through a tunnel is what site-to-site is for.
const NOT_PUBLIC: &[&str] = &["10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];

static SPECIAL_RANGES: LazyLock<Vec<SpecialRange>> =
    LazyLock::new(|| SPECIAL.iter().map(|(net, name)| SpecialRange { net: net.parse().expect("valid range"), name }).collect());

/// Every range that is not public unicast space: private, shared and special-purpose.
pub(crate) static NON_PUBLIC: LazyLock<Vec<IpNet>> = LazyLock::new(|| {
    let private = NOT_PUBLIC.iter().map(|net| net.parse().expect("valid range"));
    private.chain(SPECIAL_RANGES.iter().map(|r| r.net)).collect()
});

/// The first special-purpose range `net` shares an address with.
pub fn special_range(net: &IpNet) -> Option<SpecialRange> {
    SPECIAL_RANGES.iter().find(|r| overlaps(&r.net, net)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_ranges_are_found_by_any_overlap_and_named() {
        let cases = [
            ("169.254.169.254/32", Some("the cloud metadata service address")),
            ("169.254.0.0/16", Some("the cloud metadata service address")),
            ("169.254.1.0/24", Some("the link-local range")),
            ("127.0.0.0/8", Some("the loopback range")),
            ("127.0.0.53/32", Some("the loopback range")),
            ("224.0.0.0/4", Some("the multicast range")),
            ("239.1.1.1/32", Some("the multicast range")),
            ("240.0.0.0/4", Some("the broadcast address")),
            ("250.0.0.0/8", Some("the reserved range")),
            ("0.0.0.0/8", Some("the unspecified (\"this network\") range")),
            ("::1/128", Some("the loopback address")),
            ("fe80::/10", Some("the link-local range")),
            ("fe80::1/128", Some("the link-local range")),
            ("ff00::/8", Some("the multicast range")),
            ("ff02::1/128", Some("the multicast range")),
            ("::ffff:10.0.0.0/104", Some("the IPv4-mapped range")),
            ("::/128", Some("the unspecified address")),
            ("::10.0.0.0/104", Some("the reserved IPv4-compatible range")),
            ("100::/64", Some("the discard-only range")),
            ("::/96", Some("the unspecified address")),
            ("10.0.0.0/8", None),
            ("192.0.2.0/24", None),
            ("100.64.0.0/10", None),
            ("2001:db8::/32", None),
            ("fd00::/8", None),
            ("64:ff9b::/96", None),
        ];
        for (net, expected) in cases {
            let got = special_range(&net.parse().unwrap()).map(|r| r.name);
            assert_eq!(got, expected, "{net}");
        }
    }
}
