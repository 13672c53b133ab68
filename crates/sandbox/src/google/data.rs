//! The numbers behind the Google reports, each a pure function of the seed, the day and (for the
//! last days) the churn tick: GA4 traffic per day and default channel group, and Search Console
//! clicks and impressions per day, query and page.

use crate::rng::stream_rng;

use super::{matured, maturity};

/// GA4's default channel groups, in name order (the order rows of one day come in).
pub(crate) const CHANNELS: [&str; 8] = [
    "Direct",
    "Display",
    "Email",
    "Organic Search",
    "Organic Social",
    "Paid Search",
    "Referral",
    "Unassigned",
];

/// Each channel's share of sessions, in percent, in `CHANNELS` order.
const CHANNEL_SHARE: [u64; 8] = [25, 4, 6, 35, 8, 12, 8, 2];

const TAG_GA4: u64 = 0x6761_3400_0000_0000;
const TAG_SEARCH: u64 = 0x6773_6300_0000_0000;

/// One day of one channel (or the sum of channels).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Traffic {
    pub(crate) sessions: u64,
    pub(crate) total_users: u64,
    pub(crate) new_users: u64,
    pub(crate) key_events: u64,
    pub(crate) engaged_sessions: u64,
}

impl Traffic {
    pub(crate) fn add(&mut self, other: Traffic) {
        self.sessions += other.sessions;
        self.total_users += other.total_users;
        self.new_users += other.new_users;
        self.key_events += other.key_events;
        self.engaged_sessions += other.engaged_sessions;
    }

    /// Engaged sessions over sessions, as GA4's `engagementRate` (a double).
    pub(crate) fn engagement_rate(&self) -> f64 {
        if self.sessions == 0 {
            0.0
        } else {
            self.engaged_sessions as f64 / self.sessions as f64
        }
    }
}

/// A channel's traffic on a day, as reported at churn tick `tick`; `None` when the channel had
/// no sessions that day (small channels are absent on some days).
pub(crate) fn channel_day(
    seed: u64,
    records: u64,
    day: u64,
    channel: usize,
    today: u64,
    tick: u64,
) -> Option<Traffic> {
    let mut rng = stream_rng(seed, TAG_GA4, day * 16 + channel as u64);
    if CHANNEL_SHARE[channel] < 5 && rng.chance(30) {
        return None;
    }
    // Weekends are quieter.
    let weekday = (day + 3) % 7; // 1970-01-01 was a Thursday: 0 = Monday.
    let weekend = if weekday >= 5 { 70 } else { 100 };
    let base = records.max(40) * 4 * CHANNEL_SHARE[channel] / 100;
    let sessions = (base * (80 + rng.below(41)) / 100 * weekend / 100).max(20);
    let total_users = sessions * (70 + rng.below(21)) / 100;
    let new_users = total_users * (30 + rng.below(31)) / 100;
    let key_events = sessions * (1 + rng.below(8)) / 100;
    let engaged_sessions = sessions * (45 + rng.below(31)) / 100;
    let percent = maturity(day, today, tick);
    Some(Traffic {
        sessions: matured(sessions, percent),
        total_users: matured(total_users, percent),
        new_users: matured(new_users, percent),
        key_events: matured(key_events, percent),
        engaged_sessions: matured(engaged_sessions, percent),
    })
}

/// How many distinct queries and pages a Search Console site has, from `--records`.
pub(crate) fn search_sizes(records: u64) -> (u64, u64) {
    ((8 + records / 25).min(40), (4 + records / 50).min(20))
}

/// The query text of query `index` (distinct for distinct indexes below 100).
pub(crate) fn query_text(index: u64) -> String {
    const FIRST: [&str; 10] = [
        "analytics",
        "crm",
        "dashboard",
        "export",
        "invoice",
        "json",
        "report",
        "rust",
        "sync",
        "token",
    ];
    const SECOND: [&str; 10] = [
        "api",
        "cli",
        "client",
        "consultant",
        "cron",
        "guide",
        "keychain",
        "pricing",
        "sqlite",
        "tool",
    ];
    format!(
        "{} {}",
        FIRST[(index % 10) as usize],
        SECOND[(index / 10 % 10) as usize]
    )
}

/// The path of page `index` below a site's home.
pub(crate) fn page_path(index: u64) -> String {
    const SLUGS: [&str; 10] = [
        "",
        "pricing",
        "docs",
        "blog",
        "docs/export",
        "blog/crm-sync",
        "about",
        "contact",
        "docs/cli",
        "blog/dashboards",
    ];
    let slug = SLUGS[(index % 10) as usize];
    if index < 10 {
        slug.to_owned()
    } else {
        format!("{slug}/{}", index / 10)
    }
}

/// Search results of one query landing on one page on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Search {
    pub(crate) clicks: u64,
    pub(crate) impressions: u64,
    /// Sum over impressions of the result's position, in thousandths (average = sum / impressions).
    pub(crate) position_sum_milli: u64,
}

/// The searches for (site, day, query, page), as reported at churn tick `tick`; `None` when
/// that query did not show that page that day.
pub(crate) fn search_cell(
    seed: u64,
    site: usize,
    cell: (u64, u64, u64),
    today: u64,
    tick: u64,
) -> Option<Search> {
    let (day, query, page) = cell;
    let mut rng = stream_rng(
        seed ^ (site as u64) << 40,
        TAG_SEARCH,
        (day << 16) | (query << 8) | page,
    );
    if !rng.chance(22) {
        return None;
    }
    let impressions = 3 + rng.below(120);
    let clicks = impressions * rng.below(18) / 100;
    let position_milli = 1_000 + rng.below(30_000);
    let percent = maturity(day, today, tick);
    let impressions = matured(impressions, percent).max(1);
    Some(Search {
        clicks: matured(clicks, percent).min(impressions),
        impressions,
        position_sum_milli: position_milli * impressions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traffic_is_deterministic_and_consistent() {
        let today = 20_400;
        for day in 20_300..20_310 {
            for channel in 0..CHANNELS.len() {
                let first = channel_day(7, 250, day, channel, today, 0);
                assert_eq!(first, channel_day(7, 250, day, channel, today, 3));
                if let Some(traffic) = first {
                    assert!(traffic.total_users <= traffic.sessions);
                    assert!(traffic.new_users <= traffic.total_users);
                    assert!(traffic.engaged_sessions <= traffic.sessions);
                    assert!(traffic.sessions >= 20);
                }
            }
        }
        // The big channels always have traffic.
        assert!(channel_day(7, 250, 20_305, 3, today, 0).is_some());
    }

    #[test]
    fn recent_traffic_restates() {
        let today = 20_400;
        let before = channel_day(7, 250, today - 1, 0, today, 1);
        let after = channel_day(7, 250, today - 1, 0, today, 2);
        assert_ne!(before, after);
    }

    #[test]
    fn query_texts_are_distinct() {
        let texts: std::collections::BTreeSet<String> = (0..40).map(query_text).collect();
        assert_eq!(texts.len(), 40);
        let pages: std::collections::BTreeSet<String> = (0..20).map(page_path).collect();
        assert_eq!(pages.len(), 20);
    }
}
