//! Accounts and their roles. An account belongs to one unit and acts only within its subtree.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an account may do; the scope (which units) comes from the account's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the installation: accounts, units, everything in scope.
    Admin,
    /// 组织部 staff: units, officials, surveys, rounds, ballot codes, results.
    Organiser,
    /// 领导: reads results, rankings, flags and trends.
    Leader,
    /// 驻村干部/调查员: collects answers and tally sheets in the field.
    Officer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Organiser, Role::Leader, Role::Officer];

    /// The wire and storage form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Organiser => "organiser",
            Role::Leader => "leader",
            Role::Officer => "officer",
        }
    }

    /// Parses the storage form; `None` for anything else.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role may create, change and delete units in its scope.
    #[must_use]
    pub const fn manages_units(self) -> bool {
        matches!(self, Role::Admin | Role::Organiser)
    }

    /// Whether this role may create and change accounts in its scope.
    #[must_use]
    pub const fn manages_accounts(self) -> bool {
        matches!(self, Role::Admin)
    }
}

/// An account as the API returns it; never carries the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The unit whose subtree the account acts in; `None` means the whole installation (the
    /// bootstrap administrator).
    pub unit_id: Option<i64>,
    pub disabled: bool,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
}

/// Body of `POST /api/v1/accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccount {
    /// 3 to 64 characters: lowercase letters, digits, `.`, `_`, `-`, starting with a letter.
    pub username: String,
    /// Defaults to the username.
    #[serde(default)]
    pub display_name: Option<String>,
    /// At least 10 characters, at most 128.
    pub password: String,
    pub role: Role,
    pub unit_id: i64,
}

/// Body of `PATCH /api/v1/accounts/{id}`: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccount {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// Disabling takes effect on the account's next request, whatever tokens it holds.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// Setting a password signs the account out everywhere.
    #[serde(default)]
    pub password: Option<String>,
}

/// A device token issued to the field client, as listed for its account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Device {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// Set once the token is revoked; a revoked token is refused on its next use.
    pub revoked_at: Option<i64>,
}

/// Shortest password accepted, in characters.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// Longest password accepted, in characters (argon2 input stays bounded).
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Why a username is not acceptable, or `None` when it is.
#[must_use]
pub fn username_problem(username: &str) -> Option<&'static str> {
    let len = username.chars().count();
    if !(3..=64).contains(&len) {
        return Some("a username has 3 to 64 characters");
    }
    let mut chars = username.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_lowercase()) {
        return Some("a username starts with a lowercase letter");
    }
    if !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
    {
        return Some("a username has only lowercase letters, digits, '.', '_' and '-'");
    }
    None
}

/// Why a password is not acceptable, or `None` when it is.
#[must_use]
pub fn password_problem(password: &str) -> Option<&'static str> {
    let len = password.chars().count();
    if len < PASSWORD_MIN_CHARS {
        return Some("a password has at least 10 characters");
    }
    if len > PASSWORD_MAX_CHARS {
        return Some("a password has at most 128 characters");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked() {
        assert_eq!(username_problem("li.wei"), None);
        assert_eq!(username_problem("officer-03"), None);
        assert!(username_problem("ab").is_some());
        assert!(username_problem("Admin").is_some());
        assert!(username_problem("3po").is_some());
        assert!(username_problem("li wei").is_some());
        assert!(username_problem("李伟").is_some());
        assert!(username_problem(&"a".repeat(65)).is_some());
    }

    #[test]
    fn passwords_are_checked_by_length_in_characters() {
        assert!(password_problem("short").is_some());
        assert_eq!(password_problem("十个汉字的密码一二三"), None);
        assert!(password_problem(&"x".repeat(129)).is_some());
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert!(Role::Admin.manages_accounts());
        assert!(!Role::Organiser.manages_accounts());
        assert!(Role::Organiser.manages_units());
        assert!(!Role::Leader.manages_units());
    }
}
