//! Live shell completion candidates: connection ids, clients, providers and streams, read
//! from the cache and the catalog while the user presses Tab (`COMPLETE=bash inlet`, or
//! `inlet completions SHELL --dynamic`). Never prompts, never touches the keychain, and
//! completes nothing rather than fail.

use clap_complete::engine::CompletionCandidate;

use crate::env_vars::EnvVars;
use crate::paths::Paths;

fn open_store() -> Option<crate::store::Store> {
    let home = std::env::var_os(EnvVars::HOME).map(std::path::PathBuf::from);
    let paths = Paths::resolve(home.as_deref()).ok()?;
    let database = paths.database();
    database
        .exists()
        .then(|| crate::store::Store::open(&database).ok())
        .flatten()
}

/// Connection ids, each with its account name.
pub fn connections() -> Vec<CompletionCandidate> {
    let Some(store) = open_store() else {
        return Vec::new();
    };
    store
        .connections(None)
        .unwrap_or_default()
        .into_iter()
        .map(|row| CompletionCandidate::new(row.id.to_string()).help(Some(row.account_name.into())))
        .collect()
}

/// Client names.
pub fn clients() -> Vec<CompletionCandidate> {
    let Some(store) = open_store() else {
        return Vec::new();
    };
    let mut clients: Vec<String> = store
        .connections(None)
        .unwrap_or_default()
        .into_iter()
        .map(|row| row.id.client().to_owned())
        .collect();
    clients.dedup();
    clients.into_iter().map(CompletionCandidate::new).collect()
}

fn catalog() -> Option<crate::catalog::Catalog> {
    let home = std::env::var_os(EnvVars::HOME).map(std::path::PathBuf::from);
    let paths = Paths::resolve(home.as_deref()).ok()?;
    crate::catalog::Catalog::load(&paths.config_dir).ok()
}

/// Provider ids, each with its name.
pub fn providers() -> Vec<CompletionCandidate> {
    catalog().map_or_else(Vec::new, |catalog| {
        catalog
            .entries()
            .iter()
            .map(|entry| {
                CompletionCandidate::new(entry.provider.id.clone())
                    .help(Some(entry.provider.name.clone().into()))
            })
            .collect()
    })
}

/// Stream names of every known provider.
pub fn streams() -> Vec<CompletionCandidate> {
    let Some(catalog) = catalog() else {
        return Vec::new();
    };
    let mut names: Vec<String> = catalog
        .entries()
        .iter()
        .flat_map(|entry| {
            entry
                .provider
                .streams
                .iter()
                .map(|stream| stream.name.clone())
        })
        .collect();
    names.sort();
    names.dedup();
    names.into_iter().map(CompletionCandidate::new).collect()
}
