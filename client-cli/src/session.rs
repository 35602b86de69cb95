//! Signing this computer in and out: `canvass login`, `canvass logout` and `canvass whoami`.
//! The device token lives in the [`CredentialStore`]; every other command finds the server and
//! the token there through [`signed_in`].

use std::io::BufRead;
use std::path::PathBuf;

use canvass_protocol::accounts::{Account, Role};
use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::{tr, Message};
use canvass_protocol::ErrorCode;
use canvass_protocol::{msg, t};

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
        CliError::Input(msg!(
            "cli-login-password-unreadable",
            reason = e.to_string()
        ))
    })?;
    let password = line
        .strip_suffix('\n')
        .map_or(line.as_str(), |l| l.strip_suffix('\r').unwrap_or(l));
    if password.is_empty() {
        return Err(CliError::Input(msg!("cli-login-no-password")));
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
        return Err(CliError::Usage(msg!(
            "cli-login-device-name",
            max = DEVICE_NAME_MAX_CHARS
        )));
    }
    let username = username.trim();
    if username.is_empty() {
        return Err(CliError::Usage(msg!("cli-login-no-username")));
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
    pub fn warning(&self, lang: Lang) -> Option<String> {
        match &self.previous {
            Some(PreviousSignIn::StillValid(p, e)) => Some(format!(
                "{}\n{}",
                t!(
                    lang,
                    "cli-login-previous-not-revoked",
                    reason = e.render(lang)
                ),
                still_valid(p, lang)
            )),
            _ => None,
        }
    }

    /// What `canvass login` did, in `lang`.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        let c = &self.credentials;
        let mut lines = signed_in_lines(c, &c.account, lang);
        lines.push(t!(
            lang,
            "cli-login-saved",
            path = self.path.display().to_string()
        ));
        if let Some(PreviousSignIn::Revoked(p) | PreviousSignIn::AlreadyInvalid(p)) = &self.previous
        {
            lines.push(t!(
                lang,
                "cli-login-previous-signed-out",
                username = p.username.as_str(),
                server = p.server.as_str()
            ));
        }
        lines.join("\n")
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
    pub fn warning(&self, lang: Lang) -> Option<String> {
        match self {
            LogoutOutcome::LocalOnly(c, e) => Some(format!(
                "{}\n{}",
                t!(lang, "cli-logout-server-not-told", reason = e.render(lang)),
                still_valid(c, lang)
            )),
            LogoutOutcome::DamagedFileRemoved(path) => Some(t!(
                lang,
                "cli-logout-damaged-file",
                path = path.display().to_string()
            )),
            _ => None,
        }
    }

    /// What `canvass logout` did, in `lang`.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        match self {
            LogoutOutcome::NotSignedIn => tr(lang, "cli-logout-not-signed-in"),
            LogoutOutcome::Revoked(c) => match &c.device_id {
                Some(id) => t!(
                    lang,
                    "cli-logout-revoked-device",
                    server = c.server.as_str(),
                    device = id.as_str()
                ),
                None => t!(lang, "cli-logout-revoked", server = c.server.as_str()),
            },
            LogoutOutcome::AlreadyInvalid(c, e) => t!(
                lang,
                "cli-logout-already-invalid",
                server = c.server.as_str(),
                reason = refusal_reason(e)
            ),
            LogoutOutcome::LocalOnly(..) | LogoutOutcome::DamagedFileRemoved(_) => {
                tr(lang, "cli-logout-local-only")
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
    pub fn problem(&self, lang: Lang) -> Option<String> {
        match &self.check {
            TokenCheck::Accepted(_) => None,
            TokenCheck::Refused(e) => Some(t!(lang, "cli-whoami-refused", reason = e.render(lang))),
            TokenCheck::Unknown(e) => {
                let mut text = t!(lang, "cli-whoami-unknown", reason = e.render(lang));
                if self.credentials.expires_at <= now() {
                    text.push('\n');
                    text.push_str(&tr(lang, "cli-whoami-expired-anyway"));
                }
                Some(text)
            }
        }
    }

    /// Who is signed in, in `lang`.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        let c = &self.credentials;
        let account = match &self.check {
            TokenCheck::Accepted(account) => account,
            _ => &c.account,
        };
        let mut lines = signed_in_lines(c, account, lang);
        lines.push(t!(
            lang,
            "cli-whoami-credentials",
            path = self.path.display().to_string()
        ));
        if matches!(self.check, TokenCheck::Accepted(_)) {
            lines.push(tr(lang, "cli-whoami-accepted"));
        }
        lines.join("\n")
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

/// Who is signed in where, and the token's kind and expiry: the first lines of `login` and
/// `whoami`.
fn signed_in_lines(c: &Credentials, account: &Account, lang: Lang) -> Vec<String> {
    let until = format_moment(c.expires_at);
    vec![
        t!(
            lang,
            "cli-login-done",
            server = c.server.as_str(),
            account = describe_account(account, lang)
        ),
        match &c.device_id {
            Some(id) => t!(
                lang,
                "cli-login-device-token",
                device = id.as_str(),
                until = until
            ),
            None => t!(lang, "cli-login-session-token", until = until),
        },
    ]
}

/// The name of `role`, to render in the reader's language.
#[must_use]
pub fn role_name(role: Role) -> Message {
    match role {
        Role::Admin => msg!("cli-role-admin"),
        Role::Organiser => msg!("cli-role-organiser"),
        Role::Leader => msg!("cli-role-leader"),
        Role::Officer => msg!("cli-role-officer"),
    }
}

/// `li.wei (李伟, officer, unit 3)` in `lang`.
fn describe_account(account: &Account, lang: Lang) -> String {
    let scope = account.unit_id.map_or_else(
        || tr(lang, "cli-account-whole-installation"),
        |u| t!(lang, "cli-unit-by-id", id = u),
    );
    let role = role_name(account.role);
    let mut parts = Vec::new();
    if account.display_name != account.username {
        parts.push(account.display_name.clone());
    }
    parts.push(role.render(lang));
    parts.push(scope);
    t!(
        lang,
        "cli-account",
        username = account.username.as_str(),
        details = crate::catalog::join(lang, &parts)
    )
}

/// The sentence saying that a token lives on, and how an administrator withdraws it.
fn still_valid(c: &Credentials, lang: Lang) -> String {
    match &c.device_id {
        Some(id) => t!(
            lang,
            "cli-token-stays-valid",
            device = id.as_str(),
            username = c.username.as_str(),
            server = c.server.as_str(),
            until = format_moment(c.expires_at),
            account = c.account.id
        ),
        None => t!(
            lang,
            "cli-session-stays-valid",
            username = c.username.as_str(),
            server = c.server.as_str(),
            until = format_moment(c.expires_at)
        ),
    }
}

fn refusal_reason(e: &ClientError) -> Message {
    match e.code() {
        Some(ErrorCode::TokenRevoked) => msg!("cli-token-revoked"),
        Some(ErrorCode::TokenExpired) => msg!("cli-token-expired"),
        Some(ErrorCode::InvalidToken) => msg!("cli-token-unknown"),
        _ => msg!("cli-token-refused"),
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
        assert!(err.render(Lang::En).contains("--password-stdin"), "{err}");
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
        assert!(err.render(Lang::En).contains("canvass login"), "{err}");
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
        assert!(err.render(Lang::En).contains("Check the network"), "{err}");
        assert!(!store.path().exists());
    }
}
