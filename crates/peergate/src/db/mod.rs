//! The database: one sqlx `AnyPool` over SQLite (default, a file under the data dir) or PostgreSQL.
//!
//! Queries are runtime strings with `$N` placeholders, which both drivers accept, so each query is
//! written once; times are UNIX seconds in integer columns because the Any driver has no time types.
//! Migrations live in one folder per backend (`migrations/sqlite`, `migrations/postgres`) and run on
//! every start and with `peergate migrate`. One submodule per table family (clients, pending uploads, ping history, users, sessions,
//! tokens, audit); [`Change`] is the one way to commit a change an admin must be able to explain.

pub mod alerts;
pub mod audit;
mod change;
pub mod clients;
pub mod pending;
pub mod pings;
pub mod sessions;
pub mod tick;
pub mod tokens;
pub mod traffic;
pub mod users;

use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

pub use change::Change;

use crate::config::redact_url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// The SQLite file as opened (device and inode): an open connection keeps working on a file
    /// that was deleted or replaced, so writes would vanish at the next start.
    file: Option<Arc<FileId>>,
}

#[derive(Debug, PartialEq, Eq)]
struct FileId {
    path: std::path::PathBuf,
    dev: u64,
    ino: u64,
}

impl FileId {
    fn of(path: &Path) -> Option<FileId> {
        let meta = std::fs::metadata(path).ok()?;
        Some(FileId { path: path.to_path_buf(), dev: meta.dev(), ino: meta.ino() })
    }
}

impl Db {
    /// Connects (creating the SQLite file and its directory if needed). Fails within a few seconds
    /// with the (password-redacted) URL when the database cannot be reached.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres };
        if backend == Backend::Sqlite {
            create_sqlite_dir(url)?;
        }
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // The Any driver does not set these; WAL lets readers run beside the writer,
                        // busy_timeout makes concurrent writers wait instead of failing.
                        conn.execute(sqlx::raw_sql(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
                        ))
                        .await?;
                    }
                    Ok(())
                })
            });
        let pool =
            options.connect(url).await.with_context(|| format!("cannot connect to the database at {}", redact_url(url)))?;
        let mut file = None;
        if backend == Backend::Sqlite {
            restrict_sqlite_files(url);
            file = sqlite_path(url).and_then(|p| FileId::of(Path::new(p))).map(Arc::new);
        }
        Ok(Db { pool, backend, file })
    }

    fn migrator(&self) -> sqlx::migrate::Migrator {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        }
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        self.migrator().run(&self.pool).await.context("running database migrations")?;
        Ok(())
    }

    /// How many of this binary's migrations the database has not applied yet (all of them when it
    /// was never migrated); reads only.
    pub async fn pending_migrations(&self) -> anyhow::Result<usize> {
        let applied: Vec<i64> =
            match sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success").fetch_all(&self.pool).await {
                Ok(versions) => versions,
                // No bookkeeping table: never migrated.
                Err(sqlx::Error::Database(_)) => Vec::new(),
                Err(err) => return Err(anyhow::Error::new(err).context("reading the applied migrations")),
            };
        Ok(self.migrator().iter().filter(|m| m.migration_type.is_up_migration() && !applied.contains(&m.version)).count())
    }

    /// Readiness: the SQLite file is still the one opened, and one round trip.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        self.check_file()?;
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }

    /// Fails when the SQLite file was deleted or replaced under the running server.
    pub fn check_file(&self) -> Result<(), sqlx::Error> {
        let Some(opened) = &self.file else { return Ok(()) };
        if FileId::of(&opened.path).as_ref() == Some(opened.as_ref()) {
            return Ok(());
        }
        Err(sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!(
                "the database file {} was deleted or replaced while peergate was running; restore it and restart peergate",
                opened.path.display()
            ),
        )))
    }
}

/// The file of a SQLite URL (`None` for PostgreSQL and in-memory databases).
pub fn sqlite_path(url: &str) -> Option<&str> {
    if !url.starts_with("sqlite:") {
        return None;
    }
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//").split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Creates the database's directory, 0700: it holds password hashes and the audit log.
fn create_sqlite_dir(url: &str) -> anyhow::Result<()> {
    let Some(path) = sqlite_path(url) else { return Ok(()) };
    if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)
            .with_context(|| format!("creating the data directory {}", parent.display()))?;
    }
    Ok(())
}

/// The database files are 0600 whatever created them (an older peergate, or a umask of 022): any
/// local user could otherwise copy the password hashes and the audit log.
fn restrict_sqlite_files(url: &str) {
    let Some(path) = sqlite_path(url) else { return };
    for file in [path.to_string(), format!("{path}-wal"), format!("{path}-shm")] {
        let Ok(meta) = std::fs::metadata(&file) else { continue };
        if meta.permissions().mode() & 0o077 != 0 {
            match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
                Ok(()) => tracing::warn!(file, "the database file was readable by others; it is 0600 now"),
                Err(err) => tracing::warn!(file, error = %err, "cannot make the database file 0600"),
            }
        }
    }
}

/// `impl From<sqlx::Error>` for workflow errors: a database failure is their `Internal` variant
/// (an `anyhow::Error`), which HTTP answers as a generic 500 and logs once.
macro_rules! database_failure_is_internal {
    ($($error:ty),* $(,)?) => {$(
        impl From<sqlx::Error> for $error {
            fn from(err: sqlx::Error) -> $error {
                <$error>::Internal(anyhow::Error::new(err).context("database"))
            }
        }
    )*};
}
pub(crate) use database_failure_is_internal;

/// True when a query failed on a UNIQUE constraint (→ HTTP 409 / CLI "already exists").
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error().is_some_and(|e| e.is_unique_violation())
}

/// Current UNIX time in seconds: the one place the binary reads the wall clock for storage.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
