//! Everything that touches the operating system: running programs, files in the WireGuard
//! directory, the LAN, WireGuard interfaces, the firewall, forwarding, ICMP, host metrics. Each
//! OS boundary with more than one implementation (or a fake in the HTTP tests) is one coarse
//! trait: `Tunnels`, `Firewall`, `Prober`, `HostNetwork`; the real ones are tested in network namespaces.

pub mod conf_files;
pub mod firewall;
mod firewall_iptables;
mod firewall_nft;
pub mod host_metrics;
pub mod host_net;
pub mod lan;
pub mod owned;
pub mod ping;
pub mod run;
pub mod sysctl;
pub mod tunnels;
