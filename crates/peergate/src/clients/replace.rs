//! Replacing a client's config with a new file for the same site (the remote side rotated its
//! keys, moved its endpoint, re-exported). The client keeps its id, names, notes, history and
//! state; the new file passes the same policy as an upload (against the other clients), and a
//! full-tunnel file takes the client's current subnets unless others are typed. File and row
//! change together, like admission: the new rendering is staged, the row updated with its audit
//! event, the file renamed over the old one, the change committed, and the old file put back if
//! the commit fails. A running tunnel is the data plane's to move over (`dataplane::activation`).

use anyhow::Context;
use ipnet::IpNet;
use peergate_core::client_policy::{self, ClientRequest, Outcome, PolicyError};
use peergate_core::wg_conf::{self, Located};

use super::{AdmitError, Gateway, audit_view, resolve_endpoints};
use crate::db::Db;
use crate::db::audit::{Actor, Entry};
use crate::db::clients::{self, ClientRow, Replaced, StoredWarning};

/// The new file, and optionally other subnets or probe host than the client's.
#[derive(Clone, Copy)]
pub struct Replacement<'a> {
    pub bytes: &'a [u8],
    pub subnets: Option<&'a str>,
    pub probe_host: Option<&'a str>,
    pub allow_wide: bool,
    /// New AllowedIPs for the (single) peer, as typed: errors about them name the field, not
    /// a line of the file.
    pub allowed_ips: Option<&'a [IpNet]>,
    /// The audit action: `client.replace` for a new file, `client.subnets` for an edit of the
    /// subnets, `…_undone` when a change that could not be applied is taken back.
    pub action: &'static str,
}

impl<'a> Replacement<'a> {
    /// Puts back a file the client had (a change that could not be applied is taken back): it
    /// was admitted as it is, wide routes an admin allowed included.
    pub fn undo(original: &'a str, probe_host: &'a str, action: &'static str) -> Replacement<'a> {
        Replacement {
            bytes: original.as_bytes(),
            subnets: None,
            probe_host: Some(probe_host),
            allow_wide: true,
            allowed_ips: None,
            action,
        }
    }
}

impl Gateway {
    /// Replaces `client`'s file and what the row knows of it. The caller holds the client's
    /// data-plane lock and brings a running tunnel to the new file (or puts the old one back).
    pub async fn replace(
        &self,
        db: &Db,
        client: &ClientRow,
        new: Replacement<'_>,
        actor: &Actor,
    ) -> Result<ClientRow, AdmitError> {
        let mut conf = wg_conf::parse_bytes(new.bytes).map_err(PolicyError::from)?;
        if let (Some(nets), Some(peer)) = (new.allowed_ips, conf.peers.first_mut()) {
            peer.allowed_ips = nets.iter().copied().map(Located::synthetic).collect();
        }
        let (endpoint_addrs, mut warnings) = resolve_endpoints(&conf).await;
        let _guard = self.lock.lock().await;
        let others: Vec<ClientRow> = clients::list(db).await?.into_iter().filter(|c| c.id != client.id).collect();
        let existing = clients::existing_of(&others);
        let gateway = self.host.facts().await?;
        let current = client.subnets.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        let probe_kept = client.probe_host.to_string();
        let evaluate = |subnets: Option<&str>, probe_host: Option<&str>| {
            client_policy::evaluate(ClientRequest {
                conf: conf.clone(),
                name: &client.interface,
                subnets,
                probe_host,
                gateway_lan: self.lan.as_ref().and_then(|l| l.network),
                gateway: &gateway,
                limits: self.limits,
                allow_wide: new.allow_wide,
                endpoint_addrs: &endpoint_addrs,
                existing: &existing,
            })
        };
        // The probe host stays when it is still inside the (new) subnets.
        let first = |subnets: Option<&str>| match new.probe_host {
            Some(p) => evaluate(subnets, Some(p)),
            None => evaluate(subnets, Some(&probe_kept)).or_else(|_| evaluate(subnets, None)),
        };
        let accepted = match first(new.subnets)? {
            Outcome::Accepted(accepted) => accepted,
            // A full tunnel again: the site's subnets are the client's.
            Outcome::NeedsSubnet(_) => match first(Some(&current))? {
                Outcome::Accepted(accepted) => accepted,
                Outcome::NeedsSubnet(_) => unreachable!("typed subnets never need a subnet"),
            },
        };
        warnings.extend(accepted.warnings.iter().map(StoredWarning::from));
        warnings.extend(super::duplicates::warnings(&accepted.conf, &others));

        let name = client.interface.as_str();
        let original = self.wg_dir.read(name).ok();
        let staged =
            self.wg_dir.stage_replacing(name, &wg_conf::render(&accepted.conf)).context("writing the new client config")?;
        let replaced = Replaced {
            subnets: &accepted.subnets,
            peer_public_keys: &accepted.conf.peers.iter().map(|p| p.public_key.value.to_string()).collect::<Vec<_>>(),
            endpoint: &accepted.conf.peers.first().map(|p| p.endpoint.value.to_string()).unwrap_or_default(),
            probe_host: accepted.probe_host,
            public_key: &accepted.conf.interface.private_key.value.public_key().to_string(),
            warnings: &warnings,
        };
        let mut change = db.change(actor).await?;
        clients::replace_config(&mut change, client.id, &replaced).await?;
        let after = clients::get_in(&mut change, client.id).await?.context("the client vanished")?;
        staged.commit().context("moving the new client config into place")?;
        let entry = Entry::new(new.action, format!("client:{name}")).before(audit_view(client)).after(audit_view(&after));
        if let Err(err) = change.commit(entry).await {
            if let Some(text) = original {
                let _ = self.wg_dir.stage_replacing(name, &text).and_then(|s| s.commit());
            }
            return Err(anyhow::Error::new(err).context("saving the client").into());
        }
        Ok(after)
    }
}
