//! peergate's pure core: parsing, validation, rendering and plans. Nothing here touches the file
//! system, the network, processes or the clock, so every function can only fail on bad input and
//! every behaviour is testable with plain values; the `peergate` binary does the IO.

pub mod account;
pub mod alerts;
pub mod client_policy;
pub mod firewall_plan;
pub mod host;
pub mod login_throttle;
pub mod probe;
pub mod reconcile;
pub mod routes;
pub mod status;
pub mod wg_conf;
