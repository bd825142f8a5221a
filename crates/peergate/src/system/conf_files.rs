//! Files peergate owns on disk: the rendered wg-quick configs in the WireGuard directory and the
//! pending uploads under the data dir. Directories are 0700, files 0600 (they hold private keys),
//! written to a temporary name and renamed into place, so a reader — wg-quick, a crash, a power
//! cut — never sees half a file. Temporary names never end in `.conf`, so wg-quick ignores them.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// A directory of `<name>.conf` files with private keys in them.
#[derive(Debug, Clone)]
pub struct ConfDir {
    dir: PathBuf,
}

impl ConfDir {
    pub fn new(dir: impl Into<PathBuf>) -> ConfDir {
        ConfDir { dir: dir.into() }
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Creates the directory if needed and makes it private (0700).
    pub fn prepare(&self) -> io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))
    }

    /// `<dir>/<name>.conf`. `name` must already be a parsed interface name or id (no `/`, no `..`).
    pub fn file(&self, name: &str) -> PathBuf {
        debug_assert!(!name.contains('/') && name != ".." && name != ".");
        self.dir.join(format!("{name}.conf"))
    }

    /// Writes `contents` to a private temporary file next to the destination; nothing is visible
    /// under the final name until [`Staged::commit`]. Refuses when the destination exists.
    pub fn stage(&self, name: &str, contents: &str) -> io::Result<Staged> {
        if self.file(name).exists() {
            let shown = self.file(name).display().to_string();
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{shown} already exists")));
        }
        self.stage_replacing(name, contents)
    }

    /// As [`ConfDir::stage`], but the commit may replace an existing file (import in place).
    pub fn stage_replacing(&self, name: &str, contents: &str) -> io::Result<Staged> {
        self.prepare()?;
        let dest = self.file(name);
        let tmp = self.dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
        let staged = Staged { tmp, dest, committed: false };
        let mut file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&staged.tmp)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        Ok(staged)
    }

    pub fn read(&self, name: &str) -> io::Result<String> {
        fs::read_to_string(self.file(name))
    }

    /// Moves `<name>.conf` aside (so wg-quick can no longer use it) until the caller either
    /// finishes the removal or restores it; a file already gone is not an error.
    pub fn retire(&self, name: &str) -> io::Result<Retired> {
        let path = self.file(name);
        let aside = self.dir.join(format!(".{name}.{}.removed", uuid::Uuid::new_v4().simple()));
        match fs::rename(&path, &aside) {
            Ok(()) => Ok(Retired { path, aside: Some(aside) }),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(Retired { path, aside: None }),
            Err(err) => Err(err),
        }
    }

    /// Removes `<name>.conf`; a file already gone is not an error.
    pub fn remove(&self, name: &str) -> io::Result<()> {
        match fs::remove_file(self.file(name)) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => sync_dir(&self.dir),
        }
    }
}

/// A written temporary file waiting to be renamed into place; dropped uncommitted, it is removed.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl Staged {
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Renames the file into place (atomic on one file system) and syncs the directory.
    pub fn commit(mut self) -> io::Result<PathBuf> {
        fs::rename(&self.tmp, &self.dest)?;
        self.committed = true;
        sync_dir(self.dest.parent().unwrap_or(Path::new(".")))?;
        Ok(self.dest.clone())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// A file moved aside by [`ConfDir::retire`]. Dropped without `finish`, it is put back.
#[derive(Debug)]
pub struct Retired {
    path: PathBuf,
    aside: Option<PathBuf>,
}

impl Retired {
    /// Deletes the file for good.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(aside) = self.aside.take() {
            fs::remove_file(&aside)?;
            sync_dir(aside.parent().unwrap_or(Path::new(".")))?;
        }
        Ok(())
    }
}

impl Drop for Retired {
    fn drop(&mut self) {
        if let Some(aside) = self.aside.take() {
            let _ = fs::rename(aside, &self.path);
        }
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_files_appear_only_on_commit_and_are_private() {
        let root = tempfile::tempdir().unwrap();
        let dir = ConfDir::new(root.path().join("wireguard"));
        let staged = dir.stage("site-a", "[Interface]\n").unwrap();
        assert!(!dir.file("site-a").exists());
        let listing: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(listing.iter().all(|n| !n.to_string_lossy().ends_with(".conf")), "{listing:?}");
        let path = staged.commit().unwrap();
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(fs::metadata(dir.path()).unwrap().permissions().mode() & 0o777, 0o700);
        assert_eq!(dir.read("site-a").unwrap(), "[Interface]\n");

        let err = dir.stage("site-a", "x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        dir.remove("site-a").unwrap();
        dir.remove("site-a").unwrap();
    }

    #[test]
    fn retired_files_come_back_unless_finished() {
        let root = tempfile::tempdir().unwrap();
        let dir = ConfDir::new(root.path());
        dir.stage("site-c", "keep").unwrap().commit().unwrap();
        let retired = dir.retire("site-c").unwrap();
        assert!(!dir.file("site-c").exists());
        drop(retired);
        assert_eq!(dir.read("site-c").unwrap(), "keep");
        dir.retire("site-c").unwrap().finish().unwrap();
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);
        dir.retire("never-there").unwrap().finish().unwrap();
    }

    #[test]
    fn dropped_stages_leave_nothing_behind() {
        let root = tempfile::tempdir().unwrap();
        let dir = ConfDir::new(root.path());
        drop(dir.stage("site-b", "secret").unwrap());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);
    }
}
