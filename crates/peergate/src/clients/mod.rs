//! Gateway clients: admitting and removing them (the IO around `peergate_core::client_policy`,
//! shared by the upload API, pending uploads and import), and how they are shown.
//!
//! - this module: admission and removal, under the gateway lock.
//! - [`pending`]: uploads that wait for their subnet.
//! - [`import`]: existing wg-quick files, with a report per file.
//! - [`edit`]: changes to an admitted client (name, notes, probe host).
//! - `export`: the client's file as a download, with or without keys, audited.
//! - `duplicates`: warnings for an upload that repeats a client's keys.
//! - [`replace`]: a new file for an existing, inactive client, keeping its id, names and history.
//! - [`recovery`]: start-up repair of what a crash left between files and rows.
//! - [`view`]: the API's and the audit log's view of a client.
//!
//! Admission reads top-down: check the display name → parse the bytes → resolve endpoint names →
//! (under the gateway lock) load the other clients → take the interface name typed, or derive a
//! free one from the display name → the pure policy decides → write the rendered file under a temporary
//! name → insert the row and its audit event → rename the file into place → commit. If anything
//! fails before the commit, neither file nor row exists; the raw upload never reaches the
//! WireGuard directory, only peergate's own rendering of it.

mod duplicates;
pub mod edit;
mod export;
pub mod import;
pub mod pending;
pub mod recovery;
pub mod replace;
pub mod view;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use peergate_core::client_policy::{
    self, AcceptedClient, ClientRequest, DisplayName, ExistingClient, NeedsSubnet, Outcome, PolicyError, RouteLimits,
};
use peergate_core::wg_conf::{self, Host, WgConf};
use tokio::sync::Mutex;

pub use view::{Client, audit_view};

use crate::db::audit::{Actor, Entry};
use crate::db::clients::{self, ClientRow, NewClient, StoredWarning};
use crate::db::{self, Db};
use crate::system::conf_files::ConfDir;
use crate::system::host_net::{self, HostNetwork};
use crate::system::lan::Lan;

/// The gateway's client storage: where files go, what the routes must not collide with (the LAN,
/// the host's own addresses and routes, read at each check), how much they may route, and the lock
/// that makes check-then-write atomic (two uploads must not both pass the overlap check).
pub struct Gateway {
    pub wg_dir: ConfDir,
    pub pending_dir: ConfDir,
    pub lan: Option<Lan>,
    pub host: Arc<dyn HostNetwork>,
    pub limits: RouteLimits,
    pub lock: Mutex<()>,
}

#[derive(Clone, Copy)]
pub struct Upload<'a> {
    pub bytes: &'a [u8],
    /// The name people use (free text; checked by `DisplayName::parse`).
    pub display_name: &'a str,
    /// The interface name the admin typed; derived from the display name when absent or blank.
    pub interface: Option<&'a str>,
    pub subnets: Option<&'a str>,
    pub probe_host: Option<&'a str>,
    /// The admin explicitly allows more public address space than the limit (audited).
    pub allow_wide: bool,
}

// One value per request, matched at once: boxing the client would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Admission {
    Created(ClientRow),
    NeedsSubnet(NeedsSubnet),
}

/// How an import treats a file that already sits at the client's path in the WireGuard directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Uploads: never overwrite a file peergate did not write.
    New,
    /// Import of `<wg_dir>/<name>.conf` itself: the rendered file replaces the original.
    InPlace,
}

#[derive(Debug, thiserror::Error)]
pub enum AdmitError {
    #[error(transparent)]
    Refused(#[from] PolicyError),
    /// A name or file already in use outside peergate's records.
    #[error("{0}")]
    Taken(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db::database_failure_is_internal!(AdmitError);

impl Gateway {
    pub fn new(config: &crate::config::Config, lan: Option<Lan>, host: Arc<dyn HostNetwork>) -> Gateway {
        Gateway {
            wg_dir: ConfDir::new(&config.wg_dir),
            pending_dir: ConfDir::new(config.data_dir.join("pending")),
            lan,
            host,
            limits: config.route_limits(),
            lock: Mutex::new(()),
        }
    }

    /// Validates an upload and, when it passes, creates the client (file + row + audit event).
    pub async fn admit(&self, db: &Db, upload: Upload<'_>, placement: Placement, actor: &Actor) -> Result<Admission, AdmitError> {
        let display_name = DisplayName::parse(upload.display_name).map_err(PolicyError::InvalidDisplayName)?;
        let conf = wg_conf::parse_bytes(upload.bytes).map_err(PolicyError::from)?;
        let (endpoint_addrs, mut warnings) = resolve_endpoints(&conf).await;
        let _guard = self.lock.lock().await;
        let rows = clients::list(db).await?;
        warnings.extend(duplicates::warnings(&conf, &rows));
        let existing = clients::existing_of(&rows);
        let gateway = self.host.facts().await?;
        let interface = match upload.interface.map(str::trim).filter(|typed| !typed.is_empty()) {
            Some(typed) => {
                if placement == Placement::New {
                    refuse_host_interface(typed, &existing)?;
                }
                typed.to_string()
            }
            None => self.free_interface(display_name.as_str(), &existing),
        };
        let outcome = client_policy::evaluate(ClientRequest {
            conf,
            name: &interface,
            subnets: upload.subnets,
            probe_host: upload.probe_host,
            gateway_lan: self.lan.as_ref().and_then(|l| l.network),
            gateway: &gateway,
            limits: self.limits,
            allow_wide: upload.allow_wide,
            endpoint_addrs: &endpoint_addrs,
            existing: &existing,
        })?;
        match outcome {
            Outcome::NeedsSubnet(needs) => Ok(Admission::NeedsSubnet(needs)),
            Outcome::Accepted(accepted) => {
                warnings.extend(accepted.warnings.iter().map(StoredWarning::from));
                self.create(db, &accepted, &display_name, &warnings, placement, actor).await.map(Admission::Created)
            }
        }
    }

    async fn create(
        &self,
        db: &Db,
        accepted: &AcceptedClient,
        display_name: &DisplayName,
        warnings: &[StoredWarning],
        placement: Placement,
        actor: &Actor,
    ) -> Result<ClientRow, AdmitError> {
        let name = accepted.interface.as_str();
        let rendered = wg_conf::render(&accepted.conf);
        let original = match placement {
            Placement::InPlace => self.wg_dir.read(name).ok(),
            Placement::New => None,
        };
        let staged = match placement {
            Placement::New => self.wg_dir.stage(name, &rendered),
            Placement::InPlace => self.wg_dir.stage_replacing(name, &rendered),
        };
        let staged = staged.map_err(|err| match err.kind() {
            std::io::ErrorKind::AlreadyExists => AdmitError::Taken(format!(
                "{} already exists and is not a peergate client; import it with `peergate client import` \
                 or choose another name",
                self.wg_dir.file(name).display()
            )),
            _ => AdmitError::Internal(anyhow::Error::new(err).context("writing the client config")),
        })?;
        let conf_path = staged.dest().display().to_string();
        let peer_public_keys: Vec<String> = accepted.conf.peers.iter().map(|p| p.public_key.value.to_string()).collect();
        let endpoint = accepted.conf.peers.first().map(|p| p.endpoint.value.to_string()).unwrap_or_default();
        let public_key = accepted.conf.interface.private_key.value.public_key().to_string();

        let mut change = db.change(actor).await?;
        let client = match clients::create(
            &mut change,
            &NewClient {
                interface: name,
                display_name: display_name.as_str(),
                public_key: &public_key,
                conf_path: &conf_path,
                subnets: &accepted.subnets,
                peer_public_keys: &peer_public_keys,
                endpoint: &endpoint,
                probe_host: accepted.probe_host,
                warnings,
                created_by: &actor.name,
            },
        )
        .await
        {
            Err(err) if db::is_unique_violation(&err) => {
                return Err(PolicyError::NameTaken { name: name.to_string() }.into());
            }
            other => other?,
        };
        staged.commit().context("moving the client config into place")?;
        let action = if placement == Placement::InPlace { "client.import" } else { "client.create" };
        if let Err(err) = change.commit(Entry::new(action, format!("client:{name}")).after(audit_view(&client))).await {
            // The row is gone with the transaction; the file must follow (or the original return).
            match original {
                Some(text) => {
                    let _ = self.wg_dir.stage_replacing(name, &text).and_then(|s| s.commit());
                }
                None => {
                    let _ = self.wg_dir.remove(name);
                }
            }
            return Err(anyhow::Error::new(err).context("saving the client").into());
        }
        Ok(client)
    }

    /// Deletes a client's row (with its audit event) and file together.
    pub async fn remove(&self, db: &Db, client: &ClientRow, actor: &Actor) -> anyhow::Result<()> {
        let _guard = self.lock.lock().await;
        let retired = self.wg_dir.retire(&client.interface).context("moving the client config aside")?;
        let mut change = db.change(actor).await?;
        if !clients::delete(&mut change, client.id).await? {
            return Ok(()); // deleted meanwhile; `retired` puts the file back if it was not ours
        }
        change.commit(Entry::new("client.delete", format!("client:{}", client.interface)).before(audit_view(client))).await?;
        retired.finish().context("removing the client config")?;
        Ok(())
    }
}

impl Gateway {
    /// A free interface name for a client called `display`: not another client's, not one of the
    /// host's interfaces, not a file in the WireGuard directory. Free at the time of reading; an
    /// admission re-derives it under the lock.
    pub fn free_interface(&self, display: &str, existing: &[ExistingClient]) -> String {
        let mut taken: Vec<String> = existing.iter().map(|c| c.name.clone()).collect();
        taken.extend(dir_names("/sys/class/net".as_ref(), None));
        taken.extend(dir_names(self.wg_dir.path(), Some(".conf")));
        let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
        client_policy::derive_interface(display, &taken).to_string()
    }
}

/// Names in `dir` (with `suffix` cut off, and only those with it, when given); none when it
/// cannot be read.
fn dir_names(dir: &std::path::Path, suffix: Option<&str>) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|name| match suffix {
            Some(suffix) => name.strip_suffix(suffix).map(str::to_string),
            None => Some(name),
        })
        .collect()
}

/// A name the host already uses for another interface (eth0, a VPN) cannot become a client.
fn refuse_host_interface(name: &str, existing: &[ExistingClient]) -> Result<(), AdmitError> {
    let ours = existing.iter().any(|c| c.name == name);
    let plain = !name.is_empty() && !name.contains('/') && name != "." && name != "..";
    if plain && !ours && std::path::Path::new("/sys/class/net").join(name).exists() {
        return Err(AdmitError::Taken(format!(
            "The gateway already has a network interface named `{name}`; choose another interface name \
             or leave the field empty to get a free one"
        )));
    }
    Ok(())
}

/// Addresses of the peers' endpoints: IP literals as written, DNS names resolved (bounded in
/// time). A name that does not resolve cannot be checked for overlap: that becomes a warning.
pub(super) async fn resolve_endpoints(conf: &WgConf) -> (Vec<IpAddr>, Vec<StoredWarning>) {
    let mut addrs = Vec::new();
    let mut warnings = Vec::new();
    for peer in &conf.peers {
        let endpoint = &peer.endpoint.value;
        match &endpoint.host {
            Host::Ip(ip) => addrs.push(*ip),
            Host::Name(name) => match host_net::resolve(name, endpoint.port, Duration::from_secs(3)).await {
                Ok(found) => addrs.extend(found),
                Err(_) => warnings.push(StoredWarning {
                    line: peer.endpoint.line.get(),
                    code: "endpoint_unresolved".into(),
                    message: format!(
                        "The endpoint name `{name}` does not resolve from the gateway right now, so \
                             overlap with its address was not checked"
                    ),
                }),
            },
        }
    }
    (addrs, warnings)
}
