//! `peergate serve`: connect and migrate the database, start the HTTP server and the housekeeping
//! tasks, stop gracefully on SIGINT/SIGTERM (in-flight requests finish, then the process exits).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use peergate_core::login_throttle::{LoginThrottle, ThrottlePolicy};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::clients::Gateway;
use crate::config::Config;
use crate::db::{self, Db, users};
use crate::http::token_cache::TokenCache;
use crate::http::{self, AppState};
use crate::{credentials, telemetry};

/// Builds the shared state: database connected and migrated, metrics recorder installed.
pub async fn state(config: Config) -> anyhow::Result<AppState> {
    let db = Db::connect(&config.effective_database_url()).await?;
    db.migrate().await?;
    credentials::warm_up();
    let process_metrics = metrics_process::Collector::default();
    process_metrics.describe();
    let config_token_cache_secs = config.token_cache_secs;
    let lan = crate::system::lan::detect(&config).await;
    let gateway = Gateway::new(&config, lan);
    gateway.wg_dir.prepare().with_context(|| format!("preparing the WireGuard directory {} (PEERGATE_WG_DIR)", config.wg_dir.display()))?;
    gateway.pending_dir.prepare().context("preparing the pending-upload directory under PEERGATE_DATA_DIR")?;
    Ok(AppState {
        db,
        config: Arc::new(config),
        throttle: Arc::new(Mutex::new(LoginThrottle::new(ThrottlePolicy::default()))),
        hashing: Arc::new(Semaphore::new(4)),
        metrics: telemetry::metrics_handle(),
        process_metrics: Arc::new(process_metrics),
        gateway: Arc::new(gateway),
        token_cache: Arc::new(TokenCache::new(Duration::from_secs(config_token_cache_secs))),
    })
}

/// Serves on `listener` until `shutdown` resolves.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let housekeeping = tokio::spawn(housekeeping(state.clone()));
    let app = http::app(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app).with_graceful_shutdown(shutdown).await.context("HTTP server");
    housekeeping.abort();
    result
}

pub async fn run(config: Config) -> anyhow::Result<()> {
    let listen = config.listen;
    let state = state(config).await?;
    announce_setup(&state.db).await?;
    let listener = TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen} (PEERGATE_LISTEN)"))?;
    tracing::info!(%listen, "peergate is serving");
    serve_on(listener, state, shutdown_signal()).await?;
    tracing::info!("peergate stopped");
    Ok(())
}

/// With no admin account there is no way in: say exactly how to create one (no default password).
async fn announce_setup(db: &Db) -> anyhow::Result<()> {
    if users::count_admins(db).await? == 0 {
        tracing::warn!("no admin account exists yet");
        eprintln!(
            "\npeergate: no admin account exists yet. Create one with\n\n    \
             peergate user add --username admin --role admin\n\n\
             (it asks for the password; add --generate-password to have one generated and shown once).\n"
        );
    }
    Ok(())
}

async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        state.metrics.run_upkeep();
        let now = db::now();
        state.throttle.lock().expect("throttle lock").forget_old(now);
        if let Err(err) = db::sessions::purge_expired(&state.db, now).await {
            tracing::warn!(error = %err, "purging expired sessions failed");
        }
        match db::clients::purge_expired_pending(&state.db, now).await {
            Ok(ids) => {
                for id in ids {
                    let _ = state.gateway.pending_dir.remove(&id);
                }
            }
            Err(err) => tracing::warn!(error = %err, "purging expired pending uploads failed"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing in-flight requests");
}
