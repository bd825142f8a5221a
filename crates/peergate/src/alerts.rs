//! Alerts: each check looks at every active client ([`peergate_core::alerts::assess`]) and raises
//! an alert when its verdict changed — down once, up once when it comes back — recorded with its
//! audit event and pushed to browsers. Delivery to the webhook goes through the `alerts` table as
//! an outbox: tried at once, retried with growing waits (30 s doubling, at most an hour apart)
//! up to [`MAX_ATTEMPTS`] times across restarts, then marked failed and audited. The webhook URL
//! is a secret: it never appears in logs, errors or the API.

use std::time::Duration;

use peergate_core::alerts::{Change, Observation, assess, transition};

use crate::config::{AlertFormat, Config, Secret};
use crate::db::alerts::{self, Alert, AlertKind, Delivery, NewAlert};
use crate::db::audit::{Actor, Entry};
use crate::db::{self, Db};
use crate::events::{Event, Events};
use crate::roster::Roster;

/// Attempts per alert before it is given up.
pub const MAX_ATTEMPTS: i64 = 8;
const TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries per pass, so a long outage's backlog drains in bounded steps.
const BATCH: i64 = 20;

pub struct Alerts {
    http: reqwest::Client,
    webhook: Option<(Secret, AlertFormat)>,
    down_after: i64,
    /// A status reading older than this is no evidence either way (the monitor has not run
    /// since a restart, say): the client is skipped until a fresh one comes.
    fresh_within: i64,
    /// The gateway's name in messages (the host name).
    gateway: String,
    /// One delivery pass at a time (the job and a test alert), so no alert is sent twice.
    delivering: tokio::sync::Mutex<()>,
}

impl Alerts {
    pub fn new(config: &Config) -> Alerts {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            // A webhook that redirects elsewhere is misconfigured; do not follow it with the payload.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a TLS-capable HTTP client");
        let gateway = std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
        Alerts {
            http,
            webhook: config.alert_webhook_url.clone().map(|url| (url, config.alert_webhook_format)),
            down_after: i64::try_from(config.alert_down_after_secs).unwrap_or(i64::MAX),
            fresh_within: i64::try_from(config.status_interval_secs.saturating_mul(3).max(30)).unwrap_or(i64::MAX),
            gateway: if gateway.is_empty() { "peergate".into() } else { gateway },
            delivering: tokio::sync::Mutex::new(()),
        }
    }

    fn delivery(&self) -> Delivery {
        if self.webhook.is_some() { Delivery::Pending } else { Delivery::Off }
    }

    /// One check of every active client at `now`, as the roster has them (statuses are stored
    /// only when they change); returns the alerts raised.
    pub async fn check(&self, db: &Db, roster: &Roster, events: &Events, now: i64) -> anyhow::Result<Vec<Alert>> {
        let verdicts = alerts::last_verdicts(db).await?;
        let mut raised = Vec::new();
        for client in roster.active() {
            let Some(status) = client.status.as_ref().filter(|s| now - s.observed_at <= self.fresh_within) else {
                continue; // not observed since the start (or the monitor is stuck): no verdict
            };
            let seen = Observation {
                latest_handshake: status.latest_handshake,
                active_since: client.updated_at,
                last_ping_ok: client.last_ping.as_ref().map(|p| p.ok),
                interface_up: status.interface_up,
            };
            let health = assess(&seen, now, self.down_after);
            let was_down = verdicts.get(&client.id.0) == Some(&AlertKind::Down);
            let (kind, reason) = match transition(was_down, &health) {
                None => continue,
                Some(Change::WentDown(reason)) => (AlertKind::Down, reason.to_string()),
                Some(Change::CameBack) => (AlertKind::Up, "connected again".to_string()),
            };
            let alert = NewAlert {
                client_id: Some(client.id),
                client_name: &client.display_name,
                interface: &client.interface,
                kind,
                reason: &reason,
                at: now,
                delivery: self.delivery(),
            };
            let entry = Entry::new(format!("alert.{}", kind.as_str()), format!("client:{}", client.interface))
                .after(serde_json::json!({ "reason": reason }));
            raised.push(self.record(db, &alert, entry, &Actor::system(), events).await?);
        }
        Ok(raised)
    }

    /// Raises a test alert (to check the webhook from the UI).
    pub async fn test(&self, db: &Db, events: &Events, actor: &Actor) -> anyhow::Result<Alert> {
        let reason = format!("a test alert sent by {}", actor.name);
        let alert = NewAlert {
            client_id: None,
            client_name: "test",
            interface: "-",
            kind: AlertKind::Test,
            reason: &reason,
            at: db::now(),
            delivery: self.delivery(),
        };
        let entry = Entry::new("alert.test", None).after(serde_json::json!({ "webhook": self.webhook.is_some() }));
        self.record(db, &alert, entry, actor, events).await
    }

    async fn record(&self, db: &Db, alert: &NewAlert<'_>, entry: Entry, actor: &Actor, events: &Events) -> anyhow::Result<Alert> {
        let mut change = db.change(actor).await?;
        let id = alerts::insert(&mut change, alert).await?;
        change.commit(entry).await?;
        let stored = alerts::get(db, id).await?.ok_or_else(|| anyhow::anyhow!("alert {id} vanished after it was raised"))?;
        events.send(Event::Alert(Box::new(stored.clone())));
        Ok(stored)
    }

    /// Sends the alerts whose delivery is due at `now`.
    pub async fn deliver_due(&self, db: &Db, now: i64) -> anyhow::Result<()> {
        let Some((url, format)) = &self.webhook else { return Ok(()) };
        let _one_pass = self.delivering.lock().await;
        for alert in alerts::due(db, now, BATCH).await? {
            match self.post(url, *format, &alert).await {
                Ok(()) => alerts::mark_sent(db, alert.id).await?,
                Err(error) => {
                    let attempts = alert.attempts + 1;
                    if attempts < MAX_ATTEMPTS {
                        alerts::retry_later(db, alert.id, &error, now + retry_delay(attempts)).await?;
                        tracing::info!(alert = alert.id, attempts, error, "alert webhook: will retry");
                        continue;
                    }
                    let system = Actor::system();
                    let mut change = db.change(&system).await?;
                    alerts::give_up(&mut change, alert.id, &error).await?;
                    let entry = Entry::new("alert.delivery_failed", format!("alert:{}", alert.id))
                        .after(serde_json::json!({ "attempts": attempts, "error": error }));
                    change.commit(entry).await?;
                    tracing::warn!(alert = alert.id, attempts, error, "alert webhook: gave up");
                }
            }
        }
        Ok(())
    }

    async fn post(&self, url: &Secret, format: AlertFormat, alert: &Alert) -> Result<(), String> {
        let body = payload(format, alert, &self.gateway);
        // Errors without the URL: it is a secret.
        let res = self.http.post(url.expose()).json(&body).send().await.map_err(|e| e.without_url().to_string())?;
        let status = res.status();
        if status.is_success() { Ok(()) } else { Err(format!("the webhook answered HTTP {}", status.as_u16())) }
    }
}

/// 30 s after the first failure, doubling, at most an hour.
pub fn retry_delay(attempts: i64) -> i64 {
    (30i64 << (attempts - 1).clamp(0, 7)).min(3_600)
}

/// The webhook body.
pub fn payload(format: AlertFormat, alert: &Alert, gateway: &str) -> serde_json::Value {
    let headline = match alert.kind {
        AlertKind::Down => format!("{} ({}) is down: {}", alert.client_name, alert.interface, alert.reason),
        AlertKind::Up => format!("{} ({}) is up again", alert.client_name, alert.interface),
        AlertKind::Test => format!("peergate test alert: {}", alert.reason),
    };
    match format {
        AlertFormat::Slack => {
            let icon = match alert.kind {
                AlertKind::Down => ":red_circle:",
                AlertKind::Up => ":large_green_circle:",
                AlertKind::Test => ":information_source:",
            };
            serde_json::json!({ "text": format!("{icon} {gateway}: {headline}") })
        }
        AlertFormat::Json => serde_json::json!({
            "event": format!("client.{}", alert.kind.as_str()),
            "gateway": gateway,
            "client": alert.client_id.map(|id| serde_json::json!({
                "id": id, "name": alert.client_name, "interface": alert.interface,
            })),
            "reason": alert.reason,
            "message": headline,
            "at": alert.at,
            "alert_id": alert.id,
        }),
    }
}
