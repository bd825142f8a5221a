//! Property tests: for any configuration the parser can hold, rendering and re-parsing gives the
//! same configuration and the same text; and arbitrary input never panics the parser.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use proptest::prelude::*;

use super::*;

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|n| IpAddr::V4(Ipv4Addr::from(n))),
        any::<u128>().prop_map(|n| IpAddr::V6(Ipv6Addr::from(n))),
    ]
}

fn address() -> impl Strategy<Value = IpNet> {
    ip().prop_flat_map(|ip| {
        let max: u8 = if ip.is_ipv4() { 32 } else { 128 };
        (0..=max).prop_map(move |prefix| IpNet::new(ip, prefix).unwrap())
    })
}

fn hostname() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,10}[a-z0-9](\\.[a-z]{2,6}){0,2}"
}

fn located<T: std::fmt::Debug>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Located<T>> {
    s.prop_map(Located::synthetic)
}

fn table() -> impl Strategy<Value = Table> {
    prop_oneof![
        Just(Table::Auto),
        Just(Table::Off),
        any::<u32>().prop_map(Table::Id),
        "[a-z_][a-z0-9_-]{0,10}".prop_filter("not a keyword", |s| s != "auto" && s != "off").prop_map(Table::Name),
    ]
}

fn dns() -> impl Strategy<Value = DnsEntry> {
    prop_oneof![ip().prop_map(DnsEntry::Server), hostname().prop_map(DnsEntry::SearchDomain)]
}

fn hook() -> impl Strategy<Value = Hook> {
    let kind = prop_oneof![Just(HookKind::PreUp), Just(HookKind::PostUp), Just(HookKind::PreDown), Just(HookKind::PostDown),];
    (kind, "[a-z%][a-z0-9 ./%=-]{0,20}[a-z0-9]").prop_map(|(kind, command)| Hook { kind, command })
}

fn interface() -> impl Strategy<Value = Interface> {
    (
        any::<[u8; 32]>(),
        prop::collection::vec(located(address()), 1..4),
        prop::option::of(located(any::<u16>())),
        prop::option::of(located(any::<u32>())),
        prop::option::of(located(MIN_MTU_IPV6..=MAX_MTU)),
        prop::option::of(located(table())),
        prop::collection::vec(located(dns()), 0..3),
        prop::option::of(located(any::<bool>())),
        prop::collection::vec(located(hook()), 0..3),
    )
        .prop_map(|(key, addresses, listen_port, fw_mark, mtu, table, dns, save_config, hooks)| Interface {
            line: SourceLine(None),
            private_key: Located::synthetic(PrivateKey::from_bytes(key)),
            addresses,
            listen_port,
            fw_mark,
            mtu,
            table,
            dns,
            save_config,
            hooks,
        })
}

fn endpoint() -> impl Strategy<Value = Endpoint> {
    let host = prop_oneof![ip().prop_map(Host::Ip), hostname().prop_map(Host::Name)];
    (host, 1..=u16::MAX).prop_map(|(host, port)| Endpoint { host, port })
}

fn peer(index: u8) -> impl Strategy<Value = Peer> {
    (
        any::<[u8; 32]>(),
        prop::option::of(any::<[u8; 32]>()),
        prop::collection::vec(address().prop_map(|net| Located::synthetic(net.trunc())), 1..5),
        endpoint(),
        prop::option::of(located(any::<u16>())),
    )
        .prop_map(move |(mut key, psk, allowed_ips, endpoint, persistent_keepalive)| {
            // Distinct public keys: the parser refuses duplicate peers.
            key[0] = index;
            Peer {
                line: SourceLine(None),
                public_key: Located::synthetic(PublicKey(WgKey::from_bytes(key))),
                preshared_key: psk.map(|b| Located::synthetic(PresharedKey::from_bytes(b))),
                allowed_ips,
                endpoint: Located::synthetic(endpoint),
                persistent_keepalive,
            }
        })
}

pub(crate) fn conf() -> impl Strategy<Value = WgConf> {
    (interface(), (1u8..5).prop_flat_map(|n| (0..n).map(peer).collect::<Vec<_>>()))
        .prop_map(|(interface, peers)| WgConf { interface, peers })
}

proptest! {
    #[test]
    fn parse_render_round_trips(conf in conf()) {
        let text = render(&conf);
        let parsed = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&parsed, &conf);
        prop_assert_eq!(render(&parsed), text);
        // The secret material really was checked, not just ignored by a lenient `PartialEq`.
        prop_assert_eq!(
            parsed.interface.private_key.value.expose_base64(),
            conf.interface.private_key.value.expose_base64()
        );
    }

    #[test]
    fn redacted_render_never_contains_secrets(conf in conf()) {
        let text = render_redacted(&conf);
        prop_assert!(!text.contains(&conf.interface.private_key.value.expose_base64()));
        for peer in &conf.peers {
            if let Some(psk) = &peer.preshared_key {
                prop_assert!(!text.contains(&psk.value.expose_base64()));
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "(\\[(Interface|Peer)\\]\n|[A-Za-z]{1,12} ?= ?[ -~]{0,50}\n|#.*\n){0,20}") {
        let _ = parse(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_bytes(&bytes);
    }
}
