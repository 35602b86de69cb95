//! Storage of rectification (整改): which surveys' results are published, the items of the
//! ledger, the steps of each item's cycle and the files attached to reports.

use diesel::prelude::*;

use super::schema::{
    accounts, rectification_attachments, rectification_events, rectification_items,
    survey_results_published, units,
};
use super::{DbConnection, StoreError};

/// An item row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rectification_items)]
pub struct ItemRow {
    pub id: i64,
    pub unit_id: i64,
    pub survey_id: Option<i64>,
    pub round_id: Option<i64>,
    pub official_id: Option<i64>,
    pub by_rule: bool,
    pub finding: String,
    pub due_on: Option<String>,
    pub status: String,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a new item is made of.
pub struct NewItem<'a> {
    pub unit_id: i64,
    pub survey_id: Option<i64>,
    pub round_id: Option<i64>,
    pub official_id: Option<i64>,
    pub by_rule: bool,
    /// The finding's JSON.
    pub finding: &'a str,
    pub due_on: Option<&'a str>,
    pub created_by: i64,
}

/// An event row with the name of the account that took the step.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: i64,
    pub kind: String,
    pub actor: String,
    pub at: i64,
    pub body: Option<String>,
}

/// An attachment without its content.
#[derive(Debug, Clone, Queryable)]
pub struct AttachmentRow {
    pub id: i64,
    pub event_id: i64,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
}

/// When survey `survey_id`'s results were published, if they were.
pub fn results_published(
    conn: &mut DbConnection,
    survey_id: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(survey_results_published::table
        .find(survey_id)
        .select(survey_results_published::published_at)
        .get_result(conn)
        .optional()?)
}

/// Records that survey `survey_id`'s results were published, in the caller's transaction.
pub fn mark_results_published(
    conn: &mut DbConnection,
    survey_id: i64,
    by: i64,
    now: i64,
) -> Result<(), StoreError> {
    diesel::insert_into(survey_results_published::table)
        .values((
            survey_results_published::survey_id.eq(survey_id),
            survey_results_published::published_at.eq(now),
            survey_results_published::published_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Inserts an open item; returns its id.
pub fn insert_item(
    conn: &mut DbConnection,
    new: &NewItem<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(diesel::insert_into(rectification_items::table)
        .values((
            rectification_items::unit_id.eq(new.unit_id),
            rectification_items::survey_id.eq(new.survey_id),
            rectification_items::round_id.eq(new.round_id),
            rectification_items::official_id.eq(new.official_id),
            rectification_items::by_rule.eq(new.by_rule),
            rectification_items::finding.eq(new.finding),
            rectification_items::due_on.eq(new.due_on),
            rectification_items::status.eq("open"),
            rectification_items::created_by.eq(new.created_by),
            rectification_items::created_at.eq(now),
            rectification_items::updated_at.eq(now),
        ))
        .returning(rectification_items::id)
        .get_result(conn)?)
}

/// Appends a step to item `item_id`'s history; returns its id.
pub fn insert_event(
    conn: &mut DbConnection,
    item_id: i64,
    kind: &str,
    actor_id: i64,
    at: i64,
    body: Option<&str>,
) -> Result<i64, StoreError> {
    Ok(diesel::insert_into(rectification_events::table)
        .values((
            rectification_events::item_id.eq(item_id),
            rectification_events::kind.eq(kind),
            rectification_events::actor_id.eq(actor_id),
            rectification_events::at.eq(at),
            rectification_events::body.eq(body),
        ))
        .returning(rectification_events::id)
        .get_result(conn)?)
}

/// Stores a file attached to the report `event_id` of item `item_id`.
pub fn insert_attachment(
    conn: &mut DbConnection,
    item_id: i64,
    event_id: i64,
    file_name: &str,
    media_type: &str,
    content: &[u8],
) -> Result<i64, StoreError> {
    Ok(diesel::insert_into(rectification_attachments::table)
        .values((
            rectification_attachments::item_id.eq(item_id),
            rectification_attachments::event_id.eq(event_id),
            rectification_attachments::file_name.eq(file_name),
            rectification_attachments::media_type.eq(media_type),
            rectification_attachments::size.eq(i64::try_from(content.len()).unwrap_or(i64::MAX)),
            rectification_attachments::content.eq(content),
        ))
        .returning(rectification_attachments::id)
        .get_result(conn)?)
}

/// One item.
pub fn find_item(conn: &mut DbConnection, id: i64) -> Result<ItemRow, StoreError> {
    Ok(rectification_items::table
        .find(id)
        .select(ItemRow::as_select())
        .get_result(conn)?)
}

/// What the ledger may be narrowed to (stored fields only; `overdue` is worked out above).
#[derive(Debug, Clone, Copy, Default)]
pub struct ItemFilter {
    pub survey_id: Option<i64>,
    pub round_id: Option<i64>,
    pub unit_id: Option<i64>,
}

/// The items of units in the subtree with root `path` (all when `None`), newest first.
pub fn items_in(
    conn: &mut DbConnection,
    path: Option<&str>,
    filter: ItemFilter,
) -> Result<Vec<ItemRow>, StoreError> {
    let mut query = rectification_items::table
        .inner_join(units::table)
        .select(ItemRow::as_select())
        .into_boxed();
    if let Some(path) = path {
        query = query.filter(units::path.like(format!("{path}%")));
    }
    if let Some(id) = filter.survey_id {
        query = query.filter(rectification_items::survey_id.eq(id));
    }
    if let Some(id) = filter.round_id {
        query = query.filter(rectification_items::round_id.eq(id));
    }
    if let Some(id) = filter.unit_id {
        query = query.filter(rectification_items::unit_id.eq(id));
    }
    Ok(query.order(rectification_items::id.desc()).load(conn)?)
}

/// Whether unit `unit_id` has an item of survey `survey_id`.
pub fn survey_item_exists(
    conn: &mut DbConnection,
    survey_id: i64,
    unit_id: i64,
) -> Result<bool, StoreError> {
    Ok(rectification_items::table
        .filter(rectification_items::survey_id.eq(survey_id))
        .filter(rectification_items::unit_id.eq(unit_id))
        .filter(rectification_items::official_id.is_null())
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Whether official `official_id` has an item of round `round_id`.
pub fn round_item_exists(
    conn: &mut DbConnection,
    round_id: i64,
    official_id: i64,
) -> Result<bool, StoreError> {
    Ok(rectification_items::table
        .filter(rectification_items::round_id.eq(round_id))
        .filter(rectification_items::official_id.eq(official_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Moves item `id` to `to` if it stands in one of `from`; returns whether it did (a step
/// raced by another is then refused, never taken twice).
pub fn move_status(
    conn: &mut DbConnection,
    id: i64,
    from: &[&str],
    to: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        rectification_items::table
            .find(id)
            .filter(rectification_items::status.eq_any(from)),
    )
    .set((
        rectification_items::status.eq(to),
        rectification_items::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Sets item `id`'s due date unless it is closed; returns whether it did.
pub fn set_due(
    conn: &mut DbConnection,
    id: i64,
    due_on: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        rectification_items::table
            .find(id)
            .filter(rectification_items::status.ne("closed")),
    )
    .set((
        rectification_items::due_on.eq(due_on),
        rectification_items::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The steps of item `item_id`, oldest first, with the names of the accounts that took them.
pub fn events(conn: &mut DbConnection, item_id: i64) -> Result<Vec<EventRow>, StoreError> {
    let rows: Vec<(i64, String, String, i64, Option<String>)> = rectification_events::table
        .inner_join(accounts::table)
        .filter(rectification_events::item_id.eq(item_id))
        .select((
            rectification_events::id,
            rectification_events::kind,
            accounts::username,
            rectification_events::at,
            rectification_events::body,
        ))
        .order(rectification_events::id.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, actor, at, body)| EventRow {
            id,
            kind,
            actor,
            at,
            body,
        })
        .collect())
}

/// The files attached to item `item_id`'s reports, without their content.
pub fn attachments(
    conn: &mut DbConnection,
    item_id: i64,
) -> Result<Vec<AttachmentRow>, StoreError> {
    Ok(rectification_attachments::table
        .filter(rectification_attachments::item_id.eq(item_id))
        .select((
            rectification_attachments::id,
            rectification_attachments::event_id,
            rectification_attachments::file_name,
            rectification_attachments::media_type,
            rectification_attachments::size,
        ))
        .order(rectification_attachments::id.asc())
        .load(conn)?)
}

/// One attached file of item `item_id`: name, type and content.
pub fn attachment_content(
    conn: &mut DbConnection,
    item_id: i64,
    id: i64,
) -> Result<Option<(String, String, Vec<u8>)>, StoreError> {
    Ok(rectification_attachments::table
        .find(id)
        .filter(rectification_attachments::item_id.eq(item_id))
        .select((
            rectification_attachments::file_name,
            rectification_attachments::media_type,
            rectification_attachments::content,
        ))
        .get_result(conn)
        .optional()?)
}
