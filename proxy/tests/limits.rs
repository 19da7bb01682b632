//! CORS for the gym's own origins only, and the per-client limit on writes, over real HTTP.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode};
use perfectgym_offers_proxy::customer_token::{CustomerBinding, HEADER};
use perfectgym_offers_proxy::limits::network_of;
use perfectgym_offers_proxy::mock::MockTenant;
use perfectgym_offers_proxy::{app, ProxyConfig, Tenant, WriteLimit};
use serde_json::json;

mod common;
use common::{call, serve};

const GYM: &str = "https://www.mygym.example";

async fn proxy(allowed_origins: Vec<HeaderValue>, write_limit: WriteLimit) -> String {
    let base = serve(app(ProxyConfig {
        allowed_origins,
        write_limit,
        ..ProxyConfig::new("/pg-proxy", Tenant::Mock(Arc::new(MockTenant::new())))
    }))
    .await;
    format!("{base}/pg-proxy/v1")
}

/// The `access-control-allow-origin` a preflight from `origin` gets, if any.
async fn preflight(api: &str, origin: &str) -> Option<String> {
    let response = reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            format!("{api}/online-offers/purchase/preview"),
        )
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .unwrap();
    response
        .headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn only_the_configured_origins_may_call_cross_origin() {
    let api = proxy(vec![HeaderValue::from_static(GYM)], WriteLimit::default()).await;
    assert_eq!(preflight(&api, GYM).await.as_deref(), Some(GYM));
    assert_eq!(preflight(&api, "https://evil.example").await, None);
    let response = reqwest::Client::new()
        .get(format!("{api}/online-offers/purchasable"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    let same_origin_only = proxy(Vec::new(), WriteLimit::default()).await;
    assert_eq!(preflight(&same_origin_only, GYM).await, None);
}

#[tokio::test]
async fn a_client_hammering_writes_is_limited_and_its_reads_are_not_counted_with_them() {
    let limit = WriteLimit {
        burst: 3,
        per_minute: 1,
        trust_forwarded_for: false,
    };
    let api = proxy(Vec::new(), limit).await;
    let http = reqwest::Client::new();
    let body = json!({"onlineOfferId": 1001, "customerId": 67890});
    for n in 1..=3 {
        let (status, _, _) = call(
            http.post(format!("{api}/online-offers/purchase/preview"))
                .json(&body),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "preview {n} is within the burst");
    }
    let response = http
        .post(format!("{api}/online-offers/purchase/preview"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert!(response.headers().get("retry-after").is_some());
    let text = response.text().await.unwrap();
    assert!(
        text.contains(r#""errorCode":"PROXY_RATE_LIMITED""#),
        "{text}"
    );
    // A purchase counts against the same client; catalogue reads have their own limit.
    let (status, _, _) = call(
        http.post(format!("{api}/online-offers/purchase"))
            .json(&body),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    for _ in 0..10 {
        let (status, _, _) = call(http.get(format!("{api}/online-offers/purchasable"))).await;
        assert_eq!(status, StatusCode::OK);
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let limit = WriteLimit {
        burst: 1,
        per_minute: 1,
        trust_forwarded_for: true,
    };
    let api = proxy(Vec::new(), limit).await;
    let http = reqwest::Client::new();
    let body = json!({"onlineOfferId": 1001, "customerId": 67890});
    let preview = |client: &'static str| {
        call(
            http.post(format!("{api}/online-offers/purchase/preview"))
                .header("X-Forwarded-For", client)
                .json(&body),
        )
    };
    assert_eq!(preview("203.0.113.7").await.0, StatusCode::OK);
    assert_eq!(
        preview("203.0.113.7").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        preview("198.51.100.2").await.0,
        StatusCode::OK,
        "another visitor is not blocked"
    );
    // A CDN appends the address it saw to what the visitor sent: only that one counts.
    assert_eq!(
        preview("192.0.2.1, 198.51.100.2").await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "a made-up address before the proxy's own is not a new client"
    );
}

/// One member (their customer token) writing from many addresses gets one customer's share, not
/// one per address: otherwise a few dozen addresses could spend the tenant's ceiling for every
/// visitor. Only a valid token counts against a customer.
#[tokio::test]
async fn one_customer_from_many_addresses_shares_one_write_limit() {
    const SECRET: &str = "a-test-secret-of-at-least-thirty-two-bytes";
    let binding = CustomerBinding::new(SECRET).unwrap();
    let base = serve(app(ProxyConfig {
        write_limit: WriteLimit {
            burst: 2,
            per_minute: 1,
            trust_forwarded_for: true,
        },
        customer_binding: Some(binding.clone()),
        ..ProxyConfig::new("/pg-proxy", Tenant::Mock(Arc::new(MockTenant::new())))
    }))
    .await;
    let http = reqwest::Client::new();
    let later = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
        + 600;
    let preview = |client: &'static str, customer: i64, token: String| {
        call(
            http.post(format!("{base}/pg-proxy/v1/online-offers/purchase/preview"))
                .header("X-Forwarded-For", client)
                .header(HEADER, token)
                .json(&json!({"onlineOfferId": 1001, "customerId": customer})),
        )
    };
    let member = || binding.sign(67890, later);
    // Someone else's made-up tokens naming the member, from other addresses, are refused and
    // do not spend the member's share (else anyone could lock a member out of buying).
    for client in ["192.0.2.101", "192.0.2.102", "192.0.2.103"] {
        let forged = format!("67890.{later}.{}", "0".repeat(64));
        let (status, _, _) = preview(client, 67890, forged).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a made-up token is refused");
    }
    assert_eq!(
        preview("203.0.113.7", 67890, member()).await.0,
        StatusCode::OK
    );
    assert_eq!(
        preview("198.51.100.2", 67890, member()).await.0,
        StatusCode::OK
    );
    let (status, _, body) = preview("192.0.2.50", 67890, member()).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "a third address: {body}"
    );
    assert!(body.contains("PROXY_RATE_LIMITED"), "{body}");
    let (status, _, _) = preview("192.0.2.50", 67891, binding.sign(67891, later)).await;
    assert_eq!(status, StatusCode::OK, "another member is not blocked");
}

#[test]
fn an_ipv6_client_counts_by_its_network() {
    let key = |ip: &str| network_of(ip.parse().unwrap());
    assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::9"));
    assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    assert_eq!(key("::ffff:203.0.113.7"), key("203.0.113.7"));
    assert_ne!(key("::ffff:203.0.113.7"), key("::ffff:198.51.100.2"));
}

/// Each limit forgets quiet clients in a sweep that lives as long as the app: apps made and
/// dropped (each test, a reload) leave nothing running behind them.
#[tokio::test(start_paused = true)]
async fn the_limits_sweeps_end_with_the_app() {
    let alive = || {
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks()
    };
    let before = alive();
    let router = app(ProxyConfig::new(
        "/pg-proxy",
        Tenant::Mock(Arc::new(MockTenant::new())),
    ));
    assert_eq!(
        alive(),
        before + 3,
        "one sweep for reads, one for writes by client, one by customer"
    );
    tokio::time::sleep(Duration::from_secs(10 * 60)).await;
    assert_eq!(alive(), before + 3, "the sweeps go on while the app lives");
    drop(router);
    tokio::time::sleep(Duration::from_secs(61)).await;
    assert_eq!(alive(), before, "the sweeps ended with the app");
}
