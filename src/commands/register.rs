//! A connection verified and recorded: the `--set` settings checked, the provider's verify call
//! naming the account, the secret stored and the row written. Shared by `connect` (API keys and
//! OAuth) and `inlet demo`.

use std::collections::BTreeMap;

use anyhow::Context as _;
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::json;

use crate::catalog::{AuthMode, Provider};
use crate::context::Context;
use crate::durations::format_secs;
use crate::error::UserError;
use crate::http::Http;
use crate::ids::ConnectionId;
use crate::normalize::pointer_text;
use crate::output::sanitize;
use crate::secrets::{self, SecretKey};
use crate::store::ConnectionRow;

/// A verified account.
#[derive(Debug)]
pub(super) struct Account {
    pub id: String,
    pub name: String,
}

/// What `connect` needs, resolved from the command line (or from the demo).
pub(super) struct Request<'a> {
    pub provider: &'a Provider,
    pub id: ConnectionId,
    pub base_url: String,
    pub auth: &'a AuthMode,
    pub settings: BTreeMap<String, String>,
    /// The schedule asked for; `None` keeps a reconnected connection's (or the default).
    pub schedule: Option<crate::store::Schedule>,
    /// Keep the secret in the store (the keychain); `false` with `--secret-from-env`.
    pub store_secret: bool,
    /// What to store, when it is not the token itself (an OAuth token set).
    pub stored: Option<SecretString>,
    /// `--replace`: a different account may take the connection over, its old data purged.
    pub replace: bool,
    /// `--auth-url`: where an OAuth connection signed in, kept for the command that connects
    /// it again.
    pub auth_url: Option<String>,
}

/// Parses `--set KEY=VALUE`: known, non-secret inputs only, each matching its pattern; every
/// non-secret input must be given.
pub(super) fn settings(
    provider: &Provider,
    auth: &AuthMode,
    pairs: &[String],
) -> Result<BTreeMap<String, String>, UserError> {
    let mut settings = BTreeMap::new();
    for pair in pairs {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| UserError::usage(format!("`--set {pair}` is not KEY=VALUE")))?;
        let input = provider.input(key).filter(|input| !input.secret).ok_or_else(|| {
            let known: Vec<&str> = provider.inputs.iter().filter(|input| !input.secret).map(|input| input.name.as_str()).collect();
            let hint = if known.is_empty() { format!("`{}` takes no settings", provider.id) } else { format!("its settings: {}", known.join(", ")) };
            match provider.input(key) {
                Some(_) => UserError::usage(format!("`{key}` is a secret: it is read from a hidden prompt or `--token-stdin`, never from the command line")),
                None => UserError::usage(format!("`{}` has no setting `{key}`", provider.id)).hint(hint),
            }
        })?;
        if let Some(pattern) = &input.pattern
            && !regex_lite::Regex::new(pattern).is_ok_and(|regex| regex.is_match(value))
        {
            let example = input
                .example
                .as_deref()
                .map(|example| format!(", e.g. `{example}`"))
                .unwrap_or_default();
            return Err(UserError::usage(format!(
                "`{value}` is not a valid {}{example}",
                input.label
            )));
        }
        settings.insert(key.to_owned(), value.to_owned());
    }
    // Inputs the provider can list are picked after the credential is read (`choose`).
    for input in provider
        .inputs
        .iter()
        .filter(|input| !input.secret && input.used_by(&auth.id))
    {
        if let Some(default) = &input.default {
            settings
                .entry(input.name.clone())
                .or_insert_with(|| default.clone());
        }
        if !settings.contains_key(&input.name) && input.choices.is_none() {
            return Err(UserError::usage(format!(
                "`{}` needs `--set {}=…` ({})",
                provider.id, input.name, input.label
            )));
        }
    }
    Ok(settings)
}

/// Verifies, stores and records; shared with `inlet demo`.
pub(super) async fn connect(
    ctx: &Context,
    request: &Request<'_>,
    token: &SecretString,
) -> anyhow::Result<Account> {
    let Request {
        provider,
        id,
        base_url,
        auth,
        settings,
        ..
    } = request;
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
    let account = verify(&http, provider, auth, base_url, settings, token)
        .await
        .with_context(|| format!("cannot connect `{id}`"))?;

    // Fail on a missing keychain before the cache file is even created.
    if request.store_secret {
        secrets::probe(&ctx.secrets)
            .with_context(|| format!("cannot store the secret of `{id}`"))?;
    }
    let mut store = ctx.store()?;
    // A connection is bound to the account it verified: the same account refreshes the
    // credential and keeps everything; another one is refused unless `--replace`.
    let existing = store.connection(id)?;
    let switch = existing
        .as_ref()
        .filter(|row| row.provider != provider.id || row.account_id != account.id);
    if let Some(row) = switch
        && !request.replace
    {
        return Err(account_switch_refused(id, row, provider, &account).into());
    }
    let key = SecretKey {
        profile: store.profile_id()?,
        connection: id.clone(),
    };
    if request.store_secret {
        secrets::save(&ctx.secrets, &key, request.stored.as_ref().unwrap_or(token))
            .with_context(|| format!("cannot store the secret of `{id}`"))?;
    }
    let row = ConnectionRow {
        id: id.clone(),
        provider: provider.id.clone(),
        account_id: account.id.clone(),
        account_name: account.name.clone(),
        base_url: base_url.clone(),
        created_at: jiff::Timestamp::now(),
        settings: settings.clone(),
        auth_mode: Some(auth.id.clone()),
        schedule: request.schedule.unwrap_or_else(|| {
            existing
                .as_ref()
                .filter(|_| switch.is_none())
                .map(|row| row.schedule)
                .unwrap_or_default()
        }),
        auth_url: request.auth_url.clone(),
    };
    let mut purged = None;
    if switch.is_some() {
        match store.delete_connection(id, true) {
            Ok(count) => purged = Some(count),
            Err(error) => {
                if request.store_secret {
                    let _ = secrets::delete(&ctx.secrets, &key);
                }
                return Err(error).with_context(|| format!("cannot replace `{id}`"));
            }
        }
    }
    let recorded = store
        .upsert_connection(&row)
        .and_then(|()| store.set_secret_stored(&row.id, request.store_secret));
    if let Err(error) = recorded {
        // Leave no orphan secret behind.
        if request.store_secret {
            let _ = secrets::delete(&ctx.secrets, &key);
        }
        return Err(error).with_context(|| format!("cannot record `{id}`"));
    }

    let env_var = secrets::env_var_name(id);
    let source = if request.store_secret {
        secrets::source_of(&ctx.secrets)
    } else {
        secrets::SecretSource::Environment(env_var.clone())
    };
    if ctx.printer.json() {
        ctx.printer.json_data(&json!({
            "schema_version": 1,
            "connection": id.to_string(),
            "provider": provider.id,
            "auth": auth.id,
            "account": { "id": account.id, "name": account.name },
            "base_url": base_url,
            "secret_store": source.kind(),
        }))?;
    }
    match (&existing, purged) {
        (Some(old), Some(count)) => {
            ctx.printer.done(&format!(
                "Replaced `{id}`: now {} (was {})",
                account.name, old.account_name
            ));
            ctx.printer.status(&format!(
                "  {count} cached records, the runs and watermarks of the old account were deleted"
            ));
        }
        (Some(_), None) => {
            ctx.printer.done(&format!(
                "Reconnected `{id}` to {}: credential refreshed",
                account.name
            ));
            let records: u64 = store
                .stream_counts(id)?
                .iter()
                .map(|(_, count)| count)
                .sum();
            let schedule = if request.schedule.is_some() {
                "schedule changed"
            } else {
                "schedule kept"
            };
            ctx.printer.status(&format!(
                "  {schedule} (every {}); watermarks and {records} cached records kept",
                format_secs(row.schedule.every_secs),
            ));
        }
        _ => ctx
            .printer
            .done(&format!("Connected `{id}` to {}", account.name)),
    }
    if request.store_secret {
        ctx.printer.status(&format!(
            "  secret stored in {} (service `{}`, account `{}`)",
            source.describe(),
            secrets::SERVICE,
            key.account()
        ));
        if secrets::from_env(id).is_some() {
            ctx.printer.warn(&format!(
                "`{env_var}` is set and takes precedence over the stored secret; unset it to use the stored one"
            ));
        }
    } else {
        ctx.printer.status(&format!(
            "  the secret stays in {} and was not stored",
            source.describe()
        ));
    }
    Ok(account)
}

/// The refusal of a credential for another account than the connection's, with both ways out.
fn account_switch_refused(
    id: &ConnectionId,
    existing: &ConnectionRow,
    provider: &Provider,
    account: &Account,
) -> UserError {
    let what = if existing.provider == provider.id {
        format!("account {} ({})", account.name, account.id)
    } else {
        format!("{} account {}", provider.name, account.name)
    };
    UserError::usage(format!(
        "`{id}` is connected to {} ({}); this credential is for {what}; nothing was changed",
        existing.account_name, existing.account_id
    ))
    .hint(format!(
        "to switch `{id}` to the new account and delete the old account's cached data, add `--replace`"
    ))
    .hint(format!(
        "to keep both, connect the new account under another name: `--name {}-2`",
        id.name()
    ))
}

/// Calls the provider's verify endpoint and names the account.
async fn verify(
    http: &Http,
    provider: &Provider,
    auth: &AuthMode,
    base_url: &str,
    settings: &BTreeMap<String, String>,
    token: &SecretString,
) -> anyhow::Result<Account> {
    let request = provider.verify.request();
    let response = crate::sync::call_once(
        http,
        provider,
        &auth.scheme(),
        crate::sync::base_for(provider, base_url, &request).unwrap_or(base_url),
        settings,
        token,
        &request,
    )
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
pub(super) fn fill_template(template: &str, body: &serde_json::Value) -> String {
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
