//! Throughput of the upload path (parse, client policy, render) for a typical one-peer client config
//! and for a ~60 KiB config with hundreds of peers, close to the 64 KiB upload limit: the worst case
//! a gateway must handle per upload. Criterion prints time and bytes/second for each.

use std::hint::black_box;
use std::net::IpAddr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use peergate_core::client_policy::{
    ClientRequest, ExistingClient, GatewayFacts, GatewayNet, GatewayNetKind, Outcome, RouteLimits, evaluate,
};
use peergate_core::wg_conf::{MAX_CONF_BYTES, WgConf, WgKey, parse_bytes, render};

fn key(a: u8, b: u8) -> String {
    let mut bytes = [7u8; 32];
    bytes[0] = a;
    bytes[1] = b;
    WgKey::from_bytes(bytes).to_base64()
}

fn typical() -> String {
    format!(
        "# site A\n[Interface]\nPrivateKey = {}\nAddress = 10.204.0.2/32\nDNS = 1.1.1.1\n\n\
         [Peer]\nPublicKey = {}\nPresharedKey = {}\nAllowedIPs = 10.77.0.0/24, 10.204.0.1/32\n\
         Endpoint = vpn.example.com:51820\nPersistentKeepalive = 25\n",
        key(0, 1),
        key(0, 2),
        key(0, 3)
    )
}

/// As many peers as fit in 60 KiB, each routing its own /24.
fn many_peers() -> String {
    let mut text = format!("[Interface]\nPrivateKey = {}\nAddress = 10.204.0.2/32\n", key(0, 0));
    for i in 1u16.. {
        let [hi, lo] = i.to_be_bytes();
        let peer =
            format!("\n[Peer]\nPublicKey = {}\nAllowedIPs = 10.{hi}.{lo}.0/24\nEndpoint = 198.51.{hi}.{lo}:51820\n", key(hi, lo));
        if text.len() + peer.len() > 60 * 1024 {
            break;
        }
        text.push_str(&peer);
    }
    assert!(text.len() <= MAX_CONF_BYTES);
    text
}

fn accept(conf: WgConf, existing: &[ExistingClient]) -> Outcome {
    let resolved: [IpAddr; 1] = ["203.0.113.7".parse().unwrap()];
    // A gateway with a handful of addresses and routes, as a small router has.
    let gateway = GatewayFacts {
        nets: ["127.0.0.1/8", "192.168.1.1/24", "198.18.0.2/24", "2001:db8:1::1/64", "fe80::1/64"]
            .iter()
            .map(|n| GatewayNet { net: n.parse().unwrap(), interface: "eth0".into(), kind: GatewayNetKind::Address })
            .collect(),
        udp_ports: vec![53, 123],
    };
    evaluate(ClientRequest {
        conf,
        name: "sitea",
        subnets: None,
        probe_host: None,
        gateway_lan: Some("192.168.1.0/24".parse().unwrap()),
        gateway: &gateway,
        limits: RouteLimits::default(),
        allow_wide: false,
        endpoint_addrs: &resolved,
        existing,
    })
    .expect("benchmark input is valid")
}

fn upload_path(c: &mut Criterion) {
    let existing: Vec<ExistingClient> = (0..20)
        .map(|i| ExistingClient { name: format!("site{i}"), subnets: vec![format!("172.20.{i}.0/24").parse().unwrap()] })
        .collect();
    for (name, text) in [("typical", typical()), ("60KiB", many_peers())] {
        let bytes = text.as_bytes();
        let conf = parse_bytes(bytes).unwrap();
        let mut group = c.benchmark_group(format!("wg_conf/{name}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("parse", |b| b.iter(|| parse_bytes(black_box(bytes)).unwrap()));
        group.bench_function("policy", |b| b.iter(|| accept(black_box(conf.clone()), &existing)));
        group.bench_function("render", |b| b.iter(|| render(black_box(&conf))));
        group.bench_function("parse+policy+render", |b| {
            b.iter(|| match accept(parse_bytes(black_box(bytes)).unwrap(), &existing) {
                Outcome::Accepted(client) => render(&client.conf),
                Outcome::NeedsSubnet(_) => unreachable!("benchmark confs are split tunnels"),
            })
        });
        group.finish();
    }
}

criterion_group!(benches, upload_path);
criterion_main!(benches);
