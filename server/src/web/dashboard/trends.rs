//! Trends across periods: the series the account can follow, a survey series (per unit and
//! period, with the rank changes and whether the units picked for rectification improved) and
//! a round series (per official and round, the grade shares, rank changes and flags). The
//! figures are the domain's trends, which are the results' own figures under the same
//! disclosure control; nothing is recomputed here.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::forms::Lang;
use canvass_protocol::i18n;
use canvass_protocol::msg;
use canvass_protocol::rounds::{Grade, Scale};
use canvass_protocol::surveys::Figure;
use canvass_protocol::trends::{OfficialPeriod, RoundTrend, SurveyTrend, TrendSeries, UnitPeriod};

use super::{reason_words, rectify_rule, Fig, Link};
use crate::domain::trends;
use crate::http::AppState;
use crate::web::charts::{self, LineSeries, Row, Segment, PALETTE};
use crate::web::frame::{grade_label, value_text, Fmt, Nav};
use crate::web::page::{render, Words};
use crate::web::session::{page_error, Session, WebError};

/// A path segment with everything but `A-Z a-z 0-9 - _ . ~` percent-encoded (a series' name
/// in a link).
#[must_use]
pub fn path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The link to a survey series' trend.
#[must_use]
pub fn survey_series_href(series: &str) -> String {
    format!("/dashboard/trends/surveys/{}", path_segment(series))
}

/// The link to a round series' trend.
#[must_use]
pub fn round_series_href(series_id: &str) -> String {
    format!("/dashboard/trends/rounds/{}", path_segment(series_id))
}

/// A change of rank in words: `↑2`, `↓1`, `=`, or `—` when there is none to tell.
#[must_use]
pub fn change_text(change: Option<i64>) -> String {
    match change {
        Some(c) if c > 0 => format!("↑{c}"),
        Some(c) if c < 0 => format!("↓{}", -c),
        Some(_) => "=".into(),
        None => "—".into(),
    }
}

fn rank_text(rank: Option<u32>) -> String {
    rank.map_or_else(|| "—".into(), |r| r.to_string())
}

/// The list page's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPage {
    pub surveys: Vec<(Link, String)>,
    pub rounds: Vec<(Link, String)>,
}

/// The series the account can follow, each with how many periods.
#[must_use]
pub fn list_page(lang: Lang, s: &TrendSeries, link: &dyn Fn(&str) -> String) -> ListPage {
    ListPage {
        surveys: s
            .surveys
            .iter()
            .map(|x| {
                (
                    Link {
                        label: x.series.clone(),
                        href: link(&survey_series_href(&x.series)),
                    },
                    msg!("trends-periods", count = x.periods).render(lang),
                )
            })
            .collect(),
        rounds: s
            .rounds
            .iter()
            .map(|x| {
                (
                    Link {
                        label: x.series_name.clone(),
                        href: link(&round_series_href(&x.series_id)),
                    },
                    msg!("trends-periods", count = x.periods).render(lang),
                )
            })
            .collect(),
    }
}

/// A survey series' page.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyTrendPage {
    pub title: String,
    /// How figures are hidden, or that they are exact.
    pub rule: String,
    pub any_hidden: bool,
    pub back: Link,
    pub toc: Vec<Link>,
    pub periods: Vec<PeriodRow>,
    /// The latest period's label.
    pub latest: String,
    /// Every unit as it stands in the latest period, best first.
    pub units: Vec<UnitRow>,
    /// The unit drawn over the periods.
    pub selected: Option<SelectedUnit>,
    pub follow_up: Vec<FollowUpRow>,
    pub rectify_rule: String,
}

/// One period of the series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodRow {
    pub label: String,
    /// Its survey's results page.
    pub survey: Link,
    pub ranked: u32,
}

/// A unit in the latest period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    pub name: String,
    /// This page with the unit drawn.
    pub href: String,
    pub answers: Fig,
    pub score: Fig,
    pub rank: String,
    pub change: String,
    pub rectify: bool,
}

/// The unit drawn: its line chart and its figures per period.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectedUnit {
    pub name: String,
    pub chart: charts::Lines,
    pub rows: Vec<UnitPeriodRow>,
}

/// A unit's figures in one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitPeriodRow {
    pub period: String,
    pub answers: Fig,
    pub rate: Fig,
    pub score: Fig,
    pub rank: String,
    pub change: String,
    pub rectify: bool,
}

/// A unit picked for rectification and how it did in the next period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpRow {
    pub from: String,
    pub to: String,
    pub name: String,
    pub score_before: String,
    pub score_after: Fig,
    pub rank_before: String,
    pub rank_after: String,
    /// 是 / 否 / —, and whether it improved (for the row's mark).
    pub improved: String,
    pub better: Option<bool>,
}

fn period_label(lang: Lang, t: &SurveyTrend, i: usize) -> String {
    t.periods.get(i).map_or_else(String::new, |p| {
        p.period
            .clone()
            .unwrap_or_else(|| p.title.get(lang).to_string())
    })
}

fn chart_value(f: &Figure, lang: Lang, scale: f64) -> Option<Result<f64, String>> {
    match (f.value, &f.hidden) {
        (Some(v), _) => Some(Ok(v * scale)),
        (None, Some(reason)) => Some(Err(reason_words(lang, reason).0)),
        (None, None) => None,
    }
}

/// A unit's figures in period `i`, if it was rated then.
fn at(u: &canvass_protocol::trends::UnitTrend, i: usize) -> Option<&UnitPeriod> {
    u.points.get(i).and_then(Option::as_ref)
}

fn hidden_fig(f: &Fig) -> bool {
    f.hidden.is_some()
}

/// Builds a survey series' page; `unit` is the unit to draw (`?unit=`; by default the first
/// unit to rectify in the latest period, else the first ranked).
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn survey_page(
    lang: Lang,
    t: &SurveyTrend,
    unit: Option<i64>,
    link: &dyn Fn(&str) -> String,
) -> SurveyTrendPage {
    let last = t.periods.len().saturating_sub(1);
    let here = survey_series_href(&t.series);
    let with_unit = |id: i64| {
        let page = link(&here);
        let sep = if page.contains('?') { '&' } else { '?' };
        format!("{page}{sep}unit={id}#unit")
    };
    let mut any_hidden = false;
    let mut units: Vec<(Option<u32>, UnitRow)> = t
        .units
        .iter()
        .filter_map(|u| {
            let p = at(u, last)?;
            let row = UnitRow {
                name: u.name.clone(),
                href: with_unit(u.unit_id),
                answers: Fig::new(lang, &p.responses, Fmt::Count),
                score: Fig::new(lang, &p.composite_score, Fmt::Score),
                rank: rank_text(p.rank),
                change: change_text(p.rank_change),
                rectify: p.rectify,
            };
            any_hidden |= hidden_fig(&row.answers) || hidden_fig(&row.score);
            Some((p.rank, row))
        })
        .collect();
    units.sort_by_key(|(rank, _)| rank.unwrap_or(u32::MAX));
    let chosen = unit
        .and_then(|id| t.units.iter().find(|u| u.unit_id == id))
        .or_else(|| {
            t.units
                .iter()
                .find(|u| at(u, last).is_some_and(|p| p.rectify))
        })
        .or_else(|| {
            t.units
                .iter()
                .filter(|u| at(u, last).and_then(|p| p.rank).is_some())
                .min_by_key(|u| at(u, last).and_then(|p| p.rank))
        })
        .or_else(|| t.units.first());
    let labels: Vec<String> = (0..t.periods.len())
        .map(|i| period_label(lang, t, i))
        .collect();
    let selected = chosen.map(|u| {
        let score = i18n::tr(lang, "trends-score");
        let rate = i18n::tr(lang, "trends-rate");
        let series = [
            LineSeries {
                label: &score,
                colour: "#0b5cad",
                dashed: false,
                values: u
                    .points
                    .iter()
                    .map(|p| {
                        p.as_ref()
                            .and_then(|p| chart_value(&p.composite_score, lang, 1.0))
                    })
                    .collect(),
            },
            LineSeries {
                label: &rate,
                colour: PALETTE[0],
                dashed: true,
                values: u
                    .points
                    .iter()
                    .map(|p| {
                        p.as_ref()
                            .and_then(|p| chart_value(&p.satisfaction_rate, lang, 100.0))
                    })
                    .collect(),
            },
        ];
        let chart = charts::lines(
            "unit-chart",
            &msg!("trends-unit-chart", unit = u.name.as_str()).render(lang),
            &labels,
            100.0,
            &series,
        );
        let rows = u
            .points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let p = p.as_ref()?;
                let row = UnitPeriodRow {
                    period: labels[i].clone(),
                    answers: Fig::new(lang, &p.responses, Fmt::Count),
                    rate: Fig::new(lang, &p.satisfaction_rate, Fmt::Percent),
                    score: Fig::new(lang, &p.composite_score, Fmt::Score),
                    rank: rank_text(p.rank),
                    change: change_text(p.rank_change),
                    rectify: p.rectify,
                };
                any_hidden |= hidden_fig(&row.answers) || hidden_fig(&row.score);
                Some(row)
            })
            .collect();
        SelectedUnit {
            name: u.name.clone(),
            chart,
            rows,
        }
    });
    let index_of = |survey_id: i64| t.periods.iter().position(|p| p.survey_id == survey_id);
    let follow_up = t
        .rectification
        .iter()
        .map(|r| {
            let after = r
                .score_after
                .map_or_else(|| Fig::shown("—"), |f| Fig::new(lang, &f, Fmt::Score));
            any_hidden |= hidden_fig(&after);
            FollowUpRow {
                from: index_of(r.survey_id).map_or_else(String::new, |i| labels[i].clone()),
                to: index_of(r.next_survey_id).map_or_else(String::new, |i| labels[i].clone()),
                name: r.name.clone(),
                score_before: value_text(r.score_before, Fmt::Score),
                score_after: after,
                rank_before: r.rank_before.to_string(),
                rank_after: rank_text(r.rank_after),
                improved: i18n::tr(
                    lang,
                    match r.improved {
                        Some(true) => "trends-improved-yes",
                        Some(false) => "trends-improved-no",
                        None => "trends-improved-unknown",
                    },
                ),
                better: r.improved,
            }
        })
        .collect();
    let min_group = t
        .periods
        .iter()
        .map(|p| p.min_group_size)
        .max()
        .unwrap_or(5);
    let rule = if t.exact {
        msg!("trends-rule-exact", group = min_group).render(lang)
    } else {
        msg!("trends-rule", group = min_group).render(lang)
    };
    let toc = [
        ("#latest", "trends-latest"),
        ("#unit", "trends-unit"),
        ("#follow-up", "trends-follow-up"),
        ("#periods", "trends-periods-heading"),
    ]
    .into_iter()
    .map(|(href, id)| Link {
        label: i18n::tr(lang, id),
        href: href.into(),
    })
    .collect();
    SurveyTrendPage {
        title: t.series.clone(),
        rule,
        any_hidden,
        back: Link {
            label: i18n::tr(lang, "trends-back"),
            href: link("/dashboard/trends"),
        },
        toc,
        periods: t
            .periods
            .iter()
            .enumerate()
            .map(|(i, p)| PeriodRow {
                label: labels[i].clone(),
                survey: Link {
                    label: p.title.get(lang).to_string(),
                    href: link(&format!("/dashboard/surveys/{}", p.survey_id)),
                },
                ranked: p.ranked,
            })
            .collect(),
        latest: labels.last().cloned().unwrap_or_default(),
        units: units.into_iter().map(|(_, row)| row).collect(),
        selected,
        follow_up,
        rectify_rule: rectify_rule(lang, t.rectify_below_score),
    }
}

/// A round series' page.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundTrendPage {
    pub title: String,
    pub rule: String,
    pub back: Link,
    pub toc: Vec<Link>,
    /// The grades' names, for the tables' heads.
    pub grades: Vec<String>,
    pub latest: String,
    /// Every official as they stand in the latest round, best first.
    pub officials: Vec<OfficialRow>,
    pub selected: Option<SelectedOfficial>,
    /// Every flag raised in the series: period, official, flag.
    pub flags: Vec<(String, String, String)>,
    pub rounds: Vec<Link>,
}

/// An official in one round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialRow {
    /// The official's name, or the round's period in the selected official's table.
    pub label: String,
    /// This page with the official drawn.
    pub href: String,
    /// The weighted share of each grade, in the order of `grades`.
    pub shares: Vec<String>,
    pub score: String,
    pub rank: String,
    pub change: String,
    pub flags: String,
}

/// The official drawn: the grades per round as stacked bars, and a table per round.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectedOfficial {
    pub name: String,
    pub chart: charts::StackedBars,
    pub rows: Vec<OfficialRow>,
}

const GRADES: [Grade; 4] = Scale::Official.grades();

fn official_row(label: String, href: String, p: &OfficialPeriod) -> OfficialRow {
    OfficialRow {
        label,
        href,
        shares: GRADES
            .iter()
            .map(|g| {
                p.shares
                    .iter()
                    .find(|s| s.grade == *g)
                    .map_or_else(|| "—".into(), |s| value_text(s.share, Fmt::Percent))
            })
            .collect(),
        score: p
            .score
            .map_or_else(|| "—".into(), |s| value_text(s, Fmt::Score)),
        rank: rank_text(p.rank),
        change: change_text(p.rank_change),
        flags: p.flags.join("; "),
    }
}

/// Builds a round series' page; `official` is the official to draw (`?official=`; by default
/// the first flagged in the latest round, else the first).
#[must_use]
pub fn round_page(
    lang: Lang,
    t: &RoundTrend,
    official: Option<i64>,
    link: &dyn Fn(&str) -> String,
) -> RoundTrendPage {
    let last = t.periods.len().saturating_sub(1);
    let here = round_series_href(&t.series_id);
    let with_official = |id: i64| {
        let page = link(&here);
        let sep = if page.contains('?') { '&' } else { '?' };
        format!("{page}{sep}official={id}#official")
    };
    let mut officials: Vec<(Option<u32>, OfficialRow)> = t
        .officials
        .iter()
        .filter_map(|o| {
            let p = o.points.get(last)?.as_ref()?;
            Some((
                p.rank,
                official_row(o.name.clone(), with_official(o.official_id), p),
            ))
        })
        .collect();
    officials.sort_by_key(|(rank, _)| rank.unwrap_or(u32::MAX));
    let chosen = official
        .and_then(|id| t.officials.iter().find(|o| o.official_id == id))
        .or_else(|| {
            t.officials.iter().find(|o| {
                o.points
                    .get(last)
                    .and_then(Option::as_ref)
                    .is_some_and(|p| !p.flags.is_empty())
            })
        })
        .or_else(|| t.officials.first());
    let selected = chosen.map(|o| {
        let names: Vec<&str> = GRADES.iter().map(|g| grade_label(lang, *g)).collect();
        let bars: Vec<Row<'_, Vec<Segment<'_>>>> = o
            .points
            .iter()
            .zip(&t.periods)
            .filter_map(|(p, period)| {
                let p = p.as_ref()?;
                Some(Row {
                    label: period.period.clone(),
                    value: Ok(GRADES
                        .iter()
                        .enumerate()
                        .map(|(i, g)| Segment {
                            label: names[i],
                            share: p
                                .shares
                                .iter()
                                .find(|s| s.grade == *g)
                                .map_or(0.0, |s| s.share),
                            colour: PALETTE[i],
                        })
                        .collect()),
                })
            })
            .collect();
        SelectedOfficial {
            name: o.name.clone(),
            chart: charts::stacked_bars(
                "official-chart",
                &msg!("trends-official-chart", official = o.name.as_str()).render(lang),
                &bars,
            ),
            rows: o
                .points
                .iter()
                .zip(&t.periods)
                .filter_map(|(p, period)| {
                    Some(official_row(
                        period.period.clone(),
                        String::new(),
                        p.as_ref()?,
                    ))
                })
                .collect(),
        }
    });
    let mut flags = Vec::new();
    for (i, period) in t.periods.iter().enumerate() {
        for o in &t.officials {
            if let Some(Some(p)) = o.points.get(i) {
                for f in &p.flags {
                    flags.push((period.period.clone(), o.name.clone(), f.clone()));
                }
            }
        }
    }
    let rule = i18n::tr(
        lang,
        if t.exact {
            "trends-round-rule-exact"
        } else {
            "trends-round-rule"
        },
    );
    let toc = [
        ("#latest", "trends-latest"),
        ("#official", "trends-official"),
        ("#flags", "trends-flags"),
        ("#periods", "trends-rounds-heading"),
    ]
    .into_iter()
    .map(|(href, id)| Link {
        label: i18n::tr(lang, id),
        href: href.into(),
    })
    .collect();
    RoundTrendPage {
        title: t.series_name.clone(),
        rule,
        back: Link {
            label: i18n::tr(lang, "trends-back"),
            href: link("/dashboard/trends"),
        },
        toc,
        grades: GRADES
            .iter()
            .map(|g| grade_label(lang, *g).to_string())
            .collect(),
        latest: t
            .periods
            .last()
            .map(|p| p.period.clone())
            .unwrap_or_default(),
        officials: officials.into_iter().map(|(_, row)| row).collect(),
        selected,
        flags,
        rounds: t
            .periods
            .iter()
            .map(|p| Link {
                label: p.period.clone(),
                href: link(&format!("/dashboard/rounds/{}", p.round_id)),
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "dashboard/trends.html")]
struct ListTemplate {
    w: Words,
    nav: Nav,
    p: ListPage,
}

#[derive(Template)]
#[template(path = "dashboard/survey_trend.html")]
struct SurveyTrendTemplate {
    w: Words,
    nav: Nav,
    p: SurveyTrendPage,
}

#[derive(Template)]
#[template(path = "dashboard/round_trend.html")]
struct RoundTrendTemplate {
    w: Words,
    nav: Nav,
    p: RoundTrendPage,
}

/// A number from the query string (`name=…`), if it is one.
fn query_id(req: &HttpRequest, name: &str) -> Option<i64> {
    req.query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
}

/// The survey and round series in the account's subtree.
#[get("/dashboard/trends")]
pub async fn trends_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let caller = session.caller.clone();
    let series = state
        .db(move |conn| trends::series(conn, &caller))
        .await
        .map_err(page_error(lang))?;
    let p = list_page(lang, &series, &|path| session.link(path));
    Ok(render(
        StatusCode::OK,
        &ListTemplate {
            w: Words::new(lang),
            nav: Nav::new(&session, &req),
            p,
        },
    ))
}

/// A survey series' trend: organisers (exact) and leaders (under each survey's disclosure
/// control) in scope.
#[get("/dashboard/trends/surveys/{series}")]
pub async fn survey_trend_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    series: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let caller = session.caller.clone();
    let rule = state.settings.rectification();
    let series = series.into_inner();
    let trend = state
        .db(move |conn| trends::survey_trend(conn, &caller, &series, rule))
        .await
        .map_err(page_error(lang))?;
    let p = survey_page(lang, &trend, query_id(&req, "unit"), &|path| {
        session.link(path)
    });
    Ok(render(
        StatusCode::OK,
        &SurveyTrendTemplate {
            w: Words::new(lang),
            nav: Nav::new(&session, &req),
            p,
        },
    ))
}

/// A round series' trend: organisers (closed and published rounds) and leaders (published
/// rounds) in scope.
#[get("/dashboard/trends/rounds/{series}")]
pub async fn round_trend_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    series: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let caller = session.caller.clone();
    let series = series.into_inner();
    let trend = state
        .db(move |conn| trends::round_trend(conn, &caller, &series))
        .await
        .map_err(page_error(lang))?;
    let p = round_page(lang, &trend, query_id(&req, "official"), &|path| {
        session.link(path)
    });
    Ok(render(
        StatusCode::OK,
        &RoundTrendTemplate {
            w: Words::new(lang),
            nav: Nav::new(&session, &req),
            p,
        },
    ))
}

#[cfg(test)]
mod tests {
    use canvass_protocol::forms::Localized;
    use canvass_protocol::rounds::RoundStatus;
    use canvass_protocol::stats::SuppressionReason;
    use canvass_protocol::surveys::SurveyStatus;
    use canvass_protocol::trends::{
        GradeShare, OfficialTrend, RectificationFollowUp, RoundPeriod, RoundSeries, SurveySeries,
        TrendPeriod, UnitTrend,
    };

    use super::*;

    fn fig(v: Option<f64>) -> Figure {
        Figure {
            value: v,
            n: v.map(|_| 10),
            hidden: v.is_none().then_some(SuppressionReason::Withheld),
        }
    }

    fn point(
        score: Option<f64>,
        rank: Option<u32>,
        change: Option<i64>,
        rectify: bool,
    ) -> UnitPeriod {
        UnitPeriod {
            responses: fig(score.map(|_| 10.0)),
            satisfaction_rate: fig(score.map(|s| s / 100.0)),
            composite_score: fig(score),
            rank,
            rank_change: change,
            rectify,
        }
    }

    fn trend() -> SurveyTrend {
        let period = |id: i64, name: Option<&str>| TrendPeriod {
            survey_id: id,
            period: name.map(String::from),
            title: Localized::new("窗口测评", "Window survey"),
            status: SurveyStatus::Closed,
            min_group_size: 5,
            ranked: 2,
        };
        SurveyTrend {
            series: "窗口 测评".into(),
            exact: false,
            periods: vec![period(1, Some("一季度")), period(2, None)],
            units: vec![
                UnitTrend {
                    unit_id: 10,
                    name: "甲局".into(),
                    points: vec![
                        Some(point(Some(30.0), Some(2), None, true)),
                        Some(point(Some(90.0), Some(1), Some(1), false)),
                    ],
                },
                UnitTrend {
                    unit_id: 11,
                    name: "乙局".into(),
                    points: vec![
                        Some(point(Some(80.0), Some(1), None, false)),
                        Some(point(Some(50.0), Some(2), Some(-1), true)),
                    ],
                },
                UnitTrend {
                    unit_id: 12,
                    name: "丙局".into(),
                    points: vec![
                        Some(point(None, None, None, false)),
                        Some(point(None, None, None, false)),
                    ],
                },
            ],
            rectification: vec![RectificationFollowUp {
                unit_id: 10,
                name: "甲局".into(),
                survey_id: 1,
                next_survey_id: 2,
                score_before: 30.0,
                rank_before: 2,
                score_after: Some(fig(Some(90.0))),
                rank_after: Some(1),
                improved: Some(true),
            }],
            rectify_below_score: 60.0,
        }
    }

    #[test]
    fn a_series_name_is_percent_encoded_in_its_link() {
        assert_eq!(path_segment("a b/c"), "a%20b%2Fc");
        assert_eq!(
            survey_series_href("季"),
            "/dashboard/trends/surveys/%E5%AD%A3"
        );
        assert_eq!(
            (
                change_text(Some(2)),
                change_text(Some(-1)),
                change_text(Some(0)),
                change_text(None)
            ),
            ("↑2".into(), "↓1".into(), "=".into(), "—".into())
        );
    }

    #[test]
    fn the_latest_period_lists_units_best_first_and_draws_the_unit_to_rectify() {
        let p = survey_page(Lang::ZhCn, &trend(), None, &|p| format!("{p}?lang=zh-CN"));
        let names: Vec<&str> = p.units.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(
            names,
            ["甲局", "乙局", "丙局"],
            "ranked first, the hidden unit last"
        );
        assert_eq!(
            (p.units[0].change.as_str(), p.units[1].change.as_str()),
            ("↑1", "↓1")
        );
        assert!(p.units[1].rectify);
        assert_eq!(p.units[1].href, "/dashboard/trends/surveys/%E7%AA%97%E5%8F%A3%20%E6%B5%8B%E8%AF%84?lang=zh-CN&unit=11#unit");
        assert_eq!(
            p.latest, "窗口测评",
            "a period without a name goes by its title"
        );
        // a hidden figure stays hidden: no value, its reason
        assert!(p.units[2].score.text.is_empty() && p.units[2].score.hidden.is_some());
        assert!(p.any_hidden);
        let s = p.selected.as_ref().expect("the unit to rectify is drawn");
        assert_eq!(s.name, "乙局");
        assert_eq!(s.chart.lines.len(), 2, "score and rate");
        assert_eq!(s.chart.lines[0].points.len(), 2);
        assert_eq!(s.rows[1].rank, "2");
        assert_eq!(p.follow_up[0].improved, "是");
        assert_eq!(
            (p.follow_up[0].from.as_str(), p.follow_up[0].to.as_str()),
            ("一季度", "窗口测评")
        );
    }

    #[test]
    fn a_chosen_unit_is_drawn_and_its_hidden_periods_are_gaps_with_the_reason() {
        let p = survey_page(Lang::En, &trend(), Some(12), &|p| p.to_string());
        let s = p.selected.unwrap();
        assert_eq!(s.name, "丙局");
        assert!(s.chart.lines[0].runs.is_empty());
        assert_eq!(s.chart.lines[0].gaps.len(), 2);
        assert!(
            s.chart.head.desc.contains("hidden"),
            "{}",
            s.chart.head.desc
        );
        assert!(s.rows.iter().all(|r| r.score.text.is_empty()));
        assert!(p.rule.contains('5'), "{}", p.rule);
    }

    #[test]
    fn a_round_series_page_draws_the_flagged_official_with_the_shares_in_grade_order() {
        let at = |excellent: f64, rank: u32, change: Option<i64>, flags: &[&str]| {
            Some(OfficialPeriod {
                shares: vec![
                    GradeShare {
                        grade: Grade::Excellent,
                        share: excellent,
                    },
                    GradeShare {
                        grade: Grade::Incompetent,
                        share: 1.0 - excellent,
                    },
                ],
                score: Some(excellent * 100.0),
                rank: Some(rank),
                rank_change: change,
                result_grade: None,
                flags: flags.iter().map(|f| (*f).to_string()).collect(),
            })
        };
        let t = RoundTrend {
            series_id: "s-1".into(),
            series_name: "班子测评".into(),
            exact: true,
            periods: ["2025年度", "2026年度"]
                .iter()
                .enumerate()
                .map(|(i, p)| RoundPeriod {
                    round_id: i64::try_from(i).unwrap() + 1,
                    period: (*p).into(),
                    status: RoundStatus::Published,
                })
                .collect(),
            officials: vec![
                OfficialTrend {
                    official_id: 1,
                    name: "王".into(),
                    points: vec![at(0.9, 1, None, &[]), at(0.8, 1, Some(0), &[])],
                },
                OfficialTrend {
                    official_id: 2,
                    name: "李".into(),
                    points: vec![at(0.7, 2, None, &[]), at(0.6, 2, Some(0), &["连续两年"])],
                },
            ],
        };
        let p = round_page(Lang::ZhCn, &t, None, &|p| p.to_string());
        assert_eq!(p.grades, ["优秀", "称职", "基本称职", "不称职"]);
        assert_eq!(p.officials[1].shares, ["60.0%", "—", "—", "40.0%"]);
        let s = p.selected.unwrap();
        assert_eq!(s.name, "李");
        assert_eq!(s.chart.rows.len(), 2);
        assert_eq!(s.rows[1].flags, "连续两年");
        assert_eq!(
            p.flags,
            [(
                "2026年度".to_string(),
                "李".to_string(),
                "连续两年".to_string()
            )]
        );
        assert_eq!(
            p.officials[1].href,
            "/dashboard/trends/rounds/s-1?official=2#official"
        );
        let list = list_page(
            Lang::En,
            &TrendSeries {
                surveys: vec![SurveySeries {
                    series: "季 度".into(),
                    periods: 1,
                }],
                rounds: vec![RoundSeries {
                    series_id: "s-1".into(),
                    series_name: "班子".into(),
                    periods: 2,
                }],
            },
            &|p| p.to_string(),
        );
        assert_eq!(list.surveys[0].1, "1 period");
        assert_eq!(list.rounds[0].0.href, "/dashboard/trends/rounds/s-1");
    }
}
