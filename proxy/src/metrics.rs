//! What an operator watches: calls that reached the tenant per endpoint, in total and in the last
//! sixty seconds (the vendor allows 1,000 a minute per endpoint for the whole tenant, so the sum
//! of `perfectgym_tenant_requests_last_minute` over all instances is the budget in use), and how
//! the catalogue cache answered. Served in the Prometheus text format on the `--metrics-listen`
//! address, never beside the public API.

use std::ops::{Index, IndexMut};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::operation::Operation;

/// The vendor endpoint a call went to (the path template, not the ids).
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)] // label values as an operator reads them
pub enum Endpoint {
    purchasable,
    purchasable_offer,
    purchase_preview,
    purchase,
    purchased,
    purchased_offer,
    payment_session,
}

impl From<&Operation> for Endpoint {
    fn from(operation: &Operation) -> Endpoint {
        match operation {
            Operation::ListPurchasable { .. } => Endpoint::purchasable,
            Operation::OfferDetail { .. } => Endpoint::purchasable_offer,
            Operation::Preview(_) => Endpoint::purchase_preview,
            Operation::Purchase(_) => Endpoint::purchase,
            Operation::Purchased { .. } => Endpoint::purchased,
            Operation::PurchasedOffer { .. } => Endpoint::purchased_offer,
            Operation::PaymentSession(_) => Endpoint::payment_session,
        }
    }
}

impl Endpoint {
    /// Every endpoint, for what lists them all (the metrics' gauges).
    pub const ALL: [Endpoint; 7] = [
        Endpoint::purchasable,
        Endpoint::purchasable_offer,
        Endpoint::purchase_preview,
        Endpoint::purchase,
        Endpoint::purchased,
        Endpoint::purchased_offer,
        Endpoint::payment_session,
    ];

    /// Reads (catalogue and a customer's purchases), as opposed to previews, purchases and
    /// payment sessions.
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Endpoint::purchasable
                | Endpoint::purchasable_offer
                | Endpoint::purchased
                | Endpoint::purchased_offer
        )
    }
}

/// One `T` per endpoint, found by a `match` instead of hashing: what each forwarded request
/// updates (its budget, its backoff, its window). A new endpoint does not compile until it has
/// its own field here.
#[derive(Debug, Default)]
pub struct PerEndpoint<T> {
    purchasable: T,
    purchasable_offer: T,
    purchase_preview: T,
    purchase: T,
    purchased: T,
    purchased_offer: T,
    payment_session: T,
}

impl<T> Index<Endpoint> for PerEndpoint<T> {
    type Output = T;

    fn index(&self, endpoint: Endpoint) -> &T {
        match endpoint {
            Endpoint::purchasable => &self.purchasable,
            Endpoint::purchasable_offer => &self.purchasable_offer,
            Endpoint::purchase_preview => &self.purchase_preview,
            Endpoint::purchase => &self.purchase,
            Endpoint::purchased => &self.purchased,
            Endpoint::purchased_offer => &self.purchased_offer,
            Endpoint::payment_session => &self.payment_session,
        }
    }
}

impl<T> IndexMut<Endpoint> for PerEndpoint<T> {
    fn index_mut(&mut self, endpoint: Endpoint) -> &mut T {
        match endpoint {
            Endpoint::purchasable => &mut self.purchasable,
            Endpoint::purchasable_offer => &mut self.purchasable_offer,
            Endpoint::purchase_preview => &mut self.purchase_preview,
            Endpoint::purchase => &mut self.purchase,
            Endpoint::purchased => &mut self.purchased,
            Endpoint::purchased_offer => &mut self.purchased_offer,
            Endpoint::payment_session => &mut self.payment_session,
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndpointLabel {
    endpoint: Endpoint,
}

/// Calls in the last minute, in one-second buckets: constant memory at any rate. It counts 61
/// whole seconds (the current one and the sixty before it), so that any 60 s of real time lies
/// inside it: with 60, a call late in one second left the count 59 s later, and a ceiling could
/// let through nearly twice its calls within one real minute.
#[derive(Debug)]
pub struct MinuteWindow {
    /// For each bucket, which second (since start) it last counted, and how many.
    buckets: [(u64, u64); WINDOW_SECONDS as usize],
}

/// The seconds a [`MinuteWindow`] counts.
pub const WINDOW_SECONDS: u64 = 61;

impl Default for MinuteWindow {
    fn default() -> Self {
        MinuteWindow {
            buckets: [(0, 0); WINDOW_SECONDS as usize],
        }
    }
}

impl MinuteWindow {
    pub fn record(&mut self, second: u64) {
        let bucket = &mut self.buckets[(second % WINDOW_SECONDS) as usize];
        if bucket.0 != second {
            *bucket = (second, 0);
        }
        bucket.1 += 1;
    }

    /// The earliest second still counted in the window up to `second`, if any.
    pub fn oldest(&self, second: u64) -> Option<u64> {
        self.buckets
            .iter()
            .filter(|(at, calls)| *calls > 0 && *at + WINDOW_SECONDS > second && *at <= second)
            .map(|(at, _)| *at)
            .min()
    }

    /// Calls in the window up to and including `second`.
    pub fn count(&self, second: u64) -> u64 {
        self.buckets
            .iter()
            .filter(|(at, _)| *at + WINDOW_SECONDS > second && *at <= second)
            .map(|(_, calls)| calls)
            .sum()
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TenantCall {
    endpoint: Endpoint,
    status: u16,
}

/// How a catalogue read was answered.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum CatalogueOutcome {
    /// From the proxy's cache, fresh.
    hit,
    /// Asked the tenant (concurrent misses for one page share the call).
    miss,
    /// The tenant refused or failed; a last good answer was served.
    stale,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CatalogueAnswer {
    outcome: CatalogueOutcome,
}

/// The proxy's counters; cheap to share.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    tenant_requests: Family<TenantCall, Counter>,
    last_minute: Family<EndpointLabel, Gauge>,
    windows: Arc<Mutex<PerEndpoint<MinuteWindow>>>,
    started: Instant,
    catalogue: Family<CatalogueAnswer, Counter>,
    ceiling_hits: Family<EndpointLabel, Counter>,
    pause_refusals: Family<EndpointLabel, Counter>,
    unauthenticated_customer_routes: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("perfectgym");
        let tenant_requests = Family::<TenantCall, Counter>::default();
        registry.register(
            "tenant_requests",
            "Calls that reached the tenant (the vendor, or the mock tenant), by endpoint and status",
            tenant_requests.clone(),
        );
        let last_minute = Family::<EndpointLabel, Gauge>::default();
        registry.register(
            "tenant_requests_last_minute",
            "Calls that reached the tenant in the last 60 seconds, by endpoint (the vendor allows 1,000 per endpoint)",
            last_minute.clone(),
        );
        let catalogue = Family::<CatalogueAnswer, Counter>::default();
        registry.register(
            "catalogue_answers",
            "Catalogue reads answered by the proxy's cache (hit), the tenant (miss) or a last good answer (stale)",
            catalogue.clone(),
        );
        let ceiling_hits = Family::<EndpointLabel, Counter>::default();
        registry.register(
            "tenant_ceiling_hits",
            "Calls not sent because this instance's ceiling for the endpoint was reached (answered stale or 503)",
            ceiling_hits.clone(),
        );
        let pause_refusals = Family::<EndpointLabel, Counter>::default();
        registry.register(
            "tenant_pause_refusals",
            "Requests answered busy (PROXY_TENANT_BUSY) without a call while the pause the tenant asked for (its 429 or 503) lasts, by endpoint",
            pause_refusals.clone(),
        );
        let unauthenticated_customer_routes = Gauge::default();
        registry.register(
            "customer_routes_unauthenticated",
            "1 while routes naming a customer are served without customer binding (--mock, or the operator's opt-out)",
            unauthenticated_customer_routes.clone(),
        );
        Metrics {
            registry: Arc::new(registry),
            tenant_requests,
            last_minute,
            windows: Arc::default(),
            started: Instant::now(),
            catalogue,
            ceiling_hits,
            pause_refusals,
            unauthenticated_customer_routes,
        }
    }

    fn second(&self) -> u64 {
        self.started.elapsed().as_secs()
    }

    pub fn tenant_request(&self, endpoint: Endpoint, status: StatusCode) {
        self.tenant_requests
            .get_or_create(&TenantCall {
                endpoint,
                status: status.as_u16(),
            })
            .inc();
        let second = self.second();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows[endpoint].record(second);
    }

    pub fn ceiling_hit(&self, endpoint: Endpoint) {
        self.ceiling_hits
            .get_or_create(&EndpointLabel { endpoint })
            .inc();
    }

    pub fn pause_refusal(&self, endpoint: Endpoint) {
        self.pause_refusals
            .get_or_create(&EndpointLabel { endpoint })
            .inc();
    }

    pub fn customer_routes_unauthenticated(&self, unauthenticated: bool) {
        self.unauthenticated_customer_routes
            .set(i64::from(unauthenticated));
    }

    pub fn catalogue_answer(&self, outcome: CatalogueOutcome) {
        self.catalogue
            .get_or_create(&CatalogueAnswer { outcome })
            .inc();
    }

    /// Everything, in the Prometheus/OpenMetrics text format.
    pub fn render(&self) -> String {
        let second = self.second();
        {
            let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
            for endpoint in Endpoint::ALL {
                let calls = i64::try_from(windows[endpoint].count(second)).unwrap_or(i64::MAX);
                self.last_minute
                    .get_or_create(&EndpointLabel { endpoint })
                    .set(calls);
            }
        }
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}

/// `GET /metrics`, for the operator's listener.
pub fn router(metrics: Metrics) -> Router {
    Router::new()
        .route("/metrics", get(render))
        .with_state(metrics)
}

async fn render(State(metrics): State<Metrics>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_endpoint_has_its_own_slot() {
        let mut calls = PerEndpoint::<usize>::default();
        for (order, endpoint) in Endpoint::ALL.into_iter().enumerate() {
            calls[endpoint] = order + 1;
        }
        // Every slot written once, none shared: each holds its own endpoint's number.
        for (order, endpoint) in Endpoint::ALL.into_iter().enumerate() {
            assert_eq!(calls[endpoint], order + 1, "{endpoint:?}");
        }
    }

    #[test]
    fn the_window_holds_every_call_of_the_last_sixty_seconds_of_real_time() {
        let mut window = MinuteWindow::default();
        for second in [0, 0, 1, 30, 59] {
            window.record(second);
        }
        assert_eq!(window.count(59), 5);
        // A call at 0.9 s is less than 60 s before 60.5 s: still counted.
        assert_eq!(window.count(60), 5, "second 0 is still within 60 s");
        assert_eq!(window.count(61), 3, "second 0 has left the window");
        assert_eq!(window.count(62), 2);
        window.record(62);
        assert_eq!(window.count(62), 3);
        assert_eq!(window.count(200), 0);
        // A bucket reused a window later starts from zero: second 30's call is gone.
        window.record(91);
        assert_eq!(window.count(91), 3, "seconds 59, 62 and 91");
    }
}
