//! The `canvass` command line: its commands and options, and their help in the reader's
//! language. Every help text comes from the message catalogue, by the command's path and the
//! option's name (`cli-help-round-codes-group`), so the language is picked before the command
//! line is read: `--lang` if it is there, the locale otherwise.

use std::ffi::OsString;
use std::path::PathBuf;

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::{has, tr};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::prompt::{parse_lang, pick_lang};

/// The whole command line.
#[derive(Debug, Parser)]
#[command(name = "canvass", version)]
pub struct Cli {
    #[arg(long, global = true, value_parser = parse_lang)]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    Ping {
        #[arg(long, env = "CANVASS_SERVER")]
        server: String,
    },
    Login {
        #[arg(long, env = "CANVASS_SERVER")]
        server: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        device_name: Option<String>,
    },
    Logout,
    Whoami,
    #[command(subcommand)]
    Survey(SurveyCommand),
    #[command(subcommand)]
    Round(RoundCommand),
    #[command(subcommand)]
    Unit(UnitCommand),
    #[command(subcommand)]
    Official(OfficialCommand),
    #[command(subcommand)]
    Account(AccountCommand),
    Pull,
    Collect {
        survey: String,
        #[arg(long, value_name = "UNIT")]
        target: Option<String>,
        #[arg(long, value_name = "UNIT")]
        village: Option<String>,
    },
    Tally {
        round: String,
        #[arg(long, value_name = "NAME")]
        station: Option<String>,
        #[arg(long, value_name = "GROUP")]
        group: Option<String>,
        #[arg(long, value_name = "SHEET.json")]
        file: Option<PathBuf>,
    },
    Import {
        file: PathBuf,
        #[arg(long)]
        survey: Option<String>,
        #[arg(long)]
        again: bool,
    },
    Status,
    Push {
        #[arg(long)]
        keep: bool,
        /// Checked after the command line is read, so a wrong value is explained in the
        /// reader's language.
        #[arg(long, value_name = "N")]
        batch_items: Option<String>,
    },
    Fix {
        item: i64,
    },
    Discard {
        item: i64,
        #[arg(long)]
        yes: bool,
    },
}

/// `canvass round ...`
#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    List,
    Create {
        file: PathBuf,
        #[arg(long = "unit", value_name = "UNIT_ID")]
        unit: Option<i64>,
    },
    Open {
        id: i64,
    },
    Close {
        id: i64,
    },
    Publish {
        id: i64,
    },
    Codes {
        id: i64,
        #[arg(long)]
        group: String,
        #[arg(long)]
        count: u32,
        #[arg(long, value_name = "FILE.html")]
        slips: Option<PathBuf>,
    },
}

/// `canvass unit ...`
#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    List,
    Add {
        name: String,
        #[arg(long)]
        kind: String,
        #[arg(long = "parent", value_name = "UNIT_ID")]
        parent: Option<i64>,
        #[arg(long)]
        window: bool,
    },
    Import {
        file: PathBuf,
        #[arg(long)]
        yes: bool,
    },
}

/// `canvass account ...`
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    List,
    Create {
        username: String,
        /// Checked after the command line is read, so a wrong role is explained in the
        /// reader's language with the valid ones listed.
        #[arg(long)]
        role: String,
        #[arg(long = "unit", value_name = "UNIT_ID")]
        unit: i64,
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    Disable {
        #[arg(value_name = "USERNAME_OR_ID")]
        account: String,
    },
    Enable {
        #[arg(value_name = "USERNAME_OR_ID")]
        account: String,
    },
    ResetPassword {
        #[arg(value_name = "USERNAME_OR_ID")]
        account: String,
    },
}

/// `canvass official ...`
#[derive(Debug, Subcommand)]
pub enum OfficialCommand {
    Import {
        file: PathBuf,
        #[arg(long)]
        yes: bool,
    },
}

/// `canvass survey ...`
#[derive(Debug, Subcommand)]
pub enum SurveyCommand {
    List,
    Create {
        file: PathBuf,
        #[arg(long = "target", value_name = "UNIT_ID")]
        targets: Vec<i64>,
        #[arg(long = "unit", value_name = "UNIT_ID")]
        unit: Option<i64>,
        #[arg(long, value_name = "N")]
        min_group_size: Option<u32>,
        /// Read as a moment after the command line is read (see `dates::parse_moment`).
        #[arg(long, value_name = "WHEN")]
        opens: Option<String>,
        #[arg(long, value_name = "WHEN")]
        closes: Option<String>,
    },
    Publish {
        id: i64,
    },
    Close {
        id: i64,
    },
    Open {
        id: i64,
    },
    ImportXlsform {
        file: PathBuf,
        #[arg(long = "target", value_name = "UNIT_ID")]
        targets: Vec<i64>,
        #[arg(long = "unit", value_name = "UNIT_ID")]
        unit: Option<i64>,
        #[arg(long, value_name = "N")]
        min_group_size: Option<u32>,
        #[arg(long, value_name = "WHEN")]
        opens: Option<String>,
        #[arg(long, value_name = "WHEN")]
        closes: Option<String>,
    },
    ExportXlsform {
        id: i64,
        #[arg(long, value_name = "N")]
        version: Option<i32>,
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// The language asked for on the command line (`--lang X` or `--lang=X`, anywhere), or the
/// locale's: known before the command line is parsed, so its help can be in that language.
#[must_use]
pub fn lang_of_args(args: &[OsString]) -> Lang {
    let mut flag = None;
    let mut words = args.iter().filter_map(|a| a.to_str());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if word == "--lang" {
            flag = words.next();
        } else if let Some(value) = word.strip_prefix("--lang=") {
            flag = Some(value);
        }
    }
    pick_lang(flag)
}

/// The message id of the help of command `path` (`["round", "codes"]`), or of its argument
/// `arg` (`batch_items` → `…-batch-items`).
#[must_use]
pub fn help_id(path: &[&str], arg: Option<&str>) -> String {
    let mut id = String::from("cli-help");
    for part in path.iter().copied().chain(arg) {
        id.push('-');
        id.push_str(&part.replace('_', "-"));
    }
    id
}

/// The command line with every help text, heading and built-in flag in `lang`.
#[must_use]
pub fn command(lang: Lang) -> clap::Command {
    let usage = tr(lang, "cli-help-usage");
    let template =
        format!("{{about-with-newline}}\n{usage}: {{usage}}\n\n{{all-args}}{{after-help}}");
    let options = tr(lang, "cli-help-options");
    let root = Cli::command()
        .disable_help_flag(true)
        .disable_version_flag(true)
        .help_template(template.clone())
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .global(true)
                .help(tr(lang, "cli-help-help"))
                .help_heading(options.clone()),
        )
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(tr(lang, "cli-help-version"))
                .help_heading(options),
        );
    let mut root = localize(root, &[], lang, &template);
    // clap makes the `help` command when the command line is built
    root.build();
    root.mut_subcommand("help", |help| {
        help.about(tr(lang, "cli-help-help-command"))
            .help_template(template)
    })
}

fn localize(
    mut command: clap::Command,
    path: &[&str],
    lang: Lang,
    template: &str,
) -> clap::Command {
    let about = help_id(path, None);
    command = command
        .about(tr(lang, &about))
        .help_template(template.to_string())
        .subcommand_help_heading(tr(lang, "cli-help-commands"))
        .subcommand_value_name(tr(lang, "cli-help-command"))
        .disable_help_flag(true)
        .disable_help_subcommand(!path.is_empty());
    let args: Vec<String> = command
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .filter(|id| id != "help" && id != "version")
        .collect();
    for arg in args {
        let id = help_id(path, Some(&arg));
        // a global option is described where it is defined
        let id = if has(&id) {
            id
        } else {
            help_id(&[], Some(&arg))
        };
        let heading = tr(lang, "cli-help-options");
        command = command.mut_arg(&arg, |a| {
            let a = a.help(tr(lang, &id));
            if a.is_positional() {
                a.help_heading(tr(lang, "cli-help-arguments"))
            } else {
                a.help_heading(heading)
            }
        });
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        let mut sub_path = path.to_vec();
        sub_path.push(&name);
        let localized = localize(
            command.find_subcommand(&name).expect("listed").clone(),
            &sub_path,
            lang,
            template,
        );
        command = command.mut_subcommand(&name, |_| localized);
    }
    command
}

/// Reads the command line `args` (the program's name first) in the language it asks for. On a
/// wrong command line, or `--help` and `--version`, clap prints and exits.
#[must_use]
pub fn parse(args: Vec<OsString>) -> (Cli, Lang) {
    let lang = lang_of_args(&args);
    let matches = command(lang).get_matches_from(args);
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => (cli, lang),
        Err(e) => e.exit(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and option of `command`, by path: what must have a help text.
    fn help_ids(command: &clap::Command, path: &mut Vec<String>, out: &mut Vec<String>) {
        let parts: Vec<&str> = path.iter().map(String::as_str).collect();
        out.push(help_id(&parts, None));
        for arg in command.get_arguments() {
            let id = arg.get_id().as_str();
            if id != "help" && id != "version" {
                out.push(help_id(&parts, Some(id)));
            }
        }
        for sub in command.get_subcommands() {
            path.push(sub.get_name().to_string());
            help_ids(sub, path, out);
            path.pop();
        }
    }

    #[test]
    fn every_command_and_option_has_its_help_in_the_catalogue() {
        let mut ids = Vec::new();
        help_ids(&Cli::command(), &mut Vec::new(), &mut ids);
        assert!(ids.len() > 40, "{ids:?}");
        let missing: Vec<&String> = ids.iter().filter(|id| !has(id)).collect();
        assert!(missing.is_empty(), "no help for {missing:?}");
        Cli::command().debug_assert();
        command(Lang::ZhCn).debug_assert();
    }

    #[test]
    fn the_help_is_in_the_language_asked_for() {
        let words = |args: &[&str]| args.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            lang_of_args(&words(&["canvass", "--lang", "en", "push"])),
            Lang::En
        );
        assert_eq!(
            lang_of_args(&words(&["canvass", "push", "--lang=zh"])),
            Lang::ZhCn
        );
        let mut zh = command(Lang::ZhCn);
        let help = zh
            .find_subcommand_mut("push")
            .expect("push")
            .render_help()
            .to_string();
        assert!(
            help.contains(&tr(Lang::ZhCn, "cli-help-push-keep")),
            "{help}"
        );
        assert!(help.contains(&tr(Lang::ZhCn, "cli-help-options")), "{help}");
        let mut en = command(Lang::En);
        let help = en.render_help().to_string();
        assert!(
            help.contains("Interview respondents in the terminal"),
            "{help}"
        );
        assert!(help.contains(&tr(Lang::En, "cli-help-commands")), "{help}");
    }
}
