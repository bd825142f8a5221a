//! Downloading the config peergate wrote for a client. With its keys it is the one copy of the
//! private key that leaves the 0600 file, so every download, with or without keys, is an audit
//! event, recorded before any byte is handed out.

use anyhow::Context;
use peergate_core::wg_conf;

use super::Gateway;
use crate::db::Db;
use crate::db::audit::{Actor, Entry};
use crate::db::clients::ClientRow;

impl Gateway {
    /// The client's file: as written (`include_keys`), or re-rendered with `PrivateKey` and
    /// `PresharedKey` redacted.
    pub async fn export(&self, db: &Db, client: &ClientRow, include_keys: bool, actor: &Actor) -> anyhow::Result<String> {
        let text = self.wg_dir.read(&client.interface).with_context(|| format!("reading {}", client.conf_path))?;
        let text = if include_keys {
            text
        } else {
            let parsed = wg_conf::parse(&text).with_context(|| format!("{} no longer parses", client.conf_path))?;
            wg_conf::render_redacted(&parsed)
        };
        let entry = Entry::new("client.export", format!("client:{}", client.interface))
            .after(serde_json::json!({ "include_keys": include_keys }));
        db.change(actor).await?.commit(entry).await.context("recording the download")?;
        Ok(text)
    }
}
