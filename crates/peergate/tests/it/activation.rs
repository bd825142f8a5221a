//! Activation, deactivation, pings, status, events and reconcile through the API, with the
//! recording fakes standing in for the OS (the real backends run in dataplane.rs).

use std::time::Duration;

use serde_json::Value;

use crate::support::fixtures::conf;
use crate::support::{admin_app, assert_problem};

#[tokio::test]
async fn activation_brings_up_forwards_firewalls_and_pings_then_deactivation_reverses_it() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;

    let res = admin.post_empty(&format!("/api/clients/{id}/activate")).await;
    assert_eq!(res.status(), 200);
    let client: Value = res.json().await.unwrap();
    assert_eq!(client["state"], "active");
    assert_eq!(client["last_error"], Value::Null);
    assert_eq!(client["last_ping"]["ok"], true);
    {
        let w = app.fakes.world();
        assert!(w.up.contains("site-a") && w.rules.contains("site-a") && w.base_ok);
    }
    assert!(app.fakes.ipv4_forwarding());
    let persisted = std::fs::read_to_string(app.dir.path().join("sysctl.d/99-peergate.conf")).unwrap();
    assert!(persisted.contains("net.ipv4.ip_forward = 1"));

    let detail = admin.json::<Value>(&format!("/api/clients/{id}")).await;
    assert!(detail["rules"].as_str().unwrap().contains("site-a"), "{detail}");
    let pings = admin.json::<Value>(&format!("/api/clients/{id}/pings")).await;
    assert_eq!(pings.as_array().unwrap().len(), 1);
    let res = admin.post_empty(&format!("/api/clients/{id}/ping")).await;
    assert_eq!(res.json::<Value>().await.unwrap()["received"], 3);
    assert_eq!(admin.json::<Value>(&format!("/api/clients/{id}/pings?limit=10")).await.as_array().unwrap().len(), 2);

    let res = admin.post_empty(&format!("/api/clients/{id}/deactivate")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["state"], "inactive");
    {
        let w = app.fakes.world();
        assert!(w.up.is_empty() && w.rules.is_empty());
    }
    let actions = app.db_audit_actions().await;
    assert!(actions.contains(&"client.activate".into()) && actions.contains(&"client.deactivate".into()), "{actions:?}");
}

#[tokio::test]
async fn a_failed_probe_rolls_everything_back_and_says_why() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    app.fakes.world().probe_ok = false;
    let res = admin.post_empty(&format!("/api/clients/{id}/activate")).await;
    let body = assert_problem(res, 422, "activation_failed").await;
    assert!(body["detail"].as_str().unwrap().contains("No handshake"), "{body}");
    {
        let w = app.fakes.world();
        assert!(w.up.is_empty(), "interface rolled back");
        assert!(w.rules.is_empty(), "rules rolled back");
    }
    assert!(!app.fakes.ipv4_forwarding(), "forwarding restored to off (no other client needs it)");
    let persisted = app.dir.path().join("sysctl.d/99-peergate.conf");
    assert!(!persisted.exists(), "a failed activation left forwarding persisted for the next boot");
    let client = admin.json::<Value>(&format!("/api/clients/{id}")).await;
    assert_eq!(client["state"], "failed");
    assert!(client["last_error"].as_str().unwrap().contains("No handshake"));

    // With a handshake but no answer, the message says the tunnel is up and the probe host is not.
    app.fakes.world().handshake = peergate::db::now() - 3;
    let body = assert_problem(admin.post_empty(&format!("/api/clients/{id}/activate")).await, 422, "activation_failed").await;
    assert!(body["detail"].as_str().unwrap().contains("probe host 10.77.0.1 is unreachable"), "{body}");
}

#[tokio::test]
async fn an_endpoint_name_that_does_not_resolve_fails_fast_with_the_resolvers_words() {
    let (app, admin) = admin_app().await;
    let text = conf("10.77.0.0/24").replace("Endpoint = 192.0.2.10:51820", "Endpoint = no-such-host.invalid:51820");
    let res = admin.upload("site-a.conf", text, &[]).await;
    assert_eq!(res.status(), 201, "accepted with a warning: the name may resolve later");
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let started = std::time::Instant::now();
    let body = assert_problem(admin.post_empty(&format!("/api/clients/{id}/activate")).await, 422, "activation_failed").await;
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("The endpoint name `no-such-host.invalid` does not resolve from the gateway: "), "{detail}");
    assert!(
        detail.len() > "The endpoint name `no-such-host.invalid` does not resolve from the gateway: . ".len() + 10,
        "the resolver's own words: {detail}"
    );
    assert!(app.fakes.world().up.is_empty(), "wg-quick was never run");
}

#[tokio::test]
async fn a_half_made_interface_is_removed_at_once_when_wg_quick_fails() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    {
        let mut w = app.fakes.world();
        w.up_fails.insert("site-a".into(), "Temporary failure in name resolution".into());
        w.up_fails_half_made = true;
    }
    let body = assert_problem(admin.post_empty(&format!("/api/clients/{id}/activate")).await, 422, "activation_failed").await;
    assert!(body["detail"].as_str().unwrap().contains("Temporary failure in name resolution"), "{body}");
    assert!(app.fakes.world().up.is_empty(), "the half-made interface was left for the reconciler");
}

#[tokio::test]
async fn wg_quick_errors_reach_the_user() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    app.fakes.world().up_fails.insert("site-a".into(), "RTNETLINK answers: Operation not permitted".into());
    let body = assert_problem(admin.post_empty(&format!("/api/clients/{id}/activate")).await, 422, "activation_failed").await;
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("wg-quick up failed") && detail.contains("RTNETLINK answers: Operation not permitted"), "{detail}");
    assert!(app.fakes.world().rules.is_empty());
}

#[tokio::test]
async fn concurrent_operations_on_one_client_never_interleave() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    app.fakes.world().up_delay = Duration::from_millis(400);
    let mut tasks = tokio::task::JoinSet::new();
    for path in ["activate", "activate", "deactivate"] {
        let admin = admin.clone();
        tasks.spawn(async move { admin.post_empty(&format!("/api/clients/{id}/{path}")).await.status().as_u16() });
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut statuses = tasks.join_all().await;
    statuses.sort();
    assert_eq!(statuses, [200, 409, 409]);
}

#[tokio::test]
async fn deleting_an_active_client_deactivates_it_first() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    assert_eq!(admin.post_empty(&format!("/api/clients/{id}/activate")).await.status(), 200);
    let res = admin.delete(&format!("/api/clients/{id}")).await;
    assert_eq!(res.status(), 204);
    let w = app.fakes.world();
    assert!(w.up.is_empty() && w.rules.is_empty());
    assert_eq!(app.wg_files(), Vec::<String>::new());
}

#[tokio::test]
async fn the_reconciler_repairs_drift_and_restores_clients_after_a_reboot() {
    let (app, admin) = admin_app().await;
    let a = admin.create_client("site-a", "10.77.0.0/24").await;
    let _b = admin.create_client("site-b", "10.78.0.0/24").await;
    assert_eq!(admin.post_empty(&format!("/api/clients/{a}/activate")).await.status(), 200);

    // "Reboot": interfaces, rules and forwarding gone; an inactive client's interface left over.
    {
        let mut w = app.fakes.world();
        w.up.clear();
        w.rules.clear();
        w.base_ok = false;
        w.up.insert("site-b".into());
    }
    std::fs::write(app.fakes.proc_sys.join("net/ipv4/ip_forward"), "0\n").unwrap();
    let report = app.state.app.dataplane.reconciler.reconcile(&app.db).await.unwrap();
    assert!(!report.succeeded.is_empty(), "{report:?}");
    assert!(report.failed.is_empty(), "every repair works on an intact system: {report:?}");
    {
        let w = app.fakes.world();
        assert_eq!(w.up.iter().collect::<Vec<_>>(), ["site-a"], "active back, inactive torn down");
        assert_eq!(w.rules.iter().collect::<Vec<_>>(), ["site-a"]);
    }
    assert!(app.fakes.ipv4_forwarding());
    let report = app.state.app.dataplane.reconciler.reconcile(&app.db).await.unwrap();
    assert_eq!(report.attempted(), 0, "converged: nothing more to do: {report:?}");
    let actions = app.db_audit_actions().await;
    assert!(actions.iter().any(|a| a == "reconcile.bring_up"), "{actions:?}");
}

#[tokio::test]
async fn status_is_observed_stored_and_streamed() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    app.fakes.world().handshake = peergate::db::now() - 2;
    assert_eq!(admin.post_empty(&format!("/api/clients/{id}/activate")).await.status(), 200);

    let mut stream = admin.get("/api/events").await;
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    app.state.app.dataplane.monitor.observe_status(&app.db, 30).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    app.state.app.dataplane.monitor.observe_status(&app.db, 30).await.unwrap();
    // The stream starts with the snapshot of the statuses (none yet), then what changed.
    let mut seen = String::new();
    while !seen.contains("\"connected\":true") {
        let chunk =
            tokio::time::timeout(Duration::from_secs(5), stream.chunk()).await.expect("an event in time").unwrap().unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let snapshot = seen.split("\n\n").next().unwrap();
    assert!(snapshot.starts_with("event: status\ndata: {") && snapshot.ends_with("\"full\":true}"), "{seen}");

    let client = admin.json::<Value>(&format!("/api/clients/{id}")).await;
    let status = &client["status"];
    assert_eq!(status["connected"], true, "{client}");
    assert!(status["rx_bytes"].as_u64().unwrap() > 0);
    assert!(status["rx_rate"].as_f64().unwrap() > 0.0, "rate from two readings: {status}");
    assert!(!admin.json::<Value>(&format!("/api/clients/{id}/traffic")).await.as_array().unwrap().is_empty());

    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("peergate_client_rx_bytes{client=\"site-a\"}"), "{metrics}");
    assert!(metrics.contains("peergate_activation_duration_seconds_bucket"), "{metrics}");
    // The recorder is process-wide and other tests' servers set the same gauges: check presence.
    assert!(metrics.contains("peergate_clients{state=\"active\"}"), "{metrics}");
}

#[tokio::test]
async fn an_interface_taken_down_outside_peergate_is_reported_down_at_the_next_tick() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    app.fakes.world().handshake = peergate::db::now() - 2;
    assert_eq!(admin.post_empty(&format!("/api/clients/{id}/activate")).await.status(), 200);
    app.state.app.dataplane.monitor.observe_status(&app.db, 30).await.unwrap();
    assert_eq!(admin.json::<Value>(&format!("/api/clients/{id}")).await["status"]["connected"], true);

    // `ip link del site-a` by hand: the next tick says so, and when the reconciler repairs it.
    app.fakes.world().up.remove("site-a");
    let now = peergate::db::now();
    app.state.app.dataplane.monitor.observe_status(&app.db, 30).await.unwrap();
    let client = admin.json::<Value>(&format!("/api/clients/{id}")).await;
    let status = &client["status"];
    assert_eq!(status["interface_up"], false, "{client}");
    assert_eq!(status["connected"], false, "{client}");
    assert_eq!(status["rx_rate"].as_f64(), Some(0.0), "{client}");
    let repair_by = status["repair_by"].as_i64().unwrap();
    assert!((now + 29..=now + 32).contains(&repair_by), "{repair_by} vs {now}");
    assert_eq!(client["state"], "active", "the desired state is unchanged; the reconciler restores it");
}

#[tokio::test]
async fn system_metrics_and_pending_list_need_an_admin() {
    let (app, admin) = admin_app().await;
    let res = admin.upload("home.conf", conf("0.0.0.0/0"), &[]).await;
    assert_eq!(res.status(), 422);
    let pending = admin.json::<Value>("/api/clients/pending").await;
    assert_eq!(pending[0]["name"], "home", "{pending}");
    let sample = app.state.app.host.lock().unwrap().sample(peergate::db::now(), 1.0);
    assert!(sample.memory_total_bytes > 0);
    let metrics = admin.json::<Value>("/api/system/metrics").await;
    assert!(metrics["memory_total_bytes"].as_u64().unwrap() > 0, "{metrics}");
    assert!(!metrics["history"].as_array().unwrap().is_empty());
    let res = reqwest::Client::new().get(app.url("/api/system/metrics")).send().await.unwrap();
    assert_problem(res, 401, "unauthenticated").await;
    assert_problem(admin.post_empty("/api/clients/999/activate").await, 404, "not_found").await;
}

#[tokio::test]
async fn a_delete_during_an_activation_waits_its_turn_and_leaves_nothing_unmanaged() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    app.fakes.world().up_delay = Duration::from_millis(400);
    let activating = {
        let admin = admin.clone();
        tokio::spawn(async move { admin.post_empty(&format!("/api/clients/{id}/activate")).await.status() })
    };
    tokio::time::sleep(Duration::from_millis(10)).await;
    let body = assert_problem(admin.delete(&format!("/api/clients/{id}")).await, 409, "operation_in_progress").await;
    assert!(body["detail"].as_str().unwrap().contains("Another operation"), "{body}");
    assert_eq!(activating.await.unwrap(), 200);
    assert!(app.fakes.world().up.contains("site-a"), "the activation finished");
    // Now the delete goes through, down first: no interface without a row.
    assert_eq!(admin.delete(&format!("/api/clients/{id}")).await.status(), 204);
    assert!(app.fakes.world().up.is_empty() && app.fakes.world().rules.is_empty(), "nothing left up");
    assert_eq!(app.client_count().await, 0);
}

#[tokio::test]
async fn an_interface_peergate_brought_up_whose_row_is_gone_is_found_and_taken_down() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    assert_eq!(admin.post_empty(&format!("/api/clients/{id}/activate")).await.status(), 200);
    // The row vanishes behind peergate's back (a restored backup, a crash in the wrong place).
    sqlx::query("DELETE FROM clients").execute(&app.db.pool).await.unwrap();
    let reconciler = &app.state.app.dataplane.reconciler;
    let drift = reconciler.drift(&app.db).await.unwrap();
    assert!(
        drift.ops.iter().any(|op| *op == peergate_core::reconcile::ClientOp::TearDown("site-a".into())),
        "doctor and the reconciler see the orphan: {:?}",
        drift.ops
    );
    let report = reconciler.reconcile(&app.db).await.unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    assert!(app.fakes.world().up.is_empty(), "the orphan interface was taken down");
    assert_eq!(reconciler.drift(&app.db).await.unwrap().ops, vec![], "and forgotten");
}
