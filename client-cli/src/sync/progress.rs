//! The progress of a push on standard error: a bar when it is a terminal, otherwise one plain
//! line per batch.

use std::io::IsTerminal;

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::Message;
use canvass_protocol::t;

use super::{Progress, PushEvent};

/// The progress of a push on standard error: a bar when it is a terminal, otherwise one plain
/// line per batch, in the reader's language.
pub struct ConsoleProgress {
    bar: Option<indicatif::ProgressBar>,
    lang: Lang,
}

impl ConsoleProgress {
    /// A bar if standard error is a terminal, plain lines otherwise.
    #[must_use]
    pub fn new(lang: Lang) -> Self {
        Self {
            bar: std::io::stderr().is_terminal().then(|| {
                let bar = indicatif::ProgressBar::new(0);
                let template = t!(
                    lang,
                    "cli-progress-bar",
                    position = "{pos}",
                    length = "{len}"
                );
                if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
                    "{{bar:30}} {template}  {{msg}}"
                )) {
                    bar.set_style(style);
                }
                bar
            }),
            lang,
        }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }
}

impl Progress for ConsoleProgress {
    fn event(&mut self, event: PushEvent<'_>) {
        let lang = self.lang;
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
            } => match &self.bar {
                Some(bar) => bar.set_message(t!(
                    lang,
                    "cli-progress-sending-short",
                    batch = batch_id,
                    attempt = attempt
                )),
                None if resumed && attempt == 1 => eprintln!(
                    "{}",
                    t!(
                        lang,
                        "cli-progress-sending-resumed",
                        batch = batch_id,
                        items = items
                    )
                ),
                None => eprintln!(
                    "{}",
                    t!(
                        lang,
                        "cli-progress-sending",
                        batch = batch_id,
                        items = items,
                        attempt = attempt
                    )
                ),
            },
            PushEvent::Retrying {
                batch_id,
                reason,
                delay,
            } => self.line(&t!(
                lang,
                "cli-progress-retrying",
                batch = batch_id,
                reason = reason,
                seconds = format!("{:.1}", delay.as_secs_f64())
            )),
            PushEvent::Acknowledged {
                batch_id,
                items,
                duplicate,
            } => match &self.bar {
                Some(bar) => bar.inc(items as u64),
                None => {
                    let id = if duplicate {
                        "cli-progress-confirmed"
                    } else {
                        "cli-progress-stored"
                    };
                    let line = Message::new(id)
                        .arg("batch", batch_id)
                        .arg("items", items)
                        .render(lang);
                    eprintln!("{line}");
                }
            },
            PushEvent::Refused {
                batch_id,
                items,
                set_aside,
            } => {
                if let Some(bar) = &self.bar {
                    bar.inc(set_aside as u64);
                }
                self.line(&t!(
                    lang,
                    "cli-progress-refused",
                    batch = batch_id,
                    refused = set_aside,
                    items = items
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
