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
        .ok_or_else(|| missing_connection(&id))?;
    let Some(row) = store.connection(&id)? else {
        // Data kept by an earlier plain `disconnect` can still be purged.
        let kept = store
            .data_sources(Some(id.client()))?
            .into_iter()
            .any(|(source, _)| id == source);
        if args.purge && kept {
            ctx.printer.status(&format!(
                "`{id}` is no longer connected; purging the data it left"
            ));
            return super::purge::run(
                ctx,
                &crate::cli::PurgeArgs {
                    connection: Some(id.to_string()),
                    client: None,
                    yes: args.yes,
                },
            );
        }
        return Err(super::fetch::missing_connection_in(&store, &id).into());
    };
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
            // A decision, not an interrupt: nothing failed.
            ctx.printer.status("Nothing changed.");
            return Ok(ExitStatus::Success);
        }
    }
    disconnect(ctx, &mut store, &id, args.purge).await?;
    Ok(ExitStatus::Success)
}

/// Revokes and removes the stored secret first: if the keychain cannot be reached, nothing
/// changes and the user can retry. A connection made with `--secret-from-env` has nothing
/// stored, so it never touches the keychain (CI has none). Shared with `inlet demo`.
pub(super) async fn disconnect(
    ctx: &Context,
    store: &mut crate::store::Store,
    id: &ConnectionId,
    purge: bool,
) -> anyhow::Result<()> {
    let key = SecretKey {
        profile: store.profile_id()?,
        connection: id.clone(),
    };
    let stored = store.secret_stored(id)?;
    let env_var = secrets::env_var_name(id);
    let (revoked, removed) = if stored {
        // Revoke what was stored, never a token that happens to be in the environment: that one
        // belongs to whoever set it.
        let secret = secrets::load(&ctx.secrets, &key)
            .with_context(|| format!("cannot read the secret of `{id}`; nothing was changed"))?;
        let revoked = match &secret {
            Some(secret) => revoke(ctx, store, id, secret).await,
            None => None,
        };
        let removed = secrets::delete(&ctx.secrets, &key)
            .with_context(|| format!("cannot remove the secret of `{id}`; nothing was changed"))?;
        (revoked, removed)
    } else {
        (None, false)
    };
    let purged = store.delete_connection(id, purge)?;
    // The client's export files hold the purged data: they go too.
    let files_removed = if purge {
        super::export::remove_export_files(&super::export::export_files(ctx, id.client()))?
    } else {
        Vec::new()
    };
    if ctx.printer.json() {
        ctx.printer.json_data(&json!({
            "schema_version": 1,
            "connection": id.to_string(),
            "secret_stored": stored,
            "secret_removed": removed,
            "revoked": revoked,
            "records_deleted": purged,
            "export_files_removed": files_removed,
        }))?;
    }
    let source = secrets::source_of(&ctx.secrets);
    ctx.printer.done(&format!("Disconnected `{id}`"));
    if revoked == Some(true) {
        ctx.printer.status("  credential revoked with the provider");
    }
    if !stored {
        ctx.printer.status(&format!(
            "  its secret was never stored: it comes from `{env_var}` (`connect --secret-from-env`)"
        ));
    } else if removed {
        ctx.printer
            .status(&format!("  secret removed from {}", source.describe()));
    } else {
        ctx.printer
            .status(&format!("  no secret was stored in {}", source.describe()));
    }
    if purge {
        ctx.printer
            .status(&format!("  {purged} cached records deleted"));
        for path in &files_removed {
            ctx.printer
                .status(&format!("  removed `{}`", path.display()));
        }
    } else {
        ctx.printer
            .status("  cached records kept (`--purge` deletes them)");
    }
    if secrets::from_env(id).is_some() {
        ctx.printer.warn(&format!(
            "`{env_var}` is still set in your environment and was not revoked; inlet cannot remove it"
        ));
    }
    Ok(())
}

/// Revokes the stored credential with the provider when its definition has a revoke call: best
/// effort, since the secret is forgotten either way. `None` when there is nothing to revoke.
async fn revoke(
    ctx: &Context,
    store: &crate::store::Store,
    id: &ConnectionId,
    secret: &secrecy::SecretString,
) -> Option<bool> {
    let row = store.connection(id).ok().flatten()?;
    let catalog = ctx.catalog().ok()?;
    let provider = catalog.get(&row.provider).ok()?;
    let auth = provider.auth_mode(row.auth_mode.as_deref()).ok()?;
    if auth.oauth.is_some() {
        return revoke_oauth(ctx, &row, provider, auth, secret).await;
    }
    let request = provider.revoke.as_ref()?;
    let settings = row.settings_map();
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
        secret,
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

/// OAuth connections revoke their grant at the mode's RFC 7009 endpoint.
async fn revoke_oauth(
    ctx: &Context,
    row: &crate::store::ConnectionRow,
    provider: &crate::catalog::Provider,
    auth: &crate::catalog::AuthMode,
    secret: &secrecy::SecretString,
) -> Option<bool> {
    let stored = crate::auth::Stored::parse(secret);
    let Some(stored) = stored else {
        ctx.printer.warn(&format!(
            "no stored tokens for `{}` to revoke with {}; remove the app's access there by hand",
            row.id, provider.name
        ));
        return Some(false);
    };
    let settings = row.settings_map();
    match crate::auth::revoke_stored(auth, &settings, &stored).await {
        Ok(true) => Some(true),
        Ok(false) => None,
        Err(error) => {
            ctx.printer.warn(&format!(
                "could not revoke `{}` with {}: {error}; remove the app's access there by hand",
                row.id, provider.name
            ));
            Some(false)
        }
    }
}
