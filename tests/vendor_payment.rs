//! Paying through the vendor's payment component when the host page has no provider: a payment
//! session from the proxy, the component in the light DOM, cancelling, and coming back from a
//! 3-D Secure redirect.

use wasm_bindgen_test::*;

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

const PREVIEW: &str = "/purchase/preview";
const SESSION: &str = "/v1/payments/user-session";

fn script() {
    script_with_session(
        200,
        r#"{"token":"sess-1","tokenValidUntil":"2026-11-24T23:00:00+01:00[Europe/Berlin]"}"#,
    );
}

/// Two offers at 20 EUR, purchases that succeed, and payment sessions answered so.
fn script_with_session(status: u16, session: &str) {
    script_two_offers();
    session_set(PENDING_KEY, None);
    Fetch::respond(
        PREVIEW,
        200,
        r#"{"price":{"amount":20,"currency":"EUR"},"discountedPrice":{"amount":20,"currency":"EUR"}}"#,
    );
    Fetch::respond(SESSION, status, session);
    Fetch::respond(
        "/v1/online-offers/purchase",
        200,
        include_str!("../fixtures/purchase-response.json"),
    );
}

async fn choose_first(attributes: &[(&str, &str)]) -> MountedWidget {
    mount_and_choose_first(attributes, "€20.00").await
}

/// A signed-in visitor's Buy with the vendor's component (scripted as `mode`, see
/// `install_vendor_payment`), up to its card fields showing in the widget.
async fn buy_until_the_component_shows(mode: &str) -> MountedWidget {
    script();
    install_vendor_payment(mode);
    let widget = choose_first(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    click(&widget.query(".pgo-buy").unwrap());
    wait_until("the payment component", 3_000.0, || {
        widget.query(".pgo-payment").is_some()
    })
    .await;
    widget
}

/// Presses Buy and returns the problem the checkout then reports.
async fn buy_and_read_the_problem(widget: &MountedWidget) -> String {
    click(&widget.query(".pgo-buy").unwrap());
    wait_until("the message", 3_000.0, || {
        widget.query(".pgo-notice--problem").is_some()
    })
    .await;
    widget.text(".pgo-notice--problem")
}

#[wasm_bindgen_test]
async fn the_vendors_component_pays_with_a_session_for_the_previewed_amount() {
    script();
    install_vendor_payment("pay");
    let widget = choose_first(&[
        ("api-base", "/pg-proxy"),
        ("customer-id", "67890"),
        ("payment-environment", "sandbox"),
        ("payment-country", "DE"),
    ])
    .await;
    click(&widget.query(".pgo-buy").unwrap());
    wait_until("the receipt", 3_000.0, || {
        widget.query(".pgo-receipt").is_some()
    })
    .await;
    let sessions = Fetch::requests_to(SESSION);
    assert_eq!(sessions.len(), 1);
    assert_eq!(
        sessions[0].body.as_deref(),
        Some(r#"{"amount":20,"scope":"ECOM","customerId":67890}"#)
    );
    // What the amount pays for, so the gym's proxy can check it against a fresh preview.
    assert_eq!(sessions[0].payment_offer.as_deref(), Some("12345"));
    assert_eq!(sessions[0].payment_voucher, None);
    assert_eq!(sessions[0].payment_currency.as_deref(), Some("EUR"));
    assert_eq!(
        vendor_calls(),
        [
            r#"{"userSessionToken":"sess-1","locale":"en","environment":"sandbox","countryCode":"DE","containerSlot":"payment","destroyed":true}"#
        ]
    );
    let bought = purchases_sent();
    assert_eq!(bought.len(), 1);
    assert!(bought[0]
        .body
        .as_deref()
        .unwrap()
        .contains(r#""paymentRequestToken":"vendor-tok""#));
    // The component's container is the element's light-DOM child, emptied afterwards.
    let container = widget
        .root
        .query_selector(":scope > [slot=payment]")
        .unwrap()
        .unwrap();
    assert_eq!(container.text_content().unwrap(), "");
    assert_eq!(
        session_get(PENDING_KEY),
        None,
        "nothing is kept after paying"
    );
}

#[wasm_bindgen_test]
async fn cancelling_the_component_buys_nothing() {
    let widget = buy_until_the_component_shows("wait").await;
    assert!(
        session_get(PENDING_KEY)
            .unwrap()
            .contains(r#""offerId":12345"#),
        "kept in case of a redirect"
    );
    click(&widget.query(".pgo-payment button").unwrap());
    wait_until("the cancellation", 3_000.0, || {
        widget.text(".pgo-notice").contains("Payment cancelled")
    })
    .await;
    assert!(widget.query(".pgo-payment").is_none());
    assert!(purchases_sent().is_empty());
    assert!(vendor_calls()[0].contains(r#""destroyed":true"#));
    assert_eq!(session_get(PENDING_KEY), None);
}

#[wasm_bindgen_test]
async fn a_session_refused_for_a_stale_price_asks_to_check_it_and_previews_again() {
    script_two_offers();
    session_set(PENDING_KEY, None);
    // The price the visitor sees first is 20; by the time they press Buy it is 24, and the
    // proxy refuses a session for 20.
    Fetch::respond_once(
        PREVIEW,
        200,
        r#"{"price":{"amount":20,"currency":"EUR"},"discountedPrice":{"amount":20,"currency":"EUR"}}"#,
    );
    Fetch::respond(
        PREVIEW,
        200,
        r#"{"price":{"amount":24,"currency":"EUR"},"discountedPrice":{"amount":24,"currency":"EUR"}}"#,
    );
    Fetch::respond_once(
        SESSION,
        409,
        r#"{"errorMessage":"The price to pay is not the current price of this offer","errorCode":"PROXY_PRICE_CHANGED"}"#,
    );
    Fetch::respond(SESSION, 200, r#"{"token":"sess-2"}"#);
    Fetch::respond(
        "/v1/online-offers/purchase",
        200,
        include_str!("../fixtures/purchase-response.json"),
    );
    install_vendor_payment("pay");
    let widget = choose_first(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    assert_eq!(
        buy_and_read_the_problem(&widget).await,
        "The price has changed. Please check it and press Buy now again."
    );
    wait_until("the changed price", 3_000.0, || {
        widget.text(".pgo-price__total").contains("€24.00")
    })
    .await;
    assert_eq!(Fetch::requests_to(PREVIEW).len(), 2, "previewed again");
    assert!(vendor_calls().is_empty(), "no payment component opened");
    assert!(purchases_sent().is_empty());
    let buy = widget.query(".pgo-buy").unwrap();
    assert!(!buy.has_attribute("disabled"), "Buy can be pressed again");
    // Buying again pays the new price.
    click(&buy);
    wait_until("the receipt", 3_000.0, || {
        widget.query(".pgo-receipt").is_some()
    })
    .await;
    let sessions = Fetch::requests_to(SESSION);
    assert_eq!(sessions.len(), 2);
    assert!(
        sessions[0]
            .body
            .as_deref()
            .unwrap()
            .contains(r#""amount":20"#),
        "{:?}",
        sessions[0].body
    );
    assert!(
        sessions[1]
            .body
            .as_deref()
            .unwrap()
            .contains(r#""amount":24"#),
        "{:?}",
        sessions[1].body
    );
    assert_eq!(purchases_sent().len(), 1);
}

#[wasm_bindgen_test]
async fn without_provider_or_component_payment_is_unavailable() {
    script();
    install_vendor_payment("none");
    let widget = choose_first(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    assert_eq!(
        buy_and_read_the_problem(&widget).await,
        "Online payment is not available right now. Please try again later."
    );
    assert!(events().iter().any(|e| e.name == "error"));
    assert!(purchases_sent().is_empty());
    assert!(!widget.query(".pgo-buy").unwrap().has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn back_from_a_payment_redirect_the_form_is_as_it_was() {
    script();
    install_vendor_payment("none");
    let tomorrow = local_date(1);
    pause_checkout(PENDING_KEY, Some("SUMMER21"), &tomorrow);
    let widget = mount_widget(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]);
    wait_until("the resumed checkout", 3_000.0, || {
        widget.query(".pgo-panel").is_some()
    })
    .await;
    assert_eq!(
        widget.query_all("[role=radio]")[0]
            .get_attribute("aria-checked")
            .as_deref(),
        Some("true")
    );
    let voucher: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::unchecked_into(widget.query("input[type=text]").unwrap());
    assert_eq!(voucher.value(), "SUMMER21");
    let date: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::unchecked_into(widget.query("input[type=date]").unwrap());
    assert_eq!(date.value(), tomorrow);
    assert!(widget
        .text(".pgo-notice")
        .contains("payment was interrupted"));
    wait_until("the voucher preview", 3_000.0, || {
        Fetch::requests_to(PREVIEW)
            .iter()
            .any(|r| r.body.as_deref().unwrap_or("").contains("SUMMER21"))
    })
    .await;
    assert_eq!(session_get(PENDING_KEY), None, "resumed once");
    assert!(
        purchases_sent().is_empty(),
        "nothing is bought without the visitor"
    );
    // Buy waits for the price the voucher's preview confirms (pressed before, it says so).
    wait_until("the previewed price", 3_000.0, || {
        widget.text(".pgo-price__total").contains("€20.00")
    })
    .await;
    // Pressing Buy again opens a session for the offer with its voucher.
    click(&widget.query(".pgo-buy").unwrap());
    wait_until("a payment session", 3_000.0, || {
        !Fetch::requests_to(SESSION).is_empty()
    })
    .await;
    let session = &Fetch::requests_to(SESSION)[0];
    assert_eq!(session.payment_offer.as_deref(), Some("12345"));
    assert_eq!(session.payment_voucher.as_deref(), Some("SUMMER21"));
}

/// Two widgets on a page for one customer, one per category: a checkout paused in the one
/// without a category is left to it, and one paused in the "Courses" widget resumes there, even
/// for an offer the visitor found under another category chip.
#[wasm_bindgen_test]
async fn an_interrupted_payment_resumes_in_the_widget_it_was_paid_in() {
    // Offer 2 in a category of its own.
    let page = offer_page(
        &[(12345, "Day Ticket Adult", "20"), (2, "Yoga Course", "29")],
        None,
    );
    let day_tickets = r#""category":{"id":1,"name":"Day tickets"}"#;
    let at = page.rfind(day_tickets).unwrap();
    let page = format!(
        "{}{}{}",
        &page[..at],
        r#""category":{"id":2,"name":"Courses"}"#,
        &page[at + day_tickets.len()..]
    );
    Fetch::reset();
    Fetch::respond("/v1/online-offers/purchasable?", 200, &page);
    Fetch::respond(
        "/purchasable/12345",
        200,
        include_str!("../fixtures/offer-detail.json"),
    );
    Fetch::respond(
        PREVIEW,
        200,
        r#"{"price":{"amount":20,"currency":"EUR"},"discountedPrice":{"amount":20,"currency":"EUR"}}"#,
    );
    let paused = pause_checkout(PENDING_KEY, None, &local_date(0));
    let courses = mount_widget(&[
        ("api-base", "/pg-proxy"),
        ("customer-id", "67890"),
        ("category", "Courses"),
    ]);
    wait_until("the course", 3_000.0, || {
        courses.query_all("[role=radio]").len() == 1
    })
    .await;
    leptos::task::tick().await;
    assert!(courses.query(".pgo-panel").is_none(), "not opened here");
    assert_eq!(
        session_get(PENDING_KEY),
        Some(paused.clone()),
        "left for the other widget"
    );
    drop(courses);

    let courses_key = format!("{PENDING_KEY}:Courses");
    pause_checkout(&courses_key, None, &local_date(0));
    let courses = mount_widget(&[
        ("api-base", "/pg-proxy"),
        ("customer-id", "67890"),
        ("category", "Courses"),
    ]);
    // Its price shown: nothing of it is still on its way when the next test scripts `fetch`.
    wait_until("the checkout paid in this widget", 3_000.0, || {
        courses.text(".pgo-price__total").contains("€20.00")
    })
    .await;
    assert_eq!(session_get(&courses_key), None, "resumed once");
    assert_eq!(
        session_get(PENDING_KEY),
        Some(paused),
        "the other one's stays"
    );
}

/// The widget is removed while the vendor's component takes the payment: the component is
/// destroyed with it, and the checkout kept for a redirect is forgotten all the same (else the
/// next visit would offer to pay again for what was just paid).
#[wasm_bindgen_test]
async fn a_payment_that_ends_after_the_widget_is_gone_forgets_the_paused_checkout() {
    let widget = buy_until_the_component_shows("slow").await;
    assert!(
        session_get(PENDING_KEY).is_some(),
        "kept in case of a redirect"
    );
    drop(widget);
    // Destroyed with the widget, not left to answer into the slot a new checkout would use.
    assert!(vendor_calls()[0].contains(r#""destroyed":true"#));
    wait_until("the payment's end", 3_000.0, || {
        session_get(PENDING_KEY).is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_refused_payment_session_tells_the_page_why() {
    script_with_session(
        403,
        r#"{"errorMessage":"The customer token has expired","errorCode":"PROXY_CUSTOMER_TOKEN"}"#,
    );
    install_vendor_payment("pay");
    let widget = choose_first(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    assert_eq!(
        buy_and_read_the_problem(&widget).await,
        "The booking service could not accept this request."
    );
    let error = events()
        .into_iter()
        .find(|e| e.name == "error")
        .expect("an error event");
    assert!(
        error.detail.contains("HTTP 403") && error.detail.contains("PROXY_CUSTOMER_TOKEN"),
        "the cause the page gets: {}",
        error.detail
    );
    assert!(purchases_sent().is_empty());
    assert!(!widget.query(".pgo-buy").unwrap().has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn the_vendors_own_conflict_is_a_failed_session_not_a_changed_price() {
    // The vendor's 409 (a concurrent change) is not the proxy's price check.
    script_with_session(
        409,
        r#"{"errorMessage":"Concurrent modification","errorCode":"CONFLICT"}"#,
    );
    install_vendor_payment("pay");
    let widget = choose_first(&[("api-base", "/pg-proxy"), ("customer-id", "67890")]).await;
    assert_eq!(
        buy_and_read_the_problem(&widget).await,
        "The booking service could not accept this request."
    );
    assert!(events().iter().any(|e| e.name == "error"));
    assert!(purchases_sent().is_empty());
}
