//! `GET /api/events`: Server-Sent Events with status snapshots and changes, ping results, client
//! changes and host metrics. Every frame is encoded once for all subscribers (see `events.rs`);
//! this only copies references to it. A subscriber that falls behind gets `resync` and is
//! disconnected (the browser's EventSource reconnects by itself and the UI refetches), so a slow
//! browser never slows the server or grows its memory.
//!
//! A stream outlives its request, so it also ends when the login behind it ends (logout, session
//! expiry, token revoked — checked every few seconds, within the token cache window) and when the
//! server shuts down. Each user may hold at most [`MAX_STREAMS_PER_USER`] streams at once.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderName, header};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ApiError, Problem};
use super::principal::Admin;
use crate::events::{Event, Frame};

/// Enough for a few browser tabs and a script; a leaked or hostile client cannot hold more.
pub const MAX_STREAMS_PER_USER: usize = 8;

/// A comment is sent after this long without an event.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

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

/// Live events: `status` (a full snapshot first, then what changed), `ping`, `client`,
/// `client_deleted`, `system`, `alert`, and `resync` before a subscriber that fell behind is
/// dropped.
#[utoipa::path(get, path = "/api/events", tag = "system",
    responses((status = 200, content_type = "text/event-stream"), (status = 401, body = Problem),
              (status = 429, description = "too many open streams for this user", body = Problem)))]
async fn stream_events(State(state): State<AppState>, Admin(principal): Admin) -> Result<Response, ApiError> {
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
    // Subscribed before the snapshot is taken, so no change falls between the two (one that is
    // in both is applied twice, which changes nothing).
    let receiver = state.app.events.subscribe();
    let snapshot = state.app.roster.status_snapshot();
    let frames = stream::once(async move { snapshot.0 }).chain(stream::unfold(Some(receiver), next_frame));
    let frames = stream::StreamExt::take_until(frames, Box::pin(ended)).map(move |bytes| {
        let _held = &slot;
        Ok::<_, Infallible>(bytes)
    });
    let headers = [
        (header::CONTENT_TYPE, "text/event-stream"),
        (header::CACHE_CONTROL, "no-cache"),
        // A reverse proxy (nginx) must pass each frame on at once.
        (HeaderName::from_static("x-accel-buffering"), "no"),
    ];
    Ok((headers, Body::from_stream(frames)).into_response())
}

/// The next bytes of a stream: the next frame as encoded once for everyone, a comment after
/// [`KEEP_ALIVE`] of silence (proxies and browsers keep the connection), or — for a subscriber
/// that fell behind — a `resync` frame and the end.
async fn next_frame(receiver: Option<Receiver<Frame>>) -> Option<(Bytes, Option<Receiver<Frame>>)> {
    let mut receiver = receiver?;
    match tokio::time::timeout(KEEP_ALIVE, receiver.recv()).await {
        Err(_silence) => Some((Bytes::from_static(b":\n\n"), Some(receiver))),
        Ok(Ok(frame)) => Some((frame.0, Some(receiver))),
        Ok(Err(RecvError::Lagged(_))) => Some((Event::Resync.frame().0, None)),
        Ok(Err(RecvError::Closed)) => None,
    }
}
