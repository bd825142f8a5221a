//! Event streams outlive their request, so they must end when the login behind them ends and when
//! the server stops, and one user cannot hold an unbounded number of them; what they carry reaches
//! every open dashboard (a new client, however it was made).

use std::time::{Duration, Instant};

use peergate::http::events::MAX_STREAMS_PER_USER;
use peergate_core::account::Role;

use crate::support::{TestApp, assert_problem};

/// Reads the stream until it ends; the time it took, or `None` if it was still open at `limit`.
async fn ends_within(mut res: reqwest::Response, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    loop {
        match tokio::time::timeout(limit.saturating_sub(started.elapsed()), res.chunk()).await {
            Ok(Ok(Some(_))) => continue,
            Ok(Ok(None)) | Ok(Err(_)) => return Some(started.elapsed()),
            Err(_) => return None,
        }
    }
}

async fn open_stream(client: &reqwest::Client, app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut req = client.get(app.url("/api/events"));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200);
    res
}

#[tokio::test]
async fn a_stream_ends_when_its_session_is_logged_out() {
    let app = TestApp::spawn_with(|c| c.token_cache_secs = 1).await;
    app.create_user("admin", Role::Admin).await;
    let csrf = app.login("admin").await;
    let stream = open_stream(&app.client, &app, None).await;
    let res = app.client.post(app.url("/api/auth/logout")).header("x-csrf-token", csrf).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert!(ends_within(stream, Duration::from_secs(5)).await.is_some(), "the stream kept delivering after logout");
}

#[tokio::test]
async fn a_stream_ends_when_its_token_is_revoked_and_others_stay_open() {
    let app = TestApp::spawn_with(|c| c.token_cache_secs = 1).await;
    app.create_user("admin", Role::Admin).await;
    let (doomed, kept) = (app.token("admin", None).await, app.token("admin", None).await);
    let client = reqwest::Client::new();
    let doomed_stream = open_stream(&client, &app, Some(&doomed)).await;
    let kept_stream = open_stream(&client, &app, Some(&kept)).await;
    sqlx::query("UPDATE api_tokens SET revoked_at = 1 WHERE token_hash = $1")
        .bind(peergate::credentials::digest(&doomed))
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert!(ends_within(doomed_stream, Duration::from_secs(5)).await.is_some(), "the revoked token's stream kept delivering");
    assert_eq!(ends_within(kept_stream, Duration::from_secs(3)).await, None, "a live token's stream must stay open");
}

#[tokio::test]
async fn one_user_holds_a_bounded_number_of_streams() {
    let app = TestApp::spawn().await;
    app.create_user("admin", Role::Admin).await;
    let token = app.token("admin", None).await;
    let client = reqwest::Client::new();
    let mut open = Vec::new();
    for _ in 0..MAX_STREAMS_PER_USER {
        open.push(open_stream(&client, &app, Some(&token)).await);
    }
    let refused = client.get(app.url("/api/events")).bearer_auth(&token).send().await.unwrap();
    assert_problem(refused, 429, "rate_limited").await;
    // Closing one frees its slot.
    drop(open.pop());
    let mut reopened = false;
    for _ in 0..50 {
        let res = client.get(app.url("/api/events")).bearer_auth(&token).send().await.unwrap();
        if res.status() == 200 {
            reopened = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reopened, "a closed stream's slot was not freed");
}

#[tokio::test]
async fn shutdown_ends_open_streams_and_returns_promptly() {
    let app = TestApp::spawn().await;
    app.create_user("admin", Role::Admin).await;
    let token = app.token("admin", None).await;
    let client = reqwest::Client::new();
    let stream = open_stream(&client, &app, Some(&token)).await;
    let started = Instant::now();
    let stopping = tokio::spawn(app.stop());
    assert!(ends_within(stream, Duration::from_secs(5)).await.is_some(), "the stream outlived shutdown");
    tokio::time::timeout(Duration::from_secs(8), stopping).await.expect("the server stops within 8 s").unwrap();
    assert!(started.elapsed() < Duration::from_secs(8));
}

/// Reads `stream` until a `client` event naming `name` has come (or fails after 5 s).
async fn client_event(stream: &mut reqwest::Response, seen: &mut String, name: &str) {
    let wanted = format!("\"name\":\"{name}\"");
    while !seen.split("\n\n").any(|event| event.contains("event: client\n") && event.contains(&wanted)) {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk())
            .await
            .unwrap_or_else(|_| panic!("no client event for {name}; got {seen}"))
            .unwrap()
            .expect("the stream stays open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn a_new_client_reaches_every_open_dashboard() {
    // Another admin's upload shows up in this one's list without a reload.
    let (app, admin) = crate::support::admin_app().await;
    let mut stream = admin.get("/api/events").await;
    assert_eq!(stream.status(), 200);
    let mut seen = String::new();

    admin.create_client("site-a", "10.77.0.0/24").await;
    client_event(&mut stream, &mut seen, "site-a").await;

    // A full-tunnel upload waits for its subnet: no client yet, then one when it is completed.
    let res = admin.upload("site-b.conf", crate::support::fixtures::conf("0.0.0.0/0"), &[]).await;
    let problem: serde_json::Value = res.json().await.unwrap();
    let pending = problem["pending_id"].as_str().expect("a pending upload").to_string();
    let res =
        admin.post(&format!("/api/clients/pending/{pending}/subnet"), &serde_json::json!({ "subnet": "10.78.0.0/24" })).await;
    assert_eq!(res.status(), 201);
    client_event(&mut stream, &mut seen, "site-b").await;

    // Files imported from the WireGuard directory too.
    std::fs::create_dir_all(app.wg_dir()).unwrap();
    std::fs::write(app.wg_dir().join("site-c.conf"), crate::support::fixtures::conf("10.79.0.0/24")).unwrap();
    let res = admin.post("/api/clients/import", &serde_json::json!({ "files": ["site-c.conf"] })).await;
    assert_eq!(res.status(), 200);
    client_event(&mut stream, &mut seen, "site-c").await;
}
