//! The progress of a push on standard error: a bar when it is a terminal, otherwise one plain
//! line per batch.

use std::io::IsTerminal;

use super::{Progress, PushEvent};

/// The progress of a push on standard error: a bar when it is a terminal, otherwise one plain
/// line per batch.
pub struct ConsoleProgress {
    bar: Option<indicatif::ProgressBar>,
}

impl ConsoleProgress {
    /// A bar if standard error is a terminal, plain lines otherwise.
    #[must_use]
    pub fn new() -> Self {
        Self {
            bar: std::io::stderr().is_terminal().then(|| {
                let bar = indicatif::ProgressBar::new(0);
                if let Ok(style) =
                    indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} items  {msg}")
                {
                    bar.set_style(style);
                }
                bar
            }),
        }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }
}

impl Default for ConsoleProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for ConsoleProgress {
    fn event(&mut self, event: PushEvent<'_>) {
        match event {
            PushEvent::Start { items } => {
                if let Some(bar) = &self.bar {
                    bar.set_length(items);
                }
            }
            PushEvent::Sending {
                batch_id,
                items,
                attempt,
                resumed,
            } => {
                let note = if resumed && attempt == 1 {
                    " (left by an interrupted push, sent again unchanged)"
                } else {
                    ""
                };
                match &self.bar {
                    Some(bar) => {
                        bar.set_message(format!("sending batch {batch_id} (attempt {attempt})"));
                    }
                    None => eprintln!(
                        "sending batch {batch_id}: {items} items, attempt {attempt}{note}"
                    ),
                }
            }
            PushEvent::Retrying {
                batch_id,
                reason,
                delay,
            } => self.line(&format!(
                "batch {batch_id}: {reason}; trying again in {:.1} s",
                delay.as_secs_f64()
            )),
            PushEvent::Acknowledged {
                batch_id,
                items,
                duplicate,
            } => {
                let what = if duplicate {
                    "already stored, confirmed again"
                } else {
                    "stored"
                };
                match &self.bar {
                    Some(bar) => bar.inc(items as u64),
                    None => eprintln!("batch {batch_id}: {items} items {what}"),
                }
            }
            PushEvent::Refused {
                batch_id,
                items,
                set_aside,
            } => {
                if let Some(bar) = &self.bar {
                    bar.inc(set_aside as u64);
                }
                self.line(&format!(
                    "batch {batch_id} refused: {set_aside} of its {items} items set aside; the \
                     rest go out again in a new batch"
                ));
            }
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
