// The field app: sign in with a device token, pull the manifest, collect answers offline into
// IndexedDB, and push them in batches under the exactly-once rule of docs/sync-protocol.md.
// Words come from the message catalogue (protocol/locales/*/field.ftl and form.ftl), given by
// the page in `data-words`.

import { open } from './store.js';
import {
  validateAnswers, shownQuestions, checkSheet, MAX_STATION_BALLOTS, OFFICIAL_GRADES, TEAM_GRADES,
} from './forms.js';

const PROTOCOL = '1';
const BATCH_ITEMS = 100;
const ATTEMPTS = 3;
const DAY_MS = 86400000;

const body = document.body;
const WORDS = JSON.parse(body.dataset.words);
const BUILTIN = JSON.parse(body.dataset.scales);
const root = document.getElementById('app');

let store;
let lang = document.documentElement.lang in WORDS ? document.documentElement.lang : 'zh-CN';
let pushing = false;
/** Whether the home screen is shown (a push started by the network coming back redraws only it). */
let onHome = false;
let persisted = null;
let storageLow = false;

// --- words ----------------------------------------------------------------------------------

function t(id, args = {}) {
  const text = (WORDS[lang] && WORDS[lang][id]) || id;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in args ? String(args[name]) : m));
}

const local = (l) => (l ? (lang === 'en' && l.en ? l.en : l['zh-CN']) : '');

// --- DOM ------------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

function show(...children) {
  onHome = false;
  root.replaceChildren(header(), ...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  window.scrollTo(0, 0);
}

function header() {
  const warnings = [];
  if (persisted === false) warnings.push(el('p', { class: 'warn', id: 'storage-warning', text: t('field-storage-not-persistent') }));
  if (storageLow) warnings.push(el('p', { class: 'warn', id: 'storage-low', text: t('field-storage-low') }));
  return el('header', {},
    el('button', {
      type: 'button', class: 'link lang', id: 'lang',
      onclick: async () => { lang = lang === 'en' ? 'zh-CN' : 'en'; document.documentElement.lang = lang; await store.set('lang', lang); home(); },
    }, t('field-other-language')),
    el('h1', {}, t('field-title')),
    el('p', { class: 'note', id: 'network', text: navigator.onLine ? t('field-online') : t('field-offline') }),
    warnings);
}

// --- the server -----------------------------------------------------------------------------

function headers(session, extra = {}) {
  return {
    'Canvass-Protocol': PROTOCOL,
    'Accept-Language': lang,
    ...(session ? { Authorization: `Bearer ${session.token}` } : {}),
    ...extra,
  };
}

async function errorOf(res) {
  try {
    const b = await res.json();
    return { status: res.status, code: b.error && b.error.code, message: b.error && b.error.message, errors: b.errors || [] };
  } catch {
    return { status: res.status, code: null, message: `HTTP ${res.status}`, errors: [] };
  }
}

function randomHex() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Today in the server's calendar (UTC+8), the day an answer keeps. */
function today() {
  return new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
}

// --- screens --------------------------------------------------------------------------------

async function signIn() {
  const problem = el('p', { class: 'err', id: 'signin-error', role: 'alert' });
  const form = el('form', {
    id: 'signin',
    onsubmit: async (ev) => {
      ev.preventDefault();
      const data = new FormData(form);
      problem.textContent = '';
      try {
        const res = await fetch('/api/v1/auth/login', {
          method: 'POST',
          headers: headers(null, { 'Content-Type': 'application/json' }),
          body: JSON.stringify({ username: data.get('username'), password: data.get('password'), device_name: data.get('device') }),
        });
        if (!res.ok) {
          problem.textContent = (await errorOf(res)).message;
          return;
        }
        const r = await res.json();
        await store.set('session', { token: r.token, expires_at: r.expires_at, device_id: r.device_id, account: r.account });
        await askPersistence();
        await pull(true);
      } catch {
        problem.textContent = t('field-signin-offline');
      }
    },
  },
  el('label', {}, t('field-username'), el('input', { name: 'username', id: 'username', autocomplete: 'username', required: true })),
  el('label', {}, t('field-password'), el('input', { name: 'password', id: 'password', type: 'password', autocomplete: 'current-password', required: true })),
  el('label', {}, t('field-device'), el('input', { name: 'device', id: 'device', value: t('field-device-default'), required: true, maxlength: 100 })),
  problem,
  el('button', { type: 'submit' }, t('field-signin')));
  const queued = (await store.items()).length;
  show(el('h2', {}, t('field-signin-heading')), el('p', { class: 'note' }, t('field-signin-note')),
    queued ? el('p', { class: 'note', id: 'kept' }, t('field-signin-kept', { count: queued })) : null, form);
}

async function pull(quiet) {
  const session = await store.get('session');
  const cached = await store.get('manifest');
  let message;
  try {
    const res = await fetch('/api/v1/sync/manifest', {
      headers: headers(session, cached && cached.etag ? { 'If-None-Match': cached.etag } : {}),
      cache: 'no-store',
    });
    if (res.status === 304 && cached) {
      cached.pulled_at = Date.now();
      await store.set('manifest', cached);
      message = t('field-pull-unchanged');
    } else if (res.ok) {
      const manifest = await res.json();
      await store.set('manifest', { etag: res.headers.get('ETag'), manifest, pulled_at: Date.now() });
      message = t('field-pull-done', { surveys: manifest.surveys.length });
    } else {
      const e = await errorOf(res);
      if (res.status === 401) await store.remove('session');
      message = e.message;
    }
  } catch {
    message = t('field-pull-offline');
  }
  await home(quiet ? null : message);
}

function age(ms) {
  const minutes = Math.max(0, Math.floor((Date.now() - ms) / 60000));
  if (minutes < 60) return t('field-age-minutes', { count: minutes });
  if (minutes < 1440) return t('field-age-hours', { count: Math.floor(minutes / 60) });
  return t('field-age-days', { count: Math.floor(minutes / 1440) });
}

function lastPushText(last) {
  if (!last) return t('field-push-never');
  const when = new Date(last.at).toLocaleString(lang);
  return `${when}: ${last.text}`;
}

/** Plain words for an item's refusal code: what it means and what to do. */
function explain(code) {
  const known = {
    survey_closed: 'closed', survey_not_open: 'not-open', version_not_published: 'version',
    wrong_target: 'target', not_found: 'gone', out_of_scope: 'scope', forbidden: 'scope',
    invalid_day: 'day', round_not_open: 'round', round_state_conflict: 'round',
    tally_sheet_exists: 'sheet-exists', tally_valid_invalid_mismatch: 'counts',
    tally_subject_sum_mismatch: 'counts', tally_exceeds_validity_rule: 'counts',
  };
  if (known[code]) return t(`field-item-${known[code]}`);
  if (/^(unknown_question|invalid_option|invalid_answer|out_of_range|text_too_long|required_answer_missing|hidden_question_answered|unstorable_text)$/.test(code)) {
    return t('field-item-answers');
  }
  return t('field-item-other');
}

async function home(message) {
  const session = await store.get('session');
  if (!session) return signIn();
  const cached = await store.get('manifest');
  const items = await store.items();
  const waiting = items.filter((e) => e.state !== 'refused');
  const refused = items.filter((e) => e.state === 'refused');
  const last = await store.get('last_push');
  const surveys = cached ? cached.manifest.surveys : [];
  const oldest = waiting.length ? Math.min(...waiting.map((e) => e.created_at)) : null;
  const queue = el('section', { id: 'queue', class: 'card' },
    el('h2', {}, t('field-queue-heading')),
    el('p', { id: 'queue-count', 'data-count': String(waiting.length) }, t('field-queue-count', { count: waiting.length })),
    oldest ? el('p', { id: 'queue-oldest' }, t('field-queue-oldest', { age: age(oldest) })) : null,
    el('p', { id: 'last-push' }, t('field-queue-last-push', { outcome: lastPushText(last) })),
    el('button', { type: 'button', id: 'push', disabled: pushing || !waiting.length, onclick: () => push() }, t('field-push')));
  const list = el('section', { id: 'surveys', class: 'card' },
    el('h2', {}, t('field-surveys-heading')),
    cached ? el('p', { class: 'note' }, t('field-pulled-at', { at: new Date(cached.pulled_at).toLocaleString(lang) })) : null,
    surveys.length
      ? el('ul', { class: 'plain' }, surveys.map((s) => el('li', {},
        el('button', { type: 'button', class: 'survey', 'data-survey': String(s.survey.id), onclick: () => startCollect(s) }, local(s.survey.title)))))
      : el('p', {}, t('field-no-surveys')),
    el('button', { type: 'button', id: 'pull', class: 'secondary', onclick: () => pull(false) }, t('field-pull')));
  const rounds = cached ? cached.manifest.rounds.filter((r) => r.status === 'open' || r.status === 'closed') : [];
  const sheets = rounds.length ? el('section', { id: 'rounds', class: 'card' },
    el('h2', {}, t('field-rounds-heading')),
    el('ul', { class: 'plain' }, rounds.map((r) => el('li', {},
      el('button', { type: 'button', class: 'survey', 'data-round': String(r.id), onclick: () => startTally(r) }, `${r.period} ${r.series_name}`))))) : null;
  const aside = refused.length ? el('section', { id: 'refused', class: 'card' },
    el('h2', {}, t('field-refused-heading', { count: refused.length })),
    el('ul', { class: 'plain' }, refused.map((e) => el('li', { class: 'refused-item' },
      el('p', {}, e.summary),
      (e.problems || []).map((p) => el('p', { class: 'err' }, `${explain(p.code)} ${p.message || ''}`)),
      fixable(e, surveys, rounds) ? el('button', { type: 'button', class: 'secondary fix', onclick: () => fix(e, surveys, rounds) }, t('field-refused-fix')) : null,
      el('button', { type: 'button', class: 'secondary requeue', onclick: async () => { e.state = 'queued'; delete e.problems; await store.putItem(e); home(); } }, t('field-refused-retry')),
      el('button', { type: 'button', class: 'secondary discard', onclick: async () => { if (window.confirm(t('field-refused-discard-confirm'))) { await store.deleteItem(e.id); home(); } } }, t('field-refused-discard')))))) : null;
  show(
    message ? el('p', { class: 'status', id: 'message', role: 'status' }, message) : null,
    el('p', { class: 'note', id: 'who' }, t('field-signed-in-as', { name: session.account.username || '' })),
    queue, aside, list, sheets,
    el('button', { type: 'button', id: 'signout', class: 'link', onclick: signOut }, t('field-signout')));
  onHome = true;
  const draft = await unfinished('draft');
  if (draft) {
    const s = surveys.find((x) => x.survey.id === draft.survey_id);
    if (s) root.insertBefore(el('p', {}, el('button', { type: 'button', id: 'resume', onclick: () => collect(s, draft) }, t('field-resume'))), queue);
  }
  const sheetDraft = await unfinished('sheet_draft');
  if (sheetDraft) {
    const r = rounds.find((x) => x.id === sheetDraft.round_id);
    if (r) root.insertBefore(el('p', {}, el('button', { type: 'button', id: 'resume-sheet', onclick: () => tally(r, sheetDraft) }, t('field-sheet-resume'))), queue);
  }
}

/** Whether an unfinished draft (`draft` or `sheet_draft`) holds anything typed. */
async function unfinished(key) {
  const d = await store.get(key);
  if (!d) return null;
  const typed = key === 'draft'
    ? Object.keys(d.answers).length > 0
    : Object.values(d.values).some((v) => v && v !== d.values.elector_group);
  return typed ? d : null;
}

/** Starts a respondent of survey `s`: the unfinished one of the same survey goes on; one of
 *  another survey is only dropped when the officer says so. */
async function startCollect(s) {
  const d = await unfinished('draft');
  if (d && d.survey_id === s.survey.id) return collect(s, d);
  if (d && !window.confirm(t('field-draft-discard-confirm'))) return null;
  return collect(s);
}

/** Starts a tally sheet of round `r`, under the same rule as [startCollect]. */
async function startTally(r) {
  const d = await unfinished('sheet_draft');
  if (d && d.round_id === r.id) return tally(r, d);
  if (d && !window.confirm(t('field-draft-discard-confirm'))) return null;
  return tally(r);
}

/** Whether a set-aside item can be opened again for the officer to fix: an answer set of a
 *  survey, or a tally sheet of a round, still on the phone. */
function fixable(e, surveys, rounds) {
  if (e.kind === 'tally_sheet') return rounds.some((r) => r.id === e.item.round_id);
  return e.kind === 'survey_response' && surveys.some((s) => s.survey.id === e.item.survey_id);
}

/** Opens a set-aside item again as the draft being collected (an answer set) or entered (a
 *  tally sheet); the draft replaces the item in one transaction, so it is never in both places
 *  nor in none. */
async function fix(e, surveys, rounds) {
  const sheet = e.kind === 'tally_sheet';
  const key = sheet ? 'sheet_draft' : 'draft';
  if (await unfinished(key) && !window.confirm(t('field-draft-discard-confirm'))) return;
  let draft;
  if (sheet) {
    const r = rounds.find((x) => x.id === e.item.round_id);
    draft = { round_id: r.id, values: sheetValues(r.definition, e.item.sheet) };
  } else {
    draft = {
      survey_id: e.item.survey_id,
      version: e.item.version,
      target: e.item.target_unit_id,
      village: e.item.respondent_unit_id,
      channel: e.item.channel,
      collected_on: e.item.collected_on,
      answers: e.item.answers,
    };
  }
  await store.tx(['items', 'kv'], 'readwrite', (st) => {
    st.kv.put(draft, key);
    st.items.delete(e.id);
  });
  if (sheet) {
    await tally(rounds.find((x) => x.id === e.item.round_id), draft);
  } else {
    await collect(surveys.find((x) => x.survey.id === e.item.survey_id), draft);
  }
}

async function signOut() {
  const session = await store.get('session');
  try {
    await fetch('/api/v1/auth/logout', { method: 'POST', headers: headers(session) });
  } catch { /* offline: the token is forgotten here all the same */ }
  // the queue stays: it is pushed after the next sign-in
  await store.remove('session');
  signIn();
}

// --- collecting -----------------------------------------------------------------------------

/** The answers to the questions they leave shown, hidden ones dropped until none is left. */
function visibleAnswers(def, raw) {
  const answers = { ...raw };
  for (;;) {
    const shown = new Set(shownQuestions(def, answers, BUILTIN).map((q) => q.id));
    const hidden = Object.keys(answers).filter((k) => !shown.has(k));
    if (!hidden.length) return answers;
    for (const k of hidden) delete answers[k];
  }
}

function questionInput(def, q, value, onchange) {
  const choice = (type, id, label, checked) => el('label', { class: 'opt' },
    el('input', { type, name: q.id, value: id, checked, onchange }), ` ${label}`);
  switch (q.type) {
    case 'single_choice':
      return q.options.map((o) => choice('radio', o.id, local(o.label), value === o.id));
    case 'rating': {
      const scale = q.scale && def.scales && def.scales[q.scale] ? def.scales[q.scale] : BUILTIN[q.scale || 'satisfaction'];
      return (scale ? scale.options : []).map((o) => choice('radio', o.id, local(o.label), value === o.id));
    }
    case 'multiple_choice':
      return q.options.map((o) => choice('checkbox', o.id, local(o.label), Array.isArray(value) && value.includes(o.id)));
    case 'score_0_10':
      return el('div', { class: 'scale' }, [...Array(11).keys()].map((n) => choice('radio', String(n), String(n), value === n)));
    case 'number':
      return [el('input', { type: 'text', inputmode: q.integer ? 'numeric' : 'decimal', name: q.id, value: value ?? '', oninput: onchange }),
        q.unit ? el('p', { class: 'hint' }, local(q.unit)) : null];
    case 'short_text':
      return el('input', { type: 'text', name: q.id, value: value ?? '', oninput: onchange });
    default:
      return el('textarea', { name: q.id, oninput: onchange }, value ?? '');
  }
}

function readValue(q, form) {
  const field = form.elements[q.id];
  switch (q.type) {
    case 'multiple_choice':
      return [...form.querySelectorAll(`input[name="${CSS.escape(q.id)}"]:checked`)].map((i) => i.value);
    case 'single_choice':
    case 'rating': {
      const c = form.querySelector(`input[name="${CSS.escape(q.id)}"]:checked`);
      return c ? c.value : null;
    }
    case 'score_0_10': {
      const c = form.querySelector(`input[name="${CSS.escape(q.id)}"]:checked`);
      return c ? Number(c.value) : null;
    }
    case 'number': {
      const text = field.value.trim();
      if (!text) return null;
      const n = Number(text);
      return Number.isFinite(n) ? n : text;
    }
    default:
      return field.value;
  }
}

async function collect(s, resumed) {
  const current = s.versions[s.versions.length - 1];
  const def = current.definition;
  const targets = s.survey.targets;
  const draft = resumed || { survey_id: s.survey.id, version: current.version, target: targets.length === 1 ? targets[0].unit_id : null, village: null, channel: 'field', answers: {} };
  const version = s.versions.find((v) => v.version === draft.version) || current;
  const form = el('form', { id: 'collect', novalidate: true });
  const fieldsets = new Map();

  const save = async () => {
    const data = new FormData(form);
    draft.target = targets.length === 1 ? targets[0].unit_id : (Number(data.get('_target')) || null);
    draft.village = Number(data.get('_village')) || null;
    draft.channel = data.get('_channel') === 'paper' ? 'paper' : 'field';
    const answers = {};
    for (const q of version.definition.questions) {
      const v = readValue(q, form);
      if (v !== null && v !== '' && !(Array.isArray(v) && !v.length)) answers[q.id] = v;
    }
    draft.answers = answers;
    // every answer is on the phone before anything else happens
    await store.set('draft', draft);
    const shown = new Set(shownQuestions(version.definition, answers, BUILTIN).map((q) => q.id));
    for (const [id, fs] of fieldsets) fs.hidden = !shown.has(id);
  };
  const onchange = () => { save(); };

  if (targets.length > 1) {
    form.append(el('fieldset', { id: 'f-_target' }, el('legend', {}, t('field-target'), el('span', { class: 'req' }, ' *')),
      el('p', { class: 'err', id: 'e-_target' }),
      targets.map((u) => el('label', { class: 'opt' }, el('input', { type: 'radio', name: '_target', value: String(u.unit_id), checked: draft.target === u.unit_id, onchange }), ` ${u.name}`))));
  }
  if (s.villages.length) {
    form.append(el('fieldset', { id: 'f-_village' }, el('legend', {}, t('field-village')),
      el('select', { name: '_village', 'aria-label': t('field-village'), onchange },
        el('option', { value: '' }, t('field-village-none')),
        s.villages.map((v) => el('option', { value: String(v.unit_id), selected: draft.village === v.unit_id }, v.name)))));
  }
  form.append(el('fieldset', { id: 'f-_channel' }, el('legend', {}, t('field-channel')),
    ['field', 'paper'].map((c) => el('label', { class: 'opt' }, el('input', { type: 'radio', name: '_channel', value: c, checked: draft.channel === c, onchange }), ` ${t(`field-channel-${c}`)}`))));
  version.definition.questions.forEach((q, i) => {
    const fs = el('fieldset', { id: `f-${q.id}` },
      el('legend', {}, `${i + 1}. ${local(q.label)}`, q.required ? el('span', { class: 'req' }, ' *') : null),
      q.help ? el('p', { class: 'hint' }, local(q.help)) : null,
      el('p', { class: 'err', id: `e-${q.id}` }),
      questionInput(version.definition, q, draft.answers[q.id], onchange));
    fieldsets.set(q.id, fs);
    form.append(fs);
  });
  const summary = el('p', { class: 'summary err', id: 'collect-error', role: 'alert', hidden: true });
  const saved = el('p', { class: 'status', id: 'saved', role: 'status', hidden: true });
  form.append(summary, el('button', { type: 'submit', id: 'finish' }, t('field-finish')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await save();
    for (const p of form.querySelectorAll('p.err')) p.textContent = '';
    const answers = visibleAnswers(version.definition, draft.answers);
    const checked = validateAnswers(version.definition, answers, BUILTIN);
    const problems = checked.errors.map((e) => [e.field, t(e.id, e.args)]);
    if (!draft.target) problems.unshift(['_target', t('field-choose-target')]);
    if (problems.length) {
      for (const [field, text] of problems) {
        const p = document.getElementById(`e-${field}`);
        if (p && !p.textContent) p.textContent = text;
      }
      summary.textContent = t('field-collect-problems', { count: problems.length });
      summary.hidden = false;
      saved.hidden = true;
      document.getElementById(`f-${problems[0][0]}`)?.scrollIntoView();
      return;
    }
    const target = targets.find((u) => u.unit_id === draft.target);
    const entry = {
      id: randomHex(),
      created_at: Date.now(),
      kind: 'survey_response',
      state: 'queued',
      summary: `${local(s.survey.title)} · ${target ? target.name : ''}`,
      item: {
        kind: 'survey_response',
        survey_id: s.survey.id,
        version: version.version,
        target_unit_id: draft.target,
        respondent_unit_id: draft.village,
        channel: draft.channel,
        collected_on: draft.collected_on || today(),
        answers: checked.answers,
      },
    };
    await store.enqueue(entry);
    const count = (await store.items()).filter((e) => e.state !== 'refused').length;
    await collect(s);
    const note = document.getElementById('saved');
    note.textContent = t('field-saved', { count });
    note.hidden = false;
  });
  show(el('p', {}, el('button', { type: 'button', class: 'link', id: 'back', onclick: () => home() }, t('field-back'))),
    el('h2', {}, local(def.title)), saved, form);
  await save();
}

// --- paper tally sheets ---------------------------------------------------------------------

const gradeName = (g) => t(`round-grade-${g.replace(/_/g, '-')}`);

/** The subjects of a round's sheet: its officials in ballot order, then the team. */
function subjects(def) {
  const list = def.officials.map((o) => ({ ref: { official: o.official_id }, name: o.name, grades: OFFICIAL_GRADES, dimensions: def.dimensions || [] }));
  if (def.team) list.push({ ref: 'team', name: def.team.name, grades: TEAM_GRADES, dimensions: [] });
  return list;
}

/** The form's fields of a saved sheet: the inverse of [readSheet], so a sheet set aside
 *  opens again as it was typed (a count of 0 shows blank, as it was left). */
function sheetValues(def, sheet) {
  const values = { station: sheet.station, elector_group: sheet.elector_group };
  const put = (name, n) => { if (n) values[name] = String(n); };
  for (const name of ['issued', 'returned', 'valid', 'invalid']) put(name, sheet[name]);
  subjects(def).forEach((subject, i) => {
    const entry = sheet.subjects.find((x) => (subject.ref === 'team'
      ? x.subject === 'team'
      : x.subject && x.subject.official === subject.ref.official));
    if (!entry) return;
    const fill = (prefix, tally) => {
      for (const g of subject.grades) put(`${prefix}-${g}`, tally.counts[g]);
      put(`${prefix}-abstentions`, tally.abstentions);
    };
    fill(`s${i}`, entry);
    for (const d of subject.dimensions) {
      if (entry.dimensions && entry.dimensions[d]) fill(`s${i}-${d}`, entry.dimensions[d]);
    }
  });
  return values;
}

/** The sheet as typed, with every count a whole number (blank counts 0), and its problems in
 *  the officer's words: what cannot be a count, then the server's own checks (`checkSheet`,
 *  held to `check_tally` by the conformance corpus), each under the row it is about. */
function readSheet(def, form) {
  const problems = [];
  const count = (name, label) => {
    const text = (form.elements[name]?.value || '').trim();
    if (!text) return 0;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0 || n > MAX_STATION_BALLOTS) {
      problems.push([name, t('field-sheet-count-invalid', { what: label, max: MAX_STATION_BALLOTS })]);
      return 0;
    }
    return n;
  };
  const sheet = {
    station: form.elements.station.value.trim(),
    elector_group: form.elements.elector_group.value,
    issued: count('issued', t('field-sheet-issued')),
    returned: count('returned', t('field-sheet-returned')),
    valid: count('valid', t('field-sheet-valid')),
    invalid: count('invalid', t('field-sheet-invalid')),
    subjects: [],
  };
  const list = subjects(def);
  list.forEach((subject, i) => {
    const tallyOf = (prefix, name) => {
      const counts = {};
      for (const g of subject.grades) {
        const n = count(`${prefix}-${g}`, `${name} ${gradeName(g)}`);
        if (n) counts[g] = n;
      }
      return { counts, abstentions: count(`${prefix}-abstentions`, `${name} ${t('field-sheet-abstentions')}`) };
    };
    const entry = { subject: subject.ref, ...tallyOf(`s${i}`, subject.name) };
    if (subject.dimensions.length) {
      entry.dimensions = {};
      for (const d of subject.dimensions) {
        entry.dimensions[d] = tallyOf(`s${i}-${d}`, `${subject.name} · ${t(`round-dimension-${d}`)}`);
      }
    }
    sheet.subjects.push(entry);
  });
  if (problems.length) return { sheet, problems };
  for (const p of checkSheet(def, sheet)) {
    const row = /^subjects\[(\d+)\](?:\.dimensions\.(\w+))?$/.exec(p.field);
    if (p.code === 'tally_valid_invalid_mismatch') {
      problems.push(['valid', t('field-sheet-valid-invalid', { valid: sheet.valid, invalid: sheet.invalid, returned: sheet.returned })]);
    } else if (p.code === 'tally_subject_sum_mismatch' && row) {
      const subject = list[Number(row[1])];
      const name = row[2] ? `${subject.name} · ${t(`round-dimension-${row[2]}`)}` : subject.name;
      problems.push([row[2] ? `s${row[1]}-${row[2]}` : `s${row[1]}`, t('field-sheet-subject-sum', { name, ...p.args })]);
    } else if (p.field === 'station') {
      problems.push(['station', t('field-sheet-station-missing')]);
    } else if (p.code === 'tally_exceeds_validity_rule') {
      problems.push(['quota', t('field-sheet-quota', { grade: gradeName(p.args.grade), max: p.args.max })]);
    } else {
      problems.push([p.field, `${explain(p.code)} ${p.code}`]);
    }
  }
  return { sheet, problems };
}

async function tally(round, resumed) {
  const def = round.definition;
  const draft = resumed || { round_id: round.id, values: {} };
  const form = el('form', { id: 'sheet', novalidate: true });
  const save = async () => {
    draft.values = Object.fromEntries([...form.elements].filter((e) => e.name).map((e) => [e.name, e.value]));
    // every number typed is on the phone before anything else happens
    await store.set('sheet_draft', draft);
  };
  const number = (name, label) => el('label', {}, label,
    el('input', { type: 'text', inputmode: 'numeric', name, value: draft.values[name] ?? '', oninput: save }));
  form.append(
    el('label', {}, t('field-sheet-station'), el('input', { type: 'text', name: 'station', maxlength: 100, value: draft.values.station ?? '', oninput: save })),
    el('p', { class: 'err', id: 'e-station' }),
    el('label', {}, t('field-sheet-group'), el('select', { name: 'elector_group', onchange: save },
      def.elector_groups.map((g) => el('option', { value: g.id, selected: draft.values.elector_group === g.id }, g.label)))),
    el('fieldset', { class: 'nums', id: 'f-ballots' }, el('legend', {}, t('field-sheet-ballots')),
      number('issued', t('field-sheet-issued')), number('returned', t('field-sheet-returned')),
      number('valid', t('field-sheet-valid')), number('invalid', t('field-sheet-invalid'))),
    el('p', { class: 'err', id: 'e-valid' }));
  subjects(def).forEach((subject, i) => {
    const rows = [[`s${i}`, subject.name]].concat(subject.dimensions.map((d) => [`s${i}-${d}`, `${subject.name} · ${t(`round-dimension-${d}`)}`]));
    for (const [prefix, name] of rows) {
      form.append(
        el('fieldset', { class: 'nums', id: `f-${prefix}` }, el('legend', {}, name),
          subject.grades.map((g) => number(`${prefix}-${g}`, gradeName(g))),
          number(`${prefix}-abstentions`, t('field-sheet-abstentions'))),
        el('p', { class: 'err', id: `e-${prefix}` }));
    }
  });
  const summary = el('p', { class: 'summary err', id: 'sheet-error', role: 'alert', hidden: true });
  form.append(el('p', { class: 'err', id: 'e-quota' }), summary, el('button', { type: 'submit', id: 'save-sheet' }, t('field-sheet-save')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await save();
    for (const p of form.querySelectorAll('p.err')) p.textContent = '';
    const { sheet, problems } = readSheet(def, form);
    if (problems.length) {
      for (const [field, text] of problems) {
        const p = document.getElementById(`e-${field}`) || summary;
        if (p !== summary && !p.textContent) p.textContent = text;
      }
      summary.textContent = t('field-collect-problems', { count: problems.length });
      summary.hidden = false;
      return;
    }
    await store.tx(['items', 'kv'], 'readwrite', (s) => {
      s.items.put({
        id: randomHex(),
        created_at: Date.now(),
        kind: 'tally_sheet',
        state: 'queued',
        summary: `${t('field-sheet-heading')} · ${sheet.station} · ${round.period} ${round.series_name}`,
        item: { kind: 'tally_sheet', round_id: round.id, sheet },
      });
      s.kv.delete('sheet_draft');
    });
    const message = sheet.returned > sheet.issued ? `${t('field-sheet-saved')} ${t('field-sheet-void')}` : t('field-sheet-saved');
    await home(message);
  });
  show(el('p', {}, el('button', { type: 'button', class: 'link', id: 'back', onclick: () => home() }, t('field-back'))),
    el('h2', {}, `${t('field-sheet-heading')}: ${round.period} ${round.series_name}`),
    el('p', { class: 'note' }, t('field-sheet-note')), form);
  await save();
}

// --- pushing --------------------------------------------------------------------------------

async function recordPush(text) {
  await store.set('last_push', { at: Date.now(), text });
}

/** Sends one saved batch, resending the same bytes after a network error or a 5xx. */
async function send(session, batch) {
  let last;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    try {
      const res = await fetch('/api/v1/sync/batches', {
        method: 'POST',
        headers: headers(session, { 'Content-Type': 'application/json' }),
        body: batch.body,
        cache: 'no-store',
      });
      if (res.status === 200 || res.status === 201) return { receipt: await res.json() };
      last = await errorOf(res);
      if (!(res.status >= 500 || res.status === 408 || res.status === 429)) return { error: last };
    } catch {
      last = null;
    }
    if (attempt < ATTEMPTS) await new Promise((r) => { setTimeout(r, 500 * 2 ** (attempt - 1) * (0.5 + Math.random())); });
  }
  return last ? { error: last, retry: true } : { offline: true };
}

/** Sends the queue. `auto` when the network came back (or the app opened online with items
 *  waiting): then the officer's screen is redrawn only if it is the home screen, so a
 *  respondent being interviewed is never taken away. */
async function push(auto = false) {
  if (pushing) return;
  pushing = true;
  let stored = 0;
  let setAside = 0;
  let text = null;
  try {
    const session = await store.get('session');
    for (;;) {
      let [batch] = await store.batches();
      if (!batch) {
        const queued = (await store.items()).filter((e) => e.state === 'queued').slice(0, BATCH_ITEMS);
        if (!queued.length) break;
        const id = randomHex();
        // the id and the exact bytes are fixed here, saved, and sent unchanged on every retry
        batch = { batch_id: id, body: JSON.stringify({ batch_id: id, items: queued.map((e) => e.item) }), item_ids: queued.map((e) => e.id), created_at: Date.now() };
        await store.saveBatch(batch);
      }
      const r = await send(session, batch);
      if (r.receipt) {
        if (r.receipt.batch_id !== batch.batch_id) { text = t('field-push-foreign-receipt'); break; }
        stored += batch.item_ids.length;
        await store.acknowledge(batch, { at: Date.now(), text: t('field-push-stored', { count: stored }) });
        continue;
      }
      if (r.offline) { text = t('field-push-offline'); break; }
      const e = r.error;
      if (e.status === 422 && e.code === 'batch_refused') {
        const refused = new Map();
        for (const d of e.errors) {
          const m = /^items\[(\d+)\]/.exec(d.field || '');
          const id = m && batch.item_ids[Number(m[1])];
          if (!id) continue;
          if (!refused.has(id)) refused.set(id, []);
          refused.get(id).push({ code: d.code, message: d.message, field: d.field });
        }
        await store.refuse(batch, refused);
        if (!refused.size) { text = e.message; break; }
        setAside += refused.size;
        continue;
      }
      if (r.retry) { text = t('field-push-later', { message: e.message }); break; }
      if (e.status === 401) {
        await store.remove('session');
        text = t('field-push-signin');
        break;
      }
      if ([400, 404, 413, 415].includes(e.status) || e.status === 422) {
        // refused as a whole and the same bytes would not pass: the items go back to the queue
        await store.refuse(batch, new Map());
      }
      text = e.message;
      break;
    }
  } finally {
    pushing = false;
  }
  const parts = [];
  if (stored) parts.push(t('field-push-stored', { count: stored }));
  if (setAside) parts.push(t('field-push-set-aside', { count: setAside }));
  if (text) parts.push(text);
  if (!parts.length) parts.push(t('field-push-nothing'));
  await recordPush(parts.join(' '));
  if (!auto || onHome) await home(parts.join(' '));
}

/** Pushes by itself when the phone is online, signed in, and has items waiting. */
async function autoPush() {
  if (!navigator.onLine || pushing) return;
  if (!(await store.get('session'))) return;
  const waiting = (await store.items()).some((e) => e.state === 'queued');
  if (waiting || (await store.batches()).length) await push(true);
}

// --- storage --------------------------------------------------------------------------------

async function askPersistence() {
  if (!navigator.storage) return;
  try {
    persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
    const { usage, quota } = await navigator.storage.estimate();
    storageLow = quota > 0 && (quota - usage < 20 * 1024 * 1024 || usage / quota > 0.9);
  } catch {
    persisted = false;
  }
}

// --- start ----------------------------------------------------------------------------------

async function start() {
  store = await open();
  const saved = await store.get('lang');
  if (saved && saved in WORDS) {
    lang = saved;
    document.documentElement.lang = lang;
  }
  await askPersistence();
  const network = () => {
    const p = document.getElementById('network');
    if (p) p.textContent = navigator.onLine ? t('field-online') : t('field-offline');
  };
  window.addEventListener('online', () => { network(); autoPush(); });
  window.addEventListener('offline', network);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/field/sw.js', { scope: '/field' }).catch(() => {});
  }
  await home();
  body.dataset.ready = 'true';
  await autoPush();
}

start();
