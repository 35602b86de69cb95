//! Server-rendered pages: the public survey form, the ballot page, the field officers' offline
//! app (`/field`), and the dashboards of leaders and organisers (sign-in, results, exports,
//! organiser pages). Plain HTML that works without JavaScript on a 360 px screen (the field app
//! alone is a script, by its nature), in Simplified Chinese by default and English on request.

pub mod ballot;
pub mod charts;
pub mod console;
pub mod dashboard;
pub mod export;
pub mod field;
pub mod frame;
pub mod multipart;
pub mod organiser;
pub mod page;
pub mod posters;
pub mod print;
pub mod rectification;
pub mod session;
pub mod slips;
pub mod survey_form;
pub mod tally_sheets;

use actix_web::HttpRequest;
use canvass_protocol::forms::Lang;

/// The page language: `?lang=` first, then `Accept-Language`, then Simplified Chinese.
#[must_use]
pub fn page_lang(req: &HttpRequest) -> Lang {
    let from_query = req
        .query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Lang::from_tag);
    from_query.unwrap_or_else(|| crate::http::request::accept_language(req))
}

/// Registers the dashboards: sign-in and sign-out, the pages, the organiser pages and exports.
pub fn dashboards(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(session::show_login)
        .service(session::login)
        .service(session::logout)
        .service(dashboard::overview_page)
        .service(dashboard::trends::trends_page)
        .service(dashboard::trends::survey_trend_page)
        .service(dashboard::trends::round_trend_page)
        // the rounds editor, before the round's page so that `/dashboard/rounds/new` is not
        // read as a round's id
        .service(console::rounds::rounds_page)
        .service(console::rounds::new_form)
        .service(console::rounds::create_round)
        .service(console::rounds::edit_form)
        .service(console::rounds::update_round)
        .service(console::rounds::ballot_preview)
        // the survey editor, before the survey's page so that `/dashboard/surveys/new` is not
        // read as a survey's id
        .service(console::surveys::new_form)
        .service(console::surveys::create_survey)
        .service(console::surveys::edit_form)
        .service(console::surveys::update_survey)
        .service(organiser::new_page)
        .service(organiser::new_submit)
        .service(export::survey_csv)
        .service(export::survey_xlsx)
        .service(export::survey_answers_csv)
        .service(export::round_csv)
        .service(export::round_xlsx)
        .service(organiser::survey_status)
        .service(organiser::survey_preview)
        .service(organiser::survey_series)
        .service(dashboard::coverage::coverage_page)
        .service(dashboard::survey_page)
        .service(organiser::round_status)
        .service(organiser::round_slips)
        .service(organiser::survey_codes_setting)
        .service(organiser::survey_slips)
        .service(dashboard::round_turnout)
        .service(tally_sheets::sheet_page)
        .service(tally_sheets::sheet_submit)
        .service(dashboard::round_page)
        // the paper kit
        .service(print::ballot)
        .service(print::tally)
        .service(print::questionnaire)
        .service(posters::survey_posters)
        .service(tally_sheets::stations_submit)
        // the organiser's console
        .service(console::units::units_page)
        .service(console::units::add_unit)
        .service(console::units::import_form)
        .service(console::units::import_preview)
        .service(console::units::import_confirm)
        .service(console::units::show_unit)
        .service(console::units::change_unit)
        .service(console::accounts::accounts_page)
        .service(console::accounts::create_account)
        .service(console::accounts::show_account)
        .service(console::accounts::change_account)
        .service(console::accounts::password_page)
        .service(console::accounts::change_password)
        .service(console::officials::officials_page)
        .service(console::officials::import_form)
        .service(console::officials::import_preview)
        .service(console::officials::import_confirm)
        .service(console::officials::show_official)
        .service(console::officials::change_official)
        // the field officers' offline app
        .service(field::shell)
        .service(field::asset)
        // the rectification ledger: the export before the item's page, so that
        // `export.xlsx` is not read as an item's id
        .service(rectification::ledger)
        .service(rectification::add_item)
        .service(rectification::export_xlsx)
        .service(rectification::show_item)
        .service(rectification::set_due)
        .service(rectification::review)
        .service(rectification::write_report)
        .service(rectification::attachment)
        .service(console::audit::audit_page)
        .service(console::audit::audit_csv);
}
