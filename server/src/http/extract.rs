//! Request extractors that turn every malformed request into a documented 4xx: JSON bodies
//! (with the path of the offending field), path ids, query strings and the bearer token.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use canvass_protocol::{msg, ErrorCode};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::domain::auth::{authenticate, Caller};
use crate::domain::error::{Error, Kind};
use crate::http::error::ApiError;
use crate::http::state::AppState;

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
        Box::pin(async move { Ok(parse_json(&body.await?).map(ApiJson)?) })
    }
}

/// Reads a JSON request body of at most `limit` bytes: refused unless the content type is
/// JSON, and when it is larger (declared or sent).
pub fn read_json_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> Pin<Box<dyn Future<Output = Result<web::Bytes, Error>>>> {
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
            return Err(Error::new(
                Kind::UnsupportedFormat,
                ErrorCode::UnsupportedMediaType,
                ErrorCode::UnsupportedMediaType.message(),
            ));
        }
        if declared_too_large {
            return Err(too_large(limit));
        }
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| {
                Error::new(
                    Kind::Malformed,
                    ErrorCode::MalformedJson,
                    msg!("error-body-unreadable", detail = e.to_string()),
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

/// Reads a file sent as the raw request body (an XLSX or CSV upload), of at most `limit` bytes.
pub async fn read_file_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::Bytes, Error> {
    let declared_too_large = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > limit);
    if declared_too_large {
        return Err(too_large(limit));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            Error::new(
                Kind::Malformed,
                ErrorCode::MalformedJson,
                msg!("error-body-unreadable", detail = e.to_string()),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn too_large(limit: usize) -> Error {
    Error::new(
        Kind::TooLarge,
        ErrorCode::PayloadTooLarge,
        msg!("error-body-too-large", limit = limit),
    )
}

/// Deserialises `bytes` as `T`, mapping every failure to a 4xx with a stable code and field;
/// a string or key the databases cannot store is `unstorable_text` at its field
/// ([`crate::http::storable`]), so no handler ever sees one.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    // Well-formedness first, so a broken body is reported as such whatever its first fields say.
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map_err(|e| json_error(&e, ".", false))?;
    crate::http::storable::check_json(bytes)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        json_error(e.inner(), &path, true)
    })?;
    Ok(value)
}

/// Maps a serde error to a domain error. Once the body is known to be well-formed, a "syntax"
/// error can only mean a value of the wrong shape (serde_json reports a number given for an
/// enum that way).
fn json_error(e: &serde_json::Error, path: &str, well_formed: bool) -> Error {
    use serde_json::error::Category;
    let field = (path != ".").then(|| path.to_string());
    let serde_message = e.to_string();
    // serde's message ends with " at line L column C", which helps with syntax errors only
    let detail = serde_message
        .rsplit_once(" at line ")
        .map_or(serde_message.as_str(), |(m, _)| m)
        .to_string();
    let (code, field) = match e.classify() {
        Category::Syntax | Category::Eof | Category::Io if !well_formed => {
            (ErrorCode::MalformedJson, None)
        }
        Category::Syntax | Category::Eof | Category::Io => (ErrorCode::InvalidType, field),
        Category::Data => {
            // for an unknown field the path already ends with its name; for a missing one it
            // names the enclosing object
            if let Some(name) = backticked(&serde_message, "unknown field `") {
                (ErrorCode::UnknownField, field.or(Some(name)))
            } else if let Some(name) = backticked(&serde_message, "missing field `") {
                (
                    ErrorCode::MissingField,
                    Some(join_path(field.as_deref(), &name)),
                )
            } else if serde_message.starts_with("duplicate key `") {
                (ErrorCode::DuplicateKey, field)
            } else if serde_message.starts_with("invalid type")
                || serde_message.starts_with("invalid length")
            {
                (ErrorCode::InvalidType, field)
            } else {
                (ErrorCode::InvalidValue, field)
            }
        }
    };
    let message = match (code, &field) {
        (ErrorCode::MalformedJson, _) => msg!("error-json-malformed", detail = serde_message),
        (ErrorCode::UnknownField, Some(f)) => msg!("error-unknown-field", field = f),
        (ErrorCode::MissingField, Some(f)) => msg!("error-missing-field", field = f),
        (ErrorCode::DuplicateKey, Some(f)) => msg!("error-json-duplicate-key", field = f),
        (ErrorCode::InvalidType, Some(f)) if well_formed && e.classify() != Category::Data => {
            msg!("error-invalid-type", field = f)
        }
        (ErrorCode::InvalidType, Some(f)) => {
            msg!("error-json-invalid-type", field = f, detail = detail)
        }
        (_, Some(f)) => msg!("error-json-invalid-value", field = f, detail = detail),
        (_, None) => msg!("error-json-wrong-shape", detail = detail),
    };
    let error = Error::new(Kind::Malformed, code, message);
    match field {
        Some(field) => error.at(field),
        None => error,
    }
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

/// Handler for `web::PathConfig`: a malformed id is `invalid_id`, never a 404 or 500.
pub fn path_error(_err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError(
        Error::new(
            Kind::Malformed,
            ErrorCode::InvalidId,
            ErrorCode::InvalidId.message(),
        )
        .at("id"),
    )
    .into()
}

/// Handler for `web::QueryConfig`.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &HttpRequest,
) -> actix_web::Error {
    ApiError(Error::new(
        Kind::Malformed,
        ErrorCode::InvalidQuery,
        msg!("error-invalid-query-detail", detail = err.to_string()),
    ))
    .into()
}

/// The signed-in account making a request, from its `Authorization: Bearer` token: checked
/// on every request (signature, expiry, the account still enabled, the password unchanged, a
/// device token not revoked).
impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| Error::internal(&"application state missing"))?;
            let claims = state.keys.verify(&token?)?;
            Ok(state.db(move |conn| authenticate(conn, claims)).await?)
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Result<String, Error> {
    let expected = || {
        Error::new(
            Kind::Unauthenticated,
            ErrorCode::InvalidToken,
            msg!("error-bearer-token-expected"),
        )
    };
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| {
            Error::new(
                Kind::Unauthenticated,
                ErrorCode::Unauthenticated,
                msg!("error-sign-in-first"),
            )
        })?
        .to_str()
        .map_err(|_| expected())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(expected)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(expected());
    }
    Ok(token.trim().to_string())
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
        let err = ApiError(parse_json::<Probe>(body.as_bytes()).unwrap_err());
        let response = actix_web::ResponseError::error_response(&err);
        assert!(response.status().is_client_error());
        (err.code(), err.0.field().map(|f| f.path.clone()))
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
