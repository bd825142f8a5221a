//! DNS rebinding defence: a web page on the LAN can point a name it controls at the gateway and
//! then talk to the API as a same-origin page. Rebinding needs a *name*, so requests are answered
//! only when their `Host` is an IP literal, `localhost`, the host of `PEERGATE_PUBLIC_URL`, or a
//! name in `PEERGATE_ALLOWED_HOSTS` (`*` turns the check off, for a proxy that rewrites `Host`).
//! Any other host gets a problem+json 421; a request with no host at all, 400.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::error;
use crate::config::Config;

/// The host names this server answers for (besides IP literals and `localhost`).
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    names: Vec<String>,
    any: bool,
}

impl AllowedHosts {
    pub fn from_config(config: &Config) -> AllowedHosts {
        let mut names: Vec<String> = config.public_url.as_deref().and_then(url_host).into_iter().collect();
        let listed = config.allowed_hosts.as_deref().unwrap_or_default();
        names.extend(listed.split(',').map(|n| n.trim().to_ascii_lowercase()).filter(|n| !n.is_empty()));
        let any = names.iter().any(|n| n == "*");
        AllowedHosts { names, any }
    }

    fn allows(&self, host: &str) -> bool {
        let name = host_name(host).to_ascii_lowercase();
        self.any
            || name == "localhost"
            || name.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok()
            || self.names.contains(&name)
    }
}

/// `host[:port]` or `[v6][:port]` → the host part.
fn host_name(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match authority.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => authority,
    }
}

fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    Some(host_name(authority).to_ascii_lowercase())
}

pub async fn host_guard(State(allowed): State<Arc<AllowedHosts>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    match host {
        None => error::problem(StatusCode::BAD_REQUEST, "missing_host", "The request has no Host header.", vec![]),
        Some(host) if !allowed.allows(&host) => {
            let shown: String = host.chars().take(64).flat_map(char::escape_debug).collect();
            error::problem(
                StatusCode::MISDIRECTED_REQUEST,
                "misdirected_request",
                &format!(
                    "This server does not answer for the host `{shown}`. Reach it at its own address, or add the \
                     name to PEERGATE_ALLOWED_HOSTS."
                ),
                vec![],
            )
        }
        Some(_) => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_literals_localhost_and_configured_names_pass() {
        let config = Config {
            public_url: Some("https://gw.example.net:8443/".into()),
            allowed_hosts: Some("Router.lan, other.example".into()),
            ..Config::default()
        };
        let hosts = AllowedHosts::from_config(&config);
        for ok in [
            "127.0.0.1:8080",
            "192.168.1.1",
            "[::1]:8080",
            "[fd00::1]",
            "localhost:8080",
            "LOCALHOST",
            "gw.example.net",
            "gw.example.net:8443",
            "router.lan:80",
            "other.example",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for refused in ["evil.example", "rebind.attacker.example:8080", "gw.example.net.evil.example", "127.0.0.1.nip.io", ""] {
            assert!(!hosts.allows(refused), "{refused}");
        }
        let open = AllowedHosts::from_config(&Config { allowed_hosts: Some("*".into()), ..Config::default() });
        assert!(open.allows("anything.example"));
    }
}
