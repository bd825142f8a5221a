//! Host metrics for the dashboard: CPU, memory, load, uptime, per-interface rates, sampled on a
//! timer with sysinfo (CPU % needs two samples apart), and the last 30 minutes kept in memory.

use std::collections::VecDeque;

pub use peergate_core::host::{HistoryPoint, HostSample, InterfaceRate};
use sysinfo::{CpuRefreshKind, MemoryRefreshKind, Networks, RefreshKind, System};

/// 30 minutes at the default 10 s sampling.
pub const HISTORY_LEN: usize = 180;

pub struct HostSampler {
    system: Option<System>,
    networks: Option<Networks>,
    history: VecDeque<HistoryPoint>,
    latest: Option<HostSample>,
}

impl Default for HostSampler {
    fn default() -> Self {
        let refresh = RefreshKind::nothing()
            .with_cpu(CpuRefreshKind::nothing().with_usage())
            .with_memory(MemoryRefreshKind::nothing().with_ram());
        // sysinfo refuses only on systems without /proc; then metrics stay empty, nothing else fails.
        HostSampler {
            system: System::new_with_specifics(refresh).map_err(|e| tracing::warn!(error = %e, "host metrics unavailable")).ok(),
            networks: Networks::new_with_refreshed_list().ok(),
            history: VecDeque::with_capacity(HISTORY_LEN),
            latest: None,
        }
    }
}

/// Interfaces the System panel shows: not loopback, and not the kernel's own placeholders that
/// never carry the gateway's traffic (`ifb*` for traffic shaping, the `*tnl0` / `sit0` / `ip6gre0`
/// fallback tunnels every tunnel module creates).
fn shown(name: &str) -> bool {
    const PLACEHOLDERS: &[&str] =
        &["lo", "sit0", "ip6tnl0", "tunl0", "gre0", "gretap0", "erspan0", "ip_vti0", "ip6_vti0", "ip6gre0"];
    !PLACEHOLDERS.contains(&name) && !name.starts_with("ifb")
}

impl HostSampler {
    /// Takes a sample; `elapsed_secs` since the previous one turns byte counters into rates.
    pub fn sample(&mut self, at: i64, elapsed_secs: f64) -> HostSample {
        let secs = elapsed_secs.max(0.001);
        let mut interfaces: Vec<InterfaceRate> = Vec::new();
        if let Some(networks) = self.networks.as_mut() {
            networks.refresh(true);
            interfaces = networks
                .iter()
                .map(|(name, data)| (name.to_string_lossy().into_owned(), data))
                .filter(|(name, _)| shown(name))
                .map(|(name, data)| InterfaceRate {
                    name,
                    rx_rate: data.received() as f64 / secs,
                    tx_rate: data.transmitted() as f64 / secs,
                })
                .collect();
            interfaces.sort_by(|a, b| a.name.cmp(&b.name));
        }
        let (cpu_percent, memory_used_bytes, memory_total_bytes) = match self.system.as_mut() {
            Some(system) => {
                system.refresh_cpu_usage();
                system.refresh_memory();
                (system.global_cpu_usage(), system.used_memory(), system.total_memory())
            }
            None => (0.0, 0, 0),
        };
        let load = System::load_average().map(|l| [l.one, l.five, l.fifteen]).unwrap_or_default();
        let sample = HostSample {
            at,
            cpu_percent,
            memory_used_bytes,
            memory_total_bytes,
            load_average: load,
            uptime_secs: System::uptime().unwrap_or(0),
            interfaces,
        };
        if self.history.len() == HISTORY_LEN {
            self.history.pop_front();
        }
        self.history.push_back(HistoryPoint { at, cpu_percent: sample.cpu_percent, memory_used_bytes: sample.memory_used_bytes });
        self.latest = Some(sample.clone());
        sample
    }

    pub fn latest(&self) -> Option<&HostSample> {
        self.latest.as_ref()
    }

    pub fn history(&self) -> Vec<HistoryPoint> {
        self.history.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholder_interfaces_are_not_shown() {
        for hidden in ["lo", "ifb0", "ifb4eth0", "sit0", "tunl0", "ip6tnl0"] {
            assert!(!super::shown(hidden), "{hidden}");
        }
        for kept in ["eth0", "enp3s0", "wg0", "site-a", "br-lan", "tun0"] {
            assert!(super::shown(kept), "{kept}");
        }
    }
}
