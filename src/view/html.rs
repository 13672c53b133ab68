//! The dashboard page: one self-contained HTML file. Styles and charts are inline, fonts are
//! the system's, there is no script, and a Content-Security-Policy forbids every request, so
//! the file opens from disk with no network and prints cleanly. The figures are also in
//! `data-*` attributes and in a JSON block (`#inlet-brief`) for tools and tests.

use std::fmt::Write as _;

use super::brief::{Brief, Chart, Figure, Kpi, SourceBrief};
use super::svg::{self, escape};

const STYLE: &str = include_str!("dashboard.css");

/// Renders the page.
pub fn render(brief: &Brief) -> anyhow::Result<String> {
    let mut page = String::with_capacity(64 * 1024);
    let title = format!("{} · data dashboard", brief.client);
    let _ = write!(
        page,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <meta name=\"generator\" content=\"inlet {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&title)
    );
    let _ = write!(
        page,
        "<header class=\"top\"><div><p class=\"eyebrow\">Data dashboard</p><h1>{}</h1>\
         <p class=\"period\"><strong>{}</strong> ({} days) compared with {}</p></div>\
         <p class=\"meta\">Generated {}<br>from the local inlet cache</p></header>\n<main>\n",
        escape(&brief.client),
        escape(&long_period(&brief.period)),
        brief.period.days(),
        escape(&long_period(&brief.previous_period)),
        escape(&brief.generated_at[..16.min(brief.generated_at.len())].replace('T', " ")),
    );
    if !brief.caveats.is_empty() {
        page.push_str(
            "<section class=\"caveats\" aria-label=\"Caveats\"><h2>Before you read</h2><ul>",
        );
        for caveat in &brief.caveats {
            let _ = write!(
                page,
                "<li data-caveat=\"{}\">{}</li>",
                escape(caveat.kind),
                inline_code(&caveat.message)
            );
        }
        page.push_str("</ul></section>\n");
    }
    freshness(&mut page, brief);
    if brief.sources.is_empty() {
        page.push_str("<section><p class=\"empty\">No data yet. Run <code>inlet fetch</code> for this client, then build the dashboard again.</p></section>\n");
    }
    let mut chart_index = 0;
    for source in &brief.sources {
        section(&mut page, source, &mut chart_index);
    }
    movers(&mut page, brief);
    let data = serde_json::to_string(brief)?
        .replace("</", "<\\/")
        .replace("<!--", "<\\!--");
    let _ = write!(
        page,
        "</main>\n<footer>Figures come from the normalized export of the same cache. Money is shown per currency and never converted or added across currencies. Every chart's numbers are in the table below it.</footer>\n\
         <script type=\"application/json\" id=\"inlet-brief\">{data}</script>\n</body>\n</html>\n"
    );
    Ok(page)
}

fn long_period(period: &super::Period) -> String {
    format!(
        "{} – {}",
        period.start.strftime("%-d %b %Y"),
        period.end.strftime("%-d %b %Y")
    )
}

/// Text with `backticks` as `<code>`.
fn inline_code(text: &str) -> String {
    let mut out = String::new();
    for (index, part) in text.split('`').enumerate() {
        if index % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

fn freshness(page: &mut String, brief: &Brief) {
    if brief.sources.is_empty() {
        return;
    }
    page.push_str("<section class=\"freshness\"><h2>Sources</h2><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Source</th><th scope=\"col\">Connection</th><th scope=\"col\">Last successful fetch</th><th scope=\"col\">Latest run</th><th scope=\"col\" class=\"num\">Records</th><th scope=\"col\">State</th></tr></thead><tbody>");
    for source in &brief.sources {
        let fresh = &source.freshness;
        let (state, class) = if !fresh.connected {
            ("Disconnected", "warn")
        } else if fresh.stale {
            ("Stale", "warn")
        } else if fresh
            .last_run
            .as_deref()
            .is_some_and(|outcome| outcome != "ok")
        {
            ("Incomplete", "warn")
        } else {
            ("Fresh", "ok")
        };
        let _ = write!(
            page,
            "<tr data-connection=\"{}\" data-stale=\"{}\"><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td><span class=\"badge {class}\">{state}</span></td></tr>",
            escape(&source.connection),
            fresh.stale,
            escape(source.title),
            escape(&source.connection),
            escape(&short_time(fresh.last_success.as_deref())),
            escape(&match (&fresh.last_run, &fresh.last_run_at) {
                (Some(outcome), at) => format!("{outcome}, {}", short_time(at.as_deref())),
                (None, _) => "never".to_owned(),
            }),
            escape(&super::money::grouped(&fresh.records.to_string())),
        );
    }
    page.push_str("</tbody></table></div></section>\n");
}

fn short_time(time: Option<&str>) -> String {
    time.map_or_else(
        || "never".to_owned(),
        |time| format!("{} UTC", time[..16.min(time.len())].replace('T', " ")),
    )
}

fn section(page: &mut String, source: &SourceBrief, chart_index: &mut usize) {
    let _ = write!(
        page,
        "<section class=\"source\" data-source=\"{}\" data-kind=\"{}\"><h2>{} <span class=\"conn\">{}</span></h2>\n<div class=\"tiles\">",
        escape(&source.connection),
        source.kind,
        escape(source.title),
        escape(&source.connection)
    );
    // KPIs of one id (one per currency) share a tile.
    let mut index = 0;
    while index < source.kpis.len() {
        let id = &source.kpis[index].id;
        let end = source.kpis[index..]
            .iter()
            .position(|kpi| &kpi.id != id)
            .map_or(source.kpis.len(), |offset| index + offset);
        tile(page, &source.kpis[index..end]);
        index = end;
    }
    page.push_str("</div>\n");
    if !source.charts.is_empty() {
        page.push_str("<div class=\"charts\">");
        for chart in &source.charts {
            *chart_index += 1;
            figure(page, chart, *chart_index);
        }
        page.push_str("</div>\n");
    }
    page.push_str("</section>\n");
}

fn tile(page: &mut String, kpis: &[Kpi]) {
    let Some(first) = kpis.first() else { return };
    let period = format!("{} – {}", first.source.from, first.source.to);
    let _ = write!(
        page,
        "<article class=\"tile\" data-kpi=\"{}\"><h3>{}</h3>",
        escape(&first.id),
        escape(&first.label)
    );
    for kpi in kpis {
        let (delta_text, delta_class) = match kpi.change_percent {
            Some(change) => {
                let good = (change > 0.0) == (kpi.better == "up");
                let class = if change == 0.0 {
                    "flat"
                } else if good {
                    "good"
                } else {
                    "bad"
                };
                let arrow = if change > 0.0 {
                    "▲"
                } else if change < 0.0 {
                    "▼"
                } else {
                    "■"
                };
                (format!("{arrow} {change:+.1}%"), class)
            }
            // No percentage against a zero: either nothing changed, or it started from zero.
            None if kpi.previous.is_some() => {
                if kpi.value == Figure::Count(0) || kpi.value == Figure::Number(0.0) {
                    ("no change".to_owned(), "flat")
                } else {
                    ("from zero".to_owned(), "flat")
                }
            }
            None => ("now".to_owned(), "flat"),
        };
        let previous = kpi
            .previous
            .as_ref()
            .map(|figure| format!("previous {}", figure.exact(kpi.unit)))
            .unwrap_or_else(|| "as of the period's end".to_owned());
        let _ = write!(
            page,
            "<div class=\"figure\" data-kpi=\"{}\" data-connection=\"{}\" data-unit=\"{}\" data-currency=\"{}\" data-value=\"{}\" data-previous=\"{}\" data-from=\"{}\" data-to=\"{}\"><span class=\"value\" title=\"{}\">{}</span><span class=\"delta {delta_class}\">{}</span><span class=\"previous\">{}</span></div>",
            escape(&kpi.id),
            escape(&kpi.source.connection),
            kpi.unit,
            escape(kpi.currency.as_deref().unwrap_or("")),
            escape(&machine(&kpi.value)),
            escape(&kpi.previous.as_ref().map(machine).unwrap_or_default()),
            kpi.source.from,
            kpi.source.to,
            escape(&kpi.value.exact(kpi.unit)),
            escape(&kpi.value.short(kpi.unit)),
            escape(&delta_text),
            escape(&previous),
        );
    }
    let _ = write!(page, "<p class=\"range\">{}</p></article>", escape(&period));
}

/// A figure's value for machines: an integer count, integer minor units, or a decimal.
fn machine(figure: &Figure) -> String {
    match figure {
        Figure::Count(count) => count.to_string(),
        Figure::Money(money) => money.minor_units.to_string(),
        Figure::Number(number) => format!("{number}"),
    }
}

fn figure(page: &mut String, chart: &Chart, index: usize) {
    let title_id = format!("chart-{index}");
    let _ = write!(
        page,
        "<figure class=\"chart-card {}\" data-chart=\"{}\"><h3 id=\"{title_id}\">{}</h3><p class=\"caption\">{}</p>{}",
        if chart.labels.len() > 8 { "wide" } else { "" },
        escape(&chart.id),
        escape(&chart.title),
        escape(&chart.caption),
        svg::render(chart, &title_id)
    );
    let _ = write!(
        page,
        "<details><summary>Numbers</summary><div class=\"table-wrap\"><table aria-describedby=\"{title_id}\"><thead><tr><th scope=\"col\"></th>"
    );
    for series in &chart.series {
        let _ = write!(
            page,
            "<th scope=\"col\" class=\"num\">{}</th>",
            escape(&series.name)
        );
    }
    page.push_str("</tr></thead><tbody>");
    for (row, label) in chart.labels.iter().enumerate() {
        let _ = write!(page, "<tr><th scope=\"row\">{}</th>", escape(label));
        for series in &chart.series {
            let text = series
                .points
                .get(row)
                .map_or("", |point| point.text.as_str());
            let _ = write!(page, "<td class=\"num\">{}</td>", escape(text));
        }
        page.push_str("</tr>");
    }
    page.push_str("</tbody></table></div></details></figure>");
}

fn movers(page: &mut String, brief: &Brief) {
    if brief.movers.is_empty() {
        return;
    }
    let _ = write!(
        page,
        "<section class=\"movers\"><h2>Largest movers</h2><p class=\"caption\">{} against {}</p><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Name</th><th scope=\"col\">Measure</th><th scope=\"col\" class=\"num\">This period</th><th scope=\"col\" class=\"num\">Previous</th><th scope=\"col\" class=\"num\">Change</th><th scope=\"col\">Source</th></tr></thead><tbody>",
        escape(&brief.period.describe()),
        escape(&brief.previous_period.describe())
    );
    for mover in &brief.movers {
        let unit = "number";
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}{}</td><td><code>{}</code></td></tr>",
            escape(&mover.kind),
            escape(&mover.name),
            escape(&mover.measure),
            escape(&mover.current.exact(unit)),
            escape(&mover.previous.exact(unit)),
            escape(&mover.difference),
            escape(
                &mover
                    .change_percent
                    .map(|pct| format!(" ({pct:+.1}%)"))
                    .unwrap_or_default()
            ),
            escape(&mover.connection),
        );
    }
    page.push_str("</tbody></table></div></section>\n");
}
