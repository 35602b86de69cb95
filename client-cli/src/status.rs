//! `canvass status`: what is queued, what is in a batch waiting for the server's answer, what
//! was sent (counts kept after the answers are deleted), and what the server refused and why,
//! per instrument.

use std::fmt::{self, Write as _};

use crate::dates::format_moment;
use crate::error::CliError;
use crate::explain::explain_item;
use crate::store::{InstrumentCounts, ItemState, LocalStore, StoredItem};

/// Everything `canvass status` shows.
#[derive(Debug)]
pub struct Status {
    pub store_path: String,
    pub server: Option<String>,
    /// When the forms were last fetched, and checked.
    pub pulled: Option<(i64, i64)>,
    pub surveys: usize,
    pub rounds: usize,
    pub counts: Vec<InstrumentCounts>,
    /// The batches left by an interrupted push: id and items of each.
    pub pending: Vec<(String, usize)>,
    pub attention: Vec<StoredItem>,
}

impl Status {
    /// Whether anything needs the officer: refused items.
    #[must_use]
    pub fn needs_attention(&self) -> bool {
        !self.attention.is_empty()
    }
}

/// Reads the status from the store.
pub fn status(store: &LocalStore) -> Result<Status, CliError> {
    let cached = store.manifest()?;
    Ok(Status {
        store_path: store.path().display().to_string(),
        server: store.server()?,
        pulled: cached.as_ref().map(|c| (c.pulled_at, c.checked_at)),
        surveys: cached.as_ref().map_or(0, |c| c.manifest.surveys.len()),
        rounds: cached.as_ref().map_or(0, |c| c.manifest.rounds.len()),
        counts: store.counts()?,
        pending: store.pending_batches()?,
        attention: store.items_in(ItemState::Attention)?,
    })
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Local store: {}", self.store_path)?;
        match (&self.server, self.pulled) {
            (Some(server), Some((pulled, checked))) => writeln!(
                f,
                "Server: {server}; forms pulled {} (checked {}): {} survey(s), {} round(s).",
                format_moment(pulled),
                format_moment(checked),
                self.surveys,
                self.rounds
            )?,
            (Some(server), None) => writeln!(f, "Server: {server}; no forms cached.")?,
            _ => writeln!(f, "No forms pulled yet: run `canvass pull`.")?,
        }
        if self.counts.is_empty() {
            return f.write_str("Nothing collected yet.");
        }
        let width = self
            .counts
            .iter()
            .map(|c| c.label.chars().count())
            .max()
            .unwrap_or(10)
            .clamp(10, 50);
        writeln!(
            f,
            "\n{:<width$}  {:>6}  {:>8}  {:>9}  {:>6}  {:>9}",
            "INSTRUMENT", "QUEUED", "IN BATCH", "ATTENTION", "SENT", "DISCARDED"
        )?;
        for c in &self.counts {
            let label: String = c.label.chars().take(width).collect();
            let pad = width.saturating_sub(label.chars().count());
            let sent = if c.kept > 0 {
                format!("{} ({} kept)", c.sent, c.kept)
            } else {
                c.sent.to_string()
            };
            writeln!(
                f,
                "{label}{:pad$}  {:>6}  {:>8}  {:>9}  {:>6}  {:>9}",
                "", c.queued, c.batched, c.attention, sent, c.discarded
            )?;
        }
        let queued: u64 = self.counts.iter().map(|c| c.queued + c.batched).sum();
        for (id, n) in &self.pending {
            writeln!(
                f,
                "\nA batch of {n} item(s) (id {id}) was sent but its receipt not yet received; \
                 `canvass push` sends it again, unchanged, before anything else."
            )?;
        }
        if queued > 0 {
            writeln!(
                f,
                "\n{queued} item(s) to push: run `canvass push` when you have network."
            )?;
        }
        if !self.attention.is_empty() {
            writeln!(
                f,
                "\nNeeds attention ({}): the server refused these. Fix one with `canvass fix ITEM` \
                 or drop it with `canvass discard ITEM`.",
                self.attention.len()
            )?;
            for item in &self.attention {
                f.write_str(&render_attention(item))?;
            }
        }
        Ok(())
    }
}

/// One refused item: its id, what it is, each reason in plain words and the server's words.
#[must_use]
pub fn render_attention(item: &StoredItem) -> String {
    let mut out = format!("  item {}: {}, {}\n", item.id, item.label, item.summary);
    let mut explained = Vec::new();
    for p in &item.problems {
        let plain = explain_item(p.code);
        if !explained.contains(&plain) {
            let _ = writeln!(out, "    {}: {plain}", p.code);
            explained.push(plain);
        }
        let field = p
            .field
            .as_deref()
            .map_or_else(String::new, |f| format!(" ({f})"));
        let _ = writeln!(out, "      server: {}{field}", p.message);
    }
    out
}
