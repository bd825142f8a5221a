//! `peergate serve`: connect and migrate the database, reconcile the data plane with it, start the
//! HTTP server and the background jobs, stop gracefully on SIGINT/SIGTERM (in-flight requests
//! finish, then the process exits; tunnels stay up — they belong to the system, not the process).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use peergate_core::login_throttle::{LoginThrottle, ThrottlePolicy};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::app::AppContext;
use crate::clients::Gateway;
use crate::config::Config;
use crate::dataplane::{Backends, DataPlane};
use crate::db::{Db, users};
use crate::events::Events;
use crate::http::token_cache::TokenCache;
use crate::http::{self, AppState};
use crate::jobs::{self, Jobs};
use crate::roster::Roster;
use crate::system::firewall;
use crate::system::host_metrics::HostSampler;
use crate::system::host_net::IpHostNetwork;
use crate::system::lan::Lan;
use crate::system::owned::OwnedInterfaces;
use crate::system::ping::IcmpProber;
use crate::system::sysctl::Forwarding;
use crate::system::tunnels::WgQuick;
use crate::{credentials, listener, telemetry};

/// The real OS backends for this configuration.
pub fn real_backends(config: &Config, lan: Option<&Lan>) -> Backends {
    let firewall: Arc<dyn firewall::Firewall> = match lan.and_then(|l| l.interface.clone()) {
        Some(iface) => Arc::from(firewall::choose(config.firewall, iface)),
        None => Arc::new(firewall::Unconfigured),
    };
    Backends {
        tunnels: Arc::new(WgQuick::new(&config.wg_dir, config.wg_quick_userspace_implementation.clone())),
        firewall,
        prober: Arc::new(IcmpProber::default()),
        forwarding: Forwarding::new(&config.sysctl_file),
        host: Arc::new(IpHostNetwork),
        owned: OwnedInterfaces::new(config.data_dir.join("interfaces")),
    }
}

/// Builds the shared state with the real backends.
pub async fn state(config: Config) -> anyhow::Result<AppState> {
    state_with(config, real_backends).await
}

/// Builds the shared state: database connected and migrated, LAN detected, backends chosen by
/// `backends` (tests pass recording fakes), metrics recorder installed.
pub async fn state_with(config: Config, backends: impl FnOnce(&Config, Option<&Lan>) -> Backends) -> anyhow::Result<AppState> {
    let db = Db::connect(&config.effective_database_url()).await?;
    db.migrate().await?;
    credentials::warm_up();
    let process_metrics = metrics_process::Collector::default();
    process_metrics.describe();
    let lan = crate::system::lan::detect(&config).await;
    let backends = backends(&config, lan.as_ref());
    let gateway = Gateway::new(&config, lan, backends.host.clone());
    gateway
        .wg_dir
        .prepare()
        .with_context(|| format!("preparing the WireGuard directory {} (PEERGATE_WG_DIR)", config.wg_dir.display()))?;
    gateway.pending_dir.prepare().context("preparing the pending-upload directory under PEERGATE_DATA_DIR")?;
    let recovered = crate::clients::recovery::recover(&gateway, &db, &config.data_dir).await.context("start-up recovery")?;
    if !recovered.is_empty() {
        tracing::warn!(?recovered, "start-up recovery finished what a crash left half done");
    }
    let token_cache = TokenCache::new(Duration::from_secs(config.token_cache_secs));
    let events = Events::default();
    let roster = Arc::new(Roster::new(events.clone()));
    roster.load(&db).await.context("loading the clients")?;
    let alerts = Arc::new(crate::alerts::Alerts::new(&config));
    let app = AppContext {
        db,
        config: Arc::new(config),
        dataplane: Arc::new(DataPlane::new(backends, roster.clone())),
        roster,
        alerts,
        events,
        gateway: Arc::new(gateway),
        host: Arc::new(Mutex::new(HostSampler::default())),
        throttle: Arc::new(Mutex::new(LoginThrottle::new(ThrottlePolicy::default()))),
        metrics: telemetry::metrics_handle(),
        shutdown: Default::default(),
    };
    Ok(AppState {
        streams: Arc::new(crate::http::events::StreamSlots::default()),
        app,
        // One argon2id at a time per core, at most 4: each holds 19 MiB while it runs, and more at
        // once would only queue for the CPU while holding their memory.
        hashing: Arc::new(Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4))),
        process_metrics: Arc::new(process_metrics),
        token_cache: Arc::new(token_cache),
    })
}

/// How long in-flight requests may take to finish once shutdown has begun.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves on `listener` until `shutdown` resolves, with the background jobs running. Then event
/// streams end, in-flight requests get [`SHUTDOWN_GRACE`] to finish, and the server returns
/// whatever is still open.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let control_path = crate::control::socket_path(&state.app.config.data_dir);
    let control = crate::control::bind(&control_path).await?;
    let _jobs = Jobs(jobs::spawn_all(&state.app));
    let signal = state.app.shutdown.clone();
    tokio::spawn(crate::control::serve(control, control_path, state.app.clone(), signal.clone()));
    let limits = listener::Limits::from_config(&state.app.config);
    let trigger = signal.clone();
    tokio::spawn(async move {
        shutdown.await;
        trigger.trigger();
    });
    tokio::select! {
        () = listener::serve(listener, http::app(state), limits, signal.clone()) => {}
        () = async { signal.wait().await; tokio::time::sleep(SHUTDOWN_GRACE).await } => {
            tracing::warn!("shutdown grace period over: closing the connections still open");
        }
    }
    Ok(())
}

pub async fn run(config: Config) -> anyhow::Result<()> {
    let listen = config.listen;
    crate::control::refuse_if_served(&crate::control::socket_path(&config.data_dir)).await?;
    let state = state(config).await?;
    announce_setup(&state.app.db).await?;
    // After a reboot or a crash, bring the system back to what the database says before serving.
    match state.app.dataplane.reconciler.reconcile(&state.app.db).await {
        Ok(report) if report.attempted() > 0 => tracing::info!(
            repaired = report.succeeded.len(),
            failed = report.failed.len(),
            "start-up reconcile attempted repairs"
        ),
        Ok(_) => {}
        Err(err) => tracing::warn!(error = format!("{err:#}"), "start-up reconcile failed"),
    }
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
