//! Fault injection: which faults a sandbox injects (parsed from `429:5%,500:2%,…`), the
//! deterministic draw for each request, and the provider-independent ways of breaking an answer
//! (delaying it, truncating its body, cutting the connection in the middle of the body). The
//! providers supply their own bodies for the faults that replace an answer (429 and 5xx).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::conn::CutHandle;
use super::rng::stream_rng;

/// Fault injection: each is a probability in [0,1] applied per request (after auth),
/// deterministic from seed + request counter.
///
/// One uniform draw per request picks at most one fault, so the probabilities add up: they
/// must not exceed 1 together (`parse` refuses that; set directly, the later kinds in field
/// order get whatever probability is left).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Faults {
    /// Answer 429 with the provider's rate-limit body, as if a limit had been hit.
    pub rate_limited: f64,
    /// Answer 500, 502 or 503 (chosen deterministically) with the provider's error body.
    pub server_error: f64,
    /// Send the headers and part of the body, then reset the connection.
    pub reset: f64,
    /// Delay the answer by 1.5 s on top of the configured latency.
    pub slow: f64,
    /// Answer with the status the request deserved but a truncated JSON body.
    pub malformed: f64,
}

/// How long the `slow` fault holds an answer: long enough to trip a client's short timeouts.
pub(crate) const SLOW_DELAY: Duration = Duration::from_millis(1_500);

/// The statuses the `server_error` fault answers with, one chosen per request.
const SERVER_ERROR_STATUSES: [StatusCode; 3] = [
    StatusCode::INTERNAL_SERVER_ERROR,
    StatusCode::BAD_GATEWAY,
    StatusCode::SERVICE_UNAVAILABLE,
];

/// Keeps fault draws independent of every other use of the seed.
const TAG_FAULT: u64 = 0x6661_756c_7473_0000;

/// Spec names for each kind, in field order; the first is what `Display` writes.
const KINDS: [(&[&str], &str); 5] = [
    (&["429", "rate_limited", "ratelimit"], "429"),
    (&["500", "5xx", "server_error"], "500"),
    (&["reset"], "reset"),
    (&["slow"], "slow"),
    (&["malformed"], "malformed"),
];

impl Faults {
    /// Parses `429:5%,500:2%,reset:1%,slow:1%,malformed:1%` (percent or plain fraction like
    /// `429:0.05`); clear error message naming the bad part. Kinds may come in any order and
    /// be left out; an empty spec or `none` injects nothing. `5xx`/`server_error` and
    /// `rate_limited` are accepted as names for `500` and `429`.
    pub fn parse(spec: &str) -> Result<Faults, String> {
        let mut faults = Faults::default();
        let mut seen = [false; 5];
        let spec = spec.trim();
        if spec.is_empty() || spec.eq_ignore_ascii_case("none") {
            return Ok(faults);
        }
        for part in spec.split(',').map(str::trim) {
            if part.is_empty() {
                return Err(format!(
                    "invalid fault spec `{spec}`: empty entry (entries are separated by one comma)"
                ));
            }
            let Some((kind, rate)) = part.split_once(':') else {
                return Err(format!(
                    "invalid fault `{part}`: expected KIND:RATE, e.g. `429:5%` or `reset:0.01`"
                ));
            };
            let kind = kind.trim().to_ascii_lowercase();
            let Some(slot) = KINDS
                .iter()
                .position(|(names, _)| names.contains(&kind.as_str()))
            else {
                return Err(format!(
                    "invalid fault `{part}`: unknown kind `{kind}` (expected 429, 500, reset, slow \
                     or malformed)"
                ));
            };
            if seen[slot] {
                return Err(format!("invalid fault `{part}`: `{kind}` is given twice"));
            }
            seen[slot] = true;
            *faults.slot_mut(slot) = parse_rate(rate.trim()).ok_or_else(|| {
                format!(
                    "invalid fault `{part}`: rate must be a percentage from 0% to 100% (like \
                         `5%`) or a fraction from 0 to 1 (like `0.05`)"
                )
            })?;
        }
        let total: f64 = (0..5).map(|slot| faults.slot(slot)).sum();
        // Rounding in `0.1 + 0.2`-style sums must not reject a spec that adds up to exactly 100%.
        if total > 1.0 + 1e-9 {
            return Err(format!(
                "invalid fault spec `{spec}`: the rates add up to {}, more than 100% (one fault at \
                 most is injected per request)",
                percent(total)
            ));
        }
        Ok(faults)
    }

    /// True when no fault can ever be injected.
    pub fn is_none(&self) -> bool {
        (0..5).all(|slot| self.slot(slot) <= 0.0)
    }

    fn slot(&self, slot: usize) -> f64 {
        match slot {
            0 => self.rate_limited,
            1 => self.server_error,
            2 => self.reset,
            3 => self.slow,
            _ => self.malformed,
        }
    }

    fn slot_mut(&mut self, slot: usize) -> &mut f64 {
        match slot {
            0 => &mut self.rate_limited,
            1 => &mut self.server_error,
            2 => &mut self.reset,
            3 => &mut self.slow,
            _ => &mut self.malformed,
        }
    }

    /// The fault for the request numbered `sequence`, if any: a pure function of the seed and
    /// the number, so a sequential client sees the same faults on every run.
    pub(crate) fn draw(&self, seed: u64, sequence: u64) -> Option<Fault> {
        if self.is_none() {
            return None;
        }
        let mut rng = stream_rng(seed, TAG_FAULT, sequence);
        // 53 random bits give every representable f64 in [0, 1) its fair share.
        let draw = (rng.next_u64() >> 11) as f64 / (1_u64 << 53) as f64;
        let mut bound = 0.0;
        for slot in 0..5 {
            bound += self.slot(slot).clamp(0.0, 1.0);
            if draw < bound {
                return Some(match slot {
                    0 => Fault::RateLimited,
                    1 => Fault::ServerError(*rng.pick(&SERVER_ERROR_STATUSES)),
                    2 => Fault::Reset,
                    3 => Fault::Slow,
                    _ => Fault::Malformed,
                });
            }
        }
        None
    }
}

/// `5%`, `0.5%` or a plain fraction `0.05`, within [0, 1].
fn parse_rate(text: &str) -> Option<f64> {
    let (number, scale) = match text.strip_suffix('%') {
        Some(number) => (number.trim_end(), 100.0),
        None => (text, 1.0),
    };
    // `f64::from_str` also takes `inf`, `NaN` and exponents; a rate is plain digits and a dot.
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let rate = number.parse::<f64>().ok()? / scale;
    (0.0..=1.0).contains(&rate).then_some(rate)
}

/// A fraction as a short percentage: `0.05` is `5%`, `0.005` is `0.5%`.
fn percent(rate: f64) -> String {
    let text = format!("{:.6}", rate * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

impl FromStr for Faults {
    type Err = String;

    fn from_str(spec: &str) -> Result<Faults, String> {
        Faults::parse(spec)
    }
}

/// The canonical spec (`429:5%,reset:1%`), `none` when nothing is injected; it parses back to
/// the same faults.
impl fmt::Display for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = KINDS
            .iter()
            .enumerate()
            .filter(|(slot, _)| self.slot(*slot) > 0.0)
            .map(|(slot, (_, name))| format!("{name}:{}", percent(self.slot(slot))))
            .collect();
        if parts.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&parts.join(","))
        }
    }
}

/// One injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    RateLimited,
    ServerError(StatusCode),
    Reset,
    Slow,
    Malformed,
}

impl Fault {
    /// The fault's name in `/_sandbox/stats` (the same names a spec uses).
    pub(crate) fn key(self) -> &'static str {
        match self {
            Fault::RateLimited => "429",
            Fault::ServerError(_) => "500",
            Fault::Reset => "reset",
            Fault::Slow => "slow",
            Fault::Malformed => "malformed",
        }
    }

    /// Every key, in the order stats list them.
    pub(crate) const KEYS: [&'static str; 5] = ["429", "500", "reset", "slow", "malformed"];
}

/// Serves `request` with `fault` applied. `replace` builds the provider's own answer for the
/// faults that stand in for the real one (429 and 5xx); the others change how the real answer
/// is delivered.
pub(crate) async fn serve_with(
    fault: Option<Fault>,
    request: Request,
    next: Next,
    replace: impl FnOnce(Fault) -> Response,
) -> Response {
    match fault {
        None => next.run(request).await,
        Some(fault @ (Fault::RateLimited | Fault::ServerError(_))) => replace(fault),
        Some(Fault::Slow) => {
            tokio::time::sleep(SLOW_DELAY).await;
            next.run(request).await
        }
        Some(Fault::Malformed) => {
            let (parts, body) = buffered(next.run(request).await).await;
            let kept = truncated_len(body.len());
            Response::from_parts(parts, Body::from(body.slice(..kept)))
        }
        Some(Fault::Reset) => {
            let cut = request
                .extensions()
                .get::<ConnectInfo<CutHandle>>()
                .map(|info| info.0.clone());
            let (parts, body) = buffered(next.run(request).await).await;
            let kept = truncated_len(body.len());
            match cut {
                Some(cut) if !body.is_empty() => cut.after_body_bytes(kept),
                // Only a router served without the sandbox's listener lacks the handle (and an
                // empty body has no middle); the closest it can come is a truncated body.
                _ => {
                    tracing::debug!("sandbox cannot reset a connection it does not own");
                    return Response::from_parts(parts, Body::from(body.slice(..kept)));
                }
            }
            Response::from_parts(parts, Body::from(body))
        }
    }
}

/// How much of a body a broken answer keeps: half, so it is a strict prefix (never valid JSON
/// for an object or array) yet long enough to look like the real thing.
fn truncated_len(len: usize) -> usize {
    len / 2
}

/// The answer's head and whole body (the sandbox's bodies are small and already in memory).
async fn buffered(response: Response) -> (axum::http::response::Parts, Bytes) {
    let (mut parts, body) = response.into_parts();
    // The length changes (or must not be trusted): hyper sets it again from the new body.
    parts.headers.remove(CONTENT_LENGTH);
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => (parts, bytes),
        Err(err) => {
            tracing::error!(error = %err, "sandbox could not buffer a response body");
            let (parts, _) = StatusCode::INTERNAL_SERVER_ERROR
                .into_response()
                .into_parts();
            (parts, Bytes::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_percentages_fractions_and_names() {
        let faults = Faults::parse("429:5%,500:2%,reset:1%,slow:1%,malformed:1%").expect("valid");
        assert_eq!(
            faults,
            Faults {
                rate_limited: 0.05,
                server_error: 0.02,
                reset: 0.01,
                slow: 0.01,
                malformed: 0.01,
            }
        );
        assert_eq!(
            Faults::parse(" malformed : 0.5 , 429:0.05 ").expect("valid"),
            Faults {
                rate_limited: 0.05,
                malformed: 0.5,
                ..Faults::default()
            }
        );
        assert_eq!(
            "5xx:100%".parse::<Faults>().map(|f| f.server_error),
            Ok(1.0)
        );
        assert_eq!(Faults::parse(""), Ok(Faults::default()));
        assert_eq!(Faults::parse("none"), Ok(Faults::default()));
        assert_eq!(Faults::parse("reset:0.5%").map(|f| f.reset), Ok(0.005));
        assert!(Faults::parse("429:0%").is_ok_and(|f| f.is_none()));
    }

    #[test]
    fn bad_specs_name_the_bad_part() {
        for (spec, names) in [
            ("404:5%", "`404`"),
            ("429", "`429`"),
            ("429:abc", "`429:abc`"),
            ("429:5", "`429:5`"),
            ("429:150%", "`429:150%`"),
            ("429:-1%", "`429:-1%`"),
            ("429:NaN", "`429:NaN`"),
            ("429:inf", "`429:inf`"),
            ("429:1e-2", "`429:1e-2`"),
            ("429:%", "`429:%`"),
            ("429:5%,,500:1%", "empty entry"),
            ("429:5%,429:1%", "given twice"),
            ("429:60%,500:50%", "110%"),
        ] {
            let err = Faults::parse(spec).expect_err(spec);
            assert!(err.contains(names), "{spec}: {err}");
        }
        assert!(Faults::parse("429:70%,500:30%").is_ok());
        assert!(Faults::parse("429:0.1,500:0.2,reset:0.7").is_ok());
    }

    #[test]
    fn display_round_trips() {
        for spec in [
            "none",
            "429:5%",
            "429:5%,500:2%,reset:1%,slow:1%,malformed:0.5%",
        ] {
            let faults = Faults::parse(spec).expect("valid");
            assert_eq!(faults.to_string(), spec);
            assert_eq!(Faults::parse(&faults.to_string()), Ok(faults));
        }
    }

    #[test]
    fn draws_follow_the_rates_deterministically() {
        let faults = Faults::parse("429:10%,500:20%,reset:5%").expect("valid");
        let draws: Vec<Option<Fault>> = (0..20_000).map(|n| faults.draw(7, n)).collect();
        let again: Vec<Option<Fault>> = (0..20_000).map(|n| faults.draw(7, n)).collect();
        assert_eq!(draws, again);
        let share =
            |key: &str| draws.iter().flatten().filter(|f| f.key() == key).count() as f64 / 20_000.0;
        assert!((share("429") - 0.10).abs() < 0.01);
        assert!((share("500") - 0.20).abs() < 0.01);
        assert!((share("reset") - 0.05).abs() < 0.01);
        assert_eq!(share("slow"), 0.0);
        let statuses: std::collections::BTreeSet<u16> = draws
            .iter()
            .flatten()
            .filter_map(|f| match f {
                Fault::ServerError(status) => Some(status.as_u16()),
                _ => None,
            })
            .collect();
        assert_eq!(statuses, [500, 502, 503].into());
        let always = Faults {
            slow: 1.0,
            ..Faults::default()
        };
        assert!((0..1_000).all(|n| always.draw(1, n) == Some(Fault::Slow)));
        assert!((0..1_000).all(|n| Faults::default().draw(1, n).is_none()));
    }
}
