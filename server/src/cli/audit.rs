//! The `audit verify` command: checks the whole hash chain of the audit log
//! ([`crate::domain::audit`]) and names the first entry that does not hold, in the operator's
//! language.

use std::process::ExitCode;

use canvass_protocol::t;

use super::backup::{operator_lang, LangArg};
use crate::db;
use crate::settings::Settings;

/// `canvass-server audit …`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// What to do with the audit log.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check every entry of the audit log against the one before it; exits with 1 and names
    /// the first broken entry when the log was changed.
    Verify {
        #[command(flatten)]
        lang: LangArg,
    },
}

/// Runs `audit verify` on the configured database; returns the exit code.
pub fn run(settings: &Settings, args: &AuditArgs, env: &[(String, String)]) -> ExitCode {
    let AuditCommand::Verify { lang } = &args.command;
    let lang = operator_lang(lang.lang, env);
    let checked = db::open(settings.database_url.expose(), 1)
        .map_err(|e| e.to_string())
        .and_then(|(pool, _)| pool.get().map_err(|e| e.to_string()))
        .and_then(|mut conn| crate::domain::audit::verify(&mut conn).map_err(|e| format!("{e:?}")));
    match checked {
        Ok(found) => match found.first_broken {
            None => {
                println!(
                    "{}",
                    t!(
                        lang,
                        "server-audit-holds",
                        entries = found.entries,
                        head = found.head
                    )
                );
                ExitCode::SUCCESS
            }
            Some((entry, why)) => {
                eprintln!(
                    "{}",
                    t!(
                        lang,
                        "server-audit-broken",
                        entry = entry,
                        why = canvass_protocol::i18n::tr(lang, why)
                    )
                );
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("canvass-server: {e}");
            ExitCode::FAILURE
        }
    }
}
