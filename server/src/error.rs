//! The API error: a status, a stable code from `canvass_protocol`, a message and maybe a field.
//! 5xx answers say nothing internal; their cause is logged here.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use canvass_protocol::{ErrorBody, ErrorCode};

use crate::db::StoreError;

/// An error answer of the JSON API.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error with an explicit status.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody::new(code, message),
            retry_after: None,
        }
    }

    /// An error with a prepared body (several problems at once).
    pub fn from_body(status: StatusCode, body: ErrorBody) -> Self {
        Self {
            status,
            body,
            retry_after: None,
        }
    }

    /// Names the field at fault.
    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.body.error.field = Some(field.into());
        self
    }

    /// Adds a `Retry-After` header (seconds).
    #[must_use]
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// 400 with the given code.
    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 422 `invalid_value` naming `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidValue,
            message,
        )
        .with_field(field)
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("no such {what}"),
        )
    }

    /// 403 `forbidden`: the role may not do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message)
    }

    /// 403 `out_of_scope`: the object lies outside the caller's unit subtree.
    pub fn out_of_scope() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            ErrorCode::OutOfScope,
            "this lies outside the units your account is responsible for",
        )
    }

    /// 401 with the given code.
    pub fn unauthorized(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 500; the cause goes to the log, the client sees a generic message.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::internal_logged()
    }

    /// 500 for a cause the caller has logged already: one failure that fails many requests
    /// is logged once, not once per request.
    pub fn internal_logged() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::InternalError,
            "the server failed to handle this request; the error has been logged",
        )
    }

    /// 503; the cause goes to the log.
    pub fn unavailable(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "service unavailable");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::ServiceUnavailable,
            "the server cannot reach its database right now; try again shortly",
        )
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable code.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        self.body.error.code
    }

    /// Every problem the answer reports: the `errors` list, or the one `error`.
    #[must_use]
    pub fn details(&self) -> Vec<canvass_protocol::ErrorDetail> {
        if self.body.errors.is_empty() {
            vec![self.body.error.clone()]
        } else {
            self.body.errors.clone()
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.body.error.code, self.body.error.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        if let Some(secs) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        response.json(&self.body)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found("object"),
            StoreError::UniqueViolation(_) => ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                "this conflicts with an existing object",
            ),
            StoreError::Pool(e) => ApiError::unavailable(&e),
            StoreError::Query(e) => ApiError::internal(&e),
            StoreError::Sync(e) => ApiError::internal(&e),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(&e)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::from(e).into()
    }
}
