//! Someone who can only reach the port: a slowloris client of our own (headers a line at a time,
//! never finished), idle connections that send nothing, and more connections from one address than
//! it may hold. They are all closed, and `/healthz` keeps answering other addresses meanwhile.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::support::TestApp;

async fn connect_from(local: &str, server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{local}:0").parse().unwrap()).unwrap();
    socket.connect(server).await.unwrap()
}

/// Waits until the server closes the connection (EOF or reset); `None` if still open at `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(limit.saturating_sub(started.elapsed()), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue, // a 408 or similar before the close
            Err(_) => return None,
        }
    }
}

#[tokio::test]
async fn slow_and_idle_connections_are_closed_and_healthz_keeps_answering() {
    let app = TestApp::spawn_with(|c| {
        c.header_timeout_secs = 2;
        c.max_connections_per_ip = 40;
    })
    .await;
    let server = app.addr;

    // 40 slowloris connections: a request line, then one header line every 300 ms, forever.
    let mut slow = Vec::new();
    for _ in 0..40 {
        let mut s = connect_from("127.0.0.1", server).await;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n").await.unwrap();
        slow.push(s);
    }
    let trickle = tokio::spawn(async move {
        for _ in 0..15 {
            for s in slow.iter_mut() {
                let _ = s.write_all(b"X-Slow: 1\r\n").await;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        slow
    });
    // 40 idle connections from another address: connected, silent.
    let mut idle = Vec::new();
    for _ in 0..40 {
        idle.push(connect_from("127.0.0.3", server).await);
    }
    // One more from the slowloris address: over its cap, closed at once.
    let mut extra = connect_from("127.0.0.1", server).await;
    assert!(closed_within(&mut extra, Duration::from_secs(1)).await.is_some(), "the per-address cap did not hold");

    // Meanwhile, another address is served.
    let healthy = reqwest::Client::builder().local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap()).build().unwrap();
    for _ in 0..5 {
        let res = healthy.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(res.status(), 200, "/healthz while 80 slow and idle connections are held");
    }

    // The idle ones are closed after the header timeout (2 s)…
    for (i, s) in idle.iter_mut().enumerate() {
        assert!(closed_within(s, Duration::from_secs(5)).await.is_some(), "idle connection {i} still open after 5 s");
    }
    // …and so are the slowloris ones, although they keep sending.
    let mut slow = trickle.await.unwrap();
    for (i, s) in slow.iter_mut().enumerate() {
        assert!(closed_within(s, Duration::from_secs(3)).await.is_some(), "slowloris connection {i} still open");
    }
    // A kept-alive connection that goes quiet after a request is closed too.
    let mut kept = connect_from("127.0.0.4", server).await;
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await.unwrap();
    let mut first = [0u8; 12];
    kept.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    assert!(closed_within(&mut kept, Duration::from_secs(5)).await.is_some(), "an idle kept-alive connection stays open");
}

#[tokio::test]
async fn at_the_total_cap_the_quietest_connection_makes_room_for_a_new_one() {
    let app = TestApp::spawn_with(|c| {
        c.max_connections = 16;
        c.header_timeout_secs = 60;
    })
    .await;
    // Sixteen idle connections from four addresses fill every place.
    let mut idle = Vec::new();
    for n in 0..16 {
        idle.push(connect_from(&format!("127.0.6.{}", n % 4 + 1), app.addr).await);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // A real user still gets in: the quietest idle connection is closed for it.
    let user = reqwest::Client::builder().local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap()).build().unwrap();
    for _ in 0..3 {
        assert_eq!(user.get(app.url("/healthz")).send().await.unwrap().status(), 200);
    }
    assert!(closed_within(&mut idle[0], Duration::from_secs(2)).await.is_some(), "the oldest idle connection made room");
}
