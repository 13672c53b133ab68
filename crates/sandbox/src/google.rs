//! The Google emulations: the Analytics Data and Admin APIs (GA4, under `/ga4`) and the Search
//! Console API (under `/search-console`). What they share lives here: the OAuth access tokens they
//! accept (a fixed one, or any the Google authorization server under `/google` issued), Google's error JSON (`{"error":{"code","message","status"}}`), the calendar (report
//! data runs up to the real UTC date, so a client's "last N days" always have data), and the
//! restatement rule that makes the last few days' numbers change at every churn tick.

mod data;
pub(crate) mod ga4;
pub(crate) mod search_console;

use std::sync::Arc;

use axum::extract::Request;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Shared;
use super::dates::{civil_from_days, days_from_civil};
use super::faults::{self, Fault};
use super::rng::SplitMix64;

/// The OAuth access token the Google emulations accept for a seed: `ya29.` (the prefix of
/// Google's access tokens), then `sbx-` and 32 hex digits.
pub fn google_token(seed: u64) -> String {
    let mut rng = SplitMix64::new(seed ^ 0x676f_6f67_6c65_0000);
    format!("ya29.sbx-{:016x}{:016x}", rng.next_u64(), rng.next_u64())
}

/// Days at the end of the data whose numbers are not final yet: they change at every churn
/// tick, as GA4 and Search Console restate recent days while processing catches up.
pub(crate) const RESTATED_DAYS: u64 = 3;

/// The first day with data (2024-01-01).
pub(crate) const FIRST_DAY: u64 = days_from_civil(2024, 1, 1);

/// Today as days since 1970-01-01, UTC: report data runs up to the real date.
pub(crate) fn today() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    now / 86_400
}

/// `YYYY-MM-DD` for a day number.
pub(crate) fn iso_day(day: u64) -> String {
    let (year, month, day) = civil_from_days(day);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `YYYYMMDD` (GA4's `date` dimension) for a day number.
pub(crate) fn compact_day(day: u64) -> String {
    iso_day(day).replace('-', "")
}

/// A date as Google's report APIs take it: `YYYY-MM-DD`, and for GA4 also `today`,
/// `yesterday` and `NdaysAgo` (`relative`).
pub(crate) fn parse_day(text: &str, relative: bool) -> Option<u64> {
    if relative {
        match text {
            "today" => return Some(today()),
            "yesterday" => return today().checked_sub(1),
            _ => {}
        }
        if let Some(count) = text.strip_suffix("daysAgo") {
            return today().checked_sub(count.parse().ok()?);
        }
    }
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u64> {
        let part = &text[range];
        part.bytes()
            .all(|byte| byte.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if year < 1970 || !(1..=12).contains(&month) || day == 0 || day > 31 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // Rejects 2026-02-30 and friends: the day must come back as written.
    (civil_from_days(days) == (year, month, day)).then_some(days)
}

/// How far along a day's numbers are, in percent: 100 once the day is older than the
/// restatement window; less, and different at every churn tick, for the last days.
pub(crate) fn maturity(day: u64, today: u64, tick: u64) -> u64 {
    let age = today.saturating_sub(day);
    if age >= RESTATED_DAYS {
        return 100;
    }
    // 7 and 11 are coprime: consecutive ticks always land on different values.
    55 + 12 * age + (tick * 7 + day) % 11
}

/// Scales a final count to a day's maturity.
pub(crate) fn matured(value: u64, percent: u64) -> u64 {
    value * percent / 100
}

/// Google's error JSON.
pub(crate) fn error(status: StatusCode, google_status: &str, message: &str) -> Response {
    let body = json!({
        "error": { "code": status.as_u16(), "message": message, "status": google_status }
    });
    json_response(status, &body)
}

pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=UTF-8"),
        )],
        body.to_string(),
    )
        .into_response()
}

/// `400 INVALID_ARGUMENT`.
pub(crate) fn invalid(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", message)
}

/// The token check every Google route runs first, then the injected faults; `exhausted` is
/// the 429 body of the API (its quota message).
pub(crate) async fn gateway(
    shared: Arc<Shared>,
    request: Request,
    next: Next,
    exhausted: fn() -> Response,
) -> Response {
    let token = google_token(shared.seed);
    let presented = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    // The fixed token, or one the emulated Google authorization server issued.
    let accepted = presented == Some(token.as_str())
        || presented.is_some_and(|presented| shared.oauth.access_ok(presented));
    if !accepted {
        let mut response = error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token, \
             login cookie or other valid authentication credential. See \
             https://developers.google.com/identity/sign-in/web/devconsole-project.",
        );
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"https://accounts.google.com/\""),
        );
        return response;
    }
    let fault = shared.draw_fault();
    faults::serve_with(fault, request, next, |fault| match fault {
        Fault::ServerError(status) => error(
            status,
            if status == StatusCode::SERVICE_UNAVAILABLE {
                "UNAVAILABLE"
            } else {
                "INTERNAL"
            },
            "Internal error encountered.",
        ),
        _ => exhausted(),
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_and_print() {
        let day = parse_day("2026-03-05", false).unwrap_or_default();
        assert_eq!(iso_day(day), "2026-03-05");
        assert_eq!(compact_day(day), "20260305");
        assert_eq!(parse_day("2026-02-30", false), None);
        assert_eq!(parse_day("today", false), None);
        assert_eq!(parse_day("today", true), Some(today()));
        assert_eq!(parse_day("7daysAgo", true), Some(today() - 7));
    }

    #[test]
    fn recent_days_restate_at_every_tick_and_old_ones_never() {
        let today = 20_000;
        for age in 0..RESTATED_DAYS {
            let day = today - age;
            assert_ne!(maturity(day, today, 4), maturity(day, today, 5));
            assert!(maturity(day, today, 4) < 100);
        }
        assert_eq!(maturity(today - RESTATED_DAYS, today, 4), 100);
        assert_eq!(maturity(today - 40, today, 9), 100);
    }
}
