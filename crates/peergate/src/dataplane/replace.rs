//! Replacing a client's config under its lock, so no activation starts on the old file meanwhile.
//! An inactive client just gets the new file. A running one is moved over: the new file and row
//! are committed (`client.replace`), the old tunnel comes down and the new one goes through the
//! whole activation (tunnel, forwarding, rules, probe). If the new one does not come up, the old
//! file is put back (`client.replace_undone`) and brought up again — the client ends as it was,
//! or `failed` with both reasons if even that does not work. Nothing is left half applied.

use super::activation::{Activation, OpError, StepError};
use crate::clients::replace::Replacement;
use crate::clients::{AdmitError, Client, Gateway};
use crate::db::audit::Actor;
use crate::db::clients::{self, ClientId, ClientRow, ClientState};
use crate::db::{Db, pings};
use peergate_core::firewall_plan::RuledClient;

#[derive(Debug, thiserror::Error)]
pub enum ReplaceError {
    #[error("No such client.")]
    NotFound,
    #[error(transparent)]
    Refused(AdmitError),
    /// The new config did not come up; the old one runs again (`restored`) or the client failed.
    #[error("The new config did not come up: {error}. {}", if *.restored {
        "The previous config is back and running."
    } else {
        "The previous config is back but did not come up either; the client is marked failed."
    })]
    NotApplied { error: StepError, restored: bool },
    #[error(transparent)]
    Op(#[from] OpError),
}

impl Activation {
    pub async fn replace(
        &self,
        db: &Db,
        gateway: &Gateway,
        id: ClientId,
        new: Replacement<'_>,
        actor: &Actor,
    ) -> Result<Client, ReplaceError> {
        let _guard = self.locks.try_hold(id).ok_or(ReplaceError::Op(OpError::Busy))?;
        let client = clients::get(db, id).await.map_err(OpError::from)?.ok_or(ReplaceError::NotFound)?;
        let name = client.interface.as_str();
        let running = client.state == ClientState::Active || self.backends.tunnels.is_up(name);
        let original = gateway.wg_dir.read(name).ok();
        let after = gateway.replace(db, &client, new, actor).await.map_err(ReplaceError::Refused)?;
        if !running {
            return Ok(self.publish(db, id).await?);
        }
        let others = self.other_active(db, id).await?;
        let moved = match self.tear_down(&client).await {
            Ok(()) => self.bring_up(&after, &others).await,
            Err(err) => Err(err),
        };
        match moved {
            Ok(ping) => {
                self.record_outcome(db, &after, ClientState::Active, None, Some(&ping), actor).await?;
                Ok(self.publish(db, id).await?)
            }
            Err(error) => {
                let restored = self.undo(db, gateway, &after, original.as_deref(), &client, &others, actor).await?;
                if !restored {
                    self.record_outcome(db, &client, ClientState::Failed, Some(&error.to_string()), None, actor).await?;
                }
                self.publish(db, id).await?;
                Err(ReplaceError::NotApplied { error, restored })
            }
        }
    }

    /// Puts the previous file back and brings it up; `true` when it runs again.
    #[allow(clippy::too_many_arguments)]
    async fn undo(
        &self,
        db: &Db,
        gateway: &Gateway,
        after: &ClientRow,
        original: Option<&str>,
        before: &ClientRow,
        others: &[RuledClient],
        actor: &Actor,
    ) -> Result<bool, OpError> {
        let Some(text) = original else { return Ok(false) };
        let probe_host = before.probe_host.to_string();
        let undo = Replacement::undo(text, &probe_host, "client.replace_undone");
        let restored = match gateway.replace(db, after, undo, actor).await {
            Ok(row) => row,
            Err(err) => {
                tracing::error!(client = before.interface, error = %err, "putting the previous config back failed");
                return Ok(false);
            }
        };
        match self.bring_up(&restored, others).await {
            Ok(ping) => {
                pings::record(db, &[(restored.id, ping.clone())]).await?;
                Ok(true)
            }
            Err(err) => {
                tracing::warn!(client = before.interface, error = %err, "the previous config did not come up again");
                Ok(false)
            }
        }
    }
}
