//! The mock tenant through the real router, over real HTTP on 127.0.0.1: it must behave as the
//! notes describe the vendor, since the widget's tests and demo stand on it.

use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode};
use perfectgym_offers_core::model::{
    OfferPage, OnlineOffer, PurchasePreview, PurchaseResult, PurchasedOffer, VoucherErrorCode,
};
use perfectgym_offers_core::paging::fetch_all_pages;
use perfectgym_offers_core::{Amount, ApiError};
use perfectgym_offers_proxy::mock::{MockTenant, DEMO_CUSTOMER_ID};
use perfectgym_offers_proxy::{app, ProxyConfig, Tenant};
use serde_json::json;

mod common;
use common::{call, serve};

async fn mock_api() -> (String, Arc<MockTenant>) {
    let mock = Arc::new(MockTenant::new());
    let base = serve(app(ProxyConfig::new(
        "/pg-proxy",
        Tenant::Mock(mock.clone()),
    )))
    .await;
    (format!("{base}/pg-proxy/v1/online-offers"), mock)
}

async fn get<T: serde::de::DeserializeOwned>(url: String) -> T {
    let (status, _, body) = call(reqwest::Client::new().get(&url)).await;
    assert_eq!(status, StatusCode::OK, "{url}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{url}: {e}: {body}"))
}

async fn post(url: String, body: serde_json::Value) -> (StatusCode, String) {
    let (status, _, body) = call(reqwest::Client::new().post(&url).json(&body)).await;
    (status, body)
}

#[tokio::test]
async fn pages_are_capped_and_followed_with_the_returned_cursor() {
    let (api, _) = mock_api().await;
    let first: OfferPage = get(format!("{api}/purchasable?offset=0&sliceSize=10")).await;
    assert_eq!(
        first.result.len(),
        5,
        "the tenant returns fewer than asked for"
    );
    assert!(first.has_next);
    assert!(
        first.result.iter().all(|o| o.restrictions.is_none()),
        "list entries have no restrictions"
    );
    let offers = fetch_all_pages(|offset| {
        let url = format!("{api}/purchasable?offset={offset}&sliceSize=50");
        async move { Ok::<_, ApiError>(get::<OfferPage>(url).await) }
    })
    .await
    .unwrap();
    assert_eq!(offers.len(), 14);
    let categories: std::collections::BTreeSet<_> = offers
        .iter()
        .filter_map(|o| o.category.as_ref().map(|c| c.id))
        .collect();
    assert!(categories.len() >= 4, "{categories:?}");
    let currencies: std::collections::BTreeSet<_> = offers
        .iter()
        .filter_map(|o| o.price.as_ref().map(|p| p.currency.clone()))
        .collect();
    assert!(currencies.len() >= 3, "{currencies:?}");
    let (status, _, body) =
        call(reqwest::Client::new().get(format!("{api}/purchasable?offset=abc"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("errorMessage"));
}

#[tokio::test]
async fn detail_carries_every_restriction_kind() {
    let (api, _) = mock_api().await;
    let mut kinds = std::collections::BTreeSet::new();
    let mut timed = false;
    let mut min_age = false;
    for id in 1001..=1014 {
        let offer: OnlineOffer = get(format!("{api}/purchasable/{id}")).await;
        let restrictions = offer.restrictions.expect("detail has restrictions");
        kinds.insert(
            restrictions
                .studio_access_type
                .unwrap()
                .as_wire()
                .to_owned(),
        );
        timed |= restrictions.time_restrictions.is_some();
        min_age |= restrictions.min_age.is_some();
    }
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert!(timed && min_age);
    let (status, _, body) =
        call(reqwest::Client::new().get(format!("{api}/purchasable/999"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body.contains("\"errorCode\":\"ONLINE_OFFER_NOT_FOUND\""),
        "{body}"
    );
}

async fn preview(api: &str, offer: i64, voucher: Option<&str>) -> PurchasePreview {
    let (status, body) = post(
        format!("{api}/purchase/preview"),
        json!({"onlineOfferId": offer, "customerId": DEMO_CUSTOMER_ID, "voucherCode": voucher}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn vouchers_apply_or_are_rejected_with_a_code() {
    let (api, _) = mock_api().await;
    let plain = preview(&api, 1005, None).await;
    assert_eq!(
        plain.discounted_price.unwrap().amount,
        Amount::from_units(179)
    );
    assert_eq!(plain.voucher_success_message, None);
    let percent = preview(&api, 1005, Some("SUMMER21")).await;
    assert_eq!(
        percent.discounted_price.unwrap().amount,
        "143.2".parse().unwrap()
    );
    assert_eq!(
        percent.discount_value.unwrap().amount,
        "35.8".parse().unwrap()
    );
    assert!(percent.voucher_success_message.is_some());
    let fixed = preview(&api, 1003, Some("tenoff")).await;
    assert_eq!(
        fixed.discounted_price.unwrap().amount,
        Amount::ZERO,
        "never below zero"
    );
    let invalid = preview(&api, 1005, Some("NOPE")).await;
    assert_eq!(
        invalid.voucher_error_code,
        Some(VoucherErrorCode::InvalidCode)
    );
    assert_eq!(
        invalid.discounted_price.unwrap().amount,
        Amount::from_units(179)
    );
    let expired = preview(&api, 1005, Some("WINTER2020")).await;
    assert_eq!(
        expired.voucher_error_code,
        Some(VoucherErrorCode::Unknown("VOUCHER_EXPIRED".into()))
    );
}

#[tokio::test]
async fn purchases_need_payment_unless_free_and_are_remembered() {
    let (api, mock) = mock_api().await;
    let customer = 4242;
    let today = perfectgym_offers_proxy::mock::studio_today();
    let buy = |offer: i64, token: Option<&str>, valid_from: String| {
        post(
            format!("{api}/purchase"),
            json!({"onlineOfferId": offer, "customerId": customer, "validFrom": valid_from,
                   "voucherCode": "SUMMER21", "paymentRequestToken": token}),
        )
    };
    let (status, body) = buy(1001, None, today.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("PAYMENT_REQUIRED"));
    let (status, body) = buy(1001, Some("tok"), today.previous_day().unwrap().to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(mock.purchase_count(customer), 0);

    let (status, body) = buy(1001, Some("tok"), today.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, again) = buy(1005, Some(" tok "), today.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "one token, one purchase");
    assert!(again.contains("PAYMENT_TOKEN_USED"), "{again}");
    let bought: PurchaseResult = serde_json::from_str(&body).unwrap();
    assert_eq!(bought.studio_access_code.len(), 8);
    assert_eq!(
        bought.prices.discounted_price.unwrap().amount,
        Amount::from_units(16)
    );
    let (status, body) = buy(1008, None, today.to_string()).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the free guest pass needs no token: {body}"
    );
    assert_eq!(mock.purchase_count(customer), 2);

    let purchased: Vec<PurchasedOffer> = get(format!("{api}/{customer}/purchased")).await;
    assert_eq!(purchased.len(), 2);
    let first = &purchased[0];
    assert_eq!(
        first.online_offer_purchase_id,
        bought.online_offer_purchase_id
    );
    assert_eq!(first.studio_access_code, bought.studio_access_code);
    assert_eq!(first.voucher_code.as_deref(), Some("SUMMER21"));
    assert_eq!(
        first.valid_from.as_ref().unwrap().date().to_string(),
        today.to_string()
    );
    assert_eq!(
        first.valid_from.as_ref().unwrap().zone(),
        Some("Europe/Berlin")
    );
    let only: Vec<PurchasedOffer> = get(format!("{api}/{customer}/purchased/1008")).await;
    assert_eq!(only.len(), 1);
    assert_ne!(only[0].studio_access_code, first.studio_access_code);
    let nobody: Vec<PurchasedOffer> = get(format!("{api}/777/purchased")).await;
    assert!(nobody.is_empty());
}

#[tokio::test]
async fn the_demo_customer_starts_with_an_expired_purchase() {
    let (api, _) = mock_api().await;
    let purchased: Vec<PurchasedOffer> = get(format!("{api}/{DEMO_CUSTOMER_ID}/purchased")).await;
    assert_eq!(purchased.len(), 1);
    let expiry = purchased[0].expiry_date.as_ref().unwrap();
    assert_eq!(
        expiry.to_string(),
        "2026-01-28T00:00:00+01:00[Europe/Berlin]",
        "two weeks' validity from the 15th: used until the 28th"
    );
}

#[tokio::test]
async fn serves_the_built_widget_beside_the_api() {
    let dir = std::env::temp_dir().join(format!("pg-static-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<perfectgym-offers api-base=\"/pg-proxy\">",
    )
    .unwrap();
    std::fs::write(dir.join("embed.js"), "export {};").unwrap();
    let base = serve(app(ProxyConfig {
        static_dir: Some(dir),
        allowed_origins: vec![HeaderValue::from_static("https://www.gym.example")],
        ..ProxyConfig::new("/pg-proxy", Tenant::Mock(Arc::new(MockTenant::new())))
    }))
    .await;
    let (status, _, body) = call(reqwest::Client::new().get(format!("{base}/"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("perfectgym-offers"));
    // A page on the gym's own site loads the module script from here with CORS.
    let loader = reqwest::Client::new()
        .get(format!("{base}/embed.js"))
        .header("Origin", "https://www.gym.example")
        .send()
        .await
        .unwrap();
    assert_eq!(loader.status(), StatusCode::OK);
    assert_eq!(
        loader.headers().get("access-control-allow-origin").unwrap(),
        "https://www.gym.example"
    );
    let (status, _, _) =
        call(reqwest::Client::new().get(format!("{base}/pg-proxy/v1/online-offers/purchasable")))
            .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn payment_sessions_are_for_positive_web_shop_amounts_only() {
    let (api, _) = mock_api().await;
    let url = api.replace("/v1/online-offers", "/v1/payments/user-session");
    let session_in =
        |currency: Option<&str>, amount: f64, offer: Option<&str>, voucher: Option<&str>| {
            let mut request = reqwest::Client::new()
                .post(&url)
                .json(&json!({"amount": amount, "scope": "ECOM", "customerId": DEMO_CUSTOMER_ID}));
            if let Some(currency) = currency {
                request = request.header("X-Payment-Currency", currency);
            }
            if let Some(offer) = offer {
                request = request.header("X-Online-Offer-Id", offer);
            }
            if let Some(voucher) = voucher {
                request = request.header("X-Voucher-Code", voucher);
            }
            call(request)
        };
    let session = |amount, offer, voucher| session_in(Some("EUR"), amount, offer, voucher);
    // The 10-visit card with SUMMER21 costs 143.20 now: a session for exactly that opens.
    let (status, _, body) = session(143.2, Some("1005"), Some("SUMMER21")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session_answer: perfectgym_offers_core::model::PaymentSession =
        serde_json::from_str(&body).unwrap();
    assert!(session_answer.token.starts_with("mock-session-67890-"));
    assert!(session_answer
        .token_valid_until
        .unwrap()
        .ends_with("[Europe/Berlin]"));
    // Any other amount for it, or an amount without the offer it pays for, is refused; a code
    // that is not a voucher makes the price the plain one.
    for (amount, offer, voucher, expected) in [
        (143.2, Some("1005"), None, StatusCode::CONFLICT),
        (0.01, Some("1005"), Some("SUMMER21"), StatusCode::CONFLICT),
        (179.0, Some("1005"), Some("NOPE"), StatusCode::OK),
        (143.2, None, Some("SUMMER21"), StatusCode::BAD_REQUEST),
        (143.2, Some("abc"), None, StatusCode::BAD_REQUEST),
        (
            143.2,
            Some("1005"),
            Some("X".repeat(41).leak()),
            StatusCode::BAD_REQUEST,
        ),
        (20.0, Some("999999"), None, StatusCode::NOT_FOUND),
    ] {
        let (status, _, body) = session(amount, offer, voucher).await;
        assert_eq!(
            status, expected,
            "{amount} for {offer:?} with {voucher:?}: {body}"
        );
    }
    // The day pass in Zurich costs 35 CHF: 35 EUR is not that price, and an amount without its
    // currency is not a price at all.
    for (currency, expected) in [
        (Some("EUR"), StatusCode::CONFLICT),
        (None, StatusCode::BAD_REQUEST),
        (Some("CHF"), StatusCode::OK),
    ] {
        let (status, _, body) = session_in(currency, 35.0, Some("1011"), None).await;
        assert_eq!(status, expected, "35 {currency:?}: {body}");
    }
    for refused in [
        json!({"amount": 0, "scope": "ECOM", "customerId": 67890}),
        json!({"amount": -5, "scope": "ECOM", "customerId": 67890}),
        json!({"amount": 5, "scope": "POS", "customerId": 67890}),
        json!({"amount": 5, "scope": "ECOM", "customerId": 0}),
        json!({"amount": "lots", "scope": "ECOM", "customerId": 1}),
    ] {
        let (status, body) = post(url.clone(), refused.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}: {body}");
    }
}
