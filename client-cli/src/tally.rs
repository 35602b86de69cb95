//! `canvass tally`: a paper tally sheet (计票单) of one polling station, entered count by count
//! with the reconciliation checks done on the spot (valid + invalid = returned; each subject's
//! grades + abstentions = valid) and the round's whole check ([`check_tally_sheet`]) before it
//! is saved. A station with more ballots returned than issued is void (作废): that is explained,
//! and the sheet is saved as such so the organiser sees it. Also the tally half of `canvass fix`.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use canvass_protocol::forms::{parse_form_number, Lang};
use canvass_protocol::rounds::RoundInfo;
use canvass_protocol::rounds::{
    check_tally_sheet, Dimension, Grade, GradeTally, Round, SubjectRef, SubjectTally, TallyOutcome,
    TallySheet,
};
use canvass_protocol::sync::{BatchItem, FieldTallySheet};
use canvass_protocol::ErrorDetail;

use canvass_protocol::i18n::{tr, Arg, Message};
use canvass_protocol::{msg, t};

use crate::api::detail_line;
use crate::catalog;
use crate::error::CliError;
use crate::prompt::{Prompter, Reply, BACK, QUIT};
use crate::store::{LocalStore, NewItem, StoredItem};

/// One number on the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Issued,
    Returned,
    Valid,
    Invalid,
    /// The count of a grade for the subject at this index (ballot order).
    Grade(usize, Grade),
    Abstentions(usize),
    DimensionGrade(usize, Dimension, Grade),
    DimensionAbstentions(usize, Dimension),
}

/// What entering a number led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entered {
    /// Fine; on to the next number.
    Next,
    /// More returned than issued: explained, and the entry goes on.
    Void(String),
    /// The numbers just entered do not add up: explained, and the entry goes back to the
    /// first number of the group that must be entered again.
    Mismatch(String),
}

/// The entry of one tally sheet: the state machine, free of input and output.
#[derive(Debug, Clone)]
pub struct TallyEntry<'r> {
    round: &'r Round,
    subjects: Vec<SubjectRef>,
    station: String,
    group: String,
    fields: Vec<Field>,
    values: Vec<Option<u64>>,
    pos: usize,
}

impl<'r> TallyEntry<'r> {
    /// A sheet for `station` and `group`, its numbers taken from `defaults` when given (fixing a
    /// refused sheet).
    #[must_use]
    pub fn new(
        round: &'r Round,
        station: &str,
        group: &str,
        defaults: Option<&TallySheet>,
    ) -> Self {
        let subjects: Vec<SubjectRef> = round.subjects().collect();
        let mut fields = vec![Field::Issued, Field::Returned, Field::Valid, Field::Invalid];
        for (i, &subject) in subjects.iter().enumerate() {
            let scale = subject.kind().scale();
            fields.extend(scale.grades().iter().map(|&g| Field::Grade(i, g)));
            fields.push(Field::Abstentions(i));
            for &d in round.dimensions_of(subject) {
                fields.extend(
                    scale
                        .grades()
                        .iter()
                        .map(|&g| Field::DimensionGrade(i, d, g)),
                );
                fields.push(Field::DimensionAbstentions(i, d));
            }
        }
        let mut entry = Self {
            round,
            subjects,
            station: station.to_string(),
            group: group.to_string(),
            values: vec![None; fields.len()],
            fields,
            pos: 0,
        };
        if let Some(sheet) = defaults {
            entry.fill(sheet);
        }
        entry
    }

    fn fill(&mut self, sheet: &TallySheet) {
        let by_subject: BTreeMap<SubjectRef, &SubjectTally> =
            sheet.subjects.iter().map(|s| (s.subject, s)).collect();
        for (k, field) in self.fields.iter().enumerate() {
            let entry = |i: usize| by_subject.get(&self.subjects[i]);
            self.values[k] = match *field {
                Field::Issued => Some(sheet.issued),
                Field::Returned => Some(sheet.returned),
                Field::Valid => Some(sheet.valid),
                Field::Invalid => Some(sheet.invalid),
                Field::Grade(i, g) => entry(i).map(|s| s.counts.get(&g).copied().unwrap_or(0)),
                Field::Abstentions(i) => entry(i).map(|s| s.abstentions),
                Field::DimensionGrade(i, d, g) => entry(i)
                    .and_then(|s| s.dimensions.get(&d))
                    .map(|t| t.count(g)),
                Field::DimensionAbstentions(i, d) => entry(i)
                    .and_then(|s| s.dimensions.get(&d))
                    .map(|t| t.abstentions),
            };
        }
    }

    /// The number being asked; `None` once every number is entered.
    #[must_use]
    pub fn current(&self) -> Option<Field> {
        self.fields.get(self.pos).copied()
    }

    /// The value the current number has so far.
    #[must_use]
    pub fn current_value(&self) -> Option<u64> {
        self.values.get(self.pos).copied().flatten()
    }

    /// (position from 1, count)
    #[must_use]
    pub fn progress(&self) -> (usize, usize) {
        ((self.pos + 1).min(self.fields.len()), self.fields.len())
    }

    fn value(&self, field: Field) -> u64 {
        self.fields
            .iter()
            .position(|f| *f == field)
            .and_then(|k| self.values[k])
            .unwrap_or(0)
    }

    fn go_to(&mut self, field: Field) {
        if let Some(k) = self.fields.iter().position(|f| *f == field) {
            self.pos = k;
        }
    }

    /// Enters the current number and checks what can be checked now.
    pub fn enter(&mut self, value: u64, lang: Lang) -> Entered {
        let Some(field) = self.current() else {
            return Entered::Next;
        };
        self.values[self.pos] = Some(value);
        self.pos += 1;
        let valid = self.value(Field::Valid);
        match field {
            Field::Returned if value > self.value(Field::Issued) => {
                Entered::Void(void_explanation(self.value(Field::Issued), value, lang))
            }
            Field::Invalid => {
                let returned = self.value(Field::Returned);
                if u128::from(valid) + u128::from(value) == u128::from(returned) {
                    Entered::Next
                } else {
                    self.go_to(Field::Valid);
                    Entered::Mismatch(t!(
                        lang,
                        "cli-tally-valid-invalid",
                        valid = valid,
                        invalid = value,
                        returned = returned
                    ))
                }
            }
            Field::Abstentions(i) => {
                let scale = self.subjects[i].kind().scale();
                let sum: u128 = scale
                    .grades()
                    .iter()
                    .map(|&g| u128::from(self.value(Field::Grade(i, g))))
                    .sum::<u128>()
                    + u128::from(value);
                if sum == u128::from(valid) {
                    Entered::Next
                } else {
                    self.go_to(Field::Grade(i, scale.grades()[0]));
                    Entered::Mismatch(self.sum_mismatch(i, None, sum, valid, lang))
                }
            }
            Field::DimensionAbstentions(i, d) => {
                let scale = self.subjects[i].kind().scale();
                let sum: u128 = scale
                    .grades()
                    .iter()
                    .map(|&g| u128::from(self.value(Field::DimensionGrade(i, d, g))))
                    .sum::<u128>()
                    + u128::from(value);
                if sum == u128::from(valid) {
                    Entered::Next
                } else {
                    self.go_to(Field::DimensionGrade(i, d, scale.grades()[0]));
                    Entered::Mismatch(self.sum_mismatch(i, Some(d), sum, valid, lang))
                }
            }
            _ => Entered::Next,
        }
    }

    fn sum_mismatch(
        &self,
        i: usize,
        d: Option<Dimension>,
        sum: u128,
        valid: u64,
        lang: Lang,
    ) -> String {
        let name = match d {
            Some(d) => t!(
                lang,
                "cli-tally-subject-dimension",
                subject = self.subject_name(i),
                dimension = dimension_label(d, lang)
            ),
            None => self.subject_name(i),
        };
        t!(
            lang,
            "cli-tally-sum",
            subject = name,
            sum = sum.to_string(),
            valid = valid
        )
    }

    /// Goes back one number; `false` at the first.
    pub fn back(&mut self) -> bool {
        if self.pos == 0 {
            false
        } else {
            self.pos -= 1;
            true
        }
    }

    /// The sheet as entered so far (numbers not entered count 0).
    #[must_use]
    pub fn sheet(&self) -> TallySheet {
        let subjects = self
            .subjects
            .iter()
            .enumerate()
            .map(|(i, &subject)| {
                let scale = subject.kind().scale();
                let counts = scale
                    .grades()
                    .iter()
                    .map(|&g| (g, self.value(Field::Grade(i, g))))
                    .collect();
                let dimensions = self
                    .round
                    .dimensions_of(subject)
                    .iter()
                    .map(|&d| {
                        let mut tally = GradeTally::zero(scale);
                        for &g in &scale.grades() {
                            tally.add(Some(g), self.value(Field::DimensionGrade(i, d, g)));
                        }
                        tally.add(None, self.value(Field::DimensionAbstentions(i, d)));
                        (d, tally)
                    })
                    .collect();
                SubjectTally {
                    subject,
                    counts,
                    abstentions: self.value(Field::Abstentions(i)),
                    dimensions,
                }
            })
            .collect();
        TallySheet {
            station: self.station.clone(),
            elector_group: self.group.clone(),
            issued: self.value(Field::Issued),
            returned: self.value(Field::Returned),
            valid: self.value(Field::Valid),
            invalid: self.value(Field::Invalid),
            subjects,
        }
    }

    /// The round's whole check. On failure the entry goes back to the first number at fault.
    pub fn finish(&mut self) -> Result<(TallySheet, TallyOutcome), Vec<ErrorDetail>> {
        let sheet = self.sheet();
        match check_tally_sheet(self.round, &sheet) {
            Ok(outcome) => Ok((sheet, outcome)),
            Err(errors) => {
                let field = errors
                    .first()
                    .and_then(|e| e.field.clone())
                    .unwrap_or_default();
                self.pos = self.field_for(&field);
                Err(errors)
            }
        }
    }

    /// The first number behind an error's field path (`valid`, `subjects[2].dimensions.ability`).
    fn field_for(&self, path: &str) -> usize {
        let target = if path == "valid" || path == "invalid" {
            Field::Valid
        } else if path == "returned" || path == "issued" {
            Field::Issued
        } else if let Some(rest) = path.strip_prefix("subjects[") {
            let i = rest
                .split(']')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0)
                .min(self.subjects.len().saturating_sub(1));
            let scale = self.subjects[i].kind().scale();
            let dim = rest.split(".dimensions.").nth(1).and_then(|d| {
                Dimension::ALL
                    .into_iter()
                    .find(|x| d.starts_with(x.as_str()))
            });
            match dim {
                Some(d) => Field::DimensionGrade(i, d, scale.grades()[0]),
                None => Field::Grade(i, scale.grades()[0]),
            }
        } else if self.subjects.is_empty() {
            Field::Issued
        } else {
            Field::Grade(0, self.subjects[0].kind().scale().grades()[0])
        };
        self.fields.iter().position(|f| *f == target).unwrap_or(0)
    }

    fn subject_name(&self, i: usize) -> String {
        let subject = self.subjects[i];
        match subject {
            SubjectRef::Official(id) => self.round.official(id).map_or_else(
                || subject.to_string(),
                |o| format!("{} ({})", o.name, o.position),
            ),
            SubjectRef::Team => self
                .round
                .subject_name(subject)
                .map_or_else(|| "team".to_string(), ToString::to_string),
        }
    }

    /// What the current number is, in words.
    #[must_use]
    pub fn label(&self, field: Field, lang: Lang) -> String {
        // grades and dimensions are named by the round's own labels; in English the Chinese
        // label the paper sheet prints follows
        let grade = |g: Grade| match lang {
            Lang::ZhCn => g.label_zh().to_string(),
            Lang::En => format!("{} {}", g.label_en(), g.label_zh()),
        };
        match field {
            Field::Issued => tr(lang, "cli-tally-issued"),
            Field::Returned => tr(lang, "cli-tally-returned"),
            Field::Valid => tr(lang, "cli-tally-valid"),
            Field::Invalid => tr(lang, "cli-tally-invalid"),
            Field::Grade(i, g) => format!("{} — {}", self.subject_name(i), grade(g)),
            Field::Abstentions(i) => format!(
                "{} — {}",
                self.subject_name(i),
                tr(lang, "cli-tally-abstentions")
            ),
            Field::DimensionGrade(i, d, g) => format!(
                "{} — {} — {}",
                self.subject_name(i),
                dimension_label(d, lang),
                grade(g)
            ),
            Field::DimensionAbstentions(i, d) => format!(
                "{} — {} — {}",
                self.subject_name(i),
                dimension_label(d, lang),
                tr(lang, "cli-tally-abstentions")
            ),
        }
    }
}

/// Why a station with more ballots returned than issued is void, and what follows.
#[must_use]
pub fn void_explanation(issued: u64, returned: u64, lang: Lang) -> String {
    t!(lang, "cli-tally-void", issued = issued, returned = returned)
}

/// A dimension (德能勤绩廉) as the reader knows it; in English with the Chinese character.
fn dimension_label(d: Dimension, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => d.label_zh().to_string(),
        Lang::En => format!("{} {}", d.label_en(), d.label_zh()),
    }
}

/// How a sheet entry ended.
#[derive(Debug)]
pub enum EntryOutcome {
    /// Complete and consistent.
    Done(TallySheet, TallyOutcome),
    /// Stopped by `!q` or the end of input; nothing saved.
    Stopped,
}

/// Runs a sheet entry on `p` until it is complete and consistent, or the officer stops.
pub fn run_entry<R: BufRead, W: Write>(
    p: &mut Prompter<R, W>,
    entry: &mut TallyEntry<'_>,
) -> io::Result<EntryOutcome> {
    let lang = p.lang;
    loop {
        let Some(field) = entry.current() else {
            match entry.finish() {
                Ok((sheet, outcome)) => return Ok(EntryOutcome::Done(sheet, outcome)),
                Err(errors) => {
                    p.say_tr("cli-tally-check-failed")?;
                    for e in &errors {
                        p.say(&format!("  - {}", detail_line(e)))?;
                    }
                    continue;
                }
            }
        };
        let (n, of) = entry.progress();
        let default = entry.current_value().map_or_else(String::new, |v| {
            format!(" {}", t!(lang, "cli-tally-keep", value = v))
        });
        let prompt = format!(
            "{} ",
            t!(
                lang,
                "cli-tally-prompt",
                position = format!("[{n}/{of}]"),
                label = entry.label(field, lang),
                keep = default
            )
        );
        match p.ask(&prompt)? {
            Reply::EndOfInput | Reply::Quit => return Ok(EntryOutcome::Stopped),
            Reply::Back => {
                if !entry.back() {
                    p.say_tr("cli-tally-first")?;
                }
            }
            Reply::Help => {
                p.say(&t!(lang, "cli-tally-help", back = BACK, quit = QUIT))?;
            }
            Reply::Empty if entry.current_value().is_some() => {
                let value = entry.current_value().unwrap_or(0);
                report(p, entry.enter(value, lang))?;
            }
            Reply::Text(text) => match parse_count(&text) {
                Some(value) => report(p, entry.enter(value, lang))?,
                None => p.say_tr("cli-tally-whole-number")?,
            },
            Reply::Empty | Reply::Clear => p.say_tr("cli-tally-every-count")?,
        }
    }
}

fn report<R: BufRead, W: Write>(p: &mut Prompter<R, W>, entered: Entered) -> io::Result<()> {
    match entered {
        Entered::Next => Ok(()),
        Entered::Void(text) => p.say(&format!("  * {text}")),
        Entered::Mismatch(text) => p.say(&format!("  ! {text}")),
    }
}

fn parse_count(text: &str) -> Option<u64> {
    let n = parse_form_number(text)?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (n >= 0.0 && n.fract() == 0.0 && n < 9.0e15).then_some(n as u64)
}

/// What `canvass tally` was asked for.
#[derive(Debug, Clone, Default)]
pub struct TallyOptions {
    /// The round id.
    pub round: String,
    /// The polling station, as named at the meeting.
    pub station: Option<String>,
    /// The elector group id (asked when the round has several and this is `None`).
    pub group: Option<String>,
    /// A sheet in JSON instead of the interactive entry.
    pub file: Option<PathBuf>,
}

/// What `canvass tally` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TallySaved {
    /// Saved as this local item; `void` when the station's vote is void.
    Saved { id: i64, void: bool },
    /// Stopped before the sheet was complete; nothing saved.
    Stopped,
}

fn round_of(info: &RoundInfo) -> Result<Round, CliError> {
    Round::new(info.definition.clone()).map_err(|errors| {
        CliError::Input(msg!(
            "cli-error-round-unusable",
            round = info.id,
            problems = errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })
}

fn dedup_key(round_id: i64, station: &str, group: &str) -> String {
    format!("round:{round_id}|{}|{group}", station.trim())
}

fn tally_item(info: &RoundInfo, sheet: TallySheet, lang: Lang) -> NewItem {
    let item = BatchItem::TallySheet(FieldTallySheet {
        round_id: info.id,
        sheet,
    });
    let BatchItem::TallySheet(FieldTallySheet { sheet, .. }) = &item else {
        unreachable!("a tally sheet")
    };
    NewItem {
        dedup_key: Some(dedup_key(info.id, &sheet.station, &sheet.elector_group)),
        summary: catalog::describe_item(&item, None, lang),
        item,
        instrument: NewItem::round_key(info.id),
        label: catalog::round_name(info),
    }
}

fn refuse_duplicate(
    store: &LocalStore,
    key: &str,
    station: &str,
    group: &str,
) -> Result<(), CliError> {
    if let Some(existing) = store.live_item_with_key(key)? {
        return Err(CliError::Input(msg!(
            "cli-error-tally-duplicate",
            station = station,
            group = group,
            id = existing
        )));
    }
    Ok(())
}

/// The elector groups of a round as `id (label)`, for the messages that list them.
fn group_list(round: &Round) -> Arg {
    catalog::join_localized(
        &round
            .definition()
            .elector_groups
            .iter()
            .map(|g| format!("{} ({})", g.id, g.label))
            .collect::<Vec<_>>(),
    )
}

/// The elector group named by `text`: its number in the list, its id or its exact label.
fn find_group(round: &Round, text: &str) -> Option<String> {
    let groups = &round.definition().elector_groups;
    let text = text.trim();
    text.parse::<usize>()
        .ok()
        .filter(|n| (1..=groups.len()).contains(n))
        .map(|n| groups[n - 1].id.clone())
        .or_else(|| {
            groups
                .iter()
                .find(|g| g.id == text || g.label == text)
                .map(|g| g.id.clone())
        })
}

fn ask_group<R: BufRead, W: Write>(
    p: &mut Prompter<R, W>,
    round: &Round,
    default: Option<&str>,
) -> io::Result<Option<String>> {
    let groups = &round.definition().elector_groups;
    if groups.len() == 1 {
        return Ok(Some(groups[0].id.clone()));
    }
    loop {
        p.say(&format!("\n{}", tr(p.lang, "cli-tally-ask-group")))?;
        for (i, g) in groups.iter().enumerate() {
            p.say(&format!("  {}) {}  [{}]", i + 1, g.label, g.id))?;
        }
        match p.ask("> ")? {
            Reply::EndOfInput | Reply::Quit => return Ok(None),
            Reply::Empty if default.is_some() => return Ok(default.map(ToString::to_string)),
            Reply::Text(text) => match find_group(round, &text) {
                Some(id) => return Ok(Some(id)),
                None => p.say(&t!(
                    p.lang,
                    "cli-tally-no-such-group",
                    group = text,
                    known = group_list(round)
                ))?,
            },
            Reply::Help => {
                let text = t!(p.lang, "cli-tally-group-help", quit = QUIT);
                p.say(&text)?;
            }
            _ => p.say_tr("cli-tally-type-group")?,
        }
    }
}

/// The group given with `--group` (an id or exact label) as its id; a usage error listing the
/// round's groups otherwise.
fn check_group(round: &Round, group: &str) -> Result<String, CliError> {
    find_group(round, group)
        .filter(|_| group.trim().parse::<usize>().is_err())
        .ok_or_else(|| {
            CliError::Usage(msg!(
                "cli-error-no-such-group",
                group = group,
                known = group_list(round)
            ))
        })
}

/// `canvass tally`: enters (or reads from `--file`) one sheet, checks it and queues it.
pub fn tally<R: BufRead, W: Write>(
    store: &mut LocalStore,
    options: &TallyOptions,
    p: &mut Prompter<R, W>,
) -> Result<TallySaved, CliError> {
    let cached = catalog::cached(store)?;
    let info = catalog::find_round(&cached.manifest, &options.round)?;
    let round = round_of(info)?;
    let lang = p.lang;
    if let Some(file) = &options.file {
        return tally_from_file(store, info, &round, options, file, p);
    }
    let station = options
        .station
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| CliError::Usage(msg!("cli-error-no-station")))?
        .to_string();
    let given = options
        .group
        .as_deref()
        .map(|g| check_group(&round, g))
        .transpose()?;
    p.say(&t!(
        lang,
        "cli-tally-intro",
        round = catalog::round_name(info),
        station = station.as_str()
    ))?;
    let group = match given {
        Some(g) => g,
        None => match ask_group(p, &round, None)? {
            Some(g) => g,
            None => return Ok(TallySaved::Stopped),
        },
    };
    let key = dedup_key(info.id, &station, &group);
    refuse_duplicate(store, &key, &station, &group)?;
    let mut entry = TallyEntry::new(&round, &station, &group, None);
    match run_entry(p, &mut entry)? {
        EntryOutcome::Stopped => {
            p.say_tr("cli-tally-not-saved")?;
            Ok(TallySaved::Stopped)
        }
        EntryOutcome::Done(sheet, outcome) => save_sheet(store, info, sheet, &outcome, p),
    }
}

fn save_sheet<R: BufRead, W: Write>(
    store: &mut LocalStore,
    info: &RoundInfo,
    sheet: TallySheet,
    outcome: &TallyOutcome,
    p: &mut Prompter<R, W>,
) -> Result<TallySaved, CliError> {
    let void = matches!(outcome, TallyOutcome::Void { .. });
    if let TallyOutcome::Void { issued, returned } = *outcome {
        p.say(&void_explanation(issued, returned, p.lang))?;
    }
    let id = store.add_item(&tally_item(info, sheet, p.lang))?;
    let saved = if void {
        "cli-tally-saved-void"
    } else {
        "cli-tally-saved"
    };
    p.say(&Message::new(saved).arg("id", id).render(p.lang))?;
    Ok(TallySaved::Saved { id, void })
}

fn tally_from_file<R: BufRead, W: Write>(
    store: &mut LocalStore,
    info: &RoundInfo,
    round: &Round,
    options: &TallyOptions,
    file: &std::path::Path,
    p: &mut Prompter<R, W>,
) -> Result<TallySaved, CliError> {
    let path = file.display().to_string();
    let text = crate::files::read_input_text(file)?;
    let sheet: TallySheet = serde_json::from_str(&text).map_err(|e| {
        CliError::Input(msg!(
            "cli-error-not-a-sheet",
            path = path.as_str(),
            reason = e.to_string()
        ))
    })?;
    if let Some(station) = &options.station {
        if station.trim() != sheet.station.trim() {
            return Err(CliError::Usage(msg!(
                "cli-error-sheet-station",
                given = station,
                station = sheet.station.as_str(),
                path = path.as_str()
            )));
        }
    }
    if let Some(group) = &options.group {
        if check_group(round, group)? != sheet.elector_group {
            return Err(CliError::Usage(msg!(
                "cli-error-sheet-group",
                given = group,
                group = sheet.elector_group.as_str(),
                path = path.as_str()
            )));
        }
    }
    let key = dedup_key(info.id, &sheet.station, &sheet.elector_group);
    refuse_duplicate(store, &key, &sheet.station, &sheet.elector_group)?;
    match check_tally_sheet(round, &sheet) {
        Ok(outcome) => save_sheet(store, info, sheet, &outcome, p),
        Err(errors) => Err(CliError::Input(msg!(
            "cli-error-sheet-problems",
            path = path.as_str(),
            problems = errors
                .iter()
                .map(|e| format!("  - {}", detail_line(e)))
                .collect::<Vec<_>>()
                .join("\n")
        ))),
    }
}

/// `canvass fix` for a refused tally sheet: the entry again with its numbers as defaults, then
/// queued again. `Ok(false)` when the officer stopped.
pub fn fix_sheet<R: BufRead, W: Write>(
    store: &mut LocalStore,
    stored: &StoredItem,
    field_sheet: &FieldTallySheet,
    p: &mut Prompter<R, W>,
) -> Result<bool, CliError> {
    let cached = catalog::cached(store)?;
    let info = catalog::find_round(&cached.manifest, &field_sheet.round_id.to_string())?;
    let round = round_of(info)?;
    let previous = &field_sheet.sheet;
    let group = if round.group(&previous.elector_group).is_some() {
        previous.elector_group.clone()
    } else {
        match ask_group(p, &round, None)? {
            Some(g) => g,
            None => return Ok(false),
        }
    };
    let mut entry = TallyEntry::new(&round, &previous.station, &group, Some(previous));
    let EntryOutcome::Done(sheet, outcome) = run_entry(p, &mut entry)? else {
        return Ok(false);
    };
    if let TallyOutcome::Void { issued, returned } = outcome {
        p.say(&void_explanation(issued, returned, p.lang))?;
    }
    if !store.requeue(stored.id, &tally_item(info, sheet, p.lang))? {
        return Err(CliError::Input(msg!(
            "cli-error-fix-changed",
            id = stored.id
        )));
    }
    Ok(true)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use canvass_protocol::rounds::RoundDefinition;
    use canvass_protocol::ErrorCode;

    pub(crate) fn round() -> Round {
        let definition: RoundDefinition = serde_json::from_value(serde_json::json!({
            "period": "2026年度",
            "series": {"id": "qingshan", "name": "青山镇"},
            "officials": [
                {"official_id": 11, "name": "王建国", "position": "党委书记"},
                {"official_id": 12, "name": "李明", "position": "镇长"}
            ],
            "team": {"name": "青山镇领导班子", "principal_leader": 11},
            "dimensions": ["integrity"],
            "elector_groups": [
                {"id": "cadres", "label": "干部", "weight": 0.6},
                {"id": "public", "label": "群众代表", "weight": 0.4}
            ],
            "validity_rules": [{"kind": "max_grade_count", "grade": "excellent", "max": 1}]
        }))
        .unwrap();
        Round::new(definition).unwrap()
    }

    /// Lines for a consistent sheet: 20 issued, 19 returned, 18 valid, 1 invalid.
    pub(crate) fn good_lines() -> Vec<&'static str> {
        let mut lines = vec!["20", "19", "18", "1"];
        for _ in 0..2 {
            // official: grades, abstentions, then integrity: grades, abstentions
            lines.extend(["3", "10", "4", "1", "0", "5", "10", "2", "1", "0"]);
        }
        // team
        lines.extend(["10", "5", "2", "1", "0"]);
        lines
    }

    #[test]
    fn a_consistent_sheet_is_counted() {
        let round = round();
        let mut entry = TallyEntry::new(&round, "第一会场", "public", None);
        for line in good_lines() {
            assert_eq!(entry.enter(line.parse().unwrap(), Lang::En), Entered::Next);
        }
        assert!(entry.current().is_none());
        let (sheet, outcome) = entry.finish().unwrap();
        assert!(matches!(outcome, TallyOutcome::Counted(_)));
        assert_eq!(sheet.subjects.len(), 3);
        assert_eq!(
            sheet.subjects[0].dimensions[&Dimension::Integrity].count(Grade::Competent),
            10
        );
    }

    #[test]
    fn mismatches_are_caught_on_the_spot_and_asked_again() {
        let round = round();
        let mut entry = TallyEntry::new(&round, "第一会场", "public", None);
        for v in [20, 19, 17] {
            entry.enter(v, Lang::En);
        }
        let Entered::Mismatch(text) = entry.enter(1, Lang::En) else {
            panic!("mismatch");
        };
        assert!(text.contains("must equal returned (19)"), "{text}");
        assert_eq!(entry.current(), Some(Field::Valid));
        entry.enter(18, Lang::En);
        entry.enter(1, Lang::En);
        for v in [3, 10, 4, 1] {
            assert_eq!(entry.enter(v, Lang::En), Entered::Next);
        }
        let Entered::Mismatch(text) = entry.enter(2, Lang::ZhCn) else {
            panic!("mismatch");
        };
        assert!(text.contains("王建国"), "{text}");
        assert_eq!(entry.current(), Some(Field::Grade(0, Grade::Excellent)));
    }

    #[test]
    fn more_returned_than_issued_is_explained_as_void() {
        let round = round();
        let mut entry = TallyEntry::new(&round, "第三会场", "public", None);
        entry.enter(10, Lang::En);
        let Entered::Void(text) = entry.enter(12, Lang::En) else {
            panic!("void");
        };
        assert!(text.contains("void (作废)"), "{text}");
        let mut lines = vec![12, 0];
        for _ in 0..2 {
            lines.extend([0, 12, 0, 0, 0, 0, 12, 0, 0, 0]);
        }
        lines.extend([12, 0, 0, 0, 0]);
        for v in lines {
            entry.enter(v, Lang::En);
        }
        let (_, outcome) = entry.finish().unwrap();
        assert_eq!(
            outcome,
            TallyOutcome::Void {
                issued: 10,
                returned: 12
            }
        );
    }

    #[test]
    fn the_whole_check_sends_the_entry_back_to_the_numbers_at_fault() {
        let round = round();
        let mut entry = TallyEntry::new(&round, "第一会场", "public", None);
        // 18 valid ballots hold at most 18 "excellent" marks; two officials with 10 each
        let mut lines = vec![20, 19, 18, 1];
        for _ in 0..2 {
            lines.extend([10, 8, 0, 0, 0, 0, 18, 0, 0, 0]);
        }
        lines.extend([18, 0, 0, 0, 0]);
        for v in lines {
            assert_eq!(entry.enter(v, Lang::En), Entered::Next);
        }
        let errors = entry.finish().unwrap_err();
        assert_eq!(errors[0].code, ErrorCode::TallyExceedsValidityRule);
        assert_eq!(entry.current(), Some(Field::Grade(0, Grade::Excellent)));
    }

    #[test]
    fn piped_lines_enter_a_sheet_and_back_goes_one_number_back() {
        let round = round();
        let mut lines = vec!["20", "<", "20", "19", "18", "2", "18", "1"];
        lines.extend(good_lines().into_iter().skip(4));
        let input = lines.join("\n") + "\n";
        let mut p = Prompter::new(input.as_bytes(), Vec::new(), Lang::En);
        let mut entry = TallyEntry::new(&round, "第一会场", "cadres", None);
        let EntryOutcome::Done(sheet, _) = run_entry(&mut p, &mut entry).unwrap() else {
            panic!("done");
        };
        assert_eq!((sheet.valid, sheet.invalid), (18, 1));
        let out = String::from_utf8(p.out).unwrap();
        assert!(out.contains("must equal returned"), "{out}");

        let mut p = Prompter::new(&b"20\n19\n"[..], Vec::new(), Lang::En);
        let mut entry = TallyEntry::new(&round, "第一会场", "cadres", None);
        assert!(matches!(
            run_entry(&mut p, &mut entry).unwrap(),
            EntryOutcome::Stopped
        ));
    }

    #[test]
    fn fixing_offers_the_previous_numbers() {
        let round = round();
        let mut first = TallyEntry::new(&round, "第一会场", "public", None);
        for line in good_lines() {
            first.enter(line.parse().unwrap(), Lang::En);
        }
        let (sheet, _) = first.finish().unwrap();
        let entry = TallyEntry::new(&round, "第一会场", "public", Some(&sheet));
        assert_eq!(entry.current_value(), Some(20));
        assert_eq!(entry.sheet(), sheet);
    }
}
