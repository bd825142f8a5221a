//! The web UI, embedded in the binary (one file to deploy).
//!
//! Release builds embed `web/dist`; debug builds read it from disk, so `npm run build` is enough to
//! see UI changes. Unknown non-API paths get `index.html` so client-side routes survive a reload;
//! hashed files under `/assets/` are cached forever, `index.html` never.

use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct Assets;

pub async fn serve_ui(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") || path == "api" {
        return super::error::problem(StatusCode::NOT_FOUND, "not_found", "No such endpoint.", vec![]);
    }
    if let Some(file) = Assets::get(path).filter(|_| !path.is_empty()) {
        let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        return (
            [(header::CONTENT_TYPE, file.metadata.mimetype().to_string()), (header::CACHE_CONTROL, cache.to_string())],
            file.data,
        )
            .into_response();
    }
    if path.starts_with("assets/") {
        return (StatusCode::NOT_FOUND, "no such asset\n").into_response();
    }
    match Assets::get("index.html") {
        Some(index) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], index.data).into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The web UI was not built into this binary. Build it with `make run` (or `npm --prefix web ci && npm --prefix web run build`, then rebuild peergate).\n",
        )
            .into_response(),
    }
}
