//! Changing a client's subnets after creation. The new list goes through the same policy as an
//! upload (against the other clients and the gateway), written into the file as the peer's
//! AllowedIPs like a replaced config (`client.subnets`, audited before/after). A running tunnel
//! is changed in place — `wg set … allowed-ips` and its routes, no restart, the session stays —
//! and if that fails, the file and row are put back as they were (`client.subnets_undone`)
//! and the interface is given its old AllowedIPs again: nothing is left half applied.

use crate::system::firewall::FirewallError;
use ipnet::IpNet;
use peergate_core::client_policy::parse_subnets;
use peergate_core::wg_conf;

use super::activation::{Activation, OpError};
use crate::clients::replace::Replacement;
use crate::clients::{AdmitError, Client, Gateway};
use crate::db::Db;
use crate::db::audit::Actor;
use crate::db::clients::{self, ClientId, ClientState};
use crate::system::run::RunError;

/// What the caller asks for.
#[derive(Clone, Copy)]
pub struct SubnetChange<'a> {
    /// One or more subnets, comma-separated.
    pub subnets: &'a str,
    pub probe_host: Option<&'a str>,
    pub allow_wide: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SubnetError {
    #[error("No such client.")]
    NotFound,
    #[error("This config has {0} peers, each with its own AllowedIPs: change them in the file and replace the config")]
    MultiPeer(usize),
    #[error("The client's config cannot be read ({0}); replace the config with a new file")]
    Unreadable(String),
    #[error(transparent)]
    Refused(AdmitError),
    #[error("The running tunnel did not take the new subnets ({0}); the previous subnets are back")]
    Live(RunError),
    #[error(transparent)]
    Op(#[from] OpError),
}

impl Activation {
    pub async fn change_subnets(
        &self,
        db: &Db,
        gateway: &Gateway,
        id: ClientId,
        change: SubnetChange<'_>,
        actor: &Actor,
    ) -> Result<Client, SubnetError> {
        let _guard = self.locks.try_hold(id).ok_or(OpError::Busy)?;
        let client = clients::get(db, id).await.map_err(OpError::from)?.ok_or(SubnetError::NotFound)?;
        let name = client.interface.as_str();
        let original = gateway.wg_dir.read(name).map_err(|e| SubnetError::Unreadable(e.to_string()))?;
        let conf = wg_conf::parse(&original).map_err(|e| SubnetError::Unreadable(e.to_string()))?;
        if conf.peers.len() != 1 {
            return Err(SubnetError::MultiPeer(conf.peers.len()));
        }
        let wanted = parse_subnets(change.subnets).map_err(|e| SubnetError::Refused(AdmitError::Refused(e)))?;
        let old: Vec<IpNet> = conf.peers[0].allowed_ips.iter().map(|a| a.value).collect();
        if wanted == old && change.probe_host.is_none() {
            return Ok(self.publish(db, id).await?);
        }
        let replacement = Replacement {
            bytes: original.as_bytes(),
            subnets: None,
            probe_host: change.probe_host,
            allow_wide: change.allow_wide,
            allowed_ips: Some(&wanted),
            action: "client.subnets",
        };
        let after = gateway.replace(db, &client, replacement, actor).await.map_err(SubnetError::Refused)?;
        let running = client.state == ClientState::Active && self.backends.tunnels.is_up(name);
        if running {
            let peer = conf.peers[0].public_key.value.to_string();
            let tunnels = &self.backends.tunnels;
            let live = async {
                tunnels.set_allowed_ips(name, &peer, &old, &wanted).await?;
                // The iptables set matches subnets: its members follow the tunnel's (no firewall
                // configured means no rules to follow).
                match self.backends.firewall.resubnet(&client.ruled(), &after.ruled()).await {
                    Err(FirewallError::Run(err)) => Err(err),
                    Ok(()) | Err(FirewallError::Unconfigured) => Ok(()),
                }
            }
            .await;
            if let Err(err) = live {
                // The members go back before the tunnel does, for the same reason they came first.
                if let Err(back) = self.backends.firewall.resubnet(&after.ruled(), &client.ruled()).await {
                    tracing::warn!(client = name, error = %back, "restoring the firewall's subnets failed; the reconciler will see it");
                }
                let probe_host = client.probe_host.to_string();
                let undo = Replacement::undo(&original, &probe_host, "client.subnets_undone");
                if let Err(undo_err) = gateway.replace(db, &after, undo, actor).await {
                    tracing::error!(client = name, error = %undo_err, "putting the previous subnets back failed");
                }
                if let Err(back) = tunnels.set_allowed_ips(name, &peer, &wanted, &old).await {
                    tracing::warn!(client = name, error = %back, "restoring the interface's AllowedIPs failed; the reconciler will see it");
                }
                return Err(SubnetError::Live(err));
            }
        }
        Ok(self.publish(db, id).await?)
    }
}
