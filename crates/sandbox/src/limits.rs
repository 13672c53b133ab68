//! Rolling-window request counters: they report how much of a provider's rate limit is left and,
//! when the sandbox enforces limits, refuse what goes past it, in memory that never grows past
//! the limit however fast a benchmark sends.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The last `limit` request times within one rolling window. Keeping only `limit` of them is
/// enough: once that many fall inside the window, the limit is reached whatever came before.
#[derive(Debug)]
pub(crate) struct RollingWindow {
    limit: u64,
    window: Duration,
    times: Mutex<VecDeque<Instant>>,
}

/// What a window said about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Let through; this many more fit in the window now.
    Admitted { remaining: u64 },
    /// Over the limit; the oldest counted request leaves the window after this long.
    Refused { retry_after: Duration },
}

impl RollingWindow {
    pub(crate) fn new(limit: u64, window: Duration) -> RollingWindow {
        RollingWindow {
            limit,
            window,
            times: Mutex::new(VecDeque::new()),
        }
    }

    pub(crate) fn limit(&self) -> u64 {
        self.limit
    }

    pub(crate) fn window(&self) -> Duration {
        self.window
    }

    /// Counts a request when `enforce` is off (it always passes) or when it fits (it passes and
    /// counts); a refused request is not counted, so a client that waits does recover.
    pub(crate) fn admit(&self, enforce: bool) -> Admission {
        let now = Instant::now();
        let mut times = self.lock();
        self.expire(&mut times, now);
        let used = len_u64(&times);
        if enforce && used >= self.limit {
            let retry_after = times.front().map_or(Duration::ZERO, |oldest| {
                (*oldest + self.window).saturating_duration_since(now)
            });
            return Admission::Refused { retry_after };
        }
        times.push_back(now);
        while len_u64(&times) > self.limit {
            times.pop_front();
        }
        Admission::Admitted {
            remaining: self.limit.saturating_sub(len_u64(&times)),
        }
    }

    /// How many more requests fit now, without counting one.
    pub(crate) fn remaining(&self) -> u64 {
        let now = Instant::now();
        let mut times = self.lock();
        self.expire(&mut times, now);
        self.limit.saturating_sub(len_u64(&times))
    }

    fn expire(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times
            .front()
            .is_some_and(|oldest| now.duration_since(*oldest) >= self.window)
        {
            times.pop_front();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Instant>> {
        // A panic while holding the lock cannot leave the queue in a state that matters.
        self.times
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn len_u64(times: &VecDeque<Instant>) -> u64 {
    u64::try_from(times.len()).unwrap_or(u64::MAX)
}

/// Whole seconds for a `Retry-After` header: rounded up, and at least 1 so a client never
/// retries at once into the same refusal.
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_and_recovers() {
        let window = RollingWindow::new(3, Duration::from_millis(200));
        for expected in [2, 1, 0] {
            assert_eq!(
                window.admit(true),
                Admission::Admitted {
                    remaining: expected
                }
            );
        }
        assert!(
            matches!(window.admit(true), Admission::Refused { retry_after }
            if retry_after <= Duration::from_millis(200))
        );
        assert_eq!(window.remaining(), 0);
        std::thread::sleep(Duration::from_millis(220));
        assert_eq!(window.remaining(), 3);
        assert_eq!(window.admit(true), Admission::Admitted { remaining: 2 });
    }

    #[test]
    fn unenforced_windows_only_count() {
        let window = RollingWindow::new(2, Duration::from_secs(10));
        for _ in 0..5 {
            assert!(matches!(window.admit(false), Admission::Admitted { .. }));
        }
        assert_eq!(window.admit(false), Admission::Admitted { remaining: 0 });
        assert_eq!(window.limit(), 2);
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1_001)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(10)), 10);
    }
}
