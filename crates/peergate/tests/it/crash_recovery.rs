//! What a kill -9 at each window of admission and removal leaves behind, recreated on disk, and
//! the next start finishing or undoing each; and a database replaced under a WireGuard directory
//! full of peergate's files, which must not start as an empty gateway.

use peergate::clients::{Placement, Upload};
use peergate::config::{Config, Secret};
use peergate::db::audit::Actor;

use crate::fakes::Fakes;
use crate::support::fixtures::conf;

fn config(dir: &std::path::Path, db_file: &str) -> Config {
    Config {
        data_dir: dir.join("data"),
        wg_dir: dir.join("wireguard"),
        database_url: Some(Secret::new(format!("sqlite://{}?mode=rwc", dir.join(db_file).display()))),
        lan_address: Some("10.201.0.1/24".into()),
        ..Config::default()
    }
}

async fn start(dir: &std::path::Path, db_file: &str) -> anyhow::Result<peergate::http::AppState> {
    let fakes = Fakes::new(dir);
    let sysctl = dir.join("sysctl.conf");
    peergate::server::state_with(config(dir, db_file), move |_, _| fakes.backends(&sysctl)).await
}

fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_restart_finishes_or_undoes_what_a_crash_left_half_done() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    let state = start(dir, "peergate.db").await.unwrap();
    for (name, subnet) in [("site-a", "10.77.0.0/24"), ("site-e", "10.78.0.0/24")] {
        let bytes = conf(subnet);
        let upload = Upload {
            bytes: bytes.as_bytes(),
            display_name: name,
            interface: Some(name),
            subnets: None,
            probe_host: None,
            allow_wide: false,
        };
        state.app.gateway.admit(&state.app.db, upload, Placement::New, &Actor::cli()).await.unwrap();
    }
    drop(state);
    let wg = dir.join("wireguard");
    let rendered = std::fs::read_to_string(wg.join("site-a.conf")).unwrap();
    // Killed after staging, before the rename: a temporary file.
    std::fs::write(wg.join(".site-b.0123456789abcdef.tmp"), &rendered).unwrap();
    // Killed after the rename, before the commit: a rendered file with no row.
    std::fs::write(wg.join("site-c.conf"), &rendered).unwrap();
    // Killed during a delete of site-e, before its commit: the file aside, the row still there.
    std::fs::rename(wg.join("site-e.conf"), wg.join(".site-e.0123456789abcdef.removed")).unwrap();
    // Killed after a delete committed, before the file went: the file aside, no row.
    std::fs::write(wg.join(".site-d.fedcba9876543210.removed"), &rendered).unwrap();
    // An admin's own config that peergate never wrote.
    std::fs::write(wg.join("wg0.conf"), "[Interface]\nPrivateKey = theirs\n").unwrap();
    // A pending upload's file whose row never committed.
    let pending = dir.join("data/pending");
    std::fs::write(pending.join("0123456789abcdef0123456789abcdef.conf"), &rendered).unwrap();

    let _state = start(dir, "peergate.db").await.unwrap();
    assert_eq!(names_in(&wg), ["site-a.conf", "site-e.conf", "wg0.conf"], "debris finished or undone; theirs untouched");
    assert!(names_in(&pending).is_empty(), "the stray pending file is gone");
    let orphans = names_in(&dir.join("data/orphans"));
    assert!(
        orphans.len() == 1 && orphans[0].starts_with("site-c.conf."),
        "the uncommitted client's key is kept aside: {orphans:?}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.join("data/orphans")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

#[tokio::test]
async fn an_empty_database_beside_peergates_files_refuses_to_start() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    let state = start(dir, "peergate.db").await.unwrap();
    let bytes = conf("10.77.0.0/24");
    let upload = Upload {
        bytes: bytes.as_bytes(),
        display_name: "site-a",
        interface: Some("site-a"),
        subnets: None,
        probe_host: None,
        allow_wide: false,
    };
    state.app.gateway.admit(&state.app.db, upload, Placement::New, &Actor::cli()).await.unwrap();
    drop(state);
    // The database is gone (deleted, or a fresh path): a new, empty one would start "clean".
    let err = match start(dir, "replaced.db").await {
        Ok(_) => panic!("started over an empty database beside peergate's files"),
        Err(err) => format!("{err:#}"),
    };
    assert!(err.contains("the database has no clients") && err.contains("site-a"), "{err}");
    assert!(err.contains("peergate client import"), "says what to do: {err}");
    assert!(dir.join("wireguard/site-a.conf").exists(), "nothing was touched");
}
