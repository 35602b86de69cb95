//! First start: the `admin` account, created when no administrator exists yet.

use canvass_protocol::accounts::{password_problem, Role};

use crate::db::accounts::{self, NewAccount};
use crate::db::{self, DbConnection};
use crate::domain::auth;

/// What [`ensure_admin`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminBootstrap {
    /// An administrator already existed; nothing was changed.
    Existing,
    /// `admin` was created with the configured password.
    CreatedWithConfiguredPassword,
    /// `admin` was created with this generated password, to be shown once.
    CreatedWithGeneratedPassword(String),
}

/// Why the administrator could not be created.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("CANVASS_ADMIN_PASSWORD is not acceptable: {0}")]
    WeakPassword(&'static str),
    #[error("cannot create the admin account: {0}")]
    Store(String),
}

/// Creates the installation-wide `admin` account unless an administrator exists. Its password
/// is `configured` (from `CANVASS_ADMIN_PASSWORD`) or a generated one.
pub fn ensure_admin(
    conn: &mut DbConnection,
    configured: Option<&str>,
) -> Result<AdminBootstrap, BootstrapError> {
    let store_err = |e: &dyn std::fmt::Display| BootstrapError::Store(e.to_string());
    if accounts::any_admin(conn).map_err(|e| store_err(&e))? {
        return Ok(AdminBootstrap::Existing);
    }
    if let Some(problem) = configured.and_then(password_problem) {
        return Err(BootstrapError::WeakPassword(problem));
    }
    let password = configured.map_or_else(generate_password, ToString::to_string);
    let hash = auth::hash_password(&password).map_err(|e| store_err(&e))?;
    accounts::insert(
        conn,
        &NewAccount {
            username: "admin",
            display_name: "Administrator 管理员",
            password_hash: &hash,
            role: Role::Admin,
            unit_id: None,
        },
        db::now(),
    )
    .map_err(|e| store_err(&e))?;
    Ok(if configured.is_some() {
        AdminBootstrap::CreatedWithConfiguredPassword
    } else {
        AdminBootstrap::CreatedWithGeneratedPassword(password)
    })
}

/// A random password of 20 characters from an alphabet without look-alikes (about 112 bits).
#[must_use]
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..20)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}
