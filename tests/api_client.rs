//! The real API client against a scripted `fetch`, in a real browser: paging, the vendor's paths,
//! and every failure class.

use perfectgym_offers::api::ApiClient;
use perfectgym_offers::core::error::RetryPolicy;
use perfectgym_offers::core::model::{
    PageOffset, PurchasePreviewRequest, PurchaseRequest, VendorErrorBody, VoucherErrorCode,
};
use perfectgym_offers::core::ApiError;
use perfectgym_offers::locale::english;
use wasm_bindgen_test::*;

mod support;
use support::{load_locale, offer_page, Fetch};

wasm_bindgen_test_configure!(run_in_browser);

const LIST: &str = "/v1/online-offers/purchasable?";

/// A client whose retries do not slow the suite down.
fn client(language: &str) -> ApiClient {
    ApiClient::new("/pg-proxy", language).with_retry(RetryPolicy {
        attempts: 3,
        first_delay_ms: 5,
        max_delay_ms: 20,
    })
}

#[wasm_bindgen_test]
async fn lists_every_page_by_sending_back_the_returned_offset() {
    Fetch::reset();
    Fetch::respond(
        "offset=0&",
        200,
        &offer_page(&[(1, "Day", "20"), (2, "Week", "49.9")], Some("c-2")),
    );
    Fetch::respond(
        "offset=c-2&",
        200,
        &offer_page(&[(3, "Card", "179")], Some("c-3")),
    );
    Fetch::respond(
        "offset=c-3&",
        200,
        &offer_page(&[(4, "Pass", "1299")], None),
    );
    let offers = client("de-CH").all_purchasable(|_| {}).await.unwrap();
    let names: Vec<&str> = offers.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Day", "Week", "Card", "Pass"]);
    let requests = Fetch::requests();
    let paths: Vec<String> = requests.iter().map(|r| r.path()).collect();
    assert_eq!(
        paths,
        [
            "/pg-proxy/v1/online-offers/purchasable?offset=0&sliceSize=100",
            "/pg-proxy/v1/online-offers/purchasable?offset=c-2&sliceSize=100",
            "/pg-proxy/v1/online-offers/purchasable?offset=c-3&sliceSize=100",
        ]
    );
    assert!(requests
        .iter()
        .all(|r| r.method == "GET" && r.accept_language.as_deref() == Some("de-CH")));
}

#[wasm_bindgen_test]
async fn any_base_path_is_kept_and_a_trailing_slash_dropped() {
    Fetch::reset();
    Fetch::respond(
        "/purchasable/12345",
        200,
        include_str!("../fixtures/offer-detail.json"),
    );
    let offer = ApiClient::new("/studio/api/pg-proxy/", "en")
        .offer_detail(12345)
        .await
        .unwrap();
    assert_eq!(offer.restrictions.unwrap().min_age, Some(18));
    assert_eq!(
        Fetch::requests()[0].path(),
        "/studio/api/pg-proxy/v1/online-offers/purchasable/12345"
    );
}

#[wasm_bindgen_test]
async fn a_read_is_retried_after_a_5xx_and_succeeds() {
    Fetch::reset();
    Fetch::respond_once(LIST, 503, r#"{"errorMessage":"Database busy"}"#);
    Fetch::respond(LIST, 200, include_str!("../fixtures/purchasable-page.json"));
    let page = client("en")
        .purchasable_page(&PageOffset::first(), 50)
        .await
        .unwrap();
    assert_eq!(page.result[0].name, "Day Ticket Adult");
    assert_eq!(Fetch::requests().len(), 2);
}

#[wasm_bindgen_test]
async fn a_read_that_keeps_failing_on_the_network_gives_up_after_three_tries() {
    Fetch::reset();
    Fetch::network_error(LIST, -1);
    let error = client("en")
        .purchasable_page(&PageOffset::first(), 50)
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Network { .. }), "{error:?}");
    assert_eq!(Fetch::requests().len(), 3);
    assert_eq!(
        error.user_message(english()),
        "We could not reach the gym's booking service. Check your connection and try again."
    );
}

#[wasm_bindgen_test]
async fn posts_are_never_retried() {
    Fetch::reset();
    Fetch::respond("/purchase/preview", 503, r#"{"errorMessage":"busy"}"#);
    let request = PurchasePreviewRequest {
        online_offer_id: 1,
        customer_id: 2,
        voucher_code: None,
    };
    let error = client("en").preview(&request).await.unwrap_err();
    assert_eq!(
        error,
        ApiError::Http {
            status: 503,
            body: Some(VendorErrorBody {
                error_message: "busy".into(),
                ..VendorErrorBody::default()
            })
        }
    );
    assert_eq!(Fetch::requests().len(), 1, "a POST goes out once");
    Fetch::reset();
    Fetch::network_error("/purchase/preview", -1);
    let error = client("en").preview(&request).await.unwrap_err();
    assert!(matches!(error, ApiError::Network { .. }));
    assert_eq!(Fetch::requests().len(), 1, "a POST goes out once");
}

#[wasm_bindgen_test]
async fn a_preview_sends_the_vendors_body_and_reads_the_answer() {
    Fetch::reset();
    Fetch::respond(
        "/purchase/preview",
        200,
        include_str!("../fixtures/preview-response.json"),
    );
    let request = PurchasePreviewRequest {
        online_offer_id: 12345,
        customer_id: 67890,
        voucher_code: Some("SUMMER21".into()),
    };
    let preview = client("en").preview(&request).await.unwrap();
    assert_eq!(
        preview.voucher_error_code,
        Some(VoucherErrorCode::InvalidCode)
    );
    let seen = &Fetch::requests()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path(), "/pg-proxy/v1/online-offers/purchase/preview");
    assert_eq!(seen.content_type.as_deref(), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(seen.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"onlineOfferId": 12345, "customerId": 67890, "voucherCode": "SUMMER21"})
    );
}

#[wasm_bindgen_test]
async fn a_silent_server_times_out_and_the_request_is_aborted() {
    Fetch::reset();
    Fetch::hang(LIST);
    let error = client("en")
        .with_timeout_ms(50)
        .purchasable_page(&PageOffset::first(), 50)
        .await
        .unwrap_err();
    assert_eq!(error, ApiError::Timeout { after_ms: 50 });
    let requests = Fetch::requests();
    assert_eq!(requests.len(), 1, "a timeout is not retried");
    assert!(requests[0].aborted, "the hanging request is aborted");
}

#[wasm_bindgen_test]
async fn http_errors_carry_the_vendors_error_body() {
    Fetch::reset();
    Fetch::respond(
        "/purchasable/999",
        404,
        include_str!("../fixtures/error-body.json"),
    );
    let error = client("de-CH").offer_detail(999).await.unwrap_err();
    let ApiError::Http {
        status: 404,
        body: Some(body),
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(body.error_code.as_deref(), Some("ENTITY_NOT_FOUND"));
    assert_eq!(body.trace_id.as_deref(), Some("5f0c1a2b3c4d"));
    assert!(error.to_string().contains("traceId 5f0c1a2b3c4d"));
    assert_eq!(
        error.user_message(load_locale("de-CH").await),
        "Dieses Angebot ist nicht mehr verfügbar."
    );
    assert_eq!(
        Fetch::requests_to("/purchasable/999").len(),
        1,
        "a 4xx is not retried"
    );
}

#[wasm_bindgen_test]
async fn rate_limiting_is_its_own_error_and_not_retried() {
    Fetch::reset();
    Fetch::respond(
        LIST,
        429,
        r#"{"errorMessage":"Too many requests","errorCode":"RATE_LIMIT"}"#,
    );
    let error = client("en")
        .purchasable_page(&PageOffset::first(), 50)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ApiError::RateLimited { body: Some(_) }),
        "{error:?}"
    );
    assert_eq!(Fetch::requests().len(), 1);
}

#[wasm_bindgen_test]
async fn undecodable_answers_are_decode_errors() {
    for body in ["<html>Bad gateway</html>", r#"{"result": "nope"}"#, ""] {
        Fetch::reset();
        Fetch::respond(LIST, 200, body);
        let error = client("en")
            .purchasable_page(&PageOffset::first(), 50)
            .await
            .unwrap_err();
        assert!(
            matches!(error, ApiError::Decode { .. }),
            "{body}: {error:?}"
        );
    }
    // One offer that cannot be read is left out and named, not the whole page.
    Fetch::reset();
    Fetch::respond(
        LIST,
        200,
        r#"{"result": [{"name": "no id"}, {"onlineOfferId": 7, "name": null}], "hasNext": null}"#,
    );
    let page = client("en")
        .purchasable_page(&PageOffset::first(), 50)
        .await
        .unwrap();
    assert_eq!(page.result.len(), 1);
    assert_eq!(page.result[0].online_offer_id, 7);
    assert_eq!(page.result.unreadable.len(), 1);
    assert!(
        page.result.unreadable[0].contains("item 0 left out")
            && page.result.unreadable[0].contains("onlineOfferId"),
        "{:?}",
        page.result.unreadable
    );
    // An error status whose body is not the vendor's shape still is an HTTP error.
    Fetch::reset();
    Fetch::respond(LIST, 400, "<html>nginx</html>");
    let error = client("en")
        .purchasable_page(&PageOffset::first(), 50)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ApiError::Http {
            status: 400,
            body: None
        }
    );
}

/// A number where another type belongs is named in the item's cause, not printed: printing a
/// float would link Rust's float formatting into the wasm (`core::wire`).
#[wasm_bindgen_test]
async fn a_misplaced_number_is_named_in_the_cause() {
    Fetch::reset();
    Fetch::respond(
        LIST,
        200,
        r#"{"result": [{"onlineOfferId": 7, "name": 19.5}, {"onlineOfferId": 7.5, "name": "Gym"},
            {"onlineOfferId": 8, "name": "Day Ticket"}], "hasNext": false}"#,
    );
    let page = client("en")
        .purchasable_page(&PageOffset::first(), 50)
        .await
        .unwrap();
    assert_eq!(page.result.len(), 1);
    assert_eq!(
        page.result.unreadable,
        [
            "item 0 left out: invalid type: a number, expected a string",
            "item 1 left out: invalid type: a number, expected i64",
        ]
    );
}

#[wasm_bindgen_test]
async fn a_huge_body_is_refused_before_parsing() {
    Fetch::reset();
    let huge = format!(
        r#"{{"result":[],"hasNext":false,"padding":"{}"}}"#,
        "x".repeat(3 * 1024 * 1024)
    );
    Fetch::respond(LIST, 200, &huge);
    let error = client("en")
        .purchasable_page(&PageOffset::first(), 50)
        .await
        .unwrap_err();
    let ApiError::Decode { cause } = &error else {
        panic!("{error:?}");
    };
    assert!(cause.contains("over the limit"), "{cause}");
}

#[wasm_bindgen_test]
async fn purchased_offers_are_a_bare_array() {
    Fetch::reset();
    Fetch::respond(
        "/67890/purchased",
        200,
        include_str!("../fixtures/purchased-list.json"),
    );
    let purchased = client("en").purchased(67890).await.unwrap();
    assert_eq!(purchased[0].studio_access_code, "ABC123XYZ");
    assert_eq!(
        Fetch::requests()[0].path(),
        "/pg-proxy/v1/online-offers/67890/purchased"
    );
}

/// The purchase's prices and the purchased offer's own fields sit beside the others on the wire;
/// a tenant's own `prices` or `offer` key (here null, or something else) changes nothing.
#[wasm_bindgen_test]
async fn parts_beside_the_purchase_are_read_whatever_else_the_answer_carries() {
    Fetch::reset();
    Fetch::respond(
        "/v1/online-offers/purchase",
        200,
        r#"{"onlineOfferPurchaseId":7,"studioAccessCode":"K7","prices":null,"offer":{"a":1},
            "price":{"amount":20,"currency":"EUR"},"discountedPrice":{"amount":16,"currency":"EUR"}}"#,
    );
    Fetch::respond(
        "/67890/purchased",
        200,
        r#"[{"onlineOfferPurchaseId":8,"studioAccessCode":"K8","offer":null,"prices":[],
             "onlineOfferId":3,"name":"Day Ticket Adult"}]"#,
    );
    let request = PurchaseRequest {
        online_offer_id: 3,
        customer_id: 67890,
        valid_from: "2026-12-01".to_owned(),
        voucher_code: None,
        payment_request_token: None,
    };
    let result = client("en").purchase(&request).await.unwrap();
    assert_eq!(result.online_offer_purchase_id, 7);
    assert_eq!(
        result.prices.discounted_price.map(|m| m.amount.to_string()),
        Some("16".to_owned())
    );
    let purchased = client("en").purchased(67890).await.unwrap();
    assert_eq!(purchased.unreadable, Vec::<String>::new());
    assert_eq!(purchased[0].offer.name, "Day Ticket Adult");
    assert_eq!(purchased[0].offer.online_offer_id, 3);
}

/// A value the browser cannot send as a header (a token pasted with a zero-width space, a line
/// break) is a configuration error, not an exception thrown through the wasm; nothing is sent.
#[wasm_bindgen_test]
async fn a_header_the_browser_cannot_send_is_a_configuration_error() {
    Fetch::reset();
    Fetch::respond(LIST, 200, &offer_page(&[(1, "Day", "20")], None));
    for token in ["67890.1.c0ffee\u{200b}", "67890.1\r\nX-Other: 1"] {
        let error = client("en")
            .with_customer_token(Some(token.to_owned()))
            .all_purchasable(|_| {})
            .await
            .unwrap_err();
        assert!(
            matches!(&error, ApiError::Config { cause } if cause.contains("X-Customer-Token")),
            "{error}"
        );
    }
    assert!(Fetch::requests().is_empty());
}
