//! Request headers that shape a cached answer: `If-None-Match` (RFC 9110 §13.1.2) and
//! `Accept-Encoding` (§12.5.3), read strictly enough that a hostile value changes nothing.

use axum::http::{HeaderMap, header};

/// Whether `If-None-Match` names `etag` (or is `*`). Weak and strong forms compare alike, as the
/// weak comparison this header uses says.
pub fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|tag| {
        let tag = tag.trim();
        tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag
    })
}

/// Whether `Accept-Encoding` admits gzip: listed (or `*`) without `q=0`.
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut gzip = None;
    let mut any = None;
    for coding in headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')) {
        let mut parts = coding.split(';');
        let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            let p = p.trim().to_ascii_lowercase();
            p.strip_prefix("q=").is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0))
        });
        match name.as_str() {
            "gzip" | "x-gzip" => gzip = Some(!refused),
            "*" => any = Some(!refused),
            _ => {}
        }
    }
    gzip.or(any).unwrap_or(false)
}
