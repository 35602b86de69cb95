//! One-time ballot codes: generated per elector group and shown once (only keyed hashes are
//! kept), checked without being used, and redeemed in the same transaction that stores the
//! ballot they cast, which nothing links to them.

use canvass_protocol::rounds::{
    check_ballot, Ballot, BallotCode, BallotOutcome, Round, RoundInfo, RoundStatus,
};
use canvass_protocol::{msg, ErrorCode};
use sha2::{Digest, Sha256};

use super::auth::{Action, Caller};
use super::error::{Error, Kind, Problem, Thing};
use super::rounds::{
    index_in, manages_rounds, problems, round_info, state_conflict, status, stored_round,
    subject_key, subject_name, visible_round,
};
use crate::db::rounds::{self as store, RoundRow};
use crate::db::DbConnection;

/// Most codes generated in one request.
pub const MAX_CODES_PER_REQUEST: u32 = 2000;
/// Name of the server secret that keys the code hashes.
pub const CODE_PEPPER: &str = "ballot_code_pepper";

/// The stored form of a code: a keyed SHA-256 (the key is a server secret), so the table alone
/// neither reveals codes nor lets anyone test guesses offline.
#[must_use]
pub fn code_hash(pepper: &str, code: &BallotCode) -> String {
    let mut hasher = Sha256::new();
    hasher.update(pepper.as_bytes());
    hasher.update([0]);
    hasher.update(code.hash_input().as_bytes());
    hex::encode(hasher.finalize())
}

/// Generates `count` codes for elector group `group` of round `round_id`; returns the round
/// and the codes (shown once, never stored).
pub fn generate(
    conn: &mut DbConnection,
    caller: &Caller,
    round_id: i64,
    (group, count): (&str, u32),
    pepper: &str,
    base_url: &str,
) -> Result<(RoundInfo, Vec<String>), Error> {
    let row = visible_round(conn, caller, round_id)?;
    caller.require(manages_rounds(caller.role()), Action::GenerateBallotCodes)?;
    if !matches!(status(&row), RoundStatus::Draft | RoundStatus::Open) {
        return Err(state_conflict(msg!("error-codes-before-or-during")));
    }
    let round = stored_round(&row)?;
    if round.group(group).is_none() {
        return Err(Error::new(
            Kind::Invalid,
            ErrorCode::UnknownElectorGroup,
            msg!("error-no-such-elector-group", group = group),
        )
        .at("elector_group"));
    }
    if count == 0 || count > MAX_CODES_PER_REQUEST {
        return Err(Error::invalid(
            "count",
            msg!("error-codes-count", max = MAX_CODES_PER_REQUEST),
        ));
    }
    let codes = issue_codes(conn, row.id, group, count, pepper)?;
    crate::domain::audit::record(
        conn,
        caller,
        "ballot_codes.generate",
        &format!("round:{}/group:{group}/count:{count}", row.id),
    )?;
    tracing::info!(
        round = row.id,
        count,
        by = caller.account.id,
        "ballot codes generated"
    );
    Ok((round_info(&row, base_url)?, codes))
}

/// Draws `count` random codes for a group of a round and stores their hashes (the caller has
/// checked the round and the group).
pub fn issue_codes(
    conn: &mut DbConnection,
    round_id: i64,
    group: &str,
    count: u32,
    pepper: &str,
) -> Result<Vec<String>, Error> {
    let (codes, hashes) = draw_codes(count, pepper);
    crate::db::write_transaction(conn, |conn| {
        store::insert_codes(conn, round_id, group, &hashes)
    })?;
    Ok(codes)
}

/// Draws `count` random codes: the codes as printed, and their keyed hashes as stored. Ballot
/// codes and survey codes are drawn alike.
#[must_use]
pub fn draw_codes(count: u32, pepper: &str) -> (Vec<String>, Vec<String>) {
    use rand::RngCore;
    let mut rng = rand::rngs::OsRng;
    let codes: Vec<BallotCode> = (0..count)
        .map(|_| {
            let mut bytes = [0_u8; BallotCode::RANDOM_BYTES];
            rng.fill_bytes(&mut bytes);
            BallotCode::from_random_bytes(&bytes)
        })
        .collect();
    let hashes = codes.iter().map(|c| code_hash(pepper, c)).collect();
    (codes.iter().map(ToString::to_string).collect(), hashes)
}

/// Checks a code typed on the ballot page of the round at the link `slug` without using it:
/// the elector group it belongs to, or the specific reason it cannot vote.
pub fn check_at(
    conn: &mut DbConnection,
    slug: &str,
    input: &str,
    pepper: &str,
) -> Result<String, Error> {
    let row =
        store::find_round_by_slug(conn, slug)?.ok_or_else(|| Error::not_found(Thing::Round))?;
    check_code(conn, &row, input, pepper).map(|(_, group)| group)
}

/// Checks a typed code against a round without using it: its hash and the group it belongs
/// to, or the specific reason it cannot vote.
fn check_code(
    conn: &mut DbConnection,
    row: &RoundRow,
    input: &str,
    pepper: &str,
) -> Result<(String, String), Error> {
    if status(row) != RoundStatus::Open {
        return Err(Error::conflict(
            ErrorCode::RoundNotOpen,
            ErrorCode::RoundNotOpen.message(),
        ));
    }
    let code = BallotCode::parse(input).map_err(|e| {
        Error::of(
            Kind::Invalid,
            Problem::checked(e.to_problem("code"), "", None),
        )
    })?;
    let hash = code_hash(pepper, &code);
    let refused = |code: ErrorCode| Error::new(Kind::Invalid, code, code.message()).at("code");
    match store::find_code(conn, &hash)? {
        None => Err(refused(ErrorCode::BallotCodeUnknown)),
        Some((round_id, _, _)) if round_id != row.id => {
            Err(refused(ErrorCode::BallotCodeOtherRound))
        }
        Some((_, _, true)) => Err(used_code()),
        Some((_, group, false)) => Ok((hash, group)),
    }
}

fn used_code() -> Error {
    Error::conflict(
        ErrorCode::BallotCodeUsed,
        ErrorCode::BallotCodeUsed.message(),
    )
    .at("code")
}

/// Casts a ballot: checks the code and the marks, then redeems the code and stores the ballot
/// in one transaction. Of two requests racing with one code exactly one succeeds. Returns
/// whether the ballot counts as valid (a quota breach is stored as 废票).
pub fn cast(
    conn: &mut DbConnection,
    row: &RoundRow,
    code: &str,
    ballot: &Ballot,
    pepper: &str,
) -> Result<bool, Error> {
    let round = stored_round(row)?;
    let plan = plan_cast(conn, row, &round, code, ballot, pepper)?;
    crate::db::write_transaction(conn, |conn| {
        let mut delta = store::RoundDelta::default();
        apply_cast(conn, row.id, &plan, &mut delta)?;
        delta.write(conn)?;
        Ok::<_, Error>(())
    })?;
    Ok(plan.valid)
}

/// A ballot whose code and marks passed every check, ready to be stored.
pub struct PlannedBallot {
    hash: String,
    group: String,
    /// Whether it counts (a quota breach is stored as 废票).
    pub valid: bool,
    marks: String,
    cells: Vec<(String, String, String)>,
}

/// Checks a code (without using it) and the marks against `round` (the parsed definition of
/// `row`); stores nothing, so a refusal leaves the caller's transaction untouched.
pub fn plan_cast(
    conn: &mut DbConnection,
    row: &RoundRow,
    round: &Round,
    code: &str,
    ballot: &Ballot,
    pepper: &str,
) -> Result<PlannedBallot, Error> {
    let (hash, group) = check_code(conn, row, code, pepper)?;
    if !ballot.elector_group.is_empty() && ballot.elector_group != group {
        return Err(Error::invalid(
            "ballot.elector_group",
            msg!("error-code-other-elector-group"),
        ));
    }
    let ballot = Ballot {
        elector_group: group.clone(),
        marks: ballot.marks.clone(),
    };
    let outcome = check_ballot(round, &ballot).map_err(|d| {
        problems(d, "ballot", |field| {
            let mark = ballot.marks.get(index_in(field, "marks")?)?;
            subject_name(round.definition(), mark.subject)
        })
    })?;
    let (valid, marks, cells) = match &outcome {
        BallotOutcome::Valid(cast) => {
            let mut cells = Vec::new();
            for g in &cast.grades {
                let subject = subject_key(g.subject);
                cells.push((
                    subject.clone(),
                    String::new(),
                    g.grade.map_or(String::new(), |x| x.as_str().to_string()),
                ));
                for &d in round.dimensions_of(g.subject) {
                    let grade = g
                        .dimensions
                        .get(&d)
                        .map_or(String::new(), |x| x.as_str().to_string());
                    cells.push((subject.clone(), d.as_str().to_string(), grade));
                }
            }
            (
                true,
                serde_json::to_string(cast).map_err(|e| Error::internal(&e))?,
                cells,
            )
        }
        BallotOutcome::Invalid { .. } => (
            false,
            serde_json::to_string(&ballot.marks).map_err(|e| Error::internal(&e))?,
            Vec::new(),
        ),
    };
    Ok(PlannedBallot {
        hash,
        group,
        valid,
        marks,
        cells,
    })
}

/// Redeems the planned ballot's code and stores the ballot, in the caller's transaction, its
/// counts into `delta`. A code used meanwhile (another request won the race) is refused with
/// `ballot_code_used` and nothing is written.
pub fn apply_cast(
    conn: &mut DbConnection,
    round_id: i64,
    plan: &PlannedBallot,
    delta: &mut store::RoundDelta,
) -> Result<(), Error> {
    if !store::redeem_code(conn, &plan.hash)? {
        return Err(used_code());
    }
    store::insert_ballot_row(conn, round_id, &plan.group, plan.valid, &plan.marks)?;
    delta.add(round_id, &plan.group, plan.valid, &plan.cells);
    Ok(())
}
