//! peergate: the binary crate. Everything here does IO around the pure `peergate-core`: the HTTP
//! server, the database, the command line. `main.rs` only parses arguments and calls [`cli::run`].

pub mod accounts;
pub mod alerts;
pub mod app;
pub mod cli;
pub mod clients;
pub mod config;
pub mod control;
pub mod credentials;
pub mod dataplane;
pub mod db;
pub mod doctor;
pub mod events;
pub mod http;
pub mod jobs;
pub mod listener;
pub mod roster;
pub mod server;
pub mod system;
pub mod telemetry;
