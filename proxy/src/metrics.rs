//! What an operator watches: calls that reached the tenant per endpoint (the vendor allows 1,000
//! a minute per endpoint for the whole tenant: `rate(perfectgym_tenant_requests_total[1m]) * 60`
//! is the budget used), and how the catalogue cache answered. Served in the Prometheus text
//! format on the `--metrics-listen` address, never beside the public API.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
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
    catalogue: Family<CatalogueAnswer, Counter>,
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
        let catalogue = Family::<CatalogueAnswer, Counter>::default();
        registry.register(
            "catalogue_answers",
            "Catalogue reads answered by the proxy's cache (hit), the tenant (miss) or a last good answer (stale)",
            catalogue.clone(),
        );
        Metrics {
            registry: Arc::new(registry),
            tenant_requests,
            catalogue,
        }
    }

    pub fn tenant_request(&self, endpoint: Endpoint, status: StatusCode) {
        self.tenant_requests
            .get_or_create(&TenantCall {
                endpoint,
                status: status.as_u16(),
            })
            .inc();
    }

    pub fn catalogue_answer(&self, outcome: CatalogueOutcome) {
        self.catalogue
            .get_or_create(&CatalogueAnswer { outcome })
            .inc();
    }

    /// Everything, in the Prometheus/OpenMetrics text format.
    pub fn render(&self) -> String {
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
