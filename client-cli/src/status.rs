//! `canvass status`: what is queued, what is in a batch waiting for the server's answer, what
//! was sent (counts kept after the answers are deleted), and what the server refused and why,
//! per instrument; then the villages of the officer's area with the server's counts at the last
//! pull beside the officer's own answers not sent yet.

use std::collections::BTreeMap;

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::tr;
use canvass_protocol::sync::{FieldCoverage, Manifest};
use canvass_protocol::t;

use crate::catalog::{describe_item, instrument_label};
use crate::coverage::{queued_by_village, render_with_queue};
use crate::dates::format_moment;
use crate::error::CliError;
use crate::explain::explain_item;
use crate::store::{InstrumentCounts, ItemState, LocalStore, StoredItem};
use crate::table::{Align, Table};

/// Everything `canvass status` shows.
#[derive(Debug)]
pub struct Status {
    pub store_path: String,
    pub server: Option<String>,
    /// When the forms were last fetched, and checked.
    pub pulled: Option<(i64, i64)>,
    /// The cached forms, which name the units and instruments.
    pub manifest: Option<Manifest>,
    pub counts: Vec<InstrumentCounts>,
    /// The batches left by an interrupted push: id and items of each.
    pub pending: Vec<(String, usize)>,
    pub attention: Vec<StoredItem>,
    /// The field coverage of the last pull and when it was fetched.
    pub coverage: Option<(FieldCoverage, i64)>,
    /// The officer's answers not yet acknowledged, per survey and village.
    pub queued_by_village: BTreeMap<(i64, i64), u64>,
}

impl Status {
    /// Whether anything needs the officer: refused items.
    #[must_use]
    pub fn needs_attention(&self) -> bool {
        !self.attention.is_empty()
    }

    /// The status in `lang`.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        let mut out = vec![t!(
            lang,
            "cli-status-store",
            path = self.store_path.as_str()
        )];
        let manifest = self.manifest.as_ref();
        match (&self.server, self.pulled) {
            (Some(server), Some((pulled, checked))) => out.push(t!(
                lang,
                "cli-status-server",
                server = server.as_str(),
                pulled = format_moment(pulled),
                checked = format_moment(checked),
                surveys = manifest.map_or(0, |m| m.surveys.len()),
                rounds = manifest.map_or(0, |m| m.rounds.len())
            )),
            (Some(server), None) => out.push(t!(
                lang,
                "cli-status-server-no-forms",
                server = server.as_str()
            )),
            _ => out.push(tr(lang, "cli-status-no-pull")),
        }
        if self.counts.is_empty() {
            out.push(tr(lang, "cli-status-nothing"));
            self.render_coverage(&mut out, lang);
            return out.join("\n");
        }
        let heading = |id: &str| (tr(lang, id), Align::Right);
        let mut table = Table::new(vec![
            (tr(lang, "cli-status-col-instrument"), Align::Left),
            heading("cli-status-col-queued"),
            heading("cli-status-col-batched"),
            heading("cli-status-col-attention"),
            heading("cli-status-col-sent"),
            heading("cli-status-col-discarded"),
        ])
        .limit(0, 50);
        for c in &self.counts {
            let sent = if c.kept > 0 {
                t!(lang, "cli-status-sent-kept", sent = c.sent, kept = c.kept)
            } else {
                c.sent.to_string()
            };
            table.row(vec![
                instrument_label(&c.instrument, &c.label, manifest, lang),
                c.queued.to_string(),
                c.batched.to_string(),
                c.attention.to_string(),
                sent,
                c.discarded.to_string(),
            ]);
        }
        out.push(String::new());
        out.push(table.render());
        for (id, n) in &self.pending {
            out.push(String::new());
            out.push(t!(
                lang,
                "cli-status-pending-batch",
                items = *n,
                id = id.as_str()
            ));
        }
        let queued: u64 = self.counts.iter().map(|c| c.queued + c.batched).sum();
        if queued > 0 {
            out.push(String::new());
            out.push(t!(lang, "cli-status-to-push", items = queued));
        }
        if !self.attention.is_empty() {
            out.push(String::new());
            out.push(t!(
                lang,
                "cli-status-attention",
                items = self.attention.len()
            ));
            for item in &self.attention {
                out.push(render_attention(item, manifest, lang));
            }
        }
        self.render_coverage(&mut out, lang);
        out.join("\n")
    }

    /// The villages of the officer's area: the server's counts at the last pull beside the
    /// officer's own answers not sent yet.
    fn render_coverage(&self, out: &mut Vec<String>, lang: Lang) {
        let Some((coverage, fetched_at)) = &self.coverage else {
            return;
        };
        let text = render_with_queue(
            coverage,
            &self.queued_by_village,
            self.manifest.as_ref(),
            lang,
        );
        if text.is_empty() {
            return;
        }
        out.push(String::new());
        out.push(t!(
            lang,
            "cli-coverage-as-of",
            fetched = format_moment(*fetched_at)
        ));
        out.push(text);
    }
}

/// Reads the status from the store.
pub fn status(store: &LocalStore) -> Result<Status, CliError> {
    let cached = store.manifest()?;
    Ok(Status {
        store_path: store.path().display().to_string(),
        server: store.server()?,
        pulled: cached.as_ref().map(|c| (c.pulled_at, c.checked_at)),
        manifest: cached.map(|c| c.manifest),
        counts: store.counts()?,
        pending: store.pending_batches()?,
        attention: store.items_in(ItemState::Attention)?,
        coverage: store.coverage()?,
        queued_by_village: queued_by_village(
            store
                .items_in(ItemState::Queued)?
                .iter()
                .chain(&store.items_in(ItemState::Batched)?)
                .chain(&store.items_in(ItemState::Attention)?),
        ),
    })
}

/// One refused item: its id, what it is, each reason in plain words and the server's words.
#[must_use]
pub fn render_attention(item: &StoredItem, manifest: Option<&Manifest>, lang: Lang) -> String {
    let mut lines = vec![t!(
        lang,
        "cli-status-item",
        id = item.id,
        instrument = instrument_label(&item.instrument, &item.label, manifest, lang),
        what = describe_item(&item.item, manifest, lang)
    )];
    let mut explained = Vec::new();
    for p in &item.problems {
        let plain = explain_item(p.code);
        if !explained.contains(&plain) {
            lines.push(format!("    {}: {}", p.code, plain.render(lang)));
            explained.push(plain);
        }
        if p.message.is_empty() {
            continue;
        }
        let said = match p.field.as_deref() {
            Some(field) => t!(
                lang,
                "cli-status-server-said-field",
                message = p.message.as_str(),
                field = field
            ),
            None => t!(lang, "cli-status-server-said", message = p.message.as_str()),
        };
        lines.push(format!("      {said}"));
    }
    lines.join("\n")
}
