//! Text laid out for the terminal by display width, not by characters: a Chinese character
//! takes two columns, so a column of unit names lines up under its heading.

use unicode_width::UnicodeWidthStr;

/// The columns `text` takes in a terminal.
#[must_use]
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` cut to at most `max` columns, with `…` where it was cut.
#[must_use]
pub fn truncate(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// How a column's cells sit in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table: a heading row, rows of cells, and lines under a row (a link, a note) indented to
/// the second column. Columns are two spaces apart; no line ends in spaces.
#[derive(Debug, Clone)]
pub struct Table {
    columns: Vec<(String, Align)>,
    /// Each row's cells and the lines under it.
    rows: Vec<(Vec<String>, Vec<String>)>,
    max_width: Option<(usize, usize)>,
}

impl Table {
    /// A table with these headings.
    #[must_use]
    pub fn new(columns: Vec<(String, Align)>) -> Self {
        Self {
            columns,
            rows: Vec::new(),
            max_width: None,
        }
    }

    /// Cuts the cells of column `column` to at most `max` columns.
    #[must_use]
    pub fn limit(mut self, column: usize, max: usize) -> Self {
        self.max_width = Some((column, max));
        self
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push((cells, Vec::new()));
    }

    /// Adds a line under the last row.
    pub fn note(&mut self, line: String) {
        if let Some((_, notes)) = self.rows.last_mut() {
            notes.push(line);
        }
    }

    /// The table as lines of text, without a final line break.
    #[must_use]
    pub fn render(&self) -> String {
        let cell = |i: usize, text: &str| match self.max_width {
            Some((column, max)) if column == i => truncate(text, max),
            _ => text.to_string(),
        };
        let rows: Vec<Vec<String>> = std::iter::once(
            self.columns
                .iter()
                .enumerate()
                .map(|(i, (h, _))| cell(i, h))
                .collect(),
        )
        .chain(
            self.rows
                .iter()
                .map(|(cells, _)| cells.iter().enumerate().map(|(i, c)| cell(i, c)).collect()),
        )
        .collect();
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|i| {
                rows.iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| width(c))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let indent = widths.first().map_or(0, |w| w + 2);
        let mut lines = Vec::new();
        for (k, cells) in rows.iter().enumerate() {
            let mut line = String::new();
            for (i, text) in cells.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = " ".repeat(widths[i].saturating_sub(width(text)));
                match self.columns[i].1 {
                    Align::Right => {
                        line.push_str(&pad);
                        line.push_str(text);
                    }
                    Align::Left => {
                        line.push_str(text);
                        line.push_str(&pad);
                    }
                }
            }
            lines.push(line.trim_end().to_string());
            if k > 0 {
                for note in &self.rows[k - 1].1 {
                    lines.push(format!("{}{note}", " ".repeat(indent)));
                }
            }
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_takes_two_columns_a_character() {
        assert_eq!(width("县人社局"), 8);
        assert_eq!(width("survey 3"), 8);
        assert_eq!(truncate("窗口服务满意度测评", 9), "窗口服务…");
        assert_eq!(truncate("short", 9), "short");
    }

    #[test]
    fn columns_line_up_with_chinese_and_english_text() {
        let mut table = Table::new(vec![
            ("问卷".into(), Align::Left),
            ("待上传".into(), Align::Right),
            ("链接".into(), Align::Left),
        ]);
        table.row(vec!["窗口服务测评".into(), "12".into(), "x".into()]);
        table.note("http://example/s/abc".into());
        table.row(vec!["survey 4".into(), "3".into(), String::new()]);
        let shown = table.render();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(
            lines,
            [
                "问卷          待上传  链接",
                "窗口服务测评      12  x",
                "              http://example/s/abc",
                "survey 4           3",
            ]
        );
        // the count column ends at the same display column on every row
        let end = |line: &str, text: &str| width(&line[..line.find(text).unwrap()]) + width(text);
        assert_eq!(end(lines[0], "待上传"), end(lines[1], "12"));
        assert_eq!(end(lines[1], "12"), end(lines[3], "3"));
    }
}
