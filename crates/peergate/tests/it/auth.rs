//! Login, sessions, CSRF, API tokens, rate limiting, authorization and the audit log.

use std::time::Instant;

use peergate_core::account::Role;
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, assert_problem, header, now};

#[tokio::test]
async fn login_session_csrf_and_logout() {
    let app = TestApp::spawn().await;
    app.create_user("admin", Role::Admin).await;

    let res = app.post_json("/api/auth/login", &json!({"username": "admin", "password": PASSWORD})).await;
    assert_eq!(res.status(), 200);
    let cookie = header(res.headers(), "set-cookie");
    assert!(cookie.starts_with("peergate_session="), "{cookie}");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    assert!(!cookie.contains("Secure"), "plain http must not set Secure: {cookie}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["username"], "admin");
    assert_eq!(body["user"]["role"], "admin");
    let csrf = body["csrf_token"].as_str().unwrap().to_string();

    let me: Value = app.get("/api/auth/me").await.json().await.unwrap();
    assert_eq!(me["user"]["username"], "admin");
    assert_eq!(me["csrf_token"], csrf.as_str());

    // State-changing requests with the cookie need the CSRF token.
    assert_problem(app.client.post(app.url("/api/auth/logout")).send().await.unwrap(), 403, "csrf_failed").await;
    let wrong = app.client.post(app.url("/api/auth/logout")).header("x-csrf-token", "nope").send().await.unwrap();
    assert_problem(wrong, 403, "csrf_failed").await;
    assert_eq!(app.get("/api/auth/me").await.status(), 200, "a refused logout keeps the session");

    let res = app.client.post(app.url("/api/auth/logout")).header("x-csrf-token", &csrf).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert_problem(app.get("/api/auth/me").await, 401, "unauthenticated").await;

    let actions: Vec<String> = app.db_audit_actions().await;
    assert!(actions.contains(&"auth.login".to_string()) && actions.contains(&"auth.logout".to_string()), "{actions:?}");
    app.stop().await;
}

#[tokio::test]
async fn secure_cookie_when_public_url_is_https() {
    let app = TestApp::spawn_with(|c| c.public_url = Some("https://gw.example.net".into())).await;
    app.create_user("admin", Role::Admin).await;
    let res = app.post_json("/api/auth/login", &json!({"username": "admin", "password": PASSWORD})).await;
    assert!(header(res.headers(), "set-cookie").contains("; Secure"));
}

#[tokio::test]
async fn a_forged_session_cookie_is_refused() {
    let app = TestApp::spawn().await;
    app.create_user("admin", Role::Admin).await;
    app.login("admin").await;
    assert_eq!(app.get("/api/auth/me").await.status(), 200);
    let res = app.client.get(app.url("/api/auth/me")).header("cookie", "peergate_session=forged").send().await.unwrap();
    assert_problem(res, 401, "session_expired").await;
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    let app = TestApp::spawn().await;
    app.create_user("admin", Role::Admin).await;
    let mut timings = Vec::new();
    for (username, password) in [("admin", "wrong password!"), ("nobody", "wrong password!")] {
        let started = Instant::now();
        let res = app.post_json("/api/auth/login", &json!({"username": username, "password": password})).await;
        timings.push(started.elapsed());
        let body = assert_problem(res, 401, "invalid_credentials").await;
        assert_eq!(body["detail"], "Wrong username or password.");
    }
    // Both paths run one argon2 verification; neither is an order of magnitude cheaper.
    let (known, unknown) = (timings[0], timings[1]);
    assert!(unknown * 4 > known && known * 4 > unknown, "known {known:?} vs unknown {unknown:?}");
    app.stop().await;
}

#[tokio::test]
async fn failed_logins_are_throttled_per_account() {
    let app = TestApp::spawn().await;
    app.create_user("admin", Role::Admin).await;
    for _ in 0..5 {
        let res = app.post_json("/api/auth/login", &json!({"username": "admin", "password": "not the password"})).await;
        assert_eq!(res.status(), 401);
    }
    // Even the right password waits now: the account is under attack.
    let res = app.post_json("/api/auth/login", &json!({"username": "admin", "password": PASSWORD})).await;
    let retry_after: i64 = header(res.headers(), "retry-after").parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_problem(res, 429, "rate_limited").await;
    // Another account from the same address is not locked (the per-address limit is higher).
    app.create_user("bob", Role::Operator).await;
    assert_eq!(app.post_json("/api/auth/login", &json!({"username": "bob", "password": PASSWORD})).await.status(), 200);
    let failed = app.db_audit_actions().await.iter().filter(|a| *a == "auth.login_failed").count();
    assert_eq!(failed, 5);
}

#[tokio::test]
async fn login_input_errors_are_problems() {
    let app = TestApp::spawn().await;
    let url = app.url("/api/auth/login");
    let send = |body: &'static str, ct: &'static str| app.client.post(&url).header("content-type", ct).body(body).send();

    assert_problem(send("{not json", "application/json").await.unwrap(), 400, "malformed_json").await;
    let body = assert_problem(send(r#"{"username":"a"}"#, "application/json").await.unwrap(), 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "password", "{body}");
    assert_problem(send(r#"{"username":"","password":"x"}"#, "application/json").await.unwrap(), 422, "validation_failed").await;
    assert_problem(send("username=a", "application/x-www-form-urlencoded").await.unwrap(), 400, "unsupported_media_type").await;

    let huge = format!(r#"{{"username":"a","password":"{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let res = app.client.post(&url).header("content-type", "application/json").body(huge).send().await.unwrap();
    assert_problem(res, 413, "payload_too_large").await;
}

#[tokio::test]
async fn cross_site_form_posts_are_refused_before_anything_else() {
    let app = TestApp::spawn().await;
    app.create_user("admin", Role::Admin).await;
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"username": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "csrf_failed").await;
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .header("origin", "http://evil.example")
        .json(&json!({"username": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "csrf_failed").await;
}

#[tokio::test]
async fn api_tokens_work_until_revoked_or_expired() {
    // Without the lookup cache, so a revocation written to the database counts at once.
    let app = TestApp::spawn_with(|c| c.token_cache_secs = 0).await;
    app.create_user("admin", Role::Admin).await;
    let live = app.token("admin", None).await;
    let expired = app.token("admin", Some(now() - 10)).await;
    let bare = reqwest::Client::new();
    let me = async |token: &str| app.caller(token).get("/api/auth/me").await;

    let res = me(&live).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["username"], "admin");
    assert!(body["csrf_token"].is_null());
    // Bearer requests are exempt from CSRF (browsers never send them on their own).
    let res = app.caller(&live).post_empty("/api/auth/logout").await;
    assert_eq!(res.status(), 204);

    let last_used: Option<i64> =
        sqlx::query_scalar("SELECT last_used_at FROM api_tokens WHERE expires_at IS NULL").fetch_one(&app.db.pool).await.unwrap();
    assert!(last_used.is_some_and(|t| now() - t < 60), "{last_used:?}");

    let res = me(&expired).await;
    assert_eq!(header(res.headers(), "www-authenticate"), "Bearer");
    assert_problem(res, 401, "invalid_token").await;
    assert_problem(me("pgt_garbage").await, 401, "invalid_token").await;
    assert_problem(me(&format!("pgt_{}", "A".repeat(43))).await, 401, "invalid_token").await;
    let res = bare.get(app.url("/api/auth/me")).header("authorization", "Basic YTpi").send().await.unwrap();
    assert_problem(res, 401, "invalid_token").await;

    sqlx::query("UPDATE api_tokens SET revoked_at = $1").bind(now()).execute(&app.db.pool).await.unwrap();
    assert_problem(me(&live).await, 401, "invalid_token").await;
}

#[tokio::test]
async fn audit_log_is_for_admins_and_carries_request_ids() {
    let app = TestApp::spawn().await;
    app.create_user("admin", Role::Admin).await;
    app.create_user("op", Role::Operator).await;
    let op = app.caller(&app.token("op", None).await);
    let admin = app.as_admin().await;
    let bare = reqwest::Client::new();

    let res = bare
        .post(app.url("/api/auth/login"))
        .header("x-request-id", "login-req-1")
        .json(&json!({"username": "op", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(header(res.headers(), "x-request-id"), "login-req-1");

    assert_problem(op.get("/api/audit").await, 403, "forbidden").await;
    assert_problem(bare.get(app.url("/api/audit")).send().await.unwrap(), 401, "unauthenticated").await;

    let events: Vec<Value> = admin.json("/api/audit?action=auth.login").await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["actor"], "op");
    assert_eq!(events[0]["target"], "user:op");
    assert_eq!(events[0]["request_id"], "login-req-1");

    assert_problem(admin.get("/api/audit?limit=0").await, 422, "validation_failed").await;
    assert_problem(admin.get("/api/audit?limit=abc").await, 400, "bad_query").await;
}

#[tokio::test]
async fn concurrent_logins_all_succeed_and_create_distinct_sessions() {
    let app = TestApp::spawn().await;
    app.create_user("admin", Role::Admin).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let url = app.url("/api/auth/login");
        tasks.spawn(async move {
            // Attempts in flight count against the throttle (5 per account and address), so the
            // last few are asked to retry in a second while the first ones finish.
            for _ in 0..5 {
                let res = reqwest::Client::new()
                    .post(&url)
                    .json(&json!({"username": "admin", "password": PASSWORD}))
                    .send()
                    .await
                    .unwrap();
                if res.status() == 429 {
                    assert_eq!(header(res.headers(), "retry-after"), "1", "in-flight attempts decide within a second");
                    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
                    continue;
                }
                assert_eq!(res.status(), 200);
                return header(res.headers(), "set-cookie");
            }
            panic!("a correct login was refused five times");
        });
    }
    let cookies: std::collections::HashSet<String> = tasks.join_all().await.into_iter().collect();
    assert_eq!(cookies.len(), 8);
}
