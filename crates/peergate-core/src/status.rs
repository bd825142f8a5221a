//! Live WireGuard status from what the kernel or wireguard-go reports, reduced to one
//! `ObservedClient` per interface.
//!
//! Two sources, same result: the UAPI socket's `get=1` answer (wireguard-go / boringtun: keys in
//! hex, one `key=value` per line) and `wg show all dump` (the kernel module: tab-separated, the
//! interface line carries the PRIVATE key, which is skipped and never kept). A handshake time of 0
//! means never; boringtun reports the handshake as an age in seconds instead of a UNIX time, so a
//! value below 10⁹ (2001) is read as an age. "Connected" = a handshake younger than 180 s,
//! WireGuard's REJECT_AFTER_TIME: after that, the session keys are no longer accepted.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// WireGuard rejects a session older than this (REJECT_AFTER_TIME).
pub const CONNECTED_WITHIN_SECS: i64 = 180;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedPeer {
    pub public_key: String,
    pub endpoint: Option<String>,
    /// UNIX seconds; 0 = never.
    pub latest_handshake: i64,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedClient {
    pub interface: String,
    pub peers: Vec<ObservedPeer>,
}

impl ObservedClient {
    /// The newest handshake of any peer (0 = never).
    pub fn latest_handshake(&self) -> i64 {
        self.peers.iter().map(|p| p.latest_handshake).max().unwrap_or(0)
    }

    pub fn rx_bytes(&self) -> u64 {
        self.peers.iter().map(|p| p.rx_bytes).sum()
    }

    pub fn tx_bytes(&self) -> u64 {
        self.peers.iter().map(|p| p.tx_bytes).sum()
    }

    pub fn endpoint(&self) -> Option<&str> {
        self.peers.iter().find_map(|p| p.endpoint.as_deref())
    }

    pub fn connected(&self, now: i64) -> bool {
        is_connected(self.latest_handshake(), now)
    }
}

pub fn is_connected(latest_handshake: i64, now: i64) -> bool {
    latest_handshake > 0 && now - latest_handshake < CONNECTED_WITHIN_SECS
}

/// boringtun reports an age; everyone else a UNIX time.
fn normalize_handshake(value: i64, now: i64) -> i64 {
    match value {
        0 => 0,
        age if age < 1_000_000_000 => now - age,
        time => time,
    }
}

fn hex_key_to_base64(hex: &str) -> Option<String> {
    if hex.len() != 64 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..32).map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()).collect();
    Some(STANDARD.encode(bytes?))
}

/// Parses a UAPI `get=1` answer. `None` when the answer reports an error (`errno` ≠ 0) or is
/// malformed.
pub fn parse_uapi(interface: &str, text: &str, now: i64) -> Option<ObservedClient> {
    let mut peers: Vec<ObservedPeer> = Vec::new();
    let mut errno = None;
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else { continue };
        match key {
            "public_key" => peers.push(ObservedPeer { public_key: hex_key_to_base64(value)?, ..Default::default() }),
            "endpoint" => peers.last_mut()?.endpoint = Some(value.to_string()),
            "last_handshake_time_sec" => {
                peers.last_mut()?.latest_handshake = normalize_handshake(value.parse().ok()?, now);
            }
            "rx_bytes" => peers.last_mut()?.rx_bytes = value.parse().ok()?,
            "tx_bytes" => peers.last_mut()?.tx_bytes = value.parse().ok()?,
            "errno" => errno = value.parse::<i64>().ok(),
            _ => {}
        }
    }
    (errno == Some(0)).then(|| ObservedClient { interface: interface.to_string(), peers })
}

/// Parses `wg show all dump`: every interface it lists.
pub fn parse_wg_dump(text: &str, now: i64) -> BTreeMap<String, ObservedClient> {
    let mut out: BTreeMap<String, ObservedClient> = BTreeMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            // interface, private key (skipped), public key, listen port, fwmark
            [iface, _private, _public, _port, _fwmark] => {
                out.entry(iface.to_string())
                    .or_insert_with(|| ObservedClient { interface: iface.to_string(), peers: Vec::new() });
            }
            // interface, public key, preshared, endpoint, allowed ips, handshake, rx, tx, keepalive
            [iface, public, _psk, endpoint, _allowed, handshake, rx, tx, _keepalive] => {
                let client = out
                    .entry(iface.to_string())
                    .or_insert_with(|| ObservedClient { interface: iface.to_string(), peers: Vec::new() });
                client.peers.push(ObservedPeer {
                    public_key: public.to_string(),
                    endpoint: (*endpoint != "(none)").then(|| endpoint.to_string()),
                    latest_handshake: normalize_handshake(handshake.parse().unwrap_or(0), now),
                    rx_bytes: rx.parse().unwrap_or(0),
                    tx_bytes: tx.parse().unwrap_or(0),
                });
            }
            _ => {}
        }
    }
    out
}

/// Bytes per second between two readings; a counter that went down (interface recreated) gives 0.
pub fn rate(previous: u64, current: u64, seconds: f64) -> f64 {
    if seconds <= 0.0 || current < previous { 0.0 } else { (current - previous) as f64 / seconds }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;
    const PUB_HEX: &str = "0202020202020202020202020202020202020202020202020202020202020202";

    #[test]
    fn uapi_answer_becomes_an_observed_client_without_the_private_key() {
        let text = format!(
            "private_key={}\nlisten_port=43210\npublic_key={PUB_HEX}\npreshared_key={}\nprotocol_version=1\n\
             endpoint=10.203.0.2:51820\nlast_handshake_time_sec={}\nlast_handshake_time_nsec=5\ntx_bytes=1480\n\
             rx_bytes=920\npersistent_keepalive_interval=5\nallowed_ip=10.77.0.0/24\nerrno=0\n\n",
            "01".repeat(32),
            "00".repeat(32),
            NOW - 10
        );
        let client = parse_uapi("site-a", &text, NOW).unwrap();
        assert_eq!(client.peers.len(), 1);
        let peer = &client.peers[0];
        assert_eq!(peer.public_key, "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=");
        assert_eq!(peer.endpoint.as_deref(), Some("10.203.0.2:51820"));
        assert_eq!((client.rx_bytes(), client.tx_bytes()), (920, 1480));
        assert!(client.connected(NOW));
        assert!(!format!("{client:?}").contains(&"01".repeat(32)));
        assert!(parse_uapi("x", "errno=2\n", NOW).is_none());
        assert!(parse_uapi("x", "public_key=zz\nerrno=0\n", NOW).is_none());
    }

    #[test]
    fn handshakes_never_ages_and_staleness() {
        assert_eq!(normalize_handshake(0, NOW), 0);
        assert_eq!(normalize_handshake(42, NOW), NOW - 42, "boringtun reports an age");
        assert_eq!(normalize_handshake(NOW - 5, NOW), NOW - 5);
        assert!(!is_connected(0, NOW), "0 means never");
        assert!(is_connected(NOW - 179, NOW));
        assert!(!is_connected(NOW - 180, NOW));
    }

    #[test]
    fn wg_dump_lists_every_interface_and_skips_private_keys() {
        let dump = format!(
            "site-a\tPRIVATEKEY=\tPUBLIC=\t43210\toff\n\
             site-a\tAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=\t(none)\t10.203.0.2:51820\t10.77.0.0/24\t{}\t100\t200\t5\n\
             site-b\tPRIVATEKEY=\tPUBLIC=\t43211\toff\n\
             site-b\tAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=\t(none)\t(none)\t10.78.0.0/24\t0\t0\t0\toff\n",
            NOW - 1
        );
        let all = parse_wg_dump(&dump, NOW);
        assert_eq!(all.len(), 2);
        assert!(all["site-a"].connected(NOW));
        assert_eq!(all["site-b"].latest_handshake(), 0);
        assert_eq!(all["site-b"].endpoint(), None);
        assert!(!format!("{all:?}").contains("PRIVATEKEY"));
    }

    #[test]
    fn rates() {
        assert_eq!(rate(100, 300, 2.0), 100.0);
        assert_eq!(rate(300, 100, 2.0), 0.0);
        assert_eq!(rate(0, 100, 0.0), 0.0);
    }
}
