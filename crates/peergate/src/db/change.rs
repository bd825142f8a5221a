//! An audited change: one transaction whose only way to commit records the audit entry that
//! explains it, in the same transaction. Dropping a `Change` rolls it back.

use std::ops::{Deref, DerefMut};

use super::Db;
use super::audit::{self, Actor, Entry};

pub struct Change<'a> {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    actor: &'a Actor,
}

impl Db {
    /// Begins a change made by `actor`.
    pub async fn change<'a>(&self, actor: &'a Actor) -> Result<Change<'a>, sqlx::Error> {
        // A write into a deleted or replaced SQLite file would vanish at the next start.
        self.check_file()?;
        Ok(Change { tx: self.pool.begin().await?, actor })
    }
}

impl Change<'_> {
    /// Records `entry` and commits: the change and its audit event land together or not at all.
    pub async fn commit(mut self, entry: Entry) -> Result<(), sqlx::Error> {
        audit::record(&mut self.tx, self.actor, entry).await?;
        self.tx.commit().await
    }
}

impl Deref for Change<'_> {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl DerefMut for Change<'_> {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}
