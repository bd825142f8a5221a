//! Live status, pings and the SSE stream on real interfaces.

use serde_json::Value;

use super::*;
use crate::netns::*;

// e) live status, pings, SSE

#[test]
fn dataplane_status_pings_and_events() {
    let Some(h) = setup(Backend::Nftables) else { return };
    let name = h.topo.client_name(1);
    let c = h.upload_split(&h.topo.conf("client-split.conf"), &name);
    h.activate_ok(&c);

    let positive = |v: &Value| v.as_f64().is_some_and(|n| n > 0.0) || v.as_str().is_some_and(|s| !s.is_empty());
    let mut first = Value::Null;
    assert!(
        wait_until(SECS(15), || {
            first = h.get(&c);
            first["status"]["connected"] == true && positive(&first["status"]["latest_handshake"])
        }),
        "no connected status with a handshake: {first}"
    );
    let status = &first["status"];
    assert!(status["endpoint"].to_string().contains("10.203.0.2"), "endpoint: {status}");
    let rx0 = status["rx_bytes"].as_u64().unwrap_or_else(|| panic!("rx_bytes: {status}"));
    let tx0 = status["tx_bytes"].as_u64().unwrap_or_else(|| panic!("tx_bytes: {status}"));

    // Traffic: the LAN host's ping and a connectivity test on demand (keepalives every 5 s add more).
    assert!(lan_ping(&h.topo));
    let (code, ping) = h.gw.api("POST", &format!("/api/clients/{}/ping", c.id), None);
    assert_eq!(code, 200, "ping: {ping}");
    assert_eq!(ping["ok"], true, "{ping}");
    let mut later = Value::Null;
    assert!(
        wait_until(SECS(15), || {
            later = h.get(&c);
            later["status"]["rx_bytes"].as_u64().is_some_and(|rx| rx > rx0)
                && later["status"]["tx_bytes"].as_u64().is_some_and(|tx| tx > tx0)
        }),
        "rx/tx did not grow from {rx0}/{tx0}: {later}"
    );

    let (code, pings) = h.gw.api("GET", &format!("/api/clients/{}/pings", c.id), None);
    assert_eq!(code, 200, "pings: {pings}");
    let list = match &pings {
        Value::Array(items) => items.clone(),
        Value::Object(map) => map.values().find_map(|v| v.as_array().cloned()).unwrap_or_default(),
        _ => Vec::new(),
    };
    assert!(list.len() >= 2, "ping history should hold the activation probe and the on-demand ping: {pings}");

    let events = h.gw.sse(8);
    assert!(events.contains("event: status"), "no `event: status` within 8 s of SSE:\n{events}");
}
