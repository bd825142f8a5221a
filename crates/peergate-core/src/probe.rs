//! Connectivity tests as data: the summary of one round of ICMP probes, and what a probe that got
//! no answer during activation says about the tunnel (no handshake at all, or a tunnel that is up
//! but a probe host that does not answer).

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One round of probes of a client's probe host, as stored, streamed and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PingResult {
    /// UNIX seconds.
    pub at: i64,
    pub sent: u32,
    pub received: u32,
    /// 0.0 (none lost) to 1.0 (all lost).
    pub loss: f64,
    pub rtt_avg_ms: Option<f64>,
    pub rtt_min_ms: Option<f64>,
    pub rtt_max_ms: Option<f64>,
    pub ok: bool,
    /// Why no probe could be sent at all (no socket, no route).
    pub error: Option<String>,
}

impl PingResult {
    /// The summary of `sent` probes of which those in `rtts` were answered.
    pub fn from_rtts(at: i64, sent: u32, rtts: &[Duration], error: Option<String>) -> PingResult {
        let ms: Vec<f64> = rtts.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        let received = ms.len() as u32;
        let avg = (!ms.is_empty()).then(|| ms.iter().sum::<f64>() / ms.len() as f64);
        PingResult {
            at,
            sent,
            received,
            loss: loss(sent, received),
            rtt_avg_ms: avg,
            rtt_min_ms: ms.iter().copied().reduce(f64::min),
            rtt_max_ms: ms.iter().copied().reduce(f64::max),
            ok: received > 0,
            error,
        }
    }
}

/// The share of probes lost; nothing sent counts as everything lost.
pub fn loss(sent: u32, received: u32) -> f64 {
    if sent == 0 { 1.0 } else { 1.0 - f64::from(received) / f64::from(sent) }
}

/// Why an activation's probe got no answer, in words the admin can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeFailure {
    /// WireGuard never completed a handshake: the tunnel itself is not up.
    NoHandshake { endpoint: String },
    /// The tunnel is up but the probe host did not answer.
    ProbeHostUnreachable { handshake_age_secs: i64, probe_host: IpAddr, sent: u32, error: Option<String> },
}

/// Tells the two failures apart by the interface's latest handshake (0 = never).
pub fn diagnose(latest_handshake: i64, now: i64, endpoint: &str, probe_host: IpAddr, ping: &PingResult) -> ProbeFailure {
    if latest_handshake == 0 {
        ProbeFailure::NoHandshake { endpoint: endpoint.to_string() }
    } else {
        ProbeFailure::ProbeHostUnreachable {
            handshake_age_secs: now - latest_handshake,
            probe_host,
            sent: ping.sent,
            error: ping.error.clone(),
        }
    }
}

impl fmt::Display for ProbeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProbeFailure::NoHandshake { endpoint } => write!(
                f,
                "No handshake with the peer at {endpoint}: the tunnel did not come up. Check the Endpoint and the peer's \
                 PublicKey, and that the remote server lists this gateway's public key."
            ),
            ProbeFailure::ProbeHostUnreachable { handshake_age_secs, probe_host, sent, error } => write!(
                f,
                "The tunnel is up (last handshake {handshake_age_secs} s ago) but the probe host {probe_host} is unreachable: \
                 it did not answer {sent} pings{}. Check the probe host, and that the remote site routes replies back.",
                error.as_deref().map(|e| format!(" ({e})")).unwrap_or_default()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_probes() {
        let r = PingResult::from_rtts(1, 3, &[Duration::from_millis(2), Duration::from_millis(4)], None);
        assert!(r.ok);
        assert_eq!(r.received, 2);
        assert!((r.loss - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!((r.rtt_min_ms, r.rtt_avg_ms, r.rtt_max_ms), (Some(2.0), Some(3.0), Some(4.0)));
        let lost = PingResult::from_rtts(1, 3, &[], None);
        assert!(!lost.ok && lost.loss == 1.0 && lost.rtt_avg_ms.is_none());
        assert_eq!(loss(0, 0), 1.0);
    }

    #[test]
    fn a_failed_probe_is_explained_by_the_handshake() {
        let host: IpAddr = "10.77.0.1".parse().unwrap();
        let silent = PingResult::from_rtts(100, 3, &[], None);
        let no_socket = PingResult::from_rtts(100, 0, &[], Some("no route".into()));
        let check = |handshake: i64, ping: &PingResult, expect: &str| {
            let text = diagnose(handshake, 100, "192.0.2.10:51820", host, ping).to_string();
            assert!(text.contains(expect), "handshake {handshake}: {text}");
        };
        check(0, &silent, "No handshake with the peer at 192.0.2.10:51820");
        check(0, &no_socket, "the tunnel did not come up");
        check(95, &silent, "The tunnel is up (last handshake 5 s ago) but the probe host 10.77.0.1 is unreachable");
        check(95, &silent, "did not answer 3 pings. Check");
        check(40, &no_socket, "did not answer 0 pings (no route).");
    }
}
