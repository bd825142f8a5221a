//! Alerts: down once, up once, delivered to a real local HTTP receiver as JSON or Slack text,
//! retried with growing waits, given up (and audited) after the last attempt; the webhook URL,
//! a secret, never shows.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use peergate::db::now;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

/// A webhook receiver: records each body and answers with the next queued status (200 after).
#[derive(Clone, Default)]
struct Receiver {
    bodies: Arc<Mutex<Vec<Value>>>,
    answers: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    async fn start(answers: &[u16]) -> (Receiver, String) {
        let receiver = Receiver::default();
        receiver.answers.lock().unwrap().extend(answers);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks/T000-SECRET-PATH", listener.local_addr().unwrap());
        let router = axum::Router::new().route("/hooks/{key}", axum::routing::post(record)).with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        (receiver, url)
    }

    fn bodies(&self) -> Vec<Value> {
        self.bodies.lock().unwrap().clone()
    }
}

async fn record(State(r): State<Receiver>, axum::Json(body): axum::Json<Value>) -> StatusCode {
    r.bodies.lock().unwrap().push(body);
    let status = r.answers.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(status).unwrap()
}

/// A status reading now, with the last handshake this many seconds ago.
async fn observe(app: &TestApp, handshake_age: i64) {
    app.fakes.world().handshake = now() - handshake_age;
    app.state.app.dataplane.monitor.observe_status(&app.db, 30).await.unwrap();
}

async fn app_with_webhook(url: &str, slack: bool) -> TestApp {
    let url = url.to_string();
    TestApp::spawn_with(move |c| {
        c.alert_webhook_url = Some(peergate::config::Secret::new(url));
        if slack {
            c.alert_webhook_format = peergate::config::AlertFormat::Slack;
        }
    })
    .await
}

#[tokio::test]
async fn a_client_going_down_and_coming_back_raises_one_alert_each() {
    let (receiver, url) = Receiver::start(&[]).await;
    let app = app_with_webhook(&url, false).await;
    let admin = app.as_admin().await;
    let id = admin.create_client("Zürich office", "10.77.0.0/24").await;
    app.fakes.world().handshake = now() - 2;
    assert_eq!(admin.post_empty(&format!("/api/clients/{id}/activate")).await.status(), 200);
    let s = &app.state.app;
    observe(&app, 2).await;
    assert!(s.alerts.check(&app.db, &s.roster, &s.events, now()).await.unwrap().is_empty(), "healthy");
    // A reading older than three status intervals is no evidence (after a restart, say).
    assert!(s.alerts.check(&app.db, &s.roster, &s.events, now() + 400).await.unwrap().is_empty(), "a stale reading says nothing");

    observe(&app, 400).await;
    let raised = s.alerts.check(&app.db, &s.roster, &s.events, now()).await.unwrap();
    assert_eq!(raised.len(), 1);
    assert_eq!(raised[0].reason, "no handshake with the peer for 6 min");
    assert!(s.alerts.check(&app.db, &s.roster, &s.events, now()).await.unwrap().is_empty(), "down once, not at every check");

    s.alerts.deliver_due(&app.db, now()).await.unwrap();
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["event"], "client.down");
    assert_eq!(bodies[0]["client"], json!({"id": id, "name": "Zürich office", "interface": "zurich-office"}));
    assert_eq!(bodies[0]["reason"], "no handshake with the peer for 6 min");
    assert!(bodies[0]["message"].as_str().unwrap().starts_with("Zürich office (zurich-office) is down"));

    // It comes back: one "up".
    observe(&app, 5).await;
    let raised = s.alerts.check(&app.db, &s.roster, &s.events, now()).await.unwrap();
    assert_eq!(raised.len(), 1);
    assert_eq!(serde_json::to_value(raised[0].kind).unwrap(), "up");
    s.alerts.deliver_due(&app.db, now()).await.unwrap();
    assert_eq!(receiver.bodies()[1]["event"], "client.up");

    let listed: Value = admin.json("/api/alerts").await;
    assert_eq!(listed["webhook_configured"], true);
    assert_eq!(listed["down_after_secs"], 300);
    let alerts = listed["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 2);
    assert_eq!(alerts[0]["kind"], "up", "newest first");
    assert!(alerts.iter().all(|a| a["delivery"] == "sent" && a["attempts"] == 1));
    assert!(!listed.to_string().contains("SECRET"), "the webhook URL is a secret");
    let events: Vec<Value> = admin.json("/api/audit?actor=system").await;
    let actions: Vec<&str> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"alert.down") && actions.contains(&"alert.up"), "{actions:?}");

    // A deleted client's alerts stay, as history.
    assert_eq!(admin.delete(&format!("/api/clients/{id}")).await.status(), 204);
    let listed: Value = admin.json("/api/alerts").await;
    assert_eq!(listed["alerts"].as_array().unwrap().len(), 2);
    assert_eq!(listed["alerts"][0]["client_id"], Value::Null);
}

#[tokio::test]
async fn slack_deliveries_are_retried_with_growing_waits() {
    let (receiver, url) = Receiver::start(&[500, 503]).await;
    let app = app_with_webhook(&url, true).await;
    let admin = app.as_admin().await;
    let res = admin.post_empty("/api/alerts/test").await;
    assert_eq!(res.status(), 201);
    let alert: Value = res.json().await.unwrap();
    assert_eq!(alert["kind"], "test");
    assert_eq!(alert["delivery"], "pending", "{alert}");
    assert_eq!(alert["attempts"], 1);
    assert_eq!(alert["last_error"], "the webhook answered HTTP 500");
    let at = alert["at"].as_i64().unwrap();

    let s = &app.state.app;
    s.alerts.deliver_due(&app.db, at + 29).await.unwrap();
    assert_eq!(receiver.bodies().len(), 1, "the first retry waits 30 s");
    s.alerts.deliver_due(&app.db, at + 30).await.unwrap();
    assert_eq!(receiver.bodies().len(), 2);
    s.alerts.deliver_due(&app.db, at + 30 + 59).await.unwrap();
    assert_eq!(receiver.bodies().len(), 2, "then 60 s");
    s.alerts.deliver_due(&app.db, at + 30 + 60).await.unwrap();
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 3);
    let text = bodies[2]["text"].as_str().unwrap();
    assert!(
        text.starts_with(":information_source: ") && text.contains("peergate test alert: a test alert sent by admin"),
        "{text}"
    );
    assert_eq!(bodies[2].as_object().unwrap().len(), 1, "Slack/Mattermost take {{\"text\"}}");
    let listed: Value = admin.json("/api/alerts").await;
    assert_eq!(listed["alerts"][0]["delivery"], "sent");
    assert_eq!(listed["alerts"][0]["attempts"], 3);
    assert_eq!(listed["webhook_format"], "slack");
}

#[tokio::test]
async fn an_unreachable_webhook_is_given_up_after_the_last_attempt_and_audited() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks/T000-SECRET-PATH", closed.local_addr().unwrap());
    drop(closed);
    let app = app_with_webhook(&url, false).await;
    let admin = app.as_admin().await;
    let alert: Value = admin.post_empty("/api/alerts/test").await.json().await.unwrap();
    let mut at = alert["at"].as_i64().unwrap();
    let s = &app.state.app;
    for attempts in 2..=peergate::alerts::MAX_ATTEMPTS {
        at += peergate::alerts::retry_delay(attempts - 1);
        s.alerts.deliver_due(&app.db, at).await.unwrap();
    }
    let listed: Value = admin.json("/api/alerts").await;
    let alert = &listed["alerts"][0];
    assert_eq!(alert["delivery"], "failed", "{alert}");
    assert_eq!(alert["attempts"], peergate::alerts::MAX_ATTEMPTS);
    let error = alert["last_error"].as_str().unwrap();
    assert!(!error.contains("SECRET") && !error.contains("hooks"), "errors never carry the URL: {error}");
    s.alerts.deliver_due(&app.db, at + 100_000).await.unwrap();
    let again: Value = admin.json("/api/alerts").await;
    assert_eq!(again["alerts"][0]["attempts"], peergate::alerts::MAX_ATTEMPTS, "bounded: no attempt after giving up");
    let failed: Vec<Value> = admin.json("/api/audit?action=alert.delivery_failed").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(peergate::alerts::retry_delay(1), 30);
    assert_eq!(peergate::alerts::retry_delay(20), 3_600, "at most an hour apart");
}

#[tokio::test]
async fn without_a_webhook_alerts_show_in_the_ui_only_and_are_for_admins() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin().await;
    let alert: Value = admin.post_empty("/api/alerts/test").await.json().await.unwrap();
    assert_eq!(alert["delivery"], "off");
    let listed: Value = admin.json("/api/alerts").await;
    assert_eq!(listed["webhook_configured"], false);
    assert_problem(admin.get("/api/alerts?limit=0").await, 422, "validation_failed").await;
    app.create_user("olga", peergate_core::account::Role::Operator).await;
    let op = app.caller(&app.token("olga", None).await);
    assert_problem(op.get("/api/alerts").await, 403, "forbidden").await;
    assert_problem(op.post_empty("/api/alerts/test").await, 403, "forbidden").await;
}
