//! Printable ballot-code slips: A4, ten to a page, each with the code, a QR code of the ballot
//! page (never the code itself: codes do not travel in URLs), the round's name and its
//! anonymity promise. Cut along the dashed lines, shuffle, hand out like paper ballots. The
//! page goes through the printables' layout (`templates/print/base.html`, `web::print`).

use std::fmt::Write;

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::forms::Lang;
use canvass_protocol::rounds::{GenerateCodes, RoundInfo};
use canvass_protocol::ErrorBody;
use qrcode::QrCode;

use super::page::{render_html, Words};
use crate::domain::auth::Caller;
use crate::http::{ApiError, ApiJson, AppState};

/// Generates codes and answers with printable slips (HTML, A4, many per page): each with the
/// code, a QR code of the ballot page, the round's name and its anonymity promise. A route of
/// the JSON API (`/api/v1`, bearer token, JSON errors) whose answer is a page, so it lives
/// here with the page it serves; `startup` registers it beside `routes::api_v1`.
#[utoipa::path(tag = "rounds", params(("id" = i64, Path, description = "Round id")), request_body = GenerateCodes, responses((status = 201, description = "a printable page of slips", content_type = "text/html"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
#[post("/rounds/{id}/slips")]
pub async fn generate_slips(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<i64>,
    body: ApiJson<GenerateCodes>,
) -> Result<HttpResponse, ApiError> {
    let request = body.0;
    let (info, codes) = state
        .generate_codes(caller, id.into_inner(), &request)
        .await?;
    Ok(response_in(
        crate::http::request::accept_language(&req),
        &info,
        &request.elector_group,
        &codes,
    ))
}

/// The slips page for `codes` of one elector group, as a `201 Created` answer, in the
/// electors' language (Simplified Chinese).
#[must_use]
pub fn response(round: &RoundInfo, group: &str, codes: &[String]) -> HttpResponse {
    response_in(Lang::ZhCn, round, group, codes)
}

/// [`response`] in `lang`.
#[must_use]
pub fn response_in(lang: Lang, round: &RoundInfo, group: &str, codes: &[String]) -> HttpResponse {
    super::print::response(StatusCode::CREATED, render(lang, round, group, codes))
}

/// One SVG path drawing the dark modules of a QR code of `url`, and its size in modules (with
/// the quiet zone). The slips and the survey posters draw their QR codes with it.
#[must_use]
pub fn qr_path(url: &str) -> (String, usize) {
    let Ok(code) = QrCode::new(url.as_bytes()) else {
        return (String::new(), 1);
    };
    let width = code.width();
    let colors = code.to_colors();
    let mut d = String::with_capacity(width * width * 4);
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let _ = write!(d, "M{} {}h1v1h-1z", i % width + 4, i / width + 4);
        }
    }
    (d, width + 8)
}

/// The slips page: `templates/print/slips.html`.
#[derive(Debug, Template)]
#[template(path = "print/slips.html")]
pub struct Slips<'a> {
    pub w: Words,
    pub title: String,
    /// The elector group's label.
    pub group: &'a str,
    pub codes: &'a [String],
    pub ballot_url: &'a str,
    /// The QR code of the ballot page: one SVG path, and its size in modules.
    pub qr_path: String,
    pub qr_size: usize,
}

/// The slips page's data for `codes` of one elector group.
#[must_use]
pub fn slips<'a>(
    lang: Lang,
    round: &'a RoundInfo,
    group: &'a str,
    codes: &'a [String],
) -> Slips<'a> {
    let label = round
        .definition
        .elector_groups
        .iter()
        .find(|g| g.id == group)
        .map_or(group, |g| g.label.as_str());
    let (qr_path, qr_size) = qr_path(&round.ballot_url);
    Slips {
        w: Words::new(lang),
        title: format!("{} {}", round.series_name, round.period),
        group: label,
        codes,
        ballot_url: &round.ballot_url,
        qr_path,
        qr_size,
    }
}

/// The slips page for `codes` of one elector group.
#[must_use]
pub fn render(lang: Lang, round: &RoundInfo, group: &str, codes: &[String]) -> String {
    render_html(&slips(lang, round, group, codes))
}

#[cfg(test)]
mod tests {
    use super::qr_path;

    #[test]
    fn a_qr_code_is_drawn_as_one_path() {
        let (path, size) = qr_path("http://127.0.0.1:8080/b/abcdefgh");
        assert!(size >= 29, "{size}");
        assert!(path.starts_with('M') && path.contains("h1v1h-1z"));
    }
}
