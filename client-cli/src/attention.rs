//! `canvass fix` and `canvass discard`: dealing with the items the server refused.

use std::io::{BufRead, Write};

use canvass_protocol::sync::BatchItem;

use crate::collect::fix_response;
use crate::error::CliError;
use crate::prompt::{Prompter, Reply};
use crate::status::render_attention;
use crate::store::{ItemState, LocalStore, StoredItem};
use crate::tally::fix_sheet;

fn load(store: &LocalStore, id: i64) -> Result<StoredItem, CliError> {
    store.item(id)?.ok_or_else(|| {
        CliError::Input(format!(
            "there is no item {id} on this computer. `canvass status` lists the items that need \
             attention."
        ))
    })
}

/// What `canvass fix` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixed {
    /// Corrected and queued again.
    Queued,
    /// The officer stopped; the item still needs attention.
    Stopped,
}

/// Runs the interview or the tally entry again with the refused item's values as defaults,
/// then queues it again.
pub fn fix<R: BufRead, W: Write>(
    store: &mut LocalStore,
    id: i64,
    p: &mut Prompter<R, W>,
) -> Result<Fixed, CliError> {
    let item = load(store, id)?;
    if item.state != ItemState::Attention {
        return Err(CliError::Input(format!(
            "item {id} does not need attention (it is {}); only refused items are fixed.",
            match item.state {
                ItemState::Queued => "queued for the next push",
                ItemState::Batched => "in a batch being sent",
                ItemState::Sent => "already stored by the server",
                ItemState::Attention => "refused",
            }
        )));
    }
    p.say(&format!("Fixing:\n{}", render_attention(&item)))?;
    let done = match &item.item {
        BatchItem::SurveyResponse(response) => fix_response(store, &item, response, p)?,
        BatchItem::TallySheet(sheet) => fix_sheet(store, &item, sheet, p)?,
    };
    Ok(if done { Fixed::Queued } else { Fixed::Stopped })
}

/// Deletes an item after the officer confirms (`yes` skips the question). `Ok(false)` when the
/// officer said no.
pub fn discard<R: BufRead, W: Write>(
    store: &mut LocalStore,
    id: i64,
    yes: bool,
    p: &mut Prompter<R, W>,
) -> Result<bool, CliError> {
    let item = load(store, id)?;
    if item.state == ItemState::Batched {
        return Err(CliError::Input(format!(
            "item {id} is in a batch that was sent and not yet answered; it cannot be discarded \
             now (the server may already have stored it). Run `canvass push` first."
        )));
    }
    if !yes {
        let what = match item.state {
            ItemState::Attention => "a refused item; the server never stored it",
            ItemState::Queued => "not yet sent; its answers will be lost",
            ItemState::Sent => "already stored by the server; only the copy here is deleted",
            ItemState::Batched => "in a batch",
        };
        let prompt = format!(
            "Discard item {id} ({}, {}): {what}. This cannot be undone. Discard? [y/N] ",
            item.label, item.summary
        );
        match p.ask(&prompt)? {
            Reply::Text(t) if matches!(t.to_lowercase().as_str(), "y" | "yes" | "是") => {}
            _ => return Ok(false),
        }
    }
    if !store.discard(id)? {
        return Err(CliError::Input(format!(
            "item {id} changed while you were asked (another canvass command is running); \
             nothing was discarded."
        )));
    }
    Ok(true)
}
