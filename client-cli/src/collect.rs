//! `canvass collect`: interviews in the terminal, offline, from the cached forms; each finished
//! answer set is saved durably (its own transaction) before the next respondent starts. Also
//! the survey half of `canvass fix`.

use std::io::{self, BufRead, Write};

use canvass_protocol::calendar::not_in_future;
use canvass_protocol::forms::{AnswerSet, Lang};
use canvass_protocol::surveys::PublicTarget;
use canvass_protocol::sync::{valid_day, BatchItem, FieldChannel, FieldResponse, ManifestSurvey};

use crate::catalog;
use crate::dates::{now_secs, today};
use crate::error::CliError;
use crate::interview::{self, Outcome};
use crate::prompt::{Prompter, Reply};
use crate::store::{LocalStore, NewItem, StoredItem};

/// What `canvass collect` was asked for.
#[derive(Debug, Clone, Default)]
pub struct CollectOptions {
    /// The survey id or public slug.
    pub survey: String,
    /// The target unit (id or exact name) for every respondent of this session.
    pub target: Option<String>,
    /// The respondents' village (id or exact name) for every respondent of this session.
    pub village: Option<String>,
}

/// What a `canvass collect` session did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectSummary {
    /// The local ids of the answer sets saved.
    pub saved: Vec<i64>,
    /// Whether the session stopped in the middle of an answer set, which was not saved.
    pub unfinished: bool,
}

/// The line-by-line answer to a unit question.
enum UnitChoice {
    Chosen(Option<PublicTarget>),
    Stop,
}

/// Asks for a unit from a numbered list; optional lists accept an empty line (none).
fn ask_unit<R: BufRead, W: Write>(
    p: &mut Prompter<R, W>,
    units: &[PublicTarget],
    question: &str,
    optional: bool,
    default: Option<i64>,
) -> io::Result<UnitChoice> {
    loop {
        p.say(&format!("\n{question}"))?;
        for (i, u) in units.iter().enumerate() {
            p.say(&format!("  {}) {}  [{}]", i + 1, u.name, u.unit_id))?;
        }
        let default_unit = default.and_then(|d| units.iter().find(|u| u.unit_id == d));
        if let Some(d) = default_unit {
            let text = match p.lang {
                Lang::ZhCn => format!("    当前:{}(回车保留)", d.name),
                Lang::En => format!("    Current: {} (Enter keeps it)", d.name),
            };
            p.say(&text)?;
        } else if optional {
            let text = p.t("    (回车跳过)", "    (Enter skips)").to_string();
            p.say(&text)?;
        }
        match p.ask("> ")? {
            Reply::EndOfInput | Reply::Quit => return Ok(UnitChoice::Stop),
            Reply::Empty if default_unit.is_some() => {
                return Ok(UnitChoice::Chosen(default_unit.cloned()))
            }
            Reply::Empty | Reply::Clear if optional => return Ok(UnitChoice::Chosen(None)),
            Reply::Text(text) => {
                let by_number = text
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=units.len()).contains(n))
                    .map(|n| &units[n - 1]);
                let found = by_number.map_or_else(
                    || catalog::find_unit(units, &text, p.t("可选单位", "units listed")),
                    Ok,
                );
                match found {
                    Ok(u) => return Ok(UnitChoice::Chosen(Some(u.clone()))),
                    Err(message) => p.say(&format!("  ! {message}"))?,
                }
            }
            Reply::Help | Reply::Back | Reply::Empty | Reply::Clear => {
                let text = p
                    .t(
                        "  ! 请输入编号或单位名称。",
                        "  ! Type a number or the unit's name.",
                    )
                    .to_string();
                p.say(&text)?;
            }
        }
    }
}

fn resolve_fixed(
    units: &[PublicTarget],
    reference: Option<&str>,
    what: &str,
) -> Result<Option<PublicTarget>, CliError> {
    reference
        .map(|r| {
            catalog::find_unit(units, r, what).cloned().map_err(|m| {
                CliError::Usage(format!(
                    "{m}. Check --{}.",
                    if what.contains("village") {
                        "village"
                    } else {
                        "target"
                    }
                ))
            })
        })
        .transpose()
}

/// Runs interviews until the officer stops (`!q`) or the input ends.
pub fn collect<R: BufRead, W: Write>(
    store: &mut LocalStore,
    options: &CollectOptions,
    p: &mut Prompter<R, W>,
) -> Result<CollectSummary, CliError> {
    let cached = catalog::cached(store)?;
    let found = catalog::find_survey(&cached.manifest, &options.survey)?;
    let survey = found.survey;
    let (version, form) = catalog::current_version(survey)?;
    let targets = catalog::targets(survey);
    let mut fixed_target = resolve_fixed(&targets, options.target.as_deref(), "survey's targets")?;
    if fixed_target.is_none() {
        fixed_target = found
            .target_from_slug
            .and_then(|id| targets.iter().find(|t| t.unit_id == id).cloned());
    }
    if fixed_target.is_none() && targets.len() == 1 {
        fixed_target = Some(targets[0].clone());
    }
    let fixed_village = resolve_fixed(
        &survey.villages,
        options.village.as_deref(),
        "villages of the survey",
    )?;
    let lang = p.lang;
    let label = catalog::survey_label(survey, lang);
    let intro = match lang {
        Lang::ZhCn => format!(
            "{}(第{version}版)。每份答卷完成后立即保存在本机。输入 ? 查看操作说明。",
            survey.survey.title.get(lang)
        ),
        Lang::En => format!(
            "{} (version {version}). Each finished answer set is saved on this computer at once. \
             Type ? for help.",
            survey.survey.title.get(lang)
        ),
    };
    p.say(&intro)?;
    if !survey.survey.accepting {
        let text = p.t(
            "注意:服务器上这个问卷当前不接受答卷(未到开放时间或已过截止时间);上传时可能被拒绝。",
            "Note: the server does not accept answers to this survey right now (outside its \
             window); they may be refused when pushed.",
        ).to_string();
        p.say(&text)?;
    }
    let mut summary = CollectSummary::default();
    for respondent in 1.. {
        let head = match lang {
            Lang::ZhCn => format!("\n=== 第 {respondent} 位受访者 ==="),
            Lang::En => format!("\n=== Respondent {respondent} ==="),
        };
        p.say(&head)?;
        let mut started = false;
        let target = match &fixed_target {
            Some(t) => t.clone(),
            None => {
                let question = p
                    .t("测评对象(被评价的单位):", "Which unit is rated?")
                    .to_string();
                match ask_unit(p, &targets, &question, false, None)? {
                    UnitChoice::Chosen(Some(t)) => {
                        started = true;
                        t
                    }
                    UnitChoice::Chosen(None) | UnitChoice::Stop => break,
                }
            }
        };
        let village = match (&fixed_village, survey.villages.is_empty()) {
            (Some(v), _) => Some(v.clone()),
            (None, true) => None,
            (None, false) => {
                let question = p
                    .t(
                        "受访者所在村(社区):",
                        "Which village or community does the respondent live in?",
                    )
                    .to_string();
                match ask_unit(p, &survey.villages, &question, true, None)? {
                    UnitChoice::Chosen(v) => {
                        started = true;
                        v
                    }
                    UnitChoice::Stop => {
                        summary.unfinished = started;
                        break;
                    }
                }
            }
        };
        match interview::run(p, form, AnswerSet::new())? {
            Outcome::Finished(valid) => {
                let item = response_item(
                    survey,
                    version,
                    &target,
                    village.as_ref(),
                    FieldChannel::Field,
                    today(),
                    valid.to_answer_set(),
                    &label,
                );
                let id = store.add_item(&item)?;
                summary.saved.push(id);
                let text = match lang {
                    Lang::ZhCn => format!("已保存(编号 {id})。"),
                    Lang::En => format!("Saved (item {id})."),
                };
                p.say(&text)?;
            }
            Outcome::Stopped {
                started: answered, ..
            } => {
                summary.unfinished = started || answered;
                break;
            }
        }
    }
    if summary.unfinished {
        let text = p
            .t(
                "未完成的答卷没有保存。",
                "The unfinished answer set was not saved.",
            )
            .to_string();
        p.say(&text)?;
    }
    Ok(summary)
}

/// Builds the queued item of one answer set.
#[allow(clippy::too_many_arguments)]
pub fn response_item(
    survey: &ManifestSurvey,
    version: i32,
    target: &PublicTarget,
    village: Option<&PublicTarget>,
    channel: FieldChannel,
    collected_on: String,
    answers: AnswerSet,
    label: &str,
) -> NewItem {
    let summary = format!(
        "{}{}, {} {collected_on}, version {version}",
        target.name,
        village.map_or_else(String::new, |v| format!(", respondent from {}", v.name)),
        match channel {
            FieldChannel::Field => "asked",
            FieldChannel::Paper => "paper form of",
        },
    );
    NewItem {
        item: BatchItem::SurveyResponse(FieldResponse {
            survey_id: survey.survey.id,
            version,
            target_unit_id: target.unit_id,
            respondent_unit_id: village.map(|v| v.unit_id),
            channel,
            collected_on,
            answers,
        }),
        instrument: NewItem::survey_key(survey.survey.id),
        label: label.to_string(),
        summary,
        dedup_key: None,
    }
}

/// `canvass fix` for a refused answer set: the interview again, with its previous target,
/// village and answers as defaults, on the same version if the cached forms still hold it and
/// on the current one otherwise; then it is queued again. `Ok(false)` when the officer stopped.
pub fn fix_response<R: BufRead, W: Write>(
    store: &mut LocalStore,
    stored: &StoredItem,
    response: &FieldResponse,
    p: &mut Prompter<R, W>,
) -> Result<bool, CliError> {
    let cached = catalog::cached(store)?;
    let survey = catalog::survey_by_id(&cached.manifest, response.survey_id).ok_or_else(|| {
        CliError::Input(format!(
            "survey {} is not among the forms cached here (it is no longer open for your \
             units). Run `canvass pull`; if it stays missing, the answers can only be \
             discarded: `canvass discard {}`.",
            response.survey_id, stored.id
        ))
    })?;
    let refused_version = stored
        .problems
        .iter()
        .any(|e| e.code == canvass_protocol::ErrorCode::VersionNotPublished);
    let (version, form) = match catalog::version(survey, response.version) {
        Some(form) if !refused_version => (response.version, form),
        _ => {
            let (version, form) = catalog::current_version(survey)?;
            let text = match p.lang {
                Lang::ZhCn => format!("这份答卷将按当前第{version}版问卷重新填写。"),
                Lang::En => {
                    format!("The answers are taken again on the current version {version}.")
                }
            };
            p.say(&text)?;
            (version, form)
        }
    };
    let targets = catalog::targets(survey);
    let question = p
        .t("测评对象(被评价的单位):", "Which unit is rated?")
        .to_string();
    let UnitChoice::Chosen(Some(target)) =
        ask_unit(p, &targets, &question, false, Some(response.target_unit_id))?
    else {
        return Ok(false);
    };
    let village = if survey.villages.is_empty() {
        None
    } else {
        let question = p
            .t(
                "受访者所在村(社区):",
                "Which village or community does the respondent live in?",
            )
            .to_string();
        match ask_unit(
            p,
            &survey.villages,
            &question,
            true,
            response.respondent_unit_id,
        )? {
            UnitChoice::Chosen(v) => v,
            UnitChoice::Stop => return Ok(false),
        }
    };
    let mut day = response.collected_on.clone();
    if !valid_day(&day)
        || stored
            .problems
            .iter()
            .any(|e| e.code == canvass_protocol::ErrorCode::InvalidDay)
    {
        loop {
            let prompt = match p.lang {
                Lang::ZhCn => format!("\n收集日期(YYYY-MM-DD,回车为今天 {}):\n> ", today()),
                Lang::En => format!(
                    "\nDay collected (YYYY-MM-DD, Enter for today {}):\n> ",
                    today()
                ),
            };
            match p.ask(&prompt)? {
                Reply::Empty => {
                    day = today();
                    break;
                }
                Reply::Text(t) if valid_day(&t) && not_in_future(&t, now_secs()) => {
                    day = t;
                    break;
                }
                Reply::EndOfInput | Reply::Quit => return Ok(false),
                _ => {
                    let text = p
                        .t(
                            "  ! 日期格式为 YYYY-MM-DD,且不能晚于今天。",
                            "  ! Write the day as YYYY-MM-DD, not after today.",
                        )
                        .to_string();
                    p.say(&text)?;
                }
            }
        }
    }
    match interview::run(p, form, response.answers.clone())? {
        Outcome::Finished(valid) => {
            let label = catalog::survey_label(survey, p.lang);
            let item = response_item(
                survey,
                version,
                &target,
                village.as_ref(),
                response.channel,
                day,
                valid.to_answer_set(),
                &label,
            );
            if !store.requeue(stored.id, &item)? {
                return Err(CliError::Input(format!(
                    "item {} no longer needs attention (it was changed by another canvass \
                     command); nothing was changed.",
                    stored.id
                )));
            }
            Ok(true)
        }
        Outcome::Stopped { .. } => Ok(false),
    }
}
