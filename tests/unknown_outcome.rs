//! A purchase whose answer is lost is never retried blindly: the widget looks for it among the
//! customer's purchases first, shows its receipt when it went through, and only otherwise lets
//! the visitor try again.

use wasm_bindgen_test::*;

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

const PURCHASED: &str = "/v1/online-offers/67890/purchased/12345";

/// The customer's purchase of offer 12345 that the dropped request made.
fn the_new_purchase() -> String {
    let now = js_sys::Date::new_0();
    let today = format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    );
    format!(
        r#"[{{"onlineOfferId":12345,"name":"Day Ticket Adult","price":{{"amount":20,"currency":"EUR"}},
            "onlineOfferPurchaseId":555001,"studioAccessCode":"RECOVERD",
            "purchaseDate":"{today}T10:00:00+01:00[Europe/Berlin]",
            "validFrom":"{today}T00:00:00+01:00[Europe/Berlin]",
            "discountedPrice":{{"amount":0,"currency":"EUR"}}}}]"#
    )
}

/// A free offer (no payment step), whose purchase request gets no answer; `purchased` scripts
/// what the customer's purchases of the offer answer.
async fn buy_and_lose_the_answer(purchased: impl Fn()) -> MountedWidget {
    script_two_offers();
    purchased();
    Fetch::respond(
        "/purchase/preview",
        200,
        r#"{"price":{"amount":0,"currency":"EUR"},"discountedPrice":{"amount":0,"currency":"EUR"}}"#,
    );
    Fetch::network_error("/v1/online-offers/purchase", -1);
    let widget = mount_and_choose_first(
        &[("api-base", "/pg-proxy"), ("customer-id", "67890")],
        "€0.00",
    )
    .await;
    click(&widget.query(".pgo-buy").unwrap());
    widget
}

fn purchase_posts() -> usize {
    Fetch::requests_to("/v1/online-offers/purchase")
        .iter()
        .filter(|r| r.method == "POST" && !r.url.contains("preview"))
        .count()
}

#[wasm_bindgen_test]
async fn a_purchase_that_went_through_shows_its_receipt() {
    let widget = buy_and_lose_the_answer(|| {
        // Before the purchase: nothing; afterwards: the purchase the lost request made.
        Fetch::respond_once(PURCHASED, 200, "[]");
        Fetch::respond(PURCHASED, 200, &the_new_purchase());
    })
    .await;
    wait_until("the recovered receipt", 3_000.0, || {
        widget.query(".pgo-receipt").is_some()
    })
    .await;
    assert_eq!(widget.text(".pgo-code"), "RECOVERD");
    assert!(widget.text(".pgo-receipt__facts").contains("555001"));
    assert_eq!(purchase_posts(), 1, "the purchase was sent once");
    assert!(events()
        .iter()
        .any(|e| e.name == "purchase-completed" && e.detail.contains("555001")));
}

#[wasm_bindgen_test]
async fn a_purchase_that_did_not_go_through_can_be_tried_again() {
    let widget = buy_and_lose_the_answer(|| Fetch::respond(PURCHASED, 200, "[]")).await;
    wait_until("the failure", 3_000.0, || {
        widget
            .text(".pgo-notice--problem")
            .contains("did not go through")
    })
    .await;
    assert_eq!(purchase_posts(), 1);
    let buy = widget.query(".pgo-buy").unwrap();
    assert!(
        !buy.has_attribute("disabled"),
        "now the visitor may try again"
    );
    Fetch::respond(
        "/v1/online-offers/purchase",
        200,
        include_str!("../fixtures/purchase-response.json"),
    );
    // Routes are matched in order: drop the network failure by scripting afresh.
    Fetch::reset();
    Fetch::respond(PURCHASED, 200, "[]");
    Fetch::respond(
        "/v1/online-offers/purchase",
        200,
        include_str!("../fixtures/purchase-response.json"),
    );
    click(&buy);
    wait_until("the receipt", 3_000.0, || {
        widget.query(".pgo-receipt").is_some()
    })
    .await;
    assert_eq!(widget.text(".pgo-code"), "PTKXPMUO");
}

#[wasm_bindgen_test]
async fn when_the_check_fails_too_the_visitor_is_told_to_look_first() {
    let widget = buy_and_lose_the_answer(|| Fetch::network_error(PURCHASED, -1)).await;
    wait_until("the warning", 5_000.0, || {
        widget
            .text(".pgo-notice--problem")
            .contains("could not confirm")
    })
    .await;
    assert!(widget.text(".pgo-notice--problem").contains("My offers"));
    assert_eq!(purchase_posts(), 1);
}
