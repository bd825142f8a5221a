//! Renders a [`WgConf`] as the canonical wg-quick text peergate writes to disk: fixed key order,
//! canonical spelling of every value, one line per list key. Re-parsing the output gives back an
//! equal value, so the file on disk says exactly what was validated. The redacted variant is the
//! form shown in the API and UI.

use std::fmt::{Display, Write as _};

use super::WgConf;

const HEADER: &str = "# Managed by peergate. Changes made here are overwritten.\n";
const REDACTED: &str = "(redacted)";

/// The text written to `<wg_dir>/<iface>.conf` (mode 0600 is the caller's job). Contains secrets.
/// Whether `text` is a file peergate rendered (it starts with peergate's header line).
pub fn rendered_by_peergate(text: &str) -> bool {
    text.starts_with(HEADER)
}

pub fn render(conf: &WgConf) -> String {
    render_with(conf, false)
}

/// Like [`render`], with `PrivateKey` and `PresharedKey` replaced by `(redacted)`: safe to show.
pub fn render_redacted(conf: &WgConf) -> String {
    render_with(conf, true)
}

fn render_with(conf: &WgConf, redact: bool) -> String {
    let mut out = String::with_capacity(256 + 256 * conf.peers.len());
    out.push_str(HEADER);
    let i = &conf.interface;
    out.push_str("[Interface]\n");
    let private_key = if redact { REDACTED.to_owned() } else { i.private_key.value.expose_base64() };
    line(&mut out, "PrivateKey", private_key);
    list(&mut out, "Address", i.addresses.iter().map(|a| a.value));
    if let Some(port) = &i.listen_port {
        line(&mut out, "ListenPort", port.value);
    }
    if let Some(mark) = &i.fw_mark {
        match mark.value {
            0 => line(&mut out, "FwMark", "off"),
            n => line(&mut out, "FwMark", format_args!("0x{n:x}")),
        }
    }
    if let Some(mtu) = &i.mtu {
        line(&mut out, "MTU", mtu.value);
    }
    if let Some(table) = &i.table {
        line(&mut out, "Table", &table.value);
    }
    list(&mut out, "DNS", i.dns.iter().map(|d| &d.value));
    if let Some(save) = &i.save_config {
        line(&mut out, "SaveConfig", save.value);
    }
    for hook in &i.hooks {
        line(&mut out, hook.value.kind.key(), &hook.value.command);
    }
    for peer in &conf.peers {
        out.push_str("\n[Peer]\n");
        line(&mut out, "PublicKey", peer.public_key.value);
        if let Some(psk) = &peer.preshared_key {
            let psk = if redact { REDACTED.to_owned() } else { psk.value.expose_base64() };
            line(&mut out, "PresharedKey", psk);
        }
        list(&mut out, "AllowedIPs", peer.allowed_ips.iter().map(|a| a.value));
        line(&mut out, "Endpoint", &peer.endpoint.value);
        if let Some(keepalive) = &peer.persistent_keepalive {
            match keepalive.value {
                0 => line(&mut out, "PersistentKeepalive", "off"),
                n => line(&mut out, "PersistentKeepalive", n),
            }
        }
    }
    out
}

fn line(out: &mut String, key: &str, value: impl Display) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "{key} = {value}");
}

fn list<T: Display>(out: &mut String, key: &str, values: impl Iterator<Item = T>) {
    let mut values = values.peekable();
    if values.peek().is_none() {
        return;
    }
    let _ = write!(out, "{key} = ");
    for (n, value) in values.enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{value}");
    }
    out.push('\n');
}
