//! Background work of `peergate serve`: WireGuard status snapshots, connectivity tests, reconcile
//! passes, host metrics, housekeeping. Each is one task on a timer; none spawns a process per
//! client per tick, and a slow pass delays the next instead of piling up (missed ticks are skipped).

use std::time::{Duration, Instant};

use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use crate::app::AppContext;
use crate::db;
use crate::events::Event;

/// Seconds between alert checks (and webhook delivery passes).
const ALERT_CHECK_SECS: u64 = 15;

fn every(secs: u64) -> tokio::time::Interval {
    let mut tick = tokio::time::interval(Duration::from_secs(secs));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    tick
}

pub fn spawn_all(state: &AppContext) -> Vec<JoinHandle<()>> {
    let config = state.config.clone();
    let mut handles = Vec::new();

    let s = state.clone();
    handles.push(tokio::spawn(async move {
        let mut tick = every(config.status_interval_secs);
        loop {
            tick.tick().await;
            if let Err(err) = s.dataplane.monitor.observe_status(&s.db, s.config.reconcile_interval_secs).await {
                tracing::warn!(error = format!("{err:#}"), "status snapshot failed");
            }
        }
    }));

    let s = state.clone();
    let ping_secs = state.config.ping_interval_secs;
    handles.push(tokio::spawn(async move {
        let mut tick = every(ping_secs);
        tick.tick().await; // activation just pinged; the first periodic test comes one interval later
        loop {
            tick.tick().await;
            if let Err(err) = s.dataplane.probes.round(&s.db, s.roster.active()).await {
                tracing::warn!(error = format!("{err:#}"), "storing connectivity test results failed");
            }
        }
    }));

    let s = state.clone();
    let reconcile_secs = state.config.reconcile_interval_secs;
    handles.push(tokio::spawn(async move {
        let mut tick = every(reconcile_secs);
        loop {
            tick.tick().await;
            if let Err(err) = s.dataplane.reconciler.reconcile(&s.db).await {
                tracing::warn!(error = format!("{err:#}"), "reconcile pass failed");
            }
            // What the pass (or the command line, another process) changed reaches the roster.
            if let Err(err) = s.roster.sync(&s.db).await {
                tracing::warn!(error = %err, "reading the clients for the roster failed");
            }
        }
    }));

    let s = state.clone();
    handles.push(tokio::spawn(async move {
        let mut tick = every(10);
        let mut last = Instant::now();
        loop {
            tick.tick().await;
            let sample = s.host.lock().expect("host sampler").sample(db::now(), last.elapsed().as_secs_f64());
            last = Instant::now();
            s.events.send(Event::System(Box::new(sample)));
        }
    }));

    // The Prometheus recorder keeps every histogram sample until upkeep folds it into buckets: at
    // tens of thousands of requests per second a minute of samples is tens of MB of RSS.
    let s = state.clone();
    handles.push(tokio::spawn(async move {
        let mut tick = every(5);
        loop {
            tick.tick().await;
            s.metrics.run_upkeep();
        }
    }));

    // Alerts: a check after the status snapshots have had time to land, then due deliveries.
    let s = state.clone();
    handles.push(tokio::spawn(async move {
        let mut tick = every(ALERT_CHECK_SECS);
        loop {
            tick.tick().await;
            let now = db::now();
            if let Err(err) = s.alerts.check(&s.db, &s.roster, &s.events, now).await {
                tracing::warn!(error = format!("{err:#}"), "alert check failed");
            }
            if let Err(err) = s.alerts.deliver_due(&s.db, now).await {
                tracing::warn!(error = format!("{err:#}"), "alert delivery failed");
            }
        }
    }));

    handles.push(tokio::spawn(housekeeping(state.clone())));
    handles
}

async fn housekeeping(state: AppContext) {
    let mut tick = every(60);
    loop {
        tick.tick().await;
        let now = db::now();
        state.throttle.lock().expect("throttle lock").forget_old(now);
        if let Err(err) = db::sessions::purge_expired(&state.db, now).await {
            tracing::warn!(error = %err, "purging expired sessions failed");
        }
        if let Err(err) = state.gateway.purge_expired(&state.db, now).await {
            tracing::warn!(error = %err, "purging expired pending uploads failed");
        }
        if let Err(err) = db::alerts::purge(&state.db).await {
            tracing::warn!(error = %err, "purging old alerts failed");
        }
    }
}

/// Aborts the tasks when the server stops.
pub struct Jobs(pub Vec<JoinHandle<()>>);

impl Drop for Jobs {
    fn drop(&mut self) {
        for handle in &self.0 {
            handle.abort();
        }
    }
}
