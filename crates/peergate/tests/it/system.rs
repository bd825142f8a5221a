//! Operational endpoints, error shapes for unknown routes, security headers, request ids, OpenAPI.

use peergate_core::account::Role;
use serde_json::Value;

use crate::support::{TestApp, assert_problem, header};

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "ok");
    assert_eq!(app.get("/readyz").await.status(), 200);
    let _ = app.get("/api/definitely-not-here").await;

    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains(r#"http_requests_total{method="GET",route="/healthz",status="200"}"#), "{metrics}");
    assert!(metrics.contains(r#"route="unmatched",status="404""#), "unknown paths share one label: {metrics}");
    assert!(metrics.contains("http_request_duration_seconds_bucket{"), "latency is a histogram");
    assert!(metrics.contains("process_resident_memory_bytes"), "process metrics");

    // Readiness reflects the database.
    app.db.pool.close().await;
    assert_problem(app.get("/readyz").await, 503, "database_unavailable").await;
}

#[tokio::test]
async fn invented_methods_do_not_become_metric_series() {
    let app = TestApp::spawn().await;
    for i in 0..200 {
        let method = reqwest::Method::from_bytes(format!("X{i:05}FLOOD").as_bytes()).unwrap();
        let _ = app.client.request(method, app.url("/healthz")).send().await.unwrap();
    }
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(!metrics.contains("FLOOD"), "a raw method reached a label");
    assert!(metrics.contains(r#"method="other""#), "invented methods share one label");
    // The recorder is shared by every test server in this process, so other tests add series
    // too; what matters is that each one's method is from the closed set.
    let closed = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"].map(|m| format!("method=\"{m}\""));
    let open: Vec<&str> = metrics
        .lines()
        .filter(|l| l.starts_with("http_") && l.contains("method=") && !closed.iter().any(|m| l.contains(m)))
        .collect();
    assert_eq!(open, Vec::<&str>::new(), "series with a method outside the closed set");
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems_and_other_paths_reach_the_ui() {
    let app = TestApp::spawn().await;
    assert_problem(app.get("/api/nope").await, 404, "not_found").await;
    let res = app.client.delete(app.url("/healthz")).send().await.unwrap();
    assert_problem(res, 405, "method_not_allowed").await;
    // A client-side route is answered by the UI (index.html, or a clear message when not built).
    let res = app.get("/clients/42").await;
    assert!(matches!(res.status().as_u16(), 200 | 503), "{}", res.status());
}

#[tokio::test]
async fn security_headers_and_request_ids() {
    let app = TestApp::spawn().await;
    let res = app.client.get(app.url("/healthz")).header("x-request-id", "abc-123").send().await.unwrap();
    let h = res.headers();
    assert_eq!(header(h, "x-request-id"), "abc-123");
    assert!(header(h, "content-security-policy").contains("frame-ancestors 'none'"));
    assert!(header(h, "content-security-policy").contains("script-src 'self'"));
    assert_eq!(header(h, "x-content-type-options"), "nosniff");
    assert_eq!(header(h, "x-frame-options"), "DENY");

    // A hostile request id is replaced, not echoed into logs and headers.
    let res = app.client.get(app.url("/healthz")).header("x-request-id", "a\"b c{}").send().await.unwrap();
    let id = header(res.headers(), "x-request-id");
    assert_eq!(id.len(), 36, "{id}");
}

#[tokio::test]
async fn openapi_document_lists_the_endpoints() {
    let app = TestApp::spawn().await;
    app.create_user("admin", Role::Admin).await;
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    for path in ["/api/auth/login", "/api/auth/logout", "/api/auth/me", "/api/audit", "/healthz", "/readyz", "/metrics"] {
        assert!(doc["paths"][path].is_object(), "{path} missing from the OpenAPI document");
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn problems_carry_the_request_id() {
    let app = TestApp::spawn().await;
    let res = app.client.get(app.url("/api/nope")).header("x-request-id", "req-problem-1").send().await.unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["request_id"], "req-problem-1");
    assert_eq!(body["type"], "urn:peergate:problem:not_found");
}

/// The web UI's types are generated from `web/openapi.json`: it must be what the server serves.
/// `PEERGATE_UPDATE_OPENAPI=1 cargo test -p peergate --test it openapi` rewrites it.
#[tokio::test]
async fn committed_openapi_document_matches_the_server() {
    let app = TestApp::spawn().await;
    let served: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/openapi.json");
    let pretty = serde_json::to_string_pretty(&served).unwrap() + "\n";
    if std::env::var_os("PEERGATE_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &pretty).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == pretty,
        "web/openapi.json differs from the server's document: run `PEERGATE_UPDATE_OPENAPI=1 cargo test -p peergate --test it openapi` and commit it"
    );
}

#[tokio::test]
async fn requests_for_other_host_names_are_refused_so_dns_rebinding_gets_nothing() {
    let app = TestApp::spawn_with(|c| c.allowed_hosts = Some("gw.lan".into())).await;
    let with_host = |host: &str| app.client.get(app.url("/api/auth/me")).header("host", host).send();
    let body = assert_problem(with_host("rebind.attacker.example").await.unwrap(), 421, "misdirected_request").await;
    assert!(body["detail"].as_str().unwrap().contains("PEERGATE_ALLOWED_HOSTS"), "{body}");
    let ui = app.client.get(app.url("/")).header("host", "rebind.attacker.example:8080").send().await.unwrap();
    assert_eq!(ui.status(), 421, "the UI is not served to a rebound name either");
    for ok in ["gw.lan", "GW.LAN:8080", "localhost", "127.0.0.1:1", "[::1]:8080"] {
        assert_eq!(with_host(ok).await.unwrap().status(), 401, "{ok} reaches the API (and is asked to log in)");
    }
}

#[tokio::test]
async fn a_database_file_deleted_under_the_server_makes_it_unready_and_refuses_writes() {
    let (app, admin) = crate::support::admin_app().await;
    if app.db.backend != peergate::db::Backend::Sqlite {
        // A PostgreSQL server has no file to lose; readiness is its round trip.
        assert_eq!(app.get("/readyz").await.status(), 200);
        return;
    }
    assert_eq!(app.get("/readyz").await.status(), 200);
    let file = app.dir.path().join("peergate.db");
    std::fs::rename(&file, app.dir.path().join("peergate.db.moved")).unwrap();
    let body = assert_problem(app.get("/readyz").await, 503, "database_unavailable").await;
    assert!(body["detail"].as_str().unwrap().contains("was deleted or replaced"), "{body}");
    // A write would land in the unlinked file and vanish at the next start: it is refused.
    let res = admin.upload("site-a.conf", crate::support::fixtures::conf("10.77.0.0/24"), &[]).await;
    assert_eq!(res.status(), 500);
    assert_eq!(app.wg_files(), Vec::<String>::new(), "nothing written for a write that cannot be kept");
    // A new, empty file in its place is not the database either.
    std::fs::write(&file, "").unwrap();
    assert_problem(app.get("/readyz").await, 503, "database_unavailable").await;
}

#[tokio::test]
async fn a_deleted_clients_series_leave_metrics_and_a_metrics_token_guards_them() {
    let app = TestApp::spawn_with(|c| c.metrics_token = Some(peergate::config::Secret::new("scrape-secret-1234"))).await;
    let admin = app.as_admin().await;
    let id = admin.create_client("gone-soon", "10.77.0.0/24").await;
    app.fakes.world().handshake = peergate::db::now() - 2;
    assert_eq!(admin.post_empty(&format!("/api/clients/{id}/activate")).await.status(), 200);
    app.state.app.dataplane.monitor.observe_status(&app.db, 30).await.unwrap();

    assert_problem(app.get("/metrics").await, 401, "unauthenticated").await;
    let wrong = app.client.get(app.url("/metrics")).bearer_auth("scrape-secret-123").send().await.unwrap();
    assert_problem(wrong, 401, "unauthenticated").await;
    let scrape = || async {
        app.client.get(app.url("/metrics")).bearer_auth("scrape-secret-1234").send().await.unwrap().text().await.unwrap()
    };
    assert!(scrape().await.contains(r#"peergate_client_rx_bytes{client="gone-soon"}"#));

    assert_eq!(admin.delete(&format!("/api/clients/{id}")).await.status(), 204);
    let after = scrape().await;
    assert!(!after.contains("gone-soon"), "a deleted client's series stay: {after}");
}
