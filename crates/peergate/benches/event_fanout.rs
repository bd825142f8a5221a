//! Event-stream figure: the CPU the server spends sending 1,000 clients' status ticks to 1,000
//! open dashboards, above what it spends with nobody watching — this build (each event encoded
//! once, the same bytes written to every subscriber, only the statuses that changed) side by side
//! with today's approach (each subscriber encoding every event itself, as `axum`'s SSE did here
//! before), in one run.
//!
//! The server is peergate's own HTTP app and listener in this process, holding 1,000 clients in
//! its roster; a ticker does what the status monitor does after reading the interfaces
//! (`Roster::record_statuses`), every `PGB_TICK_SECS` (5). The dashboards are a child process (this
//! program with `--readers`), so their CPU is not counted: the server's is read from
//! `/proc/self/stat` over `PGB_SECONDS` (30) per case.
//!
//! Cases: nobody subscribed; 1,000 subscribers with every status changing each tick (the worst
//! case: every client moving traffic); the same with the naive per-subscriber encoding; 1,000
//! subscribers with nothing changing (an idle gateway). Run with
//! `cargo bench -p peergate --bench event_fanout` (plain user; no namespaces needed).

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::response::sse::{Event as SseEvent, Sse};
use axum::routing::get;
use futures_util::StreamExt;
use peergate::app::Shutdown;
use peergate::config::Config;
use peergate::db::clients::{ClientId, ClientRow, ClientState, ClientStatus};
use peergate::events::{ClientStatusEvent, Event};
use peergate_core::account::{Role, Username};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::broadcast;

const CLIENTS: i64 = 1000;
const SUBSCRIBERS: usize = 1000;

fn secs(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// CPU seconds (user + system, all threads) this process has used.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let fields: Vec<&str> = stat.rsplit_once(") ").expect("stat format").1.split(' ').collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0 // USER_HZ is 100 on Linux
}

fn row(i: i64) -> ClientRow {
    ClientRow {
        id: ClientId(i),
        interface: format!("site-{i:04}"),
        display_name: format!("Site {i}"),
        notes: String::new(),
        public_key: Some("dGhpcyBzaWRlJ3MgcHVibGljIGtleSwgYmFzZTY0ISE=".into()),
        conf_path: format!("/etc/wireguard/site-{i:04}.conf"),
        subnets: vec![format!("10.{}.{}.0/24", 100 + i / 250, i % 250).parse().unwrap()],
        peer_public_keys: vec!["cGVlcidzIHB1YmxpYyBrZXkgaW4gYmFzZTY0IGhlcmU=".into()],
        endpoint: format!("192.0.2.{}:51820", 1 + i % 250),
        probe_host: format!("10.{}.{}.1", 100 + i / 250, i % 250).parse().unwrap(),
        state: ClientState::Active,
        last_error: None,
        status: None,
        last_ping: None,
        warnings: Vec::new(),
        created_by: "bench".into(),
        created_at: 1_700_000_000,
        updated_at: 1_700_000_000,
    }
}

/// Every client's reading at `tick`; with `moving`, each tick's bytes differ (all changed).
fn statuses(now: i64, tick: u64, moving: bool) -> Vec<(ClientId, ClientStatus)> {
    let grown = if moving { tick } else { 0 };
    (1..=CLIENTS)
        .map(|i| {
            let status = ClientStatus {
                observed_at: now,
                connected: true,
                latest_handshake: 1_700_000_000 + i,
                rx_bytes: 123_456_789 + grown * 1500 * i as u64,
                tx_bytes: 98_765_432 + grown * 700 * i as u64,
                rx_rate: 1523.4 + grown as f64,
                tx_rate: 812.25 + grown as f64,
                endpoint: Some(format!("192.0.2.{}:51820", 1 + i % 250)),
                interface_up: true,
                repair_by: None,
                peers: Vec::new(),
            };
            (ClientId(i), status)
        })
        .collect()
}

/// Today's approach, kept here to measure against: typed events, encoded by each subscriber.
fn naive_router(sender: broadcast::Sender<Event>) -> Router {
    Router::new().route(
        "/naive/events",
        get(move || {
            let receiver = sender.subscribe();
            async move {
                let events =
                    tokio_stream::StreamExt::map_while(tokio_stream::wrappers::BroadcastStream::new(receiver), Result::ok);
                let events = events.map(|event| {
                    let (name, data) = event.encode();
                    Ok::<_, Infallible>(SseEvent::default().event(name).data(data))
                });
                Sse::new(events)
            }
        }),
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--readers") {
        return readers(&args[2], &args[3], args[4].parse()?, args[5].parse()?).await;
    }
    let seconds = secs("PGB_SECONDS", 30);
    let tick = Duration::from_secs(secs("PGB_TICK_SECS", 5));

    let dir = tempfile::tempdir()?;
    let config = Config {
        data_dir: dir.path().join("data"),
        wg_dir: dir.path().join("wireguard"),
        database_url: Some(peergate::config::Secret::new(format!("sqlite://{}?mode=rwc", dir.path().join("db").display()))),
        lan_address: Some("10.201.0.1/24".into()),
        max_connections: 4096,
        max_connections_per_ip: 4096,
        ..Config::default()
    };
    let state = peergate::server::state(config).await?;
    let app = state.app.clone();
    // A user may hold 8 streams: 125 admins with a token each.
    let hash = peergate::credentials::hash_password("bench-password-not-used")?;
    let mut tokens = Vec::new();
    for u in 0..SUBSCRIBERS.div_ceil(peergate::http::events::MAX_STREAMS_PER_USER) {
        let mut conn = app.db.pool.acquire().await?;
        let user = peergate::db::users::create(&mut conn, &Username::parse(&format!("viewer{u}"))?, &hash, Role::Admin).await?;
        let secret = peergate::credentials::new_api_token();
        peergate::db::tokens::create(&mut conn, user.id, "bench", &peergate::credentials::digest(&secret), None).await?;
        tokens.push(secret);
    }
    let tokens_file = dir.path().join("tokens");
    std::fs::write(&tokens_file, tokens.join("\n"))?;
    {
        let mut conn = app.db.pool.acquire().await?;
        for i in 1..=CLIENTS {
            let r = row(i);
            let new = peergate::db::clients::NewClient {
                interface: &r.interface,
                display_name: &r.display_name,
                public_key: r.public_key.as_deref().unwrap_or_default(),
                conf_path: &r.conf_path,
                subnets: &r.subnets,
                peer_public_keys: &r.peer_public_keys,
                endpoint: &r.endpoint,
                probe_host: r.probe_host,
                warnings: &r.warnings,
                created_by: &r.created_by,
            };
            peergate::db::clients::create(&mut conn, &new).await?;
        }
        sqlx::query("UPDATE clients SET state = 'active'").execute(&mut *conn).await?;
    }
    app.roster.load(&app.db).await?;

    let (naive, _) = broadcast::channel::<Event>(peergate::events::CAPACITY);
    let router = peergate::http::app(state.clone()).merge(naive_router(naive.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let limits = peergate::listener::Limits::from_config(&app.config);
    tokio::spawn(peergate::listener::serve(listener, router, limits, Shutdown::default()));

    let moving = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let ticks = Arc::new(AtomicU64::new(0));
    {
        let (roster, naive, moving, ticks) = (app.roster.clone(), naive.clone(), moving.clone(), ticks.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(tick);
            loop {
                every.tick().await;
                let n = ticks.fetch_add(1, Ordering::Relaxed);
                let now = peergate::db::now();
                let readings = statuses(now, n, moving.load(Ordering::Relaxed));
                if naive.receiver_count() > 0 {
                    // The old monitor sent every status each tick, to be encoded per subscriber.
                    let clients =
                        readings.iter().map(|(id, status)| ClientStatusEvent { id: *id, status: status.clone() }).collect();
                    let _ = naive.send(Event::Status { at: now, full: false, clients });
                }
                roster.record_statuses(now, readings);
            }
        });
    }

    println!(
        "event fan-out: {CLIENTS} clients, {SUBSCRIBERS} subscribers, a tick every {} s, {seconds} s per case, {} cores",
        tick.as_secs(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let base = format!("http://{addr}");
    let mut results = Vec::new();
    for (label, path, subscribers, changing) in [
        ("nobody subscribed", "", 0, true),
        ("1,000 subscribers, encoded once (this build)", "/api/events", SUBSCRIBERS, true),
        ("1,000 subscribers, encoded per subscriber (today)", "/naive/events", SUBSCRIBERS, true),
        ("1,000 subscribers, nothing changing (idle gateway)", "/api/events", SUBSCRIBERS, false),
    ] {
        moving.store(changing, Ordering::Relaxed);
        let child = if subscribers > 0 {
            let exe = std::env::current_exe()?;
            let total = seconds + 5;
            Some(
                tokio::process::Command::new(exe)
                    .args(["--readers", &format!("{base}{path}"), &tokens_file.display().to_string()])
                    .args([subscribers.to_string(), total.to_string()])
                    .stdout(std::process::Stdio::piped())
                    .spawn()?,
            )
        } else {
            None
        };
        tokio::time::sleep(Duration::from_secs(3)).await; // connected, snapshots sent
        let (cpu0, t0, ticks0) = (cpu_secs(), Instant::now(), ticks.load(Ordering::Relaxed));
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        let core = (cpu_secs() - cpu0) / t0.elapsed().as_secs_f64() * 100.0;
        let ticked = ticks.load(Ordering::Relaxed) - ticks0;
        let report = match child {
            Some(child) => String::from_utf8(child.wait_with_output().await?.stdout)?,
            None => String::new(),
        };
        println!("{label:<52} {core:>6.1}% of a core  ({ticked} ticks; readers: {})", report.trim());
        results.push(core);
    }
    let none = results[0];
    let (once, naive_cost, idle) = (results[1] - none, results[2] - none, results[3] - none);
    println!();
    println!(
        "above nobody subscribed: encoded once {once:.1}% of a core (goal < 5%), per subscriber {naive_cost:.1}%, idle {idle:.1}%"
    );
    if once > 0.05 {
        println!("encoded once vs per subscriber: {:.1}x less CPU", naive_cost / once);
    }
    println!("issue 11's measurement of the old stream on this machine kind: 81% of a core (4% with no subscriber)");
    Ok(())
}

/// The dashboards: `n` streams of `url`, each with a token from `tokens` (8 per token), read
/// and discarded for `seconds`; prints how many answered 200 and the bytes received.
async fn readers(url: &str, tokens: &str, n: usize, seconds: u64) -> anyhow::Result<()> {
    let tokens: Vec<String> = std::fs::read_to_string(tokens)?.lines().map(str::to_string).collect();
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_once('/').expect("a path");
    let path = format!("/{path}");
    let bytes = Arc::new(AtomicU64::new(0));
    let ok = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for i in 0..n {
        let (host, path, token) = (host.to_string(), path.clone(), tokens[i / 8].clone());
        let (bytes, ok) = (bytes.clone(), ok.clone());
        tasks.push(tokio::spawn(async move {
            let Ok(mut stream) = tokio::net::TcpStream::connect(&host).await else { return };
            let request = format!(
                "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
            );
            if stream.write_all(request.as_bytes()).await.is_err() {
                return;
            }
            let mut buf = vec![0u8; 64 * 1024];
            let mut first = true;
            while let Ok(read) = stream.read(&mut buf).await {
                if read == 0 {
                    break;
                }
                if first {
                    first = false;
                    if buf[..read].starts_with(b"HTTP/1.1 200") {
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                }
                bytes.fetch_add(read as u64, Ordering::Relaxed);
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    println!("{} of {n} answered 200, {:.1} MB received", ok.load(Ordering::Relaxed), bytes.load(Ordering::Relaxed) as f64 / 1e6);
    Ok(())
}
