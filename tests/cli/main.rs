//! End-to-end tests: the real binary, a real SQLite file, real HTTP to the sandbox on
//! loopback, and the real Secret Service in a private D-Bus session (`scripts/with-keychain.sh`,
//! which `scripts/test` uses).

mod common;

mod accounts;
mod bad_input;
mod cache;
mod credentials;
mod deletions;
mod demo;
mod engine;
mod export_contract;
mod export_layouts;
mod failures;
mod generated;
mod help;
mod keychain;
mod oauth;
mod output;
mod paginators;
mod partitions;
mod pipeline;
mod platform_keychain;
mod purge;
mod reports;
mod secrets;
mod security;
mod seen;
mod sigkill;
mod terminal;
mod unattended;
mod views;
