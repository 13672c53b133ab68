//! `inlet connect`: verify a credential with the provider, keep it in the keychain, record the
//! connection. Nothing is stored unless every step before it succeeded.

use std::io::Read as _;

use anyhow::Context as _;
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::json;

use crate::catalog::{Catalog, Provider};
use crate::cli::ConnectArgs;
use crate::context::Context;
use crate::error::{ExitStatus, UserError};
use crate::http::{self, Http};
use crate::ids::ConnectionId;
use crate::normalize::pointer_text;
use crate::output::sanitize;
use crate::secrets::{self, SecretKey};
use crate::store::{ConnectionRow, now};

/// A verified account.
#[derive(Debug)]
pub(super) struct Account {
    pub id: String,
    pub name: String,
}

pub(super) async fn run(ctx: &Context, args: &ConnectArgs) -> anyhow::Result<ExitStatus> {
    let catalog = Catalog::load()?;
    let provider = catalog.get(&args.provider)?;
    let id = ConnectionId::new(&args.client, args.name.as_deref().unwrap_or(&provider.id))?;
    let base_url = args
        .base_url
        .clone()
        .unwrap_or_else(|| provider.base_url.clone());
    http::check_base_url(&base_url)?;
    let token = read_token(ctx, args, provider, &id)?;
    connect(ctx, provider, &id, &base_url, &token).await?;
    Ok(ExitStatus::Success)
}

/// Verifies, stores and records; shared with `inlet demo`.
pub(super) async fn connect(
    ctx: &Context,
    provider: &Provider,
    id: &ConnectionId,
    base_url: &str,
    token: &SecretString,
) -> anyhow::Result<Account> {
    // A person is waiting: fail fast rather than back off for long.
    let http = Http::new()?.with_retry(crate::http::RetryPolicy {
        max_attempts: 2,
        base_delay: std::time::Duration::from_millis(200),
        max_delay: std::time::Duration::from_secs(2),
    });
    ctx.printer.status(&format!(
        "Verifying the credential with {} …",
        provider.name
    ));
    let account = verify(&http, provider, base_url, token)
        .await
        .with_context(|| format!("cannot connect `{id}`"))?;

    // Fail on a missing keychain before the cache file is even created.
    secrets::probe(&ctx.secrets).with_context(|| format!("cannot store the secret of `{id}`"))?;
    let mut store = ctx.store()?;
    let key = SecretKey {
        profile: store.profile_id()?,
        connection: id.to_string(),
    };
    secrets::save(&ctx.secrets, &key, token)
        .with_context(|| format!("cannot store the secret of `{id}`"))?;
    let row = ConnectionRow {
        id: id.to_string(),
        client: id.client.clone(),
        name: id.name.clone(),
        provider: provider.id.clone(),
        account_id: account.id.clone(),
        account_name: account.name.clone(),
        base_url: base_url.to_owned(),
        created_at: now(),
    };
    if let Err(error) = store.upsert_connection(&row) {
        // Leave no orphan secret behind.
        let _ = secrets::delete(&ctx.secrets, &key);
        return Err(error).with_context(|| format!("cannot record `{id}`"));
    }

    let source = secrets::source_of(&ctx.secrets);
    if ctx.printer.json() {
        ctx.printer.json_data(&json!({
            "schema_version": 1,
            "connection": id.to_string(),
            "provider": provider.id,
            "account": { "id": account.id, "name": account.name },
            "base_url": base_url,
            "secret_store": source.kind(),
        }))?;
    }
    ctx.printer
        .done(&format!("Connected `{id}` to {}", account.name));
    ctx.printer.status(&format!(
        "  secret stored in {} (service `{}`, account `{}`)",
        source.describe(),
        secrets::SERVICE,
        key.account()
    ));
    let env_var = secrets::env_var_name(&id.to_string());
    if secrets::from_env(&id.to_string()).is_some() {
        ctx.printer.warn(&format!("`{env_var}` is set and takes precedence over the stored secret; unset it to use the stored one"));
    }
    Ok(account)
}

/// Calls the provider's verify endpoint and names the account.
pub(super) async fn verify(
    http: &Http,
    provider: &Provider,
    base_url: &str,
    token: &SecretString,
) -> anyhow::Result<Account> {
    let response = http
        .get_json(base_url, &provider.verify.path, &[], token)
        .await?;
    let body = response.body;
    let id = pointer_text(&body, &provider.verify.account_id).ok_or_else(|| {
        UserError::failure(format!(
            "{} answered the verify call without an account id at `{}`",
            provider.name, provider.verify.account_id
        ))
    })?;
    let name = fill_template(&provider.verify.account_name, &body);
    Ok(Account {
        id: sanitize::for_terminal(&id),
        name: sanitize::provider_text(&name, Some(token.expose_secret())),
    })
}

/// Replaces each `{/pointer}` in a template with that value of the response.
fn fill_template(template: &str, body: &serde_json::Value) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{/") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let pointer = &rest[start + 1..start + end];
        out.push_str(&pointer_text(body, pointer).unwrap_or_else(|| "?".to_owned()));
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// The token from stdin (`--token-stdin`) or a hidden prompt; never from argv.
fn read_token(
    ctx: &Context,
    args: &ConnectArgs,
    provider: &Provider,
    id: &ConnectionId,
) -> anyhow::Result<SecretString> {
    let raw = if args.token_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the token from stdin")?;
        text
    } else if ctx.interactive {
        rpassword::prompt_password(format!(
            "Paste the {} {} for `{id}` (input is hidden): ",
            provider.name, provider.auth.label
        ))
        .context("cannot read the token from the terminal")?
    } else {
        return Err(UserError::usage(format!(
            "no token given for `{id}` and no terminal to ask on"
        ))
        .hint(format!(
            "pipe it in: `printf %s \"$TOKEN\" | inlet connect {} --client {} --token-stdin`",
            provider.id, id.client
        ))
        .into());
    };
    let token = SecretString::from(raw.trim().to_owned());
    if token.expose_secret().is_empty() {
        return Err(UserError::usage(format!("the token for `{id}` is empty")).into());
    }
    if token.expose_secret().chars().any(char::is_whitespace) {
        return Err(UserError::usage(format!(
            "the token for `{id}` contains whitespace; paste only the token"
        ))
        .into());
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_from_pointers() {
        let body = json!({"portalId": 42, "accountType": "STANDARD"});
        assert_eq!(
            fill_template("portal {/portalId} ({/accountType}) {/missing}", &body),
            "portal 42 (STANDARD) ?"
        );
    }
}
