//! Files and directories only their owner may read: the sign-in, the local store, ballot slips.
//! What failed is kept as a [`FileError`], worded in the reader's language where it is shown.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use canvass_protocol::i18n::Message;
use canvass_protocol::msg;

use crate::error::CliError;

/// What was being done to a file or directory when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAction {
    Create,
    Inspect,
    Restrict,
    Read,
    Write,
    Replace,
    Flush,
    Remove,
}

/// A file-system operation that failed: what, on which path, and the system's reason.
#[derive(Debug)]
pub struct FileError {
    pub action: FileAction,
    pub path: PathBuf,
    pub source: io::Error,
}

impl FileError {
    /// `cannot <action> <path>: <reason>. Check that the directory exists and is yours.`
    #[must_use]
    pub fn message(&self) -> Message {
        let action = match self.action {
            FileAction::Create => msg!("cli-file-create"),
            FileAction::Inspect => msg!("cli-file-inspect"),
            FileAction::Restrict => msg!("cli-file-restrict"),
            FileAction::Read => msg!("cli-file-read"),
            FileAction::Write => msg!("cli-file-write"),
            FileAction::Replace => msg!("cli-file-replace"),
            FileAction::Flush => msg!("cli-file-flush"),
            FileAction::Remove => msg!("cli-file-remove"),
        };
        msg!(
            "cli-error-file",
            action = action,
            path = self.path.display().to_string(),
            reason = self.source.to_string()
        )
    }

    /// A mapper from an I/O error of `action` on `path`.
    pub fn at(action: FileAction, path: &Path) -> impl FnOnce(io::Error) -> FileError {
        let path = path.to_path_buf();
        move |source| FileError {
            action,
            path,
            source,
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().to_string())
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Creates `dir` (and its parents) readable by its owner only (0700 on Unix), and narrows an
/// existing directory that others could list or change.
pub fn ensure_private_dir(dir: &Path) -> Result<(), FileError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(FileError::at(FileAction::Create, dir))?;
    // an existing directory may have been created wider; what it holds must not be listable
    // or replaceable by others
    narrow(dir, 0o700)
}

/// Creates `path` owner-only (0600 on Unix) if it does not exist, keeping its content if it
/// does, and narrows an existing file that is readable by others.
pub fn create_private_file(path: &Path) -> Result<(), FileError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map_err(FileError::at(FileAction::Create, path))?;
    narrow(path, 0o600)
}

/// Gives `path` the permissions `mode` when others may do more with it (Unix; elsewhere
/// nothing to do).
fn narrow(path: &Path, mode: u32) -> Result<(), FileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(path).map_err(FileError::at(FileAction::Inspect, path))?;
        if meta.permissions().mode() & 0o077 != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(mode))
                .map_err(FileError::at(FileAction::Restrict, path))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// The text of a file the officer named (a survey, a round, a tally sheet, a CSV), or the error
/// saying which file could not be read and why.
pub fn read_input(path: &Path) -> Result<Vec<u8>, CliError> {
    fs::read(path).map_err(|e| {
        CliError::Input(msg!(
            "cli-error-read-file",
            path = path.display().to_string(),
            reason = e.to_string()
        ))
    })
}

/// Writes `bytes` to a new file at `path` (a file the officer asked for, such as an exported
/// form), never replacing one that exists.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write as _;
    let fail = |e: io::Error| CliError::Input(FileError::at(FileAction::Write, path)(e).message());
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(fail)?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(fail)
}

/// [`read_input`] as UTF-8 text.
pub fn read_input_text(path: &Path) -> Result<String, CliError> {
    String::from_utf8(read_input(path)?).map_err(|_| {
        CliError::Input(msg!(
            "cli-error-not-utf8",
            path = path.display().to_string()
        ))
    })
}
