//! The proxy's own ceiling on calls to the tenant, per endpoint and per sixty seconds, below the
//! vendor's 1,000 a minute per endpoint for the whole tenant: no visitor traffic earns the gym a
//! 429 (which would hold the endpoint for the rest of the minute, for the gym's other
//! integrations too). Reads get a lower ceiling than previews, purchases and payment sessions,
//! so a reading script leaves the paying visitors room.
//!
//! The ceiling is per instance; several instances each take their share (`--instances`), so
//! together they stay under it without a shared store (docs/deploy.md says why).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::metrics::{Endpoint, MinuteWindow, PerEndpoint, WINDOW_SECONDS};

/// Calls per endpoint per sixty seconds, for the whole chain of instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ceiling {
    /// Offer list, offer details, a customer's purchases (each endpoint on its own).
    pub reads_per_minute: u32,
    /// Previews, purchases, payment sessions (each endpoint on its own).
    pub writes_per_minute: u32,
}

impl Default for Ceiling {
    /// Room left under the vendor's 1,000 for the gym's other integrations, and reads held
    /// lower still.
    fn default() -> Self {
        Ceiling {
            reads_per_minute: 500,
            writes_per_minute: 800,
        }
    }
}

impl Ceiling {
    /// This instance's share when `instances` share the tenant (rounded down, at least 1).
    pub fn share(self, instances: u32) -> Ceiling {
        let instances = instances.max(1);
        Ceiling {
            reads_per_minute: (self.reads_per_minute / instances).max(1),
            writes_per_minute: (self.writes_per_minute / instances).max(1),
        }
    }

    pub fn for_endpoint(&self, endpoint: Endpoint) -> u32 {
        if endpoint.is_read() {
            self.reads_per_minute
        } else {
            self.writes_per_minute
        }
    }
}

/// Counts this instance's calls against its ceiling.
#[derive(Debug)]
pub struct TenantBudget {
    ceiling: Ceiling,
    windows: Mutex<PerEndpoint<MinuteWindow>>,
    started: Instant,
}

impl TenantBudget {
    pub fn new(ceiling: Ceiling) -> TenantBudget {
        TenantBudget {
            ceiling,
            windows: Mutex::default(),
            started: Instant::now(),
        }
    }

    /// Takes one call to `endpoint` from the budget, or says how long until one is free.
    pub fn take(&self, endpoint: Endpoint) -> Result<(), Duration> {
        let second = self.started.elapsed().as_secs();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let window = &mut windows[endpoint];
        if window.count(second) < u64::from(self.ceiling.for_endpoint(endpoint)) {
            window.record(second);
            return Ok(());
        }
        let oldest = window.oldest(second).unwrap_or(second);
        Err(Duration::from_secs(
            (oldest + WINDOW_SECONDS).saturating_sub(second).max(1),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_is_shared_and_reads_are_lower() {
        let ceiling = Ceiling::default();
        assert!(ceiling.reads_per_minute < ceiling.writes_per_minute);
        assert!(ceiling.writes_per_minute < 1_000);
        assert_eq!(
            ceiling.share(2),
            Ceiling {
                reads_per_minute: 250,
                writes_per_minute: 400
            }
        );
        assert_eq!(ceiling.share(0), ceiling);
    }

    #[test]
    fn calls_past_the_ceiling_wait_for_the_window() {
        let budget = TenantBudget::new(Ceiling {
            reads_per_minute: 3,
            writes_per_minute: 5,
        });
        for _ in 0..3 {
            assert_eq!(budget.take(Endpoint::purchasable_offer), Ok(()));
        }
        let wait = budget.take(Endpoint::purchasable_offer).unwrap_err();
        assert!((60..=61).contains(&wait.as_secs()), "{wait:?}");
        // Each endpoint has its own.
        for _ in 0..5 {
            assert_eq!(budget.take(Endpoint::purchase_preview), Ok(()));
        }
        assert!(budget.take(Endpoint::purchase_preview).is_err());
    }
}
