//! IP forwarding: switched on through /proc (no subprocess) and persisted in
//! `PEERGATE_SYSCTL_FILE` (default /etc/sysctl.d/99-peergate.conf) so it survives a reboot. The
//! file is peergate's own; it is written whole, atomically, and only with the keys it needs.

use std::path::{Path, PathBuf};

use anyhow::Context;

const IPV4: &str = "net/ipv4/ip_forward";
const IPV6: &str = "net/ipv6/conf/all/forwarding";

/// Forwarding as it was before an activation, to put back exactly if the activation fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardingState {
    ipv4: bool,
    ipv6: bool,
    persisted: Option<String>,
}

pub struct Forwarding {
    pub proc_sys: PathBuf,
    pub persist_file: PathBuf,
}

impl Forwarding {
    pub fn new(persist_file: &Path) -> Forwarding {
        Forwarding { proc_sys: PathBuf::from("/proc/sys"), persist_file: persist_file.to_path_buf() }
    }

    fn read(&self, key: &str) -> bool {
        std::fs::read_to_string(self.proc_sys.join(key)).map(|v| v.trim() == "1").unwrap_or(false)
    }

    pub fn ipv4(&self) -> bool {
        self.read(IPV4)
    }

    pub fn ipv6(&self) -> bool {
        self.read(IPV6)
    }

    /// Turns forwarding on for IPv4 (and IPv6 when asked) and persists what is on.
    pub fn enable(&self, ipv6: bool) -> anyhow::Result<()> {
        let mut keys = vec![IPV4];
        if ipv6 {
            keys.push(IPV6);
        }
        for key in &keys {
            if !self.read(key) {
                std::fs::write(self.proc_sys.join(key), "1\n")
                    .with_context(|| format!("turning on {}", key.replace('/', ".")))?;
            }
        }
        self.persist(ipv6 || self.ipv6())
    }

    /// The running values and the persisted file, now.
    pub fn state(&self) -> ForwardingState {
        ForwardingState { ipv4: self.ipv4(), ipv6: self.ipv6(), persisted: std::fs::read_to_string(&self.persist_file).ok() }
    }

    /// Rolls back to `before`: what was turned on is turned off again, in /proc *and* in the
    /// persisted file (a failed activation must not leave forwarding on at the next boot).
    pub fn restore(&self, before: &ForwardingState) -> anyhow::Result<()> {
        for (key, was_on) in [(IPV4, before.ipv4), (IPV6, before.ipv6)] {
            if !was_on && self.read(key) {
                std::fs::write(self.proc_sys.join(key), "0\n")
                    .with_context(|| format!("turning off {}", key.replace('/', ".")))?;
            }
        }
        match &before.persisted {
            Some(text) => self.write_persisted(text),
            None => match std::fs::remove_file(&self.persist_file) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    Err(anyhow::Error::new(err).context(format!("removing {}", self.persist_file.display())))
                }
                _ => Ok(()),
            },
        }
    }

    fn persist(&self, ipv6: bool) -> anyhow::Result<()> {
        let mut text = String::from(
            "# Written by peergate: its clients route LAN traffic into WireGuard tunnels.\nnet.ipv4.ip_forward = 1\n",
        );
        if ipv6 {
            text.push_str("net.ipv6.conf.all.forwarding = 1\n");
        }
        self.write_persisted(&text)
    }

    /// Writes the persisted file whole and atomically (nothing when it already says `text`).
    fn write_persisted(&self, text: &str) -> anyhow::Result<()> {
        if std::fs::read_to_string(&self.persist_file).is_ok_and(|old| old == text) {
            return Ok(());
        }
        let dir = self.persist_file.parent().unwrap_or(Path::new("/"));
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let tmp = dir.join(format!(".peergate-sysctl.{}.tmp", std::process::id()));
        std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &self.persist_file)
            .with_context(|| format!("writing {} (PEERGATE_SYSCTL_FILE)", self.persist_file.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake /proc with forwarding off and no persisted file yet.
    fn forwarding_off() -> (tempfile::TempDir, Forwarding) {
        let root = tempfile::tempdir().unwrap();
        let proc_sys = root.path().join("proc");
        std::fs::create_dir_all(proc_sys.join("net/ipv4")).unwrap();
        std::fs::create_dir_all(proc_sys.join("net/ipv6/conf/all")).unwrap();
        std::fs::write(proc_sys.join(IPV4), "0\n").unwrap();
        std::fs::write(proc_sys.join(IPV6), "0\n").unwrap();
        let f = Forwarding { proc_sys, persist_file: root.path().join("sysctl.d/99-peergate.conf") };
        (root, f)
    }

    #[test]
    fn enabling_writes_proc_and_persists_once() {
        let (_root, f) = forwarding_off();
        assert!(!f.ipv4());
        f.enable(false).unwrap();
        assert!(f.ipv4() && !f.ipv6());
        let persisted = std::fs::read_to_string(&f.persist_file).unwrap();
        assert!(persisted.contains("net.ipv4.ip_forward = 1") && !persisted.contains("ipv6"));
        f.enable(true).unwrap();
        assert!(std::fs::read_to_string(&f.persist_file).unwrap().contains("net.ipv6.conf.all.forwarding = 1"));
    }

    #[test]
    fn restore_puts_back_proc_and_the_persisted_file() {
        let (_root, f) = forwarding_off();
        let before = f.state();
        f.enable(true).unwrap();
        f.restore(&before).unwrap();
        assert_eq!(f.state(), before, "off, and no file, as before");
        // With the file already there (an earlier client), it stays as it was.
        f.enable(false).unwrap();
        let with_file = f.state();
        f.enable(true).unwrap();
        f.restore(&with_file).unwrap();
        assert_eq!(f.state(), with_file);
    }
}
