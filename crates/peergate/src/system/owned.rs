//! Which interfaces peergate brought up, recorded durably *before* `wg-quick up` and forgotten
//! only once the interface is gone: a marker file per interface under `<data_dir>/interfaces/`.
//! The database says what should exist; this says what peergate may have created, so an
//! interface whose row vanished (a delete that raced an activation, a crash, a restored backup) is
//! still found, reported by `peergate doctor` and taken down by the reconciler. Markers are kept
//! outside the database on purpose: they must survive the database being wrong.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use peergate_core::client_policy::InterfaceName;

#[derive(Debug, Clone)]
pub struct OwnedInterfaces {
    dir: PathBuf,
}

impl OwnedInterfaces {
    pub fn new(dir: impl Into<PathBuf>) -> OwnedInterfaces {
        OwnedInterfaces { dir: dir.into() }
    }

    /// Records that `name` is (about to be) peergate's; durable when this returns.
    pub fn claim(&self, name: &str) -> io::Result<()> {
        InterfaceName::parse(name).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        fs::create_dir_all(&self.dir)?;
        let marker = self.dir.join(name);
        if !marker.exists() {
            fs::File::create(&marker)?.sync_all()?;
            fs::File::open(&self.dir)?.sync_all()?;
        }
        Ok(())
    }

    /// Forgets `name` (its interface is gone); a missing marker is fine.
    pub fn release(&self, name: &str) -> io::Result<()> {
        match fs::remove_file(self.dir.join(name)) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }

    /// Every recorded name (only names that are valid interface names).
    pub fn list(&self) -> BTreeSet<String> {
        let Ok(entries) = fs::read_dir(&self.dir) else { return BTreeSet::new() };
        entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).filter(|name| InterfaceName::parse(name).is_ok()).collect()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_survive_until_released_and_only_names_count() {
        let root = tempfile::tempdir().unwrap();
        let owned = OwnedInterfaces::new(root.path().join("interfaces"));
        assert!(owned.list().is_empty());
        owned.claim("site-a").unwrap();
        owned.claim("site-a").unwrap();
        owned.claim("site-b").unwrap();
        assert!(owned.claim("../x").is_err());
        fs::write(owned.dir().join(".tmp+junk"), "").unwrap();
        assert_eq!(owned.list().into_iter().collect::<Vec<_>>(), ["site-a", "site-b"]);
        owned.release("site-a").unwrap();
        owned.release("site-a").unwrap();
        assert_eq!(owned.list().into_iter().collect::<Vec<_>>(), ["site-b"]);
    }
}
