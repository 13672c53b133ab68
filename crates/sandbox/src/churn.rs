//! The sandbox's data clock and churn. Generated data never changes after 2026-03-31; each tick
//! moves the clock on by an hour and marks a few records per stream as modified at the new
//! clock time; it may also delete a few records of the streams whose provider deletes (HubSpot's
//! objects, Stripe's customers). Only small maps (record index → tick) are kept, so every record
//! is still generated on demand and a provider applies the tick's changes as it renders it.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use super::dates::epoch_ms;
use super::rng::{mix64, permute};

/// The data clock before the first tick: just after every generated modification time.
pub(crate) const CLOCK_START_MS: u64 = epoch_ms(2026, 4, 1);
/// How far one tick moves the clock.
pub(crate) const TICK_MS: u64 = 3_600_000;

/// Keeps churn choices independent of every other use of the seed.
const TAG_CHURN: u64 = 0x6368_7572_6e00_0000;

/// Every stream the sandbox serves, across providers: churn touches each of them per tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    Contacts,
    Companies,
    Deals,
    Customers,
    Charges,
    Invoices,
    /// Salesforce's objects: churn only deletes them (into the recycle bin `queryAll` reads).
    Accounts,
    SalesforceContacts,
    Opportunities,
    Leads,
}

/// Streams churn knows.
pub(crate) const STREAMS: usize = 10;

impl Stream {
    pub(crate) const ALL: [Stream; STREAMS] = [
        Stream::Contacts,
        Stream::Companies,
        Stream::Deals,
        Stream::Customers,
        Stream::Charges,
        Stream::Invoices,
        Stream::Accounts,
        Stream::SalesforceContacts,
        Stream::Opportunities,
        Stream::Leads,
    ];

    /// Whether churn changes records of this stream (Salesforce's records here do not change,
    /// they are only deleted).
    fn changes(self) -> bool {
        self.slot() < 6
    }

    /// Whether the provider lets records of this stream be deleted (Stripe keeps charges, and
    /// invoices past draft).
    fn deletable(self) -> bool {
        !matches!(self, Stream::Charges | Stream::Invoices)
    }

    fn slot(self) -> usize {
        match self {
            Stream::Contacts => 0,
            Stream::Companies => 1,
            Stream::Deals => 2,
            Stream::Customers => 3,
            Stream::Charges => 4,
            Stream::Invoices => 5,
            Stream::Accounts => 6,
            Stream::SalesforceContacts => 7,
            Stream::Opportunities => 8,
            Stream::Leads => 9,
        }
    }
}

/// The clock time of tick `tick` (tick 0 is the start), in epoch milliseconds.
pub(crate) fn clock_ms(tick: u64) -> u64 {
    CLOCK_START_MS.saturating_add(tick.saturating_mul(TICK_MS))
}

/// The data clock and which records churn has changed.
#[derive(Debug)]
pub(crate) struct Churn {
    seed: u64,
    /// Records changed per stream at each tick.
    per_tick: u64,
    /// Records deleted per deletable stream at each tick.
    deletes_per_tick: u64,
    /// Records per stream, in `Stream::ALL` order.
    counts: [u64; STREAMS],
    state: RwLock<State>,
}

#[derive(Debug, Default)]
struct State {
    tick: u64,
    /// The wall-clock time (epoch ms) each tick happened at, from tick 1: what Stripe stamps
    /// its events with, unlike the data clock records carry.
    wall_ms: Vec<u64>,
    /// Per stream: record index → the latest tick that changed it.
    changed: [HashMap<u64, u64>; STREAMS],
    /// Per stream: record index → the tick that deleted it.
    deleted: [HashMap<u64, u64>; STREAMS],
}

/// What one tick did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TickReport {
    pub(crate) tick: u64,
    pub(crate) clock_ms: u64,
    /// Per stream in `Stream::ALL` order: the indexes of the records changed, ascending.
    pub(crate) changed: [Vec<u64>; STREAMS],
    /// Per stream in `Stream::ALL` order: the indexes of the records deleted, ascending.
    pub(crate) deleted: [Vec<u64>; STREAMS],
}

impl Churn {
    pub(crate) fn new(
        seed: u64,
        per_tick: u64,
        deletes_per_tick: u64,
        counts: [u64; STREAMS],
    ) -> Churn {
        Churn {
            seed,
            per_tick,
            deletes_per_tick,
            counts,
            state: RwLock::new(State::default()),
        }
    }

    /// Advances the clock one tick and changes `per_tick` records of every stream (all of them
    /// when a stream is smaller), chosen from the seed and the tick number.
    pub(crate) fn tick(&self) -> TickReport {
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        state.tick += 1;
        let tick = state.tick;
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| {
                u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
            });
        state.wall_ms.push(wall);
        let mut changed: [Vec<u64>; STREAMS] = Default::default();
        let mut deleted: [Vec<u64>; STREAMS] = Default::default();
        for stream in Stream::ALL {
            let slot = stream.slot();
            let count = self.counts[slot];
            let key = mix64(self.seed ^ TAG_CHURN ^ mix64(tick)).wrapping_add(slot as u64);
            let deletes = if stream.deletable() {
                self.deletes_per_tick
            } else {
                0
            };
            let changes = if stream.changes() { self.per_tick } else { 0 };
            // Distinct positions of a permutation are distinct records: the first `changes`
            // change, the next `deletes` are deleted. A record deleted once stays deleted.
            let mut indexes: Vec<u64> = Vec::new();
            let mut gone: Vec<u64> = Vec::new();
            for position in 0..changes.saturating_add(deletes).min(count) {
                let index = permute(position, count, key);
                if state.deleted[slot].contains_key(&index) {
                    continue;
                }
                if position < changes {
                    indexes.push(index);
                } else {
                    gone.push(index);
                }
            }
            indexes.sort_unstable();
            gone.sort_unstable();
            for index in &indexes {
                state.changed[slot].insert(*index, tick);
            }
            for index in &gone {
                state.deleted[slot].insert(*index, tick);
            }
            changed[slot] = indexes;
            deleted[slot] = gone;
        }
        TickReport {
            tick,
            clock_ms: clock_ms(tick),
            changed,
            deleted,
        }
    }

    /// A consistent view of the changes for the duration of one request.
    pub(crate) fn read(&self) -> ChurnView<'_> {
        ChurnView(self.state.read().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Read access to the churn state, held while one answer is rendered so all its records agree.
pub(crate) struct ChurnView<'a>(RwLockReadGuard<'a, State>);

impl ChurnView<'_> {
    /// The ticks applied so far.
    pub(crate) fn tick(&self) -> u64 {
        self.0.tick
    }

    /// The latest tick that changed a record, if any did.
    pub(crate) fn tick_of(&self, stream: Stream, index: u64) -> Option<u64> {
        let map = &self.0.changed[stream.slot()];
        // Most records were never changed; skip hashing when nothing was.
        if map.is_empty() {
            None
        } else {
            map.get(&index).copied()
        }
    }

    /// Every changed record of a stream: index → latest tick.
    pub(crate) fn changed(&self, stream: Stream) -> &HashMap<u64, u64> {
        &self.0.changed[stream.slot()]
    }

    /// The wall-clock time (epoch ms) a tick happened at.
    pub(crate) fn wall_ms(&self, tick: u64) -> u64 {
        usize::try_from(tick)
            .ok()
            .and_then(|tick| tick.checked_sub(1))
            .and_then(|at| self.0.wall_ms.get(at).copied())
            .unwrap_or(0)
    }

    /// Whether a record was deleted.
    pub(crate) fn is_deleted(&self, stream: Stream, index: u64) -> bool {
        let map = &self.0.deleted[stream.slot()];
        !map.is_empty() && map.contains_key(&index)
    }

    /// Every deleted record of a stream: index → the tick that deleted it.
    pub(crate) fn deleted(&self, stream: Stream) -> &HashMap<u64, u64> {
        &self.0.deleted[stream.slot()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_change_distinct_records_deterministically() {
        let counts = [100, 10, 25, 100, 200, 3, 0, 0, 0, 0];
        let first = Churn::new(9, 5, 0, counts);
        let second = Churn::new(9, 5, 0, counts);
        let a = first.tick();
        assert_eq!(a, second.tick());
        assert_eq!(a.tick, 1);
        assert_eq!(a.clock_ms, CLOCK_START_MS + TICK_MS);
        for (stream, indexes) in Stream::ALL.iter().zip(&a.changed) {
            let expected = 5.min(counts[stream.slot()]);
            assert_eq!(indexes.len() as u64, expected, "{stream:?}");
            assert!(indexes.windows(2).all(|w| w[0] < w[1]), "distinct, sorted");
            assert!(indexes.iter().all(|i| *i < counts[stream.slot()]));
        }
        let b = first.tick();
        assert_ne!(a.changed[0], b.changed[0], "each tick picks afresh");
        let view = first.read();
        assert_eq!(view.tick(), 2);
        for index in &b.changed[0] {
            assert_eq!(view.tick_of(Stream::Contacts, *index), Some(2));
        }
        assert_eq!(view.changed(Stream::Invoices).len(), 3);
        let other = Churn::new(10, 5, 0, counts).tick();
        assert_ne!(a.changed, other.changed, "the seed matters");
    }

    #[test]
    fn deletions_are_distinct_from_changes_and_spare_charges_and_invoices() {
        let counts = [100, 10, 25, 100, 200, 30, 10, 100, 25, 50];
        let churn = Churn::new(9, 3, 2, counts);
        let report = churn.tick();
        for stream in Stream::ALL {
            let gone = &report.deleted[stream.slot()];
            if stream.deletable() {
                assert_eq!(gone.len(), 2, "{stream:?}");
                assert!(
                    gone.iter()
                        .all(|i| !report.changed[stream.slot()].contains(i))
                );
            } else {
                assert!(gone.is_empty(), "{stream:?}");
            }
        }
        let second = churn.tick();
        let view = churn.read();
        for index in report.deleted[0].iter().chain(&second.deleted[0]) {
            assert!(view.is_deleted(Stream::Contacts, *index));
        }
        assert_eq!(view.deleted(Stream::Contacts).len(), 4);
    }
}
