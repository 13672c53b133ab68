//! `connect`'s choices: an input the provider can list (GA4 properties, Search Console sites)
//! and that `--set` did not give is listed with the credential being connected, and picked on
//! the terminal; without one, the error lists every choice as the `--set` that picks it.

use std::collections::BTreeMap;
use std::io::{BufRead as _, Write as _};

use secrecy::{ExposeSecret as _, SecretString};
use serde_json::Value;

use crate::catalog::{AuthMode, Choices, Input, Paginator, Provider};
use crate::context::Context;
use crate::error::UserError;
use crate::http::Http;
use crate::ids::ConnectionId;
use crate::normalize::{lookup, pointer_text};
use crate::output::sanitize;

/// One value the consultant may pick, and how it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Choice {
    value: String,
    label: String,
}

/// The most pages of a listing followed: a guard against a cursor that never ends.
const MAX_PAGES: usize = 50;

/// Fills every listable input `--set` left out: picked on the terminal, or an error naming the
/// choices.
#[expect(
    clippy::too_many_arguments,
    reason = "connect's resolved pieces, one caller"
)]
pub(super) async fn fill(
    ctx: &Context,
    http: &Http,
    provider: &Provider,
    auth: &AuthMode,
    id: &ConnectionId,
    base_url: &str,
    settings: &mut BTreeMap<String, String>,
    token: &SecretString,
) -> anyhow::Result<()> {
    for input in &provider.inputs {
        let Some(choices) = &input.choices else {
            continue;
        };
        if input.secret || settings.contains_key(&input.name) {
            continue;
        }
        ctx.printer.status(&format!(
            "Listing the {} this credential can read …",
            input.label
        ));
        let listed = list(http, provider, auth, base_url, settings, token, choices).await?;
        let listed: Vec<Choice> = listed
            .into_iter()
            .map(|choice| Choice {
                value: sanitize::for_terminal(&choice.value),
                label: sanitize::provider_text(&choice.label, Some(token.expose_secret())),
            })
            .collect();
        if listed.is_empty() {
            return Err(UserError::failure(format!(
                "{} lists no {} for this credential",
                provider.name, input.label
            ))
            .hint(format!(
                "give the account access to it, or pass `--set {}=…`",
                input.name
            ))
            .into());
        }
        let value = if let [only] = listed.as_slice() {
            // One answer is no choice: take it, and say so.
            ctx.printer.status(&format!(
                "  {}: {}   {} (the only one listed; `--set {}=…` overrides)",
                input.label, only.value, only.label, input.name
            ));
            only.value.clone()
        } else if ctx.interactive {
            pick(input, &listed)?
        } else {
            let mut error = UserError::usage(format!(
                "`{id}` needs a {}: pick one with `--set {}=VALUE` (no terminal to ask on)",
                input.label, input.name
            ));
            for choice in &listed {
                error = error.hint(format!(
                    "--set {}={}   {}",
                    input.name, choice.value, choice.label
                ));
            }
            return Err(error.into());
        };
        settings.insert(input.name.clone(), value);
    }
    Ok(())
}

/// Asks on the terminal (stderr for the list, a line of stdin for the answer).
fn pick(input: &Input, listed: &[Choice]) -> anyhow::Result<String> {
    let mut err = std::io::stderr().lock();
    writeln!(err, "Which {}?", input.label)?;
    for (index, choice) in listed.iter().enumerate() {
        writeln!(
            err,
            "  {:>2}) {}   {}",
            index + 1,
            choice.value,
            choice.label
        )?;
    }
    for _ in 0..3 {
        write!(err, "Number (1-{}): ", listed.len())?;
        err.flush()?;
        let mut line = String::new();
        if std::io::stdin().lock().read_line(&mut line)? == 0 {
            break;
        }
        let answer = line.trim();
        if let Some(choice) = answer
            .parse::<usize>()
            .ok()
            .and_then(|number| number.checked_sub(1))
            .and_then(|index| listed.get(index))
        {
            return Ok(choice.value.clone());
        }
        if let Some(choice) = listed.iter().find(|choice| choice.value == answer) {
            return Ok(choice.value.clone());
        }
        writeln!(
            err,
            "`{}` is not one of the choices",
            sanitize::for_terminal(answer)
        )?;
    }
    Err(UserError::usage(format!("no {} picked", input.label))
        .hint(format!("pass `--set {}=VALUE`", input.name))
        .into())
}

/// Lists the choices, following the listing's pages.
async fn list(
    http: &Http,
    provider: &Provider,
    auth: &AuthMode,
    base_url: &str,
    settings: &BTreeMap<String, String>,
    token: &SecretString,
    choices: &Choices,
) -> anyhow::Result<Vec<Choice>> {
    let mut request = choices.request.clone();
    let base = crate::sync::base_for(provider, base_url, &request)
        .unwrap_or(base_url)
        .to_owned();
    let mut found = Vec::new();
    for _ in 0..MAX_PAGES {
        let response = crate::sync::call_once(
            http,
            provider,
            &auth.scheme(),
            &base,
            settings,
            token,
            &request,
        )
        .await?;
        for item in select(&response.body, &choices.items) {
            let Some(value) = pointer_text(item, &choices.value) else {
                continue;
            };
            let value = choices
                .strip_prefix
                .as_deref()
                .and_then(|prefix| value.strip_prefix(prefix))
                .map_or(value.clone(), str::to_owned);
            found.push(Choice {
                value,
                label: super::register::fill_template(&choices.label, item),
            });
        }
        let Paginator::BodyCursor { cursor, param, .. } = &choices.paginator else {
            break;
        };
        match pointer_text(&response.body, cursor).filter(|next| !next.is_empty()) {
            Some(next) => {
                request.query.insert(param.clone(), next);
            }
            None => break,
        }
    }
    Ok(found)
}

/// The items at a pointer whose `*` steps go into every element of an array; the arrays found
/// at the end are flattened.
fn select<'a>(body: &'a Value, pointer: &str) -> Vec<&'a Value> {
    let mut current = vec![body];
    for step in pointer.split('/').skip(1) {
        current = current
            .into_iter()
            .flat_map(|value| -> Vec<&Value> {
                match (step, value) {
                    ("*", Value::Array(items)) => items.iter().collect(),
                    ("*", Value::Object(map)) => map.values().collect(),
                    (step, value) => lookup(value, &format!("/{step}")).into_iter().collect(),
                }
            })
            .collect();
    }
    current
        .into_iter()
        .flat_map(|value| match value {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn wildcards_flatten_nested_lists() {
        let body = json!({"accountSummaries": [
            {"propertySummaries": [{"property": "properties/1"}, {"property": "properties/2"}]},
            {"propertySummaries": [{"property": "properties/3"}]},
            {"displayName": "no properties"},
        ]});
        let found: Vec<&Value> = select(&body, "/accountSummaries/*/propertySummaries");
        assert_eq!(found.len(), 3);
        assert_eq!(found[2]["property"], "properties/3");
        assert_eq!(select(&json!({"siteEntry": [1, 2]}), "/siteEntry").len(), 2);
        assert!(select(&json!({}), "/siteEntry").is_empty());
    }
}
