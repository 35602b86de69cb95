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
use canvass_protocol::surveys::GenerateSurveyCodes;
use canvass_protocol::ErrorBody;
use qrcode::QrCode;

use super::page::{render_html, Words};
use crate::domain::auth::Caller;
use crate::domain::survey_codes::IssuedCodes;
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

/// Generates survey codes and answers with printable slips (door cards): each with the code,
/// a QR code of the target unit's form that fills the code in, the survey's title, the unit
/// (and village) and the anonymity promise. A route of the JSON API, like [`generate_slips`].
#[utoipa::path(tag = "surveys", params(("id" = i64, Path, description = "Survey id")), request_body = GenerateSurveyCodes, responses((status = 201, description = "a printable page of slips", content_type = "text/html"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
#[post("/surveys/{id}/slips")]
pub async fn generate_survey_slips(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<i64>,
    body: ApiJson<GenerateSurveyCodes>,
) -> Result<HttpResponse, ApiError> {
    let issued = state
        .generate_survey_codes(caller, id.into_inner(), body.0, true)
        .await?;
    Ok(survey_response(
        crate::http::request::accept_language(&req),
        &issued,
    ))
}

/// The survey slips page for codes just issued, as a `201 Created` answer.
#[must_use]
pub fn survey_response(lang: Lang, issued: &IssuedCodes) -> HttpResponse {
    super::print::response(
        StatusCode::CREATED,
        render_html(&survey_slips(lang, issued)),
    )
}

/// One survey-code slip: the code and the QR code of the form that fills it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveySlip {
    pub code: String,
    pub qr_path: String,
    pub qr_size: usize,
}

/// The survey slips page: `templates/print/survey_slips.html`.
#[derive(Debug, Template)]
#[template(path = "print/survey_slips.html")]
pub struct SurveySlips {
    pub w: Words,
    /// The survey's title in the page's language.
    pub title: String,
    /// The target unit, and the village when the codes were made for one.
    pub unit: String,
    /// The target unit's form, printed under each code (without it).
    pub url: String,
    pub slips: Vec<SurveySlip>,
}

/// The address a survey slip's QR code opens: the target's form, the code after a `#` (a
/// fragment never leaves the browser: the server neither receives nor logs it).
#[must_use]
pub fn survey_code_link(url: &str, code: &str) -> String {
    format!("{url}#code={code}")
}

/// The survey slips page's data for codes just issued.
#[must_use]
pub fn survey_slips(lang: Lang, issued: &IssuedCodes) -> SurveySlips {
    let url = &issued.codes.public_url;
    SurveySlips {
        w: Words::new(lang),
        title: issued.title.get(lang).to_string(),
        unit: match &issued.village {
            Some(village) => format!("{} · {village}", issued.target),
            None => issued.target.clone(),
        },
        url: url.clone(),
        slips: issued
            .codes
            .codes
            .iter()
            .map(|code| {
                let (qr_path, qr_size) = qr_path(&survey_code_link(url, code));
                SurveySlip {
                    code: code.clone(),
                    qr_path,
                    qr_size,
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use canvass_protocol::forms::{Lang, Localized};
    use canvass_protocol::surveys::GeneratedSurveyCodes;

    use super::{qr_path, survey_slips, IssuedCodes};
    use crate::web::page::render_html;

    #[test]
    fn each_survey_slip_has_its_own_qr_code_of_the_form_with_its_code_after_a_hash() {
        let issued = IssuedCodes {
            codes: GeneratedSurveyCodes {
                target_unit_id: 3,
                village_id: Some(9),
                codes: vec!["ABCD-EFGH-JKLM".into(), "NPQR-STUV-WXYZ".into()],
                public_url: "http://127.0.0.1:8080/s/tttttttt".into(),
            },
            title: Localized::new("窗口服务满意度测评", "Window service survey"),
            target: "县人社局".into(),
            village: Some("东村".into()),
        };
        let page = survey_slips(Lang::ZhCn, &issued);
        assert_eq!(page.title, "窗口服务满意度测评");
        assert_eq!(page.unit, "县人社局 · 东村");
        assert_eq!(page.slips.len(), 2);
        assert_ne!(page.slips[0].qr_path, page.slips[1].qr_path);
        assert_eq!(
            page.slips[0].qr_path,
            qr_path("http://127.0.0.1:8080/s/tttttttt#code=ABCD-EFGH-JKLM").0
        );
        let html = render_html(&page);
        assert_eq!(html.matches("class=\"slip\"").count(), 2);
        assert!(html.contains("NPQR-STUV-WXYZ"));
        assert!(
            !html.contains("#code="),
            "the code travels in the QR code only, not as a printed address"
        );
    }

    #[test]
    fn a_qr_code_is_drawn_as_one_path() {
        let (path, size) = qr_path("http://127.0.0.1:8080/b/abcdefgh");
        assert!(size >= 29, "{size}");
        assert!(path.starts_with('M') && path.contains("h1v1h-1z"));
    }
}
