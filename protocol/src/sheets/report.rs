//! What the API answers to an uploaded unit list or roster (`POST /api/v1/units/import`,
//! `POST /api/v1/officials/import`): every problem with its row and cell, what each row would
//! do, and whether the rows were stored.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::SheetProblemDetail;
use crate::ErrorDetail;

/// What storing one row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    /// A new unit or official.
    Create,
    /// It exists; some of its fields change.
    Update,
    /// It exists as the row describes it.
    Unchanged,
}

/// One good row of the file and what storing it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportRow {
    /// The row as Excel numbers it.
    pub row: u32,
    /// The unit's or official's name.
    pub name: String,
    pub action: ImportAction,
}

/// The preview of an import, or its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    /// Set when the import was refused (`invalid_value`: the file has problems that are
    /// errors), so the answer reads like every other error; absent on a preview or a success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
    /// Whether the rows were stored (all of them, in one transaction); never on a dry run.
    pub stored: bool,
    /// Every problem, errors and warnings, in file order.
    pub problems: Vec<SheetProblemDetail>,
    /// Every row without an error and what storing it does.
    pub rows: Vec<ImportRow>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}
