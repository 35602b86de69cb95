//! `canvass collect`: interviews in the terminal, offline, from the cached forms; each finished
//! answer set is saved durably (its own transaction) before the next respondent starts. Also
//! the survey half of `canvass fix`.

use std::io::{self, BufRead, Write};

use canvass_protocol::calendar::not_in_future;
use canvass_protocol::forms::{AnswerSet, Lang};
use canvass_protocol::i18n::{tr, Message};
use canvass_protocol::surveys::PublicTarget;
use canvass_protocol::sync::{valid_day, BatchItem, FieldChannel, FieldResponse, ManifestSurvey};
use canvass_protocol::{msg, t, ErrorCode};

use crate::catalog;
use crate::dates::{now_secs, today};
use crate::error::CliError;
use crate::interview::{self, Outcome};
use crate::prompt::{Prompter, Reply, QUIT};
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
    let lang = p.lang;
    loop {
        p.say(&format!("\n{}", tr(lang, question)))?;
        for (i, u) in units.iter().enumerate() {
            p.say(&format!("  {}) {}  [{}]", i + 1, u.name, u.unit_id))?;
        }
        let default_unit = default.and_then(|d| units.iter().find(|u| u.unit_id == d));
        if let Some(d) = default_unit {
            p.say(&t!(
                lang,
                "cli-collect-unit-current",
                unit = d.name.as_str()
            ))?;
        } else if optional {
            p.say_tr("cli-collect-unit-skip")?;
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
                match by_number.map_or_else(|| catalog::find_unit(units, &text), Ok) {
                    Ok(u) => return Ok(UnitChoice::Chosen(Some(u.clone()))),
                    Err(message) => p.say(&format!("  ! {}", message.render(lang)))?,
                }
            }
            Reply::Help => {
                let help = if optional {
                    "cli-collect-unit-help-optional"
                } else {
                    "cli-collect-unit-help"
                };
                p.say(&Message::new(help).arg("quit", QUIT).render(lang))?;
            }
            Reply::Back | Reply::Empty | Reply::Clear => p.say_tr("cli-collect-unit-type")?,
        }
    }
}

/// The unit given with `--target` or `--village`, found among `units`; a usage error naming
/// the flag and the units it accepts otherwise.
fn resolve_fixed(
    units: &[PublicTarget],
    reference: Option<&str>,
    flag: &str,
) -> Result<Option<PublicTarget>, CliError> {
    reference
        .map(|r| {
            catalog::find_unit(units, r).cloned().map_err(|m| {
                CliError::Usage(msg!("cli-error-check-flag", problem = m, flag = flag))
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
    let found = catalog::find_survey(&cached.manifest, &options.survey).map_err(CliError::Input)?;
    let survey = found.survey;
    let (version, form) = catalog::current_version(survey).map_err(CliError::Input)?;
    let targets = catalog::targets(survey);
    let mut fixed_target = resolve_fixed(&targets, options.target.as_deref(), "--target")?;
    if fixed_target.is_none() {
        fixed_target = found
            .target_from_slug
            .and_then(|id| targets.iter().find(|t| t.unit_id == id).cloned());
    }
    if fixed_target.is_none() && targets.len() == 1 {
        fixed_target = Some(targets[0].clone());
    }
    let fixed_village = resolve_fixed(&survey.villages, options.village.as_deref(), "--village")?;
    let lang = p.lang;
    p.say(&t!(
        lang,
        "cli-collect-intro",
        title = survey.survey.title.get(lang),
        version = version
    ))?;
    if !survey.survey.accepting {
        p.say_tr("cli-collect-not-accepting")?;
    }
    let mut summary = CollectSummary::default();
    for respondent in 1.. {
        p.say(&format!(
            "\n{}",
            t!(lang, "cli-collect-respondent", number = respondent)
        ))?;
        let mut started = false;
        let target = match &fixed_target {
            Some(t) => t.clone(),
            None => match ask_unit(p, &targets, "cli-collect-ask-target", false, None)? {
                UnitChoice::Chosen(Some(t)) => {
                    started = true;
                    t
                }
                UnitChoice::Chosen(None) | UnitChoice::Stop => break,
            },
        };
        let village = match (&fixed_village, survey.villages.is_empty()) {
            (Some(v), _) => Some(v.clone()),
            (None, true) => None,
            (None, false) => {
                match ask_unit(p, &survey.villages, "cli-collect-ask-village", true, None)? {
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
                    lang,
                );
                let id = store.add_item(&item)?;
                summary.saved.push(id);
                p.say(&t!(lang, "cli-collect-saved", id = id))?;
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
        p.say_tr("cli-collect-unfinished")?;
    }
    Ok(summary)
}

/// Builds the queued item of one answer set; `lang` words the one-line description stored
/// with it.
#[allow(clippy::too_many_arguments)]
pub fn response_item(
    survey: &ManifestSurvey,
    version: i32,
    target: &PublicTarget,
    village: Option<&PublicTarget>,
    channel: FieldChannel,
    collected_on: String,
    answers: AnswerSet,
    lang: Lang,
) -> NewItem {
    let item = BatchItem::SurveyResponse(FieldResponse {
        survey_id: survey.survey.id,
        version,
        target_unit_id: target.unit_id,
        respondent_unit_id: village.map(|v| v.unit_id),
        channel,
        collected_on,
        answers,
    });
    let named = |id: i64| {
        std::iter::once(target)
            .chain(village)
            .find(|u| u.unit_id == id)
            .map(|u| u.name.clone())
    };
    NewItem {
        summary: catalog::describe_item_named(&item, &named, lang),
        item,
        instrument: NewItem::survey_key(survey.survey.id),
        label: catalog::survey_name(survey),
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
    let lang = p.lang;
    let cached = catalog::cached(store)?;
    let survey = catalog::survey_by_id(&cached.manifest, response.survey_id).ok_or_else(|| {
        CliError::Input(msg!(
            "cli-error-fix-survey-gone",
            survey = response.survey_id,
            id = stored.id
        ))
    })?;
    let refused = |code| stored.problems.iter().any(|e| e.code == code);
    let (version, form) = match catalog::version(survey, response.version) {
        Some(form) if !refused(ErrorCode::VersionNotPublished) => (response.version, form),
        _ => {
            let (version, form) = catalog::current_version(survey).map_err(CliError::Input)?;
            p.say(&t!(lang, "cli-fix-current-version", version = version))?;
            (version, form)
        }
    };
    let targets = catalog::targets(survey);
    let UnitChoice::Chosen(Some(target)) = ask_unit(
        p,
        &targets,
        "cli-collect-ask-target",
        false,
        Some(response.target_unit_id),
    )?
    else {
        return Ok(false);
    };
    let village = if survey.villages.is_empty() {
        None
    } else {
        match ask_unit(
            p,
            &survey.villages,
            "cli-collect-ask-village",
            true,
            response.respondent_unit_id,
        )? {
            UnitChoice::Chosen(v) => v,
            UnitChoice::Stop => return Ok(false),
        }
    };
    let mut day = response.collected_on.clone();
    if !valid_day(&day) || refused(ErrorCode::InvalidDay) {
        let prompt = format!("\n{}\n> ", t!(lang, "cli-fix-ask-day", today = today()));
        loop {
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
                Reply::Help => p.say(&t!(lang, "cli-fix-day-help", quit = QUIT))?,
                _ => p.say_tr("cli-fix-bad-day")?,
            }
        }
    }
    match interview::run(p, form, response.answers.clone())? {
        Outcome::Finished(valid) => {
            let item = response_item(
                survey,
                version,
                &target,
                village.as_ref(),
                response.channel,
                day,
                valid.to_answer_set(),
                lang,
            );
            if !store.requeue(stored.id, &item)? {
                return Err(CliError::Input(msg!(
                    "cli-error-fix-changed",
                    id = stored.id
                )));
            }
            Ok(true)
        }
        Outcome::Stopped { .. } => Ok(false),
    }
}
