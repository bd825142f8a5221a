//! `TestApp`: a real peergate server on an ephemeral port with its own database — a temporary
//! SQLite file, or a fresh PostgreSQL database when `PEERGATE_TEST_POSTGRES_URL` points at a server
//! (`make test` runs the suite both ways).

use std::net::SocketAddr;
use std::path::PathBuf;

use peergate::config::Config;
use peergate::db::{self, Db, users};
use peergate_core::account::{Role, Username};
use reqwest::header::HeaderMap;
use serde_json::Value;
use tokio::sync::oneshot;

mod caller;
pub mod fixtures;

pub use caller::Caller;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    pub database_url: String,
    pub dir: tempfile::TempDir,
    /// Keeps cookies, like a browser.
    pub client: reqwest::Client,
    /// The fake OS the server drives (interfaces, rules, forwarding, ping answers).
    pub fakes: crate::fakes::Fakes,
    /// The server's shared state (to run a reconcile pass on demand, say).
    pub state: peergate::http::AppState,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// A database URL for one test: SQLite in `dir`, or a new database on the test PostgreSQL server.
pub async fn fresh_database_url(dir: &std::path::Path) -> String {
    match std::env::var("PEERGATE_TEST_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("peergate_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Db::connect(&admin_url).await.expect("test PostgreSQL server reachable");
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&admin.pool)
                .await
                .expect("create test database");
            admin.pool.close().await;
            let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap_or(&admin_url);
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}?mode=rwc", dir.join("peergate.db").display()),
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database_url(dir.path()).await;
        let mut config = Config {
            data_dir: dir.path().join("data"),
            wg_dir: dir.path().join("wireguard"),
            database_url: Some(peergate::config::Secret::new(database_url.clone())),
            // A fixed LAN, so tests do not depend on this machine's routes.
            lan_address: Some("10.201.0.1/24".into()),
            ..Config::default()
        };
        adjust(&mut config);
        let fakes = crate::fakes::Fakes::new(dir.path());
        let sysctl_file = dir.path().join("sysctl.d/99-peergate.conf");
        let backends_fakes = fakes.clone();
        let state = peergate::server::state_with(config, move |_, _| backends_fakes.backends(&sysctl_file)).await.expect("state");
        let app_state = state.clone();
        let db = state.app.db.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(peergate::server::serve_on(listener, state, async move {
            let _ = rx.await;
        }));
        let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
        TestApp { addr, db, database_url, dir, client, fakes, state: app_state, shutdown: Some(tx), server: Some(server) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Creates a user directly in the database.
    pub async fn create_user(&self, name: &str, role: Role) {
        let hash = peergate::credentials::hash_password(PASSWORD).unwrap();
        let mut conn = self.db.pool.acquire().await.unwrap();
        users::create(&mut conn, &Username::parse(name).unwrap(), &hash, role).await.unwrap();
    }

    /// Signs in through the API; returns the session's CSRF token.
    pub async fn login(&self, name: &str) -> String {
        let res = self.post_json("/api/auth/login", &serde_json::json!({"username": name, "password": PASSWORD})).await;
        assert_eq!(res.status(), 200, "login of {name}");
        let body: Value = res.json().await.unwrap();
        body["csrf_token"].as_str().unwrap().to_string()
    }

    /// Creates an API token for a user directly in the database; returns its secret.
    pub async fn token(&self, name: &str, expires_at: Option<i64>) -> String {
        let user = users::find_by_username(&self.db, name).await.unwrap().unwrap();
        let secret = peergate::credentials::new_api_token();
        let mut conn = self.db.pool.acquire().await.unwrap();
        let digest = peergate::credentials::digest(&secret);
        peergate::db::tokens::create(&mut conn, user.id, "test", &digest, expires_at).await.unwrap();
        secret
    }

    /// A caller with this bearer token.
    pub fn caller(&self, token: &str) -> Caller {
        Caller::new(format!("http://{}", self.addr), token.to_string())
    }

    /// The admin `admin` (created on first use) calling with an API token.
    pub async fn as_admin(&self) -> Caller {
        if users::find_by_username(&self.db, "admin").await.unwrap().is_none() {
            self.create_user("admin", Role::Admin).await;
        }
        self.caller(&self.token("admin", None).await)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client.post(self.url(path)).json(body).send().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
    }

    /// Audit actions, oldest first.
    pub async fn db_audit_actions(&self) -> Vec<String> {
        sqlx::query_scalar("SELECT action FROM audit_events ORDER BY id").fetch_all(&self.db.pool).await.unwrap()
    }

    pub fn wg_dir(&self) -> PathBuf {
        self.dir.path().join("wireguard")
    }

    /// File names in the WireGuard directory (hidden temporary files included).
    pub fn wg_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.wg_dir())
            .map(|d| d.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    pub async fn client_count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM clients").fetch_one(&self.db.pool).await.unwrap()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

/// A fresh server and its admin.
pub async fn admin_app() -> (TestApp, Caller) {
    let app = TestApp::spawn().await;
    let admin = app.as_admin().await;
    (app, admin)
}

/// Asserts a problem+json answer and returns its body.
pub async fn assert_problem(res: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status(), status, "status");
    let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string());
    assert_eq!(ct.as_deref(), Some("application/problem+json"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status);
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{body}");
    body
}

pub fn header(headers: &HeaderMap, name: &str) -> String {
    headers.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

pub fn now() -> i64 {
    db::now()
}
