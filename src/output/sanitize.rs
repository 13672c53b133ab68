//! Provider text (error messages, account names) is untrusted: strip control characters that
//! could rewrite the terminal, bound its length, and never let it carry a secret.

/// Longest provider message shown to the user, in characters.
const MAX_CHARS: usize = 300;

/// Removes control characters (keeping none: messages are one line) and bounds the length.
pub fn for_terminal(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_CHARS)
        .collect();
    if text.chars().count() > MAX_CHARS {
        out.push('…');
    }
    out
}

/// Sanitizes provider text and masks every occurrence of `secret` in it: some providers echo
/// the presented credential back in their error bodies.
pub fn provider_text(text: &str, secret: Option<&str>) -> String {
    let cleaned = match secret {
        Some(secret) if !secret.is_empty() => text.replace(secret, "[REDACTED]"),
        _ => text.to_owned(),
    };
    for_terminal(&cleaned)
}

/// Sanitizes provider text and masks every one of `masks` in it (each encoding of a secret
/// inlet sent), longest first.
pub fn provider_text_masking<'a>(text: &str, masks: impl IntoIterator<Item = &'a str>) -> String {
    let mut cleaned = text.to_owned();
    for mask in masks {
        if !mask.is_empty() {
            cleaned = cleaned.replace(mask, "[REDACTED]");
        }
    }
    for_terminal(&cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_removed() {
        assert_eq!(for_terminal("bad\x1b[2Jthing\n"), "bad [2Jthing ");
    }

    #[test]
    fn long_text_is_bounded() {
        let long = "x".repeat(1000);
        assert_eq!(for_terminal(&long).chars().count(), MAX_CHARS + 1);
    }

    #[test]
    fn secrets_are_masked() {
        assert_eq!(
            provider_text("token abc123 is bad", Some("abc123")),
            "token [REDACTED] is bad"
        );
    }
}
