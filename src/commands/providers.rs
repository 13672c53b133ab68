//! `inlet providers`: list, show and validate provider definitions, and print their schema.

use serde_json::json;

use crate::catalog::{self, AuthScheme, Paginator, Provider};
use crate::cli::{ProvidersArgs, ProvidersCommand};
use crate::context::Context;
use crate::error::{ExitStatus, UserError};

pub(super) fn run(ctx: &Context, args: &ProvidersArgs) -> anyhow::Result<ExitStatus> {
    match &args.command {
        ProvidersCommand::List => list(ctx),
        ProvidersCommand::Show { provider } => show(ctx, provider),
        ProvidersCommand::Validate { files } => validate(ctx, files),
        ProvidersCommand::Schema => {
            ctx.printer.json_data(&catalog::json_schema())?;
            Ok(ExitStatus::Success)
        }
    }
}

fn list(ctx: &Context) -> anyhow::Result<ExitStatus> {
    let catalog = ctx.catalog()?;
    if ctx.printer.json() {
        let rows: Vec<_> = catalog
            .entries()
            .iter()
            .map(|entry| {
                json!({
                    "id": entry.provider.id,
                    "name": entry.provider.name,
                    "category": entry.provider.category,
                    "version": entry.provider.version,
                    "streams": entry.provider.streams.iter().map(|stream| &stream.name).collect::<Vec<_>>(),
                    "origin": entry.origin.to_string(),
                })
            })
            .collect();
        ctx.printer
            .json_data(&json!({ "schema_version": 1, "providers": rows }))?;
        return Ok(ExitStatus::Success);
    }
    let mut table = crate::output::table(&["ID", "NAME", "CATEGORY", "STREAMS", "DEFINITION"]);
    for entry in catalog.entries() {
        let streams: Vec<&str> = entry
            .provider
            .streams
            .iter()
            .map(|stream| stream.name.as_str())
            .collect();
        table.add_row(vec![
            entry.provider.id.clone(),
            entry.provider.name.clone(),
            entry.provider.category.clone(),
            streams.join(", "),
            format!("v{} · {}", entry.provider.version, entry.origin),
        ]);
    }
    ctx.printer.text_data(&table.to_string())?;
    Ok(ExitStatus::Success)
}

fn show(ctx: &Context, id: &str) -> anyhow::Result<ExitStatus> {
    let catalog = ctx.catalog()?;
    let entry = catalog.entry(id)?;
    let provider = &entry.provider;
    if ctx.printer.json() {
        ctx.printer.json_data(&json!({ "schema_version": 1, "origin": entry.origin.to_string(), "definition": &**provider }))?;
        return Ok(ExitStatus::Success);
    }
    ctx.printer
        .text_data(&describe(provider, &entry.origin.to_string()))?;
    Ok(ExitStatus::Success)
}

/// A person-readable summary of a definition.
fn describe(provider: &Provider, origin: &str) -> String {
    let mut text = format!(
        "{} ({}) · {} · definition v{} · {origin}\n  docs:     {}\n  base URL: {}\n",
        provider.name,
        provider.id,
        provider.category,
        provider.version,
        provider.docs,
        provider.base_url
    );
    if let Some(setup) = &provider.setup {
        text.push_str("\nBefore connecting:\n");
        for line in setup.trim().lines() {
            text.push_str(&format!("  {}\n", line.trim_end()));
        }
    }
    text.push_str("\nAuth modes (the first is the default):\n");
    for mode in &provider.auth {
        let secret = mode.secret.as_deref().unwrap_or_default();
        let how = match (&mode.oauth, mode.scheme()) {
            (Some(oauth), _) => crate::auth::describe_mode(oauth),
            (None, AuthScheme::Bearer) => format!("`{secret}` as a Bearer token"),
            (None, AuthScheme::Basic) => format!("`{secret}` as the HTTP Basic user name"),
            (None, AuthScheme::Header(header)) => format!("`{secret}` in the `{header}` header"),
        };
        text.push_str(&format!("  {:<14} {} ({how})\n", mode.id, mode.label));
    }
    text.push_str("\nInputs:\n");
    for input in &provider.inputs {
        let kind = if input.secret {
            "secret, kept in the keychain"
        } else if input.choices.is_some() {
            "`--set`, or picked from the account's list at connect"
        } else {
            "`--set`"
        };
        let example = input
            .example
            .as_deref()
            .map(|example| format!(", e.g. {example}"))
            .unwrap_or_default();
        text.push_str(&format!(
            "  {:<14} {} ({kind}{example})\n",
            input.name, input.label
        ));
    }
    if !provider.headers.is_empty() {
        text.push_str("\nHeaders sent with every request:\n");
        for (name, value) in &provider.headers {
            text.push_str(&format!("  {name}: {value}\n"));
        }
    }
    text.push_str(&format!(
        "\nVerify: {} {}\n",
        method(&provider.verify.method),
        provider.verify.path
    ));
    let limits = &provider.limits;
    text.push_str("\nLimits:\n");
    match (limits.requests, &limits.per) {
        (Some(requests), Some(per)) => {
            text.push_str(&format!("  budget         {requests} requests per {per}\n"))
        }
        _ => text.push_str("  budget         none documented\n"),
    }
    if let Some(header) = &limits.remaining_header {
        text.push_str(&format!("  remaining      `{header}`\n"));
    }
    if let Some(allowance) = &limits.allowance {
        text.push_str(&format!(
            "  allowance      {} (`{}: {}=USED/LIMIT`); stops with {}% left, resumes at the next run\n",
            allowance.describe, allowance.header, allowance.prefix, allowance.reserve_percent
        ));
    }
    for rule in &limits.exhausted {
        let matching = rule
            .body_contains
            .as_deref()
            .map(|needle| format!(" with \"{needle}\""))
            .unwrap_or_default();
        text.push_str(&format!(
            "  used up        HTTP {}{matching}: the stream stops, no retry\n",
            rule.status
        ));
    }
    if let Some(quota) = &limits.quota {
        text.push_str(&format!(
            "  quota          `{}` in responses; at {} or less, pause {}\n",
            quota.remaining, quota.reserve, quota.wait
        ));
    }
    for rule in &limits.throttle {
        let matching = rule
            .body_contains
            .as_deref()
            .map(|needle| format!(" with \"{needle}\""))
            .unwrap_or_default();
        let wait = rule
            .wait
            .as_deref()
            .map(|wait| format!(", wait {wait}"))
            .unwrap_or_default();
        text.push_str(&format!(
            "  throttle       HTTP {}{matching}{wait}\n",
            rule.status
        ));
    }
    text.push_str("\nStreams:\n");
    for stream in &provider.streams {
        text.push_str(&format!(
            "  {:<14} → {:<10} {} {} · {}\n",
            stream.name,
            stream.entity.as_str(),
            method(&stream.request.method),
            stream.request.path,
            paginator(&stream.paginator)
        ));
        if let Some(report) = &stream.report {
            text.push_str(&format!(
                "  {:<14}   report: each fetch re-pulls the last {} days (the first, {} days) and replaces them\n",
                "", report.restatement_days, report.history_days
            ));
        }
        if let Some(deletions) = &stream.deletions {
            text.push_str(&format!(
                "  {:<14}   deletions: {} {}, after each complete pass (id at `{}`)\n",
                "",
                method(&deletions.request.method),
                deletions.request.path,
                deletions.id
            ));
        }
        for association in &stream.associations {
            text.push_str(&format!(
                "  {:<14}   {} from {} {} after each pass, {} per request\n",
                "",
                association.field,
                method(&association.request.method),
                association.request.path,
                association.batch
            ));
        }
        if let Some(changes) = &stream.changes {
            text.push_str(&format!(
                "  {:<14}   changes: {} {} before each incremental pass ({} kept, then a full fetch)\n",
                "",
                method(&changes.request.method),
                changes.request.path,
                changes.history
            ));
        }
        if let Some(partitions) = &stream.partitions {
            text.push_str(&format!(
                "  {:<14}   in ranges of `{}` from {}, up to {} at once: {} {}\n",
                "",
                partitions.field,
                partitions.start,
                partitions.jobs,
                method(&partitions.request.method),
                partitions.request.path,
            ));
        }
        if let Some(incremental) = &stream.incremental {
            // A partitioned stream's incremental pass is ranges from the watermark too.
            let request = match (&stream.partitions, &incremental.request) {
                (Some(_), _) => "from the watermark, in ranges".to_owned(),
                (None, Some(request)) => format!("{} {}", method(&request.method), request.path),
                (None, None) => "same request".to_owned(),
            };
            let window = incremental
                .window
                .as_deref()
                .filter(|_| stream.partitions.is_none())
                .map(|window| format!(", windows of {window}"))
                .unwrap_or_default();
            let cap = incremental
                .max_results
                .as_ref()
                .map(|cap| format!(", split above {} results", cap.limit))
                .unwrap_or_default();
            text.push_str(&format!(
                "  {:<14}   incremental on `{}` ({}, lookback {}{window}{cap}): {request}\n",
                "",
                incremental.cursor,
                incremental.format.as_str(),
                incremental.lookback.as_deref().unwrap_or("0s"),
            ));
        }
    }
    text
}

fn method(method: &catalog::Method) -> &'static str {
    match method {
        catalog::Method::Get => "GET",
        catalog::Method::Post => "POST",
    }
}

fn paginator(paginator: &Paginator) -> String {
    match paginator {
        Paginator::None => "one page".to_owned(),
        Paginator::BodyCursor { cursor, param, .. } => format!("cursor `{cursor}` → `{param}`"),
        Paginator::NextUrl { next, .. } => format!("next URL `{next}`"),
        Paginator::HasMore {
            has_more, param, ..
        } => format!("`{has_more}` + last id → `{param}`"),
        Paginator::Offset {
            offset_param,
            limit,
            ..
        } => format!("offset `{offset_param}`, {limit} per page"),
        Paginator::PageNumber { param, .. } => format!("page number `{param}`"),
        Paginator::LinkHeader { .. } => "Link header".to_owned(),
    }
}

fn validate(ctx: &Context, files: &[std::path::PathBuf]) -> anyhow::Result<ExitStatus> {
    let mut results = Vec::new();
    let mut failed = false;
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|error| {
            let shown = file.display();
            match error.kind() {
                std::io::ErrorKind::NotFound => UserError::usage(format!("no file `{shown}`"))
                    .hint("check the path; a definition is a `.toml` file, e.g. `inlet providers validate ./my-crm.toml`"),
                std::io::ErrorKind::IsADirectory => {
                    UserError::usage(format!("`{shown}` is a folder, not a definition file"))
                        .hint(format!("validate its files: `inlet providers validate {}/*.toml`", shown.to_string().trim_end_matches('/')))
                }
                std::io::ErrorKind::PermissionDenied => UserError::usage(format!(
                    "cannot read `{shown}`: permission denied"
                ))
                .hint("check the file's permissions"),
                std::io::ErrorKind::InvalidData => UserError::usage(format!(
                    "`{shown}` is not UTF-8 text; a definition is a TOML file"
                )),
                _ => UserError::usage(format!("cannot read `{shown}`: {error}")),
            }
        })?;
        let problems = match catalog::parse(&text) {
            Ok(_) => Vec::new(),
            Err(problems) => problems,
        };
        failed |= !problems.is_empty();
        results.push((file, problems));
    }
    if ctx.printer.json() {
        let rows: Vec<_> = results
            .iter()
            .map(|(file, problems)| {
                json!({
                    "file": file,
                    "valid": problems.is_empty(),
                    "problems": problems.iter().map(|problem| json!({ "path": problem.path, "message": problem.message, "hint": problem.hint })).collect::<Vec<_>>(),
                })
            })
            .collect();
        ctx.printer
            .json_data(&json!({ "schema_version": 1, "files": rows }))?;
    } else {
        let mut out = String::new();
        for (file, problems) in &results {
            if problems.is_empty() {
                out.push_str(&format!("{}: valid\n", file.display()));
            } else {
                out.push_str(&format!(
                    "{}: {} problem(s)\n",
                    file.display(),
                    problems.len()
                ));
                for problem in problems {
                    out.push_str(&format!("  {}: {}\n", problem.path, problem.message));
                    if let Some(hint) = &problem.hint {
                        out.push_str(&format!("    hint: {hint}\n"));
                    }
                }
            }
        }
        ctx.printer.text_data(out.trim_end())?;
    }
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
