//! Importing existing wg-quick files (`peergate client import PATH...`, `POST /api/clients/import`)
//! through the same admission as uploads, with a report per file: imported, needs a subnet,
//! refused (and why), or skipped (already a client).

use std::io::Read;
use std::path::{Path, PathBuf};

use peergate_core::client_policy::derive_name_from_filename;
use peergate_core::wg_conf::MAX_CONF_BYTES;
use serde::Serialize;

use super::{Admission, AdmitError, Client, Gateway, Placement, Upload};
use crate::db::Db;
use crate::db::audit::Actor;
use crate::db::clients;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    Imported,
    NeedsSubnet,
    Refused,
    Skipped,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub file: String,
    pub outcome: ImportOutcome,
    /// The problem code when refused (`hook_refused`, `name_taken`, …).
    pub code: Option<String>,
    pub detail: String,
    pub client: Option<Client>,
}

/// Options that apply to every file (the CLI's `--subnet` for a full-tunnel file, say).
#[derive(Debug, Default, Clone)]
pub struct ImportOptions {
    pub subnets: Option<String>,
    pub probe_host: Option<String>,
    pub allow_wide: bool,
}

/// The `*.conf` files directly in `dir`, sorted.
pub fn conf_files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "conf"))
        .collect();
    files.sort();
    Ok(files)
}

/// A file name that does not name a `.conf` file directly inside the WireGuard directory.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a .conf file name in the WireGuard directory")]
pub struct NotAConfName(pub String);

/// Imports files of the WireGuard directory named by plain file names (all its `*.conf` files
/// when `None`). Only plain names: the API must not become a way to read files elsewhere.
pub async fn import_from_wg_dir(
    gateway: &Gateway,
    db: &Db,
    files: Option<&[String]>,
    options: &ImportOptions,
    actor: &Actor,
) -> Result<Vec<ImportReport>, NotAConfName> {
    let dir = gateway.wg_dir.path().to_path_buf();
    let paths: Vec<PathBuf> = match files {
        None => vec![dir],
        Some(files) => {
            if let Some(bad) = files.iter().find(|f| f.contains('/') || !f.ends_with(".conf") || f.starts_with('.')) {
                return Err(NotAConfName(bad.clone()));
            }
            files.iter().map(|f| dir.join(f)).collect()
        }
    };
    Ok(import_paths(gateway, db, &paths, options, actor).await)
}

/// Imports each file in turn; directories expand to their `*.conf` files.
pub async fn import_paths(
    gateway: &Gateway,
    db: &Db,
    paths: &[PathBuf],
    options: &ImportOptions,
    actor: &Actor,
) -> Vec<ImportReport> {
    let mut reports = Vec::new();
    for path in paths {
        let files = if path.is_dir() {
            match conf_files_in(path) {
                Ok(files) => files,
                Err(err) => {
                    reports.push(report(
                        path,
                        ImportOutcome::Refused,
                        Some("unreadable"),
                        format!("cannot list the directory: {err}"),
                    ));
                    continue;
                }
            }
        } else {
            vec![path.clone()]
        };
        for file in files {
            reports.push(import_file(gateway, db, &file, options, actor).await);
        }
    }
    reports
}

fn report(path: &Path, outcome: ImportOutcome, code: Option<&str>, detail: String) -> ImportReport {
    ImportReport { file: path.display().to_string(), outcome, code: code.map(str::to_string), detail, client: None }
}

async fn import_file(gateway: &Gateway, db: &Db, path: &Path, options: &ImportOptions, actor: &Actor) -> ImportReport {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let Some(name) = derive_name_from_filename(&file_name) else {
        return report(
            path,
            ImportOutcome::Refused,
            Some("invalid_name"),
            "the file name does not give a valid interface name (1-15 of A-Z a-z 0-9 _ = . -, not starting with -, ending in .conf)".into(),
        );
    };
    match clients::existing(db).await {
        Ok(existing) if existing.iter().any(|c| c.name == name) => {
            return report(path, ImportOutcome::Skipped, None, format!("`{name}` is already a peergate client"));
        }
        Ok(_) => {}
        Err(err) => return report(path, ImportOutcome::Refused, Some("internal"), format!("database: {err}")),
    }
    let bytes = match read_limited(path) {
        Ok(bytes) => bytes,
        Err(err) => return report(path, ImportOutcome::Refused, Some("unreadable"), format!("cannot read the file: {err}")),
    };
    let in_place = same_file(path, &gateway.wg_dir.file(&name));
    let upload = Upload {
        bytes: &bytes,
        display_name: &name,
        interface: Some(&name),
        subnets: options.subnets.as_deref(),
        probe_host: options.probe_host.as_deref(),
        allow_wide: options.allow_wide,
    };
    let placement = if in_place { Placement::InPlace } else { Placement::New };
    match gateway.admit(db, upload, placement, actor).await {
        Ok(Admission::Created(client)) => {
            let detail = format!("imported as `{}` routing {}", client.interface, join(&client.subnets));
            ImportReport { client: Some(Client::from(client)), ..report(path, ImportOutcome::Imported, None, detail) }
        }
        Ok(Admission::NeedsSubnet(needs)) => report(
            path,
            ImportOutcome::NeedsSubnet,
            Some(needs.code()),
            format!("{}; import it again with --subnet", needs.message()),
        ),
        Err(AdmitError::Refused(err)) => report(path, ImportOutcome::Refused, Some(err.code()), err.to_string()),
        Err(AdmitError::Taken(detail)) => report(path, ImportOutcome::Refused, Some("name_taken"), detail),
        Err(AdmitError::Internal(err)) => {
            tracing::error!(error = format!("{err:#}"), file = %path.display(), "import failed");
            report(path, ImportOutcome::Refused, Some("internal"), format!("{err:#}"))
        }
    }
}

/// Reads at most one byte more than a config may have, so an oversized file is refused by the
/// parser without reading gigabytes.
fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(MAX_CONF_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// `a, b, c`: subnets and keys as reports and listings show them.
pub(crate) fn join<T: ToString>(nets: &[T]) -> String {
    nets.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}
