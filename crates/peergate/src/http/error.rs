//! `ApiError`: every failure an endpoint can answer with, rendered as `application/problem+json`
//! (RFC 9457) with a stable machine `code` and a human `detail`.
//!
//! Database and internal errors become one generic 500 that is logged once, inside the request's
//! span (so with its request id); their text never reaches the client. Extractor rejections (bad
//! JSON, missing fields, oversized bodies, bad query strings) are mapped here too, so no endpoint
//! ever answers with axum's plain-text defaults.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    /// The line of an uploaded file the error points at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be read at all (malformed JSON, bad query string).
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// 401: no valid session or token, or wrong credentials.
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    /// 403: authenticated but not allowed, or a CSRF check failed.
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    #[error("{0}")]
    NotFound(String),
    /// 409: the change conflicts with what exists (a taken name, an operation in progress).
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// 413
    #[error("{0}")]
    TooLarge(String),
    /// 422: the request was read but its content is invalid; `errors` names the fields.
    /// `extra` adds members to the problem body (e.g. `pending_id` for `needs_subnet`).
    #[error("{detail}")]
    Unprocessable {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
        extra: serde_json::Map<String, serde_json::Value>,
    },
    /// 429 with `Retry-After`.
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: i64 },
    /// 500: logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The problem+json body (also the OpenAPI schema of every error response).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub code: String,
    pub detail: String,
    /// The request's id (also in the `x-request-id` header and every log line of the request):
    /// quote it when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Problem-specific members, e.g. `pending_id` with `code: "needs_subnet"`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ApiError {
    pub fn validation(field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::Unprocessable {
            code: "validation_failed",
            detail: format!("{field}: {message}"),
            errors: vec![FieldError { field: field.into(), line: None, message }],
            extra: Default::default(),
        }
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::Unauthorized { code: "unauthenticated", detail: "Sign in first.".into() }
    }

    pub fn forbidden(detail: impl Into<String>) -> ApiError {
        ApiError::Forbidden { code: "forbidden", detail: detail.into() }
    }

    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            ApiError::Unauthorized { code, .. } => (StatusCode::UNAUTHORIZED, code),
            ApiError::Forbidden { code, .. } => (StatusCode::FORBIDDEN, code),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> ApiError {
        ApiError::Internal(anyhow::Error::new(err).context("database query"))
    }
}

/// Renders any problem response; also used for routes that have no `ApiError` (fallbacks).
pub fn problem(status: StatusCode, code: &str, detail: &str, errors: Vec<FieldError>) -> Response {
    problem_with(status, code, detail, errors, Default::default())
}

fn problem_with(
    status: StatusCode,
    code: &str,
    detail: &str,
    errors: Vec<FieldError>,
    extra: serde_json::Map<String, serde_json::Value>,
) -> Response {
    let body = Problem {
        kind: format!("urn:peergate:problem:{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        code: code.to_string(),
        detail: detail.to_string(),
        request_id: super::current_request_id(),
        errors,
        extra,
    };
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        let retry_after = match &self {
            ApiError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let (detail, errors, extra) = match self {
            ApiError::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "internal error");
                ("Something went wrong on the gateway; the error was logged.".to_string(), Vec::new(), Default::default())
            }
            ApiError::Unprocessable { detail, errors, extra, .. } => (detail, errors, extra),
            other => (other.to_string(), Vec::new(), Default::default()),
        };
        let mut response = problem_with(status, code, &detail, errors, extra);
        if let Some(secs) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let detail = rejection.body_text();
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge("The request body is too large.".into()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::BadRequest {
                code: "unsupported_media_type",
                detail: "Send the body as JSON with `Content-Type: application/json`.".into(),
            },
            StatusCode::UNPROCESSABLE_ENTITY => ApiError::Unprocessable {
                code: "validation_failed",
                detail: detail.clone(),
                errors: vec![FieldError { field: field_of(&detail), line: None, message: detail }],
                extra: Default::default(),
            },
            _ => ApiError::BadRequest { code: "malformed_json", detail },
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::BadRequest { code: "bad_query", detail: rejection.body_text() }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::BadRequest { code: "bad_path", detail: rejection.body_text() }
    }
}

/// serde names the field in "missing field `password`"; pull it out for `errors[].field`.
fn field_of(detail: &str) -> String {
    detail.split('`').nth(1).unwrap_or("body").to_string()
}

/// `Json<T>` whose rejections are problem+json.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `Query<T>` whose rejections are problem+json.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `Path<T>` whose rejections are problem+json.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

impl From<crate::accounts::AccountError> for ApiError {
    fn from(err: crate::accounts::AccountError) -> ApiError {
        use crate::accounts::AccountError;
        match err {
            AccountError::Conflict(detail) => ApiError::Conflict { code: "user_exists", detail },
            AccountError::Disabled(_) => ApiError::Conflict { code: "user_disabled", detail: err.to_string() },
            AccountError::NoSuchUser(_) | AccountError::NoSuchToken(_) => ApiError::NotFound(err.to_string()),
            AccountError::LastAdmin(_) => ApiError::Conflict { code: "last_admin", detail: err.to_string() },
            AccountError::Internal(err) => ApiError::Internal(err),
        }
    }
}
