//! Authentication: argon2id password hashes, signed tokens (short-lived sessions and
//! long-lived, revocable device tokens), and the [`Caller`] extractor that checks both on
//! every request, so disabling an account or revoking a token takes effect at once.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use canvass_protocol::accounts::Role;
use canvass_protocol::auth::TokenKind;
use canvass_protocol::ErrorCode;
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::db::accounts::{self, AccountRow};
use crate::db::units::{self, UnitRow};
use crate::db::{self as store, StoreError};
use crate::error::ApiError;
use crate::state::AppState;

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
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    HashGate::enter(|| {
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .map_err(|e| ApiError::internal(&e))
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
    pub fn sign(&self, claims: &Claims) -> Result<String, ApiError> {
        jsonwebtoken::encode(
            &Header::new(jsonwebtoken::Algorithm::HS256),
            claims,
            &self.encoding,
        )
        .map_err(|e| ApiError::internal(&e))
    }

    /// Checks signature, algorithm, issuer and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = 5;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => ApiError::unauthorized(
                    ErrorCode::TokenExpired,
                    "your sign-in has expired; sign in again",
                ),
                _ => ApiError::unauthorized(
                    ErrorCode::InvalidToken,
                    "the token is not valid; sign in again",
                ),
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

    /// `Ok` when `unit` lies in the caller's subtree, else 403 `out_of_scope`.
    pub fn check_scope(&self, unit: &UnitRow) -> Result<(), ApiError> {
        if self.sees(unit) {
            Ok(())
        } else {
            Err(ApiError::out_of_scope())
        }
    }

    /// `Ok` when the caller's role is one of `roles`, else 403 `forbidden`.
    pub fn require(&self, allowed: bool, what: &str) -> Result<(), ApiError> {
        if allowed {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "the {} role may not {what}",
                self.role().as_str()
            )))
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(&"application state missing"))?;
            let token = token?;
            let claims = state.keys.verify(&token)?;
            state.db(move |conn| authenticate(conn, claims)).await
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| {
            ApiError::unauthorized(
                ErrorCode::Unauthenticated,
                "sign in first: send Authorization: Bearer <token>",
            )
        })?
        .to_str()
        .map_err(|_| {
            ApiError::unauthorized(
                ErrorCode::InvalidToken,
                "the Authorization header is not valid",
            )
        })?;
    let (scheme, token) = value.split_once(' ').ok_or_else(|| {
        ApiError::unauthorized(ErrorCode::InvalidToken, "use Authorization: Bearer <token>")
    })?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "use Authorization: Bearer <token>",
        ));
    }
    Ok(token.trim().to_string())
}

/// Turns verified claims into a [`Caller`], checking what a signature cannot: the account
/// still exists and is enabled, its password has not changed since, and a device token has
/// not been revoked.
pub fn authenticate(conn: &mut store::DbConnection, claims: Claims) -> Result<Caller, ApiError> {
    let invalid = || {
        ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "the token is not valid; sign in again",
        )
    };
    let account_id: i64 = claims.sub.parse().map_err(|_| invalid())?;
    let account = match accounts::find(conn, account_id) {
        Ok(a) => a,
        Err(StoreError::NotFound) => return Err(invalid()),
        Err(e) => return Err(e.into()),
    };
    if account.disabled {
        return Err(ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            ErrorCode::AccountDisabled,
            "this account has been disabled",
        ));
    }
    let revoked = || {
        ApiError::unauthorized(
            ErrorCode::TokenRevoked,
            "this sign-in has been revoked; sign in again",
        )
    };
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
