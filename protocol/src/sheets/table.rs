//! Spreadsheets as plain grids of cells: XLSX (and XLS, ODS) through calamine, CSV in UTF-8
//! (with or without a byte-order mark), UTF-16 with a byte-order mark, or GB18030/GBK as
//! Chinese Excel saves it.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{Data, Reader};

use super::{ProblemCode, SheetProblem};
use crate::msg;

/// One cell's value as the file holds it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Cell {
    /// Nothing, or only whitespace.
    #[default]
    Empty,
    /// Text, trimmed.
    Text(String),
    /// A number (Excel stores whole numbers as numbers too).
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
}

impl Cell {
    fn from_text(text: &str) -> Self {
        let text = text.trim();
        if text.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(text.to_owned())
        }
    }

    /// Whether the cell is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as text: numbers as Excel shows them without formatting (`3`, `2.5`), booleans
    /// as `TRUE`/`FALSE`; `None` when empty.
    #[must_use]
    pub fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Cell::Empty => None,
            Cell::Text(text) => Some(Cow::Borrowed(text)),
            Cell::Number(n) => Some(Cow::Owned(format!("{n}"))),
            Cell::Bool(true) => Some(Cow::Borrowed("TRUE")),
            Cell::Bool(false) => Some(Cow::Borrowed("FALSE")),
        }
    }

    /// The cell as a number: a number cell, or text that reads as one (full-width digits
    /// too); `None` when empty or not a number.
    #[must_use]
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Number(n) => Some(*n),
            Cell::Text(text) => crate::forms::parse_form_number(text),
            Cell::Empty | Cell::Bool(_) => None,
        }
    }
}

/// One non-empty row of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row number as Excel shows it (1-based).
    pub number: u32,
    /// The cells by 0-based column; missing trailing cells are empty.
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell in 0-based column `index` (empty beyond the row's end).
    #[must_use]
    pub fn cell(&self, index: usize) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        self.cells.get(index).unwrap_or(&EMPTY)
    }
}

/// One sheet (or a CSV file): its name and its non-empty rows in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The sheet's name; `None` for a CSV file.
    pub name: Option<String>,
    /// The rows that have at least one non-empty cell, in file order.
    pub rows: Vec<Row>,
}

impl Sheet {
    /// The first non-empty row, taken as the header row.
    #[must_use]
    pub fn header(&self) -> Option<&Row> {
        self.rows.first()
    }

    /// The rows after the header row.
    #[must_use]
    pub fn data_rows(&self) -> &[Row] {
        self.rows.get(1..).unwrap_or_default()
    }

    /// A problem located in this sheet.
    #[must_use]
    pub fn problem(&self, problem: SheetProblem) -> SheetProblem {
        problem.in_sheet(self.name.as_deref())
    }
}

/// The sheets of a workbook, in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Workbook {
    /// Every sheet, empty ones included.
    pub sheets: Vec<Sheet>,
}

impl Workbook {
    /// The sheet named `name`, compared without regard to case or surrounding spaces.
    #[must_use]
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.trim().eq_ignore_ascii_case(name))
        })
    }
}

fn unreadable(kind: &'static str) -> SheetProblem {
    SheetProblem::error(
        ProblemCode::UnreadableFile,
        msg!("sheet-unreadable-file", kind = kind),
    )
}

/// Whether `bytes` look like a workbook (XLSX and ODS are zip files, XLS a compound file)
/// rather than CSV text.
#[must_use]
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Reads every sheet of an XLSX, XLS or ODS file.
pub fn read_workbook(bytes: &[u8]) -> Result<Workbook, SheetProblem> {
    if !is_workbook(bytes) {
        return Err(unreadable("xlsx"));
    }
    let mut workbook =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| unreadable("xlsx"))?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|_| unreadable("xlsx"))?;
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let mut rows = Vec::new();
        for (i, cells) in range.rows().enumerate() {
            let offset = usize::try_from(first_col).expect("u32 fits usize");
            let mut row: Vec<Cell> = vec![Cell::Empty; offset];
            row.extend(cells.iter().map(cell_of));
            if row.iter().all(Cell::is_empty) {
                continue;
            }
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            rows.push(Row {
                number: first_row.saturating_add(index).saturating_add(1),
                cells: row,
            });
        }
        sheets.push(Sheet {
            name: Some(name),
            rows,
        });
    }
    Ok(Workbook { sheets })
}

fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) => Cell::from_text(text),
        #[allow(clippy::cast_precision_loss)] // cell integers are far below 2^53
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(n) => Cell::Number(*n),
        Data::Bool(b) => Cell::Bool(*b),
        other => Cell::from_text(&other.to_string()),
    }
}

/// Reads a CSV file: UTF-8 with or without a byte-order mark, UTF-16 with one, or GB18030
/// (which includes GBK) when the bytes are not UTF-8, as Excel on a Chinese Windows saves
/// "CSV". Commas separate cells, or tabs when the first line has tabs and no commas.
pub fn read_csv(bytes: &[u8]) -> Result<Sheet, SheetProblem> {
    let text = decode_text(bytes).ok_or_else(|| unreadable("csv"))?;
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut lines = Lines::new(&text);
    for record in reader.records() {
        let record = record.map_err(|_| unreadable("csv"))?;
        let start = record.position().map_or(0, csv::Position::byte);
        let line = lines.line_at(usize::try_from(start).unwrap_or(usize::MAX));
        let cells: Vec<Cell> = record.iter().map(Cell::from_text).collect();
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        rows.push(Row {
            number: u32::try_from(line).unwrap_or(u32::MAX),
            cells,
        });
    }
    Ok(Sheet { name: None, rows })
}

/// Counts lines forward through a text: CR LF, LF and a lone CR each end one line.
struct Lines<'t> {
    bytes: &'t [u8],
    pos: usize,
    line: usize,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Lines {
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
        }
    }

    /// The 1-based line of the first character at or after byte `at` that does not end a
    /// line. `at` never goes back; each byte is looked at once.
    fn line_at(&mut self, at: usize) -> usize {
        let bytes = self.bytes;
        let mut start = at.clamp(self.pos, bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        for i in self.pos..start {
            if bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                self.line += 1;
            }
        }
        self.pos = start;
        self.line
    }
}

/// Reads the first sheet of a workbook, or a CSV file: what roster and unit list imports take.
pub fn read_table(bytes: &[u8]) -> Result<Sheet, SheetProblem> {
    if is_workbook(bytes) {
        let workbook = read_workbook(bytes)?;
        workbook
            .sheets
            .into_iter()
            .find(|s| !s.rows.is_empty())
            .ok_or_else(|| unreadable("xlsx"))
    } else {
        read_csv(bytes)
    }
}

fn decode_text(bytes: &[u8]) -> Option<Cow<'_, str>> {
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
        return (!had_errors).then_some(text);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(Cow::Borrowed(text));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_with_bom_utf16_and_gbk_reads_the_same() {
        let text = "姓名,职务\n周建军,镇长\n";
        let plain = read_csv(text.as_bytes()).unwrap();
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(read_csv(&bom).unwrap(), plain);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(read_csv(&gbk).unwrap(), plain);
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(read_csv(&utf16).unwrap(), plain);
        assert_eq!(plain.rows[1].number, 2);
        assert_eq!(plain.rows[1].cells[0], Cell::Text("周建军".into()));
    }

    #[test]
    fn blank_csv_lines_are_skipped_but_row_numbers_stay_those_of_the_file() {
        let sheet = read_csv("a,b\n\n,\nx,y\n".as_bytes()).unwrap();
        let numbers: Vec<u32> = sheet.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 4]);
    }

    #[test]
    fn row_numbers_are_those_of_the_file_with_any_line_ends() {
        for text in [
            "a,b\r\nc,d\r\n\r\ne,f",
            "a,b\nc,d\n\ne,f",
            "a,b\rc,d\r\re,f",
        ] {
            let sheet = read_csv(text.as_bytes()).unwrap();
            let numbers: Vec<u32> = sheet.rows.iter().map(|r| r.number).collect();
            assert_eq!(numbers, [1, 2, 4], "{text:?}");
        }
    }

    #[test]
    fn tab_separated_text_is_read_too() {
        let sheet = read_csv("姓名\t职务\n周建军\t镇长\n".as_bytes()).unwrap();
        assert_eq!(sheet.rows[1].cells[1], Cell::Text("镇长".into()));
    }

    #[test]
    fn garbage_is_an_unreadable_file() {
        let problem = read_workbook(b"PK\x03\x04not a zip").unwrap_err();
        assert_eq!(problem.code, ProblemCode::UnreadableFile);
        assert!(read_workbook(b"name,post").is_err());
    }

    #[test]
    fn column_letters_follow_excel() {
        use super::super::column_letter;
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
