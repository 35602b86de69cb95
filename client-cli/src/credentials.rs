//! The sign-in kept on this computer: which server, which account, and the device token, in
//! one JSON file that only its owner can read, replaced atomically so a crash never leaves
//! half a file behind.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use canvass_protocol::accounts::Account;
use canvass_protocol::forms::Lang;
use canvass_protocol::t;
use serde::{Deserialize, Serialize};

use crate::files::{ensure_private_dir, FileAction, FileError};

/// The environment variable that moves the configuration directory (tests and portable
/// installs use it); when unset, the platform's configuration directory + `canvass`.
pub const CONFIG_DIR_ENV: &str = "CANVASS_CONFIG_DIR";

/// The name of the credentials file inside the configuration directory.
pub const CREDENTIALS_FILE: &str = "credentials.json";

/// What `canvass login` stores: enough to talk to the server again and to say who is signed
/// in without asking it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// The server's base address, e.g. `https://canvass.example.gov.cn`.
    pub server: String,
    pub username: String,
    /// The bearer token; a secret, never printed.
    pub token: String,
    /// The device id the server gave the token, to revoke it (absent for a session token).
    #[serde(default)]
    pub device_id: Option<String>,
    /// When the token stops working, in seconds since the Unix epoch.
    pub expires_at: i64,
    /// The account as the server described it at sign-in.
    pub account: Account,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("server", &self.server)
            .field("username", &self.username)
            .field("token", &"<redacted>")
            .field("device_id", &self.device_id)
            .field("expires_at", &self.expires_at)
            .field("account", &self.account)
            .finish()
    }
}

/// The credentials file could not be read, written or removed.
#[derive(Debug)]
pub enum CredentialsError {
    /// No configuration directory: neither `CANVASS_CONFIG_DIR` nor a home directory.
    NoConfigDir,
    /// A file-system operation failed.
    Io(FileError),
    /// The file exists but is not a credentials file canvass wrote.
    Damaged { path: PathBuf, reason: String },
}

impl CredentialsError {
    /// The failure in `lang`, with what to do next.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        match self {
            CredentialsError::NoConfigDir => t!(lang, "cli-error-no-config-dir"),
            CredentialsError::Io(e) => e.message().render(lang),
            CredentialsError::Damaged { path, reason } => t!(
                lang,
                "cli-error-credentials-damaged",
                path = path.display().to_string(),
                reason = reason
            ),
        }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::default()))
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CredentialsError::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// Where the credentials live; every read and write of them goes through here.
#[derive(Debug, Clone)]
pub struct CredentialStore {
    dir: PathBuf,
}

impl CredentialStore {
    /// A store in `dir` (created on the first save).
    #[must_use]
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The store the command line uses: `$CANVASS_CONFIG_DIR` if set and not empty, otherwise
    /// the platform's configuration directory + `canvass` (`~/.config/canvass` on Linux,
    /// `~/Library/Application Support/canvass` on macOS, `%APPDATA%\canvass` on Windows).
    pub fn from_env() -> Result<Self, CredentialsError> {
        match std::env::var_os(CONFIG_DIR_ENV) {
            Some(dir) if !dir.is_empty() => Ok(Self::in_dir(dir)),
            _ => dirs::config_dir()
                .map(|d| Self::in_dir(d.join("canvass")))
                .ok_or(CredentialsError::NoConfigDir),
        }
    }

    /// The configuration directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The credentials file.
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.dir.join(CREDENTIALS_FILE)
    }

    /// The stored credentials, or `None` when nobody is signed in on this computer.
    pub fn load(&self) -> Result<Option<Credentials>, CredentialsError> {
        let path = self.path();
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(CredentialsError::Io(
                    FileError::at(FileAction::Read, &path)(source),
                ))
            }
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| CredentialsError::Damaged {
                path,
                reason: e.to_string(),
            })
    }

    /// Writes `credentials`, replacing any earlier ones atomically: the data goes to a
    /// temporary file in the same directory (owner read/write only on Unix), is flushed to
    /// disk, then renamed over the old file. The directory is created if needed and, on Unix,
    /// restricted to its owner (0700).
    pub fn save(&self, credentials: &Credentials) -> Result<(), CredentialsError> {
        ensure_private_dir(&self.dir).map_err(CredentialsError::Io)?;
        let path = self.path();
        let temp = self
            .dir
            .join(format!(".{CREDENTIALS_FILE}.{}.tmp", std::process::id()));
        let io_err = |action, path: &Path| {
            let at = FileError::at(action, path);
            move |source| CredentialsError::Io(at(source))
        };
        let mut json = serde_json::to_vec_pretty(credentials).expect("credentials serialise");
        json.push(b'\n');
        let written = write_private(&temp, &json).map_err(io_err(FileAction::Write, &temp));
        let renamed = written.and_then(|()| {
            fs::rename(&temp, &path).map_err(io_err(FileAction::Replace, &path))?;
            sync_dir(&self.dir).map_err(io_err(FileAction::Flush, &self.dir))
        });
        if renamed.is_err() {
            let _ = fs::remove_file(&temp);
        }
        renamed
    }

    /// Deletes the credentials file; `Ok(false)` when there was none.
    pub fn remove(&self) -> Result<bool, CredentialsError> {
        let path = self.path();
        match fs::remove_file(&path) {
            Ok(()) => {
                let _ = sync_dir(&self.dir);
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(source) => Err(CredentialsError::Io(FileError::at(
                FileAction::Remove,
                &path,
            )(source))),
        }
    }
}

/// Creates `path` afresh (owner-only on Unix), writes `bytes` and flushes them to disk.
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // a stale temporary file from a crashed run is ours to replace
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes a rename or removal in `dir` durable (a no-op where directories cannot be opened).
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_protocol::accounts::Role;

    fn sample() -> Credentials {
        Credentials {
            server: "http://127.0.0.1:8080".into(),
            username: "li.wei".into(),
            token: "secret.token.value".into(),
            device_id: Some("d-123".into()),
            expires_at: 1_800_000_000,
            account: Account {
                id: 7,
                username: "li.wei".into(),
                display_name: "李伟".into(),
                role: Role::Officer,
                unit_id: Some(3),
                disabled: false,
                created_at: 1_700_000_000,
                must_change_password: false,
            },
        }
    }

    #[test]
    fn credentials_round_trip_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialStore::in_dir(dir.path().join("nested").join("canvass"));
        assert!(store.load().unwrap().is_none());
        store.save(&sample()).unwrap();
        assert_eq!(store.load().unwrap(), Some(sample()));

        let mut other = sample();
        other.token = "another".into();
        other.device_id = None;
        store.save(&other).unwrap();
        assert_eq!(store.load().unwrap(), Some(other));
        // no temporary file is left behind
        let names: Vec<_> = fs::read_dir(store.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(CREDENTIALS_FILE)]);

        assert!(store.remove().unwrap());
        assert!(!store.remove().unwrap());
        assert!(store.load().unwrap().is_none());
    }

    #[cfg(unix)]
    #[test]
    fn credentials_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialStore::in_dir(dir.path().join("canvass"));
        store.save(&sample()).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&store.path()), 0o600);
        assert_eq!(mode(store.dir()), 0o700);
    }

    #[cfg(unix)]
    #[test]
    fn a_group_readable_config_dir_is_made_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("canvass");
        fs::create_dir(&config).unwrap();
        fs::set_permissions(&config, fs::Permissions::from_mode(0o755)).unwrap();
        // an old, world-readable file is replaced by a private one
        fs::write(config.join(CREDENTIALS_FILE), "{}").unwrap();
        fs::set_permissions(
            config.join(CREDENTIALS_FILE),
            fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        let store = CredentialStore::in_dir(&config);
        store.save(&sample()).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&config), 0o700);
        assert_eq!(mode(&store.path()), 0o600);
    }

    #[test]
    fn a_damaged_file_says_how_to_recover() {
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialStore::in_dir(dir.path());
        fs::write(store.path(), "{not json").unwrap();
        let err = store.load().unwrap_err();
        assert!(matches!(err, CredentialsError::Damaged { .. }));
        assert!(err.render(Lang::En).contains("canvass logout"), "{err}");
    }

    #[test]
    fn the_token_never_appears_in_debug_output() {
        let shown = format!("{:?}", sample());
        assert!(!shown.contains("secret.token.value"), "{shown}");
        assert!(shown.contains("li.wei"));
    }
}
