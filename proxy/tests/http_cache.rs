//! What HTTP caches in front of the proxy are told, over real HTTP on 127.0.0.1: the catalogue is
//! public, briefly fresh and revalidated by ETag per language; everything else is never stored.

use std::sync::Arc;

use axum::http::StatusCode;
use perfectgym_offers_proxy::metrics::{self, Metrics};
use perfectgym_offers_proxy::mock::{MockTenant, DEMO_CUSTOMER_ID};
use perfectgym_offers_proxy::{app, ProxyConfig, Tenant};
use reqwest::header::{
    HeaderMap, ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
    VARY,
};
use serde_json::json;

mod common;
use common::{call, serve};

async fn mock_proxy(metrics: Metrics, static_dir: Option<std::path::PathBuf>) -> String {
    serve(app(ProxyConfig {
        metrics,
        static_dir,
        ..ProxyConfig::new("/pg-proxy", Tenant::Mock(Arc::new(MockTenant::new())))
    }))
    .await
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> &str {
    headers
        .get(&name)
        .map_or("", |value| value.to_str().unwrap_or("<binary>"))
}

#[tokio::test]
async fn catalogue_reads_are_public_briefly_fresh_and_revalidated_per_language() {
    let base = mock_proxy(Metrics::new(), None).await;
    let http = reqwest::Client::new();
    for path in [
        "/pg-proxy/v1/online-offers/purchasable?offset=0&sliceSize=10",
        "/pg-proxy/v1/online-offers/purchasable/1003",
    ] {
        let url = format!("{base}{path}");
        let first = http.get(&url).send().await.unwrap();
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        let headers = first.headers().clone();
        let body = first.text().await.unwrap();
        assert_eq!(
            header(&headers, CACHE_CONTROL),
            "public, max-age=30, stale-while-revalidate=300, stale-if-error=300"
        );
        assert_eq!(header(&headers, VARY), "Accept-Language");
        let etag = header(&headers, ETAG).to_owned();
        assert!(
            etag.starts_with('"') && etag.len() == 34,
            "a strong tag: {etag}"
        );

        let again = http
            .get(&url)
            .header(IF_NONE_MATCH, &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(header(again.headers(), ETAG), etag);
        assert_eq!(
            header(again.headers(), CACHE_CONTROL),
            header(&headers, CACHE_CONTROL)
        );
        assert!(again.text().await.unwrap().is_empty());

        let changed = http
            .get(&url)
            .header(IF_NONE_MATCH, "\"an-older-version\"")
            .send()
            .await
            .unwrap();
        assert_eq!(changed.status(), StatusCode::OK);
        assert_eq!(changed.text().await.unwrap(), body);
    }
}

#[tokio::test]
async fn previews_purchases_customer_data_and_errors_are_never_stored() {
    let base = mock_proxy(Metrics::new(), None).await;
    let api = format!("{base}/pg-proxy/v1");
    let http = reqwest::Client::new();
    let answers = [
        http.post(format!("{api}/online-offers/purchase/preview"))
            .json(&json!({"onlineOfferId": 1003, "customerId": DEMO_CUSTOMER_ID})),
        http.post(format!("{api}/online-offers/purchase"))
            .json(&json!({"onlineOfferId": 1003, "customerId": DEMO_CUSTOMER_ID})),
        http.get(format!("{api}/online-offers/{DEMO_CUSTOMER_ID}/purchased")),
        http.get(format!("{api}/online-offers/purchasable/999999")),
        http.get(format!("{api}/online-offers/purchasable?sliceSize=5000")),
    ];
    for request in answers {
        let response = request.send().await.unwrap();
        let what = format!("{} {}", response.url(), response.status());
        assert_eq!(
            header(response.headers(), CACHE_CONTROL),
            "no-store",
            "{what}"
        );
        assert!(response.headers().get(ETAG).is_none(), "{what}");
    }
}

#[tokio::test]
async fn hashed_widget_files_are_immutable_and_the_loader_is_revalidated() {
    let dir = std::env::temp_dir().join(format!("pgo-static-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in [
        "embed.js",
        "index.html",
        "perfectgym-offers-0123456789abcdef_bg.wasm",
        "perfectgym-offers-0123456789abcdef.js",
    ] {
        std::fs::write(dir.join(name), name).unwrap();
    }
    let base = mock_proxy(Metrics::new(), Some(dir)).await;
    let http = reqwest::Client::new();
    for (path, expected) in [
        ("/embed.js", "no-cache"),
        ("/", "no-cache"),
        (
            "/perfectgym-offers-0123456789abcdef_bg.wasm",
            "public, max-age=31536000, immutable",
        ),
        (
            "/perfectgym-offers-0123456789abcdef.js",
            "public, max-age=31536000, immutable",
        ),
        // A missing file is an error: never stored, even under a hashed name.
        ("/perfectgym-offers-fedcba9876543210.js", "no-store"),
    ] {
        let response = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(
            header(response.headers(), CACHE_CONTROL),
            expected,
            "{path}"
        );
    }
}

#[tokio::test]
async fn widget_files_go_out_precompressed_by_accept_encoding_with_their_own_type() {
    let dir = std::env::temp_dir().join(format!("pgo-precompressed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wasm = "perfectgym-offers-0123456789abcdef_bg.wasm";
    for name in ["embed.js", wasm] {
        // Stand-ins: the proxy picks a file by name and never looks inside.
        std::fs::write(dir.join(name), format!("{name} raw")).unwrap();
        std::fs::write(dir.join(format!("{name}.gz")), format!("{name} gzip")).unwrap();
        std::fs::write(dir.join(format!("{name}.br")), format!("{name} brotli")).unwrap();
    }
    let base = mock_proxy(Metrics::new(), Some(dir)).await;
    let http = reqwest::Client::new();
    for (name, content_type) in [("embed.js", "text/javascript"), (wasm, "application/wasm")] {
        for (accepted, encoding, body) in [
            ("gzip, deflate, br, zstd", "br", "brotli"),
            ("gzip", "gzip", "gzip"),
            ("identity", "", "raw"),
        ] {
            let response = http
                .get(format!("{base}/{name}"))
                .header(ACCEPT_ENCODING, accepted)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{name} {accepted}");
            let headers = response.headers().clone();
            assert_eq!(
                header(&headers, CONTENT_ENCODING),
                encoding,
                "{name} {accepted}"
            );
            assert_eq!(
                header(&headers, CONTENT_TYPE),
                content_type,
                "{name} {accepted}"
            );
            assert_eq!(
                header(&headers, VARY),
                "Accept-Encoding",
                "{name} {accepted}"
            );
            assert!(
                !header(&headers, CACHE_CONTROL).is_empty(),
                "{name} {accepted}"
            );
            assert_eq!(response.text().await.unwrap(), format!("{name} {body}"));
        }
    }
}

#[tokio::test]
async fn metrics_count_what_reached_the_tenant_per_endpoint() {
    let metrics = Metrics::new();
    let base = mock_proxy(metrics.clone(), None).await;
    let http = reqwest::Client::new();
    for _ in 0..3 {
        call(http.get(format!("{base}/pg-proxy/v1/online-offers/purchasable"))).await;
    }
    call(http.get(format!(
        "{base}/pg-proxy/v1/online-offers/purchasable/999999"
    )))
    .await;
    let (status, _, _) = call(http.get(format!("{base}/metrics"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "never beside the public API");
    let operator = serve(metrics::router(metrics)).await;
    let response = http
        .get(format!("{operator}/metrics"))
        .send()
        .await
        .unwrap();
    assert!(header(response.headers(), reqwest::header::CONTENT_TYPE).contains("openmetrics"));
    let text = response.text().await.unwrap();
    for line in [
        "# TYPE perfectgym_tenant_requests counter",
        "perfectgym_tenant_requests_total{endpoint=\"purchasable\",status=\"200\"} 3",
        "perfectgym_tenant_requests_total{endpoint=\"purchasable_offer\",status=\"404\"} 1",
        "perfectgym_tenant_requests_last_minute{endpoint=\"purchasable\"} 3",
        "perfectgym_tenant_requests_last_minute{endpoint=\"purchasable_offer\"} 1",
        // Every endpoint is listed from the start, before its first call.
        "perfectgym_tenant_requests_last_minute{endpoint=\"payment_session\"} 0",
    ] {
        assert!(text.contains(line), "missing {line} in\n{text}");
    }
}
