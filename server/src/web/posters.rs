//! Survey posters: one A4 poster per target unit of a survey, to put up in the unit's service
//! hall, with the survey's title, the unit's name, the unit's own public link as text and as a
//! QR code, an invitation and how the respondent's anonymity is kept. Printed through the
//! printables' layout (`templates/print/base.html`, `web::print`), the QR code drawn as the code
//! slips draw theirs (`web::slips::qr_path`); who may print is checked in
//! `domain::printables::posters`.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use canvass_protocol::forms::Lang;
use canvass_protocol::msg;
use canvass_protocol::surveys::Survey;

use super::frame::path_id;
use super::page::{render_html, Words};
use super::print::response;
use super::session::{page_error, Session, WebError};
use super::slips::qr_path;
use crate::domain::printables;
use crate::http::AppState;

/// One target unit's poster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poster {
    /// The unit rated.
    pub unit: String,
    /// The invitation, naming the unit.
    pub invitation: String,
    /// The QR code's accessible name.
    pub qr_label: String,
    /// The unit's own public link, printed under the QR code.
    pub url: String,
    /// The QR code of `url`: one SVG path, and its size in modules.
    pub qr_path: String,
    pub qr_size: usize,
}

/// The posters of a survey: `templates/print/posters.html`, one A4 page per target unit.
#[derive(Debug, Template)]
#[template(path = "print/posters.html")]
pub struct Posters {
    pub w: Words,
    /// The survey's title in the page's language.
    pub title: String,
    pub posters: Vec<Poster>,
    /// The anonymity promise about the results' minimum group size.
    pub groups: String,
}

/// The posters' data: a poster per target unit of `survey`, in its order, each with the
/// unit's own link.
#[must_use]
pub fn posters(lang: Lang, survey: &Survey) -> Posters {
    let posters = survey
        .targets
        .iter()
        .map(|target| {
            let (qr_path, qr_size) = qr_path(&target.public_url);
            Poster {
                unit: target.name.clone(),
                invitation: msg!("print-poster-invitation", unit = target.name.as_str())
                    .render(lang),
                qr_label: msg!("print-poster-qr", unit = target.name.as_str()).render(lang),
                url: target.public_url.clone(),
                qr_path,
                qr_size,
            }
        })
        .collect();
    Posters {
        w: Words::new(lang),
        title: survey.title.get(lang).to_string(),
        posters,
        groups: msg!("print-poster-anonymous-groups", min = survey.min_group_size).render(lang),
    }
}

/// The posters of a survey's target units, one A4 page each.
#[get("/dashboard/surveys/{id}/print/posters")]
pub async fn survey_posters(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let survey = state
        .db(move |conn| printables::posters(conn, &caller, id, &base))
        .await
        .map_err(page_error(lang))?;
    Ok(response(
        StatusCode::OK,
        render_html(&posters(lang, &survey)),
    ))
}

#[cfg(test)]
mod tests {
    use canvass_protocol::forms::{Lang, Localized};
    use canvass_protocol::surveys::{Survey, SurveyStatus, SurveyTarget};

    use super::posters;
    use crate::web::page::render_html;

    fn survey() -> Survey {
        Survey {
            id: 7,
            title: Localized::new("窗口服务满意度测评", "Window service survey"),
            status: SurveyStatus::Open,
            accepting: true,
            unit_id: 1,
            targets: [("县市场监督管理局", "aaaaaaaa"), ("县人社局", "bbbbbbbb")]
                .iter()
                .enumerate()
                .map(|(i, (name, slug))| SurveyTarget {
                    unit_id: i64::try_from(i).unwrap() + 2,
                    name: (*name).to_string(),
                    public_url: format!("http://127.0.0.1:8080/s/{slug}"),
                })
                .collect(),
            current_version: Some(1),
            draft_version: None,
            min_group_size: 5,
            comment_min_group_size: 10,
            opens_at: None,
            closes_at: None,
            public_url: "http://127.0.0.1:8080/s/ssssssss".into(),
            results_published_at: None,
            created_at: 0,
            series: None,
            period: None,
            requires_codes: false,
        }
    }

    #[test]
    fn every_target_unit_gets_a_poster_with_its_own_link_and_qr_code() {
        let page = posters(Lang::ZhCn, &survey());
        assert_eq!(page.title, "窗口服务满意度测评");
        let units: Vec<&str> = page.posters.iter().map(|p| p.unit.as_str()).collect();
        assert_eq!(units, ["县市场监督管理局", "县人社局"]);
        assert_eq!(page.posters[1].url, "http://127.0.0.1:8080/s/bbbbbbbb");
        assert!(page.posters[0].invitation.contains("县市场监督管理局"));
        assert_ne!(page.posters[0].qr_path, page.posters[1].qr_path);
        assert!(page.groups.contains("5 份"), "{}", page.groups);
        let html = render_html(&page);
        assert_eq!(html.matches("class=\"poster\"").count(), 2);
        assert_eq!(html.matches("<svg class=\"qr\"").count(), 2);
        assert!(html.contains("http://127.0.0.1:8080/s/aaaaaaaa"));
        assert!(
            !html.contains("ssssssss"),
            "the survey's own link is not printed"
        );
        assert!(!html.contains("<nav"));
    }

    #[test]
    fn the_posters_speak_english_when_asked() {
        let page = posters(Lang::En, &survey());
        assert_eq!(page.title, "Window service survey");
        let html = render_html(&page);
        assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"));
        assert!(html.contains("Your answers are anonymous"));
        assert!(html.contains("at least 5 answers"));
        assert!(html.contains("How satisfied are you with the service of 县人社局?"));
    }
}
