//! The proxy in upstream mode, over real HTTP on 127.0.0.1, in front of a recording fake tenant.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use perfectgym_offers_proxy::upstream::ApiKey;

mod common;
#[path = "common/fake_tenant.rs"]
mod fake_tenant;
use common::call;
use fake_tenant::*;
#[tokio::test]
async fn only_the_online_offer_routes_reach_the_tenant() {
    let (api, tenant) = proxy_in_front(Duration::ZERO).await;
    let http = reqwest::Client::new();
    for (method, path) in [
        (Method::GET, "/v1/customers/67890"),
        (Method::GET, "/v1/online-offers"),
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

/// Sends `request_line` exactly as written (an HTTP client would resolve `..` first) and
/// returns the status line of the answer.
async fn raw_status(base: &str, request_line: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = base.trim_start_matches("http://");
    let address = &address[..address.find('/').unwrap_or(address.len())];
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("{request_line}\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn dot_segments_sent_raw_do_not_escape_the_allowlist() {
    let (api, tenant) = proxy_in_front(Duration::ZERO).await;
    let prefix = "/pg-proxy/v1/online-offers";
    for line in [
        // A client would have made this offer 1's details (200, and a tenant call): a 4xx
        // shows it arrived raw.
        format!("GET {prefix}/purchasable/2/../1 HTTP/1.1"),
        format!("GET {prefix}/purchasable/1/../../../customers/67890 HTTP/1.1"),
        format!("GET {prefix}/purchasable/../../customers/67890 HTTP/1.1"),
        format!("GET {prefix}/purchasable/%2e%2e/%2e%2e/customers/67890 HTTP/1.1"),
        format!("GET {prefix}/67890/purchased/..%2f..%2f..%2fcustomers HTTP/1.1"),
        "GET /pg-proxy/../v1/customers/67890 HTTP/1.1".to_owned(),
    ] {
        let status = raw_status(&api, &line).await;
        assert!(status.starts_with("HTTP/1.1 4"), "{line} answered {status}");
    }
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
    assert_eq!(
        seen[0].headers["accept-language"], "de",
        "the language the widget offers, not what the browser wrote"
    );
    assert!(seen[0].headers.get("cookie").is_none());
    assert_eq!(
        seen[0].uri, "/v1/online-offers/purchasable?offset=0&sliceSize=50",
        "only the documented query parameters go upstream"
    );
}

#[tokio::test]
async fn a_redirect_from_the_tenant_is_not_followed() {
    // The key goes to the configured tenant only, never on to wherever an answer points.
    let (api, tenant) = proxy_in_front(Duration::ZERO).await;
    let (status, headers, body) =
        call(reqwest::Client::new().get(format!("{api}/v1/online-offers/purchasable/302"))).await;
    assert_eq!(status, StatusCode::FOUND, "{body}");
    assert!(body.contains("PROXY_UPSTREAM_ERROR"), "{body}");
    assert!(!headers.contains("location"), "{headers}");
    let paths: Vec<_> = tenant.seen().into_iter().map(|seen| seen.uri).collect();
    assert_eq!(paths, ["/v1/online-offers/purchasable/302"]);
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
async fn purchase_dates_and_voucher_codes_in_bodies_have_the_documented_shape() {
    let (api, tenant) = proxy_in_front(Duration::ZERO).await;
    let http = reqwest::Client::new();
    let purchase = format!("{api}/v1/online-offers/purchase");
    let preview = format!("{api}/v1/online-offers/purchase/preview");
    for valid_from in [
        "2026-02-30",
        "2026-13-01",
        "27.11.2026",
        "2026-11-27T00:00:00Z",
        "+002026-11-27",
        "2026-1-27",
        "",
    ] {
        let body =
            serde_json::json!({"onlineOfferId": 1, "customerId": 2, "validFrom": valid_from});
        let (status, _, body) = call(http.post(&purchase).json(&body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{valid_from:?}: {body}");
    }
    let too_long = "V".repeat(perfectgym_offers_core::checkout::MAX_VOUCHER_LEN + 1);
    for code in [too_long.as_str(), "SUMMER 21", "SÜMMER", "A\u{7}B"] {
        for (url, extra) in [
            (&preview, serde_json::json!({})),
            (&purchase, serde_json::json!({"validFrom": "2026-11-27"})),
        ] {
            let mut body =
                serde_json::json!({"onlineOfferId": 1, "customerId": 2, "voucherCode": code});
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            let (status, _, answer) = call(http.post(url).json(&body)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{url} {code:?}: {answer}");
        }
    }
    assert!(tenant.seen().is_empty(), "{:?}", tenant.seen());
    // The longest code the widget lets a visitor type, and a leap day, go through (trimmed).
    let longest = "V".repeat(perfectgym_offers_core::checkout::MAX_VOUCHER_LEN);
    let body = serde_json::json!({
        "onlineOfferId": 1, "customerId": 2, "validFrom": "2028-02-29", "voucherCode": format!(" {longest} ")
    });
    let (status, _, answer) = call(http.post(&purchase).json(&body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let sent: serde_json::Value = serde_json::from_slice(&tenant.seen()[0].body).unwrap();
    assert_eq!(sent["voucherCode"], longest.as_str());
    assert_eq!(sent["validFrom"], "2028-02-29");
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
    // Failures are not cached, but for "no such offer", briefly.
    for _ in 0..2 {
        call(http.get(format!("{api}/v1/online-offers/purchasable/500"))).await;
    }
    assert_eq!(tenant.seen().len(), 6);
    for _ in 0..2 {
        call(http.get(format!("{api}/v1/online-offers/purchasable/404"))).await;
    }
    assert_eq!(tenant.seen().len(), 7);
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
async fn a_refusing_tenant_gets_a_pause_and_visitors_get_the_last_good_catalogue() {
    for (refusal, code) in [
        (StatusCode::SERVICE_UNAVAILABLE, "503"),
        (StatusCode::TOO_MANY_REQUESTS, "429"),
    ] {
        let (api, tenant, metrics) = proxy_in_front_with_metrics(Duration::from_millis(100)).await;
        let http = reqwest::Client::new();
        let list = format!("{api}/v1/online-offers/purchasable?offset=0");
        let (status, _, fresh) = call(http.get(&list)).await;
        assert_eq!(status, StatusCode::OK);

        tenant.fail_with(Some(refusal));
        tokio::time::sleep(Duration::from_millis(150)).await; // the fresh copy expires
        for _ in 0..5 {
            let (status, headers, body) = call(http.get(&list)).await;
            assert_eq!(status, StatusCode::OK, "after {refusal}: {body}");
            assert_eq!(body, fresh, "the last good answer");
            assert!(headers.contains("max-age"), "{headers}");
        }
        assert_eq!(
            tenant.seen().len(),
            2,
            "after {refusal} the tenant is left alone for a while"
        );
        // A page never fetched has nothing stale: a clear error, and still no call.
        let (status, _, body) =
            call(http.get(format!("{api}/v1/online-offers/purchasable?offset=99"))).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains("PROXY_TENANT_BUSY"), "{body}");
        assert_eq!(tenant.seen().len(), 2);

        let text = metrics.render();
        for line in [
            "perfectgym_tenant_requests_total{endpoint=\"purchasable\",status=\"200\"} 1"
                .to_owned(),
            format!(
                "perfectgym_tenant_requests_total{{endpoint=\"purchasable\",status=\"{code}\"}} 1"
            ),
            "perfectgym_catalogue_answers_total{outcome=\"stale\"} 5".to_owned(),
            "perfectgym_catalogue_answers_total{outcome=\"miss\"} 1".to_owned(),
            // The page never fetched, refused without a call.
            "perfectgym_tenant_pause_refusals_total{endpoint=\"purchasable\"} 1\n".to_owned(),
        ] {
            assert!(text.contains(&line), "missing {line} in\n{text}");
        }
    }
}

/// While the tenant's pause lasts, what the proxy knows fresh is still answered: a known "no such
/// offer" stays a 404 (it has no last good copy), not a refusal.
#[tokio::test]
async fn a_known_missing_offer_stays_missing_during_a_pause() {
    let (api, tenant, metrics) = proxy_in_front_with_metrics(Duration::from_secs(60)).await;
    let http = reqwest::Client::new();
    let missing = format!("{api}/v1/online-offers/purchasable/4001");
    assert_eq!(call(http.get(&missing)).await.0, StatusCode::NOT_FOUND);
    tenant.fail_with(Some(StatusCode::SERVICE_UNAVAILABLE));
    // Another offer's read meets the refusal: the pause is on the offer details endpoint.
    let other = format!("{api}/v1/online-offers/purchasable/4000");
    assert_eq!(
        call(http.get(&other)).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    let calls = tenant.seen().len();
    let (status, _, body) = call(http.get(&missing)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(tenant.seen().len(), calls, "answered from the cache");
    assert!(!metrics
        .render()
        .contains("pause_refusals_total{endpoint=\"purchasable_offer\"} 1"));
}

#[tokio::test]
async fn writes_wait_out_the_pause_a_refusing_tenant_asked_for() {
    for refusal in [
        StatusCode::SERVICE_UNAVAILABLE,
        StatusCode::TOO_MANY_REQUESTS,
    ] {
        let (api, tenant, metrics) = proxy_in_front_with_metrics(Duration::ZERO).await;
        let http = reqwest::Client::new();
        let preview = format!("{api}/v1/online-offers/purchase/preview");
        let body = serde_json::json!({"onlineOfferId": 1, "customerId": 2});
        tenant.fail_with(Some(refusal));
        let (status, _, _) = call(http.post(&preview).json(&body)).await;
        assert_eq!(status, refusal, "the tenant's own refusal is passed on");
        tenant.fail_with(None);
        // Within the pause nothing is sent; the answer says it was refused and for how long.
        let (status, headers, body_text) = call(http.post(&preview).json(&body)).await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "after {refusal}: {body_text}"
        );
        assert!(body_text.contains("PROXY_TENANT_BUSY"), "{body_text}");
        assert!(headers.contains("retry-after"), "{headers}");
        assert_eq!(
            tenant.seen().len(),
            1,
            "after {refusal} the tenant is left alone"
        );
        let refused = "perfectgym_tenant_pause_refusals_total{endpoint=\"purchase_preview\"} 1\n";
        let text = metrics.render();
        assert!(text.contains(refused), "missing {refused} in\n{text}");
    }
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

#[tokio::test]
async fn a_cached_catalogue_answer_keeps_the_etag_of_its_body() {
    let (api, tenant) = proxy_in_front(Duration::from_secs(60)).await;
    let http = reqwest::Client::new();
    let url = format!("{api}/v1/online-offers/purchasable?offset=0");
    let miss = http.get(&url).send().await.unwrap();
    let tag = miss.headers()["etag"].to_str().unwrap().to_owned();
    let body = miss.bytes().await.unwrap();
    assert_eq!(
        tag,
        perfectgym_offers_proxy::http_cache::etag(&body)
            .to_str()
            .unwrap()
    );
    let hit = http.get(&url).send().await.unwrap();
    assert_eq!(hit.headers()["etag"].to_str().unwrap(), tag);
    assert_eq!(hit.bytes().await.unwrap(), body);
    let revalidated = http
        .get(&url)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(tenant.seen().len(), 1, "the hits came from the cache");
}
