//! Uploads that wait for their subnet. A full-tunnel config cannot be admitted as it is: the
//! upload is held (its raw file, with the private key, as a 0600 file in the pending directory
//! under the data dir, never in the WireGuard directory; the row with owner and expiry in the
//! database) until its owner sends the remote subnet or it expires after [`TTL_SECS`].
//!
//! Ids are 32 hex digits made here; only such an id can name a file in the pending directory, and
//! only the owner's own, unexpired uploads can be seen or completed.

use peergate_core::client_policy::NeedsSubnet;
use serde::{Deserialize, Serialize};

use super::{Admission, AdmitError, Gateway, Placement, Upload};
use crate::db::audit::{Actor, Entry};
use crate::db::clients::{ClientRow, StoredWarning};
use crate::db::pending::{self, Pending};
use crate::db::{self, Db};

/// Pending uploads wait this long for their subnet.
pub const TTL_SECS: i64 = 3600;

/// What became of an upload.
// One value per request, matched at once: boxing the client would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Uploaded {
    Created(ClientRow),
    /// Held until its owner sends the subnet.
    NeedsSubnet(NeedsSubnet, Pending),
}

/// The rest of a held upload, sent by its owner.
pub struct Completion<'a> {
    pub subnet: &'a str,
    pub probe_host: Option<&'a str>,
    /// Another display name than the one given at upload.
    pub display_name: Option<&'a str>,
    /// Another interface name (the one asked for may have been taken meanwhile).
    pub interface: Option<&'a str>,
    /// The admin explicitly allows more public address space than the limit.
    pub allow_wide: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CompleteError {
    #[error("No such pending upload: it expired (uploads wait one hour) or was completed; upload the file again.")]
    Gone,
    #[error("Enter the remote site's subnet, such as 10.77.0.0/24.")]
    NoSubnet,
    #[error(transparent)]
    Refused(#[from] AdmitError),
}

/// Why an upload waits, as the upload answered: kept with it so the prompt, reopened later, says
/// the same.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Held {
    /// Why the routes need a subnet: `full_tunnel` or `wide_public_route`.
    pub reason: String,
    pub message: String,
    /// Lines of the file whose AllowedIPs made up the routes.
    pub lines: Vec<usize>,
    /// What peergate changed or ignored in the file.
    pub warnings: Vec<StoredWarning>,
}

impl Held {
    fn from_needs(needs: &NeedsSubnet) -> Held {
        Held {
            reason: needs.reason.code().to_string(),
            message: needs.message(),
            lines: needs.lines.clone(),
            warnings: needs.warnings.iter().map(StoredWarning::from).collect(),
        }
    }
}

/// A pending upload as its owner sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PendingUpload {
    pub id: String,
    /// The display name given at upload.
    pub name: String,
    /// The interface name asked for at upload; `null` when it is to be derived from the name.
    pub interface: Option<String>,
    /// When the file was uploaded (UNIX seconds).
    pub created_at: i64,
    pub expires_at: i64,
    #[serde(flatten)]
    pub held: Held,
}

impl From<Pending> for PendingUpload {
    fn from(p: Pending) -> PendingUpload {
        // Rows from before the details were kept hold `{}`: shown without them.
        let held = serde_json::from_str(&p.details).unwrap_or_default();
        PendingUpload {
            id: p.id,
            name: p.display_name,
            interface: p.interface,
            created_at: p.created_at,
            expires_at: p.expires_at,
            held,
        }
    }
}

fn is_pending_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Gateway {
    /// Admits an upload, or holds it for `owner` when only the subnet is missing.
    pub async fn upload(&self, db: &Db, owner: i64, upload: Upload<'_>, actor: &Actor) -> Result<Uploaded, AdmitError> {
        match self.admit(db, upload, Placement::New, actor).await? {
            Admission::Created(client) => Ok(Uploaded::Created(client)),
            Admission::NeedsSubnet(needs) => {
                let now = db::now();
                let held = Pending {
                    id: uuid::Uuid::new_v4().simple().to_string(),
                    user_id: owner,
                    display_name: upload.display_name.to_string(),
                    interface: upload.interface.map(str::trim).filter(|i| !i.is_empty()).map(str::to_string),
                    probe_host: upload.probe_host.filter(|p| !p.trim().is_empty()).map(str::to_string),
                    details: serde_json::to_string(&Held::from_needs(&needs)).expect("plain data serializes"),
                    created_at: now,
                    expires_at: now + TTL_SECS,
                };
                self.hold(db, &held, upload.bytes, actor).await?;
                Ok(Uploaded::NeedsSubnet(needs, held))
            }
        }
    }

    /// File and row together: the file is staged, the row and its audit event committed, and the
    /// file removed again when the commit fails.
    async fn hold(&self, db: &Db, held: &Pending, bytes: &[u8], actor: &Actor) -> anyhow::Result<()> {
        // Held as text (UTF-16 uploads decoded); admission already read it the same way.
        let text = peergate_core::wg_conf::decode(bytes)?;
        let staged = self.pending_dir.stage(&held.id, &text)?;
        let mut change = db.change(actor).await?;
        pending::create(&mut change, held).await?;
        staged.commit()?;
        let entry = Entry::new("client.upload_pending", format!("pending:{}", held.id))
            .after(serde_json::json!({ "name": held.display_name, "interface": held.interface, "expires_at": held.expires_at }));
        if let Err(err) = change.commit(entry).await {
            let _ = self.pending_dir.remove(&held.id);
            return Err(err.into());
        }
        Ok(())
    }

    /// Admits a held upload with its subnet; the held file and row go once the client exists.
    pub async fn complete(
        &self,
        db: &Db,
        owner: i64,
        id: &str,
        completion: Completion<'_>,
        actor: &Actor,
    ) -> Result<ClientRow, CompleteError> {
        if !is_pending_id(id) {
            return Err(CompleteError::Gone);
        }
        let held = pending::get(db, id).await.map_err(AdmitError::from)?.ok_or(CompleteError::Gone)?;
        if held.user_id != owner || held.expires_at <= db::now() {
            return Err(CompleteError::Gone);
        }
        if completion.subnet.trim().is_empty() {
            return Err(CompleteError::NoSubnet);
        }
        let bytes = self.pending_dir.read(&held.id).map_err(|_| CompleteError::Gone)?;
        let display_name = completion.display_name.filter(|n| !n.trim().is_empty()).unwrap_or(&held.display_name);
        let interface = completion.interface.filter(|n| !n.trim().is_empty()).or(held.interface.as_deref());
        let probe_host = completion.probe_host.or(held.probe_host.as_deref());
        let upload = Upload {
            bytes: bytes.as_bytes(),
            display_name,
            interface,
            subnets: Some(completion.subnet),
            probe_host,
            allow_wide: completion.allow_wide,
        };
        match self.admit(db, upload, Placement::New, actor).await? {
            Admission::Created(client) => {
                pending::delete(db, &held.id).await.map_err(AdmitError::from)?;
                let _ = self.pending_dir.remove(&held.id);
                Ok(client)
            }
            Admission::NeedsSubnet(_) => Err(CompleteError::NoSubnet),
        }
    }

    /// The owner's uploads that still wait, newest first.
    pub async fn pending_of(&self, db: &Db, owner: i64) -> Result<Vec<PendingUpload>, sqlx::Error> {
        let held = pending::list_for_user(db, owner, db::now()).await?;
        Ok(held.into_iter().map(PendingUpload::from).collect())
    }

    /// Discards one of the owner's held uploads: row (with its audit event), then file.
    pub async fn discard(&self, db: &Db, owner: i64, id: &str, actor: &Actor) -> Result<(), CompleteError> {
        if !is_pending_id(id) {
            return Err(CompleteError::Gone);
        }
        let held = pending::get(db, id).await.map_err(AdmitError::from)?.ok_or(CompleteError::Gone)?;
        if held.user_id != owner {
            return Err(CompleteError::Gone);
        }
        let mut change = db.change(actor).await.map_err(AdmitError::from)?;
        if !pending::discard(&mut change, id, owner).await.map_err(AdmitError::from)? {
            return Err(CompleteError::Gone);
        }
        let entry = Entry::new("client.pending_discard", format!("pending:{id}"))
            .before(serde_json::json!({ "name": held.display_name, "interface": held.interface, "expires_at": held.expires_at }));
        change.commit(entry).await.map_err(AdmitError::from)?;
        let _ = self.pending_dir.remove(id);
        Ok(())
    }

    /// Forgets expired uploads: rows first (one statement), then their files.
    pub async fn purge_expired(&self, db: &Db, now: i64) -> Result<usize, sqlx::Error> {
        let ids = pending::purge_expired(db, now).await?;
        for id in &ids {
            let _ = self.pending_dir.remove(id);
        }
        Ok(ids.len())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_our_own_ids_name_a_pending_file() {
        assert!(super::is_pending_id(&uuid::Uuid::new_v4().simple().to_string()));
        for bad in ["", "../../etc/passwd", "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdeg"] {
            assert!(!super::is_pending_id(bad), "{bad}");
        }
    }
}
