//! Leaving the tenant alone after it pushed back: a 429 until the next clock minute, 503s
//! exponentially. The upstream keeps one per endpoint.

use std::time::{Duration, Instant};

use axum::http::StatusCode;

/// How long not to ask an endpoint again after the tenant pushed back: a 429 holds "for the rest
/// of the minute" (API-NOTES), a 503 asks for exponential backoff.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
    until: Option<Instant>,
}

impl Backoff {
    /// Longest pause after repeated 503s.
    pub const MAX: Duration = Duration::from_secs(60);

    /// What is left of the pause at `now`, which is read only while there is a pause.
    pub fn left(&self, now: impl FnOnce() -> Instant) -> Option<Duration> {
        let until = self.until?;
        until
            .checked_duration_since(now())
            .filter(|left| !left.is_zero())
    }

    /// Notes the tenant's answer. `clock` gives the time and the wall clock's Unix seconds (the
    /// vendor's minute is a clock minute); it is read only for an answer that asks for a pause,
    /// not on every forwarded request.
    pub fn record(&mut self, status: StatusCode, clock: impl FnOnce() -> (Instant, u64)) {
        let (now, pause) = match status {
            StatusCode::TOO_MANY_REQUESTS => {
                let (now, unix_seconds) = clock();
                (now, Duration::from_secs(60 - unix_seconds % 60))
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                self.failures = self.failures.saturating_add(1);
                let pause = Duration::from_secs(1u64 << (self.failures - 1).min(6));
                (clock().0, pause.min(Self::MAX))
            }
            _ if status.is_success() => {
                *self = Backoff::default();
                return;
            }
            _ => return,
        };
        self.until = Some(now + pause);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_holds_until_the_next_clock_minute() {
        let now = Instant::now();
        let mut backoff = Backoff::default();
        backoff.record(StatusCode::TOO_MANY_REQUESTS, || (now, 1_800_000_045));
        assert_eq!(
            backoff.left(|| now + Duration::from_secs(14)),
            Some(Duration::from_secs(1))
        );
        assert_eq!(backoff.left(|| now + Duration::from_secs(15)), None);
    }

    #[test]
    fn repeated_503s_back_off_exponentially_up_to_a_minute_and_success_resets() {
        let now = Instant::now();
        let mut backoff = Backoff::default();
        let mut pauses = Vec::new();
        for _ in 0..9 {
            backoff.record(StatusCode::SERVICE_UNAVAILABLE, || (now, 0));
            let until = backoff.until.unwrap();
            pauses.push((until - now).as_secs());
        }
        assert_eq!(pauses, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        // A success ends the pause without reading the clock.
        backoff.record(StatusCode::OK, || unreachable!());
        assert_eq!(backoff.left(|| unreachable!()), None);
        backoff.record(StatusCode::SERVICE_UNAVAILABLE, || (now, 0));
        assert_eq!(backoff.until, Some(now + Duration::from_secs(1)));
    }

    #[test]
    fn other_errors_do_not_pause() {
        let mut backoff = Backoff::default();
        // Nor do they read the clock.
        backoff.record(StatusCode::NOT_FOUND, || unreachable!());
        backoff.record(StatusCode::INTERNAL_SERVER_ERROR, || unreachable!());
        assert_eq!(backoff.left(|| unreachable!()), None);
    }
}
