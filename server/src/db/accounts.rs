//! Queries on accounts and their device tokens.

use canvass_protocol::accounts::{Account, Device, Role};
use diesel::prelude::*;

use super::schema::{accounts, device_tokens, units};
use super::{DbConnection, StoreError};

/// An account row, password hash included: never serialise it.
#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub unit_id: Option<i64>,
    pub disabled: bool,
    pub session_version: i32,
    pub created_at: i64,
    pub updated_at: i64,
    /// A temporary password was set by someone else: the next sign-in leads to changing it.
    pub must_change_password: bool,
}

impl std::fmt::Debug for AccountRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountRow")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("unit_id", &self.unit_id)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl AccountRow {
    /// The account's role; rows are written only with valid roles.
    #[must_use]
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Officer)
    }

    /// The API form of the account.
    #[must_use]
    pub fn to_api(&self) -> Account {
        Account {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role(),
            unit_id: self.unit_id,
            disabled: self.disabled,
            created_at: self.created_at,
            must_change_password: self.must_change_password,
        }
    }
}

/// What a new account is made of.
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub unit_id: Option<i64>,
}

/// Finds an account by id.
pub fn find(conn: &mut DbConnection, id: i64) -> Result<AccountRow, StoreError> {
    Ok(accounts::table
        .find(id)
        .select(AccountRow::as_select())
        .get_result(conn)?)
}

/// Finds an account by username.
pub fn find_by_username(
    conn: &mut DbConnection,
    username: &str,
) -> Result<Option<AccountRow>, StoreError> {
    Ok(accounts::table
        .filter(accounts::username.eq(username))
        .select(AccountRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Inserts an account and returns it; a taken username is [`StoreError::UniqueViolation`].
pub fn insert(
    conn: &mut DbConnection,
    new: &NewAccount<'_>,
    now: i64,
) -> Result<AccountRow, StoreError> {
    let id: i64 = diesel::insert_into(accounts::table)
        .values((
            accounts::username.eq(new.username),
            accounts::display_name.eq(new.display_name),
            accounts::password_hash.eq(new.password_hash),
            accounts::role.eq(new.role.as_str()),
            accounts::unit_id.eq(new.unit_id),
            accounts::disabled.eq(false),
            accounts::session_version.eq(0),
            accounts::created_at.eq(now),
            accounts::updated_at.eq(now),
        ))
        .returning(accounts::id)
        .get_result(conn)?;
    find(conn, id)
}

/// Stores the same password hashed again with newer parameters (see `auth::needs_rehash`),
/// unless the hash changed meanwhile (a password change wins). The password is the same, so
/// the account's tokens stay valid and `updated_at` stays as it was.
pub fn replace_hash(
    conn: &mut DbConnection,
    id: i64,
    old: &str,
    new: &str,
) -> Result<(), StoreError> {
    crate::db::write_transaction(conn, |conn| {
        diesel::update(
            accounts::table
                .find(id)
                .filter(accounts::password_hash.eq(old)),
        )
        .set(accounts::password_hash.eq(new))
        .execute(conn)?;
        Ok(())
    })
}

/// Accounts whose unit lies in the subtree with root `path` (every account when `None`, the
/// installation-wide administrators included).
pub fn in_subtree(
    conn: &mut DbConnection,
    path: Option<&str>,
) -> Result<Vec<AccountRow>, StoreError> {
    match path {
        None => Ok(accounts::table
            .select(AccountRow::as_select())
            .order(accounts::id)
            .load(conn)?),
        Some(path) => Ok(accounts::table
            .inner_join(units::table)
            .filter(units::path.like(format!("{path}%")))
            .select(AccountRow::as_select())
            .order(accounts::id)
            .load(conn)?),
    }
}

/// Whether any administrator exists.
pub fn any_admin(conn: &mut DbConnection) -> Result<bool, StoreError> {
    let n: i64 = accounts::table
        .filter(accounts::role.eq(Role::Admin.as_str()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The changes a `PATCH` may make; `None` leaves a column alone.
#[derive(Default)]
pub struct AccountChanges<'a> {
    pub display_name: Option<&'a str>,
    pub role: Option<Role>,
    pub unit_id: Option<i64>,
    pub disabled: Option<bool>,
    pub password_hash: Option<&'a str>,
    /// With a new password: whether it is temporary. A new password without it is the
    /// account's own, and clears the flag.
    pub must_change_password: Option<bool>,
}

/// Applies `changes` in one transaction. A new password, and disabling the account, bump the
/// session version and revoke every device token, which ends every token issued before: for
/// good, so that re-enabling an account does not bring its old tokens back. A new password
/// clears the must-change flag unless `must_change_password` sets it.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    changes: &AccountChanges<'_>,
    now: i64,
) -> Result<AccountRow, StoreError> {
    crate::db::write_transaction(conn, |conn| {
        let target = accounts::table.find(id);
        if let Some(v) = changes.display_name {
            diesel::update(target)
                .set(accounts::display_name.eq(v))
                .execute(conn)?;
        }
        if let Some(v) = changes.role {
            diesel::update(target)
                .set(accounts::role.eq(v.as_str()))
                .execute(conn)?;
        }
        if let Some(v) = changes.unit_id {
            diesel::update(target)
                .set(accounts::unit_id.eq(v))
                .execute(conn)?;
        }
        if let Some(v) = changes.disabled {
            diesel::update(target)
                .set(accounts::disabled.eq(v))
                .execute(conn)?;
        }
        if let Some(v) = changes.password_hash {
            diesel::update(target)
                .set((
                    accounts::password_hash.eq(v),
                    accounts::must_change_password
                        .eq(changes.must_change_password.unwrap_or(false)),
                ))
                .execute(conn)?;
        }
        if changes.password_hash.is_some() || changes.disabled == Some(true) {
            diesel::update(target)
                .set(accounts::session_version.eq(accounts::session_version + 1))
                .execute(conn)?;
            diesel::update(
                device_tokens::table
                    .filter(device_tokens::account_id.eq(id))
                    .filter(device_tokens::revoked_at.is_null()),
            )
            .set(device_tokens::revoked_at.eq(now))
            .execute(conn)?;
        }
        diesel::update(target)
            .set(accounts::updated_at.eq(now))
            .execute(conn)?;
        find(conn, id)
    })
}

/// A device token row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = device_tokens)]
pub struct DeviceRow {
    pub id: String,
    pub account_id: i64,
    pub name: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

impl DeviceRow {
    /// The API form of the device.
    #[must_use]
    pub fn to_api(&self) -> Device {
        Device {
            id: self.id.clone(),
            name: self.name.clone(),
            created_at: self.created_at,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
        }
    }
}

/// Records a newly issued device token.
pub fn insert_device(conn: &mut DbConnection, row: &DeviceRow) -> Result<(), StoreError> {
    diesel::insert_into(device_tokens::table)
        .values((
            device_tokens::id.eq(&row.id),
            device_tokens::account_id.eq(row.account_id),
            device_tokens::name.eq(&row.name),
            device_tokens::created_at.eq(row.created_at),
            device_tokens::expires_at.eq(row.expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Finds a device token by id.
pub fn find_device(conn: &mut DbConnection, id: &str) -> Result<Option<DeviceRow>, StoreError> {
    Ok(device_tokens::table
        .find(id)
        .select(DeviceRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// The device tokens of an account, newest first.
pub fn devices_of(conn: &mut DbConnection, account_id: i64) -> Result<Vec<DeviceRow>, StoreError> {
    Ok(device_tokens::table
        .filter(device_tokens::account_id.eq(account_id))
        .select(DeviceRow::as_select())
        .order(device_tokens::created_at.desc())
        .load(conn)?)
}

/// Revokes a device token (no-op when already revoked).
pub fn revoke_device(conn: &mut DbConnection, id: &str, now: i64) -> Result<(), StoreError> {
    diesel::update(
        device_tokens::table
            .find(id)
            .filter(device_tokens::revoked_at.is_null()),
    )
    .set(device_tokens::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Marks (or clears) an account's password as temporary.
pub fn set_must_change_password(
    conn: &mut DbConnection,
    id: i64,
    must: bool,
) -> Result<(), StoreError> {
    diesel::update(accounts::table.find(id))
        .set(accounts::must_change_password.eq(must))
        .execute(conn)?;
    Ok(())
}
