//! Field sync: the manifest (with ETag) and batch upload, exactly once. Both require the
//! `Canvass-Protocol` header; see docs/sync-protocol.md.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, FromRequest, HttpRequest, HttpResponse};
use canvass_protocol::i18n::Arg;
use canvass_protocol::sync::{
    Batch, FieldCoverage, Manifest, Receipt, MAX_BATCH_BYTES, PROTOCOL_HEADER, PROTOCOL_VERSION,
};
use canvass_protocol::{msg, ErrorBody, ErrorCode};
use sha2::{Digest, Sha256};

use crate::domain::auth::Caller;
use crate::domain::error::{Error, Kind};
use crate::domain::{now, sync};
use crate::http::extract::{parse_json, read_json_body};
use crate::http::{ApiError, AppState};

/// The sync protocol version the request speaks: `426 protocol_unsupported` unless it is ours.
pub struct Protocol;

impl FromRequest for Protocol {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let sent = req
            .headers()
            .get(PROTOCOL_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        std::future::ready(match sent {
            Some(v) if v == PROTOCOL_VERSION.to_string() => Ok(Protocol),
            other => {
                let sent = other.map_or_else(
                    || Arg::from(msg!("error-protocol-sent-none")),
                    |v| Arg::from(format!("`{v}`")),
                );
                Err(ApiError(Error::new(
                    Kind::Outdated,
                    ErrorCode::ProtocolUnsupported,
                    msg!(
                        "error-protocol-version",
                        version = PROTOCOL_VERSION,
                        header = PROTOCOL_HEADER,
                        sent = sent
                    ),
                )))
            }
        })
    }
}

/// A batch body with its exact bytes (their hash identifies the content).
pub struct BatchBody {
    batch: Batch,
    bytes: web::Bytes,
}

impl FromRequest for BatchBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json_body(req, payload, MAX_BATCH_BYTES);
        Box::pin(async move {
            let bytes = body.await?;
            let batch = parse_json(&bytes)?;
            Ok(BatchBody { batch, bytes })
        })
    }
}

/// The caller's manifest: open surveys (every published version, targets, villages), rounds
/// taking tally sheets, units and officials. Conditional: `If-None-Match` with the last `ETag`
/// answers 304 when nothing changed.
#[utoipa::path(
    tag = "sync",
    params(("Canvass-Protocol" = u32, Header, description = "Sync protocol version: 1")),
    responses(
        (status = 200, body = Manifest, headers(("ETag" = String, description = "Send back in If-None-Match"))),
        (status = 304, description = "Unchanged since the ETag sent"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 426, description = "protocol_unsupported: upgrade the client", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[get("/sync/manifest")]
pub async fn manifest(
    req: HttpRequest,
    state: web::Data<AppState>,
    _: Protocol,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let base = state.public_url.clone();
    let manifest = state
        .db(move |conn| sync::manifest(conn, &caller, &base, now()))
        .await?;
    let body = serde_json::to_vec(&manifest).map_err(|e| Error::internal(&e))?;
    let etag = format!("\"{}\"", hex::encode(Sha256::digest(&body)));
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    Ok(if unchanged {
        response.finish()
    } else {
        response.content_type("application/json").body(body)
    })
}

/// For each survey of the caller's manifest, the villages in the caller's scope with their
/// answer counts on the server, fewest first, under disclosure control: where to collect next.
/// Not cached: counts change with every answer.
#[utoipa::path(
    tag = "sync",
    params(("Canvass-Protocol" = u32, Header, description = "Sync protocol version: 1")),
    responses(
        (status = 200, body = FieldCoverage),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 426, description = "protocol_unsupported: upgrade the client", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[get("/sync/coverage")]
pub async fn coverage(
    state: web::Data<AppState>,
    _: Protocol,
    caller: Caller,
) -> Result<web::Json<FieldCoverage>, ApiError> {
    Ok(web::Json(
        state
            .db(move |conn| sync::coverage(conn, &caller, now()))
            .await?,
    ))
}

/// Uploads a batch of field items, stored exactly once: 201 with a receipt; the same id and
/// bytes again: 200 with the original receipt and `duplicate: true`; the same id with other
/// bytes: 409 `batch_conflict`; any invalid item: 422 `batch_refused` with every problem in
/// `errors`, fields `items[i]...`, and nothing stored.
#[utoipa::path(
    tag = "sync",
    params(("Canvass-Protocol" = u32, Header, description = "Sync protocol version: 1")),
    request_body = Batch,
    responses(
        (status = 201, body = Receipt),
        (status = 200, description = "A duplicate delivery: the original receipt", body = Receipt),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "batch_conflict", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "batch_refused: every problem in `errors`", body = ErrorBody),
        (status = 426, description = "protocol_unsupported: upgrade the client", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[post("/sync/batches")]
pub async fn upload_batch(
    state: web::Data<AppState>,
    _: Protocol,
    caller: Caller,
    body: BatchBody,
) -> Result<HttpResponse, ApiError> {
    let hash = hex::encode(Sha256::digest(&body.bytes));
    let batch = body.batch;
    let writer = state.writer.clone();
    let receipt = state
        .db(move |conn| sync::store_batch(conn, &writer, &caller, &batch, &hash, now()))
        .await?;
    state.metrics.batch(receipt.duplicate);
    let status = if receipt.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(receipt))
}
