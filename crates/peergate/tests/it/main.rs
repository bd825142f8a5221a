//! The one integration test binary: real servers on ephemeral ports, real databases (SQLite, and
//! PostgreSQL when `PEERGATE_TEST_POSTGRES_URL` is set), the real `peergate` executable for the CLI.

mod activation;
mod admin_api;
mod alerts;
mod architecture;
mod auth;
mod cli;
mod client_config;
mod client_lifecycle;
mod clients;
mod connections;
mod crash_recovery;
mod dataplane;
mod fakes;
mod hostile;
mod login_attacks;
mod netns;
mod roster;
mod route_policy;
mod streams;
mod support;
mod system;
