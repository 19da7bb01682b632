//! A recording fake tenant, and our proxy in upstream mode in front of it, for the upstream
//! tests. Each test binary uses a part of it.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use perfectgym_offers_proxy::http_cache::CataloguePolicy;
use perfectgym_offers_proxy::metrics::Metrics;
use perfectgym_offers_proxy::server::ServeLimits;
use perfectgym_offers_proxy::upstream::{ApiKey, Upstream, UpstreamConfig};
use perfectgym_offers_proxy::{app, ProxyConfig, Tenant};

use super::common::{serve, serve_with};

pub const SECRET: &str = "sk_live_0123456789abcdef";
/// The description length of offers 2000 to 3999.
pub const BIG_OFFER_BYTES: usize = 64 * 1024;
/// The length of offer 4000's answer; ids from 4001 are unknown (404).
pub const HUGE_ANSWER_BYTES: usize = 5 * 1024 * 1024;

/// What the fake tenant saw of one request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

#[derive(Clone, Default)]
pub struct FakeTenant {
    seen: Arc<Mutex<Vec<Seen>>>,
    /// When set, every request is answered with this status (a tenant under load or over budget).
    failing: Arc<Mutex<Option<StatusCode>>>,
}

impl FakeTenant {
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn fail_with(&self, status: Option<StatusCode>) {
        *self.failing.lock().unwrap() = status;
    }
}

/// Answers like the vendor for a few paths, and badly on purpose for others.
pub async fn fake_tenant(
    State(tenant): State<FakeTenant>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    tenant.seen.lock().unwrap().push(Seen {
        method,
        uri: uri.to_string(),
        headers,
        body,
    });
    let path = uri.path();
    let failing = *tenant.failing.lock().unwrap();
    let json = |status: StatusCode, body: String| {
        (
            status,
            [
                ("content-type", "application/json"),
                ("x-internal-node", "db-7"),
            ],
            body,
        )
            .into_response()
    };
    if let Some(status) = failing {
        json(status, r#"{"errorMessage":"busy"}"#.into())
    } else if path == "/v1/online-offers/purchasable" {
        json(
            StatusCode::OK,
            r#"{"result":[{"onlineOfferId":1,"name":"Day"}],"hasNext":false}"#.into(),
        )
    } else if path == "/v1/online-offers/purchasable/404" {
        json(
            StatusCode::NOT_FOUND,
            format!(
                r#"{{"errorMessage":"no offer, key {SECRET}","errorCode":"NOT_FOUND","traceId":"t-1","internalStack":"at Foo.java:12"}}"#
            ),
        )
    } else if path == "/v1/online-offers/purchasable/500" {
        json(
            StatusCode::INTERNAL_SERVER_ERROR,
            "<html>stack trace</html>".into(),
        )
    } else if path == "/v1/online-offers/purchasable/9" {
        tokio::time::sleep(Duration::from_secs(3)).await;
        json(StatusCode::OK, r#"{"onlineOfferId":9}"#.into())
    } else if path == "/v1/online-offers/purchasable/302" {
        // Sending the caller on, to a page that would answer.
        (
            StatusCode::FOUND,
            [("location", "/v1/online-offers/purchasable")],
        )
            .into_response()
    } else if let Some(id) = path
        .strip_prefix("/v1/online-offers/purchasable/")
        .and_then(|id| id.parse::<u64>().ok())
        .filter(|id| *id >= 2000)
    {
        match id {
            // Offers with long descriptions, BIG_OFFER_BYTES each.
            2000..4000 => json(
                StatusCode::OK,
                format!(
                    r#"{{"onlineOfferId":{id},"description":"{}"}}"#,
                    "x".repeat(BIG_OFFER_BYTES)
                ),
            ),
            // A tenant gone wrong: an answer of HUGE_ANSWER_BYTES.
            4000 => json(StatusCode::OK, "x".repeat(HUGE_ANSWER_BYTES)),
            _ => json(
                StatusCode::NOT_FOUND,
                r#"{"errorMessage":"no such offer","errorCode":"NOT_FOUND"}"#.into(),
            ),
        }
    } else {
        json(StatusCode::OK, r#"{"price":{"amount":20,"currency":"EUR"},"discountedPrice":{"amount":20,"currency":"EUR"}}"#.into())
    }
}

/// A fake tenant on its own port, and its URL.
pub async fn start_fake_tenant() -> (FakeTenant, String) {
    let tenant = FakeTenant::default();
    let url = serve(
        Router::new()
            .fallback(fake_tenant)
            .with_state(tenant.clone()),
    )
    .await;
    (tenant, url)
}

/// A fake tenant and our proxy in front of it; returns the proxy's API base and the tenant.
pub async fn proxy_in_front(ttl: Duration) -> (String, FakeTenant) {
    let (api, tenant, _) = proxy_in_front_with_metrics(ttl).await;
    (api, tenant)
}

pub async fn proxy_in_front_with_metrics(ttl: Duration) -> (String, FakeTenant, Metrics) {
    let (tenant, tenant_url) = start_fake_tenant().await;
    let metrics = Metrics::new();
    let api = proxy_with(tenant_url, ttl, metrics.clone()).await;
    (api, tenant, metrics)
}

/// Our proxy forwarding to `base_url` with the test key; returns its API base.
pub async fn proxy_to(base_url: String, ttl: Duration) -> String {
    proxy_with(base_url, ttl, Metrics::new()).await
}

pub async fn proxy_with(base_url: String, ttl: Duration, metrics: Metrics) -> String {
    let upstream = Upstream::new(UpstreamConfig {
        catalogue: CataloguePolicy {
            max_age: ttl,
            stale: Duration::from_secs(300),
        },
        timeout: Duration::from_secs(1),
        ..UpstreamConfig::new(base_url, ApiKey::new(SECRET).unwrap())
    })
    .unwrap();
    let proxy = serve(app(ProxyConfig {
        metrics,
        // These tests are about forwarding; customer binding has its own.
        unauthenticated_customer_routes: true,
        ..ProxyConfig::new("/pg-proxy", Tenant::Upstream(Arc::new(upstream)))
    }))
    .await;
    format!("{proxy}/pg-proxy")
}

/// A fake tenant and our proxy in front of it, both configured by the test (the upstream
/// settings start from [`UpstreamConfig::new`], the proxy's from [`ProxyConfig::new`]).
pub struct Setup {
    pub api: String,
    pub tenant: FakeTenant,
    pub upstream: Arc<Upstream>,
    pub metrics: Metrics,
}

pub async fn proxy_configured(
    upstream: impl FnOnce(&mut UpstreamConfig),
    proxy: impl FnOnce(&mut ProxyConfig),
) -> Setup {
    proxy_served(ServeLimits::default(), upstream, proxy).await
}

/// The same, served with `limits`.
pub async fn proxy_served(
    limits: ServeLimits,
    upstream: impl FnOnce(&mut UpstreamConfig),
    proxy: impl FnOnce(&mut ProxyConfig),
) -> Setup {
    let (tenant, tenant_url) = start_fake_tenant().await;
    let mut upstream_config = UpstreamConfig::new(tenant_url, ApiKey::new(SECRET).unwrap());
    upstream(&mut upstream_config);
    let upstream = Arc::new(Upstream::new(upstream_config).unwrap());
    let mut config = ProxyConfig::new("/pg-proxy", Tenant::Upstream(upstream.clone()));
    proxy(&mut config);
    let metrics = config.metrics.clone();
    let base = serve_with(app(config), limits).await;
    Setup {
        api: format!("{base}/pg-proxy"),
        tenant,
        upstream,
        metrics,
    }
}

pub fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} leaks the API key: {text}");
}
