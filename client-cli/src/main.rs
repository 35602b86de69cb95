//! The `canvass` command: the field officer's and organiser's client. Only the command line
//! lives here; the work is done by the `canvass_cli` library.

use std::path::PathBuf;
use std::process::ExitCode;

use canvass_cli::dates::{parse_moment, DayBound};
use canvass_cli::session::{self, default_device_name, read_password_line};
use canvass_cli::survey_file::SurveyOptions;
use canvass_cli::surveys;
use canvass_cli::{ApiClient, CliError, CredentialStore, SurveyAction, EXIT_FAILURE, EXIT_OK};
use canvass_protocol::forms::Lang;
use clap::{Parser, Subcommand};

/// canvass client: sign in, manage surveys; cache forms, collect answers offline and upload
/// them exactly once.
///
/// Exit codes: 0 done, 1 failed, 2 wrong command line.
#[derive(Debug, Parser)]
#[command(name = "canvass", version, about)]
struct Cli {
    /// The language of everything canvass says: zh or en [default: from LC_ALL, LC_MESSAGES or
    /// LANG; English when it starts with en, Simplified Chinese otherwise].
    #[arg(long, global = true, value_parser = canvass_cli::prompt::parse_lang)]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check that a server is reachable and its database is up.
    Ping {
        /// The server's address, e.g. http://127.0.0.1:8080
        #[arg(long, env = "CANVASS_SERVER")]
        server: String,
    },
    /// Sign this computer in: get a device token and keep it in your configuration directory.
    Login {
        /// The server's address, e.g. https://canvass.example.gov.cn
        #[arg(long, env = "CANVASS_SERVER")]
        server: String,
        /// Your account name.
        #[arg(long)]
        username: String,
        /// Read the password from the first line of standard input instead of asking for it
        /// (for scripts).
        #[arg(long)]
        password_stdin: bool,
        /// How this computer appears in your account's device list [default: canvass-cli on
        /// <hostname>].
        #[arg(long)]
        device_name: Option<String>,
    },
    /// Sign this computer out: revoke its device token on the server and delete it here.
    Logout,
    /// Show who is signed in on this computer, where, and whether the server still accepts it.
    Whoami,
    /// Manage satisfaction surveys (organisers).
    #[command(subcommand)]
    Survey(SurveyCommand),
    /// Manage democratic-appraisal rounds (organisers): create, open, close, publish, codes.
    #[command(subcommand)]
    Round(RoundCommand),
    /// Fetch the forms, rounds, units and officials open for your units and keep them on this
    /// computer for offline work.
    Pull,
    /// Interview respondents in the terminal, offline, one answer set after another; each is
    /// saved on this computer as soon as it is complete. Type ? at a question for help, < to go
    /// back, !q to stop.
    Collect {
        /// The survey id or its public slug (see `canvass status` or `canvass pull`).
        survey: String,
        /// The unit rated, by id or exact name, for every respondent of this session.
        #[arg(long, value_name = "UNIT")]
        target: Option<String>,
        /// The respondents' village or community, by id or exact name.
        #[arg(long, value_name = "UNIT")]
        village: Option<String>,
    },
    /// Enter a paper tally sheet of one polling station; the counts are checked on the spot.
    Tally {
        /// The appraisal round id.
        round: String,
        /// The polling station, as named at the meeting (e.g. 第一会场).
        #[arg(long, value_name = "NAME")]
        station: Option<String>,
        /// The elector group id [asked when the round has several].
        #[arg(long, value_name = "GROUP")]
        group: Option<String>,
        /// Read the whole sheet from a JSON file instead of asking (docs/cli.md).
        #[arg(long, value_name = "SHEET.json")]
        file: Option<PathBuf>,
    },
    /// Queue answers typed up from paper forms (CSV, one row per form; docs/cli.md). Every bad
    /// row is reported with its line; if any row is bad, nothing is queued.
    Import {
        /// The CSV file (UTF-8).
        file: PathBuf,
        /// The survey of every row (id or slug); otherwise the file has a `survey` column.
        #[arg(long)]
        survey: Option<String>,
        /// Import a file whose content was imported before.
        #[arg(long)]
        again: bool,
    },
    /// Show what is queued, what was sent, and what the server refused and why.
    Status,
    /// Send the queued answers and tally sheets to the server, in batches, exactly once.
    Push {
        /// Keep the answers on this computer after the server stored them.
        #[arg(long)]
        keep: bool,
        /// Items per batch (1 to 1000).
        #[arg(long, value_name = "N", default_value_t = canvass_cli::sync::DEFAULT_BATCH_ITEMS,
              value_parser = parse_batch_items)]
        batch_items: usize,
    },
    /// Correct an item the server refused (the interview or tally entry again, with its
    /// previous values as defaults) and queue it again.
    Fix {
        /// The item id (see `canvass status`).
        item: i64,
    },
    /// Delete an item from this computer (after asking, unless --yes).
    Discard {
        /// The item id (see `canvass status`).
        item: i64,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
enum RoundCommand {
    /// List the rounds of your units.
    List,
    /// Create a draft round from FILE: a round definition (docs/rounds.md) or
    /// {"definition": ..., "unit_id": ...}. The file is checked first; nothing is sent if it has
    /// a problem.
    Create {
        /// The round definition or round file (JSON).
        file: PathBuf,
        /// The unit that runs the round [default: the file's, else your account's unit].
        #[arg(long = "unit", value_name = "UNIT_ID")]
        unit: Option<i64>,
    },
    /// Open round ID for voting (from a draft, or again after closing).
    Open { id: i64 },
    /// End voting in round ID; tally sheets may still be entered.
    Close { id: i64 },
    /// Publish the results of closed round ID: final, and visible to leaders.
    Publish { id: i64 },
    /// Generate one-time ballot codes for an elector group. They are shown this once: the
    /// server keeps only their hashes.
    Codes {
        id: i64,
        /// The elector group, as its id in the round definition.
        #[arg(long)]
        group: String,
        /// How many codes (1 to 2,000).
        #[arg(long)]
        count: u32,
        /// Write printable A4 slips (code, QR code of the ballot page, the anonymity promise)
        /// to this HTML file instead of listing the codes.
        #[arg(long, value_name = "FILE.html")]
        slips: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum SurveyCommand {
    /// List the surveys of your units.
    List,
    /// Create a draft survey from FILE: a form definition (docs/forms.md) or a survey file with
    /// "definition", "targets", ... at its top level. The file is checked first; nothing is
    /// sent if it has a problem.
    Create {
        /// The form definition or survey file (JSON).
        file: PathBuf,
        /// A unit the survey rates; repeat for several. Required for a bare form definition;
        /// replaces the file's "targets".
        #[arg(long = "target", value_name = "UNIT_ID")]
        targets: Vec<i64>,
        /// The unit that owns the survey [default: your account's unit].
        #[arg(long = "unit", value_name = "UNIT_ID")]
        unit: Option<i64>,
        /// Smallest group whose figures are shown (at least 5).
        #[arg(long, value_name = "N")]
        min_group_size: Option<u32>,
        /// When answering opens: YYYY-MM-DD (00:00 China Standard Time) or an RFC 3339 time.
        #[arg(long, value_name = "WHEN", value_parser = parse_opens)]
        opens: Option<i64>,
        /// When answering closes: YYYY-MM-DD (at the end of that day, China Standard Time) or
        /// an RFC 3339 time.
        #[arg(long, value_name = "WHEN", value_parser = parse_closes)]
        closes: Option<i64>,
    },
    /// Publish the draft version of survey ID; a draft survey opens for answers.
    Publish {
        /// The survey id (see `canvass survey list`).
        id: i64,
    },
    /// Close survey ID: no more answers are accepted.
    Close {
        /// The survey id.
        id: i64,
    },
    /// Reopen survey ID after it was closed.
    Open {
        /// The survey id.
        id: i64,
    },
}

fn parse_batch_items(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=canvass_protocol::sync::MAX_BATCH_ITEMS).contains(&n) => Ok(n),
        _ => Err(format!(
            "a batch holds 1 to {} items",
            canvass_protocol::sync::MAX_BATCH_ITEMS
        )),
    }
}

fn parse_opens(s: &str) -> Result<i64, canvass_cli::dates::DateError> {
    parse_moment(s, DayBound::Start)
}

fn parse_closes(s: &str) -> Result<i64, canvass_cli::dates::DateError> {
    parse_moment(s, DayBound::End)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = canvass_cli::prompt::pick_lang(cli.lang.as_deref());
    let code = match run(cli.command, lang) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("canvass: {e}");
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
                "{server}: canvass {} on {}, database {}",
                health.version, health.backend, health.database
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
                let prompt = format!("Password for {username} at {server}: ");
                rpassword::prompt_password(prompt).map_err(|e| {
                    CliError::Input(format!(
                        "cannot ask for the password ({e}): there is no terminal. Pass it on \
                         standard input with --password-stdin."
                    ))
                })?
            };
            let device_name = device_name.unwrap_or_else(default_device_name);
            let outcome =
                session::login(&store, &server, &username, &password, &device_name, lang)?;
            println!("{outcome}");
            if let Some(warning) = outcome.warning() {
                eprintln!("{warning}");
            }
            Ok(EXIT_OK)
        }
        Command::Logout => {
            let outcome = session::logout(&CredentialStore::from_env()?, lang)?;
            println!("{outcome}");
            if let Some(warning) = outcome.warning() {
                eprintln!("{warning}");
            }
            Ok(outcome.exit_code())
        }
        Command::Whoami => {
            let found = session::whoami(&CredentialStore::from_env()?, lang)?;
            println!("{found}");
            if let Some(problem) = found.problem() {
                eprintln!("{problem}");
            }
            Ok(found.exit_code())
        }
        Command::Survey(command) => survey(command, lang),
        Command::Round(command) => round(command, lang),
        command => field(command, lang),
    }
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
            println!("{}", sync::pull(&mut store, &client)?);
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
            let mut p = prompter();
            let summary = collect::collect(&mut store, &options, &mut p)?;
            println!(
                "{} answer set(s) saved in this session. Run `canvass push` when you have \
                 network.",
                summary.saved.len()
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
            let mut p = prompter();
            Ok(match tally::tally(&mut store, &options, &mut p)? {
                tally::TallySaved::Saved { .. } => EXIT_OK,
                tally::TallySaved::Stopped => EXIT_FAILURE,
            })
        }
        Command::Import {
            file,
            survey,
            again,
        } => match import::import(&mut store, &file, survey.as_deref(), again)? {
            import::ImportOutcome::Imported(ids) => {
                println!(
                    "Imported {} paper answer set(s) from {}; they are queued for `canvass push`.",
                    ids.len(),
                    file.display()
                );
                for (label, n) in import::count_by_survey(&store, &ids) {
                    println!("  {label}: {n}");
                }
                Ok(EXIT_OK)
            }
            import::ImportOutcome::Refused(errors) => {
                for e in &errors {
                    eprintln!("{}: {e}", file.display());
                }
                let lines: std::collections::BTreeSet<u64> =
                    errors.iter().map(|e| e.line).collect();
                eprintln!(
                    "canvass: {} has problems on {} line(s); nothing was imported. Correct them \
                     and import the whole file again.",
                    file.display(),
                    lines.len()
                );
                Ok(EXIT_FAILURE)
            }
        },
        Command::Status => {
            let status = status::status(&store)?;
            println!("{status}");
            Ok(EXIT_OK)
        }
        Command::Push { keep, batch_items } => {
            let (client, _) = session::signed_in(&CredentialStore::from_env()?, lang)?;
            let options = sync::PushOptions {
                keep,
                batch_items,
                retry: sync::RetryPolicy::from_env(),
                ..sync::PushOptions::default()
            };
            let mut progress = sync::ConsoleProgress::new();
            let report = sync::push(
                &mut store,
                &client,
                options,
                &mut progress,
                &mut std::thread::sleep,
            );
            println!("{report}");
            match report.error {
                Some(e) => Err(e),
                None => Ok(EXIT_OK),
            }
        }
        Command::Fix { item } => {
            let mut p = prompter();
            match attention::fix(&mut store, item, &mut p)? {
                attention::Fixed::Queued => {
                    println!("Item {item} is corrected and queued again; run `canvass push`.");
                    Ok(EXIT_OK)
                }
                attention::Fixed::Stopped => {
                    println!("Item {item} was not changed; it still needs attention.");
                    Ok(EXIT_FAILURE)
                }
            }
        }
        Command::Discard { item, yes } => {
            let mut p = prompter();
            if attention::discard(&mut store, item, yes, &mut p)? {
                println!("Item {item} is discarded.");
                Ok(EXIT_OK)
            } else {
                println!("Item {item} was kept.");
                Ok(EXIT_FAILURE)
            }
        }
        Command::Ping { .. }
        | Command::Login { .. }
        | Command::Logout
        | Command::Whoami
        | Command::Survey(_)
        | Command::Round(_) => {
            unreachable!("handled in run")
        }
    }
}

fn round(command: RoundCommand, lang: Lang) -> Result<u8, CliError> {
    use canvass_cli::rounds::{self, RoundAction};
    let store = CredentialStore::from_env()?;
    let (round, done) = match command {
        RoundCommand::List => {
            println!("{}", rounds::render_list(&rounds::list(&store, lang)?));
            return Ok(EXIT_OK);
        }
        RoundCommand::Create { file, unit } => {
            (rounds::create(&store, &file, unit, lang)?, "Created")
        }
        RoundCommand::Open { id } => (rounds::act(&store, id, RoundAction::Open, lang)?, "Opened"),
        RoundCommand::Close { id } => {
            (rounds::act(&store, id, RoundAction::Close, lang)?, "Closed")
        }
        RoundCommand::Publish { id } => (
            rounds::act(&store, id, RoundAction::Publish, lang)?,
            "Published",
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
                        "{} code(s) for elector group {}; they are shown this once. Ballot page: {}",
                        generated.codes.len(),
                        generated.elector_group,
                        generated.ballot_url
                    );
                    for code in generated.codes {
                        println!("{code}");
                    }
                }
                None => {
                    let path = slips.unwrap_or_default();
                    println!(
                        "{count} slip(s) for elector group {group} written to {} (readable by you only). \
                         Print it, cut the slips, shuffle them and hand them out; the codes cannot be shown again.",
                        path.display()
                    );
                }
            }
            return Ok(EXIT_OK);
        }
    };
    println!("{}", rounds::render_round(&round, done));
    Ok(EXIT_OK)
}

fn survey(command: SurveyCommand, lang: Lang) -> Result<u8, CliError> {
    let store = CredentialStore::from_env()?;
    let (survey, done) = match command {
        SurveyCommand::List => {
            println!("{}", surveys::render_list(&surveys::list(&store, lang)?));
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
                opens_at: opens,
                closes_at: closes,
            };
            (surveys::create(&store, &file, &options, lang)?, "Created")
        }
        SurveyCommand::Publish { id } => (
            surveys::act(&store, id, SurveyAction::Publish, lang)?,
            "Published",
        ),
        SurveyCommand::Close { id } => (
            surveys::act(&store, id, SurveyAction::Close, lang)?,
            "Closed",
        ),
        SurveyCommand::Open { id } => (
            surveys::act(&store, id, SurveyAction::Open, lang)?,
            "Opened",
        ),
    };
    println!("{}", surveys::render_survey(&survey, done));
    Ok(EXIT_OK)
}
