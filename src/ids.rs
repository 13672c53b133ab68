//! Client names, connection names and connection ids (`CLIENT/NAME`): their rules and parsing.

use std::fmt;

use crate::error::UserError;

/// A validated connection id, `CLIENT/NAME`: what the cache, the keychain and every command key
/// a connection by. It reads as its text (`&str`) wherever one is wanted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnectionId {
    text: String,
    /// Where the `/` is.
    slash: usize,
}

impl ConnectionId {
    /// Parses `CLIENT/NAME`.
    pub fn parse(text: &str) -> Result<Self, UserError> {
        Self::read(text).ok_or_else(|| {
            UserError::usage(format!("`{}` is not a connection id", crate::output::sanitize::for_terminal(text)))
                .hint("connection ids look like `CLIENT/NAME`, e.g. `acme/hubspot`; `inlet status` lists them")
        })
    }

    /// `CLIENT/NAME` when `text` is one.
    pub fn read(text: &str) -> Option<Self> {
        let (client, name) = text.split_once('/')?;
        (valid_part(client) && valid_part(name)).then(|| Self {
            text: text.to_owned(),
            slash: client.len(),
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
            text: format!("{client}/{name}"),
            slash: client.len(),
        })
    }

    pub fn client(&self) -> &str {
        &self.text[..self.slash]
    }

    pub fn name(&self) -> &str {
        &self.text[self.slash + 1..]
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::ops::Deref for ConnectionId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for ConnectionId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.text)
    }
}

impl serde::Serialize for ConnectionId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl PartialEq<str> for ConnectionId {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for ConnectionId {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<String> for ConnectionId {
    fn eq(&self, other: &String) -> bool {
        self.text == *other
    }
}

impl PartialEq<ConnectionId> for String {
    fn eq(&self, other: &ConnectionId) -> bool {
        *self == other.text
    }
}

impl From<ConnectionId> for String {
    fn from(id: ConnectionId) -> Self {
        id.text
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
        assert_eq!((id.client(), id.name()), ("acme", "hubspot"));
        assert_eq!(id.to_string(), "acme/hubspot");
        // It reads as its text, and the same id built from its parts is equal to it.
        assert_eq!(&*id, "acme/hubspot");
        assert_eq!(id, ConnectionId::new("acme", "hubspot")?);
        assert_eq!(ConnectionId::read("acme/hubspot"), Some(id));
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
            assert!(ConnectionId::read(bad).is_none(), "{bad}");
        }
    }
}
