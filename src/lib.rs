//! inlet: connect clients' accounts at third-party services, keep the credentials in the OS
//! keychain, cache their data in SQLite, and export normalized JSON for dashboards.
//!
//! Modules depend downwards in this list; nothing below `commands` prints or prompts.

pub mod cli;
pub mod clock;
pub mod commands;
pub mod complete;
pub mod context;
pub mod counts;
pub mod durations;
pub mod env_vars;
pub mod error;
pub mod exit;
pub mod hardening;
pub mod ids;
pub mod logging;
pub mod outcome;
pub mod output;
pub mod paths;

pub mod auth;
pub mod catalog;
pub mod entities;
pub mod export;
pub mod http;
pub mod normalize;
pub mod schedule;
pub mod secrets;
pub mod store;
pub mod sync;
pub mod trust;
pub mod view;
