//! Authentication: argon2id password hashes, sign-in under a throttle, signed tokens
//! (short-lived sessions and long-lived, revocable device tokens), and the [`Caller`] with its
//! scope checks, made from a token on every request so that disabling an account or revoking a
//! token takes effect at once.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use canvass_protocol::accounts::Role;
use canvass_protocol::auth::{LoginResponse, TokenKind};
use canvass_protocol::{msg, ErrorCode};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::error::{Error, Kind};
use crate::db::accounts::{self, AccountChanges, AccountRow, DeviceRow};
use crate::db::units::{self, UnitRow};
use crate::db::{self as store, throttle, DbConnection, StoreError};

/// Issuer written into and required of every token.
const ISSUER: &str = "canvass";

/// Memory of one password hash, in KiB, and its passes: the smallest-memory choice among
/// OWASP's equally strong argon2id settings (7 MiB × 5 passes, like 19 MiB × 2 costs the same
/// work), because every sign-in in progress holds that memory.
const HASH_MEMORY_KIB: u32 = 7 * 1024;
const HASH_PASSES: u32 = 5;

/// The argon2id hasher: [`HASH_MEMORY_KIB`], [`HASH_PASSES`], 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(HASH_MEMORY_KIB, HASH_PASSES, 1, None)
        .expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=7168,t=5,p=1$...`).
pub fn hash_password(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    HashGate::enter(|| {
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .map_err(|e| Error::internal(&e))
}

/// Checks a password against a stored hash, with the parameters stored in it; a malformed
/// hash never matches.
#[must_use]
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        HashGate::enter(|| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
}

/// Whether a stored hash was made with other parameters than [`hasher`]'s (an older setting),
/// so that a sign-in should store it again. A malformed hash never needs it: it never matches.
#[must_use]
pub fn needs_rehash(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Params::try_from(&parsed).map_or(true, |p| {
            (p.m_cost(), p.t_cost(), p.p_cost()) != (HASH_MEMORY_KIB, HASH_PASSES, 1)
        }) || parsed.algorithm != Algorithm::Argon2id.ident()
    })
}

/// Limits the password hashes computed at once to the number of cores: more would not finish
/// sooner, and each holds [`HASH_MEMORY_KIB`], so a burst of sign-ins (or of guesses) cannot
/// make the server's memory grow with the number of requests.
struct HashGate;

static HASHES_RUNNING: std::sync::Mutex<usize> = std::sync::Mutex::new(0);
static HASH_FINISHED: std::sync::Condvar = std::sync::Condvar::new();

impl HashGate {
    fn enter<T>(f: impl FnOnce() -> T) -> T {
        static SLOTS: OnceLock<usize> = OnceLock::new();
        let slots = *SLOTS
            .get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get));
        {
            // the count stays right even if a hash panicked: it is only ever changed here
            let mut running = HASHES_RUNNING
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            while *running >= slots {
                running = HASH_FINISHED
                    .wait(running)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            *running += 1;
        }
        let _leave = HashGate;
        f()
    }
}

impl Drop for HashGate {
    fn drop(&mut self) {
        let mut running = HASHES_RUNNING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *running -= 1;
        HASH_FINISHED.notify_one();
    }
}

/// A hash to verify against when the username is unknown, so that an unknown name costs the
/// same time as a wrong password and does not reveal which accounts exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        hasher()
            .hash_password(b"canvass-no-such-account", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// The claims of a canvass token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The account id.
    pub sub: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    pub kind: TokenKind,
    /// The account's session version when the token was issued.
    pub sv: i32,
    /// The device id of a device token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
}

/// The HMAC key that signs and checks tokens (HS256 only: `alg: none` and every other
/// algorithm are refused).
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    /// Keys from a shared secret.
    #[must_use]
    pub fn from_secret(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// Signs `claims`.
    pub fn sign(&self, claims: &Claims) -> Result<String, Error> {
        jsonwebtoken::encode(
            &Header::new(jsonwebtoken::Algorithm::HS256),
            claims,
            &self.encoding,
        )
        .map_err(|e| Error::internal(&e))
    }

    /// Checks signature, algorithm, issuer and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, Error> {
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = 5;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    Error::unauthenticated(ErrorCode::TokenExpired)
                }
                _ => Error::unauthenticated(ErrorCode::InvalidToken),
            })
    }
}

/// Builds the claims of a new token for `account`.
#[must_use]
pub fn claims_for(
    account: &AccountRow,
    kind: TokenKind,
    now: i64,
    expires_at: i64,
    device_id: Option<String>,
) -> Claims {
    Claims {
        sub: account.id.to_string(),
        iss: ISSUER.into(),
        iat: now,
        exp: expires_at,
        kind,
        sv: account.session_version,
        jti: device_id,
    }
}

/// The signed-in account making a request, with its scope.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: AccountRow,
    /// The account's unit; `None` for an installation-wide administrator.
    pub unit: Option<UnitRow>,
    pub claims: Claims,
}

impl Caller {
    /// The caller's role.
    #[must_use]
    pub fn role(&self) -> Role {
        self.account.role()
    }

    /// The path prefix of the caller's subtree (`None`: everything).
    #[must_use]
    pub fn scope_path(&self) -> Option<&str> {
        self.unit.as_ref().map(|u| u.path.as_str())
    }

    /// Whether `unit` lies in the caller's subtree.
    #[must_use]
    pub fn sees(&self, unit: &UnitRow) -> bool {
        self.unit
            .as_ref()
            .is_none_or(|own| own.contains_path(&unit.path))
    }

    /// `Ok` when `unit` lies in the caller's subtree, else `out_of_scope`.
    pub fn check_scope(&self, unit: &UnitRow) -> Result<(), Error> {
        if self.sees(unit) {
            Ok(())
        } else {
            Err(Error::out_of_scope())
        }
    }

    /// `Ok` when `allowed` (the caller's role may do `action`), else `forbidden` saying which
    /// role may not do what.
    pub fn require(&self, allowed: bool, action: Action) -> Result<(), Error> {
        if allowed {
            Ok(())
        } else {
            Err(Error::forbidden(msg!(
                "error-role-may-not",
                role = role_name(self.role()),
                action = action.message()
            )))
        }
    }
}

/// A role's name, as a message names it.
fn role_name(role: Role) -> canvass_protocol::i18n::Message {
    match role {
        Role::Admin => msg!("error-role-admin"),
        Role::Organiser => msg!("error-role-organiser"),
        Role::Leader => msg!("error-role-leader"),
        Role::Officer => msg!("error-role-officer"),
    }
}

/// What a role may or may not do, as the `forbidden` message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    CreateUnits,
    ChangeUnits,
    DeleteUnits,
    ListAccounts,
    CreateAccounts,
    ChangeAccounts,
    SeeOtherAccounts,
    ManageSurveys,
    ReadSurveyResults,
    ManageOfficials,
    ManageRounds,
    GenerateBallotCodes,
    EnterTallySheets,
    ReadTallySheets,
    ReadRoundResults,
    CollectInTheField,
    ManageInstruments,
    ReadAuditLog,
    ReadRectification,
    ManageRectification,
    WriteRectificationReport,
}

impl Action {
    /// The action, as a message names it.
    #[must_use]
    pub fn message(self) -> canvass_protocol::i18n::Message {
        match self {
            Action::CreateUnits => msg!("error-action-create-units"),
            Action::ChangeUnits => msg!("error-action-change-units"),
            Action::DeleteUnits => msg!("error-action-delete-units"),
            Action::ListAccounts => msg!("error-action-list-accounts"),
            Action::CreateAccounts => msg!("error-action-create-accounts"),
            Action::ChangeAccounts => msg!("error-action-change-accounts"),
            Action::SeeOtherAccounts => msg!("error-action-see-other-accounts"),
            Action::ManageSurveys => msg!("error-action-manage-surveys"),
            Action::ReadSurveyResults => msg!("error-action-read-survey-results"),
            Action::ManageOfficials => msg!("error-action-manage-officials"),
            Action::ManageRounds => msg!("error-action-manage-rounds"),
            Action::GenerateBallotCodes => msg!("error-action-generate-ballot-codes"),
            Action::EnterTallySheets => msg!("error-action-enter-tally-sheets"),
            Action::ReadTallySheets => msg!("error-action-read-tally-sheets"),
            Action::ReadRoundResults => msg!("error-action-read-round-results"),
            Action::CollectInTheField => msg!("error-action-collect-in-the-field"),
            Action::ManageInstruments => msg!("error-action-manage-instruments"),
            Action::ReadAuditLog => msg!("error-action-read-audit-log"),
            Action::ReadRectification => msg!("error-action-read-rectification"),
            Action::ManageRectification => msg!("error-action-manage-rectification"),
            Action::WriteRectificationReport => msg!("error-action-write-rectification-report"),
        }
    }
}

/// Turns verified claims into a [`Caller`], checking what a signature cannot: the account
/// still exists and is enabled, its password has not changed since, and a device token has
/// not been revoked.
pub fn authenticate(conn: &mut DbConnection, claims: Claims) -> Result<Caller, Error> {
    let invalid = || Error::unauthenticated(ErrorCode::InvalidToken);
    let account_id: i64 = claims.sub.parse().map_err(|_| invalid())?;
    let account = match accounts::find(conn, account_id) {
        Ok(a) => a,
        Err(StoreError::NotFound) => return Err(invalid()),
        Err(e) => return Err(e.into()),
    };
    if account.disabled {
        return Err(account_disabled());
    }
    let revoked = || Error::unauthenticated(ErrorCode::TokenRevoked);
    if account.session_version != claims.sv {
        return Err(revoked());
    }
    if claims.kind == TokenKind::Device {
        let device_id = claims.jti.as_deref().ok_or_else(invalid)?;
        let device = accounts::find_device(conn, device_id)?.ok_or_else(invalid)?;
        if device.account_id != account.id {
            return Err(invalid());
        }
        if device.revoked_at.is_some() {
            return Err(revoked());
        }
    }
    let unit = account
        .unit_id
        .map(|id| units::find(conn, id))
        .transpose()?;
    Ok(Caller {
        account,
        unit,
        claims,
    })
}

fn account_disabled() -> Error {
    Error::new(
        Kind::Forbidden,
        ErrorCode::AccountDisabled,
        ErrorCode::AccountDisabled.message(),
    )
}

// ---- signing in ------------------------------------------------------------------------------

/// Longest device name accepted, in characters.
const DEVICE_NAME_MAX_CHARS: usize = 100;

/// How signing in is limited and how long its tokens last (from the settings).
#[derive(Debug, Clone, Copy)]
pub struct SignInRules {
    /// Failed sign-ins for one account name before each further one waits.
    pub free_attempts_per_account: i64,
    /// Failed sign-ins from one address before each further one waits.
    pub free_attempts_per_address: i64,
    /// Lifetime of a session token, in seconds.
    pub session_ttl_secs: i64,
    /// Lifetime of a device token, in days.
    pub device_token_ttl_days: i64,
}

/// One sign-in attempt with a password, from the API or the sign-in page.
pub struct Attempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// The client address, for throttling (never stored beyond the throttle's key).
    pub address: &'a str,
    /// `Some` asks for a device token.
    pub device_name: Option<&'a str>,
}

/// The device name a sign-in asks for, checked: trimmed, not empty, at most 100 characters.
pub fn checked_device_name(name: Option<&str>) -> Result<Option<&str>, Error> {
    match name.map(str::trim) {
        Some("") => Err(Error::invalid(
            "device_name",
            msg!("error-device-name-empty"),
        )),
        Some(name) if name.chars().count() > DEVICE_NAME_MAX_CHARS => Err(Error::invalid(
            "device_name",
            msg!("error-device-name-too-long", max = DEVICE_NAME_MAX_CHARS),
        )),
        other => Ok(other),
    }
}

/// Checks a password sign-in under the throttle (per account name and per client address) and
/// issues the token: the one sign-in logic behind `POST /api/v1/auth/login` and `/login`.
pub fn password_login(
    conn: &mut DbConnection,
    rules: &SignInRules,
    keys: &TokenKeys,
    attempt: &Attempt<'_>,
) -> Result<LoginResponse, Error> {
    let device_name = checked_device_name(attempt.device_name)?;
    for (field, text) in [
        ("username", attempt.username),
        ("password", attempt.password),
    ] {
        if !canvass_protocol::text::is_storable(text) {
            return Err(Error::new(
                Kind::Invalid,
                ErrorCode::UnstorableText,
                ErrorCode::UnstorableText.message(),
            )
            .at(field));
        }
    }
    let account_key = format!("account:{}", attempt.username.trim().to_lowercase());
    let address_key = format!("address:{}", attempt.address);
    let now = store::now();
    // counted before the password is checked, so that simultaneous guesses cannot all pass
    let wait = throttle::reserve(
        conn,
        &[
            (&account_key, rules.free_attempts_per_account),
            (&address_key, rules.free_attempts_per_address),
        ],
        now,
    )?;
    if wait > 0 {
        return Err(Error::rate_limited(
            ErrorCode::TooManyAttempts,
            u64::try_from(wait).unwrap_or(1),
        ));
    }
    let account = accounts::find_by_username(conn, attempt.username.trim())?;
    let hash = account
        .as_ref()
        .map_or(dummy_hash(), |a| a.password_hash.as_str());
    let password_ok = verify_password(attempt.password, hash);
    // a disabled account answers as a wrong password does, whatever the password: neither
    // the answer nor the throttle tells whether it was right
    let Some(account) = account.filter(|a| password_ok && !a.disabled) else {
        return Err(Error::unauthenticated(ErrorCode::InvalidCredentials));
    };
    throttle::clear(conn, &account_key)?;
    throttle::release(conn, &address_key)?;
    if needs_rehash(&account.password_hash) {
        // a hash made with older parameters is stored again with the current ones
        let hash = hash_password(attempt.password)?;
        accounts::replace_hash(conn, account.id, &account.password_hash, &hash)?;
    }
    let (kind, expires_at, device_id) = match device_name {
        None => (TokenKind::Session, now + rules.session_ttl_secs, None),
        Some(name) => {
            let device = DeviceRow {
                id: uuid::Uuid::new_v4().to_string(),
                account_id: account.id,
                name: name.to_owned(),
                created_at: now,
                expires_at: now + rules.device_token_ttl_days * 86_400,
                revoked_at: None,
            };
            accounts::insert_device(conn, &device)?;
            (TokenKind::Device, device.expires_at, Some(device.id))
        }
    };
    let token = keys.sign(&claims_for(
        &account,
        kind,
        now,
        expires_at,
        device_id.clone(),
    ))?;
    // recorded here rather than through `audit::record`, which needs a `Caller`
    store::audit::append(
        conn,
        &store::audit::NewEntry {
            actor_id: Some(account.id),
            actor: &account.username,
            action: "sign_in",
            object: &format!("account:{}", account.id),
        },
        now,
    )?;
    tracing::info!(account = account.id, kind = ?kind, "signed in");
    Ok(LoginResponse {
        token,
        expires_at,
        kind,
        device_id,
        account: account.to_api(),
    })
}

/// Signs out: revokes the device token the caller used (a session token simply expires).
pub fn sign_out(conn: &mut DbConnection, caller: &Caller) -> Result<(), Error> {
    if let Some(device_id) = &caller.claims.jti {
        accounts::revoke_device(conn, device_id, store::now())?;
    }
    Ok(())
}

/// Changes the caller's own password once the current one is confirmed; every token issued
/// before, device tokens included, stops working.
pub fn change_password(
    conn: &mut DbConnection,
    caller: &Caller,
    current: &str,
    new: &str,
) -> Result<(), Error> {
    check_password("new_password", new)?;
    if !verify_password(current, &caller.account.password_hash) {
        return Err(Error::new(
            Kind::Unauthenticated,
            ErrorCode::InvalidCredentials,
            msg!("error-current-password-wrong"),
        )
        .at("current_password"));
    }
    let hash = hash_password(new)?;
    let changes = AccountChanges {
        password_hash: Some(&hash),
        ..AccountChanges::default()
    };
    accounts::update(conn, caller.account.id, &changes, store::now())?;
    Ok(())
}

/// `invalid_value` on `field` unless `password` is long enough and not too long.
pub fn check_password(field: &str, password: &str) -> Result<(), Error> {
    canvass_protocol::accounts::check_password(password)
        .map_err(|problem| Error::invalid(field, problem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert!(!needs_rehash(&hash));
    }

    #[test]
    fn a_hash_with_older_parameters_still_verifies_and_asks_to_be_stored_again() {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let older = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(19 * 1024, 2, 1, None).unwrap(),
        )
        .hash_password(b"correct horse battery", &salt)
        .unwrap()
        .to_string();
        assert!(
            older.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{older}"
        );
        assert!(verify_password("correct horse battery", &older));
        assert!(!verify_password("wrong horse battery", &older));
        assert!(needs_rehash(&older));
        assert!(!needs_rehash("not a hash"));
    }

    #[test]
    fn hashes_beyond_the_core_count_wait_for_a_free_slot() {
        let slots = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let most = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let now = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..slots * 3)
            .map(|_| {
                let (most, now) = (most.clone(), now.clone());
                std::thread::spawn(move || {
                    HashGate::enter(|| {
                        let inside = now.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                        most.fetch_max(inside, std::sync::atomic::Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        now.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                    });
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let most = most.load(std::sync::atomic::Ordering::SeqCst);
        assert!(
            most >= 1 && most <= slots,
            "{most} hashes at once for {slots} slots"
        );
    }

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: "1".into(),
            iss: ISSUER.into(),
            iat: 0,
            exp,
            kind: TokenKind::Session,
            sv: 0,
            jti: None,
        }
    }

    #[test]
    fn tokens_from_another_key_are_refused() {
        let ours = TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let theirs = TokenKeys::from_secret(b"fedcba9876543210fedcba9876543210");
        let token = theirs.sign(&claims(store::now() + 60)).unwrap();
        assert_eq!(
            ours.verify(&token).unwrap_err().code(),
            ErrorCode::InvalidToken
        );
        let good = ours.sign(&claims(store::now() + 60)).unwrap();
        assert_eq!(ours.verify(&good).unwrap().sub, "1");
    }

    #[test]
    fn expired_tokens_say_so() {
        let keys = TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let token = keys.sign(&claims(store::now() - 120)).unwrap();
        assert_eq!(
            keys.verify(&token).unwrap_err().code(),
            ErrorCode::TokenExpired
        );
    }
}
