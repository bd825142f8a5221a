//! When an active client counts as down, and what to say about it. The binary keeps the last
//! verdict per client (as the newest alert it raised), asks [`assess`] at each check, and raises
//! an alert only on a change: down once when it goes down, up once when it comes back.

use std::fmt;

/// What the check knows about one active client.
#[derive(Debug, Clone, Copy)]
pub struct Observation {
    /// UNIX seconds of the latest handshake; 0 = never.
    pub latest_handshake: i64,
    /// Since when the client is meant to be up (UNIX seconds): a client that never shook hands
    /// gets the same grace from here.
    pub active_since: i64,
    /// The latest connectivity test: `Some(false)` when every probe was lost.
    pub last_ping_ok: Option<bool>,
    /// `false` when the interface is missing (taken down outside peergate).
    pub interface_up: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Up,
    Down(DownReason),
    /// Never shook hands, still within its grace: no verdict either way (an edit that moves
    /// `active_since` must not read as "up again").
    Waiting,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownReason {
    InterfaceMissing,
    /// No handshake for this many seconds (WireGuard re-handshakes every two minutes while
    /// traffic flows, and the periodic pings make traffic).
    NoHandshake {
        secs: i64,
        never: bool,
    },
    ProbeFailing,
}

impl fmt::Display for DownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DownReason::InterfaceMissing => f.write_str("the interface is missing (taken down outside peergate)"),
            DownReason::NoHandshake { never: true, secs } => write!(f, "no handshake with the peer in {}", duration(*secs)),
            DownReason::NoHandshake { secs, .. } => write!(f, "no handshake with the peer for {}", duration(*secs)),
            DownReason::ProbeFailing => f.write_str("the probe host does not answer through the tunnel"),
        }
    }
}

/// "45 s", "6 min", "2 h 5 min".
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        _ if secs % 3600 < 60 => format!("{} h", secs / 3600),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

/// Down when the interface is gone, when no handshake happened for `down_after` seconds, or
/// when the latest connectivity test lost every probe; up otherwise.
pub fn assess(seen: &Observation, now: i64, down_after: i64) -> Health {
    if !seen.interface_up {
        return Health::Down(DownReason::InterfaceMissing);
    }
    // wg-quick up makes a new interface, whose handshake time starts at 0: a non-zero one is
    // from this activation.
    let never = seen.latest_handshake == 0;
    let since = if never { seen.active_since } else { seen.latest_handshake };
    if now - since > down_after {
        return Health::Down(DownReason::NoHandshake { secs: now - since, never });
    }
    if seen.last_ping_ok == Some(false) {
        return Health::Down(DownReason::ProbeFailing);
    }
    if never { Health::Waiting } else { Health::Up }
}

/// An alert to raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<'a> {
    WentDown(&'a DownReason),
    CameBack,
}

/// The alert to raise, if the verdict changed: `was_down` is what the last alert said.
pub fn transition(was_down: bool, now: &Health) -> Option<Change<'_>> {
    match (was_down, now) {
        (false, Health::Down(reason)) => Some(Change::WentDown(reason)),
        (true, Health::Up) => Some(Change::CameBack),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(latest_handshake: i64, last_ping_ok: Option<bool>) -> Observation {
        Observation { latest_handshake, active_since: 1_000, last_ping_ok, interface_up: true }
    }

    #[test]
    fn a_fresh_handshake_and_a_good_ping_is_up() {
        assert_eq!(assess(&seen(1_900, Some(true)), 2_000, 300), Health::Up);
        assert_eq!(assess(&seen(1_900, None), 2_000, 300), Health::Up, "not pinged yet");
    }

    #[test]
    fn a_stale_handshake_is_down_with_how_long() {
        let health = assess(&seen(1_600, Some(true)), 2_000, 300);
        assert_eq!(health, Health::Down(DownReason::NoHandshake { secs: 400, never: false }));
        let Health::Down(reason) = health else { unreachable!() };
        assert_eq!(reason.to_string(), "no handshake with the peer for 6 min");
    }

    #[test]
    fn a_client_that_never_shook_hands_gets_grace_from_its_activation() {
        assert_eq!(assess(&seen(0, None), 1_200, 300), Health::Waiting);
        let Health::Down(reason) = assess(&seen(0, None), 1_400, 300) else { panic!("down") };
        assert_eq!(reason.to_string(), "no handshake with the peer in 6 min");
        // Waiting is no verdict: a down client whose grace restarted is not "up again".
        assert_eq!(transition(true, &Health::Waiting), None);
        assert_eq!(transition(false, &Health::Waiting), None);
    }

    #[test]
    fn a_stale_handshake_stays_down_whatever_moves_active_since() {
        let edited = Observation { active_since: 1_990, ..seen(1_500, Some(true)) };
        assert!(matches!(assess(&edited, 2_000, 300), Health::Down(DownReason::NoHandshake { secs: 500, never: false })));
    }

    #[test]
    fn a_failing_probe_or_a_missing_interface_is_down() {
        assert_eq!(assess(&seen(1_990, Some(false)), 2_000, 300), Health::Down(DownReason::ProbeFailing));
        let gone = Observation { interface_up: false, ..seen(1_990, Some(true)) };
        assert_eq!(assess(&gone, 2_000, 300), Health::Down(DownReason::InterfaceMissing));
    }

    #[test]
    fn only_changes_raise_alerts() {
        let down = Health::Down(DownReason::ProbeFailing);
        assert_eq!(transition(false, &down), Some(Change::WentDown(&DownReason::ProbeFailing)));
        assert_eq!(transition(true, &down), None, "down twice is one alert");
        assert_eq!(transition(true, &Health::Up), Some(Change::CameBack));
        assert_eq!(transition(false, &Health::Up), None);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(360), "6 min");
        assert_eq!(duration(7_200), "2 h");
        assert_eq!(duration(7_500), "2 h 5 min");
        assert_eq!(duration(-5), "0 s");
    }
}
