//! The organiser's account commands: `canvass account list`, `create`, `disable`, `enable` and
//! `reset-password`, through the same API (and so the same rules, scope and audit) as the
//! console's accounts page. A new account and a reset get a temporary password, shown once,
//! that must be changed at the next sign-in.

use canvass_protocol::accounts::{Account, CreateAccount, Role, UpdateAccount};
use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::tr;
use canvass_protocol::sheets::UnitIndex;
use canvass_protocol::units::Unit;
use canvass_protocol::{msg, t};

use crate::api::ApiClient;
use crate::credentials::CredentialStore;
use crate::error::CliError;
use crate::session::{role_name, signed_in};
use crate::table::{Align, Table};

/// The accounts of the signed-in account's subtree, with the units they belong to.
pub fn list(store: &CredentialStore, lang: Lang) -> Result<(Vec<Account>, Vec<Unit>), CliError> {
    let (client, _) = signed_in(store, lang)?;
    let accounts = client.list_accounts()?;
    let units = client.list_units()?;
    Ok((accounts, units))
}

/// The role `typed` names (`officer`, or its name in either language: 调查员, field officer);
/// a role that is none is refused with the valid ones listed, before anything is sent.
pub fn parse_role(typed: &str) -> Result<Role, CliError> {
    let typed = typed.trim();
    Role::ALL
        .into_iter()
        .find(|r| {
            let name = role_name(*r);
            r.as_str().eq_ignore_ascii_case(typed)
                || name.render(Lang::ZhCn) == typed
                || name.render(Lang::En).eq_ignore_ascii_case(typed)
        })
        .ok_or_else(|| {
            let valid = Role::ALL
                .iter()
                .map(|r| format!("{} ({})", r.as_str(), role_name(*r).render(Lang::ZhCn)))
                .collect::<Vec<_>>()
                .join(", ");
            CliError::Usage(msg!(
                "cli-account-role-unknown",
                role = typed,
                valid = valid
            ))
        })
}

/// A new account and the temporary password the server made for it.
#[derive(Debug, Clone)]
pub struct WithPassword {
    pub account: Account,
    pub password: String,
}

/// Creates account `username` with `role` in unit `unit_id` (named `name`, else its username)
/// with a temporary password that must be changed at the first sign-in. A wrong role is
/// refused before anything is sent.
pub fn create(
    store: &CredentialStore,
    username: &str,
    role: &str,
    unit_id: i64,
    name: Option<&str>,
    lang: Lang,
) -> Result<WithPassword, CliError> {
    let role = parse_role(role)?;
    let (client, _) = signed_in(store, lang)?;
    let created = client.create_account(&CreateAccount {
        username: username.trim().to_owned(),
        display_name: name.map(str::to_owned),
        password: None,
        role,
        unit_id,
    })?;
    let password = created.temporary_password.ok_or_else(|| {
        CliError::Input(msg!(
            "cli-account-no-temporary-password",
            username = created.account.username.as_str()
        ))
    })?;
    Ok(WithPassword {
        account: created.account,
        password,
    })
}

/// The id of the account `who` names: an id as is, a username looked up among the accounts
/// the signed-in account manages.
fn resolve(client: &ApiClient, who: &str) -> Result<i64, CliError> {
    let who = who.trim();
    if let Ok(id) = who.parse::<i64>() {
        return Ok(id);
    }
    client
        .list_accounts()?
        .into_iter()
        .find(|a| a.username == who)
        .map(|a| a.id)
        .ok_or_else(|| CliError::Input(msg!("cli-account-not-found", who = who)))
}

/// Disables (`disabled`) or enables the account `who` (an id or a username). A disabled
/// account's next request is refused, whatever tokens it holds.
pub fn set_disabled(
    store: &CredentialStore,
    who: &str,
    disabled: bool,
    lang: Lang,
) -> Result<Account, CliError> {
    let (client, _) = signed_in(store, lang)?;
    let id = resolve(&client, who)?;
    let body = UpdateAccount {
        disabled: Some(disabled),
        ..UpdateAccount::default()
    };
    Ok(client.update_account(id, &body)?)
}

/// Resets the password of the account `who` (an id or a username) to a temporary one; the
/// account is signed out everywhere and its devices revoked.
pub fn reset_password(
    store: &CredentialStore,
    who: &str,
    lang: Lang,
) -> Result<WithPassword, CliError> {
    let (client, _) = signed_in(store, lang)?;
    let id = resolve(&client, who)?;
    let done = client.reset_password(id)?;
    Ok(WithPassword {
        account: done.account,
        password: done.temporary_password,
    })
}

/// The accounts as a table: id, username, name, role, unit (its path in the tree) and state.
#[must_use]
pub fn render_list(accounts: &[Account], units: &[Unit], lang: Lang) -> String {
    if accounts.is_empty() {
        return tr(lang, "cli-account-list-empty");
    }
    let index = UnitIndex::new(units);
    let mut table = Table::new(vec![
        (tr(lang, "cli-account-col-id"), Align::Right),
        (tr(lang, "cli-account-col-username"), Align::Left),
        (tr(lang, "cli-account-col-name"), Align::Left),
        (tr(lang, "cli-account-col-role"), Align::Left),
        (tr(lang, "cli-account-col-unit"), Align::Left),
        (tr(lang, "cli-account-col-state"), Align::Left),
    ]);
    for a in accounts {
        let unit = match a.unit_id {
            None => tr(lang, "cli-account-whole-installation"),
            Some(id) if index.get(id).is_some() => index.path(id),
            Some(id) => t!(lang, "cli-unit-by-id", id = id),
        };
        let mut state = vec![tr(
            lang,
            if a.disabled {
                "cli-account-disabled"
            } else {
                "cli-account-active"
            },
        )];
        if a.must_change_password {
            state.push(tr(lang, "cli-account-temporary"));
        }
        table.row(vec![
            a.id.to_string(),
            a.username.clone(),
            a.display_name.clone(),
            role_name(a.role).render(lang),
            unit,
            state.join(", "),
        ]);
    }
    table.render()
}

/// What `account create` did, and the temporary password with the rule that goes with it.
#[must_use]
pub fn render_created(created: &WithPassword, lang: Lang) -> String {
    let a = &created.account;
    [
        t!(
            lang,
            "cli-account-created",
            username = a.username.as_str(),
            id = a.id,
            role = role_name(a.role).render(lang)
        ),
        render_password(created, lang),
    ]
    .join("\n")
}

/// The temporary password, shown this once, and that it must be changed at the next sign-in.
#[must_use]
pub fn render_password(done: &WithPassword, lang: Lang) -> String {
    [
        t!(
            lang,
            "cli-account-temporary-password",
            username = done.account.username.as_str(),
            password = done.password.as_str()
        ),
        tr(lang, "cli-account-must-change"),
    ]
    .join("\n")
}

/// What `account disable` or `enable` did.
#[must_use]
pub fn render_disabled(account: &Account, lang: Lang) -> String {
    let username = account.username.as_str();
    if account.disabled {
        t!(lang, "cli-account-was-disabled", username = username)
    } else {
        t!(lang, "cli-account-was-enabled", username = username)
    }
}

#[cfg(test)]
mod tests {
    use canvass_protocol::units::UnitKind;

    use super::*;

    fn account(id: i64, username: &str, name: &str, role: Role, unit: Option<i64>) -> Account {
        Account {
            id,
            username: username.into(),
            display_name: name.into(),
            role,
            unit_id: unit,
            disabled: id == 3,
            created_at: 0,
            must_change_password: id == 2,
        }
    }

    fn unit(id: i64, kind: UnitKind, name: &str, parent: Option<i64>, path: Vec<i64>) -> Unit {
        Unit {
            id,
            parent_id: parent,
            kind,
            name: name.into(),
            window_unit: false,
            path,
            retired: false,
            population: None,
        }
    }

    #[test]
    fn the_list_lines_up_with_chinese_names_and_says_each_state() {
        let units = [
            unit(1, UnitKind::County, "清河县", None, vec![1]),
            unit(5, UnitKind::Township, "东山镇", Some(1), vec![1, 5]),
        ];
        let accounts = [
            account(1, "admin", "admin", Role::Admin, None),
            account(2, "li.wei", "李伟", Role::Officer, Some(5)),
            account(3, "wang", "王芳芳", Role::Organiser, Some(1)),
        ];
        let text = render_list(&accounts, &units, Lang::ZhCn);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(
            lines[2].contains("调查员") && lines[2].contains("临时密码"),
            "{text}"
        );
        assert!(lines[3].contains("已停用"), "{text}");
        assert!(lines[1].contains("全系统"), "{text}");
        assert!(lines[2].contains("东山镇"), "{text}");
        // the role column starts at the same display column on every row
        let column = |line: &str, word: &str| {
            let at = line.find(word).expect("word in line");
            crate::table::width(&line[..at])
        };
        assert_eq!(
            column(lines[2], "调查员"),
            column(lines[3], "组织人员"),
            "{text}"
        );
        assert!(render_list(&[], &[], Lang::En).contains("canvass account create"));
    }

    #[test]
    fn a_role_is_read_in_either_language_and_a_wrong_one_lists_the_valid_ones() {
        assert_eq!(parse_role("officer").unwrap(), Role::Officer);
        assert_eq!(parse_role("组织人员").unwrap(), Role::Organiser);
        assert_eq!(parse_role("Field officer").unwrap(), Role::Officer);
        let Err(e @ CliError::Usage(_)) = parse_role("mayor") else {
            panic!("a wrong role is refused");
        };
        assert_eq!(e.exit_code(), crate::error::EXIT_USAGE);
        let text = e.render(Lang::En);
        assert!(
            text.contains("mayor") && text.contains("officer (调查员)"),
            "{text}"
        );
    }

    #[test]
    fn a_temporary_password_is_shown_with_the_rule_that_it_must_be_changed() {
        let done = WithPassword {
            account: account(7, "li.wei", "李伟", Role::Officer, Some(5)),
            password: "k7mq-3xrd-pa2w".into(),
        };
        let en = render_created(&done, Lang::En);
        assert!(en.contains("k7mq-3xrd-pa2w") && en.contains("id 7"), "{en}");
        assert!(en.contains("next sign-in"), "{en}");
        let zh = render_password(&done, Lang::ZhCn);
        assert_eq!(zh.matches("k7mq-3xrd-pa2w").count(), 1, "{zh}");
    }
}
