//! The one CSV writer behind every export (results tables and the answer export alike), over
//! the `csv` crate: RFC 4180 quoting, `\r\n` line ends, a byte-order mark at the start of a file
//! so that spreadsheet programs read Chinese as UTF-8, and formula defusing on every cell, so
//! text a respondent wrote can never run as a spreadsheet formula.

use std::borrow::Cow;

/// Rows of CSV written into memory: a whole small file, or one page of a streamed one.
pub struct Csv {
    writer: ::csv::Writer<Vec<u8>>,
}

/// The UTF-8 byte-order mark that opens every CSV file we serve.
pub const BYTE_ORDER_MARK: &str = "\u{feff}";

impl Csv {
    /// An empty page (no byte-order mark: for pages after a file's first).
    #[must_use]
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty page with room for `bytes` bytes.
    #[must_use]
    pub fn with_capacity(bytes: usize) -> Self {
        Self::after(Vec::with_capacity(bytes))
    }

    /// The start of a file: the byte-order mark, then the rows written next.
    #[must_use]
    pub fn file() -> Self {
        Self::after(BYTE_ORDER_MARK.as_bytes().to_vec())
    }

    fn after(start: Vec<u8>) -> Self {
        let writer = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .quote_style(::csv::QuoteStyle::Necessary)
            .flexible(true)
            .from_writer(start);
        Self { writer }
    }

    /// Appends one row, each cell defused ([`defuse`]).
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for cell in cells {
            self.field(cell.as_ref());
        }
        self.end_row();
    }

    /// Appends one cell of the current row, defused ([`defuse`]); [`Csv::end_row`] ends it.
    pub fn field(&mut self, cell: &str) {
        // writing into a Vec cannot fail
        let _ = self.writer.write_field(defuse(cell).as_bytes());
    }

    /// Ends the row that [`Csv::field`] wrote.
    pub fn end_row(&mut self) {
        let _ = self.writer.write_record(std::iter::empty::<&[u8]>());
    }

    /// The bytes written so far.
    #[must_use]
    pub fn into_bytes(self) -> Vec<u8> {
        match self.writer.into_inner() {
            Ok(bytes) => bytes,
            // flushing into a Vec cannot fail; should it, keep what was written
            Err(e) => e.into_inner().into_inner().unwrap_or_default(),
        }
    }

    /// The rows written so far, as text.
    #[must_use]
    pub fn into_string(self) -> String {
        String::from_utf8(self.into_bytes()).unwrap_or_default()
    }
}

impl Default for Csv {
    fn default() -> Self {
        Self::new()
    }
}

/// `cell` made safe for a spreadsheet: text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return, which a spreadsheet program would read as a formula, gets a leading `'`;
/// numbers (`-3`, `+1.5`) are left as they are.
#[must_use]
pub fn defuse(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A number as a spreadsheet cell: whole numbers without a fraction (`3`, not `3.0`).
#[must_use]
pub fn number(value: f64) -> String {
    let mut text = String::new();
    write_number(&mut text, value);
    text
}

/// Writes [`number`]`(value)` into `text`, replacing what it held (no allocation once `text`
/// has room: the answer export writes millions).
pub fn write_number(text: &mut String, value: f64) {
    use std::fmt::Write as _;
    text.clear();
    // writing into a String cannot fail
    let _ = if value.fract() == 0.0 && value.abs() < 1e15 {
        write!(text, "{value:.0}")
    } else {
        write!(text, "{value}")
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_when_needed_and_formulas_defused() {
        let mut csv = Csv::file();
        csv.row(["a", "b,c", "say \"hi\"", "line\nbreak"]);
        csv.row([
            "=1+1",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "-3",
            "+1.5",
            "",
        ]);
        assert_eq!(
            csv.into_string(),
            "\u{feff}a,\"b,c\",\"say \"\"hi\"\"\",\"line\nbreak\"\r\n\
             '=1+1,'+cmd|' /C calc'!A0,'-2+3,'@SUM(A1),'\tx,-3,+1.5,\r\n"
        );
    }

    #[test]
    fn whole_numbers_have_no_fraction() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(-2.0), "-2");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(0.125), "0.125");
    }

    #[test]
    fn a_page_has_no_byte_order_mark() {
        let mut csv = Csv::new();
        csv.row(["1"]);
        assert_eq!(csv.into_string(), "1\r\n");
    }
}
