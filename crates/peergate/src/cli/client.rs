//! `peergate client …`: list, show, activate, deactivate, export, remove and import gateway
//! clients, through the same workflows as the API (actor `cli:<login>`). Running tunnels belong to
//! the server: `activate` and `deactivate` ask it over its control socket, and `remove` refuses an
//! active client.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Subcommand;

use super::table::{self, when};
use crate::clients::Gateway;
use crate::clients::import::{ImportOptions, ImportOutcome, import_paths, join};
use crate::config::Config;
use crate::control::{self, Request};
use crate::db::Db;
use crate::db::audit::Actor;
use crate::db::clients::{self, ClientRow, ClientState};

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// List clients: id, name, interface, state, subnets, endpoint, last change
    List,
    /// Show one client: names, keys (public only), subnets, state, notes, warnings
    Show {
        /// The client: its id, interface name, or name
        client: String,
    },
    /// Print the client's config with its keys redacted, or write it with the keys to a new file
    Export {
        /// The client: its id, interface name, or name
        client: String,
        /// Include PrivateKey and PresharedKey (the download is recorded in the audit log);
        /// needs --output
        #[arg(long, requires = "output")]
        include_keys: bool,
        /// Write to this new file (created 0600, never overwritten) instead of standard output
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Bring a client up through the running server: wg-quick up, forwarding, firewall rules,
    /// a ping through the tunnel; undone if a step fails (audited)
    Activate {
        /// The client: its id, interface name, or name
        client: String,
    },
    /// Bring a client down through the running server and remove its rules (audited)
    Deactivate {
        /// The client: its id, interface name, or name
        client: String,
    },
    /// Delete an inactive client: its row and its file in the WireGuard directory (audited)
    Remove {
        /// The client: its id, interface name, or name
        client: String,
    },
    /// Import existing wg-quick files (or directories of them) with the same validation as uploads
    Import {
        /// Files or directories (their *.conf files)
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The remote subnet for full-tunnel files (e.g. 10.77.0.0/24)
        #[arg(long)]
        subnet: Option<String>,
        /// The address to ping through the tunnel [default: first address of the subnet]
        #[arg(long)]
        probe_host: Option<String>,
        /// Accept routes to more public address space than PEERGATE_MAX_PUBLIC_ROUTE_V4/_V6
        /// allow (recorded with the client and in the audit log); never a full tunnel
        #[arg(long)]
        allow_wide_routes: bool,
    },
}

pub async fn run(config: &Config, db: &Db, cmd: ClientCommand) -> anyhow::Result<()> {
    let host = std::sync::Arc::new(crate::system::host_net::IpHostNetwork);
    let gateway = || async { Gateway::new(config, crate::system::lan::detect(config).await, host.clone()) };
    match cmd {
        ClientCommand::List => {
            let rows: Vec<Vec<String>> = clients::list(db)
                .await?
                .into_iter()
                .map(|c| {
                    vec![
                        c.id.to_string(),
                        c.display_name,
                        c.interface,
                        c.state.as_str().to_string(),
                        join(&c.subnets),
                        c.endpoint,
                        when(Some(c.updated_at)),
                    ]
                })
                .collect();
            table::print(&["ID", "NAME", "INTERFACE", "STATE", "SUBNETS", "ENDPOINT", "CHANGED"], &rows);
            Ok(())
        }
        ClientCommand::Show { client } => {
            show(&find(db, &client).await?);
            Ok(())
        }
        ClientCommand::Export { client, include_keys, output } => {
            let client = find(db, &client).await?;
            // The file is created before the audited read, so a taken path fails before recording.
            let file = output.as_ref().map(|path| create_private(path)).transpose()?;
            let text = match gateway().await.export(db, &client, include_keys, &Actor::cli()).await {
                Ok(text) => text,
                Err(err) => {
                    if let Some(path) = &output {
                        let _ = std::fs::remove_file(path);
                    }
                    return Err(err);
                }
            };
            match (file, output) {
                (Some(mut file), Some(path)) => {
                    file.write_all(text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
                    eprintln!(
                        "wrote {} ({})",
                        path.display(),
                        if include_keys { "with keys, mode 0600" } else { "keys redacted" }
                    );
                }
                _ => print!("{text}"),
            }
            Ok(())
        }
        ClientCommand::Activate { client } => operate(config, db, &client, Request::Activate).await,
        ClientCommand::Deactivate { client } => operate(config, db, &client, Request::Deactivate).await,
        ClientCommand::Remove { client } => {
            let client = find(db, &client).await?;
            if client.state == ClientState::Active {
                bail!("client `{}` is active; deactivate it first: peergate client deactivate {}", client.interface, client.id);
            }
            gateway().await.remove(db, &client, &Actor::cli()).await?;
            control::announce_client_changes(&config.data_dir).await;
            println!("removed client {} `{}` ({})", client.id, client.display_name, client.interface);
            Ok(())
        }
        ClientCommand::Import { paths, subnet, probe_host, allow_wide_routes } => {
            let options = ImportOptions { subnets: subnet, probe_host, allow_wide: allow_wide_routes };
            let reports = import_paths(&gateway().await, db, &paths, &options, &Actor::cli()).await;
            if reports.iter().any(|r| r.client.is_some()) {
                control::announce_client_changes(&config.data_dir).await;
            }
            if reports.is_empty() {
                bail!("no .conf files found in {}", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
            }
            for r in &reports {
                let outcome = serde_json::to_value(r.outcome)?.as_str().unwrap_or_default().to_string();
                println!("{outcome:<13} {}: {}", r.file, r.detail);
            }
            let failed =
                reports.iter().filter(|r| matches!(r.outcome, ImportOutcome::Refused | ImportOutcome::NeedsSubnet)).count();
            if failed > 0 {
                bail!("{failed} of {} files were not imported", reports.len());
            }
            Ok(())
        }
    }
}

/// Asks the running server to activate or deactivate the client, and says how it went.
async fn operate(config: &Config, db: &Db, wanted: &str, request: Request) -> anyhow::Result<()> {
    let client = find(db, wanted).await?;
    let answer = control::call(&config.data_dir, client.id, request, &Actor::cli()).await?;
    let state = answer["state"].as_str().unwrap_or("unknown");
    let ping = answer["last_ping"]["rtt_avg_ms"].as_f64().filter(|_| matches!(request, Request::Activate));
    let reply = ping.map(|ms| format!("; {} answered in {ms:.1} ms", client.probe_host)).unwrap_or_default();
    println!("client {} `{}` ({}) is {state}{reply}", client.id, client.display_name, client.interface);
    Ok(())
}

/// The client named by id, interface name, or display name (which must then be unambiguous).
async fn find(db: &Db, wanted: &str) -> anyhow::Result<ClientRow> {
    let all = clients::list(db).await?;
    if let Some(client) = all.iter().find(|c| c.id.to_string() == wanted || c.interface == wanted) {
        return Ok(client.clone());
    }
    let named: Vec<&ClientRow> = all.iter().filter(|c| c.display_name == wanted).collect();
    match named.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!("no client `{wanted}`; `peergate client list` shows ids, names and interfaces"),
        many => bail!(
            "{} clients are named `{wanted}` (interfaces {}); give the id or the interface",
            many.len(),
            many.iter().map(|c| c.interface.as_str()).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn show(c: &ClientRow) {
    let handshake =
        c.status.as_ref().map(|s| if s.latest_handshake > 0 { when(Some(s.latest_handshake)) } else { "never".into() });
    let lines = [
        ("id", c.id.to_string()),
        ("name", c.display_name.clone()),
        ("interface", c.interface.clone()),
        ("state", c.state.as_str().to_string()),
        ("subnets", join(&c.subnets)),
        ("probe host", c.probe_host.to_string()),
        ("endpoint", c.endpoint.clone()),
        ("public key", c.public_key.clone().unwrap_or_else(|| "(unknown: the file cannot be read)".into())),
        ("peer keys", c.peer_public_keys.join(", ")),
        ("latest handshake", handshake.unwrap_or_else(|| "-".into())),
        ("last error", c.last_error.clone().unwrap_or_else(|| "-".into())),
        ("config", c.conf_path.clone()),
        ("created", format!("{} by {}", when(Some(c.created_at)), c.created_by)),
        ("changed", when(Some(c.updated_at))),
    ];
    for (label, value) in lines {
        println!("{label:<17} {value}");
    }
    for w in &c.warnings {
        let at = w.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        println!("{:<17} {at}{}", "warning", w.message);
    }
    if !c.notes.is_empty() {
        println!("notes");
        for line in c.notes.lines() {
            println!("  {line}");
        }
    }
}

/// A new file only its owner can read; an existing path is refused, never overwritten.
fn create_private(path: &std::path::Path) -> anyhow::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {} (it must not exist yet)", path.display()))
}
