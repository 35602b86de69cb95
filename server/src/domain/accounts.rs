//! Accounts and their devices: administrators manage the accounts of their subtree; everyone
//! may see their own account and devices and revoke their own device tokens.

use canvass_protocol::accounts::{check_username, Account, CreateAccount, Device, UpdateAccount};
use canvass_protocol::{msg, ErrorCode};

use super::auth::{self, Action, Caller};
use super::error::{Error, Thing};
use super::units::visible_unit;
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

/// Creates an account in a unit of the caller's subtree (administrators only).
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    body: &CreateAccount,
) -> Result<Account, Error> {
    caller.require(caller.role().manages_accounts(), Action::CreateAccounts)?;
    check_username(&body.username).map_err(|problem| Error::invalid("username", problem))?;
    auth::check_password("password", &body.password)?;
    let display_name =
        checked_display_name(body.display_name.as_deref().unwrap_or(&body.username))?;
    visible_unit(conn, caller, body.unit_id).map_err(|e| e.at("unit_id"))?;
    let hash = auth::hash_password(&body.password)?;
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
        None if caller.unit.is_some() => Err(Error::out_of_scope()),
        None => Ok(account),
        Some(unit_id) => {
            let unit = units::find(conn, unit_id)?;
            caller.check_scope(&unit)?;
            Ok(account)
        }
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
