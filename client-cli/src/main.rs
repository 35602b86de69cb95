//! The `canvass` command: the field officer's and organiser's client. Only the dispatch of the
//! command line lives here; the work is done by the `canvass_cli` library, and every word comes
//! from the message catalogue in the language of `--lang` or the locale.

use std::process::ExitCode;

use canvass_cli::command_line::{
    AccountCommand, Command, OfficialCommand, RoundCommand, SurveyCommand, UnitCommand,
};
use canvass_cli::dates::{parse_moment, DayBound};
use canvass_cli::session::{self, default_device_name, read_password_line};
use canvass_cli::survey_file::SurveyOptions;
use canvass_cli::{rounds, surveys};
use canvass_cli::{ApiClient, CliError, CredentialStore, SurveyAction, EXIT_FAILURE, EXIT_OK};
use canvass_protocol::forms::Lang;
use canvass_protocol::{msg, t};

fn main() -> ExitCode {
    let (cli, lang) = canvass_cli::command_line::parse(std::env::args_os().collect());
    let code = match run(cli.command, lang) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("canvass: {}", e.render(lang));
            e.exit_code()
        }
    };
    ExitCode::from(code)
}

fn run(command: Command, lang: Lang) -> Result<u8, CliError> {
    match command {
        Command::Ping { server } => {
            let health = ApiClient::new(&server)?.with_lang(lang).health()?;
            println!(
                "{}",
                t!(
                    lang,
                    "cli-ping",
                    server = server,
                    version = health.version.as_str(),
                    backend = health.backend.as_str(),
                    database = health.database.as_str()
                )
            );
            Ok(if health.database == "ok" {
                EXIT_OK
            } else {
                EXIT_FAILURE
            })
        }
        Command::Login {
            server,
            username,
            password_stdin,
            device_name,
        } => {
            let store = CredentialStore::from_env()?;
            let password = if password_stdin {
                read_password_line(std::io::stdin().lock())?
            } else {
                let prompt = t!(
                    lang,
                    "cli-login-password-prompt",
                    username = username.as_str(),
                    server = server.as_str()
                );
                rpassword::prompt_password(prompt).map_err(|e| {
                    CliError::Input(msg!("cli-login-no-terminal", reason = e.to_string()))
                })?
            };
            let device_name = device_name.unwrap_or_else(default_device_name);
            let outcome =
                session::login(&store, &server, &username, &password, &device_name, lang)?;
            println!("{}", outcome.render(lang));
            if let Some(warning) = outcome.warning(lang) {
                eprintln!("{warning}");
            }
            Ok(EXIT_OK)
        }
        Command::Logout => {
            let outcome = session::logout(&CredentialStore::from_env()?, lang)?;
            println!("{}", outcome.render(lang));
            if let Some(warning) = outcome.warning(lang) {
                eprintln!("{warning}");
            }
            Ok(outcome.exit_code())
        }
        Command::Whoami => {
            let found = session::whoami(&CredentialStore::from_env()?, lang)?;
            println!("{}", found.render(lang));
            if let Some(problem) = found.problem(lang) {
                eprintln!("{problem}");
            }
            Ok(found.exit_code())
        }
        Command::Survey(command) => survey(command, lang),
        Command::Round(command) => round(command, lang),
        Command::Unit(UnitCommand::List) => {
            let store = CredentialStore::from_env()?;
            let units = canvass_cli::units::list(&store, lang)?;
            println!("{}", canvass_cli::units::render_list(&units, lang));
            Ok(EXIT_OK)
        }
        Command::Unit(UnitCommand::Add {
            name,
            kind,
            parent,
            window,
        }) => {
            let store = CredentialStore::from_env()?;
            let unit = canvass_cli::units::add(&store, &name, &kind, parent, window, lang)?;
            println!("{}", canvass_cli::units::render_added(&unit, lang));
            Ok(EXIT_OK)
        }
        Command::Unit(UnitCommand::Import { file, yes }) => {
            sheet_import(canvass_cli::api::SheetKind::Units, &file, yes, lang)
        }
        Command::Official(OfficialCommand::Import { file, yes }) => {
            sheet_import(canvass_cli::api::SheetKind::Officials, &file, yes, lang)
        }
        Command::Account(command) => account(command, lang),
        command => field(command, lang),
    }
}

/// `canvass account ...`: the accounts of the subtree, through the same API as the console.
fn account(command: AccountCommand, lang: Lang) -> Result<u8, CliError> {
    use canvass_cli::accounts;
    let store = CredentialStore::from_env()?;
    let text = match command {
        AccountCommand::List => {
            let (list, units) = accounts::list(&store, lang)?;
            accounts::render_list(&list, &units, lang)
        }
        AccountCommand::Create {
            username,
            role,
            unit,
            name,
        } => {
            let created = accounts::create(&store, &username, &role, unit, name.as_deref(), lang)?;
            accounts::render_created(&created, lang)
        }
        AccountCommand::Disable { account } => {
            accounts::render_disabled(&accounts::set_disabled(&store, &account, true, lang)?, lang)
        }
        AccountCommand::Enable { account } => accounts::render_disabled(
            &accounts::set_disabled(&store, &account, false, lang)?,
            lang,
        ),
        AccountCommand::ResetPassword { account } => {
            accounts::render_password(&accounts::reset_password(&store, &account, lang)?, lang)
        }
    };
    println!("{text}");
    Ok(EXIT_OK)
}

/// The field officer's offline commands.
fn field(command: Command, lang: Lang) -> Result<u8, CliError> {
    use canvass_cli::prompt::Prompter;
    use canvass_cli::store::LocalStore;
    use canvass_cli::{attention, collect, import, status, sync, tally};

    let mut store = LocalStore::from_env()?;
    let stdin = std::io::stdin();
    let prompter = || Prompter::new(stdin.lock(), std::io::stdout(), lang);
    match command {
        Command::Pull => {
            let (client, _) = session::signed_in(&CredentialStore::from_env()?, lang)?;
            println!("{}", sync::pull(&mut store, &client)?.render(lang));
            // where to go next; a server without coverage leaves the pull done all the same
            match sync::pull_coverage(&mut store, &client) {
                Ok(coverage) => {
                    let manifest = store.manifest()?.map(|c| c.manifest);
                    let text =
                        canvass_cli::coverage::render_fewest(&coverage, manifest.as_ref(), lang);
                    if !text.is_empty() {
                        println!("\n{text}");
                    }
                }
                Err(e) => eprintln!(
                    "{}",
                    t!(lang, "cli-coverage-unavailable", reason = e.render(lang))
                ),
            }
            Ok(EXIT_OK)
        }
        Command::Collect {
            survey,
            target,
            village,
        } => {
            let options = collect::CollectOptions {
                survey,
                target,
                village,
            };
            let summary = collect::collect(&mut store, &options, &mut prompter())?;
            println!(
                "{}",
                t!(lang, "cli-collect-done", count = summary.saved.len())
            );
            Ok(EXIT_OK)
        }
        Command::Tally {
            round,
            station,
            group,
            file,
        } => {
            let options = tally::TallyOptions {
                round,
                station,
                group,
                file,
            };
            Ok(match tally::tally(&mut store, &options, &mut prompter())? {
                tally::TallySaved::Saved { .. } => EXIT_OK,
                tally::TallySaved::Stopped => EXIT_FAILURE,
            })
        }
        Command::Import {
            file,
            survey,
            again,
        } => {
            let path = file.display().to_string();
            match import::import(&mut store, &file, survey.as_deref(), again, lang)? {
                import::ImportOutcome::Imported(ids) => {
                    println!(
                        "{}",
                        t!(
                            lang,
                            "cli-import-done",
                            count = ids.len(),
                            path = path.as_str()
                        )
                    );
                    for (label, n) in import::count_by_survey(&store, &ids, lang) {
                        println!("  {label}: {n}");
                    }
                    Ok(EXIT_OK)
                }
                import::ImportOutcome::Refused(errors) => {
                    for e in &errors {
                        eprintln!("{path}: {}", e.render(lang));
                    }
                    let lines: std::collections::BTreeSet<u64> =
                        errors.iter().map(|e| e.line).collect();
                    eprintln!(
                        "canvass: {}",
                        t!(
                            lang,
                            "cli-import-refused",
                            path = path.as_str(),
                            lines = lines.len()
                        )
                    );
                    Ok(EXIT_FAILURE)
                }
            }
        }
        Command::Status => {
            println!("{}", status::status(&store)?.render(lang));
            Ok(EXIT_OK)
        }
        Command::Push { keep, batch_items } => {
            let batch_items = match batch_items {
                None => sync::DEFAULT_BATCH_ITEMS,
                Some(text) => parse_batch_items(&text)?,
            };
            let (client, _) = session::signed_in(&CredentialStore::from_env()?, lang)?;
            let options = sync::PushOptions {
                keep,
                batch_items,
                retry: sync::RetryPolicy::from_env(),
                lang,
                ..sync::PushOptions::default()
            };
            let mut progress = sync::ConsoleProgress::new(lang);
            let report = sync::push(
                &mut store,
                &client,
                options,
                &mut progress,
                &mut std::thread::sleep,
            );
            println!("{}", report.render(lang));
            let code = report.exit_code();
            match report.error {
                Some(e) => Err(e),
                None => Ok(code),
            }
        }
        Command::Fix { item } => match attention::fix(&mut store, item, &mut prompter())? {
            attention::Fixed::Queued => {
                println!("{}", t!(lang, "cli-fix-queued", id = item));
                Ok(EXIT_OK)
            }
            attention::Fixed::Stopped => {
                println!("{}", t!(lang, "cli-fix-stopped", id = item));
                Ok(EXIT_FAILURE)
            }
        },
        Command::Discard { item, yes } => {
            if attention::discard(&mut store, item, yes, &mut prompter())? {
                println!("{}", t!(lang, "cli-discard-done", id = item));
                Ok(EXIT_OK)
            } else {
                println!("{}", t!(lang, "cli-discard-kept", id = item));
                Ok(EXIT_FAILURE)
            }
        }
        Command::Ping { .. }
        | Command::Login { .. }
        | Command::Logout
        | Command::Whoami
        | Command::Survey(_)
        | Command::Round(_)
        | Command::Unit(_)
        | Command::Official(_)
        | Command::Account(_) => {
            unreachable!("handled in run")
        }
    }
}

/// `canvass unit import` and `canvass official import`: the preview, then the import once the
/// file is clean and confirmed.
fn sheet_import(
    kind: canvass_cli::api::SheetKind,
    file: &std::path::Path,
    yes: bool,
    lang: Lang,
) -> Result<u8, CliError> {
    use canvass_cli::prompt::Prompter;
    use canvass_cli::sheet_import::{import, Imported};
    let store = CredentialStore::from_env()?;
    let stdin = std::io::stdin();
    let mut prompter = Prompter::new(stdin.lock(), std::io::stdout(), lang);
    let path = file.display().to_string();
    match import(&store, kind, file, yes, &mut prompter)? {
        Imported::Stored(report) => {
            println!(
                "{}",
                t!(
                    lang,
                    "cli-sheet-done",
                    path = path.as_str(),
                    created = report.created,
                    updated = report.updated,
                    unchanged = report.unchanged
                )
            );
            Ok(EXIT_OK)
        }
        Imported::Refused(report) => {
            let why = if report.rows.is_empty() && report.problems.is_empty() {
                t!(lang, "cli-sheet-empty", path = path.as_str())
            } else {
                t!(lang, "cli-sheet-refused", path = path.as_str())
            };
            eprintln!("canvass: {why}");
            Ok(EXIT_FAILURE)
        }
        Imported::Declined => {
            println!("{}", t!(lang, "cli-sheet-declined"));
            Ok(EXIT_FAILURE)
        }
    }
}

/// `--batch-items`: 1 to the protocol's limit.
fn parse_batch_items(text: &str) -> Result<usize, CliError> {
    let max = canvass_protocol::sync::MAX_BATCH_ITEMS;
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(CliError::Usage(msg!(
            "cli-error-batch-items",
            given = text,
            max = max
        ))),
    }
}

/// `--opens` or `--closes`: a day or an RFC 3339 time.
fn parse_when(text: Option<String>, bound: DayBound, lang: Lang) -> Result<Option<i64>, CliError> {
    text.map(|text| {
        parse_moment(&text, bound).map_err(|e| {
            CliError::Usage(msg!(
                "cli-error-flag-value",
                flag = match bound {
                    DayBound::Start => "--opens",
                    DayBound::End => "--closes",
                },
                problem = e.render(lang)
            ))
        })
    })
    .transpose()
}

fn round(command: RoundCommand, lang: Lang) -> Result<u8, CliError> {
    use rounds::{Done, RoundAction};
    let store = CredentialStore::from_env()?;
    let (round, done) = match command {
        RoundCommand::List => {
            println!(
                "{}",
                rounds::render_list(&rounds::list(&store, lang)?, lang)
            );
            return Ok(EXIT_OK);
        }
        RoundCommand::Create { file, unit } => {
            (rounds::create(&store, &file, unit, lang)?, Done::Created)
        }
        RoundCommand::Open { id } => (
            rounds::act(&store, id, RoundAction::Open, lang)?,
            Done::Opened,
        ),
        RoundCommand::Close { id } => (
            rounds::act(&store, id, RoundAction::Close, lang)?,
            Done::Closed,
        ),
        RoundCommand::Publish { id } => (
            rounds::act(&store, id, RoundAction::Publish, lang)?,
            Done::Published,
        ),
        RoundCommand::Codes {
            id,
            group,
            count,
            slips,
        } => {
            match rounds::codes(&store, id, &group, count, slips.as_deref(), lang)? {
                Some(generated) => {
                    eprintln!(
                        "{}",
                        t!(
                            lang,
                            "cli-codes-shown-once",
                            count = generated.codes.len(),
                            group = generated.elector_group.as_str(),
                            url = generated.ballot_url.as_str()
                        )
                    );
                    for code in generated.codes {
                        println!("{code}");
                    }
                }
                None => {
                    let path = slips.unwrap_or_default();
                    println!(
                        "{}",
                        t!(
                            lang,
                            "cli-codes-slips-written",
                            count = count,
                            group = group,
                            path = path.display().to_string()
                        )
                    );
                }
            }
            return Ok(EXIT_OK);
        }
    };
    println!("{}", rounds::render_round(&round, done, lang));
    Ok(EXIT_OK)
}

fn survey(command: SurveyCommand, lang: Lang) -> Result<u8, CliError> {
    use surveys::Done;
    let store = CredentialStore::from_env()?;
    let (survey, done) = match command {
        SurveyCommand::List => {
            println!(
                "{}",
                surveys::render_list(&surveys::list(&store, lang)?, lang)
            );
            return Ok(EXIT_OK);
        }
        SurveyCommand::Create {
            file,
            targets,
            unit,
            min_group_size,
            opens,
            closes,
        } => {
            let options = SurveyOptions {
                targets,
                unit_id: unit,
                min_group_size,
                opens_at: parse_when(opens, DayBound::Start, lang)?,
                closes_at: parse_when(closes, DayBound::End, lang)?,
            };
            let (survey, warnings) = surveys::create(&store, &file, &options, lang)?;
            for warning in &warnings {
                eprintln!("{}", warning.render(lang));
            }
            (survey, Done::Created)
        }
        SurveyCommand::ImportXlsform {
            file,
            targets,
            unit,
            min_group_size,
            opens,
            closes,
        } => {
            let options = SurveyOptions {
                targets,
                unit_id: unit,
                min_group_size,
                opens_at: parse_when(opens, DayBound::Start, lang)?,
                closes_at: parse_when(closes, DayBound::End, lang)?,
            };
            let (survey, warnings) = surveys::import_xlsform(&store, &file, &options, lang)?;
            for warning in &warnings {
                eprintln!("{}", warning.render(lang));
            }
            (survey, Done::Created)
        }
        SurveyCommand::ExportXlsform {
            id,
            version,
            output,
        } => {
            let (path, version) = surveys::export_xlsform(&store, id, version, output, lang)?;
            println!(
                "{}",
                t!(
                    lang,
                    "cli-survey-xlsform-written",
                    id = id,
                    version = version,
                    path = path.display().to_string()
                )
            );
            return Ok(EXIT_OK);
        }
        SurveyCommand::Publish { id } => (
            surveys::act(&store, id, SurveyAction::Publish, lang)?,
            Done::Published,
        ),
        SurveyCommand::Close { id } => (
            surveys::act(&store, id, SurveyAction::Close, lang)?,
            Done::Closed,
        ),
        SurveyCommand::Open { id } => (
            surveys::act(&store, id, SurveyAction::Open, lang)?,
            Done::Opened,
        ),
    };
    println!("{}", surveys::render_survey(&survey, done, lang));
    Ok(EXIT_OK)
}
