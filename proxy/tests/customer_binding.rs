//! With customer binding on, nobody reads or buys on another customer's account: forged, expired,
//! missing and mismatched tokens are refused before the tenant sees anything.

use std::sync::Arc;

use axum::http::StatusCode;
use perfectgym_offers_proxy::customer_token::{CustomerBinding, HEADER};
use perfectgym_offers_proxy::mock::MockTenant;
use perfectgym_offers_proxy::{app, ProxyConfig, Tenant};
use serde_json::json;

mod common;
use common::{call, serve};

const SECRET: &str = "the-gyms-backend-and-the-proxy-share-this-secret";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn bound_proxy() -> (String, Arc<MockTenant>) {
    let mock = Arc::new(MockTenant::new());
    let base = serve(app(ProxyConfig {
        customer_binding: CustomerBinding::new(SECRET),
        ..ProxyConfig::new("/pg-proxy", Tenant::Mock(mock.clone()))
    }))
    .await;
    (format!("{base}/pg-proxy/v1"), mock)
}

#[tokio::test]
async fn the_customers_own_token_opens_their_purchases_and_checkout() {
    let (api, _) = bound_proxy().await;
    let token = CustomerBinding::new(SECRET)
        .unwrap()
        .sign(67890, now() + 600);
    let http = reqwest::Client::new();
    let (status, _, body) = call(
        http.get(format!("{api}/online-offers/67890/purchased"))
            .header(HEADER, &token),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, _) = call(
        http.post(format!("{api}/online-offers/purchase/preview"))
            .header(HEADER, &token)
            .json(&json!({"onlineOfferId": 1001, "customerId": 67890})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // The public catalogue needs no token.
    let (status, _, _) = call(http.get(format!("{api}/online-offers/purchasable"))).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn forged_expired_missing_and_mismatched_tokens_are_refused() {
    let (api, mock) = bound_proxy().await;
    let binding = CustomerBinding::new(SECRET).unwrap();
    let other_secret =
        CustomerBinding::new("a-different-secret-an-attacker-might-try-here").unwrap();
    let cases = [
        (None, StatusCode::UNAUTHORIZED, "missing"),
        (
            Some(other_secret.sign(67890, now() + 600)),
            StatusCode::FORBIDDEN,
            "forged",
        ),
        (
            Some(binding.sign(67890, now() - 1)),
            StatusCode::FORBIDDEN,
            "expired",
        ),
        (
            Some(binding.sign(11111, now() + 600)),
            StatusCode::FORBIDDEN,
            "someone else's",
        ),
        (
            Some("67890.99999999999.00".to_owned()),
            StatusCode::FORBIDDEN,
            "made up",
        ),
    ];
    let http = reqwest::Client::new();
    for (token, expected, what) in cases {
        let with_token = |request: reqwest::RequestBuilder| match &token {
            Some(token) => request.header(HEADER, token),
            None => request,
        };
        let (status, _, body) = call(with_token(
            http.get(format!("{api}/online-offers/67890/purchased")),
        ))
        .await;
        assert_eq!(status, expected, "{what} token reading purchases: {body}");
        assert!(body.contains("PROXY_CUSTOMER_TOKEN"));
        let (status, _, _) = call(with_token(
            http.post(format!("{api}/online-offers/purchase"))
                .json(&json!({
                    "onlineOfferId": 1008, "customerId": 67890, "validFrom": "2099-01-01"
                })),
        ))
        .await;
        assert_eq!(status, expected, "{what} token buying");
        let (status, _, _) = call(with_token(
            http.post(format!("{api}/payments/user-session"))
                .json(&json!({
                    "amount": 20, "scope": "ECOM", "customerId": 67890
                })),
        ))
        .await;
        assert_eq!(status, expected, "{what} token opening a payment session");
    }
    assert_eq!(
        mock.purchase_count(67890),
        1,
        "only the seeded purchase: nothing was bought"
    );
}

#[path = "common/fake_tenant.rs"]
mod fake_tenant;

/// Every route that names a customer, as the widget calls it.
fn customer_requests(api: &str) -> Vec<reqwest::RequestBuilder> {
    let http = reqwest::Client::new();
    vec![
        http.get(format!("{api}/online-offers/67890/purchased")),
        http.get(format!("{api}/online-offers/67890/purchased/1001")),
        http.post(format!("{api}/online-offers/purchase/preview"))
            .json(&json!({"onlineOfferId": 1001, "customerId": 67890})),
        http.post(format!("{api}/online-offers/purchase"))
            .json(&json!({"onlineOfferId": 1008, "customerId": 67890, "validFrom": "2099-01-01"})),
        http.post(format!("{api}/payments/user-session"))
            .header("X-Online-Offer-Id", "1001")
            .header("X-Payment-Currency", "EUR")
            .json(&json!({"amount": 20, "scope": "ECOM", "customerId": 67890})),
    ]
}

/// The value of `perfectgym_customer_routes_unauthenticated` (its sample line, not its help text).
fn unauthenticated_gauge(metrics: &perfectgym_offers_proxy::metrics::Metrics) -> String {
    let text = metrics.render();
    text.lines()
        .find_map(|line| line.strip_prefix("perfectgym_customer_routes_unauthenticated "))
        .unwrap_or_else(|| panic!("no gauge in {text}"))
        .to_owned()
}

#[tokio::test]
async fn a_real_tenant_without_binding_serves_no_customer_route() {
    let setup = fake_tenant::proxy_configured(|_| {}, |_| {}).await;
    let api = format!("{}/v1", setup.api);
    for request in customer_requests(&api) {
        let (status, headers, body) = call(request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(body.contains("PROXY_CUSTOMER_BINDING_REQUIRED"), "{body}");
        assert!(headers.contains("no-store"));
    }
    assert!(setup.tenant.seen().is_empty(), "{:?}", setup.tenant.seen());
    // The catalogue is public.
    let (status, _, _) =
        call(reqwest::Client::new().get(format!("{api}/online-offers/purchasable"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unauthenticated_gauge(&setup.metrics), "0");
}

#[tokio::test]
async fn only_the_operators_explicit_opt_out_opens_them_and_it_shows() {
    let setup =
        fake_tenant::proxy_configured(|_| {}, |proxy| proxy.unauthenticated_customer_routes = true)
            .await;
    let api = format!("{}/v1", setup.api);
    for request in customer_requests(&api) {
        let (status, _, body) = call(request).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_eq!(unauthenticated_gauge(&setup.metrics), "1");
    // With binding on, the opt-out changes nothing: a token is needed.
    let bound = fake_tenant::proxy_configured(
        |_| {},
        |proxy| {
            proxy.unauthenticated_customer_routes = true;
            proxy.customer_binding = CustomerBinding::new(SECRET);
        },
    )
    .await;
    let (status, _, _) = call(customer_requests(&format!("{}/v1", bound.api)).remove(0)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(unauthenticated_gauge(&bound.metrics), "0");
}
