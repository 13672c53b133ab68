//! Client names, connection names and connection ids (`CLIENT/NAME`): their rules and parsing.

use std::fmt;

use crate::error::UserError;

/// A validated connection id, `CLIENT/NAME`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConnectionId {
    pub client: String,
    pub name: String,
}

impl ConnectionId {
    /// Parses `CLIENT/NAME`.
    pub fn parse(text: &str) -> Result<Self, UserError> {
        let malformed = || {
            UserError::usage(format!("`{}` is not a connection id", crate::output::sanitize::for_terminal(text)))
                .hint("connection ids look like `CLIENT/NAME`, e.g. `acme/hubspot`; `inlet status` lists them")
        };
        let (client, name) = text.split_once('/').ok_or_else(malformed)?;
        if !valid_part(client) || !valid_part(name) {
            return Err(malformed());
        }
        Ok(Self {
            client: client.to_owned(),
            name: name.to_owned(),
        })
    }

    /// Builds an id from a client and a name, validating both.
    pub fn new(client: &str, name: &str) -> Result<Self, UserError> {
        check_client(client)?;
        if !valid_part(name) {
            return Err(UserError::usage(format!(
                "`{}` is not a valid connection name",
                crate::output::sanitize::for_terminal(name)
            ))
            .hint(RULE));
        }
        Ok(Self {
            client: client.to_owned(),
            name: name.to_owned(),
        })
    }
}

impl fmt::Display for ConnectionId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}/{}", self.client, self.name)
    }
}

const RULE: &str = "names use lowercase letters, digits, `-` and `_`, start with a letter or digit, and are at most 64 characters";

/// Validates a client name.
pub fn check_client(client: &str) -> Result<(), UserError> {
    if valid_part(client) {
        Ok(())
    } else {
        Err(UserError::usage(format!(
            "`{}` is not a valid client name",
            crate::output::sanitize::for_terminal(client)
        ))
        .hint(RULE))
    }
}

fn valid_part(part: &str) -> bool {
    let mut chars = part.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    first_ok
        && part.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_ids() -> anyhow::Result<()> {
        let id = ConnectionId::parse("acme/hubspot")?;
        assert_eq!((id.client.as_str(), id.name.as_str()), ("acme", "hubspot"));
        assert_eq!(id.to_string(), "acme/hubspot");
        Ok(())
    }

    #[test]
    fn rejects_malformed_ids() {
        for bad in [
            "acme",
            "acme/",
            "/hubspot",
            "Acme/hubspot",
            "acme/hub spot",
            "a/b/c",
            "-a/b",
            "",
        ] {
            assert!(ConnectionId::parse(bad).is_err(), "{bad}");
        }
    }
}
