//! One respondent's interview, question by question: which question comes next under the
//! form's skip logic, going back to change an answer, and the server's own validation of each
//! answer as it is given and of the whole set at the end ([`validate_answers`]).
//!
//! [`Interview`] is the state machine, free of input and output; [`run`] drives it with lines
//! read from the officer.

use std::io::{self, BufRead, Write};

use canvass_protocol::forms::{
    parse_form_number, validate_answers, AnswerError, AnswerSet, AnswerValue, FormDefinition, Lang,
    Question, QuestionKind, ValidatedAnswers,
};

use canvass_protocol::i18n::tr;
use canvass_protocol::t;

use crate::prompt::{Prompter, Reply, BACK, CLEAR, QUIT};

/// The interview of one respondent on one form.
#[derive(Debug, Clone)]
pub struct Interview<'f> {
    form: &'f FormDefinition,
    answers: AnswerSet,
    /// The questions asked before the current one, by index, most recent last.
    history: Vec<usize>,
    /// The question being asked, by index; `None` once every shown question was answered.
    current: Option<usize>,
}

impl<'f> Interview<'f> {
    /// Starts at the first question; `defaults` (a refused item's answers, when fixing it) are
    /// offered as each question's current answer.
    #[must_use]
    pub fn new(form: &'f FormDefinition, defaults: AnswerSet) -> Self {
        let mut interview = Self {
            form,
            answers: defaults,
            history: Vec::new(),
            current: None,
        };
        interview.current = interview.next_shown(None);
        interview
    }

    /// The question being asked; `None` when the interview is complete.
    #[must_use]
    pub fn current(&self) -> Option<&'f Question> {
        self.current.map(|i| &self.form.questions[i])
    }

    /// The answer the current question has so far (from going back or from a fixed item).
    #[must_use]
    pub fn current_answer(&self) -> Option<&AnswerValue> {
        let question = self.current()?;
        self.answers.answered(question.id.as_str())
    }

    /// The answers so far.
    #[must_use]
    pub fn answers(&self) -> &AnswerSet {
        &self.answers
    }

    /// Where the current question stands among the questions shown now: (position from 1,
    /// count).
    #[must_use]
    pub fn progress(&self) -> (usize, usize) {
        let shown = self.form.shown_questions(&self.answers);
        let position = self
            .current()
            .and_then(|q| shown.iter().position(|s| s.id == q.id))
            .map_or(shown.len(), |p| p + 1);
        (position, shown.len())
    }

    /// Answers the current question (`None`: no answer) and moves to the next shown question.
    /// The answer is checked as the server checks it; when refused, nothing changes and the
    /// problems are returned.
    pub fn answer(&mut self, value: Option<AnswerValue>) -> Result<(), Vec<AnswerError>> {
        let Some(index) = self.current else {
            return Ok(());
        };
        let id = self.form.questions[index].id.to_string();
        let previous = match value {
            Some(value) if !value.is_blank() => self.answers.insert(id.clone(), value),
            _ => self.answers.remove(&id),
        };
        // the answers up to this question decide whether it is shown and valid
        let partial: AnswerSet = self
            .answers
            .iter()
            .filter(|(key, _)| {
                self.form
                    .questions
                    .iter()
                    .position(|q| q.id == *key)
                    .is_some_and(|i| i <= index)
            })
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        if let Err(errors) = validate_answers(self.form, &partial) {
            let own: Vec<AnswerError> = errors.into_iter().filter(|e| e.question == id).collect();
            if !own.is_empty() {
                match previous {
                    Some(previous) => self.answers.insert(id, previous),
                    None => self.answers.remove(&id),
                };
                return Err(own);
            }
        }
        self.history.push(index);
        self.current = self.next_shown(Some(index));
        Ok(())
    }

    /// Goes back to the previous question asked; `false` at the first one.
    pub fn back(&mut self) -> bool {
        match self.history.pop() {
            Some(index) => {
                self.current = Some(index);
                true
            }
            None => false,
        }
    }

    /// Checks the whole answer set as the server will. On success the canonical answers, ready
    /// to save; otherwise the problems, and the interview goes back to the first question at
    /// fault.
    pub fn finish(&mut self) -> Result<ValidatedAnswers, Vec<AnswerError>> {
        self.drop_hidden();
        validate_answers(self.form, &self.answers).inspect_err(|errors| {
            let at = errors.iter().find_map(|e| {
                self.form
                    .questions
                    .iter()
                    .position(|q| q.id == e.question.as_str())
            });
            self.current = at.or_else(|| {
                let first = self
                    .form
                    .shown_questions(&self.answers)
                    .first()
                    .map(|q| q.id.clone());
                first.and_then(|id| self.form.questions.iter().position(|q| q.id == id))
            });
        })
    }

    /// The first question after `after` that the answers so far show; answers left on the
    /// questions skipped on the way (hidden now) are dropped.
    fn next_shown(&mut self, after: Option<usize>) -> Option<usize> {
        let start = after.map_or(0, |i| i + 1);
        let shown: Vec<usize> = self
            .form
            .shown_questions(&self.answers)
            .iter()
            .filter_map(|q| self.form.questions.iter().position(|x| x.id == q.id))
            .collect();
        let next = shown.into_iter().find(|&i| i >= start);
        let end = next.unwrap_or(self.form.questions.len());
        for skipped in start..end {
            let id = self.form.questions[skipped].id.to_string();
            self.answers.remove(&id);
        }
        next
    }

    fn drop_hidden(&mut self) {
        let shown: Vec<String> = self
            .form
            .shown_questions(&self.answers)
            .iter()
            .map(|q| q.id.to_string())
            .collect();
        let hidden: Vec<String> = self
            .answers
            .iter()
            .map(|(k, _)| k.to_string())
            .filter(|k| !shown.contains(k))
            .collect();
        for key in hidden {
            self.answers.remove(&key);
        }
    }
}

/// The choices a question offers, in display order: (option id, label).
fn choices<'f>(
    form: &'f FormDefinition,
    question: &'f Question,
    lang: Lang,
) -> Vec<(&'f str, &'f str)> {
    match &question.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            options
                .iter()
                .map(|o| (o.id.as_str(), o.label.get(lang)))
                .collect()
        }
        QuestionKind::Rating { scale } => form
            .scale(scale.as_str())
            .map(|s| {
                s.options
                    .iter()
                    .map(|o| (o.id.as_str(), o.label.get(lang)))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Turns what the officer typed into an answer value: an option by its number in the list or
/// by its id; several for a multiple-choice question (separated by commas, semicolons or
/// spaces); a number for number questions. Text that is not a number stays text, so
/// validation names the problem in the form's own words.
pub fn parse_input(
    form: &FormDefinition,
    question: &Question,
    text: &str,
    lang: Lang,
) -> Result<AnswerValue, String> {
    let text = text.trim();
    let pick = |token: &str| -> Result<String, String> {
        let options = choices(form, question, lang);
        match token.parse::<usize>() {
            Ok(n) if (1..=options.len()).contains(&n) => Ok(options[n - 1].0.to_string()),
            Ok(_) => Err(t!(lang, "cli-interview-pick-number", max = options.len())),
            Err(_) => Ok(token.to_string()),
        }
    };
    match &question.kind {
        QuestionKind::SingleChoice { .. } | QuestionKind::Rating { .. } => {
            Ok(AnswerValue::Text(pick(text)?))
        }
        QuestionKind::MultipleChoice { .. } => {
            let tokens = text
                .split([',', ';', ' ', '，', '；', '、', '\t'])
                .filter(|t| !t.is_empty())
                .map(pick)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(AnswerValue::Choices(tokens))
        }
        QuestionKind::Score0To10 { .. } | QuestionKind::Number { .. } => {
            Ok(parse_form_number(text)
                .map_or_else(|| AnswerValue::Text(text.to_string()), AnswerValue::Number))
        }
        QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => {
            Ok(AnswerValue::Text(text.replace("\\n", "\n")))
        }
    }
}

/// How an answer is shown back: option numbers and labels, numbers, text.
#[must_use]
pub fn show_answer(
    form: &FormDefinition,
    question: &Question,
    value: &AnswerValue,
    lang: Lang,
) -> String {
    let options = choices(form, question, lang);
    let option = |id: &str| {
        options.iter().position(|(o, _)| *o == id).map_or_else(
            || id.to_string(),
            |i| format!("{}) {}", i + 1, options[i].1),
        )
    };
    match value {
        AnswerValue::Text(t) if !options.is_empty() => option(t),
        AnswerValue::Choices(ids) => ids
            .iter()
            .map(|id| option(id))
            .collect::<Vec<_>>()
            .join("; "),
        AnswerValue::Number(n) => format!("{n}"),
        AnswerValue::Text(t) => t.clone(),
        AnswerValue::Null | AnswerValue::Other(_) => String::new(),
    }
}

/// How one interview ended.
#[derive(Debug)]
pub enum Outcome {
    /// Every shown question answered and the whole set valid.
    Finished(ValidatedAnswers),
    /// The officer typed `!q` or the input ended; `started` says whether anything was
    /// answered (an unfinished answer set, not saved).
    Stopped { started: bool, end_of_input: bool },
}

/// Runs an interview on `prompter` until the answer set is complete and valid, or the officer
/// stops.
pub fn run<R: BufRead, W: Write>(
    p: &mut Prompter<R, W>,
    form: &FormDefinition,
    defaults: AnswerSet,
) -> io::Result<Outcome> {
    let mut interview = Interview::new(form, defaults);
    let mut started = false;
    loop {
        let Some(question) = interview.current() else {
            match interview.finish() {
                Ok(valid) => return Ok(Outcome::Finished(valid)),
                Err(errors) => {
                    p.say_tr("cli-interview-problems")?;
                    for e in &errors {
                        let label = form.question(&e.question).map_or_else(
                            || e.question.clone(),
                            |q| q.label.get(p.lang).to_string(),
                        );
                        let line = format!("  - {label}: {}", e.message(p.lang));
                        p.say(&line)?;
                    }
                    continue;
                }
            }
        };
        show_question(p, form, &interview, question)?;
        let reply = p.ask("> ")?;
        let value = match reply {
            Reply::EndOfInput => {
                return Ok(Outcome::Stopped {
                    started,
                    end_of_input: true,
                })
            }
            Reply::Quit => {
                return Ok(Outcome::Stopped {
                    started,
                    end_of_input: false,
                })
            }
            Reply::Help => {
                show_help(p)?;
                continue;
            }
            Reply::Back => {
                if !interview.back() {
                    p.say_tr("cli-interview-first")?;
                }
                continue;
            }
            Reply::Empty => interview.current_answer().cloned(),
            Reply::Clear => None,
            Reply::Text(text) => match parse_input(form, question, &text, p.lang) {
                Ok(value) => Some(value),
                Err(message) => {
                    p.say(&format!("  ! {message}"))?;
                    continue;
                }
            },
        };
        started = true;
        if let Err(errors) = interview.answer(value) {
            for e in errors {
                let line = format!("  ! {}", e.message(p.lang));
                p.say(&line)?;
            }
        }
    }
}

fn show_question<R: BufRead, W: Write>(
    p: &mut Prompter<R, W>,
    form: &FormDefinition,
    interview: &Interview<'_>,
    question: &Question,
) -> io::Result<()> {
    let lang = p.lang;
    let (position, count) = interview.progress();
    let required = if question.required {
        tr(lang, "cli-interview-required")
    } else {
        tr(lang, "cli-interview-optional")
    };
    let head = format!(
        "\n[{position}/{count}] {} {required}",
        question.label.get(lang)
    );
    p.say(&head)?;
    if let Some(help) = &question.help {
        p.say(&format!("    {}", help.get(lang)))?;
    }
    for (i, (id, label)) in choices(form, question, lang).iter().enumerate() {
        p.say(&format!("  {}) {label}  [{id}]", i + 1))?;
    }
    let hint = match &question.kind {
        QuestionKind::MultipleChoice { min, max, .. } => {
            let mut hint = tr(lang, "cli-interview-hint-several");
            if let Some(max) = max {
                hint.push_str(&t!(lang, "cli-interview-hint-at-most", max = *max));
            }
            if let Some(min) = min {
                hint.push_str(&t!(lang, "cli-interview-hint-at-least", min = *min));
            }
            Some(hint)
        }
        QuestionKind::Score0To10 {
            low_label,
            high_label,
        } => Some(format!(
            "0-10{}{}",
            low_label.as_ref().map_or_else(String::new, |l| t!(
                lang,
                "cli-interview-hint-low",
                label = l.get(lang)
            )),
            high_label.as_ref().map_or_else(String::new, |l| t!(
                lang,
                "cli-interview-hint-high",
                label = l.get(lang)
            ))
        )),
        QuestionKind::Number { min, max, unit, .. } => {
            let range = match (min, max) {
                (Some(a), Some(b)) => format!("{a}-{b}"),
                (Some(a), None) => format!("≥ {a}"),
                (None, Some(b)) => format!("≤ {b}"),
                (None, None) => String::new(),
            };
            let unit = unit.as_ref().map_or("", |u| u.get(lang));
            Some(
                format!("{} {range} {unit}", tr(lang, "cli-interview-hint-number"))
                    .trim()
                    .to_string(),
            )
        }
        QuestionKind::LongText { .. } => Some(tr(lang, "cli-interview-hint-long-text")),
        _ => None,
    };
    if let Some(hint) = hint {
        p.say(&t!(lang, "cli-interview-hint", hint = hint))?;
    }
    if let Some(current) = interview.current_answer() {
        let shown = show_answer(form, question, current, lang);
        p.say(&t!(
            lang,
            "cli-interview-current",
            answer = shown,
            clear = CLEAR
        ))?;
    }
    Ok(())
}

/// Prints the keys that steer an interview.
pub fn show_help<R: BufRead, W: Write>(p: &mut Prompter<R, W>) -> io::Result<()> {
    let text = t!(
        p.lang,
        "cli-interview-help",
        back = BACK,
        clear = CLEAR,
        quit = QUIT
    );
    p.say(&text)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use canvass_protocol::ErrorCode;

    /// The window-service form of the docs: skip logic on `overall` and `visit_purpose`.
    pub(crate) fn form() -> FormDefinition {
        FormDefinition::from_json(include_str!(
            "../../docs/examples/survey-window-service.json"
        ))
        .unwrap()
    }

    #[allow(clippy::unnecessary_wraps)]
    fn text(s: &str) -> Option<AnswerValue> {
        Some(AnswerValue::Text(s.into()))
    }

    fn current(i: &Interview<'_>) -> String {
        i.current()
            .map_or_else(|| "done".into(), |q| q.id.to_string())
    }

    #[test]
    fn hidden_questions_are_not_asked() {
        let form = form();
        let mut i = Interview::new(&form, AnswerSet::new());
        assert_eq!(current(&i), "visit_purpose");
        i.answer(text("enquiry")).unwrap();
        for q in ["overall", "attitude", "efficiency"] {
            assert_eq!(current(&i), q);
            i.answer(text("satisfied")).unwrap();
        }
        assert_eq!(current(&i), "transparency");
        i.answer(None).unwrap();
        // dissatisfied_reasons (overall ≠ dissatisfied) and trips (enquiry) are skipped
        assert_eq!(current(&i), "score");
        i.answer(Some(AnswerValue::Number(8.0))).unwrap();
        i.answer(None).unwrap();
        assert_eq!(current(&i), "done");
        let valid = i.finish().unwrap();
        assert_eq!(valid.len(), 5);
    }

    #[test]
    fn going_back_and_changing_an_answer_changes_what_is_asked() {
        let form = form();
        let mut i = Interview::new(&form, AnswerSet::new());
        i.answer(text("licence")).unwrap();
        i.answer(text("dissatisfied")).unwrap();
        i.answer(text("satisfied")).unwrap();
        i.answer(text("satisfied")).unwrap();
        i.answer(None).unwrap();
        assert_eq!(current(&i), "dissatisfied_reasons");
        i.answer(Some(AnswerValue::from(vec!["other"]))).unwrap();
        assert_eq!(current(&i), "other_reason");
        i.answer(text("窗口没人")).unwrap();
        assert_eq!(current(&i), "trips");

        // back to `overall` and change it: the reasons are no longer asked and dropped
        for _ in 0..6 {
            assert!(i.back());
        }
        assert_eq!(current(&i), "overall");
        assert_eq!(i.current_answer(), text("dissatisfied").as_ref());
        i.answer(text("satisfied")).unwrap();
        i.answer(text("satisfied")).unwrap();
        i.answer(text("satisfied")).unwrap();
        i.answer(None).unwrap();
        assert_eq!(current(&i), "trips");
        assert!(i.answers().get("dissatisfied_reasons").is_none());
        assert!(i.answers().get("other_reason").is_none());
        i.answer(Some(AnswerValue::Number(2.0))).unwrap();
        i.answer(None).unwrap();
        i.answer(None).unwrap();
        let valid = i.finish().unwrap();
        assert!(valid.get("dissatisfied_reasons").is_none());
        assert!(valid.get("trips").is_some());

        let mut first = Interview::new(&form, AnswerSet::new());
        assert!(!first.back(), "nothing before the first question");
    }

    #[test]
    fn each_answer_is_checked_as_it_is_given() {
        let form = form();
        let mut i = Interview::new(&form, AnswerSet::new());
        let errors = i.answer(None).unwrap_err();
        assert_eq!(errors[0].code(), ErrorCode::RequiredAnswerMissing);
        let errors = i.answer(text("holiday")).unwrap_err();
        assert_eq!(errors[0].code(), ErrorCode::InvalidOption);
        assert_eq!(current(&i), "visit_purpose", "asked again");
        assert!(i.answers().is_empty(), "the refused answer is not kept");
        i.answer(text("licence")).unwrap();
        i.answer(text("dissatisfied")).unwrap();
        i.answer(text("satisfied")).unwrap();
        i.answer(text("satisfied")).unwrap();
        i.answer(None).unwrap();
        let many = Some(AnswerValue::from(vec![
            "long_wait",
            "rude_staff",
            "improper_fees",
            "other",
        ]));
        let errors = i.answer(many).unwrap_err();
        assert_eq!(errors[0].code(), ErrorCode::InvalidAnswer);
        i.answer(Some(AnswerValue::from(vec!["long_wait"])))
            .unwrap();
        assert_eq!(current(&i), "trips");
        let errors = i.answer(Some(AnswerValue::Number(21.0))).unwrap_err();
        assert_eq!(errors[0].code(), ErrorCode::OutOfRange);
    }

    #[test]
    fn typed_input_picks_options_by_number_or_id() {
        let form = form();
        let purpose = form.question("visit_purpose").unwrap();
        assert_eq!(
            parse_input(&form, purpose, "2", Lang::En).unwrap(),
            AnswerValue::Text("complaint".into())
        );
        assert_eq!(
            parse_input(&form, purpose, "enquiry", Lang::En).unwrap(),
            AnswerValue::Text("enquiry".into())
        );
        assert!(parse_input(&form, purpose, "9", Lang::En).is_err());
        let reasons = form.question("dissatisfied_reasons").unwrap();
        assert_eq!(
            parse_input(&form, reasons, "1, 3；other", Lang::ZhCn).unwrap(),
            AnswerValue::from(vec!["long_wait", "rude_staff", "other"])
        );
        let trips = form.question("trips").unwrap();
        assert_eq!(
            parse_input(&form, trips, "３", Lang::ZhCn).unwrap(),
            AnswerValue::Number(3.0)
        );
        assert_eq!(
            parse_input(&form, trips, "three", Lang::ZhCn).unwrap(),
            AnswerValue::Text("three".into())
        );
    }

    #[test]
    fn piped_lines_drive_a_whole_interview_with_back_and_a_retry() {
        let form = form();
        // purpose 1 (licence); overall: a wrong number, then 1; back; overall 3 (dissatisfied);
        // attitude, efficiency; transparency skipped; reasons 1,2; trips 2; score; comment
        let input = "1\n9\n1\n<\n3\n1\n1\n\n1,2\n2\n7\n\n";
        let mut p = Prompter::new(input.as_bytes(), Vec::new(), Lang::En);
        let Outcome::Finished(valid) = run(&mut p, &form, AnswerSet::new()).unwrap() else {
            panic!("finished");
        };
        let out = String::from_utf8(p.out).unwrap();
        assert!(out.contains("Type a number from 1 to 4"), "{out}");
        let answers = valid.to_answer_set();
        assert_eq!(answers.get("overall"), text("dissatisfied").as_ref());
        assert_eq!(
            answers.get("dissatisfied_reasons"),
            Some(&AnswerValue::from(vec!["long_wait", "repeated_trips"]))
        );
        assert_eq!(answers.get("trips"), Some(&AnswerValue::Number(2.0)));
        assert!(answers.get("transparency").is_none());
    }

    #[test]
    fn the_end_of_input_stops_an_unfinished_interview() {
        let form = form();
        let mut p = Prompter::new(&b"1\n1\n"[..], Vec::new(), Lang::ZhCn);
        let outcome = run(&mut p, &form, AnswerSet::new()).unwrap();
        assert!(matches!(
            outcome,
            Outcome::Stopped {
                started: true,
                end_of_input: true
            }
        ));
        let mut p = Prompter::new(&b"!q\n"[..], Vec::new(), Lang::ZhCn);
        let outcome = run(&mut p, &form, AnswerSet::new()).unwrap();
        assert!(matches!(
            outcome,
            Outcome::Stopped {
                started: false,
                end_of_input: false
            }
        ));
    }

    #[test]
    fn fixing_offers_the_previous_answers_as_defaults() {
        let form = form();
        let defaults: AnswerSet = serde_json::from_str(
            r#"{"visit_purpose":"enquiry","overall":"satisfied","attitude":"satisfied","efficiency":"dissatisfied","score":4}"#,
        )
        .unwrap();
        // Enter keeps every answer but efficiency, changed to 2
        let input = "\n\n\n2\n\n\n\n";
        let mut p = Prompter::new(input.as_bytes(), Vec::new(), Lang::En);
        let Outcome::Finished(valid) = run(&mut p, &form, defaults).unwrap() else {
            panic!("finished");
        };
        let answers = valid.to_answer_set();
        assert_eq!(
            answers.get("efficiency"),
            text("basically_satisfied").as_ref()
        );
        assert_eq!(answers.get("score"), Some(&AnswerValue::Number(4.0)));
        assert_eq!(answers.get("visit_purpose"), text("enquiry").as_ref());
    }
}
