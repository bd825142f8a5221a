//! Start-up recovery: what a kill -9 or a power cut can leave between a file and its row, finished
//! or undone before anything is served. Admission writes the file under a temporary name, inserts
//! the row, renames the file, commits; removal moves the file aside, deletes the row, commits,
//! removes the file. So after a crash:
//! - a temporary `.<name>.<uuid>.tmp` was never committed → removed;
//! - a `.<name>.<uuid>.removed` whose row still exists was a delete that did not commit → put
//!   back; without its row the delete committed → removed;
//! - a `<name>.conf` peergate rendered with no row was a create that did not commit → moved out of
//!   wg-quick's reach to `<data_dir>/orphans/` (it holds a private key: kept, 0600, never lost);
//! - a pending upload's file without its row → removed; expired pending uploads → purged;
//! - clients stored before this side's public key was kept get it from their file.
//!
//! One state is not a crash: a database with no clients beside a WireGuard directory holding files
//! peergate wrote means the database was deleted or replaced. Starting would show an empty gateway
//! while those tunnels exist, so start-up refuses with what to do.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use anyhow::{Context, bail};
use peergate_core::wg_conf::{parse, rendered_by_peergate};

use super::Gateway;
use crate::db::{self, Db, clients, pending};

/// What recovery did, for the log.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Recovery {
    pub removed_temporary: Vec<String>,
    pub restored: Vec<String>,
    pub removed_retired: Vec<String>,
    pub moved_orphans: Vec<String>,
    pub removed_pending: Vec<String>,
    pub purged_pending: usize,
    /// Clients whose public key was derived from their file (stored before it was kept).
    pub public_keys_filled: Vec<String>,
}

impl Recovery {
    pub fn is_empty(&self) -> bool {
        *self == Recovery::default()
    }
}

pub async fn recover(gateway: &Gateway, db: &Db, data_dir: &Path) -> anyhow::Result<Recovery> {
    let names: BTreeSet<String> = clients::list(db).await?.into_iter().map(|c| c.interface).collect();
    let mut done = Recovery::default();
    let wg_dir = gateway.wg_dir.path();
    let mut orphans = Vec::new();
    for entry in fs::read_dir(wg_dir).with_context(|| format!("reading {}", wg_dir.display()))? {
        let entry = entry?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if let Some(inner) = file_name.strip_prefix('.') {
            if inner.ends_with(".tmp") {
                fs::remove_file(&path)?;
                done.removed_temporary.push(file_name);
            } else if let Some(name) = inner.strip_suffix(".removed").and_then(|s| s.rsplit_once('.')).map(|(n, _)| n) {
                let conf = gateway.wg_dir.file(name);
                if names.contains(name) && !conf.exists() {
                    fs::rename(&path, &conf)?;
                    done.restored.push(name.to_string());
                } else {
                    fs::remove_file(&path)?;
                    done.removed_retired.push(name.to_string());
                }
            }
            continue;
        }
        let Some(name) = file_name.strip_suffix(".conf") else { continue };
        if names.contains(name) {
            continue;
        }
        // Only files peergate rendered: an admin's own wg0.conf is none of our business.
        if fs::read_to_string(&path).is_ok_and(|text| rendered_by_peergate(&text)) {
            orphans.push((name.to_string(), path));
        }
    }
    if !orphans.is_empty() && names.is_empty() {
        let list: Vec<&str> = orphans.iter().map(|(n, _)| n.as_str()).collect();
        bail!(
            "the database has no clients, but {} holds {} file(s) peergate wrote ({}): the database was probably \
             deleted or replaced. Restore it (PEERGATE_DATABASE_URL), or adopt the files with \
             `peergate client import {}`, or move them away, then start again",
            wg_dir.display(),
            list.len(),
            list.join(", "),
            wg_dir.display()
        );
    }
    if !orphans.is_empty() {
        let orphan_dir = data_dir.join("orphans");
        std::fs::DirBuilder::new().recursive(true).create(&orphan_dir)?;
        fs::set_permissions(&orphan_dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
        for (name, path) in orphans {
            fs::rename(&path, orphan_dir.join(format!("{name}.conf.{}", db::now())))?;
            done.moved_orphans.push(name);
        }
    }

    let pending_ids: BTreeSet<String> = pending::all_ids(db).await?.into_iter().collect();
    if let Ok(entries) = fs::read_dir(gateway.pending_dir.path()) {
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let id = file_name.strip_suffix(".conf");
            let stray = file_name.starts_with('.') || id.is_none_or(|id| !pending_ids.contains(id));
            if stray {
                fs::remove_file(entry.path())?;
                done.removed_pending.push(file_name);
            }
        }
    }
    done.purged_pending = gateway.purge_expired(db, db::now()).await?;
    done.public_keys_filled = fill_public_keys(gateway, db).await?;
    Ok(done)
}

/// Clients stored before this side's public key was kept get it from their file. A file that
/// cannot be read or parsed leaves the key unknown (the detail page says why the file is unusable).
async fn fill_public_keys(gateway: &Gateway, db: &Db) -> anyhow::Result<Vec<String>> {
    let mut filled = Vec::new();
    for client in clients::list(db).await?.into_iter().filter(|c| c.public_key.is_none()) {
        let Ok(conf) = gateway.wg_dir.read(&client.interface).map_err(drop).and_then(|t| parse(&t).map_err(drop)) else {
            continue;
        };
        clients::set_public_key(db, client.id, &conf.interface.private_key.value.public_key().to_string()).await?;
        filled.push(client.interface);
    }
    Ok(filled)
}
