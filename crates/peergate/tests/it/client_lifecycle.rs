//! A client after its upload: the names people use and the interface derived from them, edits
//! with before/after in the audit log, this side's public key, the config download, and pending
//! uploads that remember why they wait and can be discarded.

use peergate_core::account::Role;
use serde_json::{Value, json};

use crate::support::fixtures::{PRIVATE_KEY, conf, conf_with};
use crate::support::{admin_app, assert_problem};

/// `wg pubkey` of the fixtures' `PRIVATE_KEY`.
pub(crate) const PUBLIC_KEY: &str = "pOCSkrZRwni5dyxWn1+puxPZBrRqtoyd+dwrRAn4ogk=";

#[tokio::test]
async fn names_people_use_become_valid_interface_names() {
    let (app, admin) = admin_app().await;
    let cases = [
        ("hq-router (1).conf", vec![], "hq-router (1)", "hq-router-1", "10.77.1.0/24"),
        ("branch-office-zurich-2.conf", vec![], "branch-office-zurich-2", "branch-office-z", "10.77.2.0/24"),
        ("x.conf", vec![("name", "Zürich")], "Zürich", "zurich", "10.77.3.0/24"),
        ("y.conf", vec![("name", "  Zürich  ")], "Zürich", "zurich-2", "10.77.4.0/24"),
        ("東京.conf", vec![], "東京", "dong-jing", "10.77.5.0/24"),
        ("z.conf", vec![("name", "Lab"), ("interface", "wg-lab")], "Lab", "wg-lab", "10.77.6.0/24"),
    ];
    for (file, fields, name, interface, subnet) in cases {
        let res = admin.upload(file, conf(subnet), &fields).await;
        let status = res.status();
        let client: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "{file}: {client}");
        assert_eq!((client["name"].as_str(), client["interface"].as_str()), (Some(name), Some(interface)), "{file}");
        assert!(app.wg_dir().join(format!("{interface}.conf")).exists(), "{interface}");
    }
    // The suggestion the upload form shows is what an upload would get now.
    let suggest: Value = admin.json("/api/clients/interface-name?name=Z%C3%BCrich").await;
    assert_eq!(suggest["interface"], "zurich-3");
    let suggest: Value = admin.json("/api/clients/interface-name?name=%21%21%21").await;
    assert_eq!(suggest["interface"], "site");
    let bad = admin.get("/api/clients/interface-name?name=a%E2%80%AEb").await;
    assert_problem(bad, 422, "validation_failed").await;
    let empty = admin.get("/api/clients/interface-name?name=").await;
    assert_problem(empty, 422, "validation_failed").await;
    let long = admin.upload("a.conf", conf("10.77.9.0/24"), &[("name", &"ä".repeat(65))]).await;
    let body = assert_problem(long, 422, "invalid_display_name").await;
    assert_eq!(body["errors"][0]["field"], "name", "{body}");
}

#[tokio::test]
async fn hostile_file_names_give_literal_interface_names() {
    let (app, admin) = admin_app().await;
    let cases = [
        ("sec1-g+.conf", "sec1-g"),
        ("a b.conf", "a-b"),
        ("$(reboot).conf", "reboot"),
        ("-rf.conf", "rf"),
        ("averyveryverylongname.conf", "averyveryverylo"),
        ("wg0;id.conf", "wg0-id"),
        ("..\\..\\etc\\passwd.conf", "passwd"),
        ("all.conf", "all-2"),
    ];
    for (i, (file, interface)) in cases.into_iter().enumerate() {
        let res = admin.upload(file, conf(&format!("10.92.{i}.0/24")), &[]).await;
        let client: Value = res.json().await.unwrap();
        assert_eq!(client["interface"], interface, "{file}: {client}");
    }
    let mut files = app.wg_files();
    files.sort();
    let mut expected: Vec<String> = cases.iter().map(|(_, i)| format!("{i}.conf")).collect();
    expected.sort();
    assert_eq!(files, expected);
}

#[tokio::test]
async fn uploads_with_the_same_name_at_once_get_distinct_interfaces() {
    let (app, admin) = admin_app().await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..6 {
        let admin = admin.clone();
        tasks.spawn(async move {
            let res = admin.upload("site.conf", conf(&format!("10.91.{i}.0/24")), &[("name", "Branch office")]).await;
            assert_eq!(res.status(), 201);
            res.json::<Value>().await.unwrap()["interface"].as_str().unwrap().to_string()
        });
    }
    let mut names = tasks.join_all().await;
    names.sort();
    assert_eq!(
        names,
        ["branch-office", "branch-office-2", "branch-office-3", "branch-office-4", "branch-office-5", "branch-office-6"]
    );
    assert_eq!(app.wg_files().len(), 6);
}

#[tokio::test]
async fn this_sides_public_key_is_shown_and_the_private_key_never() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    let detail: Value = admin.json(&format!("/api/clients/{id}")).await;
    assert_eq!(detail["public_key"], PUBLIC_KEY);
    let list: Value = admin.json("/api/clients").await;
    assert_eq!(list[0]["public_key"], PUBLIC_KEY);
    assert!(!list.to_string().contains(PRIVATE_KEY));

    // Clients stored before the key was kept get it from their file at the next start.
    sqlx::query("UPDATE clients SET public_key = NULL").execute(&app.db.pool).await.unwrap();
    let recovered = peergate::clients::recovery::recover(&app.state.app.gateway, &app.db, &app.data_dir()).await.unwrap();
    assert_eq!(recovered.public_keys_filled, ["site-a"]);
    let detail: Value = admin.json(&format!("/api/clients/{id}")).await;
    assert_eq!(detail["public_key"], PUBLIC_KEY);
}

#[tokio::test]
async fn name_notes_and_probe_host_edits_are_audited_with_before_and_after() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    let path = format!("/api/clients/{id}");
    let res = admin.patch(&path, &json!({ "name": "Zürich HQ", "notes": "NOC: +41 44 000 00 00\r\nrack 4" })).await;
    assert_eq!(res.status(), 200);
    let client: Value = res.json().await.unwrap();
    assert_eq!(client["name"], "Zürich HQ");
    assert_eq!(client["notes"], "NOC: +41 44 000 00 00\nrack 4");
    assert_eq!(client["interface"], "site-a", "renaming never renames the interface");
    assert_eq!(client["probe_host"], "10.77.0.1", "fields not sent stay");

    let (before, after): (String, String) =
        sqlx::query_as("SELECT before, after FROM audit_events WHERE action = 'client.update' ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let (before, after): (Value, Value) = (serde_json::from_str(&before).unwrap(), serde_json::from_str(&after).unwrap());
    assert_eq!((before["name"].as_str(), after["name"].as_str()), (Some("site-a"), Some("Zürich HQ")));
    assert_eq!((before["notes"].as_str(), after["notes"].as_str()), (Some(""), Some("NOC: +41 44 000 00 00\nrack 4")));

    // The same values again change nothing and record nothing.
    let updates = async || {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_events WHERE action = 'client.update'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
    };
    let count = updates().await;
    assert_eq!(admin.patch(&path, &json!({ "name": "Zürich HQ" })).await.status(), 200);
    assert_eq!(updates().await, count);

    // Refusals name the field and change nothing.
    let refusals = [
        (json!({}), "validation_failed", "name"),
        (json!({ "name": "" }), "invalid_display_name", "name"),
        (json!({ "name": "a\u{202E}b" }), "invalid_display_name", "name"),
        (json!({ "notes": "x".repeat(2001) }), "validation_failed", "notes"),
        (json!({ "notes": "\u{1b}[2J" }), "validation_failed", "notes"),
        (json!({ "probe_host": "10.78.0.1" }), "probe_host_outside_subnet", "probe_host"),
    ];
    for (body, code, field) in refusals {
        let problem = assert_problem(admin.patch(&path, &body).await, 422, code).await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    let unknown = admin.patch(&path, &json!({ "interface": "other" })).await;
    assert_eq!(unknown.status(), 422, "an unknown field is refused, not ignored");
    let detail: Value = admin.json(&path).await;
    assert_eq!((detail["name"].as_str(), detail["probe_host"].as_str()), (Some("Zürich HQ"), Some("10.77.0.1")));
    assert_eq!(updates().await, count);
    assert_problem(admin.patch("/api/clients/999", &json!({ "notes": "x" })).await, 404, "not_found").await;
}

#[tokio::test]
async fn concurrent_edits_of_different_fields_both_stand() {
    let (_app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    let path = format!("/api/clients/{id}");
    for round in 0..5 {
        let (name, notes) = (json!({ "name": format!("name {round}") }), json!({ "notes": format!("notes {round}") }));
        let (a, b) = tokio::join!(admin.patch(&path, &name), admin.patch(&path, &notes));
        assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
        let detail: Value = admin.json(&path).await;
        assert_eq!(
            (detail["name"].as_str(), detail["notes"].as_str()),
            (Some(&*format!("name {round}")), Some(&*format!("notes {round}")))
        );
    }
}

#[tokio::test]
async fn the_config_downloads_with_or_without_keys_admin_only_and_audited() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    let path = format!("/api/clients/{id}/export");

    let res = admin.post(&path, &json!({ "include_keys": true })).await;
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert_eq!(headers["content-disposition"], "attachment; filename=\"site-a.conf\"");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = res.text().await.unwrap();
    assert_eq!(text, std::fs::read_to_string(app.wg_dir().join("site-a.conf")).unwrap(), "the file as written");

    let redacted = admin.post(&path, &json!({ "include_keys": false })).await.text().await.unwrap();
    assert!(!redacted.contains(PRIVATE_KEY), "{redacted}");
    assert!(redacted.contains("PrivateKey = (redacted)"), "{redacted}");
    assert!(redacted.contains("AllowedIPs = 10.77.0.0/24"), "{redacted}");

    let exports: Vec<String> = sqlx::query_scalar("SELECT after FROM audit_events WHERE action = 'client.export' ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(exports, [r#"{"include_keys":true}"#, r#"{"include_keys":false}"#]);

    // An operator, a missing body, an unknown client: refused, and nothing recorded.
    app.create_user("op", Role::Operator).await;
    let op = app.caller(&app.token("op", None).await);
    assert_problem(op.post(&path, &json!({ "include_keys": true })).await, 403, "forbidden").await;
    assert_eq!(admin.post(&path, &json!({})).await.status(), 422);
    assert_problem(admin.post("/api/clients/999/export", &json!({ "include_keys": true })).await, 404, "not_found").await;
    // A session caller needs the CSRF token: a download with the key is a recorded action.
    app.login("admin").await;
    let res = app.client.post(app.url(&path)).json(&json!({ "include_keys": true })).send().await.unwrap();
    assert_problem(res, 403, "csrf_failed").await;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'client.export'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 2);
}

#[tokio::test]
async fn pending_uploads_remember_why_they_wait_and_can_be_discarded() {
    let (app, admin) = admin_app().await;
    let res = admin
        .upload("home.conf", conf_with("0.0.0.0/0", "DNS = 1.1.1.1"), &[("name", "Home office"), ("interface", "home1")])
        .await;
    let problem = assert_problem(res, 422, "needs_subnet").await;
    let id = problem["pending_id"].as_str().unwrap().to_string();

    let pending: Value = admin.json("/api/clients/pending").await;
    let held = &pending[0];
    assert_eq!(held["name"], "Home office");
    assert_eq!(held["interface"], "home1");
    assert_eq!(held["reason"], "full_tunnel");
    assert_eq!(held["message"], problem["detail"]);
    assert_eq!(held["lines"], problem["lines"]);
    assert_eq!(held["warnings"][0]["code"], "dns_dropped", "{held}");
    assert!(held["created_at"].as_i64().unwrap() > 0);

    // Another admin cannot see or discard it.
    app.create_user("other", Role::Admin).await;
    let other = app.caller(&app.token("other", None).await);
    assert_problem(other.delete(&format!("/api/clients/pending/{id}")).await, 404, "not_found").await;
    assert_eq!(other.json::<Value>("/api/clients/pending").await, json!([]));
    assert_problem(admin.delete("/api/clients/pending/..%2F..%2Fetc%2Fpasswd").await, 404, "not_found").await;

    let file = app.data_dir().join("pending").join(format!("{id}.conf"));
    assert!(file.exists());
    assert_eq!(admin.delete(&format!("/api/clients/pending/{id}")).await.status(), 204);
    assert!(!file.exists(), "the held file, with its private key, goes too");
    assert_eq!(admin.json::<Value>("/api/clients/pending").await, json!([]));
    assert_problem(admin.delete(&format!("/api/clients/pending/{id}")).await, 404, "not_found").await;
    let complete = admin.post(&format!("/api/clients/pending/{id}/subnet"), &json!({ "subnet": "10.77.0.0/24" })).await;
    assert_problem(complete, 404, "not_found").await;
    assert!(app.db_audit_actions().await.contains(&"client.pending_discard".to_string()));
}

#[tokio::test]
async fn a_completed_upload_keeps_the_names_given_or_takes_new_ones() {
    let (_app, admin) = admin_app().await;
    let hold = async |name: &str| {
        let res = admin.upload("home.conf", conf("0.0.0.0/0"), &[("name", name)]).await;
        assert_problem(res, 422, "needs_subnet").await["pending_id"].as_str().unwrap().to_string()
    };
    let first = hold("Home office").await;
    let res = admin.post(&format!("/api/clients/pending/{first}/subnet"), &json!({ "subnet": "10.77.0.0/24" })).await;
    let client: Value = res.json().await.unwrap();
    assert_eq!((client["name"].as_str(), client["interface"].as_str()), (Some("Home office"), Some("home-office")));

    let second = hold("Home office").await;
    let body = json!({ "subnet": "10.78.0.0/24", "name": "Lab", "interface": "home-office" });
    let res = admin.post(&format!("/api/clients/pending/{second}/subnet"), &body).await;
    assert_problem(res, 409, "name_taken").await;
    let body = json!({ "subnet": "10.78.0.0/24", "name": "Lab" });
    let client: Value = admin.post(&format!("/api/clients/pending/{second}/subnet"), &body).await.json().await.unwrap();
    assert_eq!((client["name"].as_str(), client["interface"].as_str()), (Some("Lab"), Some("lab")));
}

#[tokio::test]
async fn a_utf16_file_from_notepad_is_accepted_and_latin1_says_how_to_fix_it() {
    let (app, admin) = admin_app().await;
    let utf16 =
        |text: String| -> Vec<u8> { [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect() };
    let res = admin.upload("Notepad.conf", utf16(conf("10.77.0.0/24")), &[]).await;
    assert_eq!(res.status(), 201);
    let written = std::fs::read_to_string(app.wg_dir().join("notepad.conf")).unwrap();
    assert!(written.contains("AllowedIPs = 10.77.0.0/24"), "rendered as UTF-8: {written}");

    // Held for its subnet, the decoded text waits and completes.
    let res = admin.upload("Home.conf", utf16(conf("0.0.0.0/0")), &[]).await;
    let id = assert_problem(res, 422, "needs_subnet").await["pending_id"].as_str().unwrap().to_string();
    let res = admin.post(&format!("/api/clients/pending/{id}/subnet"), &json!({ "subnet": "10.78.0.0/24" })).await;
    assert_eq!(res.status(), 201);

    let latin1 = conf("10.79.0.0/24").replace("[Peer]", "# café\n[Peer]").replace('é', "\u{0}");
    let latin1: Vec<u8> = latin1.bytes().map(|b| if b == 0 { 0xE9 } else { b }).collect();
    let body = assert_problem(admin.upload("x.conf", latin1, &[]).await, 422, "not_text").await;
    assert!(body["detail"].as_str().unwrap().contains("save it as UTF-8"), "{body}");
}

#[tokio::test]
async fn an_upload_that_repeats_a_clients_keys_is_accepted_with_a_warning() {
    let (_app, admin) = admin_app().await;
    let codes = |client: &Value| -> Vec<String> {
        client["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap().to_string()).collect()
    };
    let first: Value = admin.upload("a.conf", conf("10.77.0.0/24"), &[]).await.json().await.unwrap();
    assert_eq!(codes(&first), Vec::<String>::new());
    // The same file again (another subnet so it is not an overlap): the same key towards the same peer.
    let again: Value = admin.upload("a.conf", conf("10.78.0.0/24"), &[]).await.json().await.unwrap();
    assert_eq!(codes(&again), ["duplicate_tunnel"]);
    assert!(again["warnings"][0]["message"].as_str().unwrap().contains("`a` (a)"), "{again}");
    // Another private key, the same peer.
    let other_key = conf("10.79.0.0/24").replace(PRIVATE_KEY, "CAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg=");
    let peer: Value = admin.upload("b.conf", other_key, &[]).await.json().await.unwrap();
    assert_eq!(codes(&peer), ["duplicate_peer", "duplicate_peer"]);
}

/// Sends a replacement file for client `id`.
#[tokio::test]
async fn daily_traffic_adds_up_readings_across_restarts_and_is_bounded() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    app.fakes.world().handshake = peergate::db::now() - 2;
    assert_eq!(admin.post_empty(&format!("/api/clients/{id}/activate")).await.status(), 200);
    let today = peergate::db::traffic::day_of(peergate::db::now());
    let ancient = today - 100 * 86_400;
    sqlx::query("INSERT INTO traffic_daily (client_id, day, rx_bytes, tx_bytes) VALUES ($1, $2, 5, 5)")
        .bind(id)
        .bind(ancient)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let monitor = &app.state.app.dataplane.monitor;
    // The fake's counters grow by 1000 (rx) and 500 (tx) per reading.
    for _ in 0..3 {
        monitor.observe_status(&app.db, 30).await.unwrap();
    }
    // A restart: the process forgets its counters; the stored status carries on.
    monitor.forget(peergate::db::clients::ClientId(id));
    monitor.observe_status(&app.db, 30).await.unwrap();

    let week: Vec<Value> = admin.json(&format!("/api/clients/{id}/traffic/daily?days=7")).await;
    assert_eq!(week.len(), 7);
    assert_eq!(week[6]["day"], today);
    let (rx, tx) = (week[6]["rx_bytes"].as_i64().unwrap(), week[6]["tx_bytes"].as_i64().unwrap());
    let first = app.fakes.world().rx as i64 - 3000; // what the first reading saw, whatever ran before
    assert_eq!((rx, tx), (first + 3000, (first + 3000) / 2), "{week:?}");
    assert!(week[..6].iter().all(|d| d["rx_bytes"] == 0), "{week:?}");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM traffic_daily WHERE day = $1")
        .bind(ancient)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(kept, 0, "days beyond the retention are purged");

    assert_eq!(admin.json::<Vec<Value>>(&format!("/api/clients/{id}/traffic/daily")).await.len(), 30);
    for bad in ["0", "91", "x"] {
        let res = admin.get(&format!("/api/clients/{id}/traffic/daily?days={bad}")).await;
        assert!(matches!(res.status().as_u16(), 400 | 422), "{bad}: {}", res.status());
    }
    assert_problem(admin.get("/api/clients/999/traffic/daily").await, 404, "not_found").await;
}
