//! Accounts and their roles. An account belongs to one unit and acts only within its subtree.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::i18n::{tr_static, Lang, Message};

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

    /// Whether this role may create and change accounts in its scope (of roles not above its
    /// own: see [`Role::rank`]).
    #[must_use]
    pub const fn manages_accounts(self) -> bool {
        matches!(self, Role::Admin | Role::Organiser)
    }

    /// How much the role may do: an account manages only accounts of a rank up to its own.
    #[must_use]
    pub const fn rank(self) -> u8 {
        match self {
            Role::Admin => 3,
            Role::Organiser => 2,
            Role::Leader => 1,
            Role::Officer => 0,
        }
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
    /// The password is a temporary one someone else set: the dashboards ask for a new one
    /// before anything else.
    #[serde(default)]
    pub must_change_password: bool,
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
    /// At least 10 characters, at most 128. Absent: the server makes a temporary password,
    /// answered once in [`CreatedAccount::temporary_password`], which must be changed at the
    /// first sign-in.
    #[serde(default)]
    pub password: Option<String>,
    pub role: Role,
    pub unit_id: i64,
}

/// Answer of `POST /api/v1/accounts`: the account, and the temporary password the server
/// made when the request gave none (shown this once, never stored in the clear).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreatedAccount {
    #[serde(flatten)]
    pub account: Account,
    /// Present only when the request gave no password: it must be changed at the next
    /// sign-in (`must_change_password` is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporary_password: Option<String>,
}

/// Answer of `POST /api/v1/accounts/{id}/reset-password`: the account (signed out everywhere,
/// its devices revoked, `must_change_password` set) and its temporary password, shown this
/// once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TemporaryPassword {
    pub account: Account,
    /// Three groups of four letters and digits (`k7mq-3xrd-pa2w`); it must be changed at the
    /// next sign-in.
    pub temporary_password: String,
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

/// Why a username is not acceptable, in English, or `None` when it is.
#[must_use]
pub fn username_problem(username: &str) -> Option<&'static str> {
    username_refusal(username).map(|id| tr_static(Lang::En, id))
}

/// Why a username is not acceptable, to render in the reader's language.
pub fn check_username(username: &str) -> Result<(), Message> {
    username_refusal(username).map_or(Ok(()), |id| Err(Message::new(id)))
}

/// The catalogue id of what is wrong with `username`: 3 to 64 characters, lowercase letters,
/// digits, `.`, `_` and `-`, starting with a letter.
fn username_refusal(username: &str) -> Option<&'static str> {
    let len = username.chars().count();
    if !(3..=64).contains(&len) {
        return Some("common-username-length");
    }
    let mut chars = username.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_lowercase()) {
        return Some("common-username-start");
    }
    if !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
    {
        return Some("common-username-characters");
    }
    None
}

/// Why a password is not acceptable, in English, or `None` when it is.
#[must_use]
pub fn password_problem(password: &str) -> Option<&'static str> {
    password_refusal(password).map(|id| tr_static(Lang::En, id))
}

/// Why a password is not acceptable, to render in the reader's language.
pub fn check_password(password: &str) -> Result<(), Message> {
    password_refusal(password).map_or(Ok(()), |id| Err(Message::new(id)))
}

/// The catalogue id of what is wrong with `password`: [`PASSWORD_MIN_CHARS`] to
/// [`PASSWORD_MAX_CHARS`] characters.
fn password_refusal(password: &str) -> Option<&'static str> {
    let len = password.chars().count();
    if len < PASSWORD_MIN_CHARS {
        return Some("common-password-too-short");
    }
    if len > PASSWORD_MAX_CHARS {
        return Some("common-password-too-long");
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
    fn problems_read_in_both_languages_and_state_the_limits() {
        assert_eq!(
            password_problem("short"),
            Some("a password has at least 10 characters")
        );
        let short = check_password("short").unwrap_err();
        assert_eq!(short.render(Lang::ZhCn), "密码至少要有10个字符。");
        let long = check_password(&"x".repeat(129)).unwrap_err();
        assert!(long
            .render(Lang::En)
            .contains(&PASSWORD_MAX_CHARS.to_string()));
        assert!(short
            .render(Lang::En)
            .contains(&PASSWORD_MIN_CHARS.to_string()));
        assert_eq!(
            check_username("Admin").unwrap_err().render(Lang::ZhCn),
            "用户名须以小写字母开头。"
        );
        assert_eq!(check_username("li.wei"), Ok(()));
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert!(Role::Admin.manages_accounts());
        assert!(Role::Organiser.manages_accounts());
        assert!(!Role::Leader.manages_accounts());
        assert!(Role::Organiser.rank() < Role::Admin.rank());
        assert!(Role::Organiser.manages_units());
        assert!(!Role::Leader.manages_units());
    }
}
