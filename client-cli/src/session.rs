//! Signing this computer in and out: `canvass login`, `canvass logout` and `canvass whoami`.
//! The device token lives in the [`CredentialStore`]; every other command finds the server and
//! the token there through [`signed_in`].

use std::fmt;
use std::io::BufRead;
use std::path::PathBuf;

use canvass_protocol::accounts::Account;
use canvass_protocol::forms::Lang;
use canvass_protocol::ErrorCode;

use crate::api::{ApiClient, ClientError};
use crate::credentials::{CredentialStore, Credentials};
use crate::dates::format_moment;
use crate::error::{CliError, EXIT_FAILURE, EXIT_OK};

/// The longest device name the server accepts, in characters.
pub const DEVICE_NAME_MAX_CHARS: usize = 100;

/// The device name used when `--device-name` is not given: `canvass-cli on <hostname>`, so an
/// administrator listing an account's devices can tell the laptops apart.
#[must_use]
pub fn default_device_name() -> String {
    let host = gethostname::gethostname()
        .to_string_lossy()
        .trim()
        .to_string();
    let name = if host.is_empty() {
        "canvass-cli".to_string()
    } else {
        format!("canvass-cli on {host}")
    };
    name.chars().take(DEVICE_NAME_MAX_CHARS).collect()
}

/// Reads a password from the first line of `input` (for `--password-stdin`): the line ending
/// is removed, nothing else, since spaces may be part of a password.
pub fn read_password_line(mut input: impl BufRead) -> Result<String, CliError> {
    let mut line = String::new();
    input.read_line(&mut line).map_err(|e| {
        CliError::Input(format!("cannot read the password from standard input: {e}"))
    })?;
    let password = line
        .strip_suffix('\n')
        .map_or(line.as_str(), |l| l.strip_suffix('\r').unwrap_or(l));
    if password.is_empty() {
        return Err(CliError::Input(
            "no password on standard input: --password-stdin reads the password from the first \
             line (e.g. `printf '%s\\n' \"$PASSWORD\" | canvass login ... --password-stdin`)"
                .into(),
        ));
    }
    Ok(password.to_string())
}

/// What the server and the computer look like after a successful `canvass login`.
#[derive(Debug)]
pub struct LoginOutcome {
    /// The sign-in now stored.
    pub credentials: Credentials,
    /// Where it is stored.
    pub path: PathBuf,
    /// What became of the sign-in this one replaced, if there was one.
    pub previous: Option<PreviousSignIn>,
}

/// The sign-in a new login replaced: its token is revoked so it cannot linger.
#[derive(Debug)]
pub enum PreviousSignIn {
    /// Its device token was revoked on its server.
    Revoked(Credentials),
    /// The server had already stopped accepting it.
    AlreadyInvalid(Credentials),
    /// It could not be revoked (server unreachable, ...): it stays valid there.
    StillValid(Credentials, ClientError),
}

/// Signs in at `server` and stores the device token, replacing (and revoking) any earlier
/// sign-in. Nothing is written unless the server accepts the password.
pub fn login(
    store: &CredentialStore,
    server: &str,
    username: &str,
    password: &str,
    device_name: &str,
    lang: Lang,
) -> Result<LoginOutcome, CliError> {
    let device_name = device_name.trim();
    if device_name.is_empty() || device_name.chars().count() > DEVICE_NAME_MAX_CHARS {
        return Err(CliError::Usage(format!(
            "the device name must have 1 to {DEVICE_NAME_MAX_CHARS} characters"
        )));
    }
    let username = username.trim();
    if username.is_empty() {
        return Err(CliError::Usage("the username is empty".into()));
    }
    let client = ApiClient::new(server)?.with_lang(lang);
    // read first: a damaged file must not stop a fresh login, it is simply replaced
    let previous = store.load().ok().flatten();
    let response = client.login(username, password, Some(device_name))?;
    let credentials = Credentials {
        server: client.base().to_string(),
        username: response.account.username.clone(),
        token: response.token,
        device_id: response.device_id,
        expires_at: response.expires_at,
        account: response.account,
    };
    store.save(&credentials)?;
    let previous =
        previous
            .filter(|p| p.token != credentials.token)
            .map(|p| match revoke(&p, lang) {
                Ok(()) => PreviousSignIn::Revoked(p),
                Err(e) if e.is_token_refused() => PreviousSignIn::AlreadyInvalid(p),
                Err(e) => PreviousSignIn::StillValid(p, e),
            });
    Ok(LoginOutcome {
        credentials,
        path: store.path(),
        previous,
    })
}

impl LoginOutcome {
    /// A warning for standard error, when the replaced sign-in could not be revoked.
    #[must_use]
    pub fn warning(&self) -> Option<String> {
        match &self.previous {
            Some(PreviousSignIn::StillValid(p, e)) => Some(format!(
                "warning: the previous sign-in on this computer could not be revoked ({e}).\n\
                 {}",
                still_valid(p)
            )),
            _ => None,
        }
    }
}

impl fmt::Display for LoginOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.credentials;
        writeln!(
            f,
            "Signed in to {} as {}.",
            c.server,
            describe_account(&c.account)
        )?;
        match &c.device_id {
            Some(id) => writeln!(
                f,
                "Device token {id} is valid until {}.",
                format_moment(c.expires_at)
            )?,
            None => writeln!(
                f,
                "The server gave a session token (no device token), valid until {}.",
                format_moment(c.expires_at)
            )?,
        }
        write!(
            f,
            "Credentials saved in {} (readable by you only).",
            self.path.display()
        )?;
        match &self.previous {
            Some(PreviousSignIn::Revoked(p) | PreviousSignIn::AlreadyInvalid(p)) => write!(
                f,
                "\nThe previous sign-in ({} at {}) is signed out.",
                p.username, p.server
            ),
            _ => Ok(()),
        }
    }
}

/// What `canvass logout` did.
#[derive(Debug)]
pub enum LogoutOutcome {
    /// Nobody was signed in: nothing to do.
    NotSignedIn,
    /// The server revoked the token and the local credentials are gone.
    Revoked(Credentials),
    /// The server had already stopped accepting the token; the local credentials are gone.
    AlreadyInvalid(Credentials, ClientError),
    /// The server could not be told: the local credentials are gone but the token stays valid
    /// on the server until it expires or an administrator revokes it.
    LocalOnly(Credentials, ClientError),
    /// The credentials file was damaged and has been removed without telling the server.
    DamagedFileRemoved(PathBuf),
}

/// Revokes the stored token on its server, then deletes the credentials; when the server
/// cannot be told, still deletes them and says the token remains valid there.
pub fn logout(store: &CredentialStore, lang: Lang) -> Result<LogoutOutcome, CliError> {
    let credentials = match store.load() {
        Ok(Some(c)) => c,
        Ok(None) => return Ok(LogoutOutcome::NotSignedIn),
        Err(crate::credentials::CredentialsError::Damaged { path, .. }) => {
            store.remove()?;
            return Ok(LogoutOutcome::DamagedFileRemoved(path));
        }
        Err(e) => return Err(e.into()),
    };
    let result = revoke(&credentials, lang);
    store.remove()?;
    Ok(match result {
        Ok(()) => LogoutOutcome::Revoked(credentials),
        Err(e) if e.is_token_refused() => LogoutOutcome::AlreadyInvalid(credentials, e),
        Err(e) => LogoutOutcome::LocalOnly(credentials, e),
    })
}

impl LogoutOutcome {
    /// [`EXIT_FAILURE`] when the token may still be valid on the server, [`EXIT_OK`]
    /// otherwise.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            LogoutOutcome::LocalOnly(..) | LogoutOutcome::DamagedFileRemoved(_) => EXIT_FAILURE,
            _ => EXIT_OK,
        }
    }

    /// A warning for standard error: the token that may stay valid on the server.
    #[must_use]
    pub fn warning(&self) -> Option<String> {
        match self {
            LogoutOutcome::LocalOnly(c, e) => Some(format!(
                "warning: the server was not told about the sign-out: {e}\n{}",
                still_valid(c)
            )),
            LogoutOutcome::DamagedFileRemoved(path) => Some(format!(
                "warning: the credentials file {} was damaged, so the server could not be told \
                 about the sign-out. If it held a valid sign-in, that device token stays valid \
                 on the server until it expires or an administrator revokes it.",
                path.display()
            )),
            _ => None,
        }
    }
}

impl fmt::Display for LogoutOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogoutOutcome::NotSignedIn => {
                f.write_str("Not signed in on this computer; nothing to do.")
            }
            LogoutOutcome::Revoked(c) => write!(
                f,
                "Signed out of {}: the server revoked this device's token{} and the local \
                 credentials are removed.",
                c.server,
                device_suffix(c)
            ),
            LogoutOutcome::AlreadyInvalid(c, e) => write!(
                f,
                "Signed out: the local credentials are removed. The server at {} had already \
                 stopped accepting this device's token ({}).",
                c.server,
                refusal_reason(e)
            ),
            LogoutOutcome::LocalOnly(..) | LogoutOutcome::DamagedFileRemoved(_) => {
                f.write_str("The local credentials are removed.")
            }
        }
    }
}

/// What `canvass whoami` found.
#[derive(Debug)]
pub struct WhoAmI {
    /// The stored sign-in.
    pub credentials: Credentials,
    /// Where it is stored.
    pub path: PathBuf,
    /// Whether the server still accepts the token.
    pub check: TokenCheck,
}

/// The server's verdict on the stored token.
#[derive(Debug)]
pub enum TokenCheck {
    /// Accepted; the account as the server sees it now.
    Accepted(Account),
    /// Refused (revoked, expired, disabled account, ...).
    Refused(ClientError),
    /// The server could not be asked.
    Unknown(ClientError),
}

/// Says who is signed in on this computer, where, and whether the server still accepts the
/// token. [`CliError::NotSignedIn`] when nobody is.
pub fn whoami(store: &CredentialStore, lang: Lang) -> Result<WhoAmI, CliError> {
    let credentials = store.load()?.ok_or(CliError::NotSignedIn)?;
    let check = match client_for(&credentials, lang).and_then(|c| c.me()) {
        Ok(account) => TokenCheck::Accepted(account),
        Err(e @ (ClientError::Unreachable { .. } | ClientError::Unexpected { .. })) => {
            TokenCheck::Unknown(e)
        }
        Err(
            e @ ClientError::Api {
                code: ErrorCode::InternalError | ErrorCode::ServiceUnavailable,
                ..
            },
        ) => TokenCheck::Unknown(e),
        Err(e) => TokenCheck::Refused(e),
    };
    Ok(WhoAmI {
        credentials,
        path: store.path(),
        check,
    })
}

impl WhoAmI {
    /// [`EXIT_OK`] only when the server accepted the token.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self.check {
            TokenCheck::Accepted(_) => EXIT_OK,
            _ => EXIT_FAILURE,
        }
    }

    /// For standard error: why the token is refused, or why it could not be checked.
    #[must_use]
    pub fn problem(&self) -> Option<String> {
        match &self.check {
            TokenCheck::Accepted(_) => None,
            TokenCheck::Refused(e) => Some(format!(
                "The server no longer accepts this device's token: {e}"
            )),
            TokenCheck::Unknown(e) => {
                let expired = self.credentials.expires_at <= now();
                Some(format!(
                    "Cannot check the sign-in with the server: {e}{}",
                    if expired {
                        "\nThe token's expiry date has passed anyway: run `canvass login` again \
                         once the server can be reached."
                    } else {
                        ""
                    }
                ))
            }
        }
    }
}

impl fmt::Display for WhoAmI {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.credentials;
        let account = match &self.check {
            TokenCheck::Accepted(account) => account,
            _ => &c.account,
        };
        writeln!(
            f,
            "Signed in to {} as {}.",
            c.server,
            describe_account(account)
        )?;
        match &c.device_id {
            Some(id) => writeln!(
                f,
                "Device token {id}, valid until {}.",
                format_moment(c.expires_at)
            )?,
            None => writeln!(
                f,
                "Session token, valid until {}.",
                format_moment(c.expires_at)
            )?,
        }
        write!(f, "Credentials: {}", self.path.display())?;
        if matches!(self.check, TokenCheck::Accepted(_)) {
            write!(f, "\nThe server accepts this device's token.")?;
        }
        Ok(())
    }
}

/// The API client for the stored sign-in, or [`CliError::NotSignedIn`].
pub fn signed_in(
    store: &CredentialStore,
    lang: Lang,
) -> Result<(ApiClient, Credentials), CliError> {
    let credentials = store.load()?.ok_or(CliError::NotSignedIn)?;
    let client = client_for(&credentials, lang)?;
    Ok((client, credentials))
}

fn client_for(credentials: &Credentials, lang: Lang) -> Result<ApiClient, ClientError> {
    Ok(ApiClient::new(&credentials.server)?
        .with_token(credentials.token.clone())
        .with_lang(lang))
}

fn revoke(credentials: &Credentials, lang: Lang) -> Result<(), ClientError> {
    client_for(credentials, lang)?.logout()
}

/// `li.wei (李伟, officer, unit 3)`.
fn describe_account(account: &Account) -> String {
    let scope = account
        .unit_id
        .map_or_else(|| "whole installation".to_string(), |u| format!("unit {u}"));
    let mut parts = Vec::new();
    if account.display_name != account.username {
        parts.push(account.display_name.clone());
    }
    parts.push(account.role.as_str().to_string());
    parts.push(scope);
    format!("{} ({})", account.username, parts.join(", "))
}

fn device_suffix(c: &Credentials) -> String {
    c.device_id
        .as_ref()
        .map_or_else(String::new, |id| format!(" (device id {id})"))
}

/// The sentence saying that a token lives on, and how an administrator withdraws it.
fn still_valid(c: &Credentials) -> String {
    match &c.device_id {
        Some(id) => format!(
            "The device token (device id {id}, account {}) stays valid on {} until it expires on \
             {} or an administrator revokes it (DELETE /api/v1/accounts/{}/devices/{id}). Ask \
             your administrator to revoke it, or run `canvass login` and `canvass logout` again \
             once the server can be reached.",
            c.username,
            c.server,
            format_moment(c.expires_at),
            c.account.id
        ),
        None => format!(
            "The session token of account {} stays valid on {} until it expires on {}.",
            c.username,
            c.server,
            format_moment(c.expires_at)
        ),
    }
}

fn refusal_reason(e: &ClientError) -> &'static str {
    match e.code() {
        Some(ErrorCode::TokenRevoked) => "token revoked",
        Some(ErrorCode::TokenExpired) => "token expired",
        Some(ErrorCode::InvalidToken) => "token not recognised",
        _ => "token refused",
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_the_first_line_without_its_ending() {
        assert_eq!(
            read_password_line(&b"p@ss word \n"[..]).unwrap(),
            "p@ss word "
        );
        assert_eq!(
            read_password_line(&b"secret\r\nmore"[..]).unwrap(),
            "secret"
        );
        assert_eq!(
            read_password_line(&b"no-newline"[..]).unwrap(),
            "no-newline"
        );
        let err = read_password_line(&b""[..]).unwrap_err();
        assert!(err.to_string().contains("--password-stdin"), "{err}");
        assert!(read_password_line(&b"\n"[..]).is_err());
    }

    #[test]
    fn the_default_device_name_names_this_computer_and_fits_the_limit() {
        let name = default_device_name();
        assert!(name.starts_with("canvass-cli"), "{name}");
        assert!(name.chars().count() <= DEVICE_NAME_MAX_CHARS);
    }

    #[test]
    fn logout_when_nobody_is_signed_in_does_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialStore::in_dir(dir.path());
        let outcome = logout(&store, Lang::En).unwrap();
        assert!(matches!(outcome, LogoutOutcome::NotSignedIn));
        assert_eq!(outcome.exit_code(), EXIT_OK);
    }

    #[test]
    fn commands_that_need_a_sign_in_say_to_run_login() {
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialStore::in_dir(dir.path());
        let err = whoami(&store, Lang::En).unwrap_err();
        assert!(matches!(err, CliError::NotSignedIn));
        assert!(err.to_string().contains("canvass login"), "{err}");
        assert!(matches!(
            signed_in(&store, Lang::En),
            Err(CliError::NotSignedIn)
        ));
    }

    #[test]
    fn a_failed_login_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialStore::in_dir(dir.path().join("canvass"));
        let err = login(
            &store,
            "http://127.0.0.1:1",
            "li.wei",
            "password",
            "laptop",
            Lang::En,
        )
        .unwrap_err();
        assert!(err.to_string().contains("Check the network"), "{err}");
        assert!(!store.path().exists());
    }
}
