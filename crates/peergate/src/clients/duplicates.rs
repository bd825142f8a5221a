//! Uploads that repeat a client the gateway already has. Two interfaces may share a peer or a
//! key, so neither is refused, but it is rarely meant (the same file uploaded twice, a site
//! re-exported), and the same private key towards the same peer cannot work: the remote site sees
//! one peer that keeps moving between the two tunnels. Each becomes a warning kept with the client.

use peergate_core::wg_conf::WgConf;

use crate::db::clients::{ClientRow, StoredWarning};

pub fn warnings(conf: &WgConf, others: &[ClientRow]) -> Vec<StoredWarning> {
    let own_key = conf.interface.private_key.value.public_key().to_string();
    let peers: Vec<String> = conf.peers.iter().map(|p| p.public_key.value.to_string()).collect();
    let mut found = Vec::new();
    for other in others {
        let same_key = other.public_key.as_deref() == Some(own_key.as_str());
        let same_peer = other.peer_public_keys.iter().any(|k| peers.contains(k));
        let name = format!("`{}` ({})", other.display_name, other.interface);
        let (code, message) = match (same_key, same_peer) {
            (true, true) => (
                "duplicate_tunnel",
                format!(
                    "Client {name} already uses this private key with the same peer: the remote site sees one peer \
                     moving between the two tunnels and neither works reliably. Activate only one of them"
                ),
            ),
            (true, false) => (
                "duplicate_private_key",
                format!("Client {name} already uses this private key; each tunnel normally has its own"),
            ),
            (false, true) => (
                "duplicate_peer",
                format!("Client {name} already has a peer with this public key; is this the same site uploaded twice?"),
            ),
            (false, false) => continue,
        };
        found.push(StoredWarning { line: None, code: code.into(), message });
    }
    found
}
