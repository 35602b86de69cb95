// The answer checks of the field app: a line-by-line port of `validate_answers` and
// `shown_questions` in protocol/src/forms/validate.rs, so the phone refuses what the server
// refuses. protocol/tests/conformance/answers.json is run against both (Rust and browser tests).

const MAX_TEXT_CHARS = 2000;
const DEFAULT_SHORT_TEXT_CHARS = 200;
const DEFAULT_LONG_TEXT_CHARS = MAX_TEXT_CHARS;
const MAX_ECHO_CHARS = 32;
// Rust's char::is_whitespace (Unicode White_Space) and char::is_control (Cc)
const WHITE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/** The shape of a raw answer, as `AnswerValue` reads JSON. */
function shape(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'number') return 'number';
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return 'choices';
  return 'other';
}

/** Whether a raw answer means "no answer". */
export function isBlank(v) {
  switch (shape(v)) {
    case 'null': return true;
    case 'choices': return v.length === 0;
    case 'text': return [...v].every((c) => WHITE.test(c) || CONTROL.test(c));
    default: return false;
  }
}

function storable(v) {
  switch (shape(v)) {
    case 'text': return !v.includes('\u0000');
    case 'choices': return v.every((x) => !x.includes('\u0000'));
    default: return true;
  }
}

/** Text as the server stores it: CR LF and CR become LF, other controls but LF and tab go,
 *  surrounding white space is trimmed. */
export function normaliseText(raw) {
  const unified = raw.replace(/\r\n/g, '\n').replace(/\r/g, '\n');
  const kept = [...unified].filter((c) => !CONTROL.test(c) || c === '\n' || c === '\t');
  let start = 0;
  let end = kept.length;
  while (start < end && WHITE.test(kept[start])) start += 1;
  while (end > start && WHITE.test(kept[end - 1])) end -= 1;
  return kept.slice(start, end).join('');
}

/** Text without surrounding white space, as Rust's `str::trim`. */
function trimWhite(text) {
  const chars = [...text];
  let start = 0;
  let end = chars.length;
  while (start < end && WHITE.test(chars[start])) start += 1;
  while (end > start && WHITE.test(chars[end - 1])) end -= 1;
  return chars.slice(start, end).join('');
}

function echo(sent) {
  const chars = [...sent];
  return chars.length > MAX_ECHO_CHARS ? `${chars.slice(0, MAX_ECHO_CHARS).join('')}…` : sent;
}

/** The scale of a rating question: the built-in one (`builtin`, keyed by id) or the form's. */
export function scaleOf(def, question, builtin) {
  const id = question.scale || 'satisfaction';
  if (builtin && Object.prototype.hasOwnProperty.call(builtin, id)) return builtin[id];
  return def.scales && Object.prototype.hasOwnProperty.call(def.scales, id) ? def.scales[id] : null;
}

/** The longest text answer of a text question, in characters. */
export function maxTextChars(question) {
  const fallback = question.type === 'short_text' ? DEFAULT_SHORT_TEXT_CHARS : DEFAULT_LONG_TEXT_CHARS;
  const limit = Number.isInteger(question.max_length) ? question.max_length : fallback;
  return Math.min(limit, MAX_TEXT_CHARS);
}

// A problem: its stable code and the catalogue message (id and arguments) for the officer.
const problem = (code, id, args = {}) => ({ code, id, args });
const wrongShape = (expected) => problem('invalid_answer', `form-answer-${expected}`);

function finiteNumber(v) {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw wrongShape('enter-number');
}

function singleOption(v) {
  if (typeof v === 'string') return v;
  throw wrongShape('choose-option');
}

function outOfRange(min, max) {
  if (min != null && max != null) return problem('out_of_range', 'form-answer-between', { min, max });
  if (min != null) return problem('out_of_range', 'form-answer-at-least', { min });
  if (max != null) return problem('out_of_range', 'form-answer-at-most', { max });
  return problem('out_of_range', 'form-answer-any-number');
}

// The normalised answer: { value (canonical wire value), match (what show_if compares) }.
function normalise(def, q, v, builtin) {
  switch (q.type) {
    case 'single_choice': {
      const chosen = singleOption(v);
      const o = q.options.find((x) => x.id === chosen);
      if (!o) throw problem('invalid_option', 'form-answer-invalid-option', { option: echo(chosen) });
      return { value: o.id, options: [o.id] };
    }
    case 'rating': {
      const chosen = singleOption(v);
      const scale = scaleOf(def, q, builtin);
      const o = scale && scale.options.find((x) => x.id === chosen);
      if (!o) throw problem('invalid_option', 'form-answer-invalid-option', { option: echo(chosen) });
      return { value: o.id, options: [o.id] };
    }
    case 'multiple_choice': {
      if (shape(v) !== 'choices') throw wrongShape('tick-options');
      const picked = [];
      for (const item of v) {
        const at = q.options.findIndex((x) => x.id === item);
        if (at < 0) throw problem('invalid_option', 'form-answer-invalid-option', { option: echo(item) });
        if (picked.includes(at)) {
          throw problem('invalid_answer', 'form-answer-duplicate-option', { option: echo(item) });
        }
        picked.push(at);
      }
      if (q.min != null && picked.length < q.min) throw problem('invalid_answer', 'form-answer-too-few', { min: q.min });
      if (q.max != null && picked.length > q.max) throw problem('invalid_answer', 'form-answer-too-many', { max: q.max });
      picked.sort((a, b) => a - b);
      const ids = picked.map((i) => q.options[i].id);
      return { value: ids, options: ids };
    }
    case 'score_0_10': {
      const n = finiteNumber(v) + 0;
      if (!(n >= 0 && n <= 10)) throw outOfRange(0, 10);
      if (!Number.isInteger(n)) throw problem('out_of_range', 'form-answer-whole-number');
      return { value: n, number: n };
    }
    case 'number': {
      const n = finiteNumber(v);
      if ((q.min != null && n < q.min) || (q.max != null && n > q.max)) throw outOfRange(q.min, q.max);
      if (q.integer && !Number.isInteger(n)) throw problem('out_of_range', 'form-answer-whole-number');
      return { value: n + 0, number: n + 0 };
    }
    case 'short_text':
    case 'long_text': {
      if (typeof v !== 'string') throw wrongShape('enter-text');
      const text = normaliseText(v);
      const max = maxTextChars(q);
      const length = [...text].length;
      if (length > max) throw problem('text_too_long', 'form-answer-text-too-long', { max, length });
      return { value: text };
    }
    default:
      throw wrongShape('enter-text');
  }
}

function satisfies(answer, showIf) {
  const values = Object.prototype.hasOwnProperty.call(showIf, 'equals') ? [showIf.equals] : showIf.any_of || [];
  if (answer.options) return answer.options.some((o) => values.some((v) => v === o));
  if (answer.number !== undefined) return values.some((v) => typeof v === 'number' && v + 0 === answer.number);
  return false;
}

function evaluate(def, answers, enforceRequired, builtin) {
  const evaluated = [];
  const index = new Map();
  for (const q of def.questions) {
    let visibility = 'shown';
    if (q.show_if) {
      const at = index.get(q.show_if.question);
      if (at === undefined) {
        visibility = 'hidden';
      } else {
        const c = evaluated[at];
        if (c.visibility === 'hidden' || c.outcome === 'blank') visibility = 'hidden';
        else if (c.outcome === 'refused') visibility = 'undetermined';
        else visibility = satisfies(c.answer, q.show_if) ? c.visibility : 'hidden';
      }
    }
    const present = Object.prototype.hasOwnProperty.call(answers, q.id);
    const sent = present ? answers[q.id] : undefined;
    const answered = present && !isBlank(sent);
    const e = { question: q, visibility, outcome: 'blank' };
    if (present && !storable(sent)) {
      e.outcome = 'refused';
      e.problem = problem('unstorable_text', 'form-answer-unstorable');
    } else if (!answered && visibility === 'shown' && enforceRequired && q.required) {
      e.outcome = 'refused';
      e.problem = problem('required_answer_missing', 'form-answer-required');
    } else if (!answered) {
      e.outcome = 'blank';
    } else if (visibility === 'hidden') {
      e.outcome = 'refused';
      e.problem = problem('hidden_question_answered', 'form-answer-hidden');
    } else {
      try {
        e.answer = normalise(def, q, sent, builtin);
        e.outcome = 'answered';
      } catch (p) {
        if (!p || !p.code) throw p;
        e.outcome = 'refused';
        e.problem = p;
      }
    }
    if (!index.has(q.id)) index.set(q.id, evaluated.length);
    evaluated.push(e);
  }
  return evaluated;
}

/**
 * Checks one respondent's answers (an object of question id to raw value) against a form
 * definition. Returns `{ errors: [{ field, code, id, args }], answers }`: the problems in form
 * order then one `unknown_question` per key naming no question (sorted, as the server's map
 * is), and, when there is none, the canonical answers to the shown questions.
 */
export function validateAnswers(def, answers, builtin) {
  const evaluated = evaluate(def, answers, true, builtin);
  const errors = evaluated
    .filter((e) => e.outcome === 'refused')
    .map((e) => ({ field: e.question.id, ...e.problem }));
  const known = new Set(def.questions.map((q) => q.id));
  for (const key of Object.keys(answers).sort()) {
    if (!known.has(key)) errors.push({ field: key, ...problem('unknown_question', 'form-answer-unknown-question') });
  }
  if (errors.length) return { errors, answers: null };
  const valid = {};
  for (const e of evaluated) {
    if (e.visibility === 'shown' && e.outcome === 'answered') valid[e.question.id] = e.answer.value;
  }
  return { errors: [], answers: valid };
}

/** The questions to show given the answers so far, in form order (`shown_questions`). */
export function shownQuestions(def, answers, builtin) {
  return evaluate(def, answers, false, builtin)
    .filter((e) => e.visibility !== 'hidden')
    .map((e) => e.question);
}

// --- tally sheets: a port of `check_tally` in protocol/src/rounds/tally.rs -------------------

/** The most ballots one polling station counts (`MAX_STATION_BALLOTS`). */
export const MAX_STATION_BALLOTS = 100000;
const MAX_STATION_CHARS = 200;
// Grade and Dimension in declaration order, the order of the server's maps
const GRADES = ['excellent', 'competent', 'basically_competent', 'incompetent', 'good', 'fairly_good', 'average', 'poor'];
const DIMENSIONS = ['integrity', 'ability', 'diligence', 'performance', 'honesty'];
/** The grades of an official's and of the team's scale. */
export const OFFICIAL_GRADES = GRADES.slice(0, 4);
export const TEAM_GRADES = GRADES.slice(4);

const ordered = (keys, order) => [...keys].sort((a, b) => order.indexOf(a) - order.indexOf(b));

/**
 * Checks a tally sheet (the wire `TallySheet`: counts as whole numbers) against its round's
 * definition. Returns every problem `{ field, code, args }` in the server's order; `args`
 * carries `sum` and `valid` for `tally_subject_sum_mismatch`. A consistent sheet with more
 * ballots returned than issued has no problem: its station is void.
 */
export function checkSheet(def, sheet) {
  const errors = [];
  const push = (field, code, args = {}) => errors.push({ field, code, args });
  const station = sheet.station || '';
  if (station.includes('\u0000')) push('station', 'unstorable_text');
  else {
    const chars = [...trimWhite(station)].length;
    if (chars === 0 || chars > MAX_STATION_CHARS) push('station', 'invalid_value');
  }
  if (!def.elector_groups.some((g) => g.id === sheet.elector_group)) push('elector_group', 'unknown_elector_group');
  for (const f of ['issued', 'returned', 'valid', 'invalid']) {
    if (sheet[f] > MAX_STATION_BALLOTS) push(f, 'invalid_value');
  }
  if (sheet.valid + sheet.invalid !== sheet.returned) push('valid', 'tally_valid_invalid_mismatch');
  const key = (s) => (s === 'team' ? 'team' : `official:${s && s.official}`);
  const known = new Map(def.officials.map((o) => [`official:${o.official_id}`, 'official']));
  if (def.team) known.set('team', 'team');
  const check = (counts, abstentions, scale, field) => {
    if (abstentions > MAX_STATION_BALLOTS) push(`${field}.abstentions`, 'invalid_value');
    let sum = abstentions;
    for (const g of ordered(Object.keys(counts), GRADES)) {
      const n = counts[g];
      if (n > MAX_STATION_BALLOTS) push(`${field}.counts.${g}`, 'invalid_value');
      if (scale.includes(g)) sum += n;
      else push(`${field}.counts.${g}`, 'grade_not_on_scale');
    }
    if (sum !== sheet.valid) push(field, 'tally_subject_sum_mismatch', { sum, valid: sheet.valid });
  };
  const seen = new Set();
  sheet.subjects.forEach((entry, i) => {
    const field = `subjects[${i}]`;
    const k = key(entry.subject);
    const kind = known.get(k);
    if (!kind) {
      push(`${field}.subject`, 'unknown_subject');
      return;
    }
    if (seen.has(k)) push(`${field}.subject`, 'duplicate_subject');
    seen.add(k);
    const scale = kind === 'team' ? TEAM_GRADES : OFFICIAL_GRADES;
    check(entry.counts || {}, entry.abstentions, scale, field);
    const expected = kind === 'team' ? [] : (def.dimensions || []);
    const dims = entry.dimensions || {};
    for (const d of ordered(Object.keys(dims), DIMENSIONS)) {
      if (expected.includes(d)) check(dims[d].counts || {}, dims[d].abstentions, scale, `${field}.dimensions.${d}`);
      else push(`${field}.dimensions.${d}`, 'dimension_not_in_round');
    }
    for (const d of expected) if (!(d in dims)) push(`${field}.dimensions`, 'tally_dimension_missing');
  });
  for (const k of known.keys()) if (!seen.has(k)) push('subjects', 'tally_subject_missing');
  for (const rule of def.validity_rules || []) {
    const marked = sheet.subjects.reduce((n, s) => n + ((s.counts || {})[rule.grade] || 0), 0);
    const allowed = rule.max * sheet.valid;
    if (marked > allowed) push('subjects', 'tally_exceeds_validity_rule', { grade: rule.grade, max: rule.max });
  }
  return errors;
}
