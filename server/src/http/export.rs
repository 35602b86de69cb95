//! Downloads for the API and the dashboards alike: the answer export (the header line, then
//! one page of answers after another, each read on a pooled connection of its own, so memory
//! stays flat however many answers there are) and a file attached to a rectification report.

use std::sync::Arc;

use actix_web::web::Bytes;
use futures_util::{stream, Stream, StreamExt};

use crate::domain::exports;
use crate::http::{ApiError, AppState};

/// The CSV of every stored answer of survey `survey_id`, under `columns` (from
/// [`exports::answer_columns`], which checked the caller may export it). Should a page fail,
/// the download is cut short: the reader sees an incomplete file.
pub fn answers_csv(
    state: Arc<AppState>,
    survey_id: i64,
    columns: exports::AnswerColumns,
) -> impl Stream<Item = Result<Bytes, actix_web::Error>> + 'static {
    let header = Bytes::from(columns.header());
    let columns = Arc::new(columns);
    // the page starts after this answer; `None` once the last page is sent
    let pages = stream::unfold(Some(None::<String>), move |after| {
        let state = state.clone();
        let columns = columns.clone();
        async move {
            let after = after?;
            let page = state
                .db(move |conn| exports::answers_page(conn, survey_id, &columns, after.as_deref()))
                .await;
            Some(match page {
                Ok(page) => (Ok(Bytes::from(page.bytes)), page.next.map(Some)),
                Err(e) => {
                    tracing::error!(code = ?e.code(), survey = survey_id, "answer export failed");
                    (Err(ApiError(e).into()), None)
                }
            })
        }
    });
    stream::once(async move { Ok(header) }).chain(pages)
}

/// A stored file as a download: its recognised type, never sniffed again by the browser.
#[must_use]
pub fn attachment(name: &str, media_type: &str, content: Vec<u8>) -> actix_web::HttpResponse {
    use std::fmt::Write as _;
    let mut encoded = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    let ext = name.rsplit_once('.').map_or("bin", |(_, e)| e);
    let ext: String = ext
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    actix_web::HttpResponse::Ok()
        .content_type(media_type.to_string())
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"attachment.{ext}\"; filename*=UTF-8''{encoded}"),
        ))
        .insert_header((actix_web::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(content)
}
