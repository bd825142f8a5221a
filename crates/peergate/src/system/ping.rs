//! Connectivity tests: ICMP echo to a client's probe host, three probes bounded by a timeout,
//! from inside the process (no `ping` subprocess per client per interval).

use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;
pub use peergate_core::probe::PingResult;
use surge_ping::{Client, Config, ICMP, PingIdentifier, PingSequence};

#[async_trait]
pub trait Prober: Send + Sync {
    /// Sends up to the configured number of probes; with `until_reply`, stops at the first answer
    /// (activation only needs proof of the path; periodic tests measure loss with all probes).
    async fn probe(&self, host: IpAddr, at: i64, until_reply: bool) -> PingResult;
}

pub struct IcmpProber {
    pub count: u32,
    pub timeout: Duration,
    pub interval: Duration,
}

impl Default for IcmpProber {
    fn default() -> Self {
        IcmpProber { count: 3, timeout: Duration::from_secs(1), interval: Duration::from_millis(200) }
    }
}

#[async_trait]
impl Prober for IcmpProber {
    async fn probe(&self, host: IpAddr, at: i64, until_reply: bool) -> PingResult {
        let config = match host {
            IpAddr::V4(_) => Config::default(),
            IpAddr::V6(_) => Config::builder().kind(ICMP::V6).build(),
        };
        let client = match Client::new(&config) {
            Ok(client) => client,
            Err(err) => return PingResult::from_rtts(at, 0, &[], Some(format!("cannot open an ICMP socket: {err}"))),
        };
        let mut pinger = client.pinger(host, PingIdentifier(rand::random())).await;
        pinger.timeout(self.timeout);
        let mut rtts = Vec::new();
        let mut last_error = None;
        let mut sent = 0;
        for seq in 0..self.count {
            sent += 1;
            match pinger.ping(PingSequence(seq as u16), &[0u8; 16]).await {
                Ok((_, rtt)) => rtts.push(rtt),
                Err(surge_ping::SurgeError::Timeout { .. }) => {}
                Err(err) => last_error = Some(err.to_string()),
            }
            if until_reply && !rtts.is_empty() {
                break;
            }
            if seq + 1 < self.count {
                tokio::time::sleep(self.interval).await;
            }
        }
        let error = if rtts.is_empty() { last_error } else { None };
        PingResult::from_rtts(at, sent, &rtts, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn loopback_answers() {
        // Needs an ICMP socket: root, CAP_NET_RAW or ping_group_range (CI runs as root).
        let r = IcmpProber::default().probe("127.0.0.1".parse().unwrap(), 0, false).await;
        assert!(r.ok, "{r:?}");
        assert_eq!(r.received, 3);
        let first = IcmpProber::default().probe("127.0.0.1".parse().unwrap(), 0, true).await;
        assert_eq!((first.sent, first.received), (1, 1), "stops at the first answer");
    }
}
