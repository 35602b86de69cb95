//! Request extractors that turn every malformed request into a documented 4xx: JSON bodies
//! (with the path of the offending field), path ids and query strings.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};
use canvass_protocol::ErrorCode;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

/// A JSON body of type `T`, read up to the configured limit and deserialised with the path of
/// any failing field: `{"error":{"code":"invalid_type","field":"unit_id",...}}`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map_or(256 * 1024, |s| s.settings.max_json_bytes);
        let body = read_json_body(req, payload, limit);
        Box::pin(async move { parse_json(&body.await?).map(ApiJson) })
    }
}

/// Reads a JSON request body of at most `limit` bytes: 415 unless the content type is JSON,
/// 413 when it is larger (declared or sent).
pub fn read_json_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> Pin<Box<dyn Future<Output = Result<web::Bytes, ApiError>>>> {
    let content_type_ok = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let essence = v.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("application/json")
        });
    let declared_too_large = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > limit);
    let mut payload = payload.take();
    Box::pin(async move {
        if !content_type_ok {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        if declared_too_large {
            return Err(too_large(limit));
        }
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::bad_request(
                    ErrorCode::MalformedJson,
                    format!("the request body could not be read: {e}"),
                )
            })?;
            if body.len() + chunk.len() > limit {
                return Err(too_large(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    })
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
        format!("the body is larger than the {limit} bytes this endpoint accepts"),
    )
}

/// Deserialises `bytes` as `T`, mapping every failure to a 4xx with a stable code and field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Well-formedness first, so a broken body is reported as such whatever its first fields say.
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map_err(|e| json_error(&e, ".", false))?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        json_error(e.inner(), &path, true)
    })?;
    Ok(value)
}

/// Maps a serde error to an API error. Once the body is known to be well-formed, a "syntax"
/// error can only mean a value of the wrong shape (serde_json reports a number given for an
/// enum that way).
fn json_error(e: &serde_json::Error, path: &str, well_formed: bool) -> ApiError {
    use serde_json::error::Category;
    let field = (path != ".").then(|| path.to_string());
    let message = e.to_string();
    let (code, field) = match e.classify() {
        Category::Syntax | Category::Eof | Category::Io if !well_formed => {
            (ErrorCode::MalformedJson, None)
        }
        Category::Syntax | Category::Eof | Category::Io => (ErrorCode::InvalidType, field),
        Category::Data => {
            // for an unknown field the path already ends with its name; for a missing one it
            // names the enclosing object
            if let Some(name) = backticked(&message, "unknown field `") {
                (ErrorCode::UnknownField, field.or(Some(name)))
            } else if let Some(name) = backticked(&message, "missing field `") {
                (
                    ErrorCode::MissingField,
                    Some(join_path(field.as_deref(), &name)),
                )
            } else if message.starts_with("duplicate key `") {
                (ErrorCode::DuplicateKey, field)
            } else if message.starts_with("invalid type") || message.starts_with("invalid length") {
                (ErrorCode::InvalidType, field)
            } else {
                (ErrorCode::InvalidValue, field)
            }
        }
    };
    // serde's message ends with " at line L column C", which helps with syntax errors only
    let message = if code == ErrorCode::MalformedJson {
        format!("the body is not valid JSON: {message}")
    } else if well_formed && e.classify() != Category::Data {
        "this value has the wrong type".to_string()
    } else {
        message
            .rsplit_once(" at line ")
            .map_or(message.clone(), |(m, _)| m.to_string())
    };
    let mut err = ApiError::bad_request(code, message);
    if let Some(field) = field {
        err = err.with_field(field);
    }
    err
}

fn backticked(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    rest.split_once('`').map(|(name, _)| name.to_string())
}

fn join_path(parent: Option<&str>, name: &str) -> String {
    match parent {
        Some(p) => format!("{p}.{name}"),
        None => name.to_string(),
    }
}

/// Handler for `web::PathConfig`: a malformed id is a 400 `invalid_id`, never a 404 or 500.
pub fn path_error(err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request(
        ErrorCode::InvalidId,
        format!("the path is not valid: {err}"),
    )
    .with_field("id")
    .into()
}

/// Handler for `web::QueryConfig`.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &HttpRequest,
) -> actix_web::Error {
    ApiError::bad_request(
        ErrorCode::InvalidQuery,
        format!("the query string is not valid: {err}"),
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Probe {
        name: String,
        count: i64,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        flag: bool,
    }

    fn code_and_field(body: &str) -> (ErrorCode, Option<String>) {
        let err = parse_json::<Probe>(body.as_bytes()).unwrap_err();
        let response = actix_web::ResponseError::error_response(&err);
        assert!(response.status().is_client_error());
        (err.code(), err_field(&err))
    }

    fn err_field(err: &ApiError) -> Option<String> {
        let text = format!("{err:?}");
        text.split("field: Some(\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(ToString::to_string)
    }

    #[test]
    fn json_failures_get_codes_and_fields() {
        assert_eq!(code_and_field("{").0, ErrorCode::MalformedJson);
        assert_eq!(code_and_field("").0, ErrorCode::MalformedJson);
        assert_eq!(
            code_and_field("{\"name\":\"a\",\"count\":1} x").0,
            ErrorCode::MalformedJson
        );
        assert_eq!(
            code_and_field("{\"name\":\"a\",\"count\":\"1\"}"),
            (ErrorCode::InvalidType, Some("count".into()))
        );
        assert_eq!(
            code_and_field("{\"name\":\"a\",\"count\":1,\"extra\":2}"),
            (ErrorCode::UnknownField, Some("extra".into()))
        );
        assert_eq!(
            code_and_field("{\"name\":\"a\"}"),
            (ErrorCode::MissingField, Some("count".into()))
        );
        assert_eq!(
            code_and_field("{\"name\":\"a\",\"count\":1,\"inner\":{\"flag\":1}}"),
            (ErrorCode::InvalidType, Some("inner.flag".into()))
        );
        assert_eq!(
            code_and_field("{\"name\":\"a\",\"count\":1,\"inner\":{\"flag\":true,\"x\":1}}"),
            (ErrorCode::UnknownField, Some("inner.x".into()))
        );
        assert_eq!(code_and_field("[1,2]").0, ErrorCode::InvalidType);
    }
}
