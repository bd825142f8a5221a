//! The one integration test binary: real servers on ephemeral ports, real databases (SQLite, and
//! PostgreSQL when `PEERGATE_TEST_POSTGRES_URL` is set), the real `peergate` executable for the CLI.

mod auth;
mod clients;
mod cli;
mod support;
mod system;
