//! Charts as inline SVG, drawn here rather than by a script: the page needs no JavaScript,
//! renders the same in every browser and in print, and the drawing is deterministic (the
//! same cache gives the same bytes). Colours are CSS classes, so charts follow the page's
//! light or dark scheme. Geometry is computed on the integer magnitudes of the points.

use std::fmt::Write as _;

use super::brief::{Chart, ChartKind};
use super::money::short_number;

const WIDTH: i128 = 640;
const HEIGHT: i128 = 240;
const LEFT: i128 = 56;
const RIGHT: i128 = 12;
const TOP: i128 = 12;
const BOTTOM: i128 = 40;

/// Escapes text for HTML and SVG.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// The chart as an `<svg>` element labelled by `title_id`.
pub fn render(chart: &Chart, title_id: &str) -> String {
    match chart.kind {
        ChartKind::Columns => columns(chart, title_id),
        ChartKind::Bars => bars(chart, title_id),
        ChartKind::Lines => lines(chart, title_id),
    }
}

/// A round step for `ticks` gridlines covering `max`: 1, 2 or 5 times a power of ten.
fn nice_step(max: i128, ticks: i128) -> i128 {
    let raw = (max + ticks - 1) / ticks;
    let mut power = 1_i128;
    while power * 10 <= raw {
        power *= 10;
    }
    for factor in [1, 2, 5, 10] {
        if factor * power >= raw {
            return (factor * power).max(1);
        }
    }
    power * 10
}

fn open(title_id: &str, height: i128) -> String {
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{title_id}\" preserveAspectRatio=\"xMidYMid meet\" xmlns=\"http://www.w3.org/2000/svg\">"
    )
}

/// Horizontal gridlines and their labels; returns the scale's top value.
fn grid(out: &mut String, max: i128, exponent: u32, plot_height: i128) -> i128 {
    let step = nice_step(max.max(1), 4);
    let top = step * ((max.max(1) + step - 1) / step);
    let mut tick = 0;
    while tick <= top {
        let y = TOP + plot_height - tick * plot_height / top;
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/><text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6,
            y + 4,
            escape(&short_number(tick, exponent))
        );
        tick += step;
    }
    top
}

fn columns(chart: &Chart, title_id: &str) -> String {
    let mut out = open(title_id, HEIGHT);
    let plot_height = HEIGHT - TOP - BOTTOM;
    let max = chart
        .series
        .iter()
        .flat_map(|series| series.points.iter().map(|point| point.magnitude))
        .max()
        .unwrap_or(0);
    let top = grid(&mut out, max, chart.exponent, plot_height);
    let groups = i128::try_from(chart.labels.len()).unwrap_or(1).max(1);
    let bars = i128::try_from(chart.series.len()).unwrap_or(1).max(1);
    let group_width = (WIDTH - LEFT - RIGHT) / groups;
    let bar_width = ((group_width * 7 / 10) / bars).max(2);
    for (index, label) in chart.labels.iter().enumerate() {
        let index = i128::try_from(index).unwrap_or(0);
        let group_x = LEFT + index * group_width + (group_width - bar_width * bars) / 2;
        for (series_index, series) in chart.series.iter().enumerate() {
            let Some(point) = series.points.get(usize::try_from(index).unwrap_or(0)) else {
                continue;
            };
            let height = point.magnitude.max(0) * plot_height / top;
            let x = group_x + i128::try_from(series_index).unwrap_or(0) * bar_width;
            let _ = write!(
                out,
                "<rect class=\"s{}\" x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{height}\" rx=\"2\"><title>{}: {} {}</title></rect>",
                series_index % 6 + 1,
                TOP + plot_height - height,
                bar_width - 1,
                escape(label),
                escape(&series.name),
                escape(&point.text)
            );
        }
        // Month names on every column; the year under the first and under January.
        let (first, second) = label.split_once(' ').unwrap_or((label.as_str(), ""));
        let center = LEFT + index * group_width + group_width / 2;
        let _ = write!(
            out,
            "<text class=\"axis\" x=\"{center}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            TOP + plot_height + 16,
            escape(first)
        );
        if index == 0 || first == "Jan" {
            let _ = write!(
                out,
                "<text class=\"axis\" x=\"{center}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                TOP + plot_height + 30,
                escape(second)
            );
        }
    }
    out.push_str(&legend(chart));
    out.push_str("</svg>");
    out
}

fn legend(chart: &Chart) -> String {
    if chart.series.len() < 2 {
        return String::new();
    }
    let mut out = String::new();
    let mut x = WIDTH - RIGHT;
    for (index, series) in chart.series.iter().enumerate().rev() {
        let width = i128::try_from(series.name.chars().count()).unwrap_or(0) * 7 + 22;
        x -= width;
        let _ = write!(
            out,
            "<rect class=\"s{}\" x=\"{x}\" y=\"2\" width=\"10\" height=\"10\" rx=\"2\"/><text class=\"axis\" x=\"{}\" y=\"11\">{}</text>",
            index % 6 + 1,
            x + 14,
            escape(&series.name)
        );
    }
    out
}

fn bars(chart: &Chart, title_id: &str) -> String {
    let Some(series) = chart.series.first() else {
        return open(title_id, 40) + "</svg>";
    };
    let row = 26;
    let rows = i128::try_from(chart.labels.len()).unwrap_or(0);
    let height = TOP + rows * row + 8;
    let label_width = 190;
    let mut out = open(title_id, height);
    let max = series
        .points
        .iter()
        .map(|point| point.magnitude)
        .max()
        .unwrap_or(0)
        .max(1);
    let room = WIDTH - label_width - RIGHT - 70;
    for (index, (label, point)) in chart.labels.iter().zip(&series.points).enumerate() {
        let y = TOP + i128::try_from(index).unwrap_or(0) * row;
        let width = point.magnitude.max(0) * room / max;
        let shown: String = if label.chars().count() > 28 {
            label.chars().take(27).chain(['…']).collect()
        } else {
            label.clone()
        };
        let _ = write!(
            out,
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect class=\"s1\" x=\"{label_width}\" y=\"{}\" width=\"{}\" height=\"18\" rx=\"3\"><title>{}: {}</title></rect><text class=\"value\" x=\"{}\" y=\"{}\">{}</text>",
            label_width - 8,
            y + 14,
            escape(&shown),
            y + 1,
            width.max(1),
            escape(label),
            escape(&point.text),
            label_width + width.max(1) + 6,
            y + 14,
            escape(&point.text)
        );
    }
    out.push_str("</svg>");
    out
}

fn lines(chart: &Chart, title_id: &str) -> String {
    let mut out = open(title_id, HEIGHT);
    let plot_height = HEIGHT - TOP - BOTTOM;
    let max = chart
        .series
        .iter()
        .flat_map(|series| series.points.iter().map(|point| point.magnitude))
        .max()
        .unwrap_or(0);
    let top = grid(&mut out, max, chart.exponent, plot_height);
    let count = i128::try_from(chart.labels.len()).unwrap_or(0);
    let span = (count - 1).max(1);
    let x_of = |index: i128| LEFT + index * (WIDTH - LEFT - RIGHT) / span;
    for (series_index, series) in chart.series.iter().enumerate() {
        let points: Vec<String> = series
            .points
            .iter()
            .enumerate()
            .map(|(index, point)| {
                let x = x_of(i128::try_from(index).unwrap_or(0));
                let y = TOP + plot_height - point.magnitude.max(0) * plot_height / top;
                format!("{x},{y}")
            })
            .collect();
        let _ = write!(
            out,
            "<polyline class=\"line l{}\" points=\"{}\"/>",
            series_index % 6 + 1,
            points.join(" ")
        );
    }
    // About six date labels along the axis.
    let every = (count / 6).max(1);
    for (index, label) in chart.labels.iter().enumerate() {
        let index = i128::try_from(index).unwrap_or(0);
        if index % every != 0 {
            continue;
        }
        // Dates read `Nov 4`; the first and last labels keep inside the frame.
        let shown = label.parse::<jiff::civil::Date>().map_or_else(
            |_| label.clone(),
            |date| date.strftime("%b %-d").to_string(),
        );
        let anchor = if index == 0 {
            "start"
        } else if WIDTH - RIGHT - x_of(index) < 30 {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            out,
            "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            x_of(index),
            TOP + plot_height + 16,
            escape(&shown)
        );
    }
    out.push_str(&legend(chart));
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(97, 4), 50);
        assert_eq!(nice_step(100, 4), 50);
        assert_eq!(nice_step(8, 4), 2);
        assert_eq!(nice_step(1, 4), 1);
        assert_eq!(nice_step(123_456, 4), 50_000);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
