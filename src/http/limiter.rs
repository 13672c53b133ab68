//! A request budget per connection: at most N requests in any rolling window, as HubSpot counts
//! ("ten-secondly rolling") and as a fixed window never exceeds; corrected by the provider's
//! "remaining" headers (other clients may share the account's budget), and paused by throttle
//! responses.
//!
//! The runtime is single-threaded, so the state sits behind a plain mutex that is never held
//! across an await.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// The longest window or pause a provider's headers can impose: beyond it a value is absurd
/// (and `Instant + Duration` would overflow). The run's deadline bounds every wait further.
const MAX_WAIT: Duration = Duration::from_secs(3600);

/// The largest allowance a provider's headers can claim: each request counted in the window
/// is remembered, so an absurd claim must not fill memory.
const MAX_ALLOWANCE: usize = 100_000;

/// Budgets faster than this are not worth a shared booking per request (definitions that
/// lift the budget, providers without one).
const SHARED_MAX_RATE_PER_SEC: f64 = 1_000.0;

/// What a shared budget says about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Booked under this id: send it now, and settle it when the answer comes.
    Granted(i64),
    /// Full or paused: ask again after this long.
    Wait(Duration),
}

/// A budget shared beyond this process (every process fetching from one provider account),
/// consulted before each request. Errors are reasons, not secrets; on an error the limiter
/// goes on with its own count.
pub trait SharedBudget: Send + Sync + std::fmt::Debug {
    /// The provider's last reading of the allowance and window, from any process.
    fn last_reading(&self) -> Option<(u64, Duration)>;
    /// Books one request if the window has room.
    fn book(&self, capacity: u64, window: Duration) -> Result<Admission, String>;
    /// The booked request was answered now: it counts in the window from now (the provider
    /// counted it at some moment between booking and answer).
    fn settle(&self, booking: i64);
    /// The provider's reading: requests it counts as used, its allowance and window.
    fn observe(&self, used: Option<u64>, capacity: Option<u64>, window: Option<Duration>);
    /// Nobody sends for `wait`.
    fn pause(&self, wait: Duration);
}

/// A granted request, to hand back to [`Limiter::settle`] when its answer arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Ticket(Option<i64>);

/// A rolling-window budget shared by every stream of one connection, and with a
/// [`SharedBudget`] by every process fetching from the same account.
#[derive(Debug)]
pub struct Limiter {
    state: Mutex<State>,
    shared: Option<Arc<dyn SharedBudget>>,
}

#[derive(Debug)]
struct State {
    capacity: usize,
    window: Duration,
    /// When each request in the current window was sent (oldest first).
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
    waited: Duration,
    reported: Option<u64>,
    /// The shared budget failed once: pace this process alone.
    shared_off: bool,
}

impl Limiter {
    /// `requests` per rolling `window`.
    pub fn new(requests: u32, window: Duration) -> Self {
        Self {
            state: Mutex::new(State {
                capacity: usize::try_from(requests.max(1)).unwrap_or(usize::MAX),
                window: window.max(Duration::from_millis(1)),
                sent: VecDeque::new(),
                paused_until: None,
                waited: Duration::ZERO,
                reported: None,
                shared_off: false,
            }),
            shared: None,
        }
    }

    /// Shares the budget with other processes through `shared`, starting from the provider's
    /// last reading when there is one. Budgets too fast to need it stay local.
    #[must_use]
    pub fn with_shared(mut self, shared: Arc<dyn SharedBudget>) -> Self {
        if let Ok(state) = self.state.get_mut() {
            if let Some((capacity, window)) = shared.last_reading() {
                state.capacity = usize::try_from(capacity.max(1))
                    .unwrap_or(usize::MAX)
                    .min(MAX_ALLOWANCE);
                state.window = window.clamp(Duration::from_millis(1), MAX_WAIT);
            }
            if state.rate_per_sec() > SHARED_MAX_RATE_PER_SEC {
                return self;
            }
        }
        self.shared = Some(shared);
        self
    }

    /// No budget: never waits (providers without documented limits).
    pub fn unlimited() -> Self {
        Self::new(u32::MAX, Duration::from_millis(1))
    }

    /// Waits until a request may be sent, and counts it.
    pub async fn acquire(&self) -> Ticket {
        loop {
            let wait = {
                let Ok(mut state) = self.state.lock() else {
                    return Ticket(None);
                };
                let now = Instant::now();
                state.expire(now);
                let shared = self.shared.as_ref().filter(|_| {
                    !state.shared_off && state.rate_per_sec() <= SHARED_MAX_RATE_PER_SEC
                });
                match (state.paused_until, shared) {
                    (Some(until), _) if until > now => until - now,
                    (_, Some(shared)) => {
                        let capacity = u64::try_from(state.capacity).unwrap_or(u64::MAX);
                        match shared.book(capacity, state.window) {
                            Ok(Admission::Wait(wait)) => wait.min(MAX_WAIT),
                            Ok(Admission::Granted(booking)) => {
                                state.sent.push_back(now);
                                return Ticket(Some(booking));
                            }
                            Err(reason) => {
                                tracing::warn!(%reason, "the shared request budget is unavailable; pacing this process alone");
                                state.shared_off = true;
                                Duration::ZERO
                            }
                        }
                    }
                    _ if state.sent.len() < state.capacity => {
                        state.sent.push_back(now);
                        return Ticket(None);
                    }
                    // Full: the oldest request leaves the window first.
                    _ => state
                        .sent
                        .front()
                        .map_or(Duration::from_millis(1), |oldest| {
                            (*oldest + state.window).saturating_duration_since(now)
                        }),
                }
            };
            if wait.is_zero() {
                continue;
            }
            if let Ok(mut state) = self.state.lock() {
                state.waited += wait;
            }
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }

    /// The provider says how many requests are left in its window, and (when it says) how
    /// many the window allows. Its numbers win both ways: its allowance replaces the
    /// definition's, larger (a portal on a higher tier) or smaller, and requests it counts that
    /// we did not send (another client sharing the account's budget) are booked as sent now.
    /// Without an allowance, "none left" pauses for a window.
    pub fn observe_remaining(&self, remaining: u64, limit: Option<u64>, window: Option<Duration>) {
        if let Some(shared) = &self.shared {
            // The same bounds as below: an absurd header must not reach other processes.
            let max = u64::try_from(MAX_ALLOWANCE).unwrap_or(u64::MAX);
            let limit = limit.map(|limit| limit.min(max));
            let window = window.map(|window| window.min(MAX_WAIT));
            let used = limit.map(|limit| limit.saturating_sub(remaining));
            shared.observe(used, limit.filter(|limit| *limit > 0), window);
            if limit.is_none() && remaining == 0 {
                shared.pause(window.unwrap_or_else(|| self.window()));
            }
        }
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        state.reported = Some(remaining);
        if let Some(window) = window.filter(|window| !window.is_zero()) {
            state.window = window.min(MAX_WAIT);
        }
        let now = Instant::now();
        state.expire(now);
        match limit
            .and_then(|limit| usize::try_from(limit).ok())
            .filter(|limit| *limit > 0)
            .map(|limit| limit.min(MAX_ALLOWANCE))
        {
            Some(limit) => {
                state.capacity = limit;
                let used = limit
                    .saturating_sub(usize::try_from(remaining).unwrap_or(usize::MAX))
                    .min(state.capacity);
                while state.sent.len() < used {
                    state.sent.push_back(now);
                }
            }
            None if remaining == 0 => {
                let until = now + state.window;
                if state.paused_until.is_none_or(|current| current < until) {
                    state.paused_until = Some(until);
                }
            }
            None => {}
        }
    }

    /// The request of `ticket` was answered now.
    pub fn settle(&self, ticket: Ticket) {
        if let (Some(shared), Some(booking)) = (&self.shared, ticket.0) {
            shared.settle(booking);
        }
    }

    /// The provider throttled us: send nothing for `wait`.
    pub fn pause(&self, wait: Duration) {
        if let Some(shared) = &self.shared {
            shared.pause(wait.min(MAX_WAIT));
        }
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let until = Instant::now() + wait.min(MAX_WAIT);
        if state.paused_until.is_none_or(|current| current < until) {
            state.paused_until = Some(until);
        }
    }

    fn window(&self) -> Duration {
        self.state
            .lock()
            .map_or(Duration::from_secs(1), |state| state.window)
    }

    /// The provider's last report of requests left, if it sends one.
    pub fn reported_remaining(&self) -> Option<u64> {
        self.state.lock().ok().and_then(|state| state.reported)
    }

    /// Total time spent waiting for budget.
    pub fn waited(&self) -> Duration {
        self.state
            .lock()
            .map_or(Duration::ZERO, |state| state.waited)
    }
}

impl State {
    fn rate_per_sec(&self) -> f64 {
        self.capacity as f64 / self.window.as_secs_f64()
    }

    fn expire(&mut self, now: Instant) {
        while self
            .sent
            .front()
            .is_some_and(|sent| now.saturating_duration_since(*sent) >= self.window)
        {
            self.sent.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_budget_in_any_window() {
        let limiter = Limiter::new(10, Duration::from_secs(1));
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..35 {
            let _ = limiter.acquire().await;
            times.push(start.elapsed());
        }
        assert!(times[9] < Duration::from_millis(5), "the first 10 are free");
        for (index, time) in times.iter().enumerate().skip(10) {
            let window_start = times[index - 10];
            assert!(
                *time - window_start >= Duration::from_secs(1),
                "request {index} at {time:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_providers_allowance_and_count_win() {
        let limiter = Limiter::new(100_000, Duration::from_secs(1));
        let _ = limiter.acquire().await;
        // The provider allows 10 and counts 4 used (we sent 1): 6 left, then we must wait.
        limiter.observe_remaining(6, Some(10), None);
        let start = Instant::now();
        for _ in 0..6 {
            let _ = limiter.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(5));
        let _ = limiter.acquire().await;
        assert!(
            start.elapsed() >= Duration::from_millis(990),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_larger_advertised_allowance_is_used_in_full() {
        // The definition says 100 per 10 s; the portal is on a higher tier and says 250.
        let limiter = Limiter::new(100, Duration::from_secs(10));
        let _ = limiter.acquire().await;
        limiter.observe_remaining(249, Some(250), None);
        let start = Instant::now();
        for _ in 0..249 {
            let _ = limiter.acquire().await;
        }
        assert!(
            start.elapsed() < Duration::from_millis(5),
            "all 250 fit in one window: {:?}",
            start.elapsed()
        );
        let _ = limiter.acquire().await;
        assert!(start.elapsed() >= Duration::from_millis(9_990));
    }

    #[tokio::test(start_paused = true)]
    async fn absurd_windows_are_bounded() {
        let limiter = Limiter::new(100, Duration::from_secs(10));
        limiter.observe_remaining(0, None, Some(Duration::from_millis(999_999_999_999_999)));
        limiter.pause(Duration::MAX);
        let start = Instant::now();
        let _ = limiter.acquire().await;
        assert_eq!(start.elapsed(), MAX_WAIT);
        // An absurd allowance with nothing left is booked without remembering a trillion sends.
        limiter.observe_remaining(0, Some(u64::MAX), None);
        let booked = limiter
            .state
            .lock()
            .map(|state| state.sent.len())
            .unwrap_or(0);
        assert_eq!(booked, MAX_ALLOWANCE);
    }

    #[tokio::test(start_paused = true)]
    async fn headers_and_throttles_slow_it_down() {
        let limiter = Limiter::new(100, Duration::from_secs(10));
        limiter.observe_remaining(0, None, None);
        let start = Instant::now();
        let _ = limiter.acquire().await;
        assert!(
            start.elapsed() >= Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
        limiter.pause(Duration::from_secs(2));
        let start = Instant::now();
        let _ = limiter.acquire().await;
        assert!(start.elapsed() >= Duration::from_secs(2));
    }
}
