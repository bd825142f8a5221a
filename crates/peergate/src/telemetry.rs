//! Logs and metrics: JSON (or human) logs through `tracing`, and one global Prometheus recorder.
//!
//! The recorder is process-global (a `metrics` rule), so it is installed once and its handle shared
//! by every server in the process, which also lets the integration tests run many servers at once.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Logs go to stderr, so commands that print a result (`token create`) keep stdout clean. Lines
/// are written by a background thread (request handlers never wait on a slow terminal or journal);
/// keep the returned guard alive until exit so the last lines are flushed.
pub fn init_logging(filter: &str, format: LogFormat) -> tracing_appender::non_blocking::WorkerGuard {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // Not lossy: under a flood, logging slows requests down rather than dropping error lines.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default().lossy(false).finish(std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    let _ = match format {
        LogFormat::Json => builder.json().with_current_span(true).with_span_list(false).try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
    guard
}

/// Gateways are small machines, and glibc's defaults trade memory for speed twice over: it raises
/// its mmap threshold after the first large free, after which argon2's 19 MiB blocks come from heaps
/// that are never given back (a burst of logins left ~1 GB resident), and it gives every busy thread
/// (tokio workers, SQLite connection threads) its own arena. A fixed threshold keeps large blocks
/// mmapped and returned on free; two arenas bound the per-thread growth.
pub fn limit_allocator_retention() {
    // SAFETY: mallopt only adjusts allocator parameters; called once at start-up, before the
    // runtime's other threads allocate much.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

const LATENCY_BUCKETS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .expect("non-empty buckets")
                .build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (a test harness); then ours stays local.
            let _ = metrics::set_global_recorder(recorder);
            metrics::describe_counter!("http_requests_total", "HTTP requests by method, route template and status");
            metrics::describe_histogram!(
                "http_request_duration_seconds",
                metrics::Unit::Seconds,
                "HTTP request latency by method, route template and status"
            );
            handle
        })
        .clone()
}
