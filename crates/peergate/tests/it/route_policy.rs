//! What a hostile config must not get past, through the API: routes that take the gateway's own
//! traffic (near-full tunnels, wide interface addresses), overlaps with anything the gateway has,
//! names that firewall rules would read as patterns, privileged or bound listen ports. Each
//! refusal leaves nothing behind; the admin's explicit override of the public-route limit is
//! recorded with the client and in the audit log.

use peergate_core::client_policy::{GatewayNet, GatewayNetKind};
use serde_json::{Value, json};

use crate::support::fixtures::{conf, conf_with};
use crate::support::{TestApp, admin_app, assert_problem};

async fn assert_nothing_written(app: &TestApp) {
    assert_eq!(app.wg_files(), Vec::<String>::new(), "the WireGuard directory must stay empty");
    assert_eq!(app.client_count().await, 0);
}

/// "Everything but the LAN /24 and the endpoint /32": no default route, 50-odd prefixes.
fn near_full_tunnel() -> String {
    let mut nets: Vec<ipnet::Ipv4Net> = vec!["0.0.0.0/0".parse().unwrap()];
    for hole in ["10.201.0.0/24", "192.0.2.10/32"] {
        let hole: ipnet::Ipv4Net = hole.parse().unwrap();
        while let Some(i) = nets.iter().position(|n| n.contains(&hole) && *n != hole) {
            let n = nets.remove(i);
            nets.extend(n.subnets(n.prefix_len() + 1).unwrap());
        }
        nets.retain(|n| *n != hole);
    }
    nets.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

#[tokio::test]
async fn a_near_full_tunnel_waits_for_its_subnet_as_a_file_and_cannot_be_the_answer() {
    let (app, admin) = admin_app().await;
    let routes = near_full_tunnel();
    assert!(routes.split(", ").count() > 40, "{routes}");
    let body = assert_problem(admin.upload("site-a.conf", conf(&routes), &[]).await, 422, "needs_subnet").await;
    assert_eq!(body["reason"], "wide_public_route", "{body}");
    assert!(body["detail"].as_str().unwrap().contains("route public IPv4 space about the size of a /1"), "{body}");
    let pending = body["pending_id"].as_str().unwrap().to_string();
    assert_nothing_written(&app).await;

    // The same routes typed into the subnet prompt are refused; a real subnet is accepted.
    let answer = |subnet: &str| json!({ "subnet": subnet });
    let path = format!("/api/clients/pending/{pending}/subnet");
    let wide = assert_problem(admin.post(&path, &answer(&routes)).await, 422, "invalid_subnet").await;
    assert_eq!(wide["errors"][0]["field"], "subnet", "{wide}");
    assert_nothing_written(&app).await;
    let created = admin.post(&path, &answer("10.77.0.0/24")).await;
    assert_eq!(created.status(), 201);
}

#[tokio::test]
async fn an_admin_may_allow_a_wide_public_route_only_explicitly_and_it_is_audited() {
    let (app, admin) = admin_app().await;
    let body = assert_problem(admin.upload("site-a.conf", conf("8.0.0.0/8"), &[]).await, 422, "needs_subnet").await;
    assert_eq!(body["reason"], "wide_public_route");
    let bad = admin.upload("site-a.conf", conf("8.0.0.0/8"), &[("allow_wide_routes", "yes")]).await;
    assert_problem(bad, 422, "validation_failed").await;
    let res = admin.upload("site-a.conf", conf("8.0.0.0/8"), &[("allow_wide_routes", "true")]).await;
    assert_eq!(res.status(), 201);
    let client: Value = res.json().await.unwrap();
    let warning = client["warnings"].as_array().unwrap().iter().find(|w| w["code"] == "wide_route_allowed").cloned();
    assert!(warning.is_some_and(|w| w["message"].as_str().unwrap().starts_with("An admin allowed")), "{client}");
    let audit: Vec<Value> = admin.json("/api/audit?action=client.create").await;
    let entry = &audit[0];
    assert!(entry.to_string().contains("wide_route_allowed"), "the override is in the audit log: {entry}");

    // Never a full tunnel, override or not.
    let full = admin.upload("site-b.conf", conf("0.0.0.0/1, 128.0.0.0/1"), &[("allow_wide_routes", "true")]).await;
    let body = assert_problem(full, 422, "needs_subnet").await;
    assert_eq!(body["reason"], "full_tunnel");
    assert_eq!(app.client_count().await, 1);
}

#[tokio::test]
async fn every_prefix_counts_and_nothing_the_gateway_has_may_be_routed() {
    let (app, admin) = admin_app().await;
    let cases: &[(String, &str)] = &[
        (conf_with("10.77.0.0/24", "Address = 200.0.0.2/1"), "address_route"),
        (conf_with("10.77.0.0/24", "Address = fd00::2/0"), "address_route"),
        (conf_with("10.77.0.0/24", "Address = 198.18.0.9/24"), "address_overlap"),
        (conf("2001:db8:201::/48"), "subnet_overlap"),
        (conf("198.18.0.128/25"), "subnet_overlap"),
        (conf("169.254.169.254/32"), "special_range"),
        (conf("127.0.0.0/8"), "special_range"),
        (conf("169.254.0.0/16"), "special_range"),
        (conf("224.0.0.0/4"), "special_range"),
        (conf("240.0.0.0/4"), "special_range"),
        (conf("::1/128"), "special_range"),
        (conf("fe80::/10"), "special_range"),
        (conf("ff00::/8"), "special_range"),
        (conf("::ffff:0.0.0.0/96"), "special_range"),
        (conf_with("10.77.0.0/24", "ListenPort = 53"), "listen_port_privileged"),
        (conf_with("10.77.0.0/24", "ListenPort = 5353"), "listen_port_in_use"),
    ];
    for (text, code) in cases {
        let body = assert_problem(admin.upload("site-a.conf", text.as_str(), &[]).await, 422, code).await;
        assert!(body["errors"][0]["line"].is_number(), "the refusal names its line: {body}");
        assert_nothing_written(&app).await;
    }
}

#[tokio::test]
async fn names_that_firewall_rules_would_read_as_patterns_are_refused() {
    let (app, admin) = admin_app().await;
    for name in ["sec1-g+", "wan+", "eth*", "-i", "all", "help"] {
        let res = admin.upload("x.conf", conf("10.77.0.0/24"), &[("interface", name)]).await;
        let body = assert_problem(res, 422, "invalid_name").await;
        assert_eq!(body["errors"][0]["field"], "interface", "{name}: {body}");
        assert_nothing_written(&app).await;
    }
    // A file or display name that holds such characters gets a literal interface name.
    let res = admin.upload("sec1-g+.conf", conf("10.77.0.0/24"), &[]).await;
    let client: serde_json::Value = res.json().await.unwrap();
    assert_eq!((client["name"].as_str(), client["interface"].as_str()), (Some("sec1-g+"), Some("sec1-g")), "{client}");
}

#[tokio::test]
async fn activation_checks_the_routes_again_against_the_gateway_as_it_is_now() {
    let (app, admin) = admin_app().await;
    let id = admin.create_client("site-a", "10.77.0.0/24").await;
    // Since the upload, the gateway got an interface on the client's subnet.
    let added = GatewayNet { net: "10.77.0.1/24".parse().unwrap(), interface: "lan1".into(), kind: GatewayNetKind::Address };
    app.fakes.world().host.nets.push(added);
    let res = admin.post_empty(&format!("/api/clients/{id}/activate")).await;
    let body = assert_problem(res, 422, "activation_failed").await;
    assert!(body["detail"].as_str().unwrap().contains("overlaps the gateway's address 10.77.0.1/24 on lan1"), "{body}");
    assert!(app.fakes.world().up.is_empty(), "nothing was brought up");
}

#[tokio::test]
async fn a_private_key_pasted_into_another_field_is_never_quoted_back() {
    use crate::support::fixtures::PRIVATE_KEY as KEY;
    let (app, admin) = admin_app().await;
    let hex_key = "0a".repeat(32);
    let files = [
        conf_with("10.77.0.0/24", &format!("MTU = {KEY}")),
        conf_with("10.77.0.0/24", &format!("Address = {KEY}")),
        conf_with("10.77.0.0/24", &format!("Address = 10.204.0.3/{KEY}")),
        conf_with("10.77.0.0/24", &format!("DNS = {KEY}")),
        conf_with("10.77.0.0/24", &format!("ListenPort = {KEY}")),
        conf(&format!("10.77.0.0/24, {KEY}")),
        conf(&format!("{KEY}/24")),
        conf("10.77.0.0/24").replace("Endpoint = 192.0.2.10:51820", &format!("Endpoint = {KEY}:51820")),
        conf("10.77.0.0/24").replace("Endpoint = 192.0.2.10:51820", &format!("Endpoint = 192.0.2.10:{KEY}")),
    ];
    let mut responses = Vec::new();
    for text in &files {
        responses.push(admin.upload("site-a.conf", text.as_str(), &[]).await);
    }
    for (field, value) in [("name", KEY), ("interface", KEY), ("subnet", KEY), ("subnet", hex_key.as_str()), ("probe_host", KEY)]
    {
        responses.push(admin.upload("site-a.conf", conf("0.0.0.0/0"), &[(field, value)]).await);
    }
    let pending = assert_problem(admin.upload("site-b.conf", conf("0.0.0.0/0"), &[]).await, 422, "needs_subnet").await;
    let path = format!("/api/clients/pending/{}/subnet", pending["pending_id"].as_str().unwrap());
    responses.push(admin.post(&path, &json!({ "subnet": KEY })).await);
    responses.push(admin.post(&path, &json!({ "subnet": "10.77.0.0/24", "probe_host": hex_key })).await);
    for res in responses {
        let status = res.status();
        let body = res.text().await.unwrap();
        assert!((400..500).contains(&status.as_u16()), "{status}: {body}");
        assert!(!body.contains(KEY) && !body.contains(KEY.trim_end_matches('=')), "the key is quoted back: {body}");
        assert!(!body.contains(&hex_key), "the hex key is quoted back: {body}");
    }
    assert_nothing_written(&app).await;
    let audit: Vec<Value> = admin.json("/api/audit").await;
    assert!(!serde_json::to_string(&audit).unwrap().contains(KEY.trim_end_matches('=')), "the key reached the audit log");
}
