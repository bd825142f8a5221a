//! `GET /api/events`: Server-Sent Events with status snapshots, ping results, client changes and
//! host metrics. A subscriber that falls behind is disconnected (the browser's EventSource
//! reconnects by itself and the UI refetches), so a slow browser never slows the server.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::Stream;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::Problem;
use super::principal::Admin;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stream_events))
}

/// Live events: `status`, `ping`, `client`, `client_deleted`, `system`.
#[utoipa::path(get, path = "/api/events", tag = "system",
    responses((status = 200, content_type = "text/event-stream"), (status = 401, body = Problem)))]
async fn stream_events(State(state): State<AppState>, _admin: Admin) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let events = BroadcastStream::new(state.app.events.subscribe())
        // A lagged subscriber ends its stream here.
        .map_while(Result::ok)
        .map(|event| {
            let (name, data) = event.encode();
            Ok(SseEvent::default().event(name).data(data))
        });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
