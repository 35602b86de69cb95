//! `canvass fix` and `canvass discard`: dealing with the items the server refused.

use std::io::{BufRead, Write};

use canvass_protocol::i18n::tr;
use canvass_protocol::sync::BatchItem;
use canvass_protocol::{msg, t};

use crate::collect::fix_response;
use crate::error::CliError;
use crate::prompt::{Prompter, Reply};
use crate::status::render_attention;
use crate::store::{ItemState, LocalStore, StoredItem};
use crate::tally::fix_sheet;

fn load(store: &LocalStore, id: i64) -> Result<StoredItem, CliError> {
    store.item(id)?.ok_or_else(|| {
        let waiting: Vec<String> = store
            .items_in(ItemState::Attention)
            .map(|items| items.iter().map(|i| i.id.to_string()).collect())
            .unwrap_or_default();
        CliError::Input(if waiting.is_empty() {
            msg!("cli-error-no-such-item", id = id)
        } else {
            msg!(
                "cli-error-no-such-item-listed",
                id = id,
                known = crate::catalog::join_localized(&waiting)
            )
        })
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
        let state = match item.state {
            ItemState::Queued => msg!("cli-item-state-queued"),
            ItemState::Batched => msg!("cli-item-state-batched"),
            ItemState::Sent => msg!("cli-item-state-sent"),
            ItemState::Attention => msg!("cli-item-state-attention"),
        };
        return Err(CliError::Input(msg!(
            "cli-error-fix-not-refused",
            id = id,
            state = state
        )));
    }
    let manifest = store.manifest()?.map(|c| c.manifest);
    let shown = render_attention(&item, manifest.as_ref(), p.lang);
    p.say(&format!("{}\n{shown}", tr(p.lang, "cli-fix-intro")))?;
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
        return Err(CliError::Input(msg!("cli-error-discard-batched", id = id)));
    }
    if !yes {
        let lang = p.lang;
        let what = match item.state {
            ItemState::Attention => msg!("cli-discard-what-refused"),
            ItemState::Queued => msg!("cli-discard-what-queued"),
            ItemState::Sent => msg!("cli-discard-what-sent"),
            ItemState::Batched => msg!("cli-item-state-batched"),
        };
        let manifest = store.manifest()?.map(|c| c.manifest);
        let prompt = t!(
            lang,
            "cli-discard-ask",
            id = id,
            instrument = crate::catalog::instrument_label(
                &item.instrument,
                &item.label,
                manifest.as_ref(),
                lang
            ),
            what = crate::catalog::describe_item(&item.item, manifest.as_ref(), lang),
            consequence = what
        );
        loop {
            match p.ask(&format!("{prompt} "))? {
                Reply::Help => p.say(&tr(lang, "cli-discard-help"))?,
                Reply::Text(t) if is_yes(&t) => break,
                _ => return Ok(false),
            }
        }
    }
    if !store.discard(id)? {
        return Err(CliError::Input(msg!("cli-error-discard-changed", id = id)));
    }
    Ok(true)
}

/// Whether a typed answer is yes, in either language.
fn is_yes(text: &str) -> bool {
    matches!(
        text.trim().to_lowercase().as_str(),
        "y" | "yes" | "是" | "是的" | "确定" | "删除"
    )
}
