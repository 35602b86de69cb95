//! Everything a `canvass` command can fail with, the exit code each failure gets, and its words
//! in the reader's language ([`CliError::render`]), each ending with what to do next.

use std::fmt;

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::Message;
use canvass_protocol::{msg, t};

use crate::api::ClientError;
use crate::credentials::CredentialsError;
use crate::store::StoreError;
use crate::survey_file::SurveyFileError;

/// Exit code of a command that did what it was asked.
pub const EXIT_OK: u8 = 0;
/// Exit code of a command that failed (the server refused, the network is down, a file is
/// invalid, items were refused, ...).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code of a command given wrongly (unknown flag, missing argument, bad value): the
/// command line must change, retrying as is will not help.
pub const EXIT_USAGE: u8 = 2;

/// A failed command. Its words are rendered in the reader's language at the edge
/// ([`CliError::render`]); `Display` gives them in Simplified Chinese, the product's default.
#[derive(Debug)]
pub enum CliError {
    /// Nobody is signed in on this computer.
    NotSignedIn,
    /// Talking to the server failed.
    Client(ClientError),
    /// The credentials file could not be read or written.
    Credentials(CredentialsError),
    /// The survey file is not acceptable.
    SurveyFile(SurveyFileError),
    /// A local input (a file, the password, an item) could not be used.
    Input(Message),
    /// The command line is wrong in a way the argument parser cannot see.
    Usage(Message),
    /// The local store of collected answers failed.
    Store(StoreError),
    /// A push stopped on the server's or the network's answer; `note` says what became of
    /// the batch being sent.
    Push {
        cause: Box<ClientError>,
        note: Option<Message>,
    },
}

impl CliError {
    /// The process exit code for this failure: [`EXIT_USAGE`] for a wrong command line,
    /// [`EXIT_FAILURE`] otherwise.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_)
            | CliError::Client(ClientError::BadServerUrl(_))
            | CliError::SurveyFile(SurveyFileError::NoTargets { .. }) => EXIT_USAGE,
            _ => EXIT_FAILURE,
        }
    }

    /// The failure in `lang`, with what to do next.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        match self {
            CliError::NotSignedIn => t!(lang, "cli-error-not-signed-in"),
            CliError::Client(e) => e.render(lang),
            CliError::Credentials(e) => e.render(lang),
            CliError::SurveyFile(e) => e.render(lang),
            CliError::Input(message) | CliError::Usage(message) => message.render(lang),
            CliError::Store(e) => e.render(lang),
            CliError::Push { cause, note } => match note {
                Some(note) => format!("{}\n{}", cause.render(lang), note.render(lang)),
                None => cause.render(lang),
            },
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::default()))
    }
}

impl std::error::Error for CliError {}

impl From<ClientError> for CliError {
    fn from(e: ClientError) -> Self {
        CliError::Client(e)
    }
}

impl From<CredentialsError> for CliError {
    fn from(e: CredentialsError) -> Self {
        CliError::Credentials(e)
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        CliError::Store(e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Input(msg!("cli-error-terminal", reason = e.to_string()))
    }
}

impl From<SurveyFileError> for CliError {
    fn from(e: SurveyFileError) -> Self {
        CliError::SurveyFile(e)
    }
}
