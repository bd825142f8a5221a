//! Changes to an admitted client: the name people use, notes, and the probe host (which must stay
//! inside the client's subnets, the same rule as at upload). Only the fields sent change, in one
//! statement, under the row's write lock, so two admins editing different fields at once both
//! keep their change and each audit event holds the row as it was and as it became.

use peergate_core::client_policy::{DisplayName, NotesError, PolicyError, parse_notes, parse_probe_host};

use super::audit_view;
use crate::db::Db;
use crate::db::audit::{Actor, Entry};
use crate::db::clients::{self, ClientId, ClientRow, Edit};

/// What the caller asks to change; `None` keeps the field.
#[derive(Debug, Default, Clone, Copy)]
pub struct Changes<'a> {
    pub display_name: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub probe_host: Option<&'a str>,
}

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("No client with id {0}.")]
    NotFound(ClientId),
    #[error("Nothing to change: send name, notes, probe_host or subnet.")]
    Nothing,
    #[error("The notes cannot be saved: {0}")]
    Notes(NotesError),
    #[error(transparent)]
    Refused(#[from] PolicyError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db::database_failure_is_internal!(EditError);

/// Applies `changes`; returns the client as it is now. A change to what it already is writes
/// nothing and records nothing.
pub async fn update(db: &Db, id: ClientId, changes: Changes<'_>, actor: &Actor) -> Result<ClientRow, EditError> {
    if changes.display_name.is_none() && changes.notes.is_none() && changes.probe_host.is_none() {
        return Err(EditError::Nothing);
    }
    let display_name = changes.display_name.map(DisplayName::parse).transpose().map_err(PolicyError::InvalidDisplayName)?;
    let notes = changes.notes.map(parse_notes).transpose().map_err(EditError::Notes)?;
    let mut change = db.change(actor).await?;
    if !clients::lock_in(&mut change, id).await? {
        return Err(EditError::NotFound(id));
    }
    let before = clients::get_in(&mut change, id).await?.ok_or(EditError::NotFound(id))?;
    let probe_host = changes.probe_host.map(|p| parse_probe_host(p, &before.subnets)).transpose()?;
    let edit = Edit { display_name: display_name.as_ref().map(DisplayName::as_str), notes: notes.as_deref(), probe_host };
    let unchanged = edit.display_name.is_none_or(|n| n == before.display_name)
        && edit.notes.is_none_or(|n| n == before.notes)
        && edit.probe_host.is_none_or(|p| p == before.probe_host);
    if unchanged {
        return Ok(before);
    }
    if !clients::update(&mut change, id, &edit).await? {
        return Err(EditError::NotFound(id));
    }
    let after = clients::get_in(&mut change, id).await?.ok_or(EditError::NotFound(id))?;
    let target = format!("client:{}", before.interface);
    change.commit(Entry::new("client.update", target).before(audit_view(&before)).after(audit_view(&after))).await?;
    Ok(after)
}
