//! The login under attack: parallel guesses cannot race the throttle, and guesses from anywhere
//! cannot keep the account's owner out. Loopback has a whole /8, so each "address" is a client
//! bound to its own 127.x address.

use std::net::IpAddr;

use futures_util::future::join_all;
use peergate_core::account::Role;
use serde_json::json;

use crate::support::{PASSWORD, TestApp, assert_problem};

fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder().local_address(ip.parse::<IpAddr>().unwrap()).build().unwrap()
}

async fn login(app: &TestApp, from: &reqwest::Client, username: &str, password: &str) -> reqwest::Response {
    from.post(app.url("/api/auth/login")).json(&json!({"username": username, "password": password})).send().await.unwrap()
}

/// How many of these logins were verified (401) and how many refused before hashing (429).
async fn verified_and_refused(responses: Vec<reqwest::Response>) -> (usize, usize) {
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");
    (statuses.iter().filter(|s| **s == 401).count(), statuses.iter().filter(|s| **s == 429).count())
}

#[tokio::test]
async fn parallel_wrong_passwords_are_verified_at_most_the_limit() {
    // Room for 300 parallel connections from one address: this test is about the throttle.
    let app = TestApp::spawn_with(|c| c.max_connections_per_ip = 512).await;
    app.create_user("admin", Role::Admin).await;
    let attacker = client_from("127.0.0.1");
    let guesses = (0..300).map(|i| login(&app, &attacker, "admin", if i % 2 == 0 { "guess" } else { "guess2" }));
    let (verified, refused) = verified_and_refused(join_all(guesses).await).await;
    assert_eq!((verified, refused), (5, 295), "per account and address: 5 verified");

    // One address spraying 60 accounts at once: the address limit (20) holds.
    let sprayer = client_from("127.0.0.9");
    let names: Vec<String> = (0..60).map(|i| format!("user{i}")).collect();
    let spray = names.iter().map(|name| login(&app, &sprayer, name, "guess"));
    let (verified, refused) = verified_and_refused(join_all(spray).await).await;
    assert_eq!((verified, refused), (20, 40), "per address: 20 verified");
    let failed = app.db_audit_actions().await.iter().filter(|a| *a == "auth.login_failed").count();
    assert_eq!(failed, 25, "only verified attempts are failures in the audit log");
}

#[tokio::test]
async fn guesses_from_anywhere_cannot_keep_the_owner_out() {
    let app = TestApp::spawn().await;
    app.create_user("admin", Role::Admin).await;
    let attacker = client_from("127.0.0.1");
    // Case variants are the same account.
    for name in ["admin", "Admin", "ADMIN", "admin", "aDmin"] {
        assert_eq!(login(&app, &attacker, name, "guess").await.status(), 401);
    }
    assert_problem(login(&app, &attacker, "admin", PASSWORD).await, 429, "rate_limited").await;
    // A botnet: many more addresses, a few guesses each, all at once.
    let bots: Vec<reqwest::Client> = (2..40).map(|n| client_from(&format!("127.0.1.{n}"))).collect();
    let (verified, _) = verified_and_refused(join_all(bots.iter().map(|b| login(&app, b, "admin", "guess"))).await).await;
    assert!(verified <= 2, "past the account limit its attempts are spaced a second apart: {verified} verified");

    // The owner, from an address with no failures of its own, gets in (after at most a short back-off).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let owner = client_from("127.0.0.2");
    let res = login(&app, &owner, "admin", PASSWORD).await;
    assert_eq!(res.status(), 200, "the owner is not locked out");
    // The guessing address stays limited by its own record, the owner's success notwithstanding.
    assert_problem(login(&app, &attacker, "admin", PASSWORD).await, 429, "rate_limited").await;
    assert_eq!(login(&app, &client_from("127.0.0.3"), "admin", PASSWORD).await.status(), 200);
}
