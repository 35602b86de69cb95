//! Line-by-line questions in the terminal: read from any `BufRead` (a terminal, or lines
//! piped in by a script or a test), written to any `Write`. No raw terminal mode: what the
//! officer types is a line, and the end of input is a clean stop.

use std::io::{self, BufRead, Write};

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::tr;
use canvass_protocol::t;

/// Typed alone on a line: go back to the previous question.
pub const BACK: &str = "<";
/// Typed alone on a line: no answer (clears a previous answer).
pub const CLEAR: &str = "-";
/// Typed alone on a line: stop now; an unfinished answer set or sheet is not saved.
pub const QUIT: &str = "!q";
/// Typed alone on a line: show the help (at every prompt).
pub const HELP: &str = "?";

/// What the officer typed at a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Text (already unescaped: a leading `\` is dropped, so `\<` is the text `<`).
    Text(String),
    /// An empty line: keep the shown default, or no answer when there is none.
    Empty,
    /// `<`
    Back,
    /// `-`
    Clear,
    /// `!q`
    Quit,
    /// `?`
    Help,
    /// The input ended.
    EndOfInput,
}

/// Reads replies and writes prompts.
pub struct Prompter<R, W> {
    input: R,
    /// Where questions and messages go.
    pub out: W,
    /// The language of questions and messages.
    pub lang: Lang,
}

impl<R: BufRead, W: Write> Prompter<R, W> {
    pub fn new(input: R, out: W, lang: Lang) -> Self {
        Self { input, out, lang }
    }

    /// Writes message `id` of the catalogue, in the prompter's language, as one line.
    pub fn say_tr(&mut self, id: &str) -> io::Result<()> {
        let text = tr(self.lang, id);
        self.say(&text)
    }

    /// Writes `prompt` (no newline) and reads one reply.
    pub fn ask(&mut self, prompt: &str) -> io::Result<Reply> {
        write!(self.out, "{prompt}")?;
        self.out.flush()?;
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            writeln!(self.out)?;
            return Ok(Reply::EndOfInput);
        }
        Ok(parse_reply(&line))
    }

    /// Writes one line.
    pub fn say(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "{text}")
    }
}

/// Interprets one input line.
#[must_use]
pub fn parse_reply(line: &str) -> Reply {
    let line = line.trim_end_matches(['\n', '\r']);
    match line.trim() {
        "" => Reply::Empty,
        BACK => Reply::Back,
        CLEAR => Reply::Clear,
        QUIT => Reply::Quit,
        HELP => Reply::Help,
        text => Reply::Text(text.strip_prefix('\\').unwrap_or(text).to_string()),
    }
}

/// The interface language: `--lang` when given (`zh`, `zh-CN`, `en`, ...), otherwise from the
/// locale (the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set, as POSIX reads them):
/// English when it starts with `en`, Simplified Chinese otherwise.
#[must_use]
pub fn pick_lang(flag: Option<&str>) -> Lang {
    if let Some(lang) = flag.and_then(Lang::from_tag) {
        return lang;
    }
    let env = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    lang_from_locale(&env)
}

/// English when the locale starts with `en`, Simplified Chinese otherwise.
#[must_use]
pub fn lang_from_locale(locale: &str) -> Lang {
    if locale.starts_with("en") {
        Lang::En
    } else {
        Lang::ZhCn
    }
}

/// Parses the value of `--lang`. The language is not known yet when it is wrong, so the
/// refusal is given in both.
pub fn parse_lang(s: &str) -> Result<String, String> {
    Lang::from_tag(s)
        .map(|l| l.as_str().to_string())
        .ok_or_else(|| {
            Lang::ALL
                .iter()
                .map(|&lang| t!(lang, "cli-error-lang", lang = s))
                .collect::<Vec<_>>()
                .join(" / ")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_whole_lines_and_a_backslash_escapes_them() {
        assert_eq!(parse_reply("<\n"), Reply::Back);
        assert_eq!(parse_reply(" - \r\n"), Reply::Clear);
        assert_eq!(parse_reply("!q\n"), Reply::Quit);
        assert_eq!(parse_reply("\n"), Reply::Empty);
        assert_eq!(parse_reply("\\<\n"), Reply::Text("<".into()));
        assert_eq!(parse_reply("满意\n"), Reply::Text("满意".into()));
    }

    #[test]
    fn the_language_is_english_only_for_english_locales() {
        assert_eq!(lang_from_locale("en_GB.UTF-8"), Lang::En);
        assert_eq!(lang_from_locale("zh_CN.UTF-8"), Lang::ZhCn);
        assert_eq!(lang_from_locale("C.UTF-8"), Lang::ZhCn);
        assert_eq!(lang_from_locale(""), Lang::ZhCn);
        assert_eq!(pick_lang(Some("en")), Lang::En);
        assert_eq!(pick_lang(Some("zh-CN")), Lang::ZhCn);
        let refused = parse_lang("fr").unwrap_err();
        assert!(
            refused.contains("zh") && refused.contains("en"),
            "{refused}"
        );
        assert!(refused.contains("语言"), "in both languages: {refused}");
    }

    #[test]
    fn the_end_of_input_is_a_reply_of_its_own() {
        let mut p = Prompter::new(&b"one\n"[..], Vec::new(), Lang::En);
        assert_eq!(p.ask("> ").unwrap(), Reply::Text("one".into()));
        assert_eq!(p.ask("> ").unwrap(), Reply::EndOfInput);
    }
}
