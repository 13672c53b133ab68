//! Provider definitions: the serde model of `providers/*.toml`, the built-in files embedded at
//! build time, and lookup by id.
//!
//! A definition is data: adding a provider that fits the vocabulary needs no Rust.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::UserError;

/// The built-in definitions, embedded so the binary is self-contained.
const BUILT_IN: &[(&str, &str)] = &[("hubspot.toml", include_str!("../../providers/hubspot.toml"))];

/// The definition format this build reads.
pub const FORMAT: u32 = 1;

/// One provider.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub format: u32,
    /// Revision of this definition; goes into export manifests.
    pub version: u32,
    pub id: String,
    pub name: String,
    pub category: String,
    pub docs: String,
    /// Default API base URL; a connection may override it.
    pub base_url: String,
    pub auth: Auth,
    pub verify: Verify,
    pub streams: Vec<Stream>,
}

/// How a credential is presented.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    pub mode: AuthMode,
    /// What to call the credential when asking for it.
    pub label: String,
    /// An example of its shape (never a real one).
    pub example: String,
}

/// Credential presentation modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    /// `Authorization: Bearer <token>`.
    Bearer,
}

/// The call that proves a credential works and names the account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verify {
    pub path: String,
    /// JSON pointer to the account id in the response.
    pub account_id: String,
    /// Account name template: `{/pointer}` is replaced by that value of the response.
    pub account_name: String,
}

/// One kind of record a provider yields.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stream {
    pub name: String,
    /// The normalized entity this stream feeds (`contacts`, `companies`, `deals`).
    pub entity: Entity,
    pub path: String,
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// JSON pointer to the array of records in a page.
    pub records: String,
    /// JSON pointer (within a record) to its id.
    pub primary_key: String,
    /// JSON pointer (within a record) to its last-modified time.
    pub updated_at: Option<String>,
    pub paginator: Paginator,
    /// Normalized field → where it comes from in the record.
    pub normalize: BTreeMap<String, FieldSpec>,
}

/// How to get from one page to the next.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Paginator {
    /// A cursor in the response body, sent back as a query parameter; absent on the last page.
    BodyCursor {
        /// JSON pointer to the next cursor in the page.
        cursor: String,
        /// The query parameter that carries it.
        param: String,
        /// Safety net against endless cursors.
        #[serde(default = "default_max_pages")]
        max_pages: u64,
    },
}

fn default_max_pages() -> u64 {
    1_000_000
}

/// The normalized entities of the export contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Contacts,
    Companies,
    Deals,
}

impl Entity {
    /// All entities, in export order.
    pub const ALL: [Self; 3] = [Self::Contacts, Self::Companies, Self::Deals];

    /// The entity's name in the export document.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contacts => "contacts",
            Self::Companies => "companies",
            Self::Deals => "deals",
        }
    }
}

/// Where a normalized field comes from: a JSON pointer (a string), or a pointer with a type.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FieldSpec {
    Pointer(String),
    Typed {
        from: String,
        #[serde(rename = "type")]
        kind: FieldType,
    },
}

/// Types a normalized field can be converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    String,
    Number,
    Integer,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An instant, RFC 3339 UTC.
    Datetime,
}

/// The providers this build knows.
#[derive(Debug)]
pub struct Catalog {
    providers: Vec<Provider>,
}

impl Catalog {
    /// Loads the built-in definitions.
    pub fn load() -> anyhow::Result<Self> {
        let mut providers = Vec::new();
        for (file, text) in BUILT_IN {
            let provider: Provider = toml::from_str(text).map_err(|error| {
                anyhow::anyhow!("built-in provider `{file}` is invalid: {error}")
            })?;
            validate(&provider)
                .map_err(|error| anyhow::anyhow!("built-in provider `{file}`: {error}"))?;
            providers.push(provider);
        }
        providers.sort_by(|left, right| left.id.cmp(&right.id));
        Ok(Self { providers })
    }

    /// The provider with this id, or a usage error listing the known ones.
    pub fn get(&self, id: &str) -> Result<&Provider, UserError> {
        self.providers
            .iter()
            .find(|provider| provider.id == id)
            .ok_or_else(|| {
                UserError::usage(format!("unknown provider `{id}`"))
                    .hint(format!("known providers: {}", self.ids().join(", ")))
            })
    }

    /// Known provider ids, sorted.
    pub fn ids(&self) -> Vec<&str> {
        self.providers
            .iter()
            .map(|provider| provider.id.as_str())
            .collect()
    }
}

fn validate(provider: &Provider) -> Result<(), String> {
    if provider.format != FORMAT {
        return Err(format!(
            "format {} is not supported (this inlet reads {FORMAT})",
            provider.format
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for stream in &provider.streams {
        if !seen.insert(&stream.name) {
            return Err(format!("stream `{}` is defined twice", stream.name));
        }
        let pointers = [&stream.records, &stream.primary_key]
            .into_iter()
            .chain(stream.updated_at.as_ref())
            .chain(stream.normalize.values().map(FieldSpec::pointer));
        for pointer in pointers {
            if !pointer.is_empty() && !pointer.starts_with('/') {
                return Err(format!(
                    "stream `{}`: `{pointer}` is not a JSON pointer",
                    stream.name
                ));
            }
        }
    }
    Ok(())
}

impl FieldSpec {
    /// The JSON pointer the field reads.
    pub fn pointer(&self) -> &String {
        match self {
            Self::Pointer(pointer) | Self::Typed { from: pointer, .. } => pointer,
        }
    }

    /// The type it converts to.
    pub fn kind(&self) -> FieldType {
        match self {
            Self::Pointer(_) => FieldType::String,
            Self::Typed { kind, .. } => *kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_providers_load() -> anyhow::Result<()> {
        let catalog = Catalog::load()?;
        let hubspot = catalog.get("hubspot")?;
        let names: Vec<_> = hubspot
            .streams
            .iter()
            .map(|stream| stream.name.as_str())
            .collect();
        assert_eq!(names, ["contacts", "companies", "deals"]);
        Ok(())
    }

    #[test]
    fn unknown_provider_is_a_usage_error() -> anyhow::Result<()> {
        let catalog = Catalog::load()?;
        let error = catalog.get("nope").err().map(|error| error.status);
        assert_eq!(error, Some(crate::error::ExitStatus::Usage));
        Ok(())
    }

    #[test]
    fn unknown_keys_are_errors() {
        let text = include_str!("../../providers/hubspot.toml")
            .replace("[verify]", "[verify]\nsurprise = 1");
        assert!(toml::from_str::<Provider>(&text).is_err());
    }
}
