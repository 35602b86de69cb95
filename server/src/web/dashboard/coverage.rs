//! A survey's field coverage page: per township (or other unit), its villages and communities
//! with their answer counts, those with none first and marked, so an organiser or a leader sees
//! where the field officers have not been yet.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::forms::Lang;
use canvass_protocol::msg;
use canvass_protocol::surveys::{SurveyCoverage, VillageCoverage};

use super::{Fig, Link};
use crate::domain::surveys;
use crate::http::AppState;
use crate::web::frame::{path_id, Fmt, Nav};
use crate::web::page::{render, Words};
use crate::web::session::{page_error, Session, WebError};

/// The coverage page's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoveragePage {
    pub title: String,
    /// How small counts are hidden, exactly as applied (leaders), or that counts are exact.
    pub rule: String,
    /// Whether some count is hidden from the caller.
    pub any_hidden: bool,
    /// Villages with no answer, of all listed, in words.
    pub summary: String,
    pub back: Link,
    pub areas: Vec<AreaRows>,
    pub not_stated: Fig,
}

/// One township (or other unit) and its villages, fewest answers first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaRows {
    pub name: String,
    pub total: Fig,
    /// "3 of 12 villages have no answer yet", or nothing when all have some.
    pub missing: Option<String>,
    pub villages: Vec<VillageRow>,
}

/// One village's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VillageRow {
    pub name: String,
    pub answers: Fig,
    /// No answer at all: the row is marked.
    pub none: bool,
}

/// Builds the page from the domain's coverage; `link` makes a session-relative address.
#[must_use]
pub fn page(lang: Lang, c: &SurveyCoverage, link: &dyn Fn(&str) -> String) -> CoveragePage {
    let mut any_hidden = c.not_stated.hidden.is_some() && c.not_stated.value.is_none();
    let mut villages_total = 0usize;
    let mut without_total = 0usize;
    let areas = c
        .areas
        .iter()
        .map(|a| {
            let mut villages: Vec<&VillageCoverage> = a.villages.iter().collect();
            villages.sort_by_key(|v| (v.fewest_first(), v.name.clone()));
            villages_total += a.villages.len();
            without_total += a.without_answers as usize;
            any_hidden |= a.responses.value.is_none()
                || a.villages.iter().any(|v| v.responses.value.is_none());
            AreaRows {
                name: a.name.clone(),
                total: Fig::new(lang, &a.responses, Fmt::Count),
                missing: (a.without_answers > 0).then(|| {
                    msg!(
                        "coverage-area-missing",
                        missing = a.without_answers,
                        villages = a.villages.len()
                    )
                    .render(lang)
                }),
                villages: villages
                    .into_iter()
                    .map(|v| VillageRow {
                        name: v.name.clone(),
                        answers: Fig::new(lang, &v.responses, Fmt::Count),
                        none: v.has_none(),
                    })
                    .collect(),
            }
        })
        .collect();
    let rule = if c.exact {
        msg!("coverage-rule-exact", group = c.min_group_size).render(lang)
    } else {
        msg!("coverage-rule", group = c.min_group_size).render(lang)
    };
    CoveragePage {
        title: msg!("coverage-title", survey = &c.title).render(lang),
        rule,
        any_hidden,
        summary: msg!(
            "coverage-summary",
            missing = without_total,
            villages = villages_total
        )
        .render(lang),
        back: Link {
            label: msg!("coverage-back").render(lang),
            href: link(&format!("/dashboard/surveys/{}", c.survey_id)),
        },
        areas,
        not_stated: Fig::new(lang, &c.not_stated, Fmt::Count),
    }
}

#[derive(Template)]
#[template(path = "dashboard/coverage.html")]
struct CoverageTemplate {
    w: Words,
    nav: Nav,
    p: CoveragePage,
}

/// Which villages a survey has reached: organisers (exact) and leaders (under disclosure
/// control) in the survey's scope.
#[get("/dashboard/surveys/{id}/coverage")]
pub async fn coverage_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let caller = session.caller.clone();
    let coverage = state
        .db(move |conn| surveys::coverage(conn, &caller, id))
        .await
        .map_err(page_error(lang))?;
    let p = page(lang, &coverage, &|path| session.link(path));
    Ok(render(
        StatusCode::OK,
        &CoverageTemplate {
            w: Words::new(lang),
            nav: Nav::new(&session, &req),
            p,
        },
    ))
}

#[cfg(test)]
mod tests {
    use canvass_protocol::forms::Localized;
    use canvass_protocol::stats::SuppressionReason;
    use canvass_protocol::surveys::{CoverageArea, Figure};

    use super::*;

    fn fig(n: Option<u64>) -> Figure {
        #[allow(clippy::cast_precision_loss)]
        match n {
            Some(n) => Figure {
                value: Some(n as f64),
                n: Some(n),
                hidden: None,
            },
            None => Figure {
                value: None,
                n: None,
                hidden: Some(SuppressionReason::Withheld),
            },
        }
    }

    fn village(id: i64, name: &str, n: Option<u64>) -> VillageCoverage {
        VillageCoverage {
            unit_id: id,
            name: name.into(),
            responses: fig(n),
        }
    }

    fn coverage() -> SurveyCoverage {
        SurveyCoverage {
            survey_id: 7,
            title: Localized::zh("窗口服务"),
            exact: false,
            min_group_size: 5,
            areas: vec![CoverageArea {
                unit_id: 2,
                name: "东镇".into(),
                responses: fig(None),
                without_answers: 1,
                villages: vec![
                    village(10, "甲村", Some(12)),
                    village(11, "乙村", Some(0)),
                    village(12, "丙村", None),
                ],
            }],
            not_stated: fig(Some(0)),
        }
    }

    #[test]
    fn villages_with_no_answer_come_first_and_are_marked() {
        let p = page(Lang::ZhCn, &coverage(), &|p| p.to_string());
        let rows = &p.areas[0].villages;
        let names: Vec<&str> = rows.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["乙村", "丙村", "甲村"]);
        assert!(rows[0].none);
        assert!(!rows[1].none && !rows[2].none);
        assert_eq!(rows[0].answers.text, "0");
        assert!(
            rows[1].answers.hidden.is_some(),
            "a hidden count stays hidden"
        );
        assert!(p.any_hidden);
        assert_eq!(p.back.href, "/dashboard/surveys/7");
    }

    #[test]
    fn the_summary_counts_villages_without_answers_in_both_languages() {
        let zh = page(Lang::ZhCn, &coverage(), &|p| p.to_string());
        assert!(
            zh.summary.contains('1') && zh.summary.contains('3'),
            "{}",
            zh.summary
        );
        assert!(zh.areas[0]
            .missing
            .as_deref()
            .is_some_and(|m| m.contains('1')));
        let en = page(Lang::En, &coverage(), &|p| p.to_string());
        assert!(en.summary.contains("1 of 3"), "{}", en.summary);
        assert!(en.rule.contains('5'), "{}", en.rule);
    }

    #[test]
    fn an_area_where_every_village_has_answers_says_nothing_is_missing() {
        let mut c = coverage();
        c.areas[0].without_answers = 0;
        c.areas[0].villages = vec![village(10, "甲村", Some(12))];
        let p = page(Lang::En, &c, &|p| p.to_string());
        assert!(p.areas[0].missing.is_none());
    }
}
