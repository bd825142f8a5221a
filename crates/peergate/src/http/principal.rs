//! Who is calling: the `Principal` extractor (session cookie or bearer token) and `Admin`.
//!
//! CSRF protection lives here because it depends on how the caller authenticated: a request
//! authenticated by the session cookie that changes state must carry the session's CSRF token in
//! `X-CSRF-Token`; a bearer-token request cannot be forged by another site and is exempt. Every
//! state-changing endpoint takes a `Principal` (or `Admin`), so none can forget the check.
//! `cross_site_guard` adds a second, session-independent layer: browsers' `Sec-Fetch-Site` and
//! `Origin` headers must not say the request came from another site.

use axum::extract::{FromRef, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use peergate_core::account::{Role, looks_like_api_token};
use subtle::ConstantTimeEq;

use super::AppState;
use super::error::ApiError;
use crate::credentials::digest;
use crate::db::audit::Actor;
use crate::db::users::User;
use crate::db::{self, sessions, tokens};

pub const SESSION_COOKIE: &str = "peergate_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// A token's `last_used_at` is written at most this often, so authenticated reads stay reads (the
/// cache in `token_cache` makes it coarser still: a cached token is not touched).
const TOKEN_TOUCH_EVERY_SECS: i64 = 60;

#[derive(Debug, Clone)]
pub enum AuthVia {
    Session { id_hash: String, csrf_token: String },
    Token { token_id: i64 },
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub via: AuthVia,
}

impl Principal {
    pub fn csrf_token(&self) -> Option<&str> {
        match &self.via {
            AuthVia::Session { csrf_token, .. } => Some(csrf_token),
            AuthVia::Token { .. } => None,
        }
    }

    /// Whether the login behind this principal still holds (the session was not ended or expired,
    /// the token not revoked or expired, the user not disabled). For responses that outlive their
    /// request, such as event streams. A database error counts as "no".
    pub async fn still_valid(&self, db: &db::Db) -> bool {
        let now = db::now();
        match &self.via {
            AuthVia::Session { id_hash, .. } => matches!(sessions::find(db, id_hash, now).await, Ok(Some(_))),
            AuthVia::Token { token_id } => matches!(tokens::is_live(db, *token_id, now).await, Ok(true)),
        }
    }
}

/// A principal with the admin role (403 otherwise).
#[derive(Debug, Clone)]
pub struct Admin(pub Principal);

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

impl<S> FromRequestParts<S> for Principal
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Principal, ApiError> {
        if let Some(principal) = parts.extensions.get::<Principal>() {
            return Ok(principal.clone());
        }
        let state = AppState::from_ref(state);
        let now = db::now();
        let principal = if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|t| looks_like_api_token(t))
                .ok_or_else(invalid_token)?;
            let token_digest = digest(token);
            let auth = match state.token_cache.get(&token_digest, now) {
                Some(auth) => auth,
                None => {
                    let auth = tokens::authenticate(&state.app.db, &token_digest, now).await?.ok_or_else(invalid_token)?;
                    if auth.last_used_at.is_none_or(|t| now - t >= TOKEN_TOUCH_EVERY_SECS) {
                        tokens::touch(&state.app.db, auth.token_id, now).await?;
                    }
                    state.token_cache.insert(token_digest, auth.clone());
                    auth
                }
            };
            Principal { user: auth.user, via: AuthVia::Token { token_id: auth.token_id } }
        } else if let Some(session_id) = session_cookie(&parts.headers) {
            let id_hash = digest(session_id);
            let row = sessions::find(&state.app.db, &id_hash, now).await?.ok_or_else(|| ApiError::Unauthorized {
                code: "session_expired",
                detail: "Your session has ended; sign in again.".into(),
            })?;
            if !is_safe(&parts.method) {
                check_csrf(&parts.headers, &row.csrf_token)?;
            }
            Principal { user: row.user, via: AuthVia::Session { id_hash, csrf_token: row.csrf_token } }
        } else {
            return Err(ApiError::unauthenticated());
        };
        parts.extensions.insert(principal.clone());
        Ok(principal)
    }
}

impl<S> FromRequestParts<S> for Admin
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Admin, ApiError> {
        let principal = Principal::from_request_parts(parts, state).await?;
        if principal.user.role != Role::Admin {
            return Err(ApiError::forbidden("This needs an admin account."));
        }
        Ok(Admin(principal))
    }
}

/// The caller as the audit log names them: the principal's user name and this request's id.
impl<S> FromRequestParts<S> for Actor
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Actor, ApiError> {
        let principal = Principal::from_request_parts(parts, state).await?;
        let request_id = parts.extensions.get::<super::RequestId>().map(|r| r.0.as_str());
        Ok(Actor::user(&principal.user.username, request_id))
    }
}

fn invalid_token() -> ApiError {
    ApiError::Unauthorized { code: "invalid_token", detail: "The API token is unknown, revoked or expired.".into() }
}

fn check_csrf(headers: &HeaderMap, expected: &str) -> Result<(), ApiError> {
    let sent = headers.get(CSRF_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    if bool::from(sent.ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::Forbidden {
            code: "csrf_failed",
            detail: "The request lacks a valid CSRF token; reload the page and try again.".into(),
        })
    }
}

/// Refuses state-changing browser requests that another site initiated (login CSRF included,
/// which no session token can cover). Bearer-token requests are not sent by browsers on their own.
pub async fn cross_site_guard(request: Request, next: Next) -> Response {
    let headers = request.headers();
    if !is_safe(request.method()) && !headers.contains_key(header::AUTHORIZATION) && is_cross_site(headers) {
        return axum::response::IntoResponse::into_response(ApiError::Forbidden {
            code: "csrf_failed",
            detail: "Cross-site requests are not accepted.".into(),
        });
    }
    next.run(request).await
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if let Some(site) = fetch_site {
        return !matches!(site, "same-origin" | "none");
    }
    // Older browsers: compare Origin's host with Host.
    match (headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()), headers.get(header::HOST).and_then(|v| v.to_str().ok())) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) != Some(host),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn cross_site_detection() {
        assert!(!is_cross_site(&headers(&[])));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!is_cross_site(&headers(&[("origin", "http://gw:8080"), ("host", "gw:8080")])));
        assert!(is_cross_site(&headers(&[("origin", "http://evil.example"), ("host", "gw:8080")])));
        assert!(is_cross_site(&headers(&[("origin", "null"), ("host", "gw:8080")])));
    }

    #[test]
    fn session_cookie_is_found_among_others() {
        let h = headers(&[("cookie", "a=1; peergate_session=abc; b=2")]);
        assert_eq!(session_cookie(&h), Some("abc"));
        assert_eq!(session_cookie(&headers(&[("cookie", "peergate_sessionx=1")])), None);
    }
}
