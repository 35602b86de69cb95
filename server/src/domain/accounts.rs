//! Accounts and their devices: administrators manage the accounts of their subtree; everyone
//! may see their own account and devices and revoke their own device tokens.

use canvass_protocol::accounts::{
    check_username, Account, CreateAccount, CreatedAccount, Device, Role, UpdateAccount,
};
use canvass_protocol::{msg, ErrorCode};

use super::auth::{self, Action, Caller};
use super::error::{Error, Kind, Thing};
use super::units::{check_not_retired, visible_unit};
use crate::db::accounts::{self as store, AccountChanges, AccountRow, DeviceRow, NewAccount};
use crate::db::{self, units, DbConnection, StoreError};

/// Longest display name accepted, in characters.
const DISPLAY_NAME_MAX_CHARS: usize = 100;

/// The accounts whose unit lies in the caller's subtree (administrators only).
pub fn list(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<Account>, Error> {
    caller.require(caller.role().manages_accounts(), Action::ListAccounts)?;
    let rows = store::in_subtree(conn, caller.scope_path())?;
    Ok(rows.iter().map(AccountRow::to_api).collect())
}

/// Creates an account in a unit of the caller's subtree (administrators only), with the
/// password given, or without one with a temporary password (as the console does) that is
/// answered once and must be changed at the first sign-in.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    body: &CreateAccount,
) -> Result<CreatedAccount, Error> {
    match &body.password {
        Some(password) => Ok(CreatedAccount {
            account: insert(conn, caller, body, password)?,
            temporary_password: None,
        }),
        None => {
            let created = create_with_temporary_password(
                conn,
                caller,
                &body.username,
                body.display_name.as_deref(),
                body.role,
                body.unit_id,
            )?;
            Ok(CreatedAccount {
                account: created.account,
                temporary_password: Some(created.password),
            })
        }
    }
}

/// Checks and stores a new account with `password`; every problem of the form at once.
fn insert(
    conn: &mut DbConnection,
    caller: &Caller,
    body: &CreateAccount,
    password: &str,
) -> Result<Account, Error> {
    caller.require(caller.role().manages_accounts(), Action::CreateAccounts)?;
    check_role(caller, body.role)?;
    // every problem of the form at once
    let mut problems = Vec::new();
    if let Err(problem) = check_username(&body.username) {
        problems.extend(Error::invalid("username", problem).details());
    }
    let display_name = checked_display_name(body.display_name.as_deref().unwrap_or(&body.username))
        .map_err(|e| problems.extend(e.details()));
    if let Err(e) = auth::check_password("password", password) {
        problems.extend(e.details());
    }
    match visible_unit(conn, caller, body.unit_id) {
        Ok(unit) => {
            if let Err(e) = check_not_retired(&unit, "unit_id") {
                problems.extend(e.details());
            }
        }
        Err(e) if e.kind() == Kind::NotFound => problems.extend(e.at("unit_id").details()),
        Err(e) => return Err(e.at("unit_id")),
    }
    let Ok(display_name) = display_name else {
        return Err(Error::many(Kind::Invalid, problems, Error::internal_logged));
    };
    if !problems.is_empty() {
        return Err(Error::many(Kind::Invalid, problems, Error::internal_logged));
    }
    let hash = auth::hash_password(password)?;
    let new = NewAccount {
        username: &body.username,
        display_name: &display_name,
        password_hash: &hash,
        role: body.role,
        unit_id: Some(body.unit_id),
    };
    let row = match store::insert(conn, &new, db::now()) {
        Ok(row) => row,
        Err(StoreError::UniqueViolation(_)) => {
            return Err(Error::conflict(
                ErrorCode::UsernameTaken,
                msg!(
                    "error-username-taken-named",
                    username = body.username.as_str()
                ),
            )
            .at("username"))
        }
        Err(e) => return Err(e.into()),
    };
    crate::domain::audit::record(
        conn,
        caller,
        "account.create",
        &format!("account:{}", row.id),
    )?;
    tracing::info!(account = row.id, by = caller.account.id, "account created");
    Ok(row.to_api())
}

/// One account: one's own, or (for administrators) any in the subtree.
pub fn get(conn: &mut DbConnection, caller: &Caller, id: i64) -> Result<Account, Error> {
    Ok(readable_account(conn, caller, id)?.to_api())
}

/// Changes an account (administrators only): display name, role, unit, disabled, password.
/// Disabling or a new password takes effect on the account's next request.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    body: &UpdateAccount,
) -> Result<Account, Error> {
    caller.require(caller.role().manages_accounts(), Action::ChangeAccounts)?;
    let display_name = body
        .display_name
        .as_deref()
        .map(checked_display_name)
        .transpose()?;
    if let Some(password) = &body.password {
        auth::check_password("password", password)?;
    }
    if let Some(role) = body.role {
        check_role(caller, role)?;
    }
    if id == caller.account.id
        && (body.disabled == Some(true) || body.role.is_some() || body.unit_id.is_some())
    {
        return Err(Error::forbidden(msg!("error-account-own-change")));
    }
    let hash = body
        .password
        .as_deref()
        .map(auth::hash_password)
        .transpose()?;
    db::write_transaction(conn, |conn| {
        let target = managed_account(conn, caller, id)?;
        if let Some(unit_id) = body.unit_id {
            visible_unit(conn, caller, unit_id).map_err(|e| e.at("unit_id"))?;
        }
        let changes = AccountChanges {
            display_name: display_name.as_deref(),
            role: body.role,
            unit_id: body.unit_id,
            disabled: body.disabled,
            password_hash: hash.as_deref(),
            must_change_password: None,
        };
        let row = store::update(conn, target.id, &changes, db::now())?;
        crate::domain::audit::record(
            conn,
            caller,
            "account.update",
            &format!("account:{}", row.id),
        )?;
        tracing::info!(account = row.id, by = caller.account.id, "account changed");
        Ok(row.to_api())
    })
}

/// The device tokens of an account: one's own, or (administrators) any in the subtree.
pub fn devices(conn: &mut DbConnection, caller: &Caller, id: i64) -> Result<Vec<Device>, Error> {
    let account = readable_account(conn, caller, id)?;
    let rows = store::devices_of(conn, account.id)?;
    Ok(rows.iter().map(DeviceRow::to_api).collect())
}

/// Revokes a device token: its next request is refused with `token_revoked`.
pub fn revoke_device(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    device_id: &str,
) -> Result<(), Error> {
    let account = readable_account(conn, caller, id)?;
    let device = store::find_device(conn, device_id)?
        .filter(|d| d.account_id == account.id)
        .ok_or_else(|| Error::not_found(Thing::Device))?;
    store::revoke_device(conn, &device.id, db::now())?;
    crate::domain::audit::record(
        conn,
        caller,
        "device.revoke",
        &format!("account:{}/device:{}", account.id, device.id),
    )?;
    tracing::info!(device = %device.id, by = caller.account.id, "device token revoked");
    Ok(())
}

/// The caller's own account, or one an administrator manages.
fn readable_account(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<AccountRow, Error> {
    if id == caller.account.id {
        return Ok(caller.account.clone());
    }
    caller.require(caller.role().manages_accounts(), Action::SeeOtherAccounts)?;
    managed_account(conn, caller, id)
}

/// An account in the caller's subtree (installation-wide accounts only for installation-wide
/// administrators).
fn managed_account(conn: &mut DbConnection, caller: &Caller, id: i64) -> Result<AccountRow, Error> {
    let account = match store::find(conn, id) {
        Ok(a) => a,
        Err(StoreError::NotFound) => return Err(Error::not_found(Thing::Account)),
        Err(e) => return Err(e.into()),
    };
    match account.unit_id {
        None if caller.unit.is_some() => return Err(Error::out_of_scope()),
        None => {}
        Some(unit_id) => {
            let unit = units::find(conn, unit_id)?;
            caller.check_scope(&unit)?;
        }
    }
    check_role(caller, account.role())?;
    Ok(account)
}

/// `forbidden` when `role` is above the caller's own: an organiser manages organisers,
/// leaders and officers, never administrators.
fn check_role(caller: &Caller, role: Role) -> Result<(), Error> {
    if role.rank() > caller.role().rank() {
        return Err(Error::forbidden(msg!(
            "error-account-role-above-own",
            role = role_message(role)
        ))
        .at("role"));
    }
    Ok(())
}

fn role_message(role: Role) -> canvass_protocol::i18n::Message {
    match role {
        Role::Admin => msg!("error-role-admin"),
        Role::Organiser => msg!("error-role-organiser"),
        Role::Leader => msg!("error-role-leader"),
        Role::Officer => msg!("error-role-officer"),
    }
}

fn checked_display_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(
            "display_name",
            msg!("error-display-name-empty"),
        ));
    }
    if name.chars().count() > DISPLAY_NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "display_name",
            msg!("error-display-name-too-long", max = DISPLAY_NAME_MAX_CHARS),
        ));
    }
    Ok(name.to_string())
}

// ---- temporary passwords (the console and the JSON API) -------------------------------------

/// Letters and digits of a temporary password: lowercase, without those read alike (i l 1 o 0).
const TEMPORARY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A new temporary password: three groups of four (`k7mq-3xrd-pa2w`), about 59 bits, easy to
/// read out over the telephone.
#[must_use]
pub fn temporary_password() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    (0..3)
        .map(|_| {
            (0..4)
                .map(|_| char::from(TEMPORARY_ALPHABET[rng.gen_range(0..TEMPORARY_ALPHABET.len())]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// An account created with a temporary password, shown once.
#[derive(Debug, Clone)]
pub struct WithTemporaryPassword {
    pub account: Account,
    /// The password to hand over; it must be changed at the first sign-in.
    pub password: String,
}

/// Creates an account (as [`create`], the same rules) with a temporary password that must be
/// changed at the first sign-in.
pub fn create_with_temporary_password(
    conn: &mut DbConnection,
    caller: &Caller,
    username: &str,
    display_name: Option<&str>,
    role: Role,
    unit_id: i64,
) -> Result<WithTemporaryPassword, Error> {
    let password = temporary_password();
    let body = CreateAccount {
        username: username.to_owned(),
        display_name: display_name.map(str::to_owned),
        password: None,
        role,
        unit_id,
    };
    db::write_transaction(conn, |conn| {
        let account = insert(conn, caller, &body, &password)?;
        store::set_must_change_password(conn, account.id, true)?;
        Ok(WithTemporaryPassword {
            account: store::find(conn, account.id)?.to_api(),
            password,
        })
    })
}

/// Resets another account's password to a temporary one, shown once and to be changed at its
/// next sign-in; the account is signed out everywhere and its devices revoked.
pub fn reset_password(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<WithTemporaryPassword, Error> {
    caller.require(caller.role().manages_accounts(), Action::ChangeAccounts)?;
    if id == caller.account.id {
        return Err(Error::forbidden(msg!("error-account-own-change")));
    }
    let password = temporary_password();
    let hash = auth::hash_password(&password)?;
    db::write_transaction(conn, |conn| {
        let target = managed_account(conn, caller, id)?;
        let account = set_temporary(conn, target.id, &hash)?;
        tracing::info!(account = id, by = caller.account.id, "password reset");
        crate::domain::audit::record(
            conn,
            caller,
            "account.reset_password",
            &format!("account:{id}"),
        )?;
        Ok(WithTemporaryPassword { account, password })
    })
}

/// `canvass-server admin reset-password USERNAME`: the operator, who holds the database,
/// resets any account's password to a temporary one (the first administrator's included).
pub fn reset_password_by_username(
    conn: &mut DbConnection,
    username: &str,
) -> Result<WithTemporaryPassword, Error> {
    let password = temporary_password();
    let hash = auth::hash_password(&password)?;
    db::write_transaction(conn, |conn| {
        let target = store::find_by_username(conn, username.trim())?
            .ok_or_else(|| Error::not_found(Thing::Account))?;
        let account = set_temporary(conn, target.id, &hash)?;
        tracing::info!(account = target.id, "password reset from the command line");
        crate::domain::audit::record_operator(
            conn,
            "account.reset_password",
            &format!("account:{}", target.id),
        )?;
        Ok(WithTemporaryPassword { account, password })
    })
}

fn set_temporary(conn: &mut DbConnection, id: i64, hash: &str) -> Result<Account, Error> {
    let changes = AccountChanges {
        password_hash: Some(hash),
        must_change_password: Some(true),
        ..AccountChanges::default()
    };
    Ok(store::update(conn, id, &changes, db::now())?.to_api())
}

/// Changes the caller's own password (the same rules as `POST /api/v1/auth/password`), with
/// the new one typed twice; every problem of the form at once. A temporary password is
/// replaced by the account's own.
pub fn change_own_password(
    conn: &mut DbConnection,
    caller: &Caller,
    current: &str,
    new: &str,
    repeated: &str,
) -> Result<(), Error> {
    let mut problems = Vec::new();
    if current.is_empty() {
        problems.extend(
            Error::invalid("current_password", msg!("error-current-password-wrong")).details(),
        );
    }
    if let Err(e) = auth::check_password("new_password", new) {
        problems.extend(e.details());
    }
    if new != repeated {
        problems.extend(
            Error::invalid("repeat_password", msg!("error-password-repeat-differs")).details(),
        );
    }
    if !problems.is_empty() {
        return Err(Error::many(Kind::Invalid, problems, Error::internal_logged));
    }
    auth::change_password(conn, caller, current, new)?;
    tracing::info!(account = caller.account.id, "password changed");
    crate::domain::audit::record(
        conn,
        caller,
        "account.change_password",
        &format!("account:{}", caller.account.id),
    )?;
    Ok(())
}
