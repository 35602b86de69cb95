//! What the paper meeting kit prints, and who may print it: the ballot paper (测评票) of a
//! round's elector group, the blank tally sheet (计票单) of a polling station, the paper
//! questionnaire of a survey and the posters of a survey's target units. Only those who manage the instrument, within their scope, print
//! it; the pages themselves are built from the values returned here.

use canvass_protocol::rounds::{ElectorGroup, Round, RoundInfo};
use canvass_protocol::surveys::{PublicForm, Survey};
use canvass_protocol::{msg, ErrorCode};

use super::auth::Caller;
use super::error::{Error, Field};
use super::{audit, rounds, surveys};
use crate::db::DbConnection;

/// The elector group `wanted` of `round`: the only group when none is named and the round has
/// one; `invalid_value` on `group`, naming the round's groups, otherwise (unless `optional`).
pub fn elector_group(
    round: &Round,
    wanted: Option<&str>,
    optional: bool,
) -> Result<Option<ElectorGroup>, Error> {
    let groups = &round.definition().elector_groups;
    let wanted = wanted.map(str::trim).filter(|w| !w.is_empty());
    match wanted {
        Some(id) => {
            if let Some(g) = round.group(id) {
                return Ok(Some(g.clone()));
            }
        }
        None if optional => return Ok(None),
        None if groups.len() == 1 => return Ok(groups.first().cloned()),
        None => {}
    }
    let known = groups
        .iter()
        .map(|g| format!("{} ({})", g.label, g.id))
        .collect::<Vec<_>>()
        .join(", ");
    Err(Error::invalid(
        Field::labelled("group", msg!("print-elector-group")),
        msg!("print-error-group", groups = known),
    ))
}

/// The ballot paper of round `round_id` for the elector group `group` (may be left out when
/// the round has one group), for those who manage the round.
pub fn ballot_paper(
    conn: &mut DbConnection,
    caller: &Caller,
    round_id: i64,
    group: Option<&str>,
    base_url: &str,
) -> Result<(RoundInfo, Round, ElectorGroup), Error> {
    let (info, round) = rounds::managed(conn, caller, round_id, base_url)?;
    match elector_group(&round, group, false)? {
        Some(group) => {
            audit::record(
                conn,
                caller,
                "round.print_ballot",
                &format!("round:{}/group:{}", info.id, group.id),
            )?;
            Ok((info, round, group))
        }
        None => Err(Error::internal(&"an elector group was required")),
    }
}

/// The blank tally sheet of round `round_id`, for one elector group or, without one, with the
/// groups to tick, for those who manage the round.
pub fn tally_form(
    conn: &mut DbConnection,
    caller: &Caller,
    round_id: i64,
    group: Option<&str>,
    base_url: &str,
) -> Result<(RoundInfo, Round, Option<ElectorGroup>), Error> {
    let (info, round) = rounds::managed(conn, caller, round_id, base_url)?;
    let group = elector_group(&round, group, true)?;
    let object = match &group {
        Some(g) => format!("round:{}/group:{}", info.id, g.id),
        None => format!("round:{}", info.id),
    };
    audit::record(conn, caller, "round.print_tally_sheet", &object)?;
    Ok((info, round, group))
}

/// The latest version of survey `survey_id` (the draft, if there is one), to print as a paper
/// questionnaire, for those who manage the survey.
pub fn questionnaire(
    conn: &mut DbConnection,
    caller: &Caller,
    survey_id: i64,
) -> Result<PublicForm, Error> {
    let form = surveys::preview(conn, caller, survey_id)?;
    audit::record(
        conn,
        caller,
        "survey.print_questionnaire",
        &format!("survey:{survey_id}"),
    )?;
    Ok(form)
}

/// Survey `survey_id` with its target units and each one's own public link, to print a poster
/// per target, for those who manage the survey. A survey never published is refused with
/// `survey_not_open`: its links do not take answers yet.
pub fn posters(
    conn: &mut DbConnection,
    caller: &Caller,
    survey_id: i64,
    base_url: &str,
) -> Result<Survey, Error> {
    let row = surveys::visible_survey(conn, caller, survey_id)?;
    surveys::check_manage(conn, caller, &row)?;
    if row.current_version.is_none() || row.status == "draft" {
        return Err(Error::conflict(
            ErrorCode::SurveyNotOpen,
            msg!("print-error-posters-draft"),
        ));
    }
    surveys::to_api(conn, &row, base_url)
}
