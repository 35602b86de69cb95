use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use canvass_protocol::rounds::RoundReport;
use canvass_protocol::surveys::SurveyResults;
use canvass_tests::binaries::{run_server_to_exit, ServerProcess};
use canvass_tests::fixtures::{
    ballot_codes, county, open_round, open_window_survey, survey_slug, window_answers, County,
    ORGANISER_PASSWORD,
};
use canvass_tests::{inspect, Api, TestDb};
use serde_json::json;

const ADMIN_PASSWORD: &str = "backup-admin-password";

/// A SQLite database in a directory of its own, and the environment naming it.
struct Place {
    dir: tempfile::TempDir,
    url: String,
}

impl Place {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("canvass.db").display());
        Self { dir, url }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn serve(&self) -> ServerProcess {
        ServerProcess::start(
            &[],
            &[
                ("CANVASS_DATABASE_URL", &self.url),
                ("CANVASS_ADMIN_PASSWORD", ADMIN_PASSWORD),
                ("CANVASS_SUBMISSIONS_PER_MINUTE", "0"),
            ],
            self.dir.path(),
        )
    }

    /// Runs `canvass-server ARGS` on this database with the locale `locale`; exit success,
    /// standard output and standard error.
    fn run(&self, args: &[&str], locale: &str) -> (bool, String, String) {
        run_server_to_exit(
            args,
            &[("CANVASS_DATABASE_URL", &self.url), ("LC_ALL", locale)],
            self.dir.path(),
        )
    }

    /// The names in the directory with each file's bytes, to show that nothing changed.
    fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|entry| {
                let entry = entry.unwrap();
                let bytes = std::fs::read(entry.path()).unwrap();
                (entry.file_name().to_string_lossy().into_owned(), bytes)
            })
            .collect();
        files.sort();
        files
    }
}

const EN: &str = "en_US.UTF-8";
const ZH: &str = "zh_CN.UTF-8";

/// The figure after `label` in a line of the command's output (`answers: 12`).
fn count(output: &str, label: &str) -> u32 {
    let rest = output
        .split(label)
        .nth(1)
        .unwrap_or_else(|| panic!("no {label} in {output}"));
    rest.trim_start()
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no number after {label} in {output}"))
}

fn submit(api: &Api, slug: &str, target: i64, overall: &str) -> u16 {
    api.call(
        "POST",
        &format!("/api/v1/public/surveys/{slug}/responses"),
        None,
        Some(&json!({"version": 1, "target_unit_id": target, "answers": window_answers(overall)})),
    )
    .0
}

/// An open round of 东山镇 with `ballots` cast; its id.
fn round_with_ballots(api: &Api, county: &County, ballots: u32) -> i64 {
    let round = open_round(api, county);
    let grades = ["excellent", "competent", "basically_competent", "competent"];
    let codes = ballot_codes(api, county, round.id, "cadres", ballots);
    for (code, grade) in codes.iter().zip(grades.iter().cycle()) {
        let marks = json!([
            {"subject": {"official": round.officials[0]}, "grade": grade},
            {"subject": {"official": round.officials[1]}, "grade": "competent"},
            {"subject": "team", "grade": "good"}
        ]);
        let (status, body) = api.call(
            "POST",
            &format!("/api/v1/public/rounds/{}/ballots", round.slug),
            None,
            Some(&json!({"code": code, "ballot": {"elector_group": "", "marks": marks}})),
        );
        assert_eq!(status, 201, "{body}");
    }
    round.id
}

fn survey_results(api: &Api, token: &str, id: i64) -> SurveyResults {
    let (status, body) = api.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(token),
        None,
    );
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body).unwrap()
}

/// The round's results, its ballot page's address without the server's (each server listens
/// on a port of its own).
fn round_report(api: &Api, token: &str, id: i64) -> RoundReport {
    let (status, body) = api.call(
        "GET",
        &format!("/api/v1/rounds/{id}/results"),
        Some(token),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let mut report: RoundReport = serde_json::from_value(body).unwrap();
    report.round.ballot_url = report
        .round
        .ballot_url
        .strip_prefix(&api.address)
        .unwrap_or_else(|| panic!("{} is not on {}", report.round.ballot_url, api.address))
        .to_string();
    report
}

/// How many answers of `results` rated the question `overall`, over every option.
fn overall_answers(results: &SurveyResults) -> f64 {
    results
        .targets
        .iter()
        .flat_map(|t| &t.questions)
        .filter(|q| q.id == "overall")
        .flat_map(|q| &q.options)
        .map(|o| o.count.value.unwrap_or_default())
        .sum()
}

/// What the restore tests compare: a survey with 14 answers and a round with 7 ballots, which
/// nothing changes once filled.
struct Filled {
    county: County,
    survey: i64,
    round: i64,
}

fn fill(api: &Api) -> Filled {
    let admin = api.login("admin", ADMIN_PASSWORD);
    let county = county(api, &admin);
    let survey = open_window_survey(api, &county);
    let slug = survey_slug(api, &county.organiser, survey);
    let ratings = [
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
        "dont_know",
    ];
    for (i, overall) in ratings.iter().cycle().take(14).enumerate() {
        let target = county.departments[i % 2];
        assert_eq!(submit(api, &slug, target, overall), 201);
    }
    let round = round_with_ballots(api, &county, 7);
    Filled {
        county,
        survey,
        round,
    }
}

#[test]
fn a_backup_made_while_answers_arrive_restores_to_the_same_results() {
    let place = Place::new();
    let server = place.serve();
    let api = Api::new(&server.url);
    let Filled {
        county,
        survey,
        round,
    } = fill(&api);
    // the survey whose answers keep arriving while the backup is made
    let busy = open_window_survey(&api, &county);
    let busy_slug = survey_slug(&api, &county.organiser, busy);

    let stop = AtomicBool::new(false);
    let stored = AtomicUsize::new(0);
    let (backup_ok, stdout, stderr, during) = std::thread::scope(|scope| {
        scope.spawn(|| {
            let api = Api::new(&server.url);
            while !stop.load(Ordering::Relaxed) {
                assert_eq!(
                    submit(&api, &busy_slug, county.departments[0], "satisfied"),
                    201
                );
                stored.fetch_add(1, Ordering::Relaxed);
            }
        });
        while stored.load(Ordering::Relaxed) < 20 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let before = stored.load(Ordering::Relaxed);
        let (ok, stdout, stderr) = place.run(&["backup", "backup.db"], EN);
        let during = stored.load(Ordering::Relaxed) - before;
        while stored.load(Ordering::Relaxed) < before + during + 20 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        stop.store(true, Ordering::Relaxed);
        (ok, stdout, stderr, during)
    });
    assert!(backup_ok, "{stdout}{stderr}");
    assert!(during > 0, "no answer arrived while the backup was made");
    assert!(
        stdout.starts_with("Backup written: backup.db ("),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("from the database {}", place.url)),
        "{stdout}"
    );
    assert!(stdout.contains("schema version: 20"), "{stdout}");
    assert!(
        stdout.contains("keep it as safe as the database"),
        "{stdout}"
    );
    let busy_in_backup = count(&stdout, "answers:") - 14;
    assert!(busy_in_backup >= 20, "{stdout}");
    assert!(
        (busy_in_backup as usize) < stored.load(Ordering::Relaxed),
        "{stdout}"
    );
    assert_eq!(count(&stdout, "electronic ballots:"), 7, "{stdout}");
    assert_eq!(count(&stdout, "surveys:"), 2, "{stdout}");
    assert_eq!(count(&stdout, "rounds:"), 1, "{stdout}");
    assert!(!place.path("backup.db-wal").exists());

    let organiser = api.login("organiser", ORGANISER_PASSWORD);
    let survey_then = survey_results(&api, &organiser, survey);
    let round_then = round_report(&api, &organiser, round);
    let answers_at_stop = survey_results(&api, &organiser, busy).total_responses.value;
    drop(server);

    // restored into a new place, in Chinese
    let elsewhere = Place::new();
    let backup = place.path("backup.db");
    let (ok, out, err) = elsewhere.run(&["restore", backup.to_str().unwrap()], ZH);
    assert!(ok, "{out}{err}");
    assert!(out.starts_with("已用 "), "{out}");
    assert!(out.contains("恢复数据库"), "{out}");
    assert_eq!(count(&out, "答卷:"), busy_in_backup + 14, "{out}");
    assert!(!out.contains("保留为"), "nothing was replaced: {out}");
    let restored = elsewhere.serve();
    let api = Api::new(&restored.url);
    let organiser = api.login("organiser", ORGANISER_PASSWORD);
    assert_eq!(survey_results(&api, &organiser, survey), survey_then);
    assert_eq!(round_report(&api, &organiser, round), round_then);
    // the busy survey is one moment too: its answers and its tallies agree
    let busy_now = survey_results(&api, &organiser, busy);
    assert_eq!(
        busy_now.total_responses.value,
        Some(f64::from(busy_in_backup)),
        "{busy_now:?}"
    );
    let overall = overall_answers(&busy_now);
    assert!(
        (overall - f64::from(busy_in_backup)).abs() < 0.5,
        "tallies of {overall} answers beside {busy_in_backup} answers"
    );
    drop(restored);

    // restored over the stopped server's own database, which is kept
    let (ok, out, err) = place.run(&["restore", "backup.db"], EN);
    assert!(ok, "{out}{err}");
    let kept = out
        .lines()
        .find_map(|l| l.strip_prefix("The replaced database is kept as "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        kept.starts_with("canvass.db.before-restore-")
            || kept.contains("/canvass.db.before-restore-"),
        "{kept}"
    );
    let kept_url = format!(
        "sqlite://{}",
        place
            .path(Path::new(kept).file_name().unwrap().to_str().unwrap())
            .display()
    );
    let in_kept = inspect::strings(
        &kept_url,
        &format!(
            "SELECT CAST(count(*) AS TEXT) AS v FROM survey_responses WHERE survey_id = {busy}"
        ),
    );
    assert_eq!(
        in_kept[0].as_deref().map(|v| v.parse::<f64>().unwrap()),
        answers_at_stop,
        "the kept database holds everything stored before the restore"
    );
    assert!(!place.path("canvass.db-wal").exists());
    let server = place.serve();
    let api = Api::new(&server.url);
    let organiser = api.login("organiser", ORGANISER_PASSWORD);
    assert_eq!(survey_results(&api, &organiser, survey), survey_then);
}

/// A stopped server's database with a few units, and a backup of it (`backup.db`).
fn stopped_with_backup() -> Place {
    let place = Place::new();
    let server = place.serve();
    let api = Api::new(&server.url);
    let admin = api.login("admin", ADMIN_PASSWORD);
    api.create_unit(&admin, "清河县", "county", None);
    drop(server);
    let (ok, out, err) = place.run(&["backup", "backup.db"], EN);
    assert!(ok, "{out}{err}");
    place
}

#[test]
fn a_backup_never_replaces_a_file_unless_forced_nor_ever_the_database() {
    let place = stopped_with_backup();
    let before = place.files();
    for (args, locale, expected) in [
        (
            &["backup", "backup.db"][..],
            EN,
            "backup.db already exists; nothing was written. Give --force to replace it",
        ),
        (
            &["backup", "backup.db"][..],
            ZH,
            "backup.db 已存在,未写入任何文件。如要覆盖请加 --force",
        ),
        (
            &["backup", "--force", "canvass.db"][..],
            EN,
            "canvass.db is the configured database itself; nothing was changed.",
        ),
        (
            &["backup", "--lang", "zh", "."][..],
            EN,
            ". 是一个目录,未写入任何文件。",
        ),
    ] {
        let (ok, out, err) = place.run(args, locale);
        assert!(!ok, "{args:?}: {out}");
        assert!(out.is_empty(), "{out}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("canvass-server: "), "{err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(place.files(), before, "{args:?} changed a file");
    }
    let (ok, out, err) = place.run(&["backup", "--force", "backup.db"], EN);
    assert!(ok, "{out}{err}");
    assert_eq!(count(&out, "units:"), 1, "{out}");
}

#[test]
fn restore_refuses_a_file_that_is_not_a_canvass_database_of_this_version() {
    let place = stopped_with_backup();
    std::fs::write(place.path("notes.txt"), "这不是数据库 / not a database\n").unwrap();
    // a database of the previous schema version: the last migration's record deleted
    std::fs::copy(place.path("backup.db"), place.path("older.db")).unwrap();
    let older_url = format!("sqlite://{}", place.path("older.db").display());
    let _ = inspect::strings(
        &older_url,
        "DELETE FROM __diesel_schema_migrations WHERE version = \
         (SELECT max(version) FROM __diesel_schema_migrations) RETURNING version AS v",
    );
    // a backup cut short
    let whole = std::fs::read(place.path("backup.db")).unwrap();
    std::fs::write(place.path("half.db"), &whole[..whole.len() / 2]).unwrap();
    // a SQLite database that is not canvass's
    let other_url = format!("sqlite://{}", place.path("other.db").display());
    let _ = inspect::strings(&other_url, "CREATE TABLE t (x TEXT)");
    let _ = inspect::strings(&other_url, "SELECT 'x' AS v");
    let mut migrations: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/sqlite"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    migrations.sort();
    let latest = &migrations[migrations.len() - 1];
    let previous = &migrations[migrations.len() - 2];

    let before = place.files();
    for (file, locale, expected) in [
        (
            "notes.txt",
            EN,
            "notes.txt is not a SQLite database; nothing was changed.".to_string(),
        ),
        (
            "notes.txt",
            ZH,
            "notes.txt 不是 SQLite 数据库,未作任何改动。".to_string(),
        ),
        (
            "half.db",
            EN,
            "half.db is damaged (SQLite's integrity check: ".to_string(),
        ),
        (
            "other.db",
            EN,
            "other.db is a SQLite database but not one of canvass".to_string(),
        ),
        (
            "older.db",
            EN,
            format!(
                "older.db has schema version {previous}, older than this canvass-server's \
                 {latest}; nothing was changed. Restore it with the canvass-server version that \
                 made it"
            ),
        ),
        (
            "older.db",
            ZH,
            format!("older.db 的数据库结构版本是 {previous},比本 canvass-server 的 {latest} 旧"),
        ),
        (
            "missing.db",
            EN,
            "There is no file missing.db; nothing was changed.".to_string(),
        ),
    ] {
        let (ok, out, err) = place.run(&["restore", file], locale);
        assert!(!ok, "{file}: {out}");
        assert!(out.is_empty(), "{out}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&expected), "{file}: {err}");
        assert_eq!(place.files(), before, "restoring {file} changed a file");
    }
}

#[test]
fn restore_refuses_while_a_server_runs_on_the_database() {
    let place = stopped_with_backup();
    let server = place.serve();
    let api = Api::new(&server.url);
    let admin = api.login("admin", ADMIN_PASSWORD);
    let (status, units) = api.call("GET", "/api/v1/units", Some(&admin), None);
    assert_eq!(status, 200, "{units}");
    api.create_unit(&admin, "县人社局", "department", units[0]["id"].as_i64());
    let names = |place: &Place| -> Vec<String> {
        place.files().into_iter().map(|(name, _)| name).collect()
    };
    let before = names(&place);
    for (locale, expected) in [
        (
            EN,
            "canvass.db is in use: a canvass-server (or another program) has it open; nothing \
             was changed. Stop the server, then restore again.",
        ),
        (ZH, "canvass.db 正在使用中"),
    ] {
        let (ok, out, err) = place.run(&["restore", "backup.db"], locale);
        assert!(!ok, "{out}");
        assert!(err.contains(expected), "{err}");
        assert_eq!(names(&place), before);
    }
    // the server goes on serving what it had
    let (status, units) = api.call("GET", "/api/v1/units", Some(&admin), None);
    assert_eq!(status, 200);
    assert_eq!(units.as_array().map(Vec::len), Some(2), "{units}");
}

#[test]
fn on_postgresql_backup_and_restore_name_the_pg_dump_and_pg_restore_commands_without_the_password()
{
    let dir = tempfile::tempdir().unwrap();
    let url = "postgres://canvass:s3cret-pw@db.internal:5432/canvass?sslmode=disable&password=x";
    let run = |args: &[&str], locale: &str| {
        run_server_to_exit(
            args,
            &[("CANVASS_DATABASE_URL", url), ("LC_ALL", locale)],
            dir.path(),
        )
    };
    let command_url = "'postgres://canvass@db.internal:5432/canvass?sslmode=disable'";
    for (args, locale, said, command) in [
        (
            &["backup", "canvass.dump"][..],
            EN,
            "The database is PostgreSQL: back it up with pg_dump",
            format!("pg_dump --format=custom --file=canvass.dump {command_url}"),
        ),
        (
            &["backup", "canvass.dump"][..],
            ZH,
            "数据库是 PostgreSQL:请用 pg_dump 备份",
            format!("pg_dump --format=custom --file=canvass.dump {command_url}"),
        ),
        (
            &["restore", "canvass.dump"][..],
            EN,
            "restore a pg_dump backup with pg_restore, with every canvass-server on the database stopped",
            format!(
                "pg_restore --clean --if-exists --no-owner --single-transaction \
                 --dbname={command_url} canvass.dump"
            ),
        ),
    ] {
        let (ok, out, err) = run(args, locale);
        assert!(!ok, "{args:?} must fail: nothing was done");
        assert!(out.is_empty(), "{out}");
        assert!(err.starts_with("canvass-server: "), "{err}");
        assert!(err.contains(said), "{err}");
        assert!(
            err.lines().any(|l| l.trim() == command),
            "{command} not in {err}"
        );
        assert!(!err.contains("s3cret-pw") && !err.contains("password=x"), "{err}");
        assert!(err.contains("PGPASSWORD"), "{err}");
    }
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing was written"
    );
}

/// The commands `backup` and `restore` print for PostgreSQL, run as printed, restore the same
/// results into another database. Needs PostgreSQL and its tools: with SQLite the commands are
/// checked by the test above, as text.
#[test]
fn on_postgresql_the_printed_commands_restore_the_same_results() {
    let source = TestDb::new();
    if !source.is_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let serve = |db: &TestDb| {
        ServerProcess::start(
            &[],
            &[
                ("CANVASS_DATABASE_URL", db.url()),
                ("CANVASS_ADMIN_PASSWORD", ADMIN_PASSWORD),
                ("CANVASS_SUBMISSIONS_PER_MINUTE", "0"),
            ],
            dir.path(),
        )
    };
    // the command printed for `db`, run by a shell as the operator would
    let run_printed = |command: &str, db: &TestDb| {
        let (ok, _, err) = run_server_to_exit(
            &[command, "canvass.dump"],
            &[("CANVASS_DATABASE_URL", db.url()), ("LC_ALL", EN)],
            dir.path(),
        );
        assert!(!ok);
        let line = err
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("pg_"))
            .unwrap_or_else(|| panic!("no command in {err}"));
        let status = std::process::Command::new("sh")
            .args(["-c", line])
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "{line}");
    };
    let server = serve(&source);
    let api = Api::new(&server.url);
    let filled = fill(&api);
    let organiser = api.login("organiser", ORGANISER_PASSWORD);
    let survey_then = survey_results(&api, &organiser, filled.survey);
    let round_then = round_report(&api, &organiser, filled.round);
    run_printed("backup", &source);
    drop(server);

    let target = TestDb::new();
    run_printed("restore", &target);
    let server = serve(&target);
    let api = Api::new(&server.url);
    let organiser = api.login("organiser", ORGANISER_PASSWORD);
    assert_eq!(survey_results(&api, &organiser, filled.survey), survey_then);
    assert_eq!(round_report(&api, &organiser, filled.round), round_then);
}
