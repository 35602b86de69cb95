//! `canvass-server admin …`: what the operator, who holds the database, does to accounts
//! without signing in: `admin reset-password USERNAME` prints a temporary password (the first
//! administrator's lost password included).

use std::process::ExitCode;

use canvass_protocol::t;

use super::backup::{operator_lang, LangArg};
use crate::db::Pool;
use crate::domain::accounts;
use crate::domain::error::Kind;

/// `canvass-server admin`.
#[derive(Debug, clap::Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    pub command: AdminCommand,
}

/// What `canvass-server admin` does.
#[derive(Debug, clap::Subcommand)]
pub enum AdminCommand {
    /// Give the account USERNAME a temporary password, printed once; it must be changed at
    /// the next sign-in, and every device of the account must sign in again.
    ResetPassword {
        /// The account's username.
        #[arg(value_name = "USERNAME")]
        username: String,
        #[command(flatten)]
        lang: LangArg,
    },
}

/// Runs `canvass-server admin …` against the migrated database.
#[must_use]
pub fn run(pool: &Pool, args: &AdminArgs, env: &[(String, String)]) -> ExitCode {
    match &args.command {
        AdminCommand::ResetPassword { username, lang } => {
            let lang = operator_lang(lang.lang, env);
            let outcome = pool
                .get()
                .map_err(|e| crate::domain::error::Error::from(crate::db::StoreError::Pool(e)))
                .and_then(|mut conn| accounts::reset_password_by_username(&mut conn, username));
            match outcome {
                Ok(done) => {
                    println!(
                        "{}",
                        t!(
                            lang,
                            "server-admin-password-reset",
                            username = username.as_str()
                        )
                    );
                    println!("  {}", done.password);
                    println!("{}", t!(lang, "server-admin-password-once"));
                    ExitCode::SUCCESS
                }
                Err(e) if e.kind() == Kind::NotFound => {
                    eprintln!(
                        "canvass-server: {}",
                        t!(
                            lang,
                            "server-admin-no-such-account",
                            username = username.as_str()
                        )
                    );
                    ExitCode::FAILURE
                }
                Err(e) => {
                    eprintln!("canvass-server: {}", e.message().render(lang));
                    ExitCode::FAILURE
                }
            }
        }
    }
}
