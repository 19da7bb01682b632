//! The tenant's budget is the proxy's to protect (the vendor allows 1,000 calls a minute per
//! endpoint for the whole tenant, every visitor and integration together): made-up languages,
//! unknown offers and reading scripts cost the tenant few calls, and never the room previews and
//! purchases need. Over real HTTP, in front of a recording fake tenant.

use std::time::Duration;

use axum::http::StatusCode;
use perfectgym_offers_core::model::VendorErrorBody;
use perfectgym_offers_core::ApiError;
use perfectgym_offers_proxy::budget::Ceiling;
use perfectgym_offers_proxy::{ReadLimit, WriteLimit};
use serde_json::json;

mod common;
#[path = "common/fake_tenant.rs"]
mod fake_tenant;
use common::call;
use fake_tenant::*;

/// Limits no test client reaches, for tests about something else.
const UNLIMITED: ReadLimit = ReadLimit {
    burst: 1_000_000,
    per_minute: 1_000_000,
};

fn calls_to(tenant: &FakeTenant, path_prefix: &str) -> usize {
    tenant
        .seen()
        .iter()
        .filter(|seen| seen.uri.starts_with(path_prefix))
        .count()
}

#[tokio::test]
async fn made_up_languages_cost_the_tenant_one_call() {
    let setup = proxy_configured(|_| {}, |_| {}).await;
    let http = reqwest::Client::new();
    let list = format!("{}/v1/online-offers/purchasable?offset=0", setup.api);
    for n in 0..50 {
        let language = match n % 5 {
            0 => format!("x-klingon-{n}"),
            1 => format!("zz-{n};q=0.9"),
            2 => format!("tlh, qya;q=0.{n}"),
            3 => "*".to_owned(),
            _ => format!("de;q=0, xx-{n}"),
        };
        let (status, _, body) = call(http.get(&list).header("Accept-Language", &language)).await;
        assert_eq!(status, StatusCode::OK, "{language}: {body}");
    }
    let seen = setup.tenant.seen();
    assert_eq!(seen.len(), 1, "50 made-up languages, one page: {seen:?}");
    assert!(
        seen[0].headers.get("accept-language").is_none(),
        "nothing the browser wrote goes upstream"
    );
    // An offered language, however written, is one more page.
    for language in ["de-DE", "de-AT,en;q=0.5", "en;q=0.1, DE_ch"] {
        call(http.get(&list).header("Accept-Language", language)).await;
    }
    assert_eq!(setup.tenant.seen().len(), 2);
    assert_eq!(setup.tenant.seen()[1].headers["accept-language"], "de");
}

#[tokio::test]
async fn reading_unknown_offers_again_costs_nothing_for_a_while() {
    let setup = proxy_configured(|_| {}, |proxy| proxy.read_limit = UNLIMITED).await;
    let http = reqwest::Client::new();
    let mut reads = tokio::task::JoinSet::new();
    for n in 0..1_200 {
        let url = format!(
            "{}/v1/online-offers/purchasable/{}",
            setup.api,
            5000 + n % 10
        );
        let http = http.clone();
        reads.spawn(async move { call(http.get(url)).await });
        if reads.len() >= 16 {
            let (status, headers, _) = reads.join_next().await.unwrap().unwrap();
            assert_eq!(status, StatusCode::NOT_FOUND);
            assert!(headers.contains("no-store"), "{headers}");
        }
    }
    while let Some(answer) = reads.join_next().await {
        assert_eq!(answer.unwrap().0, StatusCode::NOT_FOUND);
    }
    let calls = calls_to(&setup.tenant, "/v1/online-offers/purchasable/");
    assert_eq!(calls, 10, "1,200 reads of 10 unknown offers");
}

#[tokio::test]
async fn one_client_reading_every_offer_id_is_limited() {
    let setup = proxy_configured(|_| {}, |_| {}).await;
    let http = reqwest::Client::new();
    let (mut answered, mut limited) = (0, 0);
    let started = std::time::Instant::now();
    for n in 0..1_200 {
        let url = format!("{}/v1/online-offers/purchasable/{}", setup.api, 5000 + n);
        let (status, headers, body) = call(http.get(url)).await;
        match status {
            StatusCode::NOT_FOUND => answered += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(headers.contains("retry-after"), "{headers}");
                assert!(body.contains("PROXY_RATE_LIMITED"), "{body}");
                limited += 1;
            }
            other => panic!("{other}: {body}"),
        }
    }
    let elapsed = started.elapsed();
    let calls = calls_to(&setup.tenant, "/v1/online-offers/purchasable/");
    println!(
        "1,200 reads of unknown ids by one client in {elapsed:.1?}: {calls} tenant calls, \
         {limited} limited"
    );
    // The burst, and what the client regained meanwhile.
    let limit = ReadLimit::default();
    let allowed = limit.burst as f64 + elapsed.as_secs_f64() * f64::from(limit.per_minute) / 60.0;
    assert!(
        calls as f64 <= allowed + 1.0,
        "{calls} calls for one client's 1,200 reads"
    );
    assert_eq!(answered, calls);
}

#[tokio::test]
async fn a_reading_script_cannot_starve_previews_and_purchases() {
    let ceiling = Ceiling {
        reads_per_minute: 100,
        writes_per_minute: 200,
    };
    let setup = proxy_configured(
        |upstream| upstream.ceiling = ceiling,
        |proxy| {
            // A script spread over many addresses: no per-client limit holds it back.
            proxy.read_limit = UNLIMITED;
            proxy.write_limit = WriteLimit {
                burst: 1_000_000,
                per_minute: 1_000_000,
                trust_forwarded_for: false,
            };
            proxy.unauthenticated_customer_routes = true;
        },
    )
    .await;
    let http = reqwest::Client::new();
    let list = format!("{}/v1/online-offers/purchasable?offset=0", setup.api);
    let (status, _, first) = call(http.get(&list)).await;
    assert_eq!(status, StatusCode::OK);

    // The script: 1,200 reads of offers that do not exist.
    let mut statuses = std::collections::HashMap::<StatusCode, usize>::new();
    for n in 0..1_200 {
        let url = format!("{}/v1/online-offers/purchasable/{}", setup.api, 5000 + n);
        let (status, headers, body) = call(http.get(url)).await;
        if status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(headers.contains("retry-after"), "{headers}");
            assert!(body.contains("PROXY_TENANT_BUSY"), "{body}");
        }
        *statuses.entry(status).or_default() += 1;
    }
    let detail_calls = calls_to(&setup.tenant, "/v1/online-offers/purchasable/");
    assert_eq!(detail_calls, 100, "{statuses:?}");
    assert_eq!(statuses[&StatusCode::SERVICE_UNAVAILABLE], 1_100);
    let metrics = setup.metrics.render();
    let hits = "perfectgym_tenant_ceiling_hits_total{endpoint=\"purchasable_offer\"} 1100";
    assert!(metrics.lines().any(|line| line == hits), "{metrics}");

    // The list is still served, from the cache; previews and purchases have their own room.
    let (status, _, body) = call(http.get(&list)).await;
    assert_eq!((status, body), (StatusCode::OK, first));
    for _ in 0..50 {
        let preview = json!({"onlineOfferId": 1, "customerId": 67890});
        let (status, _, body) = call(
            http.post(format!("{}/v1/online-offers/purchase/preview", setup.api))
                .json(&preview),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let purchase = json!({"onlineOfferId": 1, "customerId": 67890, "validFrom": "2026-11-27"});
        let (status, _, body) = call(
            http.post(format!("{}/v1/online-offers/purchase", setup.api))
                .json(&purchase),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_eq!(calls_to(&setup.tenant, "/v1/online-offers/purchase"), 100);
}

#[tokio::test]
async fn reads_past_the_ceiling_get_the_last_good_answer() {
    let setup = proxy_configured(
        |upstream| {
            upstream.ceiling = Ceiling {
                reads_per_minute: 1,
                writes_per_minute: 1,
            };
            upstream.catalogue.max_age = Duration::from_millis(50);
        },
        |_| {},
    )
    .await;
    let http = reqwest::Client::new();
    let list = format!("{}/v1/online-offers/purchasable?offset=0", setup.api);
    let (_, _, first) = call(http.get(&list)).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, headers, body) = call(http.get(&list)).await;
    assert_eq!((status, body), (StatusCode::OK, first), "{headers}");
    assert_eq!(setup.tenant.seen().len(), 1);
    let metrics = setup.metrics.render();
    for line in [
        "perfectgym_tenant_ceiling_hits_total{endpoint=\"purchasable\"} 1",
        "perfectgym_catalogue_answers_total{outcome=\"stale\"} 1",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in {metrics}");
    }
}

#[tokio::test]
async fn a_purchase_past_the_ceiling_is_refused_never_left_in_doubt() {
    let setup = proxy_configured(
        |upstream| {
            upstream.ceiling = Ceiling {
                reads_per_minute: 10,
                writes_per_minute: 1,
            };
        },
        |proxy| proxy.unauthenticated_customer_routes = true,
    )
    .await;
    let http = reqwest::Client::new();
    let purchase = json!({"onlineOfferId": 1, "customerId": 67890, "validFrom": "2026-11-27"});
    let url = format!("{}/v1/online-offers/purchase", setup.api);
    let (status, _, _) = call(http.post(&url).json(&purchase)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, headers, body) = call(http.post(&url).json(&purchase)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(headers.contains("retry-after"), "{headers}");
    assert_eq!(calls_to(&setup.tenant, "/v1/online-offers/purchase"), 1);
    // What the widget concludes from it: refused, so it says so and nothing needs checking.
    let body: VendorErrorBody = serde_json::from_str(&body).unwrap();
    assert_eq!(body.error_code.as_deref(), Some("PROXY_TENANT_BUSY"));
    assert!(ApiError::from_status(429, Some(body)).proves_write_refused());
}
