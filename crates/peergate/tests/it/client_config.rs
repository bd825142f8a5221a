//! Changing what a client's tunnel is made of: a new file (also under a running tunnel), its
//! subnets (applied in place on a running tunnel), multi-peer configs, and every problem of a
//! refused file reported at once.

use serde_json::{Value, json};

use crate::client_lifecycle::PUBLIC_KEY;
use crate::support::fixtures::{PRIVATE_KEY, conf, conf_with};
use crate::support::{admin_app, assert_problem};

async fn replace(app: &crate::support::TestApp, id: i64, text: String, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut form =
        reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(text.into_bytes()).file_name("new.conf"));
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    let token = app.token("admin", None).await;
    reqwest::Client::new()
        .post(app.url(&format!("/api/clients/{id}/config")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_new_config_replaces_the_old_keeping_names_notes_and_history() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    let path = format!("/api/clients/{id}");
    admin.patch(&path, &json!({ "name": "HQ", "notes": "keys rotate yearly", "probe_host": "10.77.0.9" })).await;
    let file = app.wg_dir().join("site-a.conf");
    let old_text = std::fs::read_to_string(&file).unwrap();

    // The remote site rotated its key and moved its endpoint.
    let rotated = conf("10.77.0.0/24")
        .replace(PRIVATE_KEY, "CAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg=")
        .replace("192.0.2.10:51820", "192.0.2.20:51821");
    let res = replace(&app, id, rotated, &[]).await;
    assert_eq!(res.status(), 200);
    let client: Value = res.json().await.unwrap();
    assert_eq!(
        (client["id"].as_i64(), client["name"].as_str(), client["interface"].as_str()),
        (Some(id), Some("HQ"), Some("site-a"))
    );
    assert_eq!(client["notes"], "keys rotate yearly");
    assert_eq!(client["probe_host"], "10.77.0.9", "the probe host stays inside the same subnet");
    assert_eq!(client["endpoint"], "192.0.2.20:51821");
    assert_ne!(client["public_key"], PUBLIC_KEY, "this side's key is the new one");
    let new_text = std::fs::read_to_string(&file).unwrap();
    assert!(new_text.contains("CAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg=") && new_text != old_text);
    assert!(app.db_audit_actions().await.contains(&"client.replace".to_string()));

    // A full-tunnel replacement keeps the client's subnets; a refused one changes nothing.
    let res = replace(&app, id, conf("0.0.0.0/0"), &[]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["subnets"], json!(["10.77.0.0/24"]));
    let before = std::fs::read_to_string(&file).unwrap();
    let res = replace(&app, id, conf_with("10.77.0.0/24", "PostUp = id"), &[]).await;
    assert_problem(res, 422, "hook_refused").await;
    let res = replace(&app, id, conf("10.77.0.0/24"), &[("name", "x")]).await;
    assert_problem(res, 422, "validation_failed").await;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before, "nothing half-applied");

    // Another client's subnet is still an overlap; this client's own is not.
    let other = admin.create_client("site-b", "10.78.0.0/24").await;
    assert_problem(replace(&app, other, conf("10.77.0.0/24"), &[]).await, 422, "subnet_overlap").await;
    assert_problem(replace(&app, 999, conf("10.77.0.0/24"), &[]).await, 404, "not_found").await;
}

#[tokio::test]
async fn a_multi_peer_config_shows_each_peer_and_one_route_script() {
    use crate::support::fixtures::{PEER_KEY, PRIVATE_KEY};
    use peergate_core::status::ObservedPeer;
    let (app, admin) = crate::support::admin_app().await;
    const SECOND: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    let text = format!(
        "[Interface]\nPrivateKey = {PRIVATE_KEY}\nAddress = 10.204.0.2/32\n\n\
         [Peer]\nPublicKey = {PEER_KEY}\nAllowedIPs = 10.77.0.0/24, 10.77.0.9/32\nEndpoint = 192.0.2.10:51820\n\n\
         [Peer]\nPublicKey = {SECOND}\nAllowedIPs = 10.78.0.0/24\nEndpoint = 192.0.2.11:51820\n"
    );
    let res = admin.upload("router-export.conf", text, &[]).await;
    assert_eq!(res.status(), 201);
    let client: Value = res.json().await.unwrap();
    let id = client["id"].as_i64().unwrap();
    let now = peergate::db::now();
    app.fakes.world().handshake = now - 5;
    app.fakes.world().more_peers = vec![ObservedPeer {
        public_key: SECOND.into(),
        endpoint: Some("192.0.2.11:51820".into()),
        latest_handshake: 0,
        rx_bytes: 0,
        tx_bytes: 0,
    }];
    assert_eq!(admin.post_empty(&format!("/api/clients/{id}/activate")).await.status(), 200);
    app.state.app.dataplane.monitor.observe_status(&app.db, 30).await.unwrap();

    let detail: Value = admin.json(&format!("/api/clients/{id}")).await;
    let peers = detail["status"]["peers"].as_array().unwrap();
    assert_eq!(peers.len(), 2, "{detail}");
    assert_eq!(peers[0]["connected"], true);
    assert_eq!(peers[1]["public_key"], SECOND);
    assert_eq!(peers[1]["connected"], false, "the second site never shook hands: visible, not hidden by the first");
    assert_eq!(peers[1]["latest_handshake"], 0);
    let configured = detail["peers"].as_array().unwrap();
    assert_eq!(configured[0]["allowed_ips"], json!(["10.77.0.0/24", "10.77.0.9/32"]));
    assert_eq!(configured[1]["endpoint"], "192.0.2.11:51820");
    // The /32 inside the /24 is routed once; both subnets are in one script per platform.
    assert_eq!(detail["subnets"], json!(["10.77.0.0/24", "10.78.0.0/24"]));
    assert_eq!(
        detail["route_script"]["linux"],
        "ip route add 10.77.0.0/24 via 10.201.0.1\nip route add 10.78.0.0/24 via 10.201.0.1"
    );

    // A single-peer client's status carries no per-peer list (its reading is the client's).
    app.fakes.world().more_peers.clear();
    app.state.app.dataplane.monitor.observe_status(&app.db, 30).await.unwrap();
    let detail: Value = admin.json(&format!("/api/clients/{id}")).await;
    assert!(detail["status"].get("peers").is_none(), "{}", detail["status"]);
}

#[tokio::test]
async fn an_active_client_moves_to_a_replaced_config_or_keeps_the_old_one() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    app.fakes.world().handshake = peergate::db::now() - 2;
    assert_eq!(admin.post_empty(&format!("/api/clients/{id}/activate")).await.status(), 200);
    let file = app.wg_dir().join("site-a.conf");

    // The remote site moved its endpoint: the running tunnel is brought over to the new file.
    let moved = conf("10.77.0.0/24").replace("192.0.2.10:51820", "192.0.2.77:51820");
    let res = replace(&app, id, moved, &[]).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["state"], "active", "{body}");
    assert_eq!(body["endpoint"], "192.0.2.77:51820");
    assert!(app.fakes.world().up.contains("site-a") && app.fakes.world().rules.contains("site-a"));
    assert!(std::fs::read_to_string(&file).unwrap().contains("192.0.2.77"));

    // A new file that does not come up: the old one is back, and running.
    app.fakes.world().next_up_fails = Some("RTNETLINK answers: Address already in use".into());
    let broken = conf("10.77.0.0/24").replace("192.0.2.10:51820", "192.0.2.99:51820");
    let problem = assert_problem(replace(&app, id, broken, &[]).await, 422, "replace_not_applied").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("Address already in use") && detail.contains("previous config is back and running"), "{detail}");
    assert!(std::fs::read_to_string(&file).unwrap().contains("192.0.2.77"), "the previous file is back");
    let client: Value = admin.json(&format!("/api/clients/{id}")).await;
    assert_eq!(client["state"], "active");
    assert_eq!(client["endpoint"], "192.0.2.77:51820");
    assert!(app.fakes.world().up.contains("site-a") && app.fakes.world().rules.contains("site-a"));
    let actions = app.db_audit_actions().await;
    assert!(actions.ends_with(&["client.replace".into(), "client.replace_undone".into()]), "{actions:?}");
}

#[tokio::test]
async fn subnets_change_on_a_running_tunnel_without_a_restart() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    admin.create_client("site-b", "10.78.0.0/24").await;
    app.fakes.world().handshake = peergate::db::now() - 2;
    assert_eq!(admin.post_empty(&format!("/api/clients/{id}/activate")).await.status(), 200);
    let path = format!("/api/clients/{id}");

    let res = admin.patch(&path, &json!({"subnet": "10.77.0.0/24, 10.79.0.0/24", "notes": "two sites now"})).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["subnets"], json!(["10.77.0.0/24", "10.79.0.0/24"]), "{body}");
    assert_eq!(body["notes"], "two sites now");
    assert_eq!(body["state"], "active");
    {
        let w = app.fakes.world();
        assert_eq!(w.restarts_avoided, 1, "changed in place");
        let key = format!("site-a {}", crate::support::fixtures::PEER_KEY);
        assert_eq!(w.allowed_ips[&key].iter().map(ToString::to_string).collect::<Vec<_>>(), ["10.77.0.0/24", "10.79.0.0/24"]);
        assert!(w.up.contains("site-a"));
    }
    let text = std::fs::read_to_string(app.wg_dir().join("site-a.conf")).unwrap();
    assert!(text.contains("AllowedIPs = 10.77.0.0/24, 10.79.0.0/24"), "{text}");

    // The same policy as an upload: another client's subnet, a full tunnel, junk.
    for (subnet, code) in [("10.78.0.0/24", "subnet_overlap"), ("0.0.0.0/0", "invalid_subnet"), ("banana", "invalid_subnet")] {
        let problem = assert_problem(admin.patch(&path, &json!({"subnet": subnet})).await, 422, code).await;
        assert_eq!(problem["errors"][0]["field"], "subnet", "{subnet}: {problem}");
    }
    // The probe host must fall inside; it moves into the new subnets when it no longer does.
    let body: Value = admin.patch(&path, &json!({"subnet": "10.79.0.0/24"})).await.json().await.unwrap();
    assert_eq!(body["probe_host"], "10.79.0.1", "{body}");

    // A running tunnel that refuses: file and row are put back.
    app.fakes.world().set_fails = Some("Unable to modify interface: Operation not permitted".into());
    let problem = assert_problem(admin.patch(&path, &json!({"subnet": "10.80.0.0/24"})).await, 422, "subnets_not_applied").await;
    assert!(problem["detail"].as_str().unwrap().contains("the previous subnets are back"), "{problem}");
    let client: Value = admin.json(&path).await;
    assert_eq!(client["subnets"], json!(["10.79.0.0/24"]));
    assert!(std::fs::read_to_string(app.wg_dir().join("site-a.conf")).unwrap().contains("AllowedIPs = 10.79.0.0/24"));
    let actions = app.db_audit_actions().await;
    assert!(
        actions.iter().any(|a| a == "client.subnets")
            && actions.ends_with(&["client.subnets".into(), "client.subnets_undone".into()])
    );
}

#[tokio::test]
async fn a_multi_peer_config_changes_its_subnets_through_a_new_file() {
    use crate::support::fixtures::PEER_KEY;
    let (_app, admin) = admin_app().await;
    let text = format!(
        "[Interface]\nPrivateKey = {PRIVATE_KEY}\nAddress = 10.204.0.2/32\n\n\
         [Peer]\nPublicKey = {PEER_KEY}\nAllowedIPs = 10.77.0.0/24\nEndpoint = 192.0.2.10:51820\n\n\
         [Peer]\nPublicKey = AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\nAllowedIPs = 10.78.0.0/24\nEndpoint = 192.0.2.11:51820\n"
    );
    let client: Value = admin.upload("router.conf", text, &[]).await.json().await.unwrap();
    let res = admin.patch(&format!("/api/clients/{}", client["id"]), &json!({"subnet": "10.79.0.0/24"})).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert!(problem["detail"].as_str().unwrap().contains("2 peers"), "{problem}");
}

#[tokio::test]
async fn every_problem_of_a_file_is_reported_in_one_answer() {
    let (app, admin) = admin_app().await;
    let refused = conf_with("10.77.0.0/24", "Table = off\nPostUp = iptables -F\nListenPort = 80");
    let problem = assert_problem(admin.upload("site.conf", refused, &[]).await, 422, "table_refused").await;
    let lines: Vec<(String, i64)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_string(), e["line"].as_i64().unwrap()))
        .collect();
    assert_eq!(lines, [("file".to_string(), 5), ("file".into(), 6), ("file".into(), 7)], "{problem}");
    assert!(problem["detail"].as_str().unwrap().starts_with("3 problems in this file"), "{problem}");

    let unreadable = conf("10.77.0.0/24").replace("Address = 10.204.0.2/32", "Address = 10.204.0.2/32\nMTU = lots\nJc = 4");
    let problem = assert_problem(admin.upload("site.conf", unreadable, &[]).await, 422, "parse_error").await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2, "{problem}");
    assert_eq!(app.client_count().await, 0);
}
