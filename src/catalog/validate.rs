//! Strict validation of a parsed definition: every problem, each with its key path and a hint.

use std::collections::BTreeSet;
use std::fmt;

use super::model::{Choices, Incremental, Paginator, Provider, Request};

/// One problem in a definition file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Key path, e.g. `streams[1].paginator.cursor`.
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: {}", self.path, self.message)?;
        if let Some(hint) = &self.hint {
            write!(formatter, " (hint: {hint})")?;
        }
        Ok(())
    }
}

impl Problem {
    fn new(path: impl Into<String>, message: impl Into<String>, hint: Option<&str>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
            hint: hint.map(str::to_owned),
        }
    }

    /// A TOML syntax error, located by line.
    pub(super) fn syntax(error: &toml::de::Error, text: &str) -> Self {
        let line = error
            .span()
            .map(|span| text[..span.start.min(text.len())].lines().count().max(1));
        let path = line.map_or_else(|| "(file)".to_owned(), |line| format!("line {line}"));
        Self::new(path, format!("not valid TOML: {}", error.message()), None)
    }

    /// A shape error (unknown key, wrong type, missing key), located by key path.
    pub(super) fn shape(error: &serde_path_to_error::Error<toml::de::Error>) -> Self {
        let path = error.path().to_string();
        let path = if path.is_empty() || path == "." {
            "(top level)".to_owned()
        } else {
            path
        };
        let message = error.inner().message().to_owned();
        let hint = if message.contains("unknown field") {
            Some(
                "check the spelling; unknown keys are errors so that a typo never changes what a definition means",
            )
        } else if message.contains("missing field") {
            Some("add the key; the README's provider format section lists what each layer needs")
        } else {
            None
        };
        Self::new(path, message, hint)
    }
}

const POINTER_HINT: &str = "JSON pointers start with `/`, e.g. `/paging/next/after`";
const DURATION_HINT: &str = "durations look like `10s`, `1m`, `30days`";

/// Every semantic problem of a definition that parsed.
pub(super) fn validate(provider: &Provider) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut problem = |path: String, message: String, hint: Option<&str>| {
        problems.push(Problem::new(path, message, hint))
    };

    if provider.format != super::FORMAT {
        problem(
            "format".into(),
            format!(
                "format {} is not supported (this inlet reads {})",
                provider.format,
                super::FORMAT
            ),
            Some("set `format = 1`"),
        );
    }
    if !is_id(&provider.id) {
        problem(
            "id".into(),
            format!("`{}` is not a valid provider id", provider.id),
            Some("lowercase letters, digits and `-`"),
        );
    }
    let inputs: BTreeSet<&str> = provider
        .inputs
        .iter()
        .map(|input| input.name.as_str())
        .collect();
    let plain_inputs: BTreeSet<&str> = provider
        .inputs
        .iter()
        .filter(|input| !input.secret)
        .map(|input| input.name.as_str())
        .collect();
    check_url_template(&provider.base_url, &plain_inputs, "base_url", &mut problem);
    check_transport(&provider.base_url, "base_url", &mut problem);
    for (index, origin) in provider.origins.iter().enumerate() {
        let path = format!("origins[{index}]");
        check_url_template(origin, &plain_inputs, &path, &mut problem);
        check_transport(origin, &path, &mut problem);
        if let Ok(url) = url::Url::parse(&fill_placeholders(origin))
            && (url.path() != "/" || url.query().is_some() || !url.username().is_empty())
        {
            problem(
                path,
                format!("`{origin}` is not an origin"),
                Some(
                    "an origin is a scheme, a host and an optional port: `https://eu.api.example.com`",
                ),
            );
        }
    }
    if provider.limits.max_response_bytes == Some(0) {
        problem(
            "limits.max_response_bytes".into(),
            "`max_response_bytes = 0` refuses every response".into(),
            Some("leave it out for the default (64 MiB)"),
        );
    }

    let mut seen = BTreeSet::new();
    for (index, input) in provider.inputs.iter().enumerate() {
        let path = format!("inputs[{index}]");
        if !seen.insert(input.name.as_str()) {
            problem(
                format!("{path}.name"),
                format!("input `{}` is defined twice", input.name),
                None,
            );
        }
        if let Some(pattern) = &input.pattern
            && let Err(error) = regex_lite::Regex::new(pattern)
        {
            problem(
                format!("{path}.pattern"),
                format!("not a valid regular expression: {error}"),
                None,
            );
        }
        if let Some(choices) = &input.choices {
            let path = format!("{path}.choices");
            if input.secret {
                problem(path.clone(), "a secret input cannot be listed".into(), None);
            }
            check_choices(choices, &path, &mut problem);
            let others: BTreeSet<&str> = plain_inputs
                .iter()
                .copied()
                .filter(|name| *name != input.name)
                .collect();
            check_request(
                &choices.request,
                &format!("{path}.request"),
                &others,
                false,
                &mut problem,
            );
        }
    }

    if provider.auth.is_empty() {
        problem(
            "auth".into(),
            "no auth mode".into(),
            Some("add `[[auth]]` with `kind = \"bearer\"` and `secret = \"token\"`"),
        );
    }
    let mut seen = BTreeSet::new();
    for (index, mode) in provider.auth.iter().enumerate() {
        if !seen.insert(mode.id.as_str()) {
            problem(
                format!("auth[{index}].id"),
                format!("auth mode `{}` is defined twice", mode.id),
                None,
            );
        }
        if (mode.kind == super::model::AuthKind::Header) != mode.header.is_some() {
            problem(
                format!("auth[{index}].header"),
                "`header` goes with `kind = \"header\"`, and only with it".into(),
                None,
            );
        }
        check_auth_mode(provider, mode, index, &inputs, &plain_inputs, &mut problem);
    }
    for (index, input) in provider.inputs.iter().enumerate() {
        for mode in &input.modes {
            if !provider.auth.iter().any(|auth| &auth.id == mode) {
                problem(
                    format!("inputs[{index}].modes"),
                    format!("no auth mode `{mode}`"),
                    None,
                );
            }
        }
        if input.secret && input.default.is_some() {
            problem(
                format!("inputs[{index}].default"),
                "a secret input cannot have a default".into(),
                Some(
                    "secrets come from a hidden prompt, stdin or a file, never from a file in plain text",
                ),
            );
        }
    }

    check_request(
        &provider.verify.request(),
        "verify",
        &plain_inputs,
        false,
        &mut problem,
    );
    check_pointer(
        &provider.verify.account_id,
        "verify.account_id",
        &mut problem,
    );
    if let Some(revoke) = &provider.revoke {
        check_request(revoke, "revoke", &plain_inputs, false, &mut problem);
    }

    let limits = &provider.limits;
    if limits.requests.is_some() != limits.per.is_some() {
        problem(
            "limits".into(),
            "`requests` and `per` go together".into(),
            Some("e.g. `requests = 100` and `per = \"10s\"`"),
        );
    }
    if let Some(per) = &limits.per {
        check_duration(per, "limits.per", &mut problem);
    }
    if let Some(quota) = &limits.quota {
        super::report::check_quota(quota, "limits.quota", &mut problem);
    }
    for (index, throttle) in limits.throttle.iter().enumerate() {
        if let Some(wait) = &throttle.wait {
            check_duration(
                wait,
                &format!("limits.throttle[{index}].wait"),
                &mut problem,
            );
        }
    }
    if let Some(allowance) = &limits.allowance {
        if allowance.reserve_percent >= 100 {
            problem(
                "limits.allowance.reserve_percent".into(),
                format!(
                    "{}% would leave nothing to fetch with",
                    allowance.reserve_percent
                ),
                Some("a share from 0 to 99, e.g. 10"),
            );
        }
        if allowance.header.trim().is_empty() || allowance.prefix.trim().is_empty() {
            problem(
                "limits.allowance".into(),
                "`header` and `prefix` name where the usage is read".into(),
                Some("e.g. `header = \"Sforce-Limit-Info\"`, `prefix = \"api-usage\"`"),
            );
        }
    }
    for (index, rule) in limits.exhausted.iter().enumerate() {
        if !(400..=599).contains(&rule.status) {
            problem(
                format!("limits.exhausted[{index}].status"),
                format!("{} is not an error status", rule.status),
                Some("an HTTP status from 400 to 599, e.g. 403"),
            );
        }
        if rule.message.trim().is_empty() {
            problem(
                format!("limits.exhausted[{index}].message"),
                "the message is empty".into(),
                Some("say which allowance is used up and when it frees up"),
            );
        }
    }

    for (name, value) in &provider.headers {
        let path = format!("headers.{name}");
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            problem(path, format!("`{name}` is not a header name"), None);
        } else if name.eq_ignore_ascii_case("authorization") {
            problem(
                path,
                "the credential's header is set by the auth mode, never by `headers`".into(),
                None,
            );
        } else if reqwest::header::HeaderValue::from_str(value).is_err() {
            problem(path, "the value cannot be sent in a header".into(), None);
        }
    }

    if provider.streams.is_empty() {
        problem("streams".into(), "no stream".into(), None);
    }
    let mut seen = BTreeSet::new();
    for (index, stream) in provider.streams.iter().enumerate() {
        let path = format!("streams[{index}]");
        if !seen.insert(stream.name.as_str()) {
            problem(
                format!("{path}.name"),
                format!("stream `{}` is defined twice", stream.name),
                None,
            );
        }
        if !is_id(&stream.name.replace('_', "-")) {
            problem(
                format!("{path}.name"),
                format!("`{}` is not a valid stream name", stream.name),
                Some("lowercase letters, digits, `_`"),
            );
        }
        // A report stream's requests also know its days.
        let mut stream_inputs = plain_inputs.clone();
        if stream.report.is_some() {
            stream_inputs.extend(["start_date", "end_date"]);
        }
        check_request(
            &stream.request,
            &format!("{path}.request"),
            &stream_inputs,
            false,
            &mut problem,
        );
        check_report_stream(stream, &path, &mut problem);
        check_selector(&stream.records, &format!("{path}.records"), &mut problem);
        check_pointer(
            &stream.primary_key,
            &format!("{path}.primary_key"),
            &mut problem,
        );
        if let Some(pointer) = &stream.updated_at {
            check_pointer(pointer, &format!("{path}.updated_at"), &mut problem);
        }
        check_paginator(
            &stream.paginator,
            &format!("{path}.paginator"),
            &mut problem,
        );
        if let Some(deletions) = &stream.deletions {
            let at = format!("{path}.deletions");
            check_request(
                &deletions.request,
                &format!("{at}.request"),
                &plain_inputs,
                false,
                &mut problem,
            );
            check_selector(&deletions.records, &format!("{at}.records"), &mut problem);
            check_pointer(&deletions.id, &format!("{at}.id"), &mut problem);
            if let Some(paginator) = &deletions.paginator {
                check_paginator(paginator, &format!("{at}.paginator"), &mut problem);
            }
            if stream.report.is_some() {
                problem(
                    at.clone(),
                    "a report stream replaces its days; it has no deletions to list".to_owned(),
                    None,
                );
            }
        }
        for (index, association) in stream.associations.iter().enumerate() {
            let at = format!("{path}.associations[{index}]");
            check_request(
                &association.request,
                &format!("{at}.request"),
                &plain_inputs,
                false,
                &mut problem,
            );
            for (key, pointer) in [
                ("inputs", &association.inputs),
                ("results", &association.results),
                ("from", &association.from),
                ("to", &association.to),
                ("to_id", &association.to_id),
            ] {
                check_pointer(pointer, &format!("{at}.{key}"), &mut problem);
            }
            if provider.stream(&association.stream).is_none() {
                problem(
                    format!("{at}.stream"),
                    format!("`{}` has no stream `{}`", provider.id, association.stream),
                    None,
                );
            }
            let references = stream.entity.fields().is_some_and(|fields| {
                fields.iter().any(|(name, kind)| {
                    *name == association.field && *kind == crate::entities::FieldKind::References
                })
            });
            if !references {
                problem(
                    format!("{at}.field"),
                    format!(
                        "`{}` has no list of references `{}`",
                        stream.entity.as_str(),
                        association.field
                    ),
                    None,
                );
            }
            if !(1..=1_000).contains(&association.batch) {
                problem(
                    format!("{at}.batch"),
                    format!("{} ids per request: give 1 to 1000", association.batch),
                    None,
                );
            }
        }
        if let Some(changes) = &stream.changes {
            let at = format!("{path}.changes");
            let mut inputs = plain_inputs.clone();
            inputs.insert("since");
            check_request(
                &changes.request,
                &format!("{at}.request"),
                &inputs,
                false,
                &mut problem,
            );
            check_selector(&changes.records, &format!("{at}.records"), &mut problem);
            check_pointer(&changes.record, &format!("{at}.record"), &mut problem);
            check_pointer(&changes.cursor, &format!("{at}.cursor"), &mut problem);
            check_duration(&changes.history, &format!("{at}.history"), &mut problem);
            if let Some(paginator) = &changes.paginator {
                check_paginator(paginator, &format!("{at}.paginator"), &mut problem);
            }
            if stream.incremental.is_none() {
                problem(
                    at.clone(),
                    "changes are read before incremental passes; this stream has no `incremental`"
                        .to_owned(),
                    None,
                );
            }
        }
        if let Some(partitions) = &stream.partitions {
            let at = format!("{path}.partitions");
            check_request(
                &partitions.request,
                &format!("{at}.request"),
                &plain_inputs,
                true,
                &mut problem,
            );
            let text = format!(
                "{} {:?} {}",
                partitions.request.path,
                partitions.request.query,
                partitions
                    .request
                    .body
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            );
            if !(text.contains("{since}") && text.contains("{until}")) {
                problem(
                    format!("{at}.request"),
                    "a range's request uses both `{since}` and `{until}`".into(),
                    Some("without them every range would read the whole list"),
                );
            }
            check_pointer(&partitions.field, &format!("{at}.field"), &mut problem);
            if let Some(total) = &partitions.total {
                check_pointer(total, &format!("{at}.total"), &mut problem);
            }
            if partitions.start.parse::<jiff::Timestamp>().is_err() {
                problem(
                    format!("{at}.start"),
                    format!("`{}` is not an RFC 3339 time", partitions.start),
                    Some("e.g. `2011-01-01T00:00:00Z`"),
                );
            }
            if !(1..=32).contains(&partitions.jobs) {
                problem(
                    format!("{at}.jobs"),
                    format!("{} ranges at once: give 1 to 32", partitions.jobs),
                    None,
                );
            }
            if stream.report.is_some() {
                problem(
                    at.clone(),
                    "a report stream is read by days, not in ranges".into(),
                    None,
                );
            }
        }
        if let Some(incremental) = &stream.incremental {
            check_incremental(
                incremental,
                &format!("{path}.incremental"),
                &plain_inputs,
                &mut problem,
            );
        }
        for (field, spec) in &stream.normalize {
            if !is_id(&field.replace('_', "-")) {
                problem(
                    format!("{path}.normalize.{field}"),
                    "normalized field names are snake_case".into(),
                    None,
                );
            }
            if let Some(pointer) = spec.pointer() {
                check_pointer(pointer, &format!("{path}.normalize.{field}"), &mut problem);
            }
        }
        for (at, message, hint) in super::mapping::check(provider, stream, &path) {
            problem(at, message, hint.as_deref());
        }
    }
    problems
}

/// The input `name` exists and is (or is not) secret.
fn check_input_ref(
    provider: &Provider,
    name: &str,
    secret: bool,
    path: &str,
    inputs: &BTreeSet<&str>,
    problem: &mut Report<'_>,
) {
    match provider.input(name) {
        Some(input) if input.secret == secret => {}
        Some(_) if secret => problem(
            path.to_owned(),
            format!("input `{name}` is not marked `secret = true`"),
            Some("secrets must go to the keychain"),
        ),
        Some(_) => problem(
            path.to_owned(),
            format!("input `{name}` is secret; this one must not be"),
            Some("a client id is not a secret; drop `secret = true`"),
        ),
        None => problem(
            path.to_owned(),
            format!("no input named `{name}`"),
            Some(&format!(
                "inputs: {}",
                inputs.iter().copied().collect::<Vec<_>>().join(", ")
            )),
        ),
    }
}

/// Authorize parameters inlet sets itself; a definition may not override them.
const RESERVED_AUTHORIZE_PARAMS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
];

fn check_auth_mode(
    provider: &Provider,
    mode: &super::model::AuthMode,
    index: usize,
    inputs: &BTreeSet<&str>,
    plain_inputs: &BTreeSet<&str>,
    problem: &mut Report<'_>,
) {
    use super::oauth::Grant;
    let path = format!("auth[{index}]");
    let oauth2 = mode.kind == super::model::AuthKind::Oauth2;
    match (&mode.secret, oauth2) {
        (Some(secret), false) => {
            check_input_ref(provider, secret, true, &format!("{path}.secret"), inputs, problem);
        }
        (None, false) => problem(
            format!("{path}.secret"),
            "missing `secret`: the input this mode sends".into(),
            Some("e.g. `secret = \"token\"`"),
        ),
        (Some(_), true) => problem(
            format!("{path}.secret"),
            "`secret` is for bearer, basic and header modes; an OAuth mode names its secrets in `[auth.oauth]`".into(),
            None,
        ),
        (None, true) => {}
    }
    let Some(oauth) = &mode.oauth else {
        if oauth2 {
            problem(
                format!("{path}.oauth"),
                "`kind = \"oauth2\"` needs an `[auth.oauth]` table".into(),
                Some("at least `grant`, `token_url` and `client_id`; see the README"),
            );
        }
        return;
    };
    let path = format!("{path}.oauth");
    if !oauth2 {
        problem(
            path.clone(),
            "`[auth.oauth]` goes with `kind = \"oauth2\"`, and only with it".into(),
            None,
        );
    }
    check_url_template(
        &oauth.token_url,
        plain_inputs,
        &format!("{path}.token_url"),
        problem,
    );
    for (key, url) in [
        ("authorize_url", &oauth.authorize_url),
        ("revoke_url", &oauth.revoke_url),
        ("device_url", &oauth.device_url),
    ] {
        if let Some(url) = url {
            check_url_template(url, plain_inputs, &format!("{path}.{key}"), problem);
        }
    }
    let needs = |present: bool, key: &str, grant: Grant, problem: &mut Report<'_>| {
        if !present {
            problem(
                format!("{path}.{key}"),
                format!("`grant = \"{}\"` needs `{key}`", grant.as_str()),
                None,
            );
        }
    };
    match oauth.grant {
        Grant::AuthorizationCode => {
            needs(
                oauth.authorize_url.is_some(),
                "authorize_url",
                oauth.grant,
                problem,
            );
        }
        Grant::DeviceCode => needs(
            oauth.device_url.is_some(),
            "device_url",
            oauth.grant,
            problem,
        ),
        Grant::JwtBearer => needs(oauth.assertion.is_some(), "assertion", oauth.grant, problem),
        Grant::ClientCredentials => {
            needs(
                oauth.client_secret.is_some(),
                "client_secret",
                oauth.grant,
                problem,
            );
        }
    }
    if oauth.grant != Grant::JwtBearer && oauth.assertion.is_some() {
        problem(
            format!("{path}.assertion"),
            "`assertion` goes with `grant = \"jwt_bearer\"`, and only with it".into(),
            None,
        );
    }
    check_input_ref(
        provider,
        &oauth.client_id,
        false,
        &format!("{path}.client_id"),
        inputs,
        problem,
    );
    if let Some(secret) = &oauth.client_secret {
        check_input_ref(
            provider,
            secret,
            true,
            &format!("{path}.client_secret"),
            inputs,
            problem,
        );
    }
    for key in oauth.authorize_params.keys() {
        if RESERVED_AUTHORIZE_PARAMS.contains(&key.as_str()) {
            problem(
                format!("{path}.authorize_params.{key}"),
                format!("`{key}` is set by inlet itself"),
                Some("scopes go in `scopes`; PKCE, state and the redirect URI are always sent"),
            );
        }
    }
    if let Some(pointer) = &oauth.base_url_from {
        check_pointer(pointer, &format!("{path}.base_url_from"), problem);
    }
    for (key, value) in [
        ("default_expires_in", &oauth.default_expires_in),
        ("refresh_token_lifetime", &oauth.refresh_token_lifetime),
    ] {
        if let Some(value) = value {
            check_duration(value, &format!("{path}.{key}"), problem);
        }
    }
    if let Some(assertion) = &oauth.assertion {
        let path = format!("{path}.assertion");
        check_input_ref(
            provider,
            &assertion.private_key,
            true,
            &format!("{path}.private_key"),
            inputs,
            problem,
        );
        check_duration(&assertion.lifetime, &format!("{path}.lifetime"), problem);
        let mut names: BTreeSet<&str> = plain_inputs.clone();
        names.extend(["scopes", "token_url", "auth_url"]);
        let templates = assertion
            .claims
            .iter()
            .map(|(claim, value)| (format!("{path}.claims.{claim}"), value))
            .chain(
                assertion
                    .key_id
                    .iter()
                    .map(|kid| (format!("{path}.key_id"), kid)),
            );
        for (at, template) in templates {
            for name in placeholders(template) {
                if !names.contains(name) {
                    problem(
                        at.clone(),
                        format!("unknown placeholder `{{{name}}}`"),
                        Some(&format!(
                            "placeholders: non-secret inputs and `{{scopes}}`, `{{token_url}}`, `{{auth_url}}` ({})",
                            plain_inputs.iter().copied().collect::<Vec<_>>().join(", ")
                        )),
                    );
                }
            }
        }
        for claim in ["iat", "exp"] {
            if assertion.claims.contains_key(claim) {
                problem(
                    format!("{path}.claims.{claim}"),
                    format!("`{claim}` is set by inlet from `lifetime`"),
                    None,
                );
            }
        }
    }
}

fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

type Report<'a> = dyn FnMut(String, String, Option<&str>) + 'a;

fn check_pointer(pointer: &str, path: &str, problem: &mut Report<'_>) {
    if !pointer.starts_with('/') {
        problem(
            path.to_owned(),
            format!("`{pointer}` is not a JSON pointer"),
            Some(POINTER_HINT),
        );
    }
}

/// A record selector may be empty: the page itself is the array.
fn check_selector(pointer: &str, path: &str, problem: &mut Report<'_>) {
    if !pointer.is_empty() {
        check_pointer(pointer, path, problem);
    }
}

fn check_duration(text: &str, path: &str, problem: &mut Report<'_>) {
    if humantime::parse_duration(text).is_err() {
        problem(
            path.to_owned(),
            format!("`{text}` is not a duration"),
            Some(DURATION_HINT),
        );
    }
}

/// Placeholders in a template: `{name}` (not `{/pointer}`, which account names use).
fn placeholders(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + end];
        if !name.starts_with('/') {
            found.push(name);
        }
        rest = &rest[start + end + 1..];
    }
    found
}

fn check_template(
    text: &str,
    path: &str,
    inputs: &BTreeSet<&str>,
    incremental: bool,
    problem: &mut Report<'_>,
) {
    for name in placeholders(text) {
        let known = inputs.contains(name) || (incremental && matches!(name, "since" | "until"));
        if !known {
            let hint = if matches!(name, "since" | "until") {
                "`{since}` and `{until}` are for incremental requests only".to_owned()
            } else {
                format!(
                    "placeholders: non-secret inputs ({}), and `{{since}}`/`{{until}}` in incremental requests",
                    inputs.iter().copied().collect::<Vec<_>>().join(", ")
                )
            };
            problem(
                path.to_owned(),
                format!("unknown placeholder `{{{name}}}`"),
                Some(&hint),
            );
        }
    }
}

/// A URL template with each placeholder filled by `x`, to parse it.
fn fill_placeholders(text: &str) -> String {
    let mut filled = text.to_owned();
    for name in placeholders(text) {
        filled = filled.replace(&format!("{{{name}}}"), "x");
    }
    filled
}

/// Credentials travel only over https, except to this machine (the sandbox, local tests).
fn check_transport(text: &str, path: &str, problem: &mut Report<'_>) {
    let Ok(url) = url::Url::parse(&fill_placeholders(text)) else {
        return;
    };
    let local = match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if url.scheme() == "http" && !local {
        problem(
            path.to_owned(),
            format!("`{text}` is plain http: the credential would travel unencrypted"),
            Some("use https (plain http is accepted only for loopback addresses)"),
        );
    }
}

fn check_url_template(text: &str, inputs: &BTreeSet<&str>, path: &str, problem: &mut Report<'_>) {
    check_template(text, path, inputs, false, problem);
    let filled = fill_placeholders(text);
    if !url::Url::parse(&filled).is_ok_and(|url| matches!(url.scheme(), "http" | "https")) {
        problem(
            path.to_owned(),
            format!("`{text}` is not an http(s) URL"),
            None,
        );
    }
}

fn check_request(
    request: &Request,
    path: &str,
    inputs: &BTreeSet<&str>,
    incremental: bool,
    problem: &mut Report<'_>,
) {
    if let Some(base_url) = &request.base_url {
        check_url_template(base_url, inputs, &format!("{path}.base_url"), problem);
    }
    if !request.path.starts_with('/') {
        problem(
            format!("{path}.path"),
            format!("`{}` does not start with `/`", request.path),
            Some("paths are relative to the base URL"),
        );
    }
    check_template(
        &request.path,
        &format!("{path}.path"),
        inputs,
        incremental,
        problem,
    );
    for (key, value) in &request.query {
        check_template(
            value,
            &format!("{path}.query.{key}"),
            inputs,
            incremental,
            problem,
        );
    }
    for (key, value) in &request.headers {
        check_template(
            value,
            &format!("{path}.headers.{key}"),
            inputs,
            incremental,
            problem,
        );
        if key.eq_ignore_ascii_case("authorization") {
            problem(
                format!("{path}.headers.{key}"),
                "credentials are sent by the auth mode, not a header template".into(),
                Some("use `[[auth]]`"),
            );
        }
    }
    if let Some(body) = &request.body {
        let mut strings = Vec::new();
        json_strings(body, &mut strings);
        for text in strings {
            check_template(text, &format!("{path}.body"), inputs, incremental, problem);
        }
    }
}

/// Every string leaf of a JSON value: placeholders live only there.
fn json_strings<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::String(text) => out.push(text),
        serde_json::Value::Array(items) => items.iter().for_each(|item| json_strings(item, out)),
        serde_json::Value::Object(map) => map.values().for_each(|item| json_strings(item, out)),
        _ => {}
    }
}

fn check_paginator(paginator: &Paginator, path: &str, problem: &mut Report<'_>) {
    let pointer = |pointer: &str, key: &str, problem: &mut Report<'_>| {
        check_pointer(pointer, &format!("{path}.{key}"), problem)
    };
    match paginator {
        Paginator::None | Paginator::LinkHeader { .. } => {}
        Paginator::BodyCursor { cursor, .. } => pointer(cursor, "cursor", problem),
        Paginator::NextUrl { next, done, .. } => {
            pointer(next, "next", problem);
            if let Some(done) = done {
                pointer(done, "done", problem);
            }
        }
        Paginator::HasMore {
            has_more, last_id, ..
        } => {
            pointer(has_more, "has_more", problem);
            if let Some(last_id) = last_id {
                pointer(last_id, "last_id", problem);
            }
        }
        Paginator::Offset { limit, total, .. } => {
            if *limit == 0 {
                problem(
                    format!("{path}.limit"),
                    "a page size of 0 never ends".into(),
                    None,
                );
            }
            if let Some(total) = total {
                pointer(total, "total", problem);
            }
        }
        Paginator::PageNumber {
            total_pages,
            size,
            size_param,
            ..
        } => {
            if let Some(total_pages) = total_pages {
                pointer(total_pages, "total_pages", problem);
            }
            if size.is_some() != size_param.is_some() {
                problem(
                    path.to_owned(),
                    "`size` and `size_param` go together".into(),
                    None,
                );
            }
        }
    }
    if paginator.max_pages() == 0 {
        problem(
            format!("{path}.max_pages"),
            "`max_pages = 0` fetches nothing".into(),
            None,
        );
    }
}

/// Report streams: `write = "replace"` with a `[streams.report]`, asking for `{start_date}`;
/// `metrics` rows in their one shape.
fn check_report_stream(stream: &super::model::Stream, path: &str, problem: &mut Report<'_>) {
    use super::model::{Entity, WriteMode};
    match (&stream.report, stream.write) {
        (Some(report), WriteMode::Replace) => {
            super::report::check_report(report, &format!("{path}.report"), problem);
            let request = &stream.request;
            let text = format!(
                "{} {:?} {}",
                request.path,
                request.query,
                request
                    .body
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            );
            if !text.contains("{start_date}") {
                problem(
                    format!("{path}.request"),
                    "the report request never uses `{start_date}`".into(),
                    Some("ask for the days of the window: `{start_date}` to `{end_date}`"),
                );
            }
            if stream.incremental.is_some() {
                problem(
                    format!("{path}.incremental"),
                    "a report stream is fetched by its days, not by a cursor".into(),
                    Some("remove `[streams.incremental]`"),
                );
            }
        }
        (Some(_), WriteMode::Upsert) => problem(
            format!("{path}.write"),
            "a report stream replaces its days".into(),
            Some("set `write = \"replace\"`"),
        ),
        (None, WriteMode::Replace) => problem(
            format!("{path}.write"),
            "`replace` needs a `[streams.report]` that says which days".into(),
            None,
        ),
        (None, WriteMode::Upsert) => {}
    }
    if stream.entity == Entity::Metrics {
        let keys: Vec<&str> = stream.normalize.keys().map(String::as_str).collect();
        if keys != ["date", "dimensions", "metric", "value"] {
            problem(
                format!("{path}.normalize"),
                "`metrics` rows have exactly `date`, `dimensions`, `metric` and `value`".into(),
                Some(
                    "map each from the report record: `/date`, `/dimensions`, `/metric`, `/value`",
                ),
            );
        }
    }
}

fn check_incremental(
    incremental: &Incremental,
    path: &str,
    inputs: &BTreeSet<&str>,
    problem: &mut Report<'_>,
) {
    check_pointer(&incremental.cursor, &format!("{path}.cursor"), problem);
    if let Some(lookback) = &incremental.lookback {
        check_duration(lookback, &format!("{path}.lookback"), problem);
    }
    if let Some(window) = &incremental.window {
        check_duration(window, &format!("{path}.window"), problem);
        if humantime::parse_duration(window).is_ok_and(|window| window.is_zero()) {
            problem(
                format!("{path}.window"),
                "a zero window never moves forward".into(),
                Some("use a length such as `30days`, or leave `window` out"),
            );
        }
    }
    if let Some(request) = &incremental.request {
        check_request(request, &format!("{path}.request"), inputs, true, problem);
        let text = format!(
            "{} {:?} {}",
            request.path,
            request.query,
            request
                .body
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        );
        if !text.contains("{since}") {
            problem(
                format!("{path}.request"),
                "the incremental request never uses `{since}`".into(),
                Some("without it every fetch is a full one"),
            );
        }
    }
    if let Some(paginator) = &incremental.paginator {
        check_paginator(paginator, &format!("{path}.paginator"), problem);
    }
    if let Some(records) = &incremental.records {
        check_selector(records, &format!("{path}.records"), problem);
    }
    if let Some(max) = &incremental.max_results {
        check_pointer(&max.total, &format!("{path}.max_results.total"), problem);
    }
}

/// The problems of an input's `choices` block.
fn check_choices(choices: &Choices, path: &str, problem: &mut Report<'_>) {
    if !choices.value.starts_with('/') {
        problem(
            format!("{path}.value"),
            format!("`{}` is not a JSON pointer", choices.value),
            None,
        );
    }
    if !choices.items.is_empty() && !choices.items.starts_with('/') {
        problem(
            format!("{path}.items"),
            format!("`{}` is not a JSON pointer", choices.items),
            None,
        );
    }
    if !matches!(
        choices.paginator,
        Paginator::None | Paginator::BodyCursor { .. }
    ) {
        problem(
            format!("{path}.paginator"),
            "choices page with `body_cursor` or not at all".into(),
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let text = include_str!("../../providers/hubspot.toml")
            .replacen("records = \"/results\"", "records = \"results\"", 1)
            .replacen("lookback = \"1h\"", "lookback = \"an hour\"", 1)
            .replace("format = 1", "format = 2");
        let problems = parse(&text).err().unwrap_or_default();
        let paths: Vec<&str> = problems
            .iter()
            .map(|problem| problem.path.as_str())
            .collect();
        assert!(paths.contains(&"format"), "{paths:?}");
        assert!(paths.contains(&"streams[0].records"), "{paths:?}");
        assert!(
            paths.contains(&"streams[0].incremental.lookback"),
            "{paths:?}"
        );
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let problems = parse("format = 1\nid = \n").err().unwrap_or_default();
        assert_eq!(problems[0].path, "line 2");
    }

    #[test]
    fn unknown_placeholders_are_problems() {
        let text = include_str!("../../providers/hubspot.toml").replacen(
            "/crm/v3/objects/contacts\"",
            "/crm/v3/objects/{object}\"",
            1,
        );
        let problems = parse(&text).err().unwrap_or_default();
        assert!(
            problems
                .iter()
                .any(|problem| problem.message.contains("{object}")),
            "{problems:?}"
        );
    }

    #[test]
    fn what_can_be_known_about_trust_is_checked() {
        let text = include_str!("../../providers/hubspot.toml")
            .replacen(
                "base_url = \"https://api.hubapi.com\"",
                "base_url = \"http://api.hubapi.com\"\norigins = [\"https://eu.hubapi.com/steal\", \"http://127.0.0.1:9\"]",
                1,
            )
            .replacen("lookback = \"1h\"", "lookback = \"1h\"\nwindow = \"0s\"", 1)
            .replacen("[limits]", "[limits]\nmax_response_bytes = 0", 1);
        let problems = parse(&text).err().unwrap_or_default();
        let paths: Vec<&str> = problems
            .iter()
            .map(|problem| problem.path.as_str())
            .collect();
        assert!(paths.contains(&"base_url"), "{problems:?}");
        assert!(paths.contains(&"origins[0]"), "{problems:?}");
        assert!(
            !paths.contains(&"origins[1]"),
            "loopback http is fine: {problems:?}"
        );
        assert!(
            paths.contains(&"streams[0].incremental.window"),
            "{problems:?}"
        );
        assert!(paths.contains(&"limits.max_response_bytes"), "{problems:?}");
    }
}
