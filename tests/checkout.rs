//! A visitor's checkout in a real browser against a scripted `fetch`: choose with the keyboard,
//! see the server's price, try vouchers, pick a start date, pay through the host's provider, get
//! the receipt; and "my offers".

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

const PREVIEW: &str = "/purchase/preview";
const PURCHASE: &str = "/v1/online-offers/purchase";

fn preview_body(price: &str, to_pay: &str, extra: &str) -> String {
    let discount = price.parse::<f64>().unwrap() - to_pay.parse::<f64>().unwrap();
    format!(
        r#"{{"price":{{"amount":{price},"currency":"EUR"}},"discountedPrice":{{"amount":{to_pay},"currency":"EUR"}},
            "discountValue":{{"amount":{discount},"currency":"EUR"}}{extra}}}"#
    )
}

const RECEIPT: &str = r#"{"onlineOfferPurchaseId":100002,"studioAccessCode":"PTKXPMUO",
    "price":{"amount":20,"currency":"EUR"},"discountedPrice":{"amount":16,"currency":"EUR"},
    "discountValue":{"amount":4,"currency":"EUR"}}"#;

async fn widget_with_offers(attributes: &[(&str, &str)]) -> MountedWidget {
    let widget = mount_widget(attributes);
    record_events(&widget.root);
    wait_until("the offers", 3_000.0, || {
        widget.query_all("[role=radio]").len() == 2
    })
    .await;
    widget
}

#[wasm_bindgen_test]
async fn choose_with_the_keyboard_and_see_details_and_the_servers_price() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, &preview_body("20", "20", ""));
    let widget = widget_with_offers(&[
        ("api-base", "/pg-proxy"),
        ("customer-id", "67890"),
        ("customer-token", "67890.1800000000.c0ffee"),
    ])
    .await;
    let options = widget.query_all("[role=radio]");
    assert_eq!(
        options[0].get_attribute("tabindex").as_deref(),
        Some("0"),
        "one tab stop"
    );
    assert_eq!(options[1].get_attribute("tabindex").as_deref(), Some("-1"));
    options[0]
        .unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .unwrap();
    press(&options[0], "ArrowRight");
    let active = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .unwrap();
    assert_eq!(
        active.get_attribute("data-offer-id").as_deref(),
        Some("2"),
        "arrows move focus"
    );
    press(&active, "ArrowLeft");
    press(&options[0], "Enter");
    wait_until("the details", 3_000.0, || {
        widget.text(".pgo-panel__facts").contains("From age 18")
    })
    .await;
    assert_eq!(
        options[0].get_attribute("aria-checked").as_deref(),
        Some("true")
    );
    let facts = widget.text(".pgo-panel__facts");
    for expected in [
        "All studios",
        "Only during certain opening hours",
        "Payment: Online payment",
    ] {
        assert!(
            facts.contains(expected),
            "{expected:?} missing from {facts:?}"
        );
    }
    wait_until("the server's price", 3_000.0, || {
        widget.text(".pgo-price").contains("€20.00")
    })
    .await;
    assert_eq!(
        widget
            .query(".pgo-price")
            .unwrap()
            .get_attribute("aria-live")
            .as_deref(),
        Some("polite")
    );
    let previews = Fetch::requests_to(PREVIEW);
    assert_eq!(previews.len(), 1);
    assert_eq!(
        previews[0].body.as_deref(),
        Some(r#"{"onlineOfferId":12345,"customerId":67890}"#)
    );
    assert!(
        Fetch::requests()
            .iter()
            .all(|r| r.customer_token.as_deref() == Some("67890.1800000000.c0ffee")),
        "the customer token goes with every request to the proxy"
    );
    let selected: Vec<_> = events()
        .into_iter()
        .filter(|e| e.name == "offer-selected")
        .collect();
    assert_eq!(selected.len(), 1);
    assert_eq!(
        selected[0].detail,
        r#"{"offerId":12345,"name":"Day Ticket Adult"}"#
    );
    assert!(selected[0].bubbles && selected[0].composed);
}

async fn choose_first(widget: &MountedWidget) {
    click(&widget.query_all("[role=radio]")[0]);
    wait_until("the price", 3_000.0, || {
        widget.query(".pgo-price__total").is_some()
    })
    .await;
}

/// Presses Buy and waits for the receipt.
async fn buy_until_the_receipt(widget: &MountedWidget) {
    click(&widget.query(".pgo-buy").unwrap());
    wait_until_the_receipt(widget).await;
}

async fn wait_until_the_receipt(widget: &MountedWidget) {
    wait_until("the receipt", 5_000.0, || {
        widget.query(".pgo-receipt").is_some()
    })
    .await;
}

/// The purchase request sent (previews aside).
fn the_purchase() -> SeenRequest {
    Fetch::requests_to(PURCHASE)
        .into_iter()
        .find(|r| !r.url.contains("preview"))
        .expect("a purchase request")
}

/// Types `code` into the voucher field and waits until it is explained as not valid.
async fn voucher_shows_as_not_valid(widget: &MountedWidget, code: &str) {
    type_into(&widget.query("input[type=text]").unwrap(), code);
    wait_until("the rejection", 3_000.0, || {
        widget.query(".pgo-voucher--rejected").is_some()
    })
    .await;
    assert_eq!(
        widget.text(".pgo-voucher--rejected"),
        "This voucher code is not valid."
    );
}

/// Waits until the price to pay shows `price`.
async fn price_shows(widget: &MountedWidget, price: &str) {
    wait_until(price, 3_000.0, || {
        widget.text(".pgo-price__total").contains(price)
    })
    .await;
}

#[wasm_bindgen_test]
async fn typing_a_voucher_previews_once_after_a_pause_and_shows_the_discount() {
    script_two_offers();
    Fetch::respond_to_body(
        PREVIEW,
        "SUMMER21",
        0,
        200,
        &preview_body(
            "20",
            "16",
            r#","voucherSuccessMessage":"Summer deal applied""#,
        ),
    );
    Fetch::respond(PREVIEW, 200, &preview_body("20", "20", ""));
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    choose_first(&widget).await;
    let input = widget.query("input[type=text]").unwrap();
    for typed in ["S", "SUM", "SUMMER", "SUMMER21"] {
        type_into(&input, typed);
    }
    price_shows(&widget, "€16.00").await;
    assert!(widget.text(".pgo-price__original").contains("€20.00"));
    assert!(widget.text(".pgo-price__discount").contains("−€4.00"));
    assert_eq!(widget.text(".pgo-voucher--applied"), "Summer deal applied");
    let with_voucher: Vec<_> = Fetch::requests_to(PREVIEW)
        .into_iter()
        .filter(|r| r.body.as_deref().unwrap_or("").contains("voucherCode"))
        .collect();
    assert_eq!(
        with_voucher.len(),
        1,
        "typing is debounced into one preview: {with_voucher:?}"
    );
    let applied: Vec<_> = events()
        .into_iter()
        .filter(|e| e.name == "voucher-applied")
        .collect();
    assert_eq!(
        applied[0].detail,
        r#"{"offerId":12345,"voucherCode":"SUMMER21","discountedPrice":{"amount":"16","currency":"EUR"},"voucherErrorCode":null}"#
    );
    // Removing the code restores the plain price.
    click(&widget.query(".pgo-button--quiet").expect("a remove button"));
    price_shows(&widget, "€20.00").await;
    assert!(widget.query(".pgo-price__discount").is_none());
}

#[wasm_bindgen_test]
async fn a_slow_old_preview_never_overwrites_a_newer_one() {
    script_two_offers();
    Fetch::respond_to_body(PREVIEW, "\"OLD\"", 400, 200, &preview_body("20", "10", ""));
    Fetch::respond_to_body(PREVIEW, "\"NEW\"", 0, 200, &preview_body("20", "15", ""));
    Fetch::respond(PREVIEW, 200, &preview_body("20", "20", ""));
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    choose_first(&widget).await;
    let input = widget.query("input[type=text]").unwrap();
    type_into(&input, "OLD");
    click(&widget.query(".pgo-button--secondary").unwrap());
    type_into(&input, "NEW");
    click(&widget.query(".pgo-button--secondary").unwrap());
    price_shows(&widget, "€15.00").await;
    let old_preview = || {
        Fetch::requests_to(PREVIEW)
            .into_iter()
            .find(|r| r.body.as_deref().is_some_and(|b| b.contains("\"OLD\"")))
    };
    assert!(old_preview().is_some(), "the old preview was sent");
    wait_until("the old preview's answer", 3_000.0, || {
        old_preview().is_some_and(|r| r.answered && !r.aborted)
    })
    .await;
    // Let the widget read the late answer (its body is read on the next turns of the loop).
    for _ in 0..3 {
        gloo_timers::future::TimeoutFuture::new(0).await;
        leptos::task::tick().await;
    }
    assert!(
        widget.text(".pgo-price__total").contains("€15.00"),
        "the old answer arrived later and was dropped"
    );
}

#[wasm_bindgen_test]
async fn a_rejected_voucher_is_explained_and_blocks_buying() {
    script_two_offers();
    Fetch::respond_to_body(
        PREVIEW,
        "NOPE",
        0,
        200,
        &preview_body("20", "20", r#","voucherErrorCode":"INVALID_CODE""#),
    );
    Fetch::respond(PREVIEW, 200, &preview_body("20", "20", ""));
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    install_payment_provider(&widget.root, "tok-1");
    choose_first(&widget).await;
    voucher_shows_as_not_valid(&widget, "NOPE").await;
    assert!(events()
        .iter()
        .any(|e| e.name == "voucher-rejected" && e.detail.contains("INVALID_CODE")));
    click(&widget.query(".pgo-buy").unwrap());
    leptos::task::tick().await;
    assert_eq!(
        widget.text("[role=alert].pgo-notice"),
        "Remove or correct the voucher code first."
    );
    assert!(payment_requests().is_empty());
    assert!(Fetch::requests_to(PURCHASE)
        .iter()
        .all(|r| r.url.contains("preview")));
}

/// A code with a space (or a letter beyond ASCII) is no voucher code: the proxy would refuse the
/// whole preview with it, so the widget asks for the plain price and says the code is not valid.
#[wasm_bindgen_test]
async fn a_code_that_cannot_be_a_voucher_is_not_valid_rather_than_an_error() {
    script_two_offers();
    // What the proxy answers a preview carrying such a code.
    Fetch::respond_to_body(
        PREVIEW,
        "SUMMER 21",
        0,
        400,
        r#"{"errorCode":"PROXY_BAD_REQUEST"}"#,
    );
    Fetch::respond(PREVIEW, 200, &preview_body("20", "20", ""));
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    choose_first(&widget).await;
    voucher_shows_as_not_valid(&widget, "SUMMER 21").await;
    price_shows(&widget, "€20.00").await;
    assert!(Fetch::requests_to(PREVIEW).iter().all(|r| !r
        .body
        .as_deref()
        .unwrap_or_default()
        .contains("SUMMER 21")));
}

#[wasm_bindgen_test]
async fn paying_through_the_hosts_provider_buys_once_and_shows_the_receipt() {
    script_two_offers();
    Fetch::respond_to_body(PREVIEW, "SUMMER21", 0, 200, &preview_body("20", "16", ""));
    Fetch::respond(PREVIEW, 200, &preview_body("20", "20", ""));
    Fetch::respond_after("/v1/online-offers/purchase", 100, 200, RECEIPT);
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    install_payment_provider(&widget.root, "tok-1");
    choose_first(&widget).await;
    type_into(&widget.query("input[type=text]").unwrap(), "SUMMER21");
    price_shows(&widget, "€16.00").await;
    let buy = widget.query(".pgo-buy").unwrap();
    click(&buy);
    click(&buy);
    wait_until_the_receipt(&widget).await;
    let purchases: Vec<_> = Fetch::requests_to(PURCHASE)
        .into_iter()
        .filter(|r| !r.url.contains("preview"))
        .collect();
    assert_eq!(purchases.len(), 1, "exactly one purchase");
    let body: serde_json::Value =
        serde_json::from_str(purchases[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"onlineOfferId": 12345, "customerId": 67890, "validFrom": local_date(0),
                           "voucherCode": "SUMMER21", "paymentRequestToken": "tok-1"})
    );
    assert_eq!(payment_requests().len(), 1);
    assert_eq!(
        payment_requests()[0],
        format!(
            r#"{{"offerId":12345,"customerId":67890,"amount":"16","currency":"EUR","validFrom":"{}"}}"#,
            local_date(0)
        )
    );
    assert_eq!(widget.text(".pgo-code"), "PTKXPMUO");
    assert!(widget.text(".pgo-receipt__facts").contains("100002"));
    assert!(widget.text(".pgo-receipt__facts").contains("€16.00"));
    // No expiryDate in the answer: two weeks' validity from today is used until the 13th day after.
    let facts = widget.text(".pgo-receipt__facts");
    assert!(facts.contains(&english_date(13)), "{facts}");
    let qr = widget.query(".pgo-qr path").expect("a QR code");
    assert!(qr.get_attribute("d").unwrap().len() > 100);
    let completed: Vec<_> = events()
        .into_iter()
        .filter(|e| e.name == "purchase-completed")
        .collect();
    assert_eq!(
        completed[0].detail,
        r#"{"offerId":12345,"onlineOfferPurchaseId":100002,"paid":{"amount":"16","currency":"EUR"},"voucherCode":"SUMMER21"}"#
    );
}

#[wasm_bindgen_test]
async fn a_cancelled_payment_charges_nothing_and_can_be_retried() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, &preview_body("20", "20", ""));
    Fetch::respond("/v1/online-offers/purchase", 200, RECEIPT);
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    install_payment_provider(&widget.root, "");
    choose_first(&widget).await;
    click(&widget.query(".pgo-buy").unwrap());
    wait_until("the cancellation", 3_000.0, || {
        widget.text(".pgo-notice").contains("Payment cancelled")
    })
    .await;
    assert!(
        Fetch::requests_to(PURCHASE)
            .iter()
            .all(|r| r.url.contains("preview")),
        "nothing bought"
    );
    let buy = widget.query(".pgo-buy").unwrap();
    assert!(!buy.has_attribute("disabled"), "the form unlocks");
    install_payment_provider(&widget.root, "tok-2");
    click(&buy);
    wait_until_the_receipt(&widget).await;
}

#[wasm_bindgen_test]
async fn a_free_offer_is_bought_without_payment() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, &preview_body("0", "0", ""));
    Fetch::respond("/v1/online-offers/purchase", 200, RECEIPT);
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    install_payment_provider(&widget.root, "should-not-be-asked");
    choose_first(&widget).await;
    price_shows(&widget, "€0.00").await;
    buy_until_the_receipt(&widget).await;
    assert!(payment_requests().is_empty());
    let purchase = the_purchase();
    assert!(!purchase.body.unwrap().contains("paymentRequestToken"));
}

#[wasm_bindgen_test]
async fn without_a_customer_buy_asks_the_host_to_sign_in() {
    script_two_offers();
    let widget = widget_with_offers(&[("api-base", "/pg-proxy")]).await;
    click(&widget.query_all("[role=radio]")[0]);
    wait_until("the list price", 3_000.0, || {
        widget.text(".pgo-price").contains("€20.00")
    })
    .await;
    assert!(widget
        .text(".pgo-price")
        .contains("Sign in to see your personal price"));
    click(&widget.query(".pgo-buy").unwrap());
    leptos::task::tick().await;
    assert_eq!(
        widget.text(".pgo-notice"),
        "Please sign in to buy this offer."
    );
    assert!(events()
        .iter()
        .any(|e| e.name == "sign-in-required" && e.detail == r#"{"offerId":12345}"#));
    assert!(
        Fetch::requests_to(PREVIEW).is_empty(),
        "no preview without a customer"
    );
}

#[wasm_bindgen_test]
async fn a_past_start_date_is_refused() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, &preview_body("20", "20", ""));
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    choose_first(&widget).await;
    let date = widget.query("input[type=date]").unwrap();
    assert_eq!(date.get_attribute("min"), Some(local_date(0)));
    change_date(&date, "2020-01-01");
    leptos::task::tick().await;
    assert_eq!(
        widget.text(".pgo-field__error"),
        "The start date cannot be in the past."
    );
    assert_eq!(date.get_attribute("aria-invalid").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
async fn my_offers_lists_purchases_newest_first_and_marks_expired_ones() {
    script_two_offers();
    // The vendor's purchased entry as purchase `id` with access code `code`, every timestamp
    // `stamp`.
    let entry = |id: &str, stamp: &str, code: &str| {
        include_str!("../fixtures/purchased-list.json")
            .replace("123456", id)
            .replace("2026-01-15T00:00:00+01:00[Europe/Berlin]", stamp)
            .replace("ABC123XYZ", code)
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned()
    };
    let both = format!(
        "[{},{},{},{}]",
        entry(
            "123456",
            "2026-01-15T00:00:00+01:00[Europe/Berlin]",
            "ABC123XYZ"
        ),
        entry(
            "123999",
            "2099-01-15T00:00:00+01:00[Europe/Berlin]",
            "NEWCODE1"
        ),
        // A day ticket for today: the vendor's example expires at the midnight it starts, and
        // it is valid all that day.
        entry(
            "123500",
            &format!("{}T00:00:00Z", local_date(0)),
            "TODAY001"
        ),
        // A pass that ended at a moment today, one second past midnight: expired since then.
        entry(
            "123600",
            &format!("{}T00:00:01Z", local_date(0)),
            "ENDED001"
        ),
    );
    Fetch::respond("/67890/purchased", 200, &both);
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    let tabs = widget.query_all("[role=tab]");
    assert_eq!(tabs.len(), 2);
    click(&tabs[1]);
    wait_until("the purchases", 3_000.0, || {
        widget.query_all(".pgo-purchase").len() == 4
    })
    .await;
    let purchases = widget.query_all(".pgo-purchase");
    assert_eq!(
        purchases[0].get_attribute("data-purchase-id").as_deref(),
        Some("123999"),
        "newest first"
    );
    assert!(purchases[0].text_content().unwrap().contains("NEWCODE1"));
    assert!(!purchases[0].text_content().unwrap().contains("Expired"));
    let ended = purchases[1].text_content().unwrap();
    assert!(ended.contains("ENDED001"), "{ended}");
    assert!(ended.contains("Expired"), "ended at a moment: {ended}");
    let for_today = purchases[2].text_content().unwrap();
    assert!(for_today.contains("TODAY001"), "{for_today}");
    assert!(!for_today.contains("Expired"), "valid all day: {for_today}");
    assert!(purchases[3].text_content().unwrap().contains("Expired"));
    assert!(purchases[3]
        .text_content()
        .unwrap()
        .contains("VOUCHER-ABC123"));
}

/// A 404 names what the tenant does not know: for My offers, the customer (a stale sign-in or a
/// wrong `customer-id`); for a preview, whatever the tenant's own words say.
#[wasm_bindgen_test]
async fn a_customer_the_tenant_does_not_know_is_not_told_an_offer_is_gone() {
    script_two_offers();
    let unknown =
        r#"{"errorMessage":"Customer with id 67890 not found","errorCode":"CUSTOMER_NOT_FOUND"}"#;
    Fetch::respond("/67890/purchased", 404, unknown);
    Fetch::respond(PREVIEW, 404, unknown);
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    click(&widget.query_all("[role=radio]")[0]);
    wait_until("the tenant's reason", 3_000.0, || {
        widget
            .text(".pgo-price")
            .contains("Customer with id 67890 not found")
    })
    .await;
    click(&widget.query_all("[role=tab]")[1]);
    wait_until("the error", 3_000.0, || {
        widget.query(".pgo-status--error").is_some()
    })
    .await;
    let error = widget.text(".pgo-status--error");
    assert!(
        error.contains("We could not find your customer account. Please sign in again."),
        "{error}"
    );
    assert!(!error.contains("no longer available"), "{error}");
}

#[wasm_bindgen_test]
async fn a_preview_without_a_price_says_so_and_blocks_buying() {
    script_two_offers();
    Fetch::respond(
        PREVIEW,
        200,
        r#"{"price":null,"discountedPrice":null,"discountValue":null,"voucherSuccessMessage":null,"voucherErrorCode":null}"#,
    );
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    install_payment_provider(&widget.root, "tok-1");
    click(&widget.query_all("[role=radio]")[0]);
    wait_until("the missing price", 3_000.0, || {
        widget
            .text(".pgo-price")
            .contains("The price of this offer is not available right now")
    })
    .await;
    assert!(
        widget.query(".pgo-status--error").is_none(),
        "not a decode failure"
    );
    click(&widget.query(".pgo-buy").unwrap());
    wait_until("the reason", 3_000.0, || {
        widget.text(".pgo-notice-area").contains("not available")
    })
    .await;
    assert!(payment_requests().is_empty());
    assert!(Fetch::requests_to("/v1/online-offers/purchase")
        .iter()
        .all(|r| r.url.contains("preview")));
}

#[wasm_bindgen_test]
async fn the_receipt_shows_the_vendors_expiry_and_a_voucher_the_purchase_refused() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, &preview_body("20", "16", ""));
    Fetch::respond(
        "/v1/online-offers/purchase",
        200,
        r#"{"onlineOfferPurchaseId":100003,"studioAccessCode":"PTKXPMUO",
            "price":{"amount":20,"currency":"EUR"},"discountedPrice":{"amount":20,"currency":"EUR"},
            "discountValue":null,"voucherSuccessMessage":null,"voucherErrorCode":"INVALID_CODE",
            "expiryDate":"2027-01-09T23:00:00Z"}"#,
    );
    let widget = widget_with_offers(&[
        ("api-base", "/pg-proxy"),
        ("customer-id", "67890"),
        ("time-zone", "Europe/Berlin"),
    ])
    .await;
    install_payment_provider(&widget.root, "tok-1");
    choose_first(&widget).await;
    type_into(&widget.query("input[type=text]").unwrap(), "SUMMER21");
    wait_until("the voucher applied", 3_000.0, || {
        widget.query(".pgo-voucher--applied").is_some()
    })
    .await;
    buy_until_the_receipt(&widget).await;
    let purchase = Fetch::requests_to("/v1/online-offers/purchase")
        .into_iter()
        .find(|r| !r.url.contains("preview"))
        .unwrap();
    assert!(purchase
        .body
        .unwrap()
        .contains(r#""voucherCode":"SUMMER21""#));
    let facts = widget.text(".pgo-receipt__facts");
    assert!(
        facts.contains("Jan 10, 2027"),
        "the vendor's expiry on the studio's date: {facts}"
    );
    assert!(facts.contains("€20.00"), "{facts}");
    assert_eq!(
        widget.text(".pgo-receipt__voucher"),
        "Your voucher was not applied to this purchase."
    );
    let completed: Vec<_> = events()
        .into_iter()
        .filter(|e| e.name == "purchase-completed")
        .collect();
    assert!(
        completed[0].detail.contains(r#""voucherCode":null"#),
        "{}",
        completed[0].detail
    );
}

#[wasm_bindgen_test]
async fn a_purchase_under_way_holds_the_offers_so_nothing_is_bought_twice() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, &preview_body("0", "0", ""));
    Fetch::respond_after(PURCHASE, 1_000, 200, RECEIPT);
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    choose_first(&widget).await;
    price_shows(&widget, "€0.00").await;
    click(&widget.query(".pgo-buy").unwrap());
    let group = widget.query("[role=radiogroup]").unwrap();
    wait_until("the offers held", 3_000.0, || {
        group.get_attribute("aria-disabled").as_deref() == Some("true")
    })
    .await;
    // The visitor taps the chosen offer again, then the other one, then Buy.
    let options = widget.query_all("[role=radio]");
    click(&options[0]);
    click(&options[1]);
    press(&options[1], "Enter");
    buy_until_the_receipt(&widget).await;
    let purchases = Fetch::requests_to(PURCHASE)
        .into_iter()
        .filter(|r| !r.url.contains("preview"))
        .count();
    assert_eq!(purchases, 1, "exactly one purchase");
    assert_eq!(widget.text(".pgo-code"), "PTKXPMUO");
    let chosen = events()
        .into_iter()
        .filter(|e| e.name == "offer-selected")
        .count();
    assert_eq!(chosen, 1, "no other offer was chosen meanwhile");
    assert!(
        !group.has_attribute("aria-disabled"),
        "the offers can be chosen again"
    );
}

#[wasm_bindgen_test]
async fn a_voucher_typed_just_before_buy_is_priced_before_anything_is_paid() {
    script_two_offers();
    Fetch::respond_to_body(PREVIEW, "SUMMER21", 0, 200, &preview_body("20", "16", ""));
    Fetch::respond(PREVIEW, 200, &preview_body("20", "20", ""));
    Fetch::respond(PURCHASE, 200, RECEIPT);
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    install_payment_provider(&widget.root, "tok-1");
    choose_first(&widget).await;
    price_shows(&widget, "€20.00").await;
    // Pasted and Buy pressed at once, within the pause before a typed code is previewed.
    type_into(&widget.query("input[type=text]").unwrap(), "SUMMER21");
    click(&widget.query(".pgo-buy").unwrap());
    assert!(
        payment_requests().is_empty(),
        "nothing asked at the old price"
    );
    wait_until("the notice", 3_000.0, || {
        widget
            .text(".pgo-notice-area")
            .contains("Please wait until your price is confirmed.")
    })
    .await;
    price_shows(&widget, "€16.00").await;
    buy_until_the_receipt(&widget).await;
    assert_eq!(payment_requests().len(), 1);
    assert!(payment_requests()[0].contains(r#""amount":"16""#));
    let purchase = the_purchase();
    assert!(purchase
        .body
        .unwrap()
        .contains(r#""voucherCode":"SUMMER21""#));
}

#[wasm_bindgen_test]
async fn a_failed_price_is_asked_again_by_try_again_or_buy() {
    script_two_offers();
    Fetch::respond_once(PREVIEW, 503, "");
    Fetch::respond_once(PREVIEW, 503, "");
    Fetch::respond(PREVIEW, 200, &preview_body("20", "20", ""));
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    install_payment_provider(&widget.root, "");
    click(&widget.query_all("[role=radio]")[0]);
    wait_until("the failed price", 3_000.0, || {
        widget.query(".pgo-price button").is_some()
    })
    .await;
    let error = events().into_iter().find(|e| e.name == "error");
    assert!(
        error.is_some_and(|e| e.detail.contains("503")),
        "the page is told why"
    );
    click(&widget.query(".pgo-price button").unwrap());
    wait_until("the second failure", 3_000.0, || {
        Fetch::requests_to(PREVIEW).len() == 2 && widget.query(".pgo-price button").is_some()
    })
    .await;
    click(&widget.query(".pgo-buy").unwrap());
    price_shows(&widget, "€20.00").await;
    assert_eq!(Fetch::requests_to(PREVIEW).len(), 3);
    assert!(
        payment_requests().is_empty(),
        "Buy asked for the price only"
    );
}

#[wasm_bindgen_test]
async fn arrow_keys_take_focus_to_the_tab_they_select() {
    script_two_offers();
    Fetch::respond("/purchased", 200, "[]");
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    let buy_tab = widget.query("#pgo-tab-Buy").unwrap();
    buy_tab
        .unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .unwrap();
    press(&buy_tab, "ArrowRight");
    let focused = |id: &str| {
        let document = web_sys::window().unwrap().document().unwrap();
        let active = document.active_element();
        active.is_some_and(|a| a.id() == id)
    };
    assert!(focused("pgo-tab-MyOffers"), "focus follows the selection");
    let my_offers = widget.query("#pgo-tab-MyOffers").unwrap();
    wait_until("the tab selected", 3_000.0, || {
        my_offers.get_attribute("aria-selected").as_deref() == Some("true")
    })
    .await;
    press(&my_offers, "ArrowLeft");
    assert!(focused("pgo-tab-Buy"));
}

#[wasm_bindgen_test]
async fn a_category_no_offer_is_in_shows_every_offer() {
    script_two_offers();
    let widget =
        widget_with_offers(&[("api-base", "/pg-proxy"), ("category", "Memberships")]).await;
    assert!(widget.text(".pgo-count").contains("2 offers"));
}

#[wasm_bindgen_test]
async fn a_refused_clipboard_selects_the_code_to_copy_by_hand() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, &preview_body("0", "0", ""));
    Fetch::respond(PURCHASE, 200, RECEIPT);
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    choose_first(&widget).await;
    price_shows(&widget, "€0.00").await;
    buy_until_the_receipt(&widget).await;
    refuse_clipboard();
    click(&widget.query(".pgo-code-card .pgo-button").unwrap());
    wait_until("the code selected", 3_000.0, || {
        selected_text() == "PTKXPMUO"
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_purchase_answered_without_an_access_code_shows_no_empty_code() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, &preview_body("0", "0", ""));
    Fetch::respond(
        PURCHASE,
        200,
        &RECEIPT.replace(r#""studioAccessCode":"PTKXPMUO","#, ""),
    );
    let widget = widget_with_offers(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    choose_first(&widget).await;
    price_shows(&widget, "€0.00").await;
    buy_until_the_receipt(&widget).await;
    assert!(widget.text(".pgo-receipt__facts").contains("100002"));
    assert!(widget.query(".pgo-code-card").is_none());
}
