//! Charts drawn on the server as inline SVG: no JavaScript, scaled to the width of a 360 px
//! phone, each with a title and a text description for screen readers (the figures are also
//! in the table beside every chart). A hidden figure is drawn as a grey, hatched-free gap with
//! its reason written out, never as a bar.

#![allow(
    clippy::cast_precision_loss,
    clippy::many_single_char_names,
    reason = "chart geometry: small row counts as floats, and x, y, w, h as in SVG"
)]

use std::fmt::Write;

use super::page::esc;

/// Width of the drawing in user units; the SVG scales to its container.
const WIDTH: f64 = 360.0;
/// Height of one bar.
const BAR: f64 = 20.0;
/// Height of a label line above a bar.
const LABEL: f64 = 19.0;
/// Size of a label, in user units: about 14 px on a 360 px phone.
const TEXT: u32 = 15;
/// Size of a value, a legend or an axis label: about 12 px on a 360 px phone.
const SMALL: u32 = 13;
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

fn open(b: &mut String, height: f64, title: &str, desc: &str, id: &str) {
    let _ = write!(
        b,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(desc)
    );
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// Horizontal 100 % stacked bars, one per row, its label above it, with a legend below.
#[must_use]
pub fn stacked_bars(id: &str, title: &str, rows: &[Row<'_, Vec<Segment<'_>>>]) -> String {
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
    let mut b = String::with_capacity(512 + rows.len() * 400);
    open(&mut b, height, title, &desc.join("; "), id);
    let mut y = 0.0;
    for row in rows {
        let _ = write!(
            b,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"{TEXT}\">{}</text>",
            y + 15.0,
            esc(&row.label)
        );
        let top = y + LABEL;
        match &row.value {
            Ok(segments) => {
                let mut x = 0.0;
                for s in segments {
                    let w = (s.share.clamp(0.0, 1.0) * WIDTH).max(0.0);
                    if w > 0.0 {
                        let _ = write!(
                            b,
                            "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{w:.1}\" height=\"{BAR}\" fill=\"{}\"><title>{} {}</title></rect>",
                            s.colour,
                            esc(s.label),
                            percent(s.share)
                        );
                        if w > 40.0 {
                            let _ = write!(
                                b,
                                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{SMALL}\" fill=\"#fff\">{:.0}%</text>",
                                x + 3.0,
                                top + 15.0,
                                s.share * 100.0
                            );
                        }
                    }
                    x += w;
                }
            }
            Err(reason) => {
                let _ = write!(
                    b,
                    "<rect x=\"0\" y=\"{top:.1}\" width=\"{WIDTH}\" height=\"{BAR}\" fill=\"#eceef2\"/>\
                     <text x=\"4\" y=\"{:.1}\" font-size=\"{SMALL}\" fill=\"#555\">{}</text>",
                    top + 15.0,
                    esc(reason)
                );
            }
        }
        y = top + BAR + 6.0;
    }
    for (i, (label, colour)) in legend.iter().enumerate() {
        let x = (i % LEGEND_COLUMNS) as f64 * (WIDTH / LEGEND_COLUMNS as f64);
        let ly = y + (i / LEGEND_COLUMNS) as f64 * 20.0;
        let _ = write!(
            b,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{SMALL}\">{}</text>",
            ly + 3.0,
            x + 16.0,
            ly + 14.0,
            esc(label)
        );
    }
    b.push_str("</svg>");
    b
}

/// Horizontal bars of values between 0 and `max`, each with its label above and its value
/// written at its end.
#[must_use]
pub fn value_bars(id: &str, title: &str, max: f64, rows: &[Row<'_, (f64, String)>]) -> String {
    let height = rows.len() as f64 * (LABEL + BAR + 6.0) + 2.0;
    let desc: Vec<String> = rows
        .iter()
        .map(|r| match &r.value {
            Ok((_, text)) => format!("{}: {text}", r.label),
            Err(reason) => format!("{}: {reason}", r.label),
        })
        .collect();
    let mut b = String::with_capacity(512 + rows.len() * 300);
    open(&mut b, height, title, &desc.join("; "), id);
    let mut y = 0.0;
    for row in rows {
        let _ = write!(
            b,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"{TEXT}\">{}</text>",
            y + 15.0,
            esc(&row.label)
        );
        let top = y + LABEL;
        match &row.value {
            Ok((value, text)) => {
                let w = if max > 0.0 {
                    (value / max).clamp(0.0, 1.0) * (WIDTH - 60.0)
                } else {
                    0.0
                };
                let _ = write!(
                    b,
                    "<rect x=\"0\" y=\"{top:.1}\" width=\"{w:.1}\" height=\"{BAR}\" fill=\"#0b5cad\"/>\
                     <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{SMALL}\">{}</text>",
                    w + 4.0,
                    top + 15.0,
                    esc(text)
                );
            }
            Err(reason) => {
                let _ = write!(
                    b,
                    "<rect x=\"0\" y=\"{top:.1}\" width=\"{WIDTH}\" height=\"{BAR}\" fill=\"#eceef2\"/>\
                     <text x=\"4\" y=\"{:.1}\" font-size=\"{SMALL}\" fill=\"#555\">{}</text>",
                    top + 15.0,
                    esc(reason)
                );
            }
        }
        y = top + BAR + 6.0;
    }
    b.push_str("</svg>");
    b
}

/// Vertical columns over time (one per week), hidden weeks drawn as a grey stub marked `×`.
#[must_use]
pub fn columns(id: &str, title: &str, rows: &[Row<'_, f64>]) -> String {
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
    let mut b = String::with_capacity(512 + rows.len() * 300);
    open(&mut b, height, title, &desc.join("; "), id);
    let _ = write!(
        b,
        "<line x1=\"0\" y1=\"{plot}\" x2=\"{WIDTH}\" y2=\"{plot}\" stroke=\"#999\" stroke-width=\"1\"/>"
    );
    let every = (rows.len() / 6).max(1);
    for (i, row) in rows.iter().enumerate() {
        let x = i as f64 * slot + (slot - w) / 2.0;
        match &row.value {
            Ok(v) => {
                let h = if max > 0.0 {
                    v / max * (plot - 16.0)
                } else {
                    0.0
                };
                let _ = write!(
                    b,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"#0b5cad\"><title>{} {v:.0}</title></rect>\
                     <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{SMALL}\" text-anchor=\"middle\">{v:.0}</text>",
                    plot - h,
                    esc(&row.label),
                    x + w / 2.0,
                    plot - h - 3.0
                );
            }
            Err(reason) => {
                let _ = write!(
                    b,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"6\" fill=\"#eceef2\"><title>{} {}</title></rect>\
                     <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{SMALL}\" text-anchor=\"middle\" fill=\"#555\">×</text>",
                    plot - 6.0,
                    esc(&row.label),
                    esc(reason),
                    x + w / 2.0,
                    plot - 9.0
                );
            }
        }
        if i % every == 0 {
            let _ = write!(
                b,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{SMALL}\" text-anchor=\"middle\">{}</text>",
                x + w / 2.0,
                plot + 17.0,
                esc(row.label.get(5..).unwrap_or(&row.label))
            );
        }
    }
    b.push_str("</svg>");
    b
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let svg = value_bars("x", "Scores", 100.0, &rows);
        assert!(svg.contains("role=\"img\"") && svg.contains("<title id=\"x-t\">Scores</title>"));
        assert!(svg.contains("&lt;B&gt;: hidden"));
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
        let svg = stacked_bars("s", "Grades", &rows);
        assert!(svg.contains("王: 优秀 50.0%, 称职 50.0%"));
        assert!(svg.contains("x=\"180.0\""));
    }
}
