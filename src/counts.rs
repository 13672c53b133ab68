//! The counters of a fetch, declared once: a stream's report, a connection's report, a run as
//! the cache keeps it and as `status` shows it all carry the same [`RunCounts`], so a new
//! counter is added in one place and every `--json` shape gets it under the same key.

use serde::Serialize;

/// What a run, or one stream of it, did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RunCounts {
    /// Pages read (listings of changes and deletions included).
    pub pages: u64,
    /// Requests sent, every retry counted.
    pub requests: u64,
    /// Records cached for the first time.
    pub records_new: u64,
    /// Cached records whose content changed.
    pub records_updated: u64,
    /// Cached records removed because the provider deleted them.
    pub records_removed: u64,
}

impl std::ops::AddAssign for RunCounts {
    fn add_assign(&mut self, other: Self) {
        self.pages += other.pages;
        self.requests += other.requests;
        self.records_new += other.records_new;
        self.records_updated += other.records_updated;
        self.records_removed += other.records_removed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_field_by_field() {
        let mut total = RunCounts::default();
        total += RunCounts {
            pages: 2,
            requests: 3,
            records_new: 4,
            records_updated: 5,
            records_removed: 6,
        };
        total += RunCounts {
            pages: 1,
            requests: 1,
            records_new: 1,
            records_updated: 1,
            records_removed: 1,
        };
        assert_eq!(
            total,
            RunCounts {
                pages: 3,
                requests: 4,
                records_new: 5,
                records_updated: 6,
                records_removed: 7
            }
        );
        let json = serde_json::to_value(total).unwrap_or_default();
        assert_eq!(json["records_removed"], 7);
    }
}
