//! The clients as the server holds them in memory: the list served from it (encoded once per
//! change, `ETag`/`304`, gzip), kept current by every change, by the monitor and by what another
//! process wrote; the last state back after a restart; event subscribers that start from a
//! snapshot, get only what changed, and are dropped with a resync hint when they fall behind.

use std::io::Read as _;
use std::time::Duration;

use peergate::db::clients::{ClientId, ClientStatus};
use peergate::events::{ClientStatusEvent, Event};
use serde_json::{Value, json};

use crate::support::admin_app;

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers().get(name).map(|v| v.to_str().unwrap()).unwrap_or_default()
}

fn names(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_list_is_encoded_once_per_change_and_revalidated_by_etag() {
    let (app, admin) = admin_app().await;
    let a = admin.create_client("site-a", "10.77.0.0/24").await;
    admin.create_client("site-b", "10.78.0.0/24").await;

    let first = admin.get("/api/clients").await;
    assert_eq!(first.status(), 200);
    let etag = header(&first, "etag").to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    assert_eq!(header(&first, "cache-control"), "private, no-cache", "the browser revalidates instead of storing blindly");
    assert_eq!(header(&first, "vary"), "accept-encoding");
    let plain = first.bytes().await.unwrap();
    assert_eq!(names(&serde_json::from_slice(&plain).unwrap()), ["site-a", "site-b"]);

    // Unchanged: a 304 without a body, for the exact tag, a list of tags, a weak tag or `*`.
    for tag in [etag.clone(), format!("\"x\", {etag}"), format!("W/{etag}"), "*".into()] {
        let res = admin.get_with("/api/clients", &[("if-none-match", &tag)]).await;
        assert_eq!(res.status(), 304, "{tag}");
        assert_eq!(header(&res, "etag"), etag);
        assert!(res.bytes().await.unwrap().is_empty());
    }
    assert_eq!(admin.get_with("/api/clients", &[("if-none-match", "\"other\"")]).await.status(), 200);

    // gzip when accepted, the same JSON inside; not when refused with q=0.
    let zipped = admin.get_with("/api/clients", &[("accept-encoding", "br, gzip;q=0.8")]).await;
    assert_eq!(header(&zipped, "content-encoding"), "gzip");
    assert_eq!(header(&zipped, "etag"), etag, "one representation per generation");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped.bytes().await.unwrap()[..]).read_to_end(&mut unzipped).unwrap();
    assert_eq!(unzipped, plain);
    for refused in ["gzip;q=0", "identity", "*;q=0", "gzip;q=0.000"] {
        let res = admin.get_with("/api/clients", &[("accept-encoding", refused)]).await;
        assert_eq!(header(&res, "content-encoding"), "", "{refused}");
    }

    // A change makes the held tag stale: the new list at once.
    let res = admin.patch(&format!("/api/clients/{a}"), &json!({ "name": "Site A (renamed)" })).await;
    assert_eq!(res.status(), 200);
    let after = admin.get_with("/api/clients", &[("if-none-match", &etag)]).await;
    assert_eq!(after.status(), 200, "an edit invalidates the cached list");
    let new_etag = header(&after, "etag").to_string();
    assert_ne!(new_etag, etag);
    assert_eq!(names(&after.json().await.unwrap()), ["Site A (renamed)", "site-b"]);
    // So does a deletion, and a status reading.
    assert_eq!(admin.delete("/api/clients/2").await.status(), 204);
    let after = admin.get_with("/api/clients", &[("if-none-match", &new_etag)]).await;
    assert_eq!(names(&after.json().await.unwrap()), ["Site A (renamed)"]);
    let tag = header(&admin.get("/api/clients").await, "etag").to_string();
    let status = ClientStatus { observed_at: 1, ..status_now() };
    app.state.app.roster.record_statuses(1, vec![(ClientId(a), status)]);
    let after = admin.get_with("/api/clients", &[("if-none-match", &tag)]).await;
    assert_eq!(after.status(), 200);
    assert_eq!(after.json::<Value>().await.unwrap()[0]["status"]["rx_bytes"], 10);
}

fn status_now() -> ClientStatus {
    ClientStatus {
        observed_at: peergate::db::now(),
        connected: true,
        latest_handshake: peergate::db::now(),
        rx_bytes: 10,
        tx_bytes: 5,
        rx_rate: 0.0,
        tx_rate: 0.0,
        endpoint: Some("192.0.2.10:51820".into()),
        interface_up: true,
        repair_by: None,
        peers: Vec::new(),
    }
}

#[tokio::test]
async fn the_list_and_detail_come_from_memory_and_sync_picks_up_another_processs_writes() {
    let (app, admin) = admin_app().await;
    let a = admin.create_client("site-a", "10.77.0.0/24").await;
    let mut stream = admin.get("/api/events").await;
    // Another process (the command line) renames it and adds one behind the server's back.
    sqlx::query("UPDATE clients SET display_name = 'renamed elsewhere' WHERE id = $1")
        .bind(a)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let list: Value = admin.json("/api/clients").await;
    assert_eq!(names(&list), ["site-a"], "served from memory, not read per request");
    assert_eq!(admin.json::<Value>(&format!("/api/clients/{a}")).await["name"], "site-a");

    app.state.app.roster.sync(&app.db).await.unwrap();
    assert_eq!(names(&admin.json("/api/clients").await), ["renamed elsewhere"]);
    let mut seen = String::new();
    while !seen.contains("renamed elsewhere") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk()).await.expect("an event").unwrap().unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: client\n"), "{seen}");
    // A second sync finds nothing new and says nothing.
    let before = app.state.app.roster.list().etag.clone();
    app.state.app.roster.sync(&app.db).await.unwrap();
    assert_eq!(app.state.app.roster.list().etag, before);

    sqlx::query("DELETE FROM clients WHERE id = $1").bind(a).execute(&app.db.pool).await.unwrap();
    app.state.app.roster.sync(&app.db).await.unwrap();
    assert_eq!(names(&admin.json("/api/clients").await), Vec::<String>::new());
    while !seen.contains("event: client_deleted\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk()).await.expect("an event").unwrap().unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn a_restart_shows_the_last_status_and_ping() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    app.fakes.world().handshake = peergate::db::now() - 2;
    assert_eq!(admin.post_empty(&format!("/api/clients/{id}/activate")).await.status(), 200);
    app.state.app.dataplane.monitor.observe_status(&app.db, 30).await.unwrap();
    let ping = admin.post_empty(&format!("/api/clients/{id}/ping")).await.json::<Value>().await.unwrap();
    let shown: Value = admin.json(&format!("/api/clients/{id}")).await;

    // A second server on the same database and directories, as after a restart.
    let config = (*app.state.app.config).clone();
    let fakes = app.fakes.clone();
    let sysctl = app.dir.path().join("sysctl.d/99-peergate.conf");
    let restarted = peergate::server::state_with(config, move |_, _| fakes.backends(&sysctl)).await.unwrap();
    let row = restarted.app.roster.get(ClientId(id)).expect("the client is back");
    let status = serde_json::to_value(row.status.expect("its last status")).unwrap();
    assert_eq!(status, shown["status"]);
    assert_eq!(serde_json::to_value(row.last_ping.expect("its last ping")).unwrap(), ping);
}

#[tokio::test]
async fn a_status_tick_sends_only_what_changed_and_a_new_subscriber_starts_from_a_snapshot() {
    let (app, admin) = admin_app().await;
    let a = ClientId(admin.create_client("site-a", "10.77.0.0/24").await);
    let b = ClientId(admin.create_client("site-b", "10.78.0.0/24").await);
    let roster = &app.state.app.roster;
    let at = peergate::db::now();
    let reading = status_now();
    assert_eq!(roster.record_statuses(at, vec![(a, reading.clone()), (b, reading.clone())]).len(), 2);

    let mut stream = admin.get("/api/events").await;
    let mut seen = String::new();
    while !seen.contains("\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk()).await.expect("the snapshot").unwrap().unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let snapshot: Value = serde_json::from_str(seen.split("\n\n").next().unwrap().split("data: ").nth(1).unwrap()).unwrap();
    assert_eq!(snapshot["full"], true);
    assert_eq!(snapshot["clients"].as_array().unwrap().len(), 2, "{snapshot}");

    // The same readings a tick later change nothing a person sees: nothing to store or send.
    let later = ClientStatus { observed_at: at + 5, ..reading.clone() };
    assert!(roster.record_statuses(at + 5, vec![(a, later.clone()), (b, later.clone())]).is_empty());
    // One client moves: only it is stored and sent.
    let moved = ClientStatus { rx_bytes: 99, ..later };
    let changed = roster.record_statuses(at + 10, vec![(a, moved), (b, ClientStatus { observed_at: at + 10, ..reading })]);
    assert_eq!(changed.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [a]);
    seen.clear();
    while !seen.contains("\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk()).await.expect("the change").unwrap().unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let delta: Value = serde_json::from_str(seen.split("data: ").nth(1).unwrap().trim()).unwrap();
    assert_eq!(delta["full"], false);
    assert_eq!(delta["clients"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect::<Vec<_>>(), [a.0]);
}

#[tokio::test]
async fn a_subscriber_that_falls_behind_is_told_to_resync_and_dropped() {
    let (app, admin) = admin_app().await;
    let mut slow = admin.get("/api/events").await;
    assert_eq!(slow.status(), 200);
    // Far more than the socket buffers hold and the channel keeps, sent while nobody reads.
    let statuses: Vec<ClientStatusEvent> =
        (0..600).map(|i| ClientStatusEvent { id: ClientId(i), status: status_now() }).collect();
    for _ in 0..peergate::events::CAPACITY * 2 {
        app.state.app.events.send(Event::Status { at: 1, full: false, clients: statuses.clone() });
    }
    let mut tail = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(chunk) = slow.chunk().await.unwrap() {
            tail.extend_from_slice(&chunk);
            if tail.len() > 4096 {
                tail.drain(..tail.len() - 4096);
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the lagging stream was not ended");
    let tail = String::from_utf8_lossy(&tail);
    assert!(tail.ends_with("event: resync\ndata: {}\n\n"), "{tail}");
    // A new stream (the browser's reconnect) is served as usual.
    assert_eq!(admin.get("/api/events").await.status(), 200);
}
