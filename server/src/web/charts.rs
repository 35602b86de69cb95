//! Charts drawn on the server as inline SVG: no JavaScript, scaled to the width of a 360 px
//! phone, each with a title and a text description for screen readers (the figures are also
//! in the table beside every chart). A hidden figure is drawn as a grey, hatched-free gap with
//! its reason written out, never as a bar.
//!
//! The geometry is computed here as plain data ([`StackedBars`], [`ValueBars`], [`Columns`]);
//! `templates/charts/*.html` draw it, included by the page templates with the chart as `chart`.

#![allow(
    clippy::cast_precision_loss,
    clippy::many_single_char_names,
    reason = "chart geometry: small row counts as floats, and x, y, w, h as in SVG"
)]

/// Width of the drawing in user units; the SVG scales to its container.
pub const WIDTH: f64 = 360.0;
/// Height of one bar.
pub const BAR: f64 = 20.0;
/// Height of a label line above a bar.
const LABEL: f64 = 19.0;
/// Size of a label, in user units: about 14 px on a 360 px phone.
pub const TEXT: u32 = 15;
/// Size of a value, a legend or an axis label: about 12 px on a 360 px phone.
pub const SMALL: u32 = 13;
/// Legend entries per line.
const LEGEND_COLUMNS: usize = 2;

/// Fill colours for the parts of a stacked bar, best first; the last is for abstentions and
/// "don't know".
pub const PALETTE: [&str; 6] = [
    "#1b7f3b", "#7cc47f", "#f0b429", "#c0392b", "#6b5bd2", "#2b8cbe",
];
/// Colour of abstentions, "don't know" and other answers left out of the rates.
pub const NEUTRAL: &str = "#b8bcc4";

/// One segment of a stacked bar: its label, its share (0 to 1) and its colour.
pub struct Segment<'a> {
    pub label: &'a str,
    pub share: f64,
    pub colour: &'a str,
}

/// One row of a chart: a label and either its segments (or single value) or the reason it is
/// hidden.
pub struct Row<'a, T> {
    pub label: String,
    pub value: Result<T, &'a str>,
}

/// What every chart has: its id (for the title's and description's ids), its height in user
/// units, its title and the text description of every figure drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub id: String,
    pub height: f64,
    pub title: String,
    pub desc: String,
}

/// A row of a bar chart: its label's baseline, the top of its bar, and the bar or the reason
/// it is hidden (drawn as a grey band with the reason written in it).
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow<T> {
    pub label: String,
    pub label_y: f64,
    pub top: f64,
    pub bar: Result<T, String>,
}

/// A drawn segment of a stacked bar; its share is written inside when it is wide enough.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub x: f64,
    pub width: f64,
    pub colour: String,
    pub label: String,
    /// The share in percent.
    pub percent: f64,
    /// Whether the share is written inside the segment.
    pub inside: bool,
}

/// An entry of a legend: its swatch at (`x`, `y`), its words to the right.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub colour: String,
}

/// Horizontal 100 % stacked bars (`templates/charts/stacked_bars.html`).
#[derive(Debug, Clone, PartialEq)]
pub struct StackedBars {
    pub head: Head,
    pub rows: Vec<BarRow<Vec<Part>>>,
    pub legend: Vec<LegendItem>,
}

/// A bar of a value chart: its width and its value written at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueBar {
    pub width: f64,
    pub text: String,
}

/// Horizontal bars of values (`templates/charts/value_bars.html`).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueBars {
    pub head: Head,
    pub rows: Vec<BarRow<ValueBar>>,
}

/// A column over time: its left edge, and its value and top or the reason it is hidden.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub label: String,
    pub x: f64,
    /// The column's centre, where its value and axis label are written.
    pub centre: f64,
    pub bar: Result<ColumnBar, String>,
    /// The axis label under the column (the day without its year), on every few columns.
    pub axis: Option<String>,
}

/// A drawn column: its value, top and height.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnBar {
    pub value: f64,
    pub top: f64,
    pub height: f64,
}

/// Vertical columns over time (`templates/charts/columns.html`).
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub head: Head,
    /// The baseline's height from the top.
    pub plot: f64,
    /// The columns' width.
    pub width: f64,
    pub columns: Vec<Column>,
}

/// One line of a line chart: its label and colour, and per period its value (`Some(Ok)`),
/// the reason it is hidden (`Some(Err)`, marked × on the baseline) or nothing (`None`).
pub struct LineSeries<'a> {
    pub label: &'a str,
    pub colour: &'a str,
    /// Whether the line is dashed (told apart without its colour).
    pub dashed: bool,
    pub values: Vec<Option<Result<f64, String>>>,
}

/// A drawn line: its polylines (broken where a value is hidden or missing), its points and the
/// marks of its hidden values.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub colour: String,
    pub dashed: bool,
    /// Each run of consecutive shown values, as SVG `points` (`x,y x,y`).
    pub runs: Vec<String>,
    pub points: Vec<LinePoint>,
    pub gaps: Vec<LinePoint>,
}

/// A point of a line (or the × of a hidden value) with what it says on hover.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePoint {
    pub x: f64,
    pub y: f64,
    pub title: String,
}

/// A label of an axis at (`x`, `y`).
#[derive(Debug, Clone, PartialEq)]
pub struct AxisLabel {
    pub x: f64,
    pub y: f64,
    pub label: String,
}

/// Lines over periods on a scale from 0 to `max` (`templates/charts/lines.html`).
#[derive(Debug, Clone, PartialEq)]
pub struct Lines {
    pub head: Head,
    /// Where the plot starts (after the value axis's labels) and its baseline's height.
    pub left: f64,
    pub plot: f64,
    /// The value axis: a grid line and its label at each.
    pub ticks: Vec<AxisLabel>,
    /// The periods under the baseline, on every few.
    pub axis: Vec<AxisLabel>,
    pub lines: Vec<Line>,
    pub legend: Vec<LegendItem>,
}

/// Lines over `periods` (their labels), each series a line on a scale from 0 to `max`; a
/// hidden value breaks its line and is marked × on the baseline with its reason.
#[must_use]
pub fn lines(
    id: &str,
    title: &str,
    periods: &[String],
    max: f64,
    series: &[LineSeries<'_>],
) -> Lines {
    let left = 30.0;
    let top = 10.0;
    let plot = 130.0;
    let slot = (WIDTH - left) / periods.len().max(1) as f64;
    let x_of = |i: usize| left + (i as f64 + 0.5) * slot;
    let y_of = |v: f64| {
        let share = if max > 0.0 {
            (v / max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        plot - share * (plot - top)
    };
    let ticks = (0..=4)
        .map(|k| {
            let v = max * f64::from(k) / 4.0;
            AxisLabel {
                x: left - 4.0,
                y: y_of(v),
                label: format!("{v:.0}"),
            }
        })
        .collect();
    let every = periods.len().div_ceil(4).max(1);
    let axis = periods
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0 || *i + 1 == periods.len())
        .map(|(i, label)| AxisLabel {
            x: x_of(i),
            y: plot + 17.0,
            label: label.clone(),
        })
        .collect();
    let mut desc = Vec::new();
    let drawn = series
        .iter()
        .map(|s| {
            let mut runs = Vec::new();
            let mut run: Vec<String> = Vec::new();
            let mut points = Vec::new();
            let mut gaps = Vec::new();
            let mut said = Vec::new();
            for (i, value) in s.values.iter().enumerate() {
                let period = periods.get(i).map_or("", String::as_str);
                match value {
                    Some(Ok(v)) => {
                        let (x, y) = (x_of(i), y_of(*v));
                        run.push(format!("{x:.1},{y:.1}"));
                        points.push(LinePoint {
                            x,
                            y,
                            title: format!("{period} {}: {v:.1}", s.label),
                        });
                        said.push(format!("{period} {v:.1}"));
                        continue;
                    }
                    Some(Err(reason)) => {
                        gaps.push(LinePoint {
                            x: x_of(i),
                            y: plot - 3.0,
                            title: format!("{period} {}: {reason}", s.label),
                        });
                        said.push(format!("{period} {reason}"));
                    }
                    None => {}
                }
                if !run.is_empty() {
                    runs.push(run.join(" "));
                    run.clear();
                }
            }
            if !run.is_empty() {
                runs.push(run.join(" "));
            }
            desc.push(format!("{}: {}", s.label, said.join(", ")));
            Line {
                colour: s.colour.to_string(),
                dashed: s.dashed,
                runs,
                points,
                gaps,
            }
        })
        .collect();
    let legend_y = plot + 26.0;
    let legend: Vec<LegendItem> = series
        .iter()
        .enumerate()
        .map(|(i, s)| LegendItem {
            x: (i % LEGEND_COLUMNS) as f64 * (WIDTH / LEGEND_COLUMNS as f64),
            y: legend_y + (i / LEGEND_COLUMNS) as f64 * 20.0,
            label: s.label.to_string(),
            colour: s.colour.to_string(),
        })
        .collect();
    let height = legend_y + series.len().div_ceil(LEGEND_COLUMNS) as f64 * 20.0 + 4.0;
    Lines {
        head: head(id, height, title, &desc),
        left,
        plot,
        ticks,
        axis,
        lines: drawn,
        legend,
    }
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn head(id: &str, height: f64, title: &str, desc: &[String]) -> Head {
    Head {
        id: id.to_string(),
        height,
        title: title.to_string(),
        desc: desc.join("; "),
    }
}

/// Lays `rows` out one under another, each label above its bar (`draw` gives a shown row's
/// bar; a hidden one keeps its reason); answers the rows and the height they take.
fn bar_rows<V, T>(rows: &[Row<'_, V>], draw: impl Fn(&V) -> T) -> (Vec<BarRow<T>>, f64) {
    let mut y = 0.0;
    let drawn = rows
        .iter()
        .map(|row| {
            let (label_y, top) = (y + 15.0, y + LABEL);
            y = top + BAR + 6.0;
            BarRow {
                label: row.label.clone(),
                label_y,
                top,
                bar: row.value.as_ref().map(&draw).map_err(|r| (*r).to_string()),
            }
        })
        .collect();
    (drawn, y)
}

/// Horizontal 100 % stacked bars, one per row, its label above it, with a legend below.
#[must_use]
pub fn stacked_bars(id: &str, title: &str, rows: &[Row<'_, Vec<Segment<'_>>>]) -> StackedBars {
    let legend: Vec<(&str, &str)> = rows
        .iter()
        .filter_map(|r| r.value.as_ref().ok())
        .flat_map(|segments| segments.iter().map(|s| (s.label, s.colour)))
        .fold(Vec::new(), |mut acc, item| {
            if !acc.contains(&item) {
                acc.push(item);
            }
            acc
        });
    let legend_rows = legend.len().div_ceil(LEGEND_COLUMNS);
    let height = rows.len() as f64 * (LABEL + BAR + 6.0) + legend_rows as f64 * 20.0 + 6.0;
    let desc: Vec<String> = rows
        .iter()
        .map(|r| match &r.value {
            Ok(segments) => format!(
                "{}: {}",
                r.label,
                segments
                    .iter()
                    .map(|s| format!("{} {}", s.label, percent(s.share)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Err(reason) => format!("{}: {reason}", r.label),
        })
        .collect();
    let (drawn, y) = bar_rows(rows, |segments| {
        let mut x = 0.0;
        let mut parts = Vec::with_capacity(segments.len());
        for s in segments {
            let w = (s.share.clamp(0.0, 1.0) * WIDTH).max(0.0);
            if w > 0.0 {
                parts.push(Part {
                    x,
                    width: w,
                    colour: s.colour.to_string(),
                    label: s.label.to_string(),
                    percent: s.share * 100.0,
                    inside: w > 40.0,
                });
            }
            x += w;
        }
        parts
    });
    let legend = legend
        .iter()
        .enumerate()
        .map(|(i, (label, colour))| LegendItem {
            x: (i % LEGEND_COLUMNS) as f64 * (WIDTH / LEGEND_COLUMNS as f64),
            y: y + (i / LEGEND_COLUMNS) as f64 * 20.0,
            label: (*label).to_string(),
            colour: (*colour).to_string(),
        })
        .collect();
    StackedBars {
        head: head(id, height, title, &desc),
        rows: drawn,
        legend,
    }
}

/// Horizontal bars of values between 0 and `max`, each with its label above and its value
/// written at its end.
#[must_use]
pub fn value_bars(id: &str, title: &str, max: f64, rows: &[Row<'_, (f64, String)>]) -> ValueBars {
    let height = rows.len() as f64 * (LABEL + BAR + 6.0) + 2.0;
    let desc: Vec<String> = rows
        .iter()
        .map(|r| match &r.value {
            Ok((_, text)) => format!("{}: {text}", r.label),
            Err(reason) => format!("{}: {reason}", r.label),
        })
        .collect();
    let (drawn, _) = bar_rows(rows, |(value, text)| ValueBar {
        width: if max > 0.0 {
            (value / max).clamp(0.0, 1.0) * (WIDTH - 60.0)
        } else {
            0.0
        },
        text: text.clone(),
    });
    ValueBars {
        head: head(id, height, title, &desc),
        rows: drawn,
    }
}

/// Vertical columns over time (one per week), hidden weeks drawn as a grey stub marked `×`.
#[must_use]
pub fn columns(id: &str, title: &str, rows: &[Row<'_, f64>]) -> Columns {
    let height = 156.0;
    let plot = 110.0;
    let max = rows
        .iter()
        .filter_map(|r| r.value.as_ref().ok().copied())
        .fold(0.0_f64, f64::max);
    let slot = WIDTH / rows.len().max(1) as f64;
    let w = (slot * 0.7).min(40.0);
    let desc: Vec<String> = rows
        .iter()
        .map(|r| match &r.value {
            Ok(v) => format!("{}: {v:.0}", r.label),
            Err(reason) => format!("{}: {reason}", r.label),
        })
        .collect();
    let every = (rows.len() / 6).max(1);
    let columns = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let x = i as f64 * slot + (slot - w) / 2.0;
            Column {
                label: row.label.clone(),
                x,
                centre: x + w / 2.0,
                bar: match &row.value {
                    Ok(v) => {
                        let h = if max > 0.0 {
                            v / max * (plot - 16.0)
                        } else {
                            0.0
                        };
                        Ok(ColumnBar {
                            value: *v,
                            top: plot - h,
                            height: h,
                        })
                    }
                    Err(reason) => Err((*reason).to_string()),
                },
                axis: (i % every == 0)
                    .then(|| row.label.get(5..).unwrap_or(&row.label).to_string()),
            }
        })
        .collect();
    Columns {
        head: head(id, height, title, &desc),
        plot,
        width: w,
        columns,
    }
}

#[cfg(test)]
mod tests {
    use askama::Template;

    use super::*;

    #[derive(Template)]
    #[template(source = "{% include \"charts/value_bars.html\" %}", ext = "html")]
    struct DrawValueBars {
        chart: ValueBars,
    }

    #[derive(Template)]
    #[template(source = "{% include \"charts/stacked_bars.html\" %}", ext = "html")]
    struct DrawStackedBars {
        chart: StackedBars,
    }

    #[derive(Template)]
    #[template(source = "{% include \"charts/columns.html\" %}", ext = "html")]
    struct DrawColumns {
        chart: Columns,
    }

    #[derive(Template)]
    #[template(source = "{% include \"charts/lines.html\" %}", ext = "html")]
    struct DrawLines {
        chart: Lines,
    }

    #[test]
    fn a_line_breaks_at_a_hidden_value_which_is_marked_on_the_baseline_with_its_reason() {
        let periods: Vec<String> = ["Q1", "Q2", "Q3", "Q4"].map(String::from).to_vec();
        let series = [
            LineSeries {
                label: "score",
                colour: PALETTE[0],
                dashed: false,
                values: vec![
                    Some(Ok(0.0)),
                    Some(Ok(100.0)),
                    Some(Err("hidden".into())),
                    Some(Ok(50.0)),
                ],
            },
            LineSeries {
                label: "rate",
                colour: PALETTE[5],
                dashed: true,
                values: vec![None, Some(Ok(40.0)), Some(Ok(60.0)), None],
            },
        ];
        let chart = lines("l", "Trend", &periods, 100.0, &series);
        let score = &chart.lines[0];
        // x: 30 + (i + 0.5) * 82.5; y: 130 at 0, 10 at 100
        assert_eq!(score.runs, ["71.2,130.0 153.8,10.0", "318.8,70.0"]);
        assert_eq!(score.gaps.len(), 1);
        assert!((score.gaps[0].x - 236.25).abs() < 1e-9);
        assert_eq!(chart.lines[1].runs, ["153.8,82.0 236.2,58.0"]);
        assert_eq!(chart.ticks.len(), 5);
        assert_eq!(
            (chart.ticks[4].label.as_str(), chart.ticks[4].y),
            ("100", 10.0)
        );
        assert_eq!(chart.axis.len(), 4);
        assert_eq!(
            chart.head.desc,
            "score: Q1 0.0, Q2 100.0, Q3 hidden, Q4 50.0; rate: Q2 40.0, Q3 60.0"
        );
        let svg = DrawLines { chart }.render().unwrap();
        assert!(
            svg.contains(
                "<polyline points=\"71.2,130.0 153.8,10.0\" fill=\"none\" stroke=\"#1b7f3b\""
            ),
            "{svg}"
        );
        assert!(svg.contains("stroke-dasharray"), "{svg}");
        assert!(
            svg.contains("<title>Q3 score: hidden</title>") && svg.contains(">×</text>"),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn many_periods_label_only_every_few_and_the_last() {
        let periods: Vec<String> = (1..=20).map(|i| format!("P{i}")).collect();
        let chart = lines("l", "t", &periods, 100.0, &[]);
        let labels: Vec<&str> = chart.axis.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(labels, ["P1", "P6", "P11", "P16", "P20"]);
    }

    #[test]
    fn a_hidden_row_draws_no_bar_and_says_why() {
        let rows = [
            Row {
                label: "A".into(),
                value: Ok((80.0, "80.0".into())),
            },
            Row {
                label: "<B>".into(),
                value: Err("hidden"),
            },
        ];
        let chart = value_bars("x", "Scores", 100.0, &rows);
        assert!(chart.rows[0].bar.is_ok() && chart.rows[1].bar.is_err());
        let svg = DrawValueBars { chart }.render().unwrap();
        assert!(svg.contains("role=\"img\"") && svg.contains("<title id=\"x-t\">Scores</title>"));
        assert!(svg.contains("&#60;B&#62;: hidden"), "escaped: {svg}");
        assert_eq!(svg.matches("fill=\"#0b5cad\"").count(), 1);
    }

    #[test]
    fn stacked_segments_fill_the_width_and_are_described() {
        let rows = [Row {
            label: "王".into(),
            value: Ok(vec![
                Segment {
                    label: "优秀",
                    share: 0.5,
                    colour: PALETTE[0],
                },
                Segment {
                    label: "称职",
                    share: 0.5,
                    colour: PALETTE[1],
                },
            ]),
        }];
        let chart = stacked_bars("s", "Grades", &rows);
        assert_eq!(chart.head.desc, "王: 优秀 50.0%, 称职 50.0%");
        let Ok(parts) = &chart.rows[0].bar else {
            panic!("the row is drawn")
        };
        assert_eq!((parts[1].x, parts[1].width), (180.0, 180.0));
        assert_eq!(chart.legend.len(), 2);
        let svg = DrawStackedBars { chart }.render().unwrap();
        assert!(svg.contains("王: 优秀 50.0%, 称职 50.0%"));
        assert!(svg.contains("<rect x=\"180.0\" y=\"19.0\" width=\"180.0\" height=\"20\" fill=\"#7cc47f\"><title>称职 50.0%</title></rect>"), "{svg}");
        assert!(svg.contains("fill=\"#fff\">50%</text>"));
    }

    #[test]
    fn a_hidden_week_is_a_stub_marked_with_a_cross_and_every_label_is_under_its_column() {
        let rows = [
            Row {
                label: "2026-11-30".into(),
                value: Ok(8.0),
            },
            Row {
                label: "2026-12-07".into(),
                value: Err("hidden: fewer than 5"),
            },
        ];
        let chart = columns("weeks", "Weeks", &rows);
        assert_eq!(chart.columns[0].axis.as_deref(), Some("11-30"));
        let Ok(bar) = &chart.columns[0].bar else {
            panic!("the first week is drawn")
        };
        assert!(
            (bar.height - 94.0).abs() < 1e-9,
            "the tallest column fills the plot"
        );
        let svg = DrawColumns { chart }.render().unwrap();
        assert!(
            svg.starts_with("<svg class=\"chart\" viewBox=\"0 0 360 156\""),
            "{svg}"
        );
        assert!(svg.contains("<line x1=\"0\" y1=\"110\" x2=\"360\" y2=\"110\""));
        assert!(svg.contains("<title>2026-12-07 hidden: fewer than 5</title>"));
        assert!(svg.contains(">×</text>") && svg.ends_with("</svg>"));
    }
}
