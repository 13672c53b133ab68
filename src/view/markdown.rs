//! The report brief as Markdown: short sections that read well in an email and give an LLM
//! every number with its source connection and date range.

use std::fmt::Write as _;

use super::brief::Brief;

/// Renders the brief.
pub fn render(brief: &Brief) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: {} ({} days)\n",
        brief.client,
        brief.period.describe(),
        brief.period.days()
    );
    let _ = writeln!(
        out,
        "Compared with the previous {} days ({}). Generated {} from the inlet cache; money is per currency, never converted.\n",
        brief.previous_period.days(),
        brief.previous_period.describe(),
        &brief.generated_at[..16.min(brief.generated_at.len())].replace('T', " ")
    );
    if !brief.caveats.is_empty() {
        out.push_str("## Caveats\n\n");
        for caveat in &brief.caveats {
            let _ = writeln!(out, "- {}", caveat.message);
        }
        out.push('\n');
    }
    if brief.sources.is_empty() {
        out.push_str("No data: run `inlet fetch` for this client first.\n");
    }
    for source in &brief.sources {
        let fresh = &source.freshness;
        let _ = writeln!(out, "## {} (`{}`)\n", source.title, source.connection);
        let _ = writeln!(
            out,
            "Last successful fetch: {}. {} records cached.\n",
            fresh.last_success.as_deref().unwrap_or("never"),
            super::money::grouped(&fresh.records.to_string())
        );
        if source.kpis.is_empty() {
            out.push_str("No figures for this period.\n\n");
            continue;
        }
        out.push_str("| KPI | This period | Previous | Change | Dates |\n| --- | ---: | ---: | ---: | --- |\n");
        for kpi in &source.kpis {
            let label = match &kpi.currency {
                Some(currency) if kpi.unit == "money" => format!("{} ({currency})", kpi.label),
                _ => kpi.label.clone(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} – {} |",
                label,
                kpi.value.exact(kpi.unit),
                kpi.previous
                    .as_ref()
                    .map_or("–".to_owned(), |figure| figure.exact(kpi.unit)),
                kpi.change_percent.map_or_else(
                    || if kpi.previous.is_some() {
                        "n/a".to_owned()
                    } else {
                        "point in time".to_owned()
                    },
                    |pct| format!("{pct:+.1}%")
                ),
                kpi.source.from,
                kpi.source.to
            );
        }
        out.push('\n');
    }
    if !brief.movers.is_empty() {
        let _ = writeln!(
            out,
            "## Largest movers\n\n{} against {}.\n\n| Kind | Name | Measure | This period | Previous | Change | Source |\n| --- | --- | --- | ---: | ---: | ---: | --- |",
            brief.period.describe(),
            brief.previous_period.describe()
        );
        for mover in &brief.movers {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {}{} | `{}` |",
                mover.kind,
                mover.name.replace('|', "\\|"),
                mover.measure,
                mover.current.exact("number"),
                mover.previous.exact("number"),
                mover.difference,
                mover
                    .change_percent
                    .map(|pct| format!(" ({pct:+.1}%)"))
                    .unwrap_or_default(),
                mover.connection
            );
        }
        out.push('\n');
    }
    out
}
