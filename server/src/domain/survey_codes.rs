//! One-time survey codes, for a survey that takes one answer per household: the ballot codes'
//! machinery (drawn alike, keyed hashes in the same table, single use, shown once) with a
//! scope of a target unit and, optionally, a village. A public answer to such a survey names a
//! code; the code is checked after the answer itself, and redeemed in the transaction that
//! stores the answer, which nothing links to it (docs/privacy.md, "Survey codes").

use canvass_protocol::forms::Localized;
use canvass_protocol::rounds::BallotCode;
use canvass_protocol::surveys::{GenerateSurveyCodes, GeneratedSurveyCodes, SurveyCodeCount};
use canvass_protocol::{msg, ErrorCode};

use super::auth::Caller;
use super::ballot_codes::{code_hash, draw_codes, MAX_CODES_PER_REQUEST};
use super::error::{Error, Kind};
use super::surveys::{check_manage, respondent_villages, to_api, visible_survey};
use crate::db::survey_codes as store;
use crate::db::surveys as survey_store;
use crate::db::DbConnection;

/// The stored scope of a code: its target unit and, when made for one, its village.
#[must_use]
pub fn scope(target_unit_id: i64, village_id: Option<i64>) -> String {
    match village_id {
        Some(v) => format!("unit:{target_unit_id}/village:{v}"),
        None => format!("unit:{target_unit_id}"),
    }
}

/// The target unit and village of a stored scope; `None` for anything else.
#[must_use]
pub fn parse_scope(scope: &str) -> Option<(i64, Option<i64>)> {
    let rest = scope.strip_prefix("unit:")?;
    match rest.split_once("/village:") {
        Some((target, village)) => Some((target.parse().ok()?, Some(village.parse().ok()?))),
        None => Some((rest.parse().ok()?, None)),
    }
}

/// Codes just generated, with what their slips print: the survey's title, the target unit's
/// and the village's names.
pub struct IssuedCodes {
    pub codes: GeneratedSurveyCodes,
    pub title: Localized,
    pub target: String,
    pub village: Option<String>,
}

/// Generates the codes `request` asks for in survey `survey_id`, for those who manage it: the
/// survey must require codes and not be closed, the target be one of its targets and the
/// village one its respondents may name. The codes are in the answer only; the audit log
/// records who made how many for which scope (and, when `printed`, that slips were printed).
pub fn generate(
    conn: &mut DbConnection,
    caller: &Caller,
    survey_id: i64,
    request: &GenerateSurveyCodes,
    (pepper, base_url): (&str, &str),
    printed: bool,
) -> Result<IssuedCodes, Error> {
    let row = visible_survey(conn, caller, survey_id)?;
    check_manage(conn, caller, &row)?;
    if !row.requires_codes {
        return Err(
            Error::conflict(ErrorCode::InvalidValue, msg!("error-survey-codes-off"))
                .at("requires_codes"),
        );
    }
    if row.status == "closed" {
        return Err(Error::conflict(
            ErrorCode::SurveyClosed,
            ErrorCode::SurveyClosed.message(),
        ));
    }
    let target = survey_store::targets(conn, row.id)?
        .into_iter()
        .find(|t| t.unit_id == request.target_unit_id)
        .ok_or_else(|| {
            Error::new(
                Kind::Invalid,
                ErrorCode::WrongTarget,
                ErrorCode::WrongTarget.message(),
            )
            .at("target_unit_id")
        })?;
    let village = match request.village_id {
        None => None,
        Some(village) => Some(
            respondent_villages(conn, &row)?
                .into_iter()
                .find(|v| v.unit_id == village)
                .ok_or_else(|| Error::invalid("village_id", msg!("error-survey-codes-village")))?
                .name,
        ),
    };
    if request.count == 0 || request.count > MAX_CODES_PER_REQUEST {
        return Err(Error::invalid(
            "count",
            msg!("error-codes-count", max = MAX_CODES_PER_REQUEST),
        ));
    }
    let (codes, hashes) = draw_codes(request.count, pepper);
    let scope = scope(target.unit_id, request.village_id);
    crate::db::write_transaction(conn, |conn| {
        store::insert(conn, row.id, &scope, &hashes)?;
        let object = format!("survey:{}/{scope}/codes:{}", row.id, request.count);
        super::audit::record(conn, caller, "survey_codes.generate", &object)?;
        if printed {
            super::audit::record(conn, caller, "survey_codes.print_slips", &object)?;
        }
        Ok::<_, Error>(())
    })?;
    tracing::info!(
        survey = row.id,
        count = request.count,
        by = caller.account.id,
        "survey codes generated"
    );
    let title = to_api(conn, &row, base_url)?.title;
    Ok(IssuedCodes {
        codes: GeneratedSurveyCodes {
            target_unit_id: target.unit_id,
            village_id: request.village_id,
            codes,
            public_url: format!("{base_url}/s/{}", target.slug),
        },
        title,
        target: target.name,
        village,
    })
}

/// How many codes of survey `survey_id` were issued and used, per target unit and village, for
/// those who manage it.
pub fn counts(
    conn: &mut DbConnection,
    caller: &Caller,
    survey_id: i64,
) -> Result<Vec<SurveyCodeCount>, Error> {
    let row = visible_survey(conn, caller, survey_id)?;
    check_manage(conn, caller, &row)?;
    let mut out: Vec<SurveyCodeCount> = Vec::new();
    for (scope, used, n) in store::counts(conn, row.id)? {
        let Some((target_unit_id, village_id)) = parse_scope(&scope) else {
            continue;
        };
        let n = u64::try_from(n).unwrap_or(0);
        let i = match out
            .iter()
            .position(|c| c.target_unit_id == target_unit_id && c.village_id == village_id)
        {
            Some(i) => i,
            None => {
                out.push(SurveyCodeCount {
                    target_unit_id,
                    village_id,
                    issued: 0,
                    used: 0,
                });
                out.len() - 1
            }
        };
        out[i].issued += n;
        if used {
            out[i].used += n;
        }
    }
    out.sort_by_key(|c| (c.target_unit_id, c.village_id));
    Ok(out)
}

/// A code that passed its checks: its hash, to redeem, and the village it was made for.
pub struct CheckedCode {
    pub hash: String,
    pub village: Option<i64>,
}

/// Checks the code of an answer to survey `survey_id` for `target` (and the village the
/// respondent named, if any) without using it: `survey_code_required` when there is none,
/// `survey_code_invalid` when it was not issued for this survey, target and village,
/// `survey_code_used` when it has answered already.
pub fn check(
    conn: &mut DbConnection,
    pepper: &str,
    survey_id: i64,
    input: Option<&str>,
    (target, village): (i64, Option<i64>),
) -> Result<CheckedCode, Error> {
    let input = input.map(str::trim).filter(|c| !c.is_empty());
    let Some(input) = input else {
        return Err(refused(ErrorCode::SurveyCodeRequired));
    };
    let code = BallotCode::parse(input).map_err(|_| refused(ErrorCode::SurveyCodeInvalid))?;
    let hash = code_hash(pepper, &code);
    let Some((owner, scope, used)) = store::find(conn, &hash)? else {
        return Err(refused(ErrorCode::SurveyCodeInvalid));
    };
    let Some((code_target, code_village)) = parse_scope(&scope) else {
        return Err(refused(ErrorCode::SurveyCodeInvalid));
    };
    let village_ok = match (code_village, village) {
        (Some(v), Some(named)) => v == named,
        _ => true,
    };
    if owner != survey_id || code_target != target || !village_ok {
        return Err(refused(ErrorCode::SurveyCodeInvalid));
    }
    if used {
        return Err(used_code());
    }
    Ok(CheckedCode {
        hash,
        village: code_village,
    })
}

/// Redeems a checked code in the caller's transaction; `survey_code_used` when another answer
/// used it meanwhile.
pub fn redeem(conn: &mut DbConnection, code: &CheckedCode) -> Result<(), Error> {
    if store::redeem(conn, &code.hash)? {
        Ok(())
    } else {
        Err(used_code())
    }
}

fn refused(code: ErrorCode) -> Error {
    Error::new(Kind::Invalid, code, code.message()).at("code")
}

fn used_code() -> Error {
    Error::conflict(
        ErrorCode::SurveyCodeUsed,
        ErrorCode::SurveyCodeUsed.message(),
    )
    .at("code")
}

#[cfg(test)]
mod tests {
    use super::{parse_scope, scope};

    #[test]
    fn a_scope_reads_back_as_its_target_and_village() {
        assert_eq!(parse_scope(&scope(12, None)), Some((12, None)));
        assert_eq!(parse_scope(&scope(12, Some(40))), Some((12, Some(40))));
        assert_eq!(parse_scope("cadres"), None);
        assert_eq!(parse_scope("unit:x"), None);
    }
}
