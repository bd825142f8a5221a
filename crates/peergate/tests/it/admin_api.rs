//! The admin pages' API: accounts, API tokens and the audit log's filters, as an admin and as
//! everyone else.

use peergate_core::account::Role;
use serde_json::{Value, json};

use crate::support::{admin_app, assert_problem, now};

#[tokio::test]
async fn admins_add_disable_enable_and_remove_accounts() {
    let (app, admin) = admin_app().await;

    let res = admin.post("/api/users", &json!({"username": "olga", "role": "operator"})).await;
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["username"], "olga");
    assert_eq!(body["user"]["role"], "operator");
    assert_eq!(body["user"]["disabled_at"], Value::Null);
    let generated = body["password"].as_str().expect("a generated password, shown once").to_string();
    assert!(generated.len() >= 24, "{generated}");
    let login = app.post_json("/api/auth/login", &json!({"username": "olga", "password": generated})).await;
    assert_eq!(login.status(), 200, "the generated password signs in");

    let chosen =
        admin.post("/api/users", &json!({"username": "bert", "role": "admin", "password": "a long enough password"})).await;
    let chosen: Value = chosen.json().await.unwrap();
    assert_eq!(chosen["password"], Value::Null, "a chosen password is not echoed");

    let list: Vec<Value> = admin.json("/api/users").await;
    let olga = list.iter().find(|u| u["username"] == "olga").unwrap();
    assert_eq!(olga["sessions"], 1, "{olga}");

    let res = admin.patch("/api/users/olga", &json!({"enabled": false})).await;
    assert_eq!(res.status(), 200);
    let disabled: Value = res.json().await.unwrap();
    assert!(disabled["disabled_at"].as_i64().is_some());
    assert_eq!(disabled["sessions"], 0, "disabling ends the sessions");
    let login = app.post_json("/api/auth/login", &json!({"username": "olga", "password": generated})).await;
    assert_eq!(login.status(), 401, "a disabled account cannot sign in");
    assert_problem(admin.put("/api/users/olga/password", &json!({})).await, 409, "user_disabled").await;

    let enabled: Value = admin.patch("/api/users/olga", &json!({"enabled": true})).await.json().await.unwrap();
    assert_eq!(enabled["disabled_at"], Value::Null);

    assert_eq!(admin.delete("/api/users/olga").await.status(), 204);
    assert_problem(admin.delete("/api/users/olga").await, 404, "not_found").await;
    let actions = app.db_audit_actions().await;
    for action in ["user.create", "user.disable", "user.enable", "user.delete"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn bad_account_requests_are_refused_on_the_field() {
    let (_app, admin) = admin_app().await;
    let cases = [
        (json!({"username": "", "role": "operator"}), "username"),
        (json!({"username": "has space", "role": "operator"}), "username"),
        (json!({"username": "x".repeat(500), "role": "operator"}), "username"),
        (json!({"username": "carl", "role": "root"}), "role"),
        (json!({"username": "carl", "role": "operator", "password": "short"}), "password"),
        (json!({"username": "carl", "role": "operator", "password": "p".repeat(2000)}), "password"),
    ];
    for (body, field) in cases {
        let problem = assert_problem(admin.post("/api/users", &body).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    let unknown = admin.post("/api/users", &json!({"username": "carl", "role": "operator", "is_root": true})).await;
    assert_problem(unknown, 422, "validation_failed").await;
    assert_problem(admin.post("/api/users", &json!({"username": "admin", "role": "admin"})).await, 409, "user_exists").await;
    assert_problem(admin.patch("/api/users/nobody", &json!({"enabled": false})).await, 404, "not_found").await;
    assert_problem(admin.put("/api/users/nobody/password", &json!({})).await, 404, "not_found").await;
    assert_problem(admin.delete("/api/users/nobody/sessions").await, 404, "not_found").await;
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_or_the_gateway_out() {
    let (app, admin) = admin_app().await;
    assert_problem(admin.patch("/api/users/admin", &json!({"enabled": false})).await, 409, "own_account").await;
    assert_problem(admin.delete("/api/users/admin").await, 409, "own_account").await;

    // Another admin can disable this one, but not the last enabled admin.
    app.create_user("second", Role::Admin).await;
    let second = app.caller(&app.token("second", None).await);
    assert_eq!(second.patch("/api/users/admin", &json!({"enabled": false})).await.status(), 200);
    app.create_user("third", Role::Admin).await;
    let third = app.caller(&app.token("third", None).await);
    assert_eq!(third.delete("/api/users/second").await.status(), 204);
    let res = third.patch("/api/users/third", &json!({"enabled": false})).await;
    assert_problem(res, 409, "own_account").await;
    // The disabled admin's token stopped working at once (the token cache was cleared).
    assert_problem(admin.get("/api/users").await, 401, "invalid_token").await;
}

#[tokio::test]
async fn password_resets_end_sessions_and_sign_in_with_the_new_password() {
    let (app, admin) = admin_app().await;
    app.create_user("olga", Role::Operator).await;
    app.login("olga").await;
    app.login("olga").await;

    let res = admin.put("/api/users/olga/password", &json!({"password": "the brand new password"})).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({"password": null, "sessions_ended": 2}));
    let login = app.post_json("/api/auth/login", &json!({"username": "olga", "password": "the brand new password"})).await;
    assert_eq!(login.status(), 200);

    let generated: Value = admin.put("/api/users/olga/password", &json!({"password": ""})).await.json().await.unwrap();
    let password = generated["password"].as_str().unwrap();
    assert_eq!(generated["sessions_ended"], 1);
    let login = app.post_json("/api/auth/login", &json!({"username": "olga", "password": password})).await;
    assert_eq!(login.status(), 200);
    let short = admin.put("/api/users/olga/password", &json!({"password": "short"})).await;
    assert_eq!(assert_problem(short, 422, "validation_failed").await["errors"][0]["field"], "password");

    let ended: Value = admin.delete("/api/users/olga/sessions").await.json().await.unwrap();
    assert_eq!(ended, json!({"sessions_ended": 1}));
    let actions = app.db_audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "user.password").count(), 2);
    assert!(actions.iter().any(|a| a == "user.sessions_end"));
}

#[tokio::test]
async fn tokens_are_issued_once_listed_without_secrets_and_revoked_at_once() {
    let (app, admin) = admin_app().await;
    app.create_user("olga", Role::Operator).await;
    let res = admin.post("/api/tokens", &json!({"name": "backup script", "username": "olga", "expires_in_days": 30})).await;
    assert_eq!(res.status(), 201);
    let issued: Value = res.json().await.unwrap();
    let secret = issued["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("pgt_"));
    assert_eq!(issued["info"]["username"], "olga");
    let expires = issued["info"]["expires_at"].as_i64().unwrap();
    assert!((expires - now() - 30 * 86_400).abs() < 60);

    let olga = app.caller(&secret);
    assert_eq!(olga.get("/api/auth/me").await.status(), 200, "the token works");
    let list = admin.get("/api/tokens").await.text().await.unwrap();
    assert!(!list.contains(&secret[4..]), "listings never carry secrets");
    let list: Vec<Value> = serde_json::from_str(&list).unwrap();
    let id = issued["info"]["id"].as_i64().unwrap();
    assert!(list.iter().any(|t| t["id"] == id && t["name"] == "backup script"));

    let mine: Value = admin.post("/api/tokens", &json!({"name": "mine"})).await.json().await.unwrap();
    assert_eq!(mine["info"]["username"], "admin", "without a user the token is the caller's");
    assert_eq!(mine["info"]["expires_at"], Value::Null);

    assert_eq!(admin.delete(&format!("/api/tokens/{id}")).await.status(), 204);
    assert_problem(olga.get("/api/auth/me").await, 401, "invalid_token").await;
    assert_problem(admin.delete(&format!("/api/tokens/{id}")).await, 404, "not_found").await;
    assert_problem(admin.delete("/api/tokens/999999").await, 404, "not_found").await;

    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "n".repeat(65)}), "name"),
        (json!({"name": "bell\u{7}"}), "name"),
        (json!({"name": "ok", "expires_in_days": 0}), "expires_in_days"),
        (json!({"name": "ok", "expires_in_days": 4000}), "expires_in_days"),
    ] {
        let problem = assert_problem(admin.post("/api/tokens", &body).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    assert_problem(admin.post("/api/tokens", &json!({"name": "x", "username": "nobody"})).await, 404, "not_found").await;
    let actions = app.db_audit_actions().await;
    assert!(actions.iter().filter(|a| *a == "token.create").count() == 2 && actions.iter().any(|a| a == "token.revoke"));
}

#[tokio::test]
async fn only_admins_reach_accounts_and_tokens() {
    let (app, _admin) = admin_app().await;
    app.create_user("olga", Role::Operator).await;
    let op = app.caller(&app.token("olga", None).await);
    assert_problem(op.get("/api/users").await, 403, "forbidden").await;
    assert_problem(op.get("/api/tokens").await, 403, "forbidden").await;
    assert_problem(op.get("/api/audit/facets").await, 403, "forbidden").await;
    assert_problem(op.post("/api/users", &json!({"username": "mallory", "role": "admin"})).await, 403, "forbidden").await;
    assert_problem(op.post("/api/tokens", &json!({"name": "escalate", "username": "admin"})).await, 403, "forbidden").await;
    assert_problem(op.put("/api/users/admin/password", &json!({})).await, 403, "forbidden").await;
    assert_problem(op.delete("/api/users/admin/sessions").await, 403, "forbidden").await;
    let bare = reqwest::Client::new();
    assert_problem(bare.get(app.url("/api/users")).send().await.unwrap(), 401, "unauthenticated").await;

    // A browser session needs the CSRF token for every change.
    let csrf = app.login("admin").await;
    let no_csrf =
        app.client.post(app.url("/api/users")).json(&json!({"username": "x1", "role": "operator"})).send().await.unwrap();
    assert_problem(no_csrf, 403, "csrf_failed").await;
    let with = app
        .client
        .post(app.url("/api/users"))
        .header("x-csrf-token", csrf)
        .json(&json!({"username": "x1", "role": "operator"}))
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), 201);
}

#[tokio::test]
async fn the_audit_log_filters_by_target_and_time_and_offers_its_values() {
    let (app, admin) = admin_app().await;
    app.create_user("olga", Role::Operator).await;
    admin.post("/api/users", &json!({"username": "carl", "role": "operator"})).await;
    admin.delete("/api/users/olga/sessions").await;

    let carl: Vec<Value> = admin.json("/api/audit?target=user:carl").await;
    assert_eq!(carl.len(), 1);
    assert_eq!(carl[0]["action"], "user.create");
    let all: Vec<Value> = admin.json("/api/audit").await;
    let newest = all[0]["at"].as_i64().unwrap();
    let later: Vec<Value> = admin.json(&format!("/api/audit?since={}", newest + 1)).await;
    assert!(later.is_empty());
    let until: Vec<Value> = admin.json(&format!("/api/audit?until={newest}")).await;
    assert!(until.iter().all(|e| e["at"].as_i64().unwrap() < newest));
    let blank: Vec<Value> = admin.json("/api/audit?action=&actor=&target=").await;
    assert_eq!(blank.len(), all.len(), "empty filters (an empty form field) filter nothing");
    let page: Vec<Value> = admin.json("/api/audit?limit=1").await;
    let next: Vec<Value> = admin.json(&format!("/api/audit?limit=1&before_id={}", page[0]["id"])).await;
    assert!(next[0]["id"].as_i64() < page[0]["id"].as_i64());

    let facets: Value = admin.json("/api/audit/facets").await;
    let actions: Vec<&str> = facets["actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert!(actions.contains(&"user.create") && actions.contains(&"user.sessions_end"), "{actions:?}");
    assert!(actions.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
    assert_eq!(facets["actors"], json!(["admin"]));
    assert_problem(admin.get("/api/audit?since=yesterday").await, 400, "bad_query").await;
}
