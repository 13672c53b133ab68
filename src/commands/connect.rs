//! `inlet connect`: verify a credential with the provider, keep it in the keychain, record the
//! connection. Nothing is stored unless every step before it succeeded.

use std::io::Read as _;

use anyhow::Context as _;
use secrecy::{ExposeSecret as _, SecretString};

use crate::catalog::{AuthMode, Provider};
use crate::cli::ConnectArgs;
use crate::context::Context;
use crate::durations::format_secs;
use crate::error::{ExitStatus, UserError};
use crate::http::{self, Http};
use crate::ids::ConnectionId;
use crate::secrets;

use super::register::{Request, connect, settings};

pub(super) async fn run(ctx: &Context, args: &ConnectArgs) -> anyhow::Result<ExitStatus> {
    let catalog = ctx.catalog()?;
    let provider = catalog.get(&args.provider)?;
    let id = ConnectionId::new(&args.client, args.name.as_deref().unwrap_or(&provider.id))?;
    refuse_env_var_collision(ctx, &id)?;
    let auth = provider.auth_mode(args.auth.as_deref())?;
    if auth.oauth.is_some() {
        return super::connect_oauth::run(ctx, args, provider, auth, id).await;
    }
    let mut settings = settings(provider, auth, &args.settings)?;
    let base_url = args
        .base_url
        .clone()
        .unwrap_or_else(|| provider.base_url.clone());
    http::check_base_url(&crate::catalog::render_base_url(&base_url, &settings))?;
    let schedule = args
        .every
        .map(|every| crate::store::Schedule::every(every.as_secs()));
    let token = read_token(ctx, args, provider, auth, &id)?;
    super::choose::fill(
        ctx,
        &Http::new()?,
        provider,
        auth,
        &id,
        &base_url,
        &mut settings,
        &token,
    )
    .await?;
    let request = Request {
        provider,
        id,
        base_url,
        auth,
        settings,
        schedule,
        store_secret: !args.secret_from_env,
        stored: None,
        replace: args.replace,
        auth_url: None,
    };
    connect(ctx, &request, &token).await?;
    Ok(ExitStatus::Success)
}

/// Refuses a connection whose `INLET_TOKEN_…` variable another connection already reads:
/// otherwise one client's token could be used for another's account.
fn refuse_env_var_collision(ctx: &Context, id: &ConnectionId) -> anyhow::Result<()> {
    let Some(store) = ctx.existing_store()? else {
        return Ok(());
    };
    let existing = store.connections(None)?;
    let connection = id.to_string();
    if let Some(other) =
        secrets::env_var_collision(&connection, existing.iter().map(|row| row.id.as_str()))
    {
        return Err(UserError::usage(format!(
            "`{connection}` would read the same secret variable as `{other}` (`{}`)",
            secrets::env_var_name(&connection)
        ))
        .hint(suggest_name(id.name())
            .and_then(|name| ConnectionId::new(id.client(), &name).ok())
            .filter(|candidate| {
                let candidate = candidate.to_string();
                !existing.iter().any(|row| row.id == candidate)
                    && secrets::env_var_collision(&candidate, existing.iter().map(|row| row.id.as_str())).is_none()
            })
            .map_or_else(
                || "choose another name with `--name`, one in which `-` and `_` do not touch".to_owned(),
                |candidate| format!("choose another name with `--name`, one in which `-` and `_` do not touch, e.g. `--name {}`", candidate.name()),
            ))
        .into());
    }
    Ok(())
}

/// A name without `-` and `_` next to each other, for the collision hint.
fn suggest_name(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.chars() {
        if (c == '-' || c == '_') && out.ends_with(['-', '_']) {
            continue;
        }
        out.push(c);
    }
    let trimmed = out.trim_end_matches(['-', '_']);
    (!trimmed.is_empty() && trimmed != name).then(|| trimmed.to_owned())
}

/// The token from stdin (`--token-stdin`) or a hidden prompt; never from argv.
fn read_token(
    ctx: &Context,
    args: &ConnectArgs,
    provider: &Provider,
    auth: &AuthMode,
    id: &ConnectionId,
) -> anyhow::Result<SecretString> {
    let input = auth.secret.as_deref().and_then(|name| provider.input(name));
    let label = input.map_or("token", |input| input.label.as_str());
    // Every copy of the secret is wiped when dropped.
    let raw = zeroize::Zeroizing::new(if args.secret_from_env {
        let name = secrets::env_var_name(id);
        match secrets::from_env(id) {
            Some((secret, _)) => secret.expose_secret().to_owned(),
            None => {
                return Err(UserError::usage(format!(
                    "`--secret-from-env` needs `{name}` to be set"
                ))
                .into());
            }
        }
    } else if args.token_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the token from stdin")?;
        text
    } else if ctx.interactive {
        rpassword::prompt_password(format!(
            "Paste the {} {label} for `{id}` (input is hidden): ",
            provider.name
        ))
        .context("cannot read the token from the terminal")?
    } else {
        return Err(UserError::usage(format!(
            "no token given for `{id}` and no terminal to ask on"
        ))
        .hint(format!(
            "pipe it in: `printf %s \"$TOKEN\" | {} --token-stdin`",
            same_command(args)
        ))
        .into());
    });
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
    // A shape mismatch is only a warning: providers change their token formats (HubSpot's
    // service keys), and the verify call is the real test.
    if let Some(pattern) = input.and_then(|input| input.pattern.as_deref())
        && !regex_lite::Regex::new(pattern).is_ok_and(|regex| regex.is_match(token.expose_secret()))
    {
        let example = input
            .and_then(|input| input.example.as_deref())
            .map(|example| format!(" (like `{example}`)"))
            .unwrap_or_default();
        ctx.printer.warn(&format!(
            "this does not look like a {} {label}{example}; verifying anyway",
            provider.name
        ));
    }
    Ok(token)
}

/// This `connect` command line again, every flag kept (a hint that dropped `--name` or
/// `--base-url` would overwrite another connection or talk to the wrong host).
fn same_command(args: &ConnectArgs) -> String {
    use super::status::shell_word;
    let mut command = format!(
        "inlet connect {} --client {}",
        shell_word(&args.provider),
        shell_word(&args.client)
    );
    if let Some(name) = &args.name {
        command.push_str(&format!(" --name {}", shell_word(name)));
    }
    if let Some(base_url) = &args.base_url {
        command.push_str(&format!(" --base-url {}", shell_word(base_url)));
    }
    if let Some(auth) = &args.auth {
        command.push_str(&format!(" --auth {}", shell_word(auth)));
    }
    for setting in &args.settings {
        command.push_str(&format!(" --set {}", shell_word(setting)));
    }
    if let Some(every) = &args.every {
        command.push_str(&format!(" --every {}", format_secs(every.as_secs())));
    }
    command
}
