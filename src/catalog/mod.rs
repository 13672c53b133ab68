//! Provider definitions: the built-in files embedded at build time, the user's own files
//! (`CONFIG/providers/*.toml`, which add providers or override built-in ones by id), strict
//! validation with key paths, and lookup by id.
//!
//! A definition is data: adding a provider that fits the vocabulary needs no Rust.

mod mapping;
mod model;
mod oauth;
mod report;
mod validate;

use std::path::{Path, PathBuf};

pub use model::*;
pub use oauth::{Assertion, ClientAuth, Grant, OAuth};
pub use report::{MetricType, Quota, Report, Rows};
pub use validate::Problem;

use crate::error::UserError;

/// The built-in definitions, embedded so the binary is self-contained.
const BUILT_IN: &[(&str, &str)] = &[
    ("hubspot.toml", include_str!("../../providers/hubspot.toml")),
    (
        "salesforce.toml",
        include_str!("../../providers/salesforce.toml"),
    ),
    ("stripe.toml", include_str!("../../providers/stripe.toml")),
    ("ga4.toml", include_str!("../../providers/ga4.toml")),
    (
        "search_console.toml",
        include_str!("../../providers/search_console.toml"),
    ),
];

/// The definition format this build reads.
pub const FORMAT: u32 = 1;

/// Where a definition came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn(&'static str),
    User(PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BuiltIn(file) => write!(formatter, "built-in ({file})"),
            Self::User(path) => write!(formatter, "{}", path.display()),
        }
    }
}

/// A loaded definition.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Shared, so a fetch can hand it to the thread that writes pages.
    pub provider: std::sync::Arc<Provider>,
    pub origin: Origin,
}

/// The providers this inlet knows.
#[derive(Debug, Clone)]
pub struct Catalog {
    entries: Vec<Entry>,
    /// User files that could not be used, with why; commands show them as warnings.
    pub warnings: Vec<String>,
}

/// Parses and validates one definition; every problem comes with its key path.
pub fn parse(text: &str) -> Result<Provider, Vec<Problem>> {
    let mut table: toml::Table = text
        .parse()
        .map_err(|error| vec![Problem::syntax(&error, text)])?;
    // Every problem in one run: a shape error (unknown key, wrong type) is recorded, the key is
    // set aside, and the rest is read again. A table missing a key is set aside whole; the
    // "missing" error that causes in its parent is that same problem again, and ends the run.
    let mut problems = Vec::new();
    let mut set_aside_incomplete = false;
    let mut removed: Vec<String> = Vec::new();
    let mut shifted = false;
    for _ in 0..200 {
        let value = toml::Value::Table(table.clone());
        match serde_path_to_error::deserialize::<_, Provider>(value) {
            Ok(provider) => {
                // What was set aside would be reported again as a consequence ("`requests`
                // and `per` go together"); and once an array element is gone, later indices
                // would be wrong.
                if !shifted {
                    problems.extend(validate::validate(&provider).into_iter().filter(|problem| {
                        !removed.iter().any(|gone| {
                            gone.starts_with(&problem.path)
                                || problem.path.starts_with(gone.as_str())
                        })
                    }));
                }
                return if problems.is_empty() {
                    Ok(provider)
                } else {
                    Err(problems)
                };
            }
            Err(error) => {
                let missing = error.inner().message().contains("missing field");
                if missing && set_aside_incomplete {
                    return Err(problems);
                }
                problems.push(Problem::shape(&error));
                set_aside_incomplete = missing;
                if !remove_at(&mut table, error.path()) {
                    return Err(problems);
                }
                removed.push(error.path().to_string());
                shifted |= matches!(
                    error.path().iter().next_back(),
                    Some(serde_path_to_error::Segment::Seq { .. })
                );
            }
        }
    }
    Err(problems)
}

/// Removes the value at a deserialization path; false when there is nothing to remove there.
fn remove_at(table: &mut toml::Table, path: &serde_path_to_error::Path) -> bool {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = path.iter().collect();
    let Some((last, parents)) = segments.split_last() else {
        return false;
    };
    let mut current = toml::Value::Table(std::mem::take(table));
    let removed = {
        let mut node = Some(&mut current);
        for segment in parents {
            node = match (node, segment) {
                (Some(toml::Value::Table(map)), Segment::Map { key }) => map.get_mut(key),
                (Some(toml::Value::Array(items)), Segment::Seq { index }) => items.get_mut(*index),
                (other, Segment::Enum { .. }) => other,
                _ => None,
            };
        }
        match (node, last) {
            (Some(toml::Value::Table(map)), Segment::Map { key }) => map.remove(key).is_some(),
            (Some(toml::Value::Array(items)), Segment::Seq { index }) if *index < items.len() => {
                items.remove(*index);
                true
            }
            _ => false,
        }
    };
    if let toml::Value::Table(map) = current {
        *table = map;
    }
    removed
}

impl Catalog {
    /// The built-in definitions only.
    pub fn built_in() -> anyhow::Result<Self> {
        let mut entries = Vec::new();
        for (file, text) in BUILT_IN {
            let provider = parse(text).map_err(|problems| {
                anyhow::anyhow!("built-in provider `{file}` is invalid: {}", problems[0])
            })?;
            entries.push(Entry {
                provider: provider.into(),
                origin: Origin::BuiltIn(file),
            });
        }
        entries.sort_by(|left, right| left.provider.id.cmp(&right.provider.id));
        Ok(Self {
            entries,
            warnings: Vec::new(),
        })
    }

    /// Built-in definitions, then the user's `CONFIG/providers/*.toml` on top (same id
    /// replaces). An invalid user file is skipped with a warning rather than breaking every
    /// command; `inlet providers validate FILE` explains it.
    pub fn load(config_dir: &Path) -> anyhow::Result<Self> {
        let mut catalog = Self::built_in()?;
        let dir = config_dir.join("providers");
        // A definition decides where credentials go: only the user's own files count.
        crate::trust::check(config_dir, "config folder")?;
        crate::trust::check(&dir, "provider folder")?;
        let Ok(read) = fs_err::read_dir(&dir) else {
            return Ok(catalog);
        };
        let mut files: Vec<PathBuf> = read
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.extension()
                    .is_some_and(|extension| extension == "toml")
            })
            .collect();
        files.sort();
        for path in files {
            crate::trust::check(&path, "provider definition")?;
            let text = match fs_err::read_to_string(&path) {
                Ok(text) => text,
                Err(error) => {
                    catalog
                        .warnings
                        .push(format!("skipped `{}`: {error}", path.display()));
                    continue;
                }
            };
            match parse(&text) {
                Ok(provider) => {
                    catalog
                        .entries
                        .retain(|entry| entry.provider.id != provider.id);
                    catalog.entries.push(Entry {
                        provider: provider.into(),
                        origin: Origin::User(path),
                    });
                }
                Err(problems) => catalog.warnings.push(format!(
                    "skipped `{}`: {} problem(s), first: {}; run `inlet providers validate {}`",
                    path.display(),
                    problems.len(),
                    problems[0],
                    path.display()
                )),
            }
        }
        catalog
            .entries
            .sort_by(|left, right| left.provider.id.cmp(&right.provider.id));
        Ok(catalog)
    }

    /// The provider with this id, or a usage error listing the known ones.
    pub fn get(&self, id: &str) -> Result<&Provider, UserError> {
        self.entry(id).map(|entry| &*entry.provider)
    }

    /// The entry with this id, or a usage error listing the known ones.
    pub fn entry(&self, id: &str) -> Result<&Entry, UserError> {
        self.entries
            .iter()
            .find(|entry| entry.provider.id == id)
            .ok_or_else(|| {
                let error = UserError::usage(format!(
                    "unknown provider `{}`",
                    crate::output::sanitize::for_terminal(id)
                ));
                match crate::output::did_you_mean(id, self.ids()) {
                    Some(close) => error.hint(format!("did you mean `{close}`?")),
                    None => error,
                }
                .hint(format!("known providers: {}", self.ids().join(", ")))
            })
    }

    /// Every entry, by id.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Known provider ids, sorted.
    pub fn ids(&self) -> Vec<&str> {
        self.entries
            .iter()
            .map(|entry| entry.provider.id.as_str())
            .collect()
    }
}

/// The JSON Schema of the definition format, generated from the model.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Provider);
    serde_json::to_value(&schema).unwrap_or_default()
}

impl Provider {
    /// The stream with this name.
    pub fn stream(&self, name: &str) -> Option<&Stream> {
        self.streams.iter().find(|stream| stream.name == name)
    }

    /// The auth mode with this id, or the default (first) one.
    pub fn auth_mode(&self, id: Option<&str>) -> Result<&AuthMode, UserError> {
        match id {
            None => self.auth.first().ok_or_else(|| {
                UserError::failure(format!("provider `{}` has no auth mode", self.id))
            }),
            Some(id) => self.auth.iter().find(|mode| mode.id == id).ok_or_else(|| {
                let known: Vec<&str> = self.auth.iter().map(|mode| mode.id.as_str()).collect();
                UserError::usage(format!("provider `{}` has no auth mode `{id}`", self.id))
                    .hint(format!("its modes: {}", known.join(", ")))
            }),
        }
    }

    /// The input with this name.
    pub fn input(&self, name: &str) -> Option<&Input> {
        self.inputs.iter().find(|input| input.name == name)
    }
}

/// Renders a definition's template (a base URL, an origin, an OAuth parameter) with a
/// connection's settings: `{name}` becomes the setting's value; unknown placeholders are left as
/// they are (validation rejects them in definitions).
pub fn render_base_url(
    template: &str,
    settings: &std::collections::BTreeMap<String, String>,
) -> String {
    if !template.contains('{') {
        return template.to_owned();
    }
    let mut out = template.to_owned();
    for (name, value) in settings {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_providers_load() -> anyhow::Result<()> {
        let catalog = Catalog::built_in()?;
        assert_eq!(
            catalog.ids(),
            ["ga4", "hubspot", "salesforce", "search-console", "stripe"]
        );
        let hubspot = catalog.get("hubspot")?;
        let names: Vec<_> = hubspot
            .streams
            .iter()
            .map(|stream| stream.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["contacts", "companies", "deals", "stages", "owners"]
        );
        Ok(())
    }

    #[test]
    fn unknown_provider_is_a_usage_error() -> anyhow::Result<()> {
        let catalog = Catalog::built_in()?;
        let error = catalog.get("nope").err().map(|error| error.status);
        assert_eq!(error, Some(crate::error::ExitStatus::Usage));
        Ok(())
    }

    #[test]
    fn unknown_keys_are_errors_with_their_path() {
        let text = include_str!("../../providers/hubspot.toml")
            .replace("[verify]", "[verify]\nsurprise = 1");
        let problems = parse(&text).err().unwrap_or_default();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].to_string().contains("verify"),
            "{}",
            problems[0]
        );
        assert!(
            problems[0].to_string().contains("surprise"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn user_files_override_built_ins_and_bad_ones_are_skipped() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        fs_err::create_dir_all(dir.path().join("providers"))?;
        let text = include_str!("../../providers/hubspot.toml")
            .replace("name = \"HubSpot\"", "name = \"HubSpot EU\"");
        fs_err::write(dir.path().join("providers/hubspot.toml"), text)?;
        fs_err::write(dir.path().join("providers/broken.toml"), "format = 1\n")?;
        let catalog = Catalog::load(dir.path())?;
        assert_eq!(catalog.get("hubspot")?.name, "HubSpot EU");
        assert_eq!(catalog.warnings.len(), 1);
        assert!(catalog.warnings[0].contains("broken.toml"));
        Ok(())
    }
}
