//! `inlet report`: a brief of a client's period as Markdown, or as versioned JSON.

use crate::cli::{ReportArgs, ReportFormat};
use crate::context::Context;
use crate::error::ExitStatus;
use crate::view::brief::Brief;
use crate::view::markdown;

use super::dashboard::{load_client, resolve_window};

pub(super) fn run(ctx: &Context, args: &ReportArgs) -> anyhow::Result<ExitStatus> {
    let (store, facts) = load_client(ctx, &args.client)?;
    let window = resolve_window(&args.period, args.until.as_deref(), &facts)?;
    let brief = Brief::build(&store, &facts, &window)?;
    if ctx.printer.json() || args.format == ReportFormat::Json {
        ctx.printer.json_data(&brief)?;
    } else {
        ctx.printer.text_data(markdown::render(&brief).trim_end())?;
    }
    Ok(ExitStatus::Success)
}
