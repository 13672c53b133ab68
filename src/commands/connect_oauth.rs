//! `inlet connect` for OAuth 2.0 modes, and `inlet authorize`: run the mode's grant (a browser
//! sign-in caught on loopback or pasted, a device code, client credentials or a signed JWT),
//! then verify and store like any other credential. The tokens, the client secret and the
//! private key are kept together in one keychain entry.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::time::Duration;

use anyhow::Context as _;
use base64::Engine as _;
use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize};

use crate::auth::{self, AuthError, Stored, TokenClient, app, flow, jwt, loopback::Loopback};
use crate::catalog::{AuthMode, Grant, OAuth, Provider};
use crate::cli::{AuthorizeArgs, ConnectArgs, OAuthArgs};
use crate::context::Context;
use crate::error::{ExitStatus, UserError};
use crate::ids::ConnectionId;

/// How long a browser sign-in may take.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

/// `INLET_BROWSER`: the command that opens the sign-in URL (`none`: only print it).
const BROWSER_VAR: &str = "INLET_BROWSER";

/// What `inlet authorize` prints: a single-use code and what it is bound to. No token.
#[derive(Serialize, Deserialize)]
struct Blob {
    inlet_authorization: u32,
    provider: String,
    mode: String,
    code: String,
    verifier: Option<String>,
    redirect_uri: String,
}

pub(super) async fn run(
    ctx: &Context,
    args: &ConnectArgs,
    provider: &Provider,
    auth: &AuthMode,
    id: ConnectionId,
) -> anyhow::Result<ExitStatus> {
    let Some(oauth) = &auth.oauth else {
        return Err(UserError::failure("not an OAuth mode").into());
    };
    if args.secret_from_env {
        return Err(UserError::usage(format!(
            "`--secret-from-env` is for static tokens; mode `{}` signs in with OAuth",
            auth.id
        ))
        .hint("in CI, connect once on a workstation and give the job the stored token set as `INLET_TOKEN_<CLIENT>_<NAME>`")
        .into());
    }
    if let Some(url) = &args.oauth.auth_url {
        crate::http::check_base_url(url)?;
    }
    // The private key first: a service-account key file fills inputs (`client_email`, …).
    let mut pairs = args.settings.clone();
    let private_key = match &oauth.assertion {
        Some(assertion) => {
            let material = read_key(ctx, args, provider, &assertion.private_key)?;
            for (name, value) in &material.fields {
                let given = pairs
                    .iter()
                    .any(|pair| pair.starts_with(&format!("{name}=")));
                let wanted = provider
                    .input(name)
                    .is_some_and(|input| !input.secret && input.used_by(&auth.id));
                if wanted && !given {
                    pairs.push(format!("{name}={value}"));
                }
            }
            Some(material.pem)
        }
        None => None,
    };
    let mut settings = super::register::settings(provider, auth, &pairs)?;
    // The pasted address is read from stdin: the secret cannot come from there as well.
    if args.oauth.no_browser
        && args.token_stdin
        && args.authorization.is_none()
        && oauth.grant == Grant::AuthorizationCode
    {
        return Err(UserError::usage(
            "`--no-browser` reads the address the browser ends on from stdin, so `--token-stdin` cannot give the secret there too",
        )
        .hint(format!(
            "leave out `--token-stdin` and type the secret at the prompt, or sign in on a machine with a browser (`inlet authorize {}`) and pass `--authorization BLOB --token-stdin` here",
            provider.id
        ))
        .into());
    }
    let client_secret = match &oauth.client_secret {
        Some(input) if args.authorization.as_deref() != Some("-") || args.token_stdin => {
            Some(read_client_secret(ctx, args, provider, input, &id)?)
        }
        Some(input) => {
            return Err(UserError::usage(format!(
                "`--authorization -` takes stdin, so the `{input}` needs a terminal to be asked on"
            ))
            .hint(
                "pass the blob itself: `--authorization BLOB`, and the secret with `--token-stdin`",
            )
            .into());
        }
        None => None,
    };
    let schedule = args
        .every
        .map(|every| crate::store::Schedule::every(every.as_secs()));
    let app = app::App {
        oauth,
        settings: &settings,
        endpoints: app::endpoints(oauth, &settings, args.oauth.auth_url.as_deref())
            .map_err(|error| UserError::usage(error.to_string()))?,
        client_secret,
        private_key,
    };
    let http = TokenClient::new()?;
    let reconnect = auth::reconnect_command(
        provider,
        &id.to_string(),
        Some(&auth.id),
        &settings,
        args.oauth.auth_url.as_deref(),
    );
    let tokens = match oauth.grant {
        Grant::AuthorizationCode => match &args.authorization {
            Some(blob) => {
                let blob = read_blob(blob, provider, auth)?;
                flow::exchange_code(
                    &http,
                    &app,
                    &blob.code,
                    blob.verifier.as_deref(),
                    &blob.redirect_uri,
                )
                .await
            }
            None => sign_in(ctx, &http, &app, provider, &args.oauth).await,
        },
        Grant::DeviceCode => {
            let device = flow::device_start(&http, &app)
                .await
                .map_err(|error| fail(error, &reconnect))?;
            ctx.printer.status(&format!(
                "To sign in to {}, open {} and enter the code {}",
                provider.name,
                device
                    .verification_uri_complete
                    .as_deref()
                    .unwrap_or(&device.verification_uri),
                device.user_code
            ));
            flow::device_finish(&http, &app, &device, SIGN_IN_TIMEOUT).await
        }
        Grant::ClientCredentials => flow::client_credentials(&http, &app).await,
        Grant::JwtBearer => flow::jwt_bearer(&http, &app).await,
    }
    .map_err(|error| fail(error, &reconnect))
    .with_context(|| format!("cannot connect `{id}`"))?;

    let base_url = args
        .base_url
        .clone()
        .or_else(|| tokens.base_url.clone())
        .unwrap_or_else(|| provider.base_url.clone());
    crate::http::check_base_url(&crate::catalog::render_base_url(&base_url, &settings))?;
    let stored = stored_for(auth, oauth, &app, &tokens, args.oauth.auth_url.clone());
    // Inputs the provider lists (a GA4 property) are picked with the new access token.
    super::choose::fill(
        ctx,
        &crate::http::Http::new()?,
        provider,
        auth,
        &id,
        &base_url,
        &mut settings,
        &tokens.access,
    )
    .await?;
    let request = super::register::Request {
        provider,
        id,
        base_url,
        auth,
        settings: settings.clone(),
        schedule,
        store_secret: true,
        stored: Some(stored.to_secret()),
        replace: args.replace,
        auth_url: args.oauth.auth_url.clone(),
    };
    super::register::connect(ctx, &request, &tokens.access).await?;
    ctx.printer.status(&format!(
        "  mode `{}`; granted scopes: {}{}",
        auth.id,
        if stored.scopes.is_empty() {
            "(none reported)".to_owned()
        } else {
            stored.scopes.join(" ")
        },
        stored
            .expires_at
            .map(|at| format!("; access token valid until {at}"))
            .unwrap_or_default()
    ));
    Ok(ExitStatus::Success)
}

/// `inlet authorize`: the browser half of an authorization code sign-in; prints the blob.
pub(super) async fn authorize(ctx: &Context, args: &AuthorizeArgs) -> anyhow::Result<ExitStatus> {
    let catalog = ctx.catalog()?;
    let provider = catalog.get(&args.provider)?;
    let auth = provider.auth_mode(args.auth.as_deref())?;
    let oauth = match &auth.oauth {
        Some(oauth) if oauth.grant == Grant::AuthorizationCode => oauth,
        _ => {
            return Err(UserError::usage(format!(
                "`{}` mode `{}` has no browser sign-in",
                provider.id, auth.id
            ))
            .hint("`inlet authorize` is for authorization code modes; pick one with `--auth`")
            .into());
        }
    };
    let settings = super::register::settings(provider, auth, &args.settings)?;
    let app = app::App {
        oauth,
        settings: &settings,
        endpoints: app::endpoints(oauth, &settings, args.oauth.auth_url.as_deref())
            .map_err(|error| UserError::usage(error.to_string()))?,
        client_secret: None,
        private_key: None,
    };
    let (pending, code) = browser_code(ctx, &app, provider, &args.oauth)
        .await
        .map_err(|error| fail(error, ""))?;
    let blob = Blob {
        inlet_authorization: 1,
        provider: provider.id.clone(),
        mode: auth.id.clone(),
        code,
        verifier: pending.verifier().map(str::to_owned),
        redirect_uri: pending.redirect_uri.clone(),
    };
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(&blob)?);
    ctx.printer.text_data(&text)?;
    ctx.printer.status(&format!(
        "Signed in. Within a few minutes, on the other machine: `inlet connect {} --client CLIENT{} --authorization -` with this blob on stdin (it works once)",
        provider.id,
        settings_flags(provider, auth, &settings, args.auth.as_deref())
    ));
    Ok(ExitStatus::Success)
}

fn settings_flags(
    provider: &Provider,
    auth: &AuthMode,
    settings: &BTreeMap<String, String>,
    mode: Option<&str>,
) -> String {
    let mut text = mode
        .map(|mode| format!(" --auth {mode}"))
        .unwrap_or_default();
    for input in provider
        .inputs
        .iter()
        .filter(|input| !input.secret && input.used_by(&auth.id))
    {
        if let Some(value) = settings.get(&input.name) {
            text.push_str(&format!(" --set {}={value}", input.name));
        }
    }
    text
}

/// The browser sign-in: the loopback listener, the URL opened (or printed), the code caught
/// (or pasted) and exchanged with the same redirect URI.
async fn sign_in(
    ctx: &Context,
    http: &TokenClient,
    app: &app::App<'_>,
    provider: &Provider,
    options: &OAuthArgs,
) -> Result<flow::TokenSet, AuthError> {
    let (pending, code) = browser_code(ctx, app, provider, options).await?;
    ctx.printer
        .status("Signed in; exchanging the code for tokens …");
    flow::finish(http, app, &pending, &code).await
}

async fn browser_code(
    ctx: &Context,
    app: &app::App<'_>,
    provider: &Provider,
    options: &OAuthArgs,
) -> Result<(flow::Pending, String), AuthError> {
    let listener = Loopback::bind(options.callback_port).await?;
    let pending = flow::authorize(app, &listener.redirect_uri)?;
    let url = pending.url.to_string();
    let state = pending.state().to_owned();
    let browser = std::env::var(BROWSER_VAR).ok();
    let open = !options.no_browser && browser.as_deref() != Some("none");
    ctx.printer
        .status(&format!("Sign in to {} in your browser:", provider.name));
    // The URL alone on its line, so it can be copied (and read by scripts).
    ctx.printer.status(&url);
    if open {
        let opened = match browser.as_deref() {
            Some(command) if !command.is_empty() => std::process::Command::new(command)
                .arg(&url)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .spawn()
                .is_ok(),
            _ => webbrowser::open(&url).is_ok(),
        };
        if !opened {
            ctx.printer
                .warn("could not open a browser; open the URL above yourself");
        }
    }
    let check = |target: &str| flow::code_from_redirect(&state, target).map(|_| ());
    let target = if options.no_browser {
        ctx.printer.status(&format!(
            "Then paste here the address your browser ends on (starting `{}`), or the code:",
            listener.redirect_uri
        ));
        let pasted = async {
            let mut line = String::new();
            let mut reader = tokio::io::BufReader::new(tokio::io::stdin());
            tokio::io::AsyncBufReadExt::read_line(&mut reader, &mut line)
                .await
                .map_err(|error| AuthError::Callback(format!("cannot read stdin: {error}")))?;
            Ok::<_, AuthError>(line)
        };
        tokio::select! {
            caught = listener.wait(SIGN_IN_TIMEOUT, check) => caught?,
            pasted = pasted => pasted?,
        }
    } else {
        ctx.printer.status(&format!(
            "Waiting up to {} for the sign-in …",
            humantime::format_duration(SIGN_IN_TIMEOUT)
        ));
        listener.wait(SIGN_IN_TIMEOUT, check).await?
    };
    let code = flow::code_from_redirect(&state, &target)?;
    Ok((pending, code))
}

fn read_blob(text: &str, provider: &Provider, auth: &AuthMode) -> anyhow::Result<Blob> {
    let text = if text == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the authorization from stdin")?;
        text
    } else {
        text.to_owned()
    };
    let bad = || {
        UserError::usage("the authorization blob is not one `inlet authorize` printed")
            .hint("copy the whole line `inlet authorize` printed, and pass it within a few minutes")
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim())
        .map_err(|_| bad())?;
    let blob: Blob = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if blob.inlet_authorization != 1 || blob.provider != provider.id || blob.mode != auth.id {
        return Err(UserError::usage(format!(
            "the authorization blob is for `{}` mode `{}`, not `{}` mode `{}`",
            blob.provider, blob.mode, provider.id, auth.id
        ))
        .into());
    }
    Ok(blob)
}

/// The keychain document for a fresh token set.
pub(super) fn stored_for(
    auth: &AuthMode,
    oauth: &OAuth,
    app: &app::App<'_>,
    tokens: &flow::TokenSet,
    auth_url: Option<String>,
) -> Stored {
    let mut stored = Stored::new(&auth.id, oauth.grant);
    stored.access_token = tokens.access.expose_secret().to_owned();
    stored.refresh_token = tokens
        .refresh
        .as_ref()
        .map(|token| token.expose_secret().to_owned());
    stored.expires_at = tokens.expires_at;
    stored.scopes = tokens.scopes.clone();
    stored.client_secret = app
        .client_secret
        .as_ref()
        .map(|secret| secret.expose_secret().to_owned());
    stored.private_key = app
        .private_key
        .as_ref()
        .map(|key| key.expose_secret().to_owned());
    stored.auth_url = auth_url;
    stored.refresh_expires_at = oauth
        .refresh_token_lifetime
        .as_deref()
        .filter(|_| stored.refresh_token.is_some())
        .and_then(|text| humantime::parse_duration(text).ok())
        .and_then(|lifetime| jiff::SignedDuration::try_from(lifetime).ok())
        .and_then(|lifetime| jiff::Timestamp::now().checked_add(lifetime).ok());
    stored
}

/// An OAuth failure as the user sees it: exit 4 and the command that fixes it when the grant
/// or the app's credentials are the problem.
pub(super) fn fail(error: AuthError, reconnect: &str) -> anyhow::Error {
    if error.needs_reconnect() {
        let mut user = UserError::credentials(error.to_string());
        if !reconnect.is_empty() {
            user = user.hint(format!("run `{reconnect}` to sign in again"));
        }
        if matches!(error, AuthError::InvalidClient(_)) {
            user = user.hint("check the OAuth app's client id and secret");
        }
        return user.into();
    }
    match error {
        AuthError::Key(_) | AuthError::Config(_) => UserError::usage(error.to_string()).into(),
        other => UserError::failure(other.to_string()).into(),
    }
}

fn read_client_secret(
    ctx: &Context,
    args: &ConnectArgs,
    provider: &Provider,
    input: &str,
    id: &ConnectionId,
) -> anyhow::Result<SecretString> {
    let label = provider
        .input(input)
        .map_or(input, |input| input.label.as_str());
    let raw = if args.token_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .with_context(|| format!("cannot read the {label} from stdin"))?;
        text
    } else if ctx.interactive {
        rpassword::prompt_password(format!(
            "Paste the {label} of your {} app for `{id}` (input is hidden): ",
            provider.name
        ))
        .with_context(|| format!("cannot read the {label} from the terminal"))?
    } else {
        return Err(UserError::usage(format!(
            "no {label} given for `{id}` and no terminal to ask on"
        ))
        .hint(format!(
            "pipe it in: `printf %s \"$CLIENT_SECRET\" | inlet connect {} --client {} … --token-stdin`",
            provider.id, id.client()
        ))
        .into());
    };
    let secret = raw.trim().to_owned();
    if secret.is_empty() {
        return Err(UserError::usage(format!("the {label} for `{id}` is empty")).into());
    }
    Ok(SecretString::from(secret))
}

fn read_key(
    ctx: &Context,
    args: &ConnectArgs,
    provider: &Provider,
    input: &str,
) -> anyhow::Result<jwt::KeyMaterial> {
    let label = provider
        .input(input)
        .map_or(input, |input| input.label.as_str());
    let Some(path) = &args.key_file else {
        return Err(UserError::usage(format!(
            "this mode signs with a private key: pass `--key-file PATH` ({label})"
        ))
        .hint("`--key-file -` reads it from stdin")
        .into());
    };
    let _ = ctx;
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the private key from stdin")?;
        text
    } else {
        fs_err::read_to_string(path)
            .map_err(|error| UserError::usage(format!("cannot read the key file: {error}")))?
    };
    jwt::key_material(&SecretString::from(text))
        .map_err(|error| UserError::usage(error.to_string()).into())
}
