//! Host metrics as data: one sample of the gateway's CPU, memory, load, uptime and interface
//! rates, and the points of its short history, as streamed and shown on the dashboard. The
//! binary's sampler fills them from the operating system.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterfaceRate {
    pub name: String,
    /// Bytes per second.
    pub rx_rate: f64,
    pub tx_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HostSample {
    /// UNIX seconds.
    pub at: i64,
    pub cpu_percent: f32,
    pub memory_used_bytes: u64,
    pub memory_total_bytes: u64,
    pub load_average: [f64; 3],
    pub uptime_secs: u64,
    pub interfaces: Vec<InterfaceRate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryPoint {
    pub at: i64,
    pub cpu_percent: f32,
    pub memory_used_bytes: u64,
}
