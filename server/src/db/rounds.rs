//! Storage of appraisal rounds: officials, rounds, ballot codes (hashed), anonymous ballots with
//! their live tallies, and paper tally sheets with their corrections.

use diesel::prelude::*;

use super::schema::{
    accounts, ballot_codes, ballots, officials, round_ballot_counts, round_code_counts,
    round_tallies, rounds, tally_sheets, units,
};
use super::{add_counts, DbConnection, StoreError};

/// An official row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = officials)]
pub struct OfficialRow {
    pub id: i64,
    pub unit_id: i64,
    pub name: String,
    pub position: String,
    pub active: bool,
    pub created_at: i64,
    /// 班子, from the roster.
    pub team: Option<String>,
    /// 排序, from the roster.
    pub sort_order: Option<i32>,
}

/// A round row; `definition` is the round's JSON.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rounds)]
pub struct RoundRow {
    pub id: i64,
    pub unit_id: i64,
    pub series_id: String,
    pub period: String,
    pub status: String,
    pub definition: String,
    pub slug: String,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A tally sheet row with the username of who entered it.
#[derive(Debug, Clone, Queryable)]
pub struct SheetRow {
    pub id: i64,
    pub station: String,
    pub elector_group: String,
    pub sheet: String,
    pub void: bool,
    pub entered_at: i64,
    pub replaced_by: Option<i64>,
    pub replaced_at: Option<i64>,
    pub entered_by: String,
}

/// Inserts an official.
pub fn insert_official(
    conn: &mut DbConnection,
    unit_id: i64,
    name: &str,
    position: &str,
    now: i64,
) -> Result<OfficialRow, StoreError> {
    let id: i64 = diesel::insert_into(officials::table)
        .values((
            officials::unit_id.eq(unit_id),
            officials::name.eq(name),
            officials::position.eq(position),
            officials::active.eq(true),
            officials::created_at.eq(now),
        ))
        .returning(officials::id)
        .get_result(conn)?;
    find_official(conn, id)
}

/// Finds an official.
pub fn find_official(conn: &mut DbConnection, id: i64) -> Result<OfficialRow, StoreError> {
    Ok(officials::table
        .find(id)
        .select(OfficialRow::as_select())
        .get_result(conn)?)
}

/// Officials of units in the subtree with root `path` (all when `None`).
pub fn officials_in(
    conn: &mut DbConnection,
    path: Option<&str>,
) -> Result<Vec<OfficialRow>, StoreError> {
    let mut query = officials::table
        .inner_join(units::table)
        .select(OfficialRow::as_select())
        .into_boxed();
    if let Some(path) = path {
        query = query.filter(units::path.like(format!("{path}%")));
    }
    Ok(query.order(officials::id).load(conn)?)
}

/// Sets an official's team and place in the roster order (`None` clears them).
pub fn set_official_roster(
    conn: &mut DbConnection,
    id: i64,
    team: Option<&str>,
    order: Option<i32>,
) -> Result<(), StoreError> {
    diesel::update(officials::table.find(id))
        .set((officials::team.eq(team), officials::sort_order.eq(order)))
        .execute(conn)?;
    Ok(())
}

/// Changes an official's name, position or active flag.
pub fn update_official(
    conn: &mut DbConnection,
    id: i64,
    name: Option<&str>,
    position: Option<&str>,
    active: Option<bool>,
) -> Result<(), StoreError> {
    // one statement, so a change is applied whole or not at all
    let changes = (
        name.map(|v| officials::name.eq(v)),
        position.map(|v| officials::position.eq(v)),
        active.map(|v| officials::active.eq(v)),
    );
    if name.is_none() && position.is_none() && active.is_none() {
        return Ok(());
    }
    diesel::update(officials::table.find(id))
        .set(changes)
        .execute(conn)?;
    Ok(())
}

/// What a new round is made of.
pub struct NewRound<'a> {
    pub unit_id: i64,
    pub series_id: &'a str,
    pub period: &'a str,
    pub definition: &'a str,
    pub slug: &'a str,
    pub created_by: i64,
}

/// Inserts a draft round; returns its id.
pub fn insert_round(
    conn: &mut DbConnection,
    new: &NewRound<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(diesel::insert_into(rounds::table)
        .values((
            rounds::unit_id.eq(new.unit_id),
            rounds::series_id.eq(new.series_id),
            rounds::period.eq(new.period),
            rounds::status.eq("draft"),
            rounds::definition.eq(new.definition),
            rounds::slug.eq(new.slug),
            rounds::created_by.eq(new.created_by),
            rounds::created_at.eq(now),
            rounds::updated_at.eq(now),
        ))
        .returning(rounds::id)
        .get_result(conn)?)
}

/// Finds a round.
pub fn find_round(conn: &mut DbConnection, id: i64) -> Result<RoundRow, StoreError> {
    Ok(rounds::table
        .find(id)
        .select(RoundRow::as_select())
        .get_result(conn)?)
}

/// Finds a round by its ballot-page slug.
pub fn find_round_by_slug(
    conn: &mut DbConnection,
    slug: &str,
) -> Result<Option<RoundRow>, StoreError> {
    Ok(rounds::table
        .filter(rounds::slug.eq(slug))
        .select(RoundRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Rounds owned by units in the subtree with root `path` (all when `None`), newest first.
pub fn rounds_in(conn: &mut DbConnection, path: Option<&str>) -> Result<Vec<RoundRow>, StoreError> {
    let mut query = rounds::table
        .inner_join(units::table)
        .select(RoundRow::as_select())
        .into_boxed();
    if let Some(path) = path {
        query = query.filter(units::path.like(format!("{path}%")));
    }
    Ok(query.order(rounds::id.desc()).load(conn)?)
}

/// The earlier rounds of a series (closed or published), most recent first.
pub fn earlier_in_series(
    conn: &mut DbConnection,
    round: &RoundRow,
) -> Result<Vec<RoundRow>, StoreError> {
    Ok(rounds::table
        .filter(rounds::series_id.eq(&round.series_id))
        .filter(rounds::unit_id.eq(round.unit_id))
        .filter(rounds::id.lt(round.id))
        .filter(rounds::status.eq_any(["closed", "published"]))
        .select(RoundRow::as_select())
        .order(rounds::id.desc())
        .load(conn)?)
}

/// Replaces a draft's definition.
pub fn update_definition(
    conn: &mut DbConnection,
    id: i64,
    series_id: &str,
    period: &str,
    definition: &str,
    now: i64,
) -> Result<(), StoreError> {
    diesel::update(rounds::table.find(id))
        .set((
            rounds::series_id.eq(series_id),
            rounds::period.eq(period),
            rounds::definition.eq(definition),
            rounds::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets a round's status.
pub fn set_status(
    conn: &mut DbConnection,
    id: i64,
    status: &str,
    now: i64,
) -> Result<(), StoreError> {
    diesel::update(rounds::table.find(id))
        .set((rounds::status.eq(status), rounds::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Stores the hashes of new codes.
pub fn insert_codes(
    conn: &mut DbConnection,
    round_id: i64,
    group: &str,
    hashes: &[String],
) -> Result<(), StoreError> {
    for hash in hashes {
        diesel::insert_into(ballot_codes::table)
            .values((
                ballot_codes::code_hash.eq(hash),
                ballot_codes::round_id.eq(round_id),
                ballot_codes::elector_group.eq(group),
                ballot_codes::used.eq(false),
            ))
            .execute(conn)?;
    }
    let issued = i64::try_from(hashes.len()).unwrap_or(i64::MAX);
    add_counts(
        conn,
        "round_code_counts",
        &["round_id", "elector_group"],
        &["issued"],
        &[vec![
            super::Param::BigInt(round_id),
            super::Param::Text(group),
            super::Param::BigInt(issued),
        ]],
    )?;
    Ok(())
}

/// A ballot code's round, group and whether it is used (a survey code is no ballot code).
pub fn find_code(
    conn: &mut DbConnection,
    hash: &str,
) -> Result<Option<(i64, String, bool)>, StoreError> {
    Ok(ballot_codes::table
        .find(hash)
        .filter(ballot_codes::instrument.eq("round"))
        .select((
            ballot_codes::round_id,
            ballot_codes::elector_group,
            ballot_codes::used,
        ))
        .get_result(conn)
        .optional()?)
}

/// Marks an unused code used; `false` when it was already used (another request won the race).
pub fn redeem_code(conn: &mut DbConnection, hash: &str) -> Result<bool, StoreError> {
    let changed = diesel::update(
        ballot_codes::table
            .find(hash)
            .filter(ballot_codes::instrument.eq("round"))
            .filter(ballot_codes::used.eq(false)),
    )
    .set(ballot_codes::used.eq(true))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Code counts of a round: (group, used, how many), from the codes issued per group and the
/// electronic ballots stored (a code is spent exactly when its ballot is stored), one row per
/// group rather than one per code.
pub fn code_counts(
    conn: &mut DbConnection,
    round_id: i64,
) -> Result<Vec<(String, bool, i64)>, StoreError> {
    let issued: Vec<(String, i64)> = round_code_counts::table
        .filter(round_code_counts::round_id.eq(round_id))
        .select((round_code_counts::elector_group, round_code_counts::issued))
        .load(conn)?;
    let used: std::collections::HashMap<String, i64> = ballot_counts(conn, round_id)?
        .into_iter()
        .map(|(group, valid, invalid)| (group, valid + invalid))
        .collect();
    Ok(issued
        .into_iter()
        .flat_map(|(group, n)| {
            let spent = used.get(&group).copied().unwrap_or(0).min(n);
            [(group.clone(), true, spent), (group, false, n - spent)]
        })
        .collect())
}

/// Stores an electronic ballot (random id, nothing else identifying) and adds it to the live
/// tallies: `cells` are (subject, dimension or "", grade or "") to count once.
pub fn insert_ballot(
    conn: &mut DbConnection,
    round_id: i64,
    group: &str,
    valid: bool,
    marks: &str,
    cells: &[(String, String, String)],
) -> Result<(), StoreError> {
    let mut delta = RoundDelta::default();
    insert_ballot_row(conn, round_id, group, valid, marks)?;
    delta.add(round_id, group, valid, cells);
    delta.write(conn)
}

/// Stores an electronic ballot's row only; its counts go into a [`RoundDelta`] the caller
/// writes in the same transaction.
pub fn insert_ballot_row(
    conn: &mut DbConnection,
    round_id: i64,
    group: &str,
    valid: bool,
    marks: &str,
) -> Result<(), StoreError> {
    diesel::insert_into(ballots::table)
        .values((
            ballots::id.eq(super::surveys::random_id()),
            ballots::round_id.eq(round_id),
            ballots::elector_group.eq(group),
            ballots::valid.eq(valid),
            ballots::marks.eq(marks),
        ))
        .execute(conn)?;
    Ok(())
}

/// Tally increments of ballots stored in one transaction, summed per row before they are
/// written (ordered, so concurrent writers lock tally rows in one order).
#[derive(Debug, Default)]
pub struct RoundDelta {
    /// (round, group, subject, dimension, grade) → count.
    tallies: std::collections::BTreeMap<(i64, String, String, String, String), i64>,
    /// (round, group) → (valid, invalid).
    ballots: std::collections::BTreeMap<(i64, String), (i64, i64)>,
}

impl RoundDelta {
    /// Counts one ballot: `cells` as for [`insert_ballot`].
    pub fn add(
        &mut self,
        round_id: i64,
        group: &str,
        valid: bool,
        cells: &[(String, String, String)],
    ) {
        for (subject, dimension, grade) in cells {
            *self
                .tallies
                .entry((
                    round_id,
                    group.to_string(),
                    subject.clone(),
                    dimension.clone(),
                    grade.clone(),
                ))
                .or_default() += 1;
        }
        let e = self
            .ballots
            .entry((round_id, group.to_string()))
            .or_default();
        if valid {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }

    /// Writes every summed increment: one upsert per tally row touched.
    pub fn write(self, conn: &mut DbConnection) -> Result<(), StoreError> {
        use super::Param::{BigInt, Text};
        let tallies: Vec<_> = self
            .tallies
            .iter()
            .map(|((round, group, subject, dimension, grade), n)| {
                vec![
                    BigInt(*round),
                    Text(group),
                    Text(subject),
                    Text(dimension),
                    Text(grade),
                    BigInt(*n),
                ]
            })
            .collect();
        add_counts(
            conn,
            "round_tallies",
            &["round_id", "elector_group", "subject", "dimension", "grade"],
            &["count"],
            &tallies,
        )?;
        let ballots: Vec<_> = self
            .ballots
            .iter()
            .map(|((round, group), (valid, invalid))| {
                vec![
                    BigInt(*round),
                    Text(group),
                    BigInt(*valid),
                    BigInt(*invalid),
                ]
            })
            .collect();
        add_counts(
            conn,
            "round_ballot_counts",
            &["round_id", "elector_group"],
            &["valid", "invalid"],
            &ballots,
        )?;
        Ok(())
    }
}

/// A tally row: (group, subject, dimension, grade, count).
pub type RoundTallyRow = (String, String, String, String, i64);

/// The live tallies of a round's electronic ballots.
pub fn tallies(conn: &mut DbConnection, round_id: i64) -> Result<Vec<RoundTallyRow>, StoreError> {
    Ok(round_tallies::table
        .filter(round_tallies::round_id.eq(round_id))
        .select((
            round_tallies::elector_group,
            round_tallies::subject,
            round_tallies::dimension,
            round_tallies::grade,
            round_tallies::count,
        ))
        .load(conn)?)
}

/// (group, valid, invalid) electronic ballot counts.
pub fn ballot_counts(
    conn: &mut DbConnection,
    round_id: i64,
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    Ok(round_ballot_counts::table
        .filter(round_ballot_counts::round_id.eq(round_id))
        .select((
            round_ballot_counts::elector_group,
            round_ballot_counts::valid,
            round_ballot_counts::invalid,
        ))
        .load(conn)?)
}

/// The current sheet of a station, if any.
pub fn current_sheet(
    conn: &mut DbConnection,
    round_id: i64,
    station: &str,
) -> Result<Option<SheetRow>, StoreError> {
    Ok(sheets_query(round_id)
        .filter(tally_sheets::station.eq(station))
        .filter(tally_sheets::replaced_at.is_null())
        .get_result(conn)
        .optional()?)
}

/// Every sheet of a round, current and replaced, in station order, newest first per station.
pub fn sheets(conn: &mut DbConnection, round_id: i64) -> Result<Vec<SheetRow>, StoreError> {
    Ok(sheets_query(round_id)
        .order((tally_sheets::station.asc(), tally_sheets::id.desc()))
        .load(conn)?)
}

#[allow(clippy::type_complexity)]
fn sheets_query(
    round_id: i64,
) -> diesel::dsl::Select<
    diesel::dsl::Filter<
        diesel::dsl::InnerJoin<tally_sheets::table, accounts::table>,
        diesel::dsl::Eq<tally_sheets::round_id, i64>,
    >,
    (
        tally_sheets::id,
        tally_sheets::station,
        tally_sheets::elector_group,
        tally_sheets::sheet,
        tally_sheets::void,
        tally_sheets::entered_at,
        tally_sheets::replaced_by,
        tally_sheets::replaced_at,
        accounts::username,
    ),
> {
    tally_sheets::table
        .inner_join(accounts::table)
        .filter(tally_sheets::round_id.eq(round_id))
        .select((
            tally_sheets::id,
            tally_sheets::station,
            tally_sheets::elector_group,
            tally_sheets::sheet,
            tally_sheets::void,
            tally_sheets::entered_at,
            tally_sheets::replaced_by,
            tally_sheets::replaced_at,
            accounts::username,
        ))
}

/// A sheet to store.
#[derive(Clone, Copy)]
pub struct NewSheet<'a> {
    pub round_id: i64,
    pub station: &'a str,
    pub group: &'a str,
    /// The sheet as JSON.
    pub sheet: &'a str,
    pub void: bool,
    pub entered_by: i64,
}

/// Stores a sheet; with `replaces`, marks that sheet replaced by the new one (first, so the
/// one-current-sheet index holds throughout). A second first sheet for a station is a
/// [`StoreError::UniqueViolation`].
pub fn insert_sheet(
    conn: &mut DbConnection,
    new: &NewSheet<'_>,
    replaces: Option<i64>,
    now: i64,
) -> Result<i64, StoreError> {
    let NewSheet {
        round_id,
        station,
        group,
        sheet,
        void,
        entered_by,
    } = *new;
    if let Some(old) = replaces {
        diesel::update(tally_sheets::table.find(old))
            .set(tally_sheets::replaced_at.eq(now))
            .execute(conn)?;
    }
    let id: i64 = diesel::insert_into(tally_sheets::table)
        .values((
            tally_sheets::round_id.eq(round_id),
            tally_sheets::station.eq(station),
            tally_sheets::elector_group.eq(group),
            tally_sheets::sheet.eq(sheet),
            tally_sheets::void.eq(void),
            tally_sheets::entered_by.eq(entered_by),
            tally_sheets::entered_at.eq(now),
        ))
        .returning(tally_sheets::id)
        .get_result(conn)?;
    if let Some(old) = replaces {
        diesel::update(tally_sheets::table.find(old))
            .set(tally_sheets::replaced_by.eq(id))
            .execute(conn)?;
    }
    Ok(id)
}

/// Rewrites a round's code, ballot and tally rows in one transaction, ballots and codes in a new
/// random order. Afterwards every row of the round was written by this one transaction, so
/// nothing in the storage (PostgreSQL's per-row transaction ids and physical positions, the
/// order of rows on a page) still tells which code cast which ballot or in what order ballots
/// arrived. Runs when voting ends; while it goes on, [`mix_group`] does the same for the
/// ballots stored since the mixer last looked.
pub fn reshuffle(conn: &mut DbConnection, round_id: i64) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    use std::fmt::Write as _;
    // the id is a number: it is formatted into the statements, which cannot take parameters
    // (CREATE TABLE AS is a utility statement on PostgreSQL)
    let mut script = String::new();
    for (table, columns) in [
        ("ballot_codes", "code_hash, round_id, elector_group, used"),
        ("ballots", "id, round_id, elector_group, valid, marks"),
    ] {
        let _ = write!(
            script,
            "CREATE TEMPORARY TABLE reshuffled AS SELECT {columns} FROM {table} WHERE round_id = {round_id};\
             DELETE FROM {table} WHERE round_id = {round_id};\
             INSERT INTO {table} ({columns}) SELECT {columns} FROM reshuffled ORDER BY random();\
             DROP TABLE reshuffled;"
        );
    }
    let _ = write!(
        script,
        "UPDATE round_tallies SET count = count WHERE round_id = {round_id};\
         UPDATE round_ballot_counts SET valid = valid WHERE round_id = {round_id};"
    );
    crate::db::write_transaction(conn, |conn| conn.batch_execute(&script))?;
    Ok(())
}

/// The ballots stored so far in one elector group of a round, and whether the round is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotTotal {
    pub round_id: i64,
    pub group: String,
    pub ballots: i64,
    pub open: bool,
}

/// The ballots stored so far in every elector group of every round, from the live counts (one
/// row per group): the mixer (`db::mixer`) compares them with what it saw last.
pub fn ballot_totals(conn: &mut DbConnection) -> Result<Vec<BallotTotal>, StoreError> {
    let rows: Vec<(i64, String, i64, i64, String)> = round_ballot_counts::table
        .inner_join(rounds::table.on(rounds::id.eq(round_ballot_counts::round_id)))
        .select((
            round_ballot_counts::round_id,
            round_ballot_counts::elector_group,
            round_ballot_counts::valid,
            round_ballot_counts::invalid,
            rounds::status,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(round_id, group, valid, invalid, status)| BallotTotal {
            round_id,
            group,
            ballots: valid + invalid,
            open: status == "open",
        })
        .collect())
}

/// Which ballots of an elector group a mix rewrites: those written by the transactions `whole`
/// (with the used codes they wrote) and, from the transaction `part.0`, `part.1` ballots and as
/// many used codes drawn at random.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixPlan {
    pub whole: Vec<String>,
    pub part: Option<(String, usize)>,
}

/// PostgreSQL: mixes the ballots of one elector group of an open round that share their
/// transaction id with too few others, with their codes (see `db::mixer` for why and which).
/// In one transaction it locks the round's row (so a close, which rewrites the whole round, or
/// another server's mixer waits for it, and a round no longer open is left alone), counts the
/// group's ballots per transaction id (`xmin`), and rewrites the ballots and used codes that
/// `plan` picks (the mixer's `plan_mix`, given the ballots per transaction id) in a random order (deleted and inserted again
/// with the same values), then every tally and count row of the group as it is. Afterwards all
/// of them carry this transaction's id and lie in a new order. Returns how many ballots it
/// rewrote: 0 when none had to be, and on SQLite, whose rows carry no transaction id.
pub fn mix_group(
    conn: &mut DbConnection,
    round_id: i64,
    group: &str,
    plan: impl FnOnce(&[(String, usize)]) -> Option<MixPlan>,
) -> Result<usize, StoreError> {
    if !matches!(conn, DbConnection::Pg(_)) {
        return Ok(0);
    }
    crate::db::write_transaction(conn, |conn| {
        let DbConnection::Pg(pg) = conn else {
            return Ok(0);
        };
        mix_group_pg(pg, round_id, group, plan)
    })
}

fn mix_group_pg(
    pg: &mut diesel::PgConnection,
    round_id: i64,
    group: &str,
    plan: impl FnOnce(&[(String, usize)]) -> Option<MixPlan>,
) -> Result<usize, StoreError> {
    use diesel::sql_types::{Array, BigInt, Text};
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    #[derive(QueryableByName)]
    struct Class {
        #[diesel(sql_type = Text)]
        xid: String,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    #[derive(QueryableByName)]
    struct Key {
        #[diesel(sql_type = Text)]
        key: String,
    }
    let open =
        diesel::sql_query("SELECT id FROM rounds WHERE id = $1 AND status = 'open' FOR UPDATE")
            .bind::<BigInt, _>(round_id)
            .load::<Id>(pg)?;
    if !open.iter().any(|r| r.id == round_id) {
        return Ok(0);
    }
    let classes: Vec<(String, usize)> = diesel::sql_query(
        "SELECT xmin::text AS xid, COUNT(*) AS n FROM ballots \
         WHERE round_id = $1 AND elector_group = $2 GROUP BY xmin::text",
    )
    .bind::<BigInt, _>(round_id)
    .bind::<Text, _>(group)
    .load::<Class>(pg)?
    .into_iter()
    .map(|c| (c.xid, usize::try_from(c.n).unwrap_or(usize::MAX)))
    .collect();
    let Some(plan) = plan(&classes) else {
        return Ok(0);
    };
    // a part of a large class, drawn at random: as many ballots as codes, not necessarily theirs
    let (mut ballot_ids, mut code_hashes) = (Vec::new(), Vec::new());
    if let Some((xid, take)) = &plan.part {
        let take = i64::try_from(*take).unwrap_or(i64::MAX);
        for (sql, keys) in [
            (
                "SELECT id AS key FROM ballots WHERE round_id = $1 AND elector_group = $2 \
                 AND xmin::text = $3 ORDER BY random() LIMIT $4",
                &mut ballot_ids,
            ),
            (
                "SELECT code_hash AS key FROM ballot_codes WHERE round_id = $1 \
                 AND elector_group = $2 AND used AND xmin::text = $3 ORDER BY random() LIMIT $4",
                &mut code_hashes,
            ),
        ] {
            *keys = diesel::sql_query(sql)
                .bind::<BigInt, _>(round_id)
                .bind::<Text, _>(group)
                .bind::<Text, _>(xid)
                .bind::<BigInt, _>(take)
                .load::<Key>(pg)?
                .into_iter()
                .map(|k| k.key)
                .collect();
        }
    }
    let moved = diesel::sql_query(
        "WITH moved AS (DELETE FROM ballots WHERE round_id = $1 AND elector_group = $2 \
             AND (xmin::text = ANY($3) OR id = ANY($4)) \
             RETURNING id, round_id, elector_group, valid, marks) \
         INSERT INTO ballots (id, round_id, elector_group, valid, marks) \
         SELECT id, round_id, elector_group, valid, marks FROM moved ORDER BY random()",
    )
    .bind::<BigInt, _>(round_id)
    .bind::<Text, _>(group)
    .bind::<Array<Text>, _>(&plan.whole)
    .bind::<Array<Text>, _>(&ballot_ids)
    .execute(pg)?;
    diesel::sql_query(
        "WITH moved AS (DELETE FROM ballot_codes WHERE round_id = $1 AND elector_group = $2 \
             AND used AND (xmin::text = ANY($3) OR code_hash = ANY($4)) \
             RETURNING code_hash, round_id, elector_group, used) \
         INSERT INTO ballot_codes (code_hash, round_id, elector_group, used) \
         SELECT code_hash, round_id, elector_group, used FROM moved ORDER BY random()",
    )
    .bind::<BigInt, _>(round_id)
    .bind::<Text, _>(group)
    .bind::<Array<Text>, _>(&plan.whole)
    .bind::<Array<Text>, _>(&code_hashes)
    .execute(pg)?;
    // the counters last, their rows locked in the order every ballot's transaction locks them
    // (`RoundDelta::write`: by key, compared byte by byte), so that neither waits for the other
    // in a circle
    diesel::sql_query(
        "SELECT round_id AS id FROM round_tallies WHERE round_id = $1 AND elector_group = $2 \
         ORDER BY subject COLLATE \"C\", dimension COLLATE \"C\", grade COLLATE \"C\" FOR UPDATE",
    )
    .bind::<BigInt, _>(round_id)
    .bind::<Text, _>(group)
    .load::<Id>(pg)?;
    for sql in [
        "UPDATE round_tallies SET count = count WHERE round_id = $1 AND elector_group = $2",
        "UPDATE round_ballot_counts SET valid = valid WHERE round_id = $1 AND elector_group = $2",
    ] {
        diesel::sql_query(sql)
            .bind::<BigInt, _>(round_id)
            .bind::<Text, _>(group)
            .execute(pg)?;
    }
    Ok(moved)
}
