//! HubSpot's CRM search (`POST …/objects/{object}/search`): the request body validated as
//! HubSpot does, filters on the date and id properties, one sort, offset paging with the
//! 10,000-result cap, evaluated over generated records without materializing the data set.

use std::collections::BinaryHeap;

use serde::Deserialize;
use serde_json::Value;

use super::super::churn::{ChurnView, clock_ms};
use super::super::dates::parse_iso_millis;
use super::data::{self, Counts, Object};

/// Search pages hold up to 200 records (larger limits are clamped), 10 by default.
const MAX_LIMIT: u64 = 200;
const DEFAULT_LIMIT: u64 = 10;

/// No query pages past its first 10,000 results (PROVIDERS.md §1.3): clients must narrow the
/// query, typically to a shorter time window.
pub(crate) const RESULT_CAP: u64 = 10_000;
/// [UNVERIFIED] wording of the 400 for paging past the cap.
const CAP_MESSAGE: &str = "The search is limited to 10,000 results: `after` plus `limit` may not \
                           exceed 10000. Narrow the filters (for example to a shorter time \
                           window) to reach more records.";

/// Filter caps. HubSpot's docs say 5 groups, 10 filters per group and 25 in all since
/// 2024-08-26; other sources say 5, 6 and 18 (PROVIDERS.md §1.3). The sandbox enforces the
/// stricter figures so a client that passes here passes everywhere.
const MAX_GROUPS: usize = 5;
const MAX_GROUP_FILTERS: usize = 6;
const MAX_FILTERS: usize = 18;

/// The properties searches can filter and sort on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Id,
    Created,
    Modified,
}

/// An inclusive range of values; empty when `low > high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bounds {
    low: u64,
    high: u64,
}

impl Bounds {
    const ALL: Bounds = Bounds {
        low: 0,
        high: u64::MAX,
    };
    const NONE: Bounds = Bounds { low: 1, high: 0 };

    fn is_all(self) -> bool {
        self == Bounds::ALL
    }

    fn is_empty(self) -> bool {
        self.low > self.high
    }

    fn contains(self, value: u64) -> bool {
        self.low <= value && value <= self.high
    }

    fn intersect(self, other: Bounds) -> Bounds {
        Bounds {
            low: self.low.max(other.low),
            high: self.high.min(other.high),
        }
    }
}

/// One filter group: its filters ANDed, reduced to a range per property plus excluded values.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    id: Bounds,
    created: Bounds,
    modified: Bounds,
    excluded: Vec<(Key, u64)>,
}

impl Group {
    fn all() -> Group {
        Group {
            id: Bounds::ALL,
            created: Bounds::ALL,
            modified: Bounds::ALL,
            excluded: Vec::new(),
        }
    }

    fn bounds_mut(&mut self, key: Key) -> &mut Bounds {
        match key {
            Key::Id => &mut self.id,
            Key::Created => &mut self.created,
            Key::Modified => &mut self.modified,
        }
    }

    fn is_empty(&self) -> bool {
        self.id.is_empty() || self.created.is_empty() || self.modified.is_empty()
    }

    fn matches(&self, keys: &Keys) -> bool {
        self.id.contains(keys.id)
            && self.created.contains(keys.created)
            && self.modified.contains(keys.modified)
            && self
                .excluded
                .iter()
                .all(|(key, value)| keys.get(*key) != *value)
    }
}

/// What searches compare for one record.
#[derive(Debug, Clone, Copy)]
struct Keys {
    index: u64,
    id: u64,
    created: u64,
    modified: u64,
}

impl Keys {
    fn get(&self, key: Key) -> u64 {
        match key {
            Key::Id => self.id,
            Key::Created => self.created,
            Key::Modified => self.modified,
        }
    }
}

/// A validated search request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Query {
    /// ORed; never empty (no filter groups is one group that matches everything).
    groups: Vec<Group>,
    sort: Key,
    descending: bool,
    /// `None` means "the default properties".
    pub(crate) properties: Option<Vec<String>>,
    pub(crate) limit: u64,
    pub(crate) after: u64,
}

impl Query {
    /// True when some group bounds the modification time, which the by-modified index speeds up.
    pub(crate) fn filters_modified(&self) -> bool {
        self.groups.iter().any(|group| !group.modified.is_all())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RequestBody {
    #[serde(default)]
    filter_groups: Option<Vec<GroupBody>>,
    #[serde(default)]
    sorts: Option<Vec<Value>>,
    #[serde(default)]
    properties: Option<Vec<String>>,
    #[serde(default)]
    limit: Option<Value>,
    #[serde(default)]
    after: Option<Value>,
    #[serde(default)]
    query: Option<String>,
}

#[derive(Deserialize)]
struct GroupBody {
    #[serde(default)]
    filters: Option<Vec<FilterBody>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FilterBody {
    property_name: String,
    operator: String,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    high_value: Option<Value>,
}

/// Parses and validates a search body; the error is the message of HubSpot's 400.
pub(crate) fn parse(body: &[u8], object: Object) -> Result<Query, String> {
    let body: RequestBody = serde_json::from_slice(body).map_err(|err| {
        format!(
            "Invalid input JSON on line {}, column {}: {err}",
            err.line(),
            err.column()
        )
    })?;
    if body.query.as_deref().is_some_and(|q| !q.trim().is_empty()) {
        return Err(
            "The sandbox does not emulate free-text `query` search; use filters".to_owned(),
        );
    }
    let groups_in = body.filter_groups.unwrap_or_default();
    if groups_in.len() > MAX_GROUPS {
        return Err(format!(
            "Too many filter groups: {} (at most {MAX_GROUPS})",
            groups_in.len()
        ));
    }
    let mut groups = Vec::new();
    let mut filters_total = 0;
    for group_in in groups_in {
        let filters = group_in.filters.unwrap_or_default();
        if filters.len() > MAX_GROUP_FILTERS {
            return Err(format!(
                "Too many filters in a group: {} (at most {MAX_GROUP_FILTERS})",
                filters.len()
            ));
        }
        filters_total += filters.len();
        let mut group = Group::all();
        for filter in &filters {
            add_filter(&mut group, filter, object)?;
        }
        groups.push(group);
    }
    if filters_total > MAX_FILTERS {
        return Err(format!(
            "Too many filters: {filters_total} (at most {MAX_FILTERS} across all groups)"
        ));
    }
    if groups.is_empty() {
        groups.push(Group::all());
    }
    let sorts = body.sorts.unwrap_or_default();
    if sorts.len() > 1 {
        return Err(format!(
            "Too many sorts: {} (a search takes one sort rule)",
            sorts.len()
        ));
    }
    let (sort, descending) = match sorts.first() {
        Some(rule) => parse_sort(rule, object)?,
        None => (Key::Id, false),
    };
    let limit = match body.limit {
        None | Some(Value::Null) => DEFAULT_LIMIT,
        Some(value) => integer(&value)
            .filter(|limit| *limit >= 1)
            .ok_or_else(|| format!("Invalid limit {value}: expected a positive integer"))?
            .min(MAX_LIMIT),
    };
    let after = match body.after {
        None | Some(Value::Null) => 0,
        Some(Value::String(text)) if text.is_empty() => 0,
        Some(value) => integer(&value)
            .ok_or_else(|| format!("Invalid after {value}: expected an integer offset"))?,
    };
    if after.saturating_add(limit) > RESULT_CAP {
        return Err(CAP_MESSAGE.to_owned());
    }
    let properties = body.properties.filter(|list| !list.is_empty());
    Ok(Query {
        groups,
        sort,
        descending,
        properties,
        limit,
        after,
    })
}

/// The key a property name stands for on this object, or HubSpot's 400 message.
fn key_of(name: &str, object: Object) -> Result<Key, String> {
    match name {
        "hs_object_id" => Ok(Key::Id),
        "createdate" => Ok(Key::Created),
        _ if name == object.modified_property() => Ok(Key::Modified),
        _ => Err(format!(
            "The sandbox filters and sorts {} on {}, createdate and hs_object_id only, not on \
             `{name}`",
            object.name(),
            object.modified_property()
        )),
    }
}

fn add_filter(group: &mut Group, filter: &FilterBody, object: Object) -> Result<(), String> {
    let key = key_of(&filter.property_name, object)?;
    let value = |raw: Option<&Value>, field: &str| {
        let raw = raw.ok_or_else(|| {
            format!(
                "Filter on {} with operator {} needs `{field}`",
                filter.property_name, filter.operator
            )
        })?;
        filter_value(key, raw).ok_or_else(|| {
            format!(
                "{raw} is not a valid value for {}: expected {}",
                filter.property_name,
                if key == Key::Id {
                    "a number"
                } else {
                    "epoch milliseconds or an ISO-8601 date-time"
                }
            )
        })
    };
    let range = match filter.operator.as_str() {
        "EQ" => {
            let v = value(filter.value.as_ref(), "value")?;
            Bounds { low: v, high: v }
        }
        "NEQ" => {
            let v = value(filter.value.as_ref(), "value")?;
            group.excluded.push((key, v));
            Bounds::ALL
        }
        "LT" => match value(filter.value.as_ref(), "value")?.checked_sub(1) {
            Some(high) => Bounds { low: 0, high },
            None => Bounds::NONE,
        },
        "LTE" => Bounds {
            low: 0,
            high: value(filter.value.as_ref(), "value")?,
        },
        "GT" => match value(filter.value.as_ref(), "value")?.checked_add(1) {
            Some(low) => Bounds {
                low,
                high: u64::MAX,
            },
            None => Bounds::NONE,
        },
        "GTE" => Bounds {
            low: value(filter.value.as_ref(), "value")?,
            high: u64::MAX,
        },
        "BETWEEN" => Bounds {
            low: value(filter.value.as_ref(), "value")?,
            high: value(filter.high_value.as_ref(), "highValue")?,
        },
        // Every record has these properties.
        "HAS_PROPERTY" => Bounds::ALL,
        "NOT_HAS_PROPERTY" => Bounds::NONE,
        "IN" | "NOT_IN" | "CONTAINS_TOKEN" | "NOT_CONTAINS_TOKEN" => {
            return Err(format!(
                "The sandbox does not emulate the {} operator",
                filter.operator
            ));
        }
        other => return Err(format!("Unknown filter operator `{other}`")),
    };
    let bounds = group.bounds_mut(key);
    *bounds = bounds.intersect(range);
    Ok(())
}

/// A filter value: epoch milliseconds (or an id) as a string or number; for dates also
/// ISO-8601 text.
fn filter_value(key: Key, value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => {
            let text = text.trim();
            if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
                text.parse().ok()
            } else if key == Key::Id {
                None
            } else {
                parse_iso_millis(text)
            }
        }
        _ => None,
    }
}

/// A non-negative integer given as a number or a string of digits.
fn integer(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            text.parse().ok()
        }
        _ => None,
    }
}

/// `{"propertyName": "createdate", "direction": "DESCENDING"}`, or the short string forms
/// `"createdate"` and `"-createdate"`.
fn parse_sort(rule: &Value, object: Object) -> Result<(Key, bool), String> {
    match rule {
        Value::String(text) => match text.strip_prefix('-') {
            Some(name) => Ok((key_of(name, object)?, true)),
            None => Ok((key_of(text, object)?, false)),
        },
        Value::Object(fields) => {
            let name = fields
                .get("propertyName")
                .and_then(Value::as_str)
                .ok_or("A sort needs a `propertyName`")?;
            let descending = match fields.get("direction").and_then(Value::as_str) {
                None | Some("ASCENDING") => false,
                Some("DESCENDING") => true,
                Some(other) => {
                    return Err(format!(
                        "Invalid sort direction `{other}`: expected ASCENDING or DESCENDING"
                    ));
                }
            };
            Ok((key_of(name, object)?, descending))
        }
        other => Err(format!("Invalid sort {other}")),
    }
}

/// Where a search runs: one object's records as they stand now.
pub(crate) struct Space<'a> {
    pub(crate) seed: u64,
    pub(crate) counts: Counts,
    pub(crate) object: Object,
    pub(crate) churn: &'a ChurnView<'a>,
    /// Record indexes ordered by generated modification time (then index), when built.
    pub(crate) by_modified: Option<&'a [u32]>,
}

impl Space<'_> {
    fn count(&self) -> u64 {
        self.counts.of(self.object)
    }

    fn keys(&self, index: u64) -> Keys {
        let (created, generated) = data::times(self.seed, self.counts, self.object, index);
        let modified = self
            .churn
            .tick_of(self.object.stream(), index)
            .map_or(generated, clock_ms);
        Keys {
            index,
            id: data::id_at(self.seed, self.object, index),
            created,
            modified,
        }
    }

    fn created(&self, index: u64) -> u64 {
        data::times(self.seed, self.counts, self.object, index).0
    }

    /// The indexes `low..high` that can satisfy the group's id and creation bounds: both rise
    /// with the index, so each bound is a binary search.
    fn index_range(&self, group: &Group) -> (u64, u64) {
        let count = self.count();
        let (mut low, mut high) = (0, count);
        if !group.id.is_all() {
            let from = |id| data::first_index_from(self.seed, self.object, count, id);
            low = low.max(from(group.id.low));
            high = high.min(group.id.high.checked_add(1).map_or(count, from));
        }
        if !group.created.is_all() {
            low = low.max(leading(count, |i| self.created(i) < group.created.low));
            high = high.min(leading(count, |i| self.created(i) <= group.created.high));
        }
        (low, high.max(low))
    }
}

/// How many of `0..count` satisfy `holds`, which must hold for a prefix of the range.
fn leading(count: u64, holds: impl Fn(u64) -> bool) -> u64 {
    let (mut low, mut high) = (0, count);
    while low < high {
        let middle = low + (high - low) / 2;
        if holds(middle) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

/// Indexes sorted by generated modification time (ties by index), for searches that bound it.
/// `None` when the stream has more records than a `u32` can number.
pub(crate) fn modified_order(seed: u64, counts: Counts, object: Object) -> Option<Vec<u32>> {
    let count = u32::try_from(counts.of(object)).ok()?;
    let mut pairs: Vec<(u64, u32)> = (0..count)
        .map(|index| (data::times(seed, counts, object, u64::from(index)).1, index))
        .collect();
    pairs.sort_unstable();
    Some(pairs.into_iter().map(|(_, index)| index).collect())
}

/// A search's answer: how many records match, and the indexes of the requested page in order.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) total: u64,
    pub(crate) indexes: Vec<u64>,
}

/// Runs a search. Each group enumerates its candidates from whichever is smaller: the index
/// range its id and creation bounds allow, or the records whose generated modification time is
/// in range (from the by-modified index) plus the records churn changed. A match is counted
/// under the first group it satisfies, so ORed groups never count a record twice, and only the
/// best `after + limit` (at most 10,000) are kept in a heap: memory stays bounded.
pub(crate) fn run(query: &Query, space: &Space<'_>) -> Found {
    let after = usize::try_from(query.after).unwrap_or(usize::MAX);
    let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
    if let [group] = query.groups.as_slice()
        && group.modified.is_all()
        && group.excluded.is_empty()
        && query.sort != Key::Modified
        && space.churn.deleted(space.object.stream()).is_empty()
    {
        // Id and creation order agree with the index: the page is a slice of the range.
        let (low, high) = space.index_range(group);
        let range = low..high;
        let indexes = if query.descending {
            range.rev().skip(after).take(limit).collect()
        } else {
            range.skip(after).take(limit).collect()
        };
        return Found {
            total: high - low,
            indexes,
        };
    }
    let keep = after.saturating_add(limit);
    let mut best: BinaryHeap<(u64, u64)> = BinaryHeap::new();
    let mut total = 0;
    let stream = space.object.stream();
    for (at, group) in query.groups.iter().enumerate() {
        if group.is_empty() {
            continue;
        }
        let mut visit = |index: u64| {
            // Archived (deleted) records are not searchable.
            if space.churn.is_deleted(stream, index) {
                return;
            }
            let keys = space.keys(index);
            if !group.matches(&keys) || query.groups[..at].iter().any(|g| g.matches(&keys)) {
                return;
            }
            total += 1;
            let rank = sort_rank(query, &keys);
            if best.len() < keep {
                best.push(rank);
            } else if best.peek().is_some_and(|worst| rank < *worst) {
                best.pop();
                best.push(rank);
            }
        };
        let (low, high) = space.index_range(group);
        let changed = space.churn.changed(stream);
        let positions = space
            .by_modified
            .filter(|_| !group.modified.is_all())
            .map(|order| {
                let generated = |index: &u32| {
                    data::times(space.seed, space.counts, space.object, u64::from(*index)).1
                };
                let start = order.partition_point(|i| generated(i) < group.modified.low);
                let end = order.partition_point(|i| generated(i) <= group.modified.high);
                (order, start, end.max(start))
            });
        match positions {
            Some((order, start, end))
                if ((end - start) as u64).saturating_add(changed.len() as u64) < high - low =>
            {
                for index in &order[start..end] {
                    let index = u64::from(*index);
                    // A changed record's time is no longer the generated one; it comes below.
                    if (low..high).contains(&index) && !changed.contains_key(&index) {
                        visit(index);
                    }
                }
                for index in changed.keys() {
                    if (low..high).contains(index) {
                        visit(*index);
                    }
                }
            }
            _ => (low..high).for_each(&mut visit),
        }
    }
    let indexes = best
        .into_sorted_vec()
        .into_iter()
        .skip(after)
        .take(limit)
        .map(|(_, index)| index)
        .collect();
    Found { total, indexes }
}

/// Orders results: smaller ranks come first. Ties (same modification time) go by id ascending.
fn sort_rank(query: &Query, keys: &Keys) -> (u64, u64) {
    // Ids and creation times rise with the index, so the index orders both.
    let value = match query.sort {
        Key::Id | Key::Created => keys.index,
        Key::Modified => keys.modified,
    };
    let value = if query.descending {
        u64::MAX - value
    } else {
        value
    };
    (value, keys.index)
}

#[cfg(test)]
mod tests {
    use super::super::super::churn::Churn;
    use super::*;

    fn parse_ok(body: &str) -> Query {
        parse(body.as_bytes(), Object::Deals).expect(body)
    }

    #[test]
    fn parses_filters_into_ranges() {
        let query = parse_ok(
            r#"{"filterGroups":[{"filters":[
                {"propertyName":"hs_lastmodifieddate","operator":"GTE","value":"1704067200000"},
                {"propertyName":"hs_lastmodifieddate","operator":"LT","value":"2024-02-01T00:00:00Z"},
                {"propertyName":"hs_object_id","operator":"NEQ","value":"15"}]}],
              "sorts":[{"propertyName":"createdate","direction":"DESCENDING"}],
              "properties":["dealname"],"limit":500,"after":"200"}"#,
        );
        assert_eq!(
            query.groups[0].modified,
            Bounds {
                low: 1_704_067_200_000,
                high: 1_706_745_600_000 - 1
            }
        );
        assert_eq!(query.groups[0].excluded, [(Key::Id, 15)]);
        assert_eq!((query.sort, query.descending), (Key::Created, true));
        assert_eq!((query.limit, query.after), (200, 200));
        assert_eq!(query.properties, Some(vec!["dealname".to_owned()]));
        let empty = parse_ok("{}");
        assert_eq!(empty.groups, [Group::all()]);
        assert_eq!((empty.limit, empty.after, empty.sort), (10, 0, Key::Id));
    }

    #[test]
    fn rejects_what_hubspot_rejects() {
        let filter = r#"{"propertyName":"createdate","operator":"GT","value":"1"}"#;
        let group = |n: usize| format!(r#"{{"filters":[{}]}}"#, vec![filter; n].join(","));
        let groups = |n: usize, per: usize| {
            format!(r#"{{"filterGroups":[{}]}}"#, vec![group(per); n].join(","))
        };
        assert!(parse(groups(5, 3).as_bytes(), Object::Deals).is_ok());
        for body in [
            "not json".to_owned(),
            groups(6, 1),
            groups(1, 7),
            groups(4, 5),
            r#"{"sorts":["createdate","hs_object_id"]}"#.to_owned(),
            r#"{"sorts":[{"propertyName":"dealname"}]}"#.to_owned(),
            r#"{"sorts":[{"propertyName":"createdate","direction":"UP"}]}"#.to_owned(),
            r#"{"filterGroups":[{"filters":[{"propertyName":"amount","operator":"GT","value":"1"}]}]}"#.to_owned(),
            r#"{"filterGroups":[{"filters":[{"propertyName":"lastmodifieddate","operator":"GT","value":"1"}]}]}"#.to_owned(),
            r#"{"filterGroups":[{"filters":[{"propertyName":"createdate","operator":"IN","values":["1"]}]}]}"#.to_owned(),
            r#"{"filterGroups":[{"filters":[{"propertyName":"createdate","operator":"ABOUT","value":"1"}]}]}"#.to_owned(),
            r#"{"filterGroups":[{"filters":[{"propertyName":"createdate","operator":"BETWEEN","value":"1"}]}]}"#.to_owned(),
            r#"{"filterGroups":[{"filters":[{"propertyName":"hs_object_id","operator":"EQ","value":"2024-01-01"}]}]}"#.to_owned(),
            r#"{"filterGroups":[{"filters":[{"propertyName":"createdate","operator":"EQ","value":"yesterday"}]}]}"#.to_owned(),
            r#"{"limit":0}"#.to_owned(),
            r#"{"limit":"ten"}"#.to_owned(),
            r#"{"after":"x"}"#.to_owned(),
            r#"{"after":"9901","limit":100}"#.to_owned(),
            r#"{"after":10000,"limit":1}"#.to_owned(),
            r#"{"query":"acme"}"#.to_owned(),
        ] {
            assert!(parse(body.as_bytes(), Object::Deals).is_err(), "{body}");
        }
        assert!(parse(br#"{"after":"9800","limit":200}"#, Object::Deals).is_ok());
        assert!(
            parse(br#"{"filterGroups":[{"filters":[{"propertyName":"lastmodifieddate","operator":"GT","value":"1"}]}]}"#, Object::Contacts).is_ok()
        );
    }

    /// Every matching index, by brute force, in the query's order.
    fn brute_force(query: &Query, space: &Space<'_>) -> Vec<u64> {
        let mut all: Vec<Keys> = (0..space.count())
            .map(|i| space.keys(i))
            .filter(|keys| query.groups.iter().any(|g| g.matches(keys)))
            .collect();
        all.sort_by_key(|keys| sort_rank(query, keys));
        all.into_iter().map(|keys| keys.index).collect()
    }

    #[test]
    fn search_agrees_with_brute_force() {
        let counts = Counts::new(3_000);
        let churn = Churn::new(4, 40, 0, [3_000, 300, 750, 0, 0, 0, 0, 0, 0, 0]);
        churn.tick();
        churn.tick();
        let view = churn.read();
        let order = modified_order(4, counts, Object::Contacts).expect("small enough");
        let march = parse_iso_millis("2024-03-01").expect("date");
        let june = parse_iso_millis("2024-06-01").expect("date");
        let clock = clock_ms(2);
        let id = data::id_at(4, Object::Contacts, 1_500);
        let bodies = [
            "{}".to_owned(),
            format!(
                r#"{{"filterGroups":[{{"filters":[{{"propertyName":"lastmodifieddate","operator":"BETWEEN","value":"{march}","highValue":"{june}"}}]}}],"limit":200}}"#
            ),
            format!(
                r#"{{"filterGroups":[{{"filters":[{{"propertyName":"lastmodifieddate","operator":"GTE","value":"{clock}"}}]}}],"limit":200}}"#
            ),
            format!(
                r#"{{"filterGroups":[
                    {{"filters":[{{"propertyName":"createdate","operator":"LT","value":"{march}"}}]}},
                    {{"filters":[{{"propertyName":"lastmodifieddate","operator":"GT","value":"{march}"}},
                                 {{"propertyName":"hs_object_id","operator":"NEQ","value":"{id}"}}]}}],
                   "sorts":[{{"propertyName":"lastmodifieddate","direction":"DESCENDING"}}],
                   "limit":150,"after":"300"}}"#
            ),
            format!(
                r#"{{"filterGroups":[{{"filters":[{{"propertyName":"hs_object_id","operator":"GTE","value":"{id}"}}]}}],"sorts":["-hs_object_id"],"limit":7,"after":3}}"#
            ),
            format!(
                r#"{{"filterGroups":[{{"filters":[{{"propertyName":"createdate","operator":"GT","value":"{march}"}},{{"propertyName":"createdate","operator":"LTE","value":"{june}"}}]}}],"sorts":[{{"propertyName":"lastmodifieddate"}}],"limit":50}}"#
            ),
        ];
        for body in bodies {
            let query = parse(body.as_bytes(), Object::Contacts).expect(&body);
            for by_modified in [None, Some(order.as_slice())] {
                let space = Space {
                    seed: 4,
                    counts,
                    object: Object::Contacts,
                    churn: &view,
                    by_modified,
                };
                let expected = brute_force(&query, &space);
                let found = run(&query, &space);
                assert_eq!(found.total, expected.len() as u64, "{body}");
                let page: Vec<u64> = expected
                    .into_iter()
                    .skip(query.after as usize)
                    .take(query.limit as usize)
                    .collect();
                assert_eq!(found.indexes, page, "{body}");
            }
        }
    }
}
