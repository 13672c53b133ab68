//! A pass read as ranges of a record's creation time, several in flight at once (see
//! [`crate::catalog::Partitions`]). Responses are taken one at a time, in the order they come,
//! and each page commits with the state of every range, so a killed fetch resumes each range
//! where it stood. Whenever a slot is free, the range likely to read the most pages still (at
//! the density it has shown) is split in two: it keeps the newer half and its cursor, the older
//! half becomes a range of its own.

use std::collections::{HashMap, HashSet};

use futures_util::StreamExt as _;
use futures_util::stream::FuturesUnordered;
use jiff::Timestamp;
use serde_json::Value;

use super::plan::{Checkpoint, PageState, Range};
use super::writer::{OwnedNext, Writer};
use super::{
    Connection, FetchOptions, Guards, Progress, StreamError, StreamReport, keep_records,
    link_expired, max_pages, page_of, read_again, send, turn_page,
};
use crate::catalog::{CursorFormat, Partitions, Stream};
use crate::http::Http;

/// Reads the checkpoint's ranges to the end of the pass.
#[expect(
    clippy::too_many_arguments,
    reason = "the page loop's inputs; one caller"
)]
pub(super) async fn read(
    writer: &mut Writer,
    http: &Http,
    connection: &Connection<'_>,
    stream: &Stream,
    mut checkpoint: Checkpoint,
    options: &FetchOptions,
    report: &mut StreamReport,
    progress: &dyn Fn(Progress<'_>),
) -> Result<(), StreamError> {
    let Some(partitions) = &stream.partitions else {
        return Err(StreamError::Protocol(
            "the checkpoint holds ranges, but the stream's definition no longer reads in ranges; fetch with --full-refresh".to_owned(),
        ));
    };
    let jobs = usize::try_from(partitions.jobs.max(1)).unwrap_or(1);
    let mut keys = 0_u64;
    for range in &mut checkpoint.ranges {
        range.key = keys;
        keys += 1;
    }
    let mut guards: HashMap<u64, Guards> = HashMap::new();
    let mut seen: HashMap<u64, Seen> = HashMap::new();
    // Ranges read again from their first page in this run, their saved link gone (once each).
    let mut restarted: HashSet<u64> = HashSet::new();
    let mut in_flight = FuturesUnordered::new();
    let launch = |range: &Range| {
        let request = range.checkpoint();
        let (key, since) = (range.key, range.since);
        async move {
            let mut requests = 0;
            let response = send(
                http,
                connection,
                stream,
                &stream.name,
                &request,
                options,
                &mut requests,
                progress,
            )
            .await;
            (key, since, requests, response)
        }
    };
    // Ranges with a request in flight.
    let mut flying: Vec<u64> = Vec::new();
    loop {
        // Every free slot takes a waiting range, or else the older half of the range likely to
        // read the most pages still.
        while flying.len() < jobs {
            let range = match checkpoint
                .ranges
                .iter()
                .find(|range| !flying.contains(&range.key))
            {
                Some(waiting) => waiting.clone(),
                None => {
                    match split_largest(&mut checkpoint.ranges, &mut seen, partitions.format, keys)
                    {
                        Some(older) => {
                            keys += 1;
                            checkpoint.ranges.push(older.clone());
                            older
                        }
                        None => break,
                    }
                }
            };
            flying.push(range.key);
            in_flight.push(launch(&range));
        }
        let Some((key, sent_since, requests, response)) = in_flight.next().await else {
            return Ok(());
        };
        report.counts.requests += requests;
        flying.retain(|flying| *flying != key);
        let Some(index) = checkpoint.ranges.iter().position(|range| range.key == key) else {
            return Err(StreamError::Protocol(
                "a range's page came back after the range was done".to_owned(),
            ));
        };
        let response = match response {
            Ok(response) => response,
            Err(error)
                if link_expired(&error, &checkpoint.ranges[index].page)
                    && restarted.insert(key) =>
            {
                read_again(stream, report);
                let range = &mut checkpoint.ranges[index];
                range.page = PageState::First;
                range.reached = None;
                seen.remove(&key);
                guards.remove(&key);
                continue;
            }
            Err(error) => return Err(error),
        };
        let range = checkpoint.ranges[index].clone();
        let request = range.checkpoint();
        let shape = request.shape(stream);
        max_pages(&checkpoint, shape.paginator)?;
        let first_page = range.page == PageState::First;
        let (body, mut records, mut next) = turn_page(
            connection,
            stream,
            &shape,
            &range.page,
            response,
            guards.entry(key).or_default(),
        )?;
        // A range split after its query began: the older part now belongs to another range, yet
        // the query still spans it (its request was out, or its next pages follow a link the
        // provider made for the whole span). Newest first, a page reaching into the older part
        // ends this range.
        let split_while_out = range.since > sent_since;
        let before = records.len();
        records
            .retain(|record| field_time(record, partitions).is_none_or(|time| time >= range.since));
        if records.len() < before {
            next = None;
        }
        let times = records
            .iter()
            .filter_map(|record| field_time(record, partitions));
        let (oldest, newest) = times.fold((None, None), |(oldest, newest), time| {
            (
                Some(oldest.map_or(time, |oldest: Timestamp| oldest.min(time))),
                Some(newest.map_or(time, |newest: Timestamp| newest.max(time))),
            )
        });
        let seen_here = seen.entry(key).or_default();
        seen_here.records += records.len() as u64;
        seen_here.pages += 1;
        seen_here.newest = seen_here.newest.max(newest);
        // What the range's query matches, as the provider counts it (on its first page, and
        // only for the span it was sent for); then less what each page brings.
        let total = partitions
            .total
            .as_deref()
            .filter(|_| first_page && !split_while_out)
            .and_then(|pointer| body.pointer(pointer))
            .and_then(Value::as_u64);
        seen_here.left = match (total, seen_here.left) {
            (Some(total), _) => Some(total.saturating_sub(records.len() as u64) as f64),
            (None, Some(left)) => Some((left - records.len() as f64).max(0.0)),
            (None, None) => None,
        };
        let records = keep_records(
            connection,
            stream,
            records,
            next.is_some(),
            &mut checkpoint,
            guards.entry(key).or_default(),
            report,
        )?;
        match next {
            Some(page) => {
                let range = &mut checkpoint.ranges[index];
                range.page = page;
                if let Some(oldest) = oldest {
                    range.reached = Some(range.reached.map_or(oldest, |now| now.min(oldest)));
                }
            }
            None => {
                checkpoint.ranges.remove(index);
                guards.remove(&key);
                seen.remove(&key);
            }
        }
        checkpoint.pages += 1;
        let next = if checkpoint.ranges.is_empty() {
            OwnedNext::Done(checkpoint.max_cursor.clone())
        } else {
            OwnedNext::Continue(
                serde_json::to_string(&checkpoint)
                    .map_err(|error| StreamError::Protocol(error.to_string()))?,
            )
        };
        writer
            .submit(
                page_of(connection, stream, records, next, None),
                report,
                progress,
                &stream.name,
            )
            .await?;
        if checkpoint.ranges.is_empty() {
            return Ok(());
        }
    }
}

/// What this process has read of a range: how dense it is, to judge what is left.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    records: u64,
    pages: u64,
    newest: Option<Timestamp>,
    /// Records still to come, when the provider counted the range's matches
    /// ([`Partitions::total`]).
    left: Option<f64>,
}

/// Fewer pages than this left in a range are read by it alone: splitting costs one short page
/// at each range's end, more than it saves on a range about to finish.
const MIN_PAGES_TO_SPLIT: f64 = 4.0;

impl Seen {
    /// The pages a range is likely still to read: what the provider counted, or else what the
    /// span left holds at the density shown so far.
    fn pages_left(&self, range: &Range) -> Option<f64> {
        if self.pages == 0 || self.records == 0 {
            return None;
        }
        let per_page = self.records as f64 / self.pages as f64;
        if let Some(left) = self.left {
            return Some(left / per_page);
        }
        let left = range.left()? as f64;
        Some(self.per_millisecond(range)? * left / per_page)
    }

    /// Records per millisecond of the field, over what the range has read.
    fn per_millisecond(&self, range: &Range) -> Option<f64> {
        let (newest, reached) = (self.newest?, range.reached?);
        let read = (newest.as_millisecond() - reached.as_millisecond()).max(1) as f64;
        Some(self.records as f64 / read)
    }

    /// Where half of the counted records left likely lie behind `reached`, at the density
    /// shown so far; `None` without a count (the middle of the span left is used).
    fn half_of_what_is_left(&self, range: &Range) -> Option<Timestamp> {
        let span = self.left? / self.per_millisecond(range)?;
        let at = range.reached?.as_millisecond() - (span / 2.0) as i64;
        Timestamp::from_millisecond(at).ok()
    }
}

/// Splits the range likely to read the most pages still, when that is enough to be worth a
/// range of its own; the older part is returned, as a new range.
fn split_largest(
    ranges: &mut [Range],
    seen: &mut HashMap<u64, Seen>,
    format: CursorFormat,
    key: u64,
) -> Option<Range> {
    let (_, range) = ranges
        .iter_mut()
        .filter_map(|range| {
            let pages = seen.get(&range.key)?.pages_left(range)?;
            (pages >= MIN_PAGES_TO_SPLIT).then_some((pages, range))
        })
        .max_by(|(one, _), (other, _)| one.total_cmp(other))?;
    let seen = seen.get_mut(&range.key)?;
    let older = range.split(format, key, seen.half_of_what_is_left(range))?;
    // About half of what was counted now belongs to the older range, which counts its own.
    seen.left = seen.left.map(|left| left / 2.0);
    Some(older)
}

/// A record's partition field as an instant.
fn field_time(record: &Value, partitions: &Partitions) -> Option<Timestamp> {
    let value = record.pointer(&partitions.field)?;
    match partitions.format {
        CursorFormat::EpochS => {
            Timestamp::from_second(value.as_i64().or_else(|| value.as_str()?.parse().ok())?).ok()
        }
        CursorFormat::EpochMs => {
            Timestamp::from_millisecond(value.as_i64().or_else(|| value.as_str()?.parse().ok())?)
                .ok()
        }
        CursorFormat::Rfc3339 => value.as_str()?.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::plan::PageState;
    use super::*;

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(second).expect("a time")
    }

    fn range(since: i64, until: i64, reached: Option<i64>) -> Range {
        Range {
            since: at(since),
            until: at(until),
            page: PageState::Param {
                value: "cus_1".into(),
            },
            reached: reached.map(at),
            key: 0,
        }
    }

    #[test]
    fn a_split_leaves_no_gap_and_no_overlap() {
        let mut newer = range(1_000, 2_000, Some(1_501));
        let older = newer.split(CursorFormat::EpochS, 7, None).expect("split");
        assert_eq!((older.since, older.until), (at(1_000), at(1_250)));
        assert_eq!(older.page, PageState::First);
        assert_eq!(older.key, 7);
        // The newer half keeps its cursor and everything from the split point on.
        assert_eq!((newer.since, newer.until), (at(1_250), at(2_000)));
        assert!(matches!(newer.page, PageState::Param { .. }));
    }

    #[test]
    fn split_points_fall_on_whole_seconds_for_epoch_seconds() {
        let mut newer = Range {
            since: Timestamp::from_millisecond(1_000_500).expect("a time"),
            ..range(0, 2_000, Some(1_004))
        };
        let older = newer.split(CursorFormat::EpochS, 1, None).expect("split");
        assert_eq!(older.until.as_millisecond() % 1_000, 0);
        assert_eq!(older.until, newer.since);
    }

    #[test]
    fn too_little_left_is_not_split() {
        // Nothing read yet: nothing known to split.
        assert!(
            range(1_000, 2_000, None)
                .split(CursorFormat::EpochS, 1, None)
                .is_none()
        );
        // One second left: records at `reached` must stay with the range that has the cursor.
        assert!(
            range(1_000, 2_000, Some(1_001))
                .split(CursorFormat::EpochS, 1, None)
                .is_none()
        );
        assert!(
            range(1_000, 2_000, Some(1_000))
                .split(CursorFormat::EpochS, 1, None)
                .is_none()
        );
    }

    #[test]
    fn the_range_with_most_pages_left_is_split() {
        let mut ranges = vec![
            // Dense: 10 pages over 100 s, 900 s left: about 90 pages.
            Range {
                key: 1,
                ..range(0, 1_000, Some(900))
            },
            // Sparse: 1 page over 2000 s, 2000 s left: about 1 page, not worth a split.
            Range {
                key: 2,
                ..range(1_000, 5_000, Some(3_000))
            },
            // Not read yet.
            Range {
                key: 3,
                ..range(5_000, 6_000, None)
            },
        ];
        let mut seen = HashMap::from([
            (
                1,
                Seen {
                    records: 1_000,
                    pages: 10,
                    newest: Some(at(1_000)),
                    left: None,
                },
            ),
            (
                2,
                Seen {
                    records: 100,
                    pages: 1,
                    newest: Some(at(5_000)),
                    left: None,
                },
            ),
        ]);
        let older = split_largest(&mut ranges, &mut seen, CursorFormat::EpochS, 9).expect("split");
        assert_eq!((older.since, older.until), (at(0), at(450)));
        assert_eq!(ranges[0].since, at(450));
        // The sparse one alone is not split.
        assert!(split_largest(&mut ranges[1..], &mut seen, CursorFormat::EpochS, 10).is_none());
    }

    #[test]
    fn a_counted_range_splits_where_its_records_are_and_not_when_few_are_left() {
        // 200 records over the newest 1,000 s of a span reaching back to 0; 1,800 counted
        // still to come: at that density they fill 9,000 s, so half of them lie within
        // 4,500 s behind where the range stands, not in the middle of the whole span.
        let mut ranges = vec![Range {
            key: 1,
            ..range(0, 1_000_000, Some(999_000))
        }];
        let mut seen = HashMap::from([(
            1,
            Seen {
                records: 200,
                pages: 1,
                newest: Some(at(1_000_000)),
                left: Some(1_800.0),
            },
        )]);
        let older = split_largest(&mut ranges, &mut seen, CursorFormat::EpochS, 2).expect("split");
        assert_eq!((older.since, older.until), (at(0), at(994_500)));
        assert_eq!(ranges[0].since, at(994_500));
        assert_eq!(seen[&1].left, Some(900.0), "the older range counts its own");
        // Counted records that fill less than the span's older half: the middle is kept.
        let mut sparse = range(0, 1_000, Some(900));
        let older = sparse
            .split(CursorFormat::EpochS, 3, Some(at(100)))
            .expect("split");
        assert_eq!(older.until, at(450));
        // 300 left at 200 a page: fewer than 4 pages, read by the range alone (Salesforce's
        // small org costs what one list costs), however long the span.
        seen.insert(
            1,
            Seen {
                left: Some(300.0),
                ..seen[&1]
            },
        );
        assert!(split_largest(&mut ranges, &mut seen, CursorFormat::EpochS, 4).is_none());
    }

    #[test]
    fn field_times_read_every_format() {
        let partitions = |format: &str| -> Partitions {
            toml::from_str(&format!(
                r#"
                field = "/t"
                format = "{format}"
                start = "2011-01-01T00:00:00Z"
                request = {{ path = "/x" }}
                "#
            ))
            .expect("partitions")
        };
        let record = serde_json::json!({ "t": 1_700_000_000 });
        assert_eq!(
            field_time(&record, &partitions("epoch_s")),
            Some(at(1_700_000_000))
        );
        let record = serde_json::json!({ "t": "1700000000000" });
        assert_eq!(
            field_time(&record, &partitions("epoch_ms")),
            Some(at(1_700_000_000))
        );
        let record = serde_json::json!({ "t": "2023-11-14T22:13:20Z" });
        assert_eq!(
            field_time(&record, &partitions("rfc3339")),
            Some(at(1_700_000_000))
        );
        // Salesforce writes its offset without a colon.
        let record = serde_json::json!({ "t": "2023-11-14T22:13:20.000+0000" });
        assert_eq!(
            field_time(&record, &partitions("rfc3339")),
            Some(at(1_700_000_000))
        );
    }
}
