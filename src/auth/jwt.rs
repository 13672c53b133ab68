//! RFC 7523 JWT bearer assertions, RS256: the definition's claims rendered with the
//! connection's settings, `iat`/`exp` from the assertion's lifetime.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret as _, SecretString};

use super::AuthError;
use super::app::App;
use crate::catalog::render_base_url;

/// What a private-key input may hold: a PEM key, or a Google service-account key file whose
/// other fields (`client_email`, `private_key_id`, …) fill inputs of the same names.
pub struct KeyMaterial {
    pub pem: SecretString,
    pub fields: BTreeMap<String, String>,
}

/// Reads a private key (PEM, or a service-account JSON key file).
pub fn key_material(text: &SecretString) -> Result<KeyMaterial, AuthError> {
    let raw = text.expose_secret().trim();
    if raw.starts_with('{') {
        let document: serde_json::Value = serde_json::from_str(raw).map_err(|_| {
            AuthError::Key("the key file is neither a PEM key nor a JSON key file".to_owned())
        })?;
        let pem = document
            .get("private_key")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| AuthError::Key("the JSON key file has no `private_key`".to_owned()))?;
        let fields = document
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(name, _)| name.as_str() != "private_key")
            .filter_map(|(name, value)| Some((name.clone(), value.as_str()?.to_owned())))
            .collect();
        return Ok(KeyMaterial {
            pem: SecretString::from(pem.to_owned()),
            fields,
        });
    }
    if !raw.starts_with("-----BEGIN") {
        return Err(AuthError::Key(
            "the key is neither PEM (a `-----BEGIN …KEY-----` block) nor a JSON key file"
                .to_owned(),
        ));
    }
    jsonwebtoken::EncodingKey::from_rsa_pem(raw.as_bytes())
        .map_err(|_| AuthError::Key("the PEM key is not an RSA private key".to_owned()))?;
    Ok(KeyMaterial {
        pem: SecretString::from(raw.to_owned()),
        fields: BTreeMap::new(),
    })
}

/// Renders a claim template: non-secret inputs, `{scopes}`, `{token_url}`, `{auth_url}`.
fn render(template: &str, app: &App<'_>) -> String {
    let mut vars = app.settings.clone();
    vars.insert("scopes".to_owned(), app.oauth.scopes.join(" "));
    vars.insert("token_url".to_owned(), app.endpoints.token.to_string());
    vars.insert("auth_url".to_owned(), app.endpoints.auth_url.clone());
    render_base_url(template, &vars)
}

/// The signed assertion.
pub fn assertion(app: &App<'_>) -> Result<SecretString, AuthError> {
    let spec = app
        .oauth
        .assertion
        .as_ref()
        .ok_or_else(|| AuthError::Config("the mode has no `assertion`".to_owned()))?;
    let key = app
        .private_key
        .as_ref()
        .ok_or_else(|| AuthError::Key("no private key is stored for this connection".to_owned()))?;
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(key.expose_secret().as_bytes())
        .map_err(|_| AuthError::Key("the stored key is not an RSA private key".to_owned()))?;
    let lifetime = humantime::parse_duration(&spec.lifetime)
        .map_err(|_| AuthError::Config(format!("`{}` is not a duration", spec.lifetime)))?;
    let now = jiff::Timestamp::now().as_second();
    let mut claims = serde_json::Map::new();
    for (name, template) in &spec.claims {
        claims.insert(name.clone(), render(template, app).into());
    }
    claims.insert("iat".to_owned(), now.into());
    claims.insert(
        "exp".to_owned(),
        (now + i64::try_from(lifetime.as_secs()).unwrap_or(180)).into(),
    );
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = spec.key_id.as_deref().map(|kid| render(kid, app));
    jsonwebtoken::encode(&header, &claims, &key)
        .map(SecretString::from)
        .map_err(|error| AuthError::Key(format!("cannot sign the assertion: {error}")))
}
