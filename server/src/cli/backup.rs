//! The `backup` and `restore` commands: a SQLite database copied or replaced through
//! [`crate::db::backup`], reported in the operator's language; for PostgreSQL, the `pg_dump` or
//! `pg_restore` command to run instead.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use canvass_protocol::i18n::{Lang, Message};
use canvass_protocol::{msg, t};

use crate::db::backup::{self, BackupError, Contents};
use crate::db::DatabaseUrl;
use crate::settings::Settings;

/// `canvass-server backup FILE`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The backup file to write (a SQLite database); it must not exist yet, unless --force.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub lang: LangArg,
}

/// `canvass-server restore FILE`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup to restore, made by `canvass-server backup` with this version.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Delete the replaced database instead of keeping it beside the new one as
    /// DATABASE.before-restore-TIME.
    #[arg(long)]
    pub no_keep: bool,
    #[command(flatten)]
    pub lang: LangArg,
}

/// The language of a command's messages.
#[derive(Debug, clap::Args)]
pub struct LangArg {
    /// Language of the messages: zh (Simplified Chinese) or en. Default: from LC_ALL,
    /// LC_MESSAGES or LANG, Chinese when it starts with zh, otherwise English.
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

fn parse_lang(value: &str) -> Result<Lang, String> {
    Lang::from_tag(value).ok_or_else(|| format!("{value:?} is not zh or en"))
}

/// The operator's language: `flag` when given, otherwise the locale of the first of `LC_ALL`,
/// `LC_MESSAGES` and `LANG` that is set (POSIX's order): Simplified Chinese for a `zh…` locale,
/// English for any other. Unlike the field client, whose readers work in Chinese, an
/// unset or `C`/`POSIX` locale means English here: it is what a server's console or a service
/// manager usually has, and such a terminal may not show Chinese at all.
#[must_use]
pub fn operator_lang(flag: Option<Lang>, env: &[(String, String)]) -> Lang {
    flag.unwrap_or_else(|| {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|name| {
                env.iter()
                    .find(|(key, value)| key == name && !value.is_empty())
                    .map(|(_, value)| value.as_str())
            })
            .unwrap_or_default();
        match Lang::from_tag(locale) {
            Some(Lang::ZhCn) => Lang::ZhCn,
            _ => Lang::En,
        }
    })
}

/// Runs `backup`; returns the exit code.
pub fn run_backup(settings: &Settings, args: &BackupArgs, env: &[(String, String)]) -> ExitCode {
    let (lang, url) = match prepare(settings, &args.lang, env) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let Some(database) = url.sqlite_path() else {
        let command = format!(
            "pg_dump --format=custom --file={} {}",
            shell_quote(&args.file.to_string_lossy()),
            shell_quote(&url.without_password())
        );
        return postgres(lang, "server-backup-postgres", &command);
    };
    match backup::backup(database, &args.file, args.force) {
        Ok(contents) => {
            println!(
                "{}",
                t!(
                    lang,
                    "server-backup-written",
                    file = args.file.display().to_string(),
                    size = size(contents.bytes)
                )
            );
            println!(
                "  {}",
                t!(lang, "server-contents-from", database = url.display())
            );
            print_contents(lang, &contents);
            println!("{}", t!(lang, "server-backup-protect"));
            ExitCode::SUCCESS
        }
        Err(e) => refused(lang, &e),
    }
}

/// Runs `restore`; returns the exit code.
pub fn run_restore(settings: &Settings, args: &RestoreArgs, env: &[(String, String)]) -> ExitCode {
    let (lang, url) = match prepare(settings, &args.lang, env) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let Some(database) = url.sqlite_path() else {
        let command = format!(
            "pg_restore --clean --if-exists --no-owner --single-transaction --dbname={} {}",
            shell_quote(&url.without_password()),
            shell_quote(&args.file.to_string_lossy())
        );
        return postgres(lang, "server-restore-postgres", &command);
    };
    match backup::restore(&args.file, database, !args.no_keep) {
        Ok(restored) => {
            println!(
                "{}",
                t!(
                    lang,
                    "server-restore-done",
                    file = args.file.display().to_string(),
                    database = url.display(),
                    size = size(restored.contents.bytes)
                )
            );
            print_contents(lang, &restored.contents);
            match (&restored.kept, restored.replaced) {
                (Some(kept), _) => println!(
                    "{}",
                    t!(
                        lang,
                        "server-restore-kept",
                        kept = kept.display().to_string()
                    )
                ),
                (None, true) => println!("{}", t!(lang, "server-restore-not-kept")),
                (None, false) => {}
            }
            println!("{}", t!(lang, "server-restore-next"));
            ExitCode::SUCCESS
        }
        Err(e) => refused(lang, &e),
    }
}

/// The operator's language and the configured database; the exit code when its URL cannot
/// be read (said in the words of every other start of the server).
fn prepare(
    settings: &Settings,
    lang: &LangArg,
    env: &[(String, String)],
) -> Result<(Lang, DatabaseUrl), ExitCode> {
    let lang = operator_lang(lang.lang, env);
    DatabaseUrl::parse(settings.database_url.expose())
        .map(|url| (lang, url))
        .map_err(|e| super::fail(&e))
}

fn print_contents(lang: Lang, contents: &Contents) {
    println!(
        "  {}",
        t!(
            lang,
            "server-contents-schema",
            version = contents.schema.name()
        )
    );
    println!(
        "  {}",
        t!(
            lang,
            "server-contents-counts",
            units = contents.units,
            surveys = contents.surveys,
            answers = contents.answers,
            rounds = contents.rounds,
            ballots = contents.ballots
        )
    );
}

/// Says on standard error why nothing was done; a failure.
fn refused(lang: Lang, e: &BackupError) -> ExitCode {
    eprintln!("canvass-server: {}", explain(e).render(lang));
    ExitCode::FAILURE
}

/// Explains that PostgreSQL is backed up and restored with its own tools, with the command to
/// run (no password in it); a failure, since nothing was done.
fn postgres(lang: Lang, explanation: &'static str, command: &str) -> ExitCode {
    eprintln!("canvass-server: {}", Message::new(explanation).render(lang));
    eprintln!();
    eprintln!("    {command}");
    eprintln!();
    eprintln!("{}", t!(lang, "server-postgres-password"));
    ExitCode::FAILURE
}

/// What went wrong, in the catalogue's words.
fn explain(e: &BackupError) -> Message {
    let path = |p: &Path| p.display().to_string();
    match e {
        BackupError::NoDatabase { path: p } => msg!("server-backup-no-database", path = path(p)),
        BackupError::NoFile { path: p } => msg!("server-restore-no-file", path = path(p)),
        BackupError::IsDirectory { path: p } => {
            msg!("server-backup-is-directory", path = path(p))
        }
        BackupError::Exists { path: p } => msg!("server-backup-exists", path = path(p)),
        BackupError::SameFile { path: p } => msg!("server-same-file", path = path(p)),
        BackupError::NotADatabase { path: p } => msg!("server-not-a-database", path = path(p)),
        BackupError::NotCanvass { path: p } => msg!("server-not-canvass", path = path(p)),
        BackupError::Corrupt { path: p, problem } => {
            msg!("server-corrupt", path = path(p), problem = problem)
        }
        BackupError::SchemaMismatch {
            path: p,
            file,
            binary,
        } => {
            let older = file < binary;
            let id = if older {
                "server-restore-older-schema"
            } else {
                "server-restore-newer-schema"
            };
            Message::new(id)
                .arg("path", path(p))
                .arg("file", file.name())
                .arg("binary", binary.name())
        }
        BackupError::InUse { path: p } => msg!("server-restore-in-use", path = path(p)),
        BackupError::LiveCopy { log } => msg!("server-restore-live-copy", log = path(log)),
        BackupError::LooseLog { log } => msg!("server-restore-loose-log", log = path(log)),
        BackupError::Io { path: p, reason } => {
            msg!("server-io-failed", path = path(p), reason = reason)
        }
        BackupError::Sqlite { path: p, reason } => {
            msg!("server-sqlite-failed", path = path(p), reason = reason)
        }
    }
}

/// A size for people: `512 B`, `3.2 MiB`.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    #[allow(clippy::cast_precision_loss)] // one decimal is shown
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `text` as one word of a POSIX shell: as it is when that is safe, otherwise in single quotes.
fn shell_quote(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:@%+=,".contains(c));
    if safe {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn the_operators_language_is_the_flag_then_the_first_locale_set() {
        assert_eq!(operator_lang(None, &env(&[])), Lang::En);
        assert_eq!(
            operator_lang(None, &env(&[("LANG", "zh_CN.UTF-8")])),
            Lang::ZhCn
        );
        assert_eq!(operator_lang(None, &env(&[("LANG", "C.UTF-8")])), Lang::En);
        assert_eq!(
            operator_lang(
                None,
                &env(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "en_US.UTF-8")])
            ),
            Lang::En
        );
        assert_eq!(
            operator_lang(None, &env(&[("LC_ALL", ""), ("LC_MESSAGES", "zh_TW")])),
            Lang::ZhCn
        );
        assert_eq!(
            operator_lang(Some(Lang::ZhCn), &env(&[("LANG", "en_GB")])),
            Lang::ZhCn
        );
        assert_eq!(parse_lang("zh-CN"), Ok(Lang::ZhCn));
        assert!(parse_lang("fr").is_err());
    }

    #[test]
    fn sizes_and_shell_words_read_as_people_expect() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(3 * 1024 * 1024 + 200 * 1024), "3.2 MiB");
        assert_eq!(
            shell_quote("/var/backups/canvass.dump"),
            "/var/backups/canvass.dump"
        );
        assert_eq!(
            shell_quote("postgres://u@h/c?sslmode=disable&x=1"),
            "'postgres://u@h/c?sslmode=disable&x=1'"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
