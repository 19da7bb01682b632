//! The page changes `<perfectgym-offers>`'s attributes while a visitor is mid-checkout: the
//! widget follows them in place, and the visitor's offer, voucher and date stay.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

const PREVIEW: &str = "/purchase/preview";
const PURCHASE: &str = "/v1/online-offers/purchase";
const PREVIEW_20: &str = r#"{"price":{"amount":20,"currency":"EUR"},"discountedPrice":{"amount":16,"currency":"EUR"},"discountValue":{"amount":4,"currency":"EUR"}}"#;
const RECEIPT: &str = r#"{"onlineOfferPurchaseId":100002,"studioAccessCode":"PTKXPMUO",
    "price":{"amount":20,"currency":"EUR"},"discountedPrice":{"amount":16,"currency":"EUR"},
    "discountValue":{"amount":4,"currency":"EUR"}}"#;

/// A `<perfectgym-offers>` in the page with `attributes`, its events recorded.
struct LiveElement {
    page: HtmlElement,
    element: HtmlElement,
}

impl Drop for LiveElement {
    fn drop(&mut self) {
        self.page.remove();
    }
}

impl LiveElement {
    /// The element on the page, its events recorded, without waiting for anything.
    fn on_page(attributes: &str) -> LiveElement {
        perfectgym_offers::embed::define_element();
        let page = fresh_container();
        page.set_inner_html(&format!(
            "<perfectgym-offers {attributes}></perfectgym-offers>"
        ));
        let element: HtmlElement = page
            .query_selector("perfectgym-offers")
            .unwrap()
            .unwrap()
            .unchecked_into();
        record_events(&element);
        LiveElement { page, element }
    }

    async fn with_offers(attributes: &str) -> LiveElement {
        let live = LiveElement::on_page(attributes);
        wait_until("the offers", 3_000.0, || {
            live.all("[role=radio]").len() == 2
        })
        .await;
        live
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self
            .element
            .shadow_root()
            .unwrap()
            .query_selector_all(selector)
            .unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .map(|node| node.unchecked_into())
            .collect()
    }

    fn one(&self, selector: &str) -> Element {
        self.all(selector)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no {selector}"))
    }

    /// Buy waits for the price the voucher's preview confirms: the preview answered and its
    /// discounted price on screen (pressed before, the checkout rightly says to wait).
    async fn voucher_price_shown(&self) {
        wait_until("the voucher's price", 3_000.0, || {
            voucher_previewed() && self.text(".pgo-price__total").contains("€16.00")
        })
        .await;
    }

    fn text(&self, selector: &str) -> String {
        self.all(selector)
            .first()
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }

    fn value(&self, selector: &str) -> String {
        self.one(selector)
            .unchecked_into::<HtmlInputElement>()
            .value()
    }

    fn set(&self, name: &str, value: &str) {
        self.element.set_attribute(name, value).unwrap();
    }

    /// Chooses Day Ticket Adult, types `voucher` and sets the start date to tomorrow; returns it.
    async fn fill_in_checkout(&self, voucher: &str) -> String {
        click(&self.all("[role=radio]")[0]);
        wait_until("the checkout", 3_000.0, || {
            !self.all("input[type=date]").is_empty()
        })
        .await;
        type_into(&self.one("input[type=text]"), voucher);
        let tomorrow = local_date(1);
        change_date(&self.one("input[type=date]"), &tomorrow);
        tomorrow
    }

    /// Day Ticket Adult with SUMMER21, paid through the page's provider (`tok-1`) and bought up
    /// to the purchase request sent; its answer is the test's to script.
    async fn send_a_purchase(&self) {
        install_payment_provider(&self.element, "tok-1");
        self.fill_in_checkout("SUMMER21").await;
        self.voucher_price_shown().await;
        click(&self.one(".pgo-buy"));
        purchase_sent().await;
    }

    /// Presses Buy and waits for `purchase-completed`; the purchase request the proxy got.
    async fn buy(&self) -> SeenRequest {
        click(&self.one(".pgo-buy"));
        wait_until("the purchase", 3_000.0, || {
            events().iter().any(|e| e.name == "purchase-completed")
        })
        .await;
        purchases_sent()
            .into_iter()
            .next()
            .expect("a purchase request")
    }

    /// The colour the widget's text is drawn in.
    fn text_colour(&self) -> String {
        let widget = self.one(".pgo-widget");
        web_sys::window()
            .unwrap()
            .get_computed_style(&widget)
            .unwrap()
            .unwrap()
            .get_property_value("color")
            .unwrap()
    }

    fn chosen(&self) -> Vec<String> {
        self.all("[role=radio][aria-checked=true]")
            .iter()
            .filter_map(|e| e.text_content())
            .collect()
    }
}

/// The (debounced) preview with SUMMER21 was answered.
fn voucher_previewed() -> bool {
    Fetch::requests_to(PREVIEW)
        .iter()
        .any(|r| r.answered && r.body.as_deref().is_some_and(|b| b.contains("SUMMER21")))
}

#[wasm_bindgen_test]
async fn signing_in_after_sign_in_required_keeps_the_checkout_and_buy_goes_on() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, PREVIEW_20);
    Fetch::respond(PURCHASE, 200, RECEIPT);
    let live = LiveElement::with_offers(r#"api-base="/pg-proxy""#).await;
    let date = live.fill_in_checkout("SUMMER21").await;
    click(&live.one(".pgo-buy"));
    wait_until("sign-in-required", 3_000.0, || {
        events().iter().any(|e| e.name == "sign-in-required")
    })
    .await;
    assert!(Fetch::requests_to(PREVIEW).is_empty());

    // The page signs the visitor in, as the README tells it to.
    live.set("customer-id", "67890");
    install_payment_provider(&live.element, "tok-1");
    wait_until("the customer's price", 3_000.0, || {
        live.text(".pgo-price__total").contains("€16.00")
    })
    .await;
    assert_eq!(live.chosen().len(), 1, "the offer is still chosen");
    assert!(live.chosen()[0].contains("Day Ticket Adult"));
    assert_eq!(live.value("input[type=text]"), "SUMMER21");
    assert_eq!(live.value("input[type=date]"), date);
    let previews = Fetch::requests_to(PREVIEW);
    assert_eq!(previews.len(), 1, "{previews:?}");
    let body = previews[0].body.clone().unwrap();
    assert!(
        body.contains(r#""customerId":67890"#) && body.contains("SUMMER21"),
        "{body}"
    );
    assert!(
        live.text(".pgo-notice").is_empty(),
        "the sign-in notice is gone"
    );

    let purchase = live.buy().await.body.unwrap();
    assert!(
        purchase.contains(r#""customerId":67890"#)
            && purchase.contains("SUMMER21")
            && purchase.contains(&date),
        "{purchase}"
    );
}

/// Back from a payment redirect, the page signs the visitor in only after its own session check,
/// once the catalogue is already shown: the interrupted checkout still comes back.
#[wasm_bindgen_test]
async fn signing_in_after_the_catalogue_resumes_an_interrupted_payment() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, PREVIEW_20);
    let tomorrow = local_date(1);
    pause_checkout(PENDING_KEY, Some("SUMMER21"), &tomorrow);
    let live = LiveElement::with_offers(r#"api-base="/pg-proxy""#).await;
    assert!(live.all(".pgo-panel").is_empty(), "nobody signed in yet");
    live.set("customer-id", "67890");
    wait_until("the resumed checkout", 3_000.0, || {
        live.text(".pgo-notice").contains("payment was interrupted")
            && live.value("input[type=text]") == "SUMMER21"
    })
    .await;
    // Its voucher priced: nothing of it is still on its way when the next test scripts `fetch`.
    live.voucher_price_shown().await;
    assert_eq!(live.value("input[type=date]"), tomorrow);
    assert_eq!(session_get(PENDING_KEY), None, "resumed once");
}

/// A widget beside one that is paying (its checkout kept for a redirect under the same key):
/// a refreshed token on both is no sign-in, and this widget leaves that checkout alone.
#[wasm_bindgen_test]
async fn a_refreshed_token_does_not_take_over_a_payment_under_way_beside() {
    script_two_offers();
    session_set(PENDING_KEY, None);
    let live = LiveElement::with_offers(
        r#"api-base="/pg-proxy" customer-id="67890" customer-token="67890.1.old""#,
    )
    .await;
    let paying = pause_checkout(PENDING_KEY, None, &local_date(0));
    live.set("customer-token", "67890.2.new");
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert!(live.all(".pgo-panel").is_empty(), "nothing opened");
    assert_eq!(session_get(PENDING_KEY), Some(paying));
}

#[wasm_bindgen_test]
async fn a_replaced_customer_token_is_sent_next_and_nothing_is_lost() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, PREVIEW_20);
    Fetch::respond(PURCHASE, 200, RECEIPT);
    let live = LiveElement::with_offers(
        r#"api-base="/pg-proxy" customer-id="67890" customer-token="67890.1.old""#,
    )
    .await;
    install_payment_provider(&live.element, "tok-1");
    let date = live.fill_in_checkout("SUMMER21").await;
    live.voucher_price_shown().await;

    live.set("customer-token", "67890.2.new");
    leptos::task::tick().await;
    assert_eq!(live.value("input[type=text]"), "SUMMER21");
    assert_eq!(live.value("input[type=date]"), date);
    assert_eq!(live.chosen().len(), 1);
    live.voucher_price_shown().await;
    let purchase = live.buy().await;
    assert_eq!(purchase.customer_token.as_deref(), Some("67890.2.new"));
    assert!(purchase.body.unwrap().contains("SUMMER21"));
    assert_eq!(
        Fetch::requests_to("/purchasable?").len(),
        1,
        "the catalogue was not fetched again"
    );
}

#[wasm_bindgen_test]
async fn a_new_locale_changes_the_texts_in_place_and_the_offer_stays() {
    script_two_offers();
    // French texts come late: the English ones stay on screen meanwhile.
    let (_, french) = TEXTS.iter().find(|(l, _)| *l == "fr").unwrap();
    Fetch::respond_after("locales/fr.json", 300, 200, french);
    let live = LiveElement::with_offers(r#"api-base="/pg-proxy""#).await;
    live.fill_in_checkout("").await;
    let heading = live.text("h2");

    live.set("locale", "fr");
    leptos::task::tick().await;
    assert_eq!(
        live.text("h2"),
        heading,
        "the old texts stay until the new ones are here"
    );
    assert_eq!(live.all("[role=radio]").len(), 2);
    wait_until("French prices", 3_000.0, || {
        live.text(".pgo-offer__price") == intl_money("fr", "EUR", "20")
    })
    .await;
    assert_ne!(live.text("h2"), heading);
    assert_eq!(live.chosen().len(), 1, "the offer is still chosen");
    assert!(live.chosen()[0].contains("Day Ticket Adult"));
    assert!(
        !live.all("input[type=date]").is_empty(),
        "its checkout is open"
    );
}

#[wasm_bindgen_test]
async fn a_purchase_in_flight_still_reports_when_the_element_is_removed() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, PREVIEW_20);
    Fetch::respond_after(PURCHASE, 300, 200, RECEIPT);
    let live = LiveElement::with_offers(r#"api-base="/pg-proxy" customer-id="67890""#).await;
    live.send_a_purchase().await;

    live.element.remove();
    wait_until("purchase-completed after removal", 3_000.0, || {
        events().iter().any(|e| e.name == "purchase-completed")
    })
    .await;
    assert!(
        live.all(".pgo-widget").is_empty(),
        "the widget was unmounted"
    );
}

#[wasm_bindgen_test]
async fn another_api_base_starts_afresh_against_it() {
    Fetch::reset();
    Fetch::respond(
        "/other-proxy/v1/online-offers/purchasable?",
        200,
        &offer_page(&[(7, "Sauna", "9")], None),
    );
    Fetch::respond(
        "/v1/online-offers/purchasable?",
        200,
        &offer_page(
            &[(1, "Day Ticket Adult", "20"), (2, "Trial Week", "29")],
            None,
        ),
    );
    let live = LiveElement::with_offers(r#"api-base="/pg-proxy""#).await;
    live.set("api-base", "/other-proxy");
    wait_until("the other proxy's offer", 3_000.0, || {
        live.all("[role=radio]").len() == 1
    })
    .await;
    assert!(live.text("[role=radio]").contains("Sauna"));
}

#[wasm_bindgen_test]
async fn a_token_replaced_while_the_visitor_pays_is_sent_with_the_purchase() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, PREVIEW_20);
    Fetch::respond(
        "/v1/payments/user-session",
        200,
        r#"{"token":"sess-1","tokenValidUntil":"2026-11-24T23:00:00+01:00[Europe/Berlin]"}"#,
    );
    Fetch::respond(PURCHASE, 200, RECEIPT);
    install_vendor_payment("slow");
    let live = LiveElement::with_offers(
        r#"api-base="/pg-proxy" customer-id="67890" customer-token="67890.1.old""#,
    )
    .await;
    live.fill_in_checkout("SUMMER21").await;
    live.voucher_price_shown().await;
    click(&live.one(".pgo-buy"));
    wait_until("the payment component", 3_000.0, || {
        !vendor_calls().is_empty()
    })
    .await;

    live.set("customer-token", "67890.2.new");
    wait_until("the purchase", 3_000.0, || {
        events().iter().any(|e| e.name == "purchase-completed")
    })
    .await;
    let session = &Fetch::requests_to("/v1/payments/user-session")[0];
    assert_eq!(session.customer_token.as_deref(), Some("67890.1.old"));
    let purchase = purchases_sent().into_iter().next().unwrap();
    assert_eq!(purchase.customer_token.as_deref(), Some("67890.2.new"));
    assert!(purchase.body.unwrap().contains("vendor-tok"));
}

/// `--_text` in the light and dark schemes (style/widget.css).
const LIGHT_TEXT: &str = "rgb(27, 31, 29)";
const DARK_TEXT: &str = "rgb(238, 243, 240)";

/// Sets the page's own `color-scheme` (as a gym's stylesheet would on `:root`) until dropped,
/// so a failed test leaves the next one a page that declares nothing.
struct PageColourScheme;

impl PageColourScheme {
    fn set(value: &str) -> PageColourScheme {
        page_colour_scheme(value);
        PageColourScheme
    }
}

impl Drop for PageColourScheme {
    fn drop(&mut self) {
        page_colour_scheme("");
    }
}

fn page_colour_scheme(value: &str) {
    let root: HtmlElement = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .document_element()
        .unwrap()
        .unchecked_into();
    root.style().set_property("color-scheme", value).unwrap();
}

/// webdriver.json runs both browsers with a dark system theme, as on a visitor's dark phone.
fn system_is_dark() -> bool {
    web_sys::window()
        .unwrap()
        .match_media("(prefers-color-scheme: dark)")
        .unwrap()
        .is_some_and(|query| query.matches())
}

#[wasm_bindgen_test]
async fn a_dark_system_gets_a_light_widget_on_a_page_that_declares_nothing() {
    assert!(
        system_is_dark(),
        "the browser was not started with a dark theme"
    );
    script_two_offers();
    let _page = PageColourScheme::set("");
    let live = LiveElement::with_offers(r#"api-base="/pg-proxy""#).await;
    assert_eq!(live.text_colour(), LIGHT_TEXT);
    // A page made for both schemes shows the visitor's.
    page_colour_scheme("light dark");
    assert_eq!(live.text_colour(), DARK_TEXT);
}

#[wasm_bindgen_test]
async fn the_widget_follows_the_pages_colour_scheme_and_the_elements_attribute() {
    script_two_offers();
    let _page = PageColourScheme::set("light");
    let live = LiveElement::with_offers(r#"api-base="/pg-proxy""#).await;
    live.fill_in_checkout("").await;
    assert_eq!(
        live.text_colour(),
        LIGHT_TEXT,
        "a light page, a light widget"
    );

    page_colour_scheme("dark");
    assert_eq!(
        live.text_colour(),
        DARK_TEXT,
        "the page turned dark, and so did the widget"
    );
    assert_eq!(live.chosen().len(), 1, "in place: the chosen offer stays");

    live.set("color-scheme", "light");
    assert_eq!(
        live.text_colour(),
        LIGHT_TEXT,
        "the gym asked for light on the element"
    );
    page_colour_scheme("light");
    live.set("color-scheme", "dark");
    assert_eq!(
        live.text_colour(),
        DARK_TEXT,
        "the gym asked for dark on a light page"
    );
    assert_eq!(live.chosen().len(), 1);
}

#[wasm_bindgen_test]
async fn a_new_locale_waits_for_the_purchase_under_way_and_its_receipt() {
    script_two_offers();
    let (_, french) = TEXTS.iter().find(|(l, _)| *l == "fr").unwrap();
    Fetch::respond("locales/fr.json", 200, french);
    Fetch::respond(PREVIEW, 200, PREVIEW_20);
    Fetch::respond_after(PURCHASE, 500, 200, RECEIPT);
    let live = LiveElement::with_offers(r#"api-base="/pg-proxy" customer-id="67890""#).await;
    let heading = live.text(".pgo-tab");
    live.send_a_purchase().await;

    live.set("locale", "fr");
    wait_until("the receipt", 3_000.0, || {
        !live.all(".pgo-receipt").is_empty()
    })
    .await;
    // Long enough for the French texts to have arrived and been applied, were they not held.
    gloo_timers::future::TimeoutFuture::new(300).await;
    assert_eq!(live.text(".pgo-code"), "PTKXPMUO", "the receipt stays");
    assert_eq!(
        live.text(".pgo-tab"),
        heading,
        "in the language it was bought in"
    );

    click(&live.one(".pgo-receipt .pgo-button--quiet"));
    wait_until("French once the receipt is closed", 3_000.0, || {
        live.text(".pgo-offer__price") == intl_money("fr", "EUR", "20")
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_sign_out_while_a_purchase_is_sent_is_followed_once_it_ends() {
    script_two_offers();
    Fetch::respond(PREVIEW, 200, PREVIEW_20);
    Fetch::respond_after(
        PURCHASE,
        500,
        400,
        r#"{"errorMessage":"Customer too young for this offer","errorCode":"VALIDATION"}"#,
    );
    let live = LiveElement::with_offers(r#"api-base="/pg-proxy" customer-id="67890""#).await;
    live.send_a_purchase().await;
    // The page signs the visitor out while the purchase is on its way; it is refused.
    live.element.remove_attribute("customer-id").unwrap();
    wait_until("the refusal", 3_000.0, || {
        !live.all(".pgo-notice--problem").is_empty()
            && !live.one(".pgo-buy").has_attribute("disabled")
    })
    .await;
    assert!(
        live.text(".pgo-notice--problem")
            .contains("Customer too young for this offer"),
        "the booking service's reason is shown: {}",
        live.text(".pgo-notice--problem")
    );
    // Buying again asks the page to sign the visitor in: nothing goes to the old customer.
    click(&live.one(".pgo-buy"));
    wait_until("sign-in-required", 3_000.0, || {
        events().iter().any(|e| e.name == "sign-in-required")
    })
    .await;
    assert_eq!(
        purchases_sent().len(),
        1,
        "a second purchase was sent for the signed-out customer"
    );
}

#[wasm_bindgen_test]
async fn signed_out_with_my_offers_open_the_offers_show_again() {
    script_two_offers();
    Fetch::respond("/purchased", 200, "[]");
    let live = LiveElement::with_offers(r#"api-base="/pg-proxy" customer-id="67890""#).await;
    click(&live.one("#pgo-tab-MyOffers"));
    let offers_hidden = || {
        live.one(".pgo-offers")
            .closest("[hidden]")
            .unwrap()
            .is_some()
    };
    wait_until("my offers", 3_000.0, offers_hidden).await;
    live.element.remove_attribute("customer-id").unwrap();
    wait_until("the offers again", 3_000.0, || !offers_hidden()).await;
    assert!(
        live.all("[role=tab]").is_empty(),
        "no tabs without a customer"
    );
}

#[wasm_bindgen_test]
async fn an_element_moved_while_loading_reports_ready_once() {
    Fetch::reset();
    Fetch::respond_after(
        "/v1/online-offers/purchasable?",
        300,
        200,
        &offer_page(
            &[(12345, "Day Ticket Adult", "20"), (2, "Trial Week", "29")],
            None,
        ),
    );
    let live = LiveElement::on_page(r#"api-base="/pg-proxy""#);
    gloo_timers::future::TimeoutFuture::new(50).await;
    live.element.remove();
    live.page.append_child(&live.element).unwrap();
    wait_until("the offers", 3_000.0, || {
        live.all("[role=radio]").len() == 2
    })
    .await;
    // Past the first mount's answer too.
    gloo_timers::future::TimeoutFuture::new(400).await;
    let ready = events().iter().filter(|e| e.name == "ready").count();
    assert_eq!(ready, 1);
}

#[wasm_bindgen_test]
async fn texts_that_never_arrive_end_in_english_not_in_loading() {
    script_two_offers();
    Fetch::hang("locales/it.json");
    let live = LiveElement::on_page(r#"api-base="/pg-proxy" locale="it-IT""#);
    wait_until("the offers in English", 8_000.0, || {
        live.all("[role=radio]").len() == 2
    })
    .await;
    assert_eq!(live.text("h2"), "Buy online");
    assert_eq!(
        live.text(".pgo-offer__price"),
        intl_money("it-IT", "EUR", "20"),
        "money still in the visitor's format"
    );
}
