//! `GET /api/events`: Server-Sent Events with status snapshots, ping results, client changes and
//! host metrics. A subscriber that falls behind is disconnected (the browser's EventSource
//! reconnects by itself and the UI refetches), so a slow browser never slows the server.
//!
//! A stream outlives its request, so it also ends when the login behind it ends (logout, session
//! expiry, token revoked — checked every few seconds, within the token cache window) and when the
//! server shuts down. Each user may hold at most [`MAX_STREAMS_PER_USER`] streams at once.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::Stream;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ApiError, Problem};
use super::principal::Admin;

/// Enough for a few browser tabs and a script; a leaked or hostile client cannot hold more.
pub const MAX_STREAMS_PER_USER: usize = 8;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stream_events))
}

/// Open streams per user id.
#[derive(Default)]
pub struct StreamSlots(Mutex<HashMap<i64, usize>>);

/// One open stream; dropping it (the stream ended or the client went away) frees the slot.
pub struct StreamSlot {
    slots: Arc<StreamSlots>,
    user_id: i64,
}

impl StreamSlots {
    fn open(self: &Arc<Self>, user_id: i64) -> Option<StreamSlot> {
        let mut open = self.0.lock().expect("stream slots");
        let count = open.entry(user_id).or_default();
        if *count >= MAX_STREAMS_PER_USER {
            return None;
        }
        *count += 1;
        Some(StreamSlot { slots: self.clone(), user_id })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.slots.0.lock().expect("stream slots");
        if let Some(count) = open.get_mut(&self.user_id) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.user_id);
            }
        }
    }
}

/// Live events: `status`, `ping`, `client`, `client_deleted`, `system`, `alert`.
#[utoipa::path(get, path = "/api/events", tag = "system",
    responses((status = 200, content_type = "text/event-stream"), (status = 401, body = Problem),
              (status = 429, description = "too many open streams for this user", body = Problem)))]
async fn stream_events(
    State(state): State<AppState>,
    Admin(principal): Admin,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let slot = state.streams.open(principal.user.id).ok_or(ApiError::RateLimited { retry_after_secs: 5 })?;
    let every = Duration::from_secs(state.app.config.token_cache_secs.clamp(1, 5));
    let (db, shutdown) = (state.app.db.clone(), state.app.shutdown.clone());
    let ended = async move {
        let login_ended = async {
            loop {
                tokio::time::sleep(every).await;
                if !principal.still_valid(&db).await {
                    break;
                }
            }
        };
        tokio::select! { () = shutdown.wait() => {}, () = login_ended => {} }
    };
    let events = BroadcastStream::new(state.app.events.subscribe())
        // A lagged subscriber ends its stream here.
        .map_while(Result::ok)
        .map(move |event| {
            let _held = &slot;
            let (name, data) = event.encode();
            Ok(SseEvent::default().event(name).data(data))
        });
    let events = futures_util::StreamExt::take_until(events, Box::pin(ended));
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
