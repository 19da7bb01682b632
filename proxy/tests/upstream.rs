//! The proxy in upstream mode, over real HTTP on 127.0.0.1, in front of a recording fake tenant.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Router;
use perfectgym_offers_proxy::upstream::{ApiKey, Upstream, UpstreamConfig};
use perfectgym_offers_proxy::{app, ProxyConfig, Tenant, WriteLimit};

mod common;
use common::{call, serve};

const SECRET: &str = "sk_live_0123456789abcdef";

/// What the fake tenant saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    uri: String,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone, Default)]
struct FakeTenant {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeTenant {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Answers like the vendor for a few paths, and badly on purpose for others.
async fn fake_tenant(
    State(tenant): State<FakeTenant>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    tenant.seen.lock().unwrap().push(Seen {
        method,
        uri: uri.to_string(),
        headers,
        body,
    });
    let path = uri.path();
    let json = |status: StatusCode, body: String| {
        (
            status,
            [
                ("content-type", "application/json"),
                ("x-internal-node", "db-7"),
            ],
            body,
        )
    };
    if path == "/v1/online-offers/purchasable" {
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
    } else {
        json(StatusCode::OK, r#"{"price":{"amount":20,"currency":"EUR"},"discountedPrice":{"amount":20,"currency":"EUR"}}"#.into())
    }
}

/// A fake tenant and our proxy in front of it; returns the proxy's API base and the tenant.
async fn proxy_in_front(ttl: Duration) -> (String, FakeTenant) {
    let tenant = FakeTenant::default();
    let tenant_url = serve(
        Router::new()
            .fallback(fake_tenant)
            .with_state(tenant.clone()),
    )
    .await;
    (proxy_to(tenant_url, ttl).await, tenant)
}

/// Our proxy forwarding to `base_url` with the test key; returns its API base.
async fn proxy_to(base_url: String, ttl: Duration) -> String {
    let upstream = Upstream::new(UpstreamConfig {
        base_url,
        api_key: ApiKey::new(SECRET).unwrap(),
        catalogue_ttl: ttl,
        timeout: Duration::from_secs(1),
    })
    .unwrap();
    let proxy = serve(app(ProxyConfig {
        api_prefix: "/pg-proxy".into(),
        static_dir: None,
        allowed_origins: Vec::new(),
        write_limit: WriteLimit::default(),
        customer_binding: None,
        tenant: Tenant::Upstream(Arc::new(upstream)),
    }))
    .await;
    format!("{proxy}/pg-proxy")
}

fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} leaks the API key: {text}");
}

#[tokio::test]
async fn only_the_online_offer_routes_reach_the_tenant() {
    let (api, tenant) = proxy_in_front(Duration::ZERO).await;
    let http = reqwest::Client::new();
    for (method, path) in [
        (Method::GET, "/v1/customers/67890"),
        (Method::GET, "/v1/online-offers"),
        (
            Method::GET,
            "/v1/online-offers/purchasable/1/../../customers",
        ),
        (Method::DELETE, "/v1/online-offers/purchasable/1"),
        (Method::GET, "/v1/online-offers/purchase"),
        (Method::POST, "/v1/online-offers/purchasable"),
        (Method::GET, "/v1/online-offers/purchasable/abc"),
        (Method::GET, "/v1/online-offers/purchasable/-4"),
        (Method::GET, "/v1/online-offers/0/purchased"),
        (Method::GET, "/v1/online-offers/purchasable?sliceSize=5000"),
        (Method::GET, "/v1/payments/user-session"),
        (Method::POST, "/v1/payments/user-session"),
    ] {
        let (status, _, _) = call(http.request(method.clone(), format!("{api}{path}"))).await;
        assert!(
            status.is_client_error(),
            "{method} {path} answered {status}"
        );
    }
    let (status, _, _) = call(http.get(format!("{api}/v1/customers/67890"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        tenant.seen().is_empty(),
        "the tenant saw {:?}",
        tenant.seen()
    );
}

#[tokio::test]
async fn the_key_is_injected_upstream_and_the_browsers_is_stripped() {
    let (api, tenant) = proxy_in_front(Duration::ZERO).await;
    let http = reqwest::Client::new();
    let (status, headers, body) = call(
        http.get(format!(
            "{api}/v1/online-offers/purchasable?offset=0&sliceSize=50&debug=1"
        ))
        .header("X-API-KEY", "visitor-forged-key")
        .header("Accept-Language", "de-DE")
        .header("Cookie", "session=visitor"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("\"onlineOfferId\":1"));
    assert_no_secret("headers", &headers);
    assert!(
        !headers.contains("db-7"),
        "upstream headers must not pass through: {headers}"
    );
    let seen = tenant.seen();
    assert_eq!(seen.len(), 1);
    let keys: Vec<_> = seen[0].headers.get_all("x-api-key").iter().collect();
    assert_eq!(keys, [SECRET], "exactly the gym's key goes upstream");
    assert_eq!(seen[0].headers["accept-language"], "de-DE");
    assert!(seen[0].headers.get("cookie").is_none());
    assert_eq!(
        seen[0].uri, "/v1/online-offers/purchasable?offset=0&sliceSize=50",
        "only the documented query parameters go upstream"
    );
}

#[tokio::test]
async fn upstream_errors_pass_only_the_documented_fields_and_never_the_key() {
    let (api, _) = proxy_in_front(Duration::ZERO).await;
    let http = reqwest::Client::new();
    let (status, headers, body) =
        call(http.get(format!("{api}/v1/online-offers/purchasable/404"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_no_secret("error body", &body);
    assert_no_secret("error headers", &headers);
    assert!(body.contains("\"errorCode\":\"NOT_FOUND\"") && body.contains("\"traceId\":\"t-1\""));
    assert!(!body.contains("internalStack"), "{body}");
    let (status, _, body) = call(http.get(format!("{api}/v1/online-offers/purchasable/500"))).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        !body.contains("stack trace") && body.contains("errorMessage"),
        "{body}"
    );
}

#[tokio::test]
async fn bodies_are_checked_and_rebuilt_before_they_go_upstream() {
    let (api, tenant) = proxy_in_front(Duration::ZERO).await;
    let http = reqwest::Client::new();
    let url = format!("{api}/v1/online-offers/purchase/preview");
    let (status, _, _) = call(
        http.post(&url)
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = call(
        http.post(&url)
            .json(&serde_json::json!({"onlineOfferId": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "customerId is required");
    let (status, _, _) = call(http.post(&url).body(vec![b' '; 64 * 1024])).await;
    assert!(
        status.is_client_error(),
        "an oversized body is refused: {status}"
    );
    assert!(tenant.seen().is_empty());
    let (status, _, _) = call(http.post(&url).json(&serde_json::json!({
        "onlineOfferId": 1, "customerId": 67890, "voucherCode": "SUMMER21", "isAdmin": true
    })))
    .await;
    assert_eq!(status, StatusCode::OK);
    let seen = tenant.seen();
    let sent: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"onlineOfferId": 1, "customerId": 67890, "voucherCode": "SUMMER21"})
    );
    assert_eq!(seen[0].method, Method::POST);
}

#[tokio::test]
async fn catalogue_reads_are_cached_per_language_and_previews_never() {
    let (api, tenant) = proxy_in_front(Duration::from_secs(60)).await;
    let http = reqwest::Client::new();
    let list = format!("{api}/v1/online-offers/purchasable?offset=0&sliceSize=50");
    for language in ["en", "en", "de", "en"] {
        let (status, _, _) = call(http.get(&list).header("Accept-Language", language)).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(tenant.seen().len(), 2, "one upstream read per language");
    let preview = format!("{api}/v1/online-offers/purchase/preview");
    let body = serde_json::json!({"onlineOfferId": 1, "customerId": 2});
    for _ in 0..2 {
        call(http.post(&preview).json(&body)).await;
    }
    assert_eq!(tenant.seen().len(), 4, "previews are never cached");
    // Failures are not cached either.
    for _ in 0..2 {
        call(http.get(format!("{api}/v1/online-offers/purchasable/404"))).await;
    }
    assert_eq!(tenant.seen().len(), 6);
}

#[tokio::test]
async fn concurrent_identical_misses_share_one_upstream_call() {
    let (api, tenant) = proxy_in_front(Duration::from_secs(60)).await;
    let http = reqwest::Client::new();
    let url = format!("{api}/v1/online-offers/purchasable?offset=0");
    let mut visitors = tokio::task::JoinSet::new();
    for _ in 0..8 {
        visitors.spawn(call(http.get(&url)));
    }
    while let Some(answer) = visitors.join_next().await {
        assert_eq!(answer.unwrap().0, StatusCode::OK);
    }
    assert_eq!(tenant.seen().len(), 1);
}

#[tokio::test]
async fn an_unreachable_or_slow_tenant_is_a_clear_gateway_error() {
    let (api, _) = proxy_in_front(Duration::ZERO).await;
    let http = reqwest::Client::new();
    let (status, _, body) = call(http.get(format!("{api}/v1/online-offers/purchasable/9"))).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{body}");
    assert!(body.contains("PROXY_UPSTREAM_TIMEOUT"));

    // Nothing listens on port 9 of loopback.
    let api = proxy_to("http://127.0.0.1:9".into(), Duration::ZERO).await;
    let (status, headers, body) =
        call(http.get(format!("{api}/v1/online-offers/purchasable"))).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert!(body.contains("PROXY_UPSTREAM_UNREACHABLE"));
    assert_no_secret("gateway error", &format!("{headers}{body}"));
}

#[test]
fn the_key_never_shows_in_debug_output() {
    let key = ApiKey::new(SECRET).unwrap();
    assert_no_secret("Debug", &format!("{key:?}"));
    assert!(ApiKey::new("   ").is_none(), "a blank key is no key");
}

/// Every log line the proxy writes, at every level, for as long as the guard lives.
#[derive(Clone, Default)]
struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread, so the subscriber set for this test sees the proxy's and the tenant's tasks.
#[tokio::test(flavor = "current_thread")]
async fn the_key_never_appears_in_a_log_line() {
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (api, _) = proxy_in_front(Duration::from_secs(60)).await;
    let http = reqwest::Client::new();
    for path in [
        "/v1/online-offers/purchasable?offset=0",
        "/v1/online-offers/purchasable/404",
        "/v1/online-offers/purchasable/500",
        "/v1/online-offers/purchasable/9",
        "/v1/customers/1",
    ] {
        call(
            http.get(format!("{api}{path}"))
                .header("X-API-KEY", "visitor"),
        )
        .await;
    }
    let unreachable = proxy_to("http://127.0.0.1:9".into(), Duration::ZERO).await;
    call(http.get(format!("{unreachable}/v1/online-offers/purchasable"))).await;

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("upstream request failed"),
        "the capture works: {text}"
    );
    assert_no_secret("the logs", &text);
}
