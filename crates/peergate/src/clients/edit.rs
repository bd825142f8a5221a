//! Changes to an admitted client. Today one: its probe host, which must stay inside the client's
//! subnets (the same rule as at upload).

use peergate_core::client_policy::{PolicyError, parse_probe_host};

use super::audit_view;
use crate::db::Db;
use crate::db::audit::{Actor, Entry};
use crate::db::clients::{self, ClientId, ClientRow};

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("No client with id {0}.")]
    NotFound(ClientId),
    #[error(transparent)]
    Refused(#[from] PolicyError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db::database_failure_is_internal!(EditError);

/// Sets the address connectivity tests ping; returns the updated client.
pub async fn set_probe_host(db: &Db, id: ClientId, probe_host: &str, actor: &Actor) -> Result<ClientRow, EditError> {
    let before = clients::get(db, id).await?.ok_or(EditError::NotFound(id))?;
    let probe = parse_probe_host(probe_host, &before.subnets)?;
    let mut change = db.change(actor).await?;
    if !clients::set_probe_host(&mut change, id, probe).await? {
        return Err(EditError::NotFound(id));
    }
    let after = ClientRow { probe_host: probe, ..before.clone() };
    let target = format!("client:{}", before.name);
    change.commit(Entry::new("client.update", target).before(audit_view(&before)).after(audit_view(&after))).await?;
    clients::get(db, id).await?.ok_or(EditError::NotFound(id))
}
