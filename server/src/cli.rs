//! The `canvass-server` command line: settings, database, first-start admin, demo, serve;
//! backup and restore (`cli/backup.rs`); audit verify (`cli/audit.rs`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::bootstrap::{self, AdminBootstrap};
use crate::db;
use crate::demo;
use crate::settings::{self, LogFormat, Secret, Settings};
use crate::startup::Application;

mod admin;
mod audit;
mod backup;

/// canvass: anonymous satisfaction surveys and democratic appraisal for local government.
#[derive(Debug, Parser)]
#[command(name = "canvass-server", version, about)]
pub struct Cli {
    /// A TOML settings file (also `CANVASS_CONFIG`); environment variables override it.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Seed a demo county into an empty database (by default `canvass-demo.db`) and serve it.
    #[arg(long)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; serving is the default.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the web pages (the default).
    Serve,
    /// Same as `--demo`.
    Demo,
    /// Apply the database migrations and exit.
    Migrate,
    /// Copy the SQLite database to FILE, consistently, while the server may be serving from
    /// it. For PostgreSQL, prints the pg_dump command to use.
    Backup(backup::BackupArgs),
    /// Replace the SQLite database with the backup FILE; the server must be stopped. The
    /// replaced database is kept beside it. For PostgreSQL, prints the pg_restore command.
    Restore(backup::RestoreArgs),
    /// The audit log of organisers' and administrators' actions: `audit verify` checks its
    /// hash chain and names the first broken entry.
    Audit(audit::AuditArgs),
    /// Act on accounts without signing in: `admin reset-password USERNAME` prints a temporary
    /// password that must be changed at the next sign-in.
    Admin(admin::AdminArgs),
}

/// Runs the command line; returns the process exit code.
#[must_use]
pub fn run(cli: Cli) -> ExitCode {
    let env: Vec<(String, String)> = std::env::vars_os()
        .map(|(k, v)| (k.to_string_lossy().into(), v.to_string_lossy().into()))
        .collect();
    let mut settings = match Settings::load(cli.config.as_deref(), env.clone()) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    init_tracing(&settings.log, settings.log_format);
    for unknown in settings::unknown_env_vars(env.clone()) {
        tracing::warn!("{unknown}");
    }
    let demo = cli.demo || matches!(cli.command, Some(Command::Demo));
    if demo
        && !env.iter().any(|(k, _)| k == "CANVASS_DATABASE_URL")
        && settings.database_url == Settings::default().database_url
    {
        settings.database_url = "sqlite://canvass-demo.db".into();
    }
    match &cli.command {
        Some(Command::Backup(args)) => return backup::run_backup(&settings, args, &env),
        Some(Command::Restore(args)) => return backup::run_restore(&settings, args, &env),
        Some(Command::Audit(args)) => return audit::run(&settings, args, &env),
        _ => {}
    }
    let (pool, backend) = match db::open(settings.database_url.expose(), settings.db_pool_size) {
        Ok(opened) => opened,
        Err(e) => return fail(&e),
    };
    if matches!(cli.command, Some(Command::Migrate)) {
        println!("database migrated: {}", settings.database_url);
        return ExitCode::SUCCESS;
    }
    if let Some(Command::Admin(args)) = &cli.command {
        return admin::run(&pool, args, &env);
    }
    let mut conn = match pool.get() {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let admin = match bootstrap::ensure_admin(
        &mut conn,
        settings.admin_password.as_ref().map(Secret::expose),
    ) {
        Ok(a) => a,
        Err(e) => return fail(&e),
    };
    let seeded = if demo {
        match demo::seed(&mut conn) {
            Ok(seeded) => Some(seeded),
            Err(e) => return fail(&e),
        }
    } else {
        None
    };
    let (demo_survey, demo_round) = if demo {
        (
            db::surveys::list(&mut conn, None)
                .ok()
                .and_then(|rows| rows.last().map(|row| row.slug.clone())),
            db::rounds::rounds_in(&mut conn, None)
                .ok()
                .and_then(|rows| {
                    rows.iter()
                        .find(|r| r.status == "open")
                        .map(|r| r.slug.clone())
                }),
        )
    } else {
        (None, None)
    };
    drop(conn);
    let database = settings.database_url.to_string();
    let app = match Application::build(settings, pool, backend) {
        Ok(app) => app,
        Err(e) => return fail(&e),
    };
    print_banner(&app.state.public_url, &database, &admin, seeded.as_ref());
    if let Some(slug) = demo_survey {
        println!(
            "  Demo survey (open to the public): {}/s/{slug}",
            app.state.public_url
        );
    }
    if let Some(slug) = demo_round {
        println!(
            "  Demo appraisal ballot page:       {}/b/{slug}",
            app.state.public_url
        );
        if let Some(demo::Seeded::Now { ballot_codes }) = &seeded {
            println!(
                "    unused ballot codes (shown once): {}",
                ballot_codes.join("  ")
            );
        }
    }
    let system = actix_web::rt::System::new();
    match system.block_on(app.run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn print_banner(url: &str, database: &str, admin: &AdminBootstrap, seeded: Option<&demo::Seeded>) {
    println!("canvass {} serving on {url}", env!("CARGO_PKG_VERSION"));
    println!("  database: {database}");
    println!("  API:      {url}/api/v1   (OpenAPI: {url}/api/openapi.json, health: {url}/healthz)");
    println!("  Dashboards: {url}/login");
    match admin {
        AdminBootstrap::CreatedWithGeneratedPassword(password) => {
            println!();
            println!("  Created the administrator account:  admin / {password}");
            println!("  This password is shown only now. Keep it, or set CANVASS_ADMIN_PASSWORD before the first start.");
        }
        AdminBootstrap::CreatedWithConfiguredPassword => {
            println!("  Created the administrator account 'admin' with the password from CANVASS_ADMIN_PASSWORD.");
        }
        AdminBootstrap::Existing => {}
    }
    if let Some(seeded) = seeded {
        println!();
        println!(
            "  Demo county 清河县 {}. Demo logins (username / password, role, unit):",
            if matches!(seeded, demo::Seeded::Now { .. }) {
                "created"
            } else {
                "already present"
            }
        );
        if !matches!(admin, AdminBootstrap::CreatedWithGeneratedPassword(_)) {
            println!("    admin / (CANVASS_ADMIN_PASSWORD, or the password printed at the first start)  admin, whole installation");
        }
        for login in demo::DEMO_LOGINS {
            println!(
                "    {} / {}  {}, {}",
                login.username,
                login.password,
                login.role.as_str(),
                login.unit
            );
        }
        println!();
        println!("  Try: curl -s {url}/api/v1/auth/login -H 'Content-Type: application/json' -d '{{\"username\":\"organiser\",\"password\":\"organiser-demo\"}}'");
    }
}

/// Logs to standard error, as text or as one JSON object a line; what is logged is the same.
fn init_tracing(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        // an event's fields beside `timestamp`, `level`, `target` and `message`, no spans: one
        // flat object a line for a log collector
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .try_init(),
    };
}

fn fail(e: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("canvass-server: {e}");
    ExitCode::FAILURE
}
