//! Everything a `canvass` command can fail with, and the exit code each failure gets.

use std::fmt;

use crate::api::ClientError;
use crate::credentials::CredentialsError;
use crate::store::StoreError;
use crate::survey_file::SurveyFileError;

/// Exit code of a command that did what it was asked.
pub const EXIT_OK: u8 = 0;
/// Exit code of a command that failed (the server refused, the network is down, a file is
/// invalid, ...).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code of a command given wrongly (unknown flag, missing argument, bad value): the
/// command line must change, retrying as is will not help.
pub const EXIT_USAGE: u8 = 2;

/// A failed command, worded for the officer, each message ending with what to do next.
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
    /// A local input (a file, the password) could not be read.
    Input(String),
    /// The command line is wrong in a way the argument parser cannot see.
    Usage(String),
    /// The local store of collected answers failed.
    Store(StoreError),
    /// A push stopped on the server's or the network's answer; `note` says what became of
    /// the batch being sent.
    Push { cause: ClientError, note: String },
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
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::NotSignedIn => f.write_str(
                "not signed in on this computer. Run `canvass login --server URL --username NAME` \
                 first.",
            ),
            CliError::Client(e) => e.fmt(f),
            CliError::Credentials(e) => e.fmt(f),
            CliError::SurveyFile(e) => e.fmt(f),
            CliError::Input(message) | CliError::Usage(message) => f.write_str(message),
            CliError::Store(e) => e.fmt(f),
            CliError::Push { cause, note } => write!(f, "{cause}{note}"),
        }
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
        CliError::Input(format!("cannot read from or write to the terminal: {e}"))
    }
}

impl From<SurveyFileError> for CliError {
    fn from(e: SurveyFileError) -> Self {
        CliError::SurveyFile(e)
    }
}
