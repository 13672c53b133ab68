//! Each paginator's stop rule and next page, and the safety nets they share.

use serde_json::Value;

use super::plan::PageState;
use crate::catalog::Paginator;
use crate::normalize::pointer_text;

/// The page after `current`, or `None` when the stream is done. Errors are protocol problems:
/// a cursor that repeats (an endless loop), or a flag that says "more" over an empty page.
pub(super) fn next_page(
    paginator: &Paginator,
    current: &PageState,
    body: &Value,
    headers: &reqwest::header::HeaderMap,
    records: &[Value],
    primary_key: &str,
) -> Result<Option<PageState>, String> {
    let next = match paginator {
        Paginator::None => None,
        Paginator::BodyCursor { cursor, .. } => pointer_text(body, cursor)
            .filter(|value| !value.is_empty())
            .map(|value| PageState::Param { value }),
        Paginator::NextUrl { next, done, .. } => {
            let finished = done.as_ref().is_some_and(|done| {
                crate::normalize::lookup(body, done).and_then(Value::as_bool) == Some(true)
            });
            if finished {
                None
            } else {
                pointer_text(body, next)
                    .filter(|url| !url.is_empty())
                    .map(|url| PageState::Url { url })
            }
        }
        Paginator::HasMore {
            has_more, last_id, ..
        } => {
            if crate::normalize::lookup(body, has_more).and_then(Value::as_bool) == Some(true) {
                let pointer = last_id.as_deref().unwrap_or(primary_key);
                let last = records
                    .last()
                    .ok_or("the provider says it has more, but sent an empty page")?;
                let value = pointer_text(last, pointer)
                    .ok_or_else(|| format!("the last record has no id at `{pointer}`"))?;
                Some(PageState::Param { value })
            } else {
                None
            }
        }
        Paginator::Offset { limit, total, .. } => {
            let offset = match current {
                PageState::Offset { offset } => *offset,
                _ => 0,
            };
            let next = offset + records.len() as u64;
            let total = total
                .as_ref()
                .and_then(|pointer| crate::normalize::lookup(body, pointer))
                .and_then(number);
            let short = (records.len() as u64) < *limit;
            if records.is_empty() || short || total.is_some_and(|total| next >= total) {
                None
            } else {
                Some(PageState::Offset { offset: next })
            }
        }
        Paginator::PageNumber {
            start,
            size,
            total_pages,
            ..
        } => {
            let number = match current {
                PageState::Page { number } => *number,
                _ => *start,
            };
            let total = total_pages
                .as_ref()
                .and_then(|pointer| crate::normalize::lookup(body, pointer))
                .and_then(number_of);
            let short = size.is_some_and(|size| (records.len() as u64) < size);
            if records.is_empty() || short || total.is_some_and(|total| number + 1 - start >= total)
            {
                None
            } else {
                Some(PageState::Page { number: number + 1 })
            }
        }
        Paginator::LinkHeader { .. } => link_next(headers).map(|url| PageState::Url { url }),
    };
    if next.as_ref().is_some_and(|next| next == current) {
        return Err(
            "the provider sent the same cursor twice; stopping to avoid an endless loop".to_owned(),
        );
    }
    Ok(next)
}

fn number(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|text| text.parse().ok()))
}

fn number_of(value: &Value) -> Option<u64> {
    number(value)
}

/// The `rel="next"` target of an RFC 8288 `Link` header.
fn link_next(headers: &reqwest::header::HeaderMap) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(text) = value.to_str() else { continue };
        for link in text.split(',') {
            let mut parts = link.split(';');
            let target = parts.next()?.trim();
            let is_next = parts.any(|param| {
                let param = param.trim();
                param.strip_prefix("rel=").is_some_and(|rel| {
                    rel.trim_matches('"')
                        .split_whitespace()
                        .any(|rel| rel == "next")
                })
            });
            if is_next {
                return Some(
                    target
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_owned(),
                );
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers_are_parsed() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::LINK,
            reqwest::header::HeaderValue::from_static(
                "<https://x.test/p?page_info=a>; rel=\"previous\", <https://x.test/p?page_info=b>; rel=\"next\"",
            ),
        );
        assert_eq!(
            link_next(&headers).as_deref(),
            Some("https://x.test/p?page_info=b")
        );
    }
}
