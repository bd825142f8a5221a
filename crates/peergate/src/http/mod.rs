//! The HTTP server: routes from each feature module, the OpenAPI document built from the same
//! handlers, and the cross-cutting layers every request passes through.
//!
//! Layer order, outermost first: request id → trace span (every log line of the request carries
//! the id) → metrics → panic catcher → security headers → host guard → body limit → cross-site
//! guard → routes.
//! Unknown `/api` paths and wrong methods answer problem+json; other paths fall back to the UI.

pub mod alerts;
pub mod audit;
pub mod auth;
pub mod client_changes;
pub mod client_detail;
pub mod clients;
pub mod conditional;
pub mod dataplane;
pub mod error;
pub mod events;
pub mod host_guard;
pub mod pending;
pub mod principal;
pub mod spa;
pub mod system;
pub mod token_cache;
pub mod tokens;
pub mod users;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, FromRequestParts, MatchedPath, Request};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::app::AppContext;
use crate::db::Db;

/// The server's state: the application plus what only HTTP needs. Handlers take the part they
/// use (`State<AppContext>`, `State<Db>`, …) through `FromRef`.
#[derive(Clone)]
pub struct AppState {
    pub app: AppContext,
    /// Bounds concurrent argon2 verifications (memory and CPU under a login flood).
    pub hashing: Arc<Semaphore>,
    pub process_metrics: Arc<metrics_process::Collector>,
    pub token_cache: Arc<token_cache::TokenCache>,
    /// Open event streams per user (bounded).
    pub streams: Arc<events::StreamSlots>,
}

impl FromRef<AppState> for AppContext {
    fn from_ref(state: &AppState) -> AppContext {
        state.app.clone()
    }
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Db {
        state.app.db.clone()
    }
}

#[derive(OpenApi)]
#[openapi(info(title = "peergate", description = "WireGuard site gateway and operator access portal"))]
struct ApiDoc;

/// The whole application: API, operational endpoints, UI.
pub fn app(state: AppState) -> Router {
    let (routes, openapi) = api_routes().split_for_parts();
    let openapi = Arc::new(openapi);
    let body_limit = state.app.config.body_limit;
    let body_timeout = std::time::Duration::from_secs(state.app.config.body_timeout_secs);
    let allowed_hosts = Arc::new(host_guard::AllowedHosts::from_config(&state.app.config));

    let router = routes
        .route("/api/openapi.json", get(move || async move { axum::Json(openapi.as_ref().clone()) }))
        .route_layer(middleware::from_fn(tag_route))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(spa::serve_ui)
        .with_state(state)
        .layer(middleware::from_fn(principal::cross_site_guard))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(body_timeout))
        .layer(middleware::from_fn_with_state(allowed_hosts, host_guard::host_guard));
    with_security_headers(router)
        .layer(CatchPanicLayer::custom(|_| error::ApiError::Internal(anyhow::anyhow!("handler panicked")).into_response()))
        .layer(middleware::from_fn(track_metrics))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let id = request.extensions().get::<RequestId>().map(|r| r.0.as_str()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
                })
                // One line per request is debug: a dashboard polls every few seconds and would
                // bury what matters. Server errors are logged as errors (the default on_failure).
                .on_response(DefaultOnResponse::new().level(Level::DEBUG)),
        )
        .layer(middleware::from_fn(request_id))
}

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(system::router())
        .merge(auth::router())
        .merge(audit::router())
        .merge(clients::router())
        .merge(pending::router())
        .merge(dataplane::router())
        .merge(events::router())
        .merge(users::router())
        .merge(alerts::router())
        .merge(tokens::router())
}

/// The OpenAPI document served at `/api/openapi.json`, built from the handlers themselves. The
/// web UI's types are generated from its committed copy, `web/openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api_routes().split_for_parts().1
}

async fn method_not_allowed() -> Response {
    error::problem(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "This endpoint does not accept that method.", vec![])
}

/// CSP (no inline scripts or styles), no sniffing, no framing, no referrer, no caching of API
/// answers (the UI handler sets its own `Cache-Control`, which `if_not_present` keeps).
fn with_security_headers(router: Router) -> Router {
    const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";
    [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
    ]
    .into_iter()
    .fold(router, |router, (name, value): (HeaderName, &'static str)| {
        router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)))
    })
}

/// The request id of this request: the caller's `x-request-id` if it is sane, else a new UUID.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

const REQUEST_ID: &str = "x-request-id";

tokio::task_local! {
    /// The id of the request being answered, for bodies rendered far from any extractor (problems).
    static CURRENT_REQUEST_ID: String;
}

/// The id of the request this task is answering, if any.
pub fn current_request_id() -> Option<String> {
    CURRENT_REQUEST_ID.try_with(Clone::clone).ok()
}

async fn request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| (1..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b)))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = CURRENT_REQUEST_ID.scope(id.clone(), next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<RequestId, Self::Rejection> {
        Ok(parts.extensions.get::<RequestId>().cloned().unwrap_or_else(|| RequestId("-".into())))
    }
}

/// The route template a response came from, so metrics have bounded labels (never raw paths).
#[derive(Clone)]
struct RouteLabel(String);

async fn tag_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(RouteLabel(route));
    }
    response
}

/// Label values come from a closed set: a client may send any token as its method, and each new
/// label value is a series the recorder keeps forever.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

async fn track_metrics(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let response = next.run(request).await;
    let route = response.extensions().get::<RouteLabel>().map(|r| r.0.clone()).unwrap_or_else(|| "unmatched".into());
    let labels = [("method", method.to_string()), ("route", route), ("status", response.status().as_u16().to_string())];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}
