//! `inlet disconnect`: remove a connection's secret and record, and with `--purge` its data.

use anyhow::Context as _;
use serde_json::json;

use crate::cli::DisconnectArgs;
use crate::context::Context;
use crate::error::{ExitStatus, UserError};
use crate::ids::ConnectionId;
use crate::secrets::{self, SecretKey};

use super::fetch::missing_connection;

pub(super) async fn run(ctx: &Context, args: &DisconnectArgs) -> anyhow::Result<ExitStatus> {
    let id = ConnectionId::parse(&args.connection)?;
    let mut store = ctx
        .existing_store()?
        .ok_or_else(|| missing_connection(&id.to_string()))?;
    let row = store
        .connection(&id.to_string())?
        .ok_or_else(|| missing_connection(&id.to_string()))?;
    if !args.yes {
        if !ctx.interactive {
            return Err(UserError::usage(format!(
                "refusing to disconnect `{id}` without confirmation"
            ))
            .hint("pass `--yes` to confirm")
            .into());
        }
        let records: u64 = store
            .stream_counts(&row.id)?
            .iter()
            .map(|(_, count)| count)
            .sum();
        let what = if args.purge {
            format!("remove its secret and delete its {records} cached records")
        } else {
            format!("remove its secret (its {records} cached records are kept)")
        };
        if !super::confirm(&format!(
            "Disconnect `{id}` ({}) and {what}?",
            row.account_name
        ))? {
            ctx.printer.status("Nothing changed.");
            return Ok(ExitStatus::Interrupted);
        }
    }
    disconnect(ctx, &mut store, &id, args.purge).await?;
    Ok(ExitStatus::Success)
}

/// Removes the secret first: if the keychain cannot be reached, nothing changes and the user
/// can retry. Shared with `inlet demo`.
pub(super) async fn disconnect(
    ctx: &Context,
    store: &mut crate::store::Store,
    id: &ConnectionId,
    purge: bool,
) -> anyhow::Result<()> {
    let key = SecretKey {
        profile: store.profile_id()?,
        connection: id.to_string(),
    };
    let revoked = revoke(ctx, store, id, &key).await;
    let removed = secrets::delete(&ctx.secrets, &key)
        .with_context(|| format!("cannot remove the secret of `{id}`; nothing was changed"))?;
    let purged = store.delete_connection(&id.to_string(), purge)?;
    if ctx.printer.json() {
        ctx.printer.json_data(&json!({
            "schema_version": 1,
            "connection": id.to_string(),
            "secret_removed": removed,
            "revoked": revoked,
            "records_deleted": purged,
        }))?;
    }
    let source = secrets::source_of(&ctx.secrets);
    ctx.printer.done(&format!("Disconnected `{id}`"));
    if revoked == Some(true) {
        ctx.printer.status("  credential revoked with the provider");
    }
    if removed {
        ctx.printer
            .status(&format!("  secret removed from {}", source.describe()));
    } else {
        ctx.printer
            .status(&format!("  no secret was stored in {}", source.describe()));
    }
    if purge {
        ctx.printer
            .status(&format!("  {purged} cached records deleted"));
    } else {
        ctx.printer
            .status("  cached records kept (`--purge` deletes them)");
    }
    if secrets::from_env(&id.to_string()).is_some() {
        ctx.printer.warn(&format!(
            "`{}` is still set in your environment; inlet cannot remove it",
            secrets::env_var_name(&id.to_string())
        ));
    }
    Ok(())
}

/// Revokes the credential with the provider when its definition has a revoke call: best
/// effort, since the secret is forgotten either way. `None` when there is nothing to revoke.
async fn revoke(
    ctx: &Context,
    store: &crate::store::Store,
    id: &ConnectionId,
    key: &SecretKey,
) -> Option<bool> {
    let row = store.connection(&id.to_string()).ok().flatten()?;
    let catalog = ctx.catalog().ok()?;
    let provider = catalog.get(&row.provider).ok()?;
    let request = provider.revoke.as_ref()?;
    let auth = provider.auth_mode(row.auth_mode.as_deref()).ok()?;
    let Ok((secret, _)) = secrets::resolve(&ctx.secrets, key) else {
        ctx.printer.warn(&format!(
            "no secret for `{id}` to revoke with {}; revoke it there by hand",
            provider.name
        ));
        return Some(false);
    };
    let settings = serde_json::from_str(&row.settings).unwrap_or_default();
    let http = crate::http::Http::new()
        .ok()?
        .with_retry(crate::http::RetryPolicy {
            max_attempts: 2,
            base_delay: std::time::Duration::from_millis(200),
            max_delay: std::time::Duration::from_secs(2),
        });
    match crate::sync::call_once(
        &http,
        provider,
        &auth.scheme(),
        &row.base_url,
        &settings,
        &secret,
        request,
    )
    .await
    {
        Ok(_) => Some(true),
        Err(error) => {
            ctx.printer.warn(&format!(
                "could not revoke `{id}` with {}: {error}; revoke it there by hand",
                provider.name
            ));
            Some(false)
        }
    }
}
