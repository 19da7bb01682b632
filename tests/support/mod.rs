//! Helpers shared by the browser tests: a scripted `fetch`, mounting, and waiting for the DOM.
#![allow(dead_code)] // each test file uses a different part

use gloo_timers::future::TimeoutFuture;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyViewState;
use perfectgym_offers::core::widget_config::WidgetConfig;
use perfectgym_offers::embed::host::Host;
use perfectgym_offers::ui::OfferWidget;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

#[wasm_bindgen(module = "/tests/support/fetch_stub.js")]
extern "C" {
    #[wasm_bindgen(js_name = stubReset)]
    fn stub_reset();
    #[wasm_bindgen(js_name = stubRoute)]
    fn stub_route(
        pattern: &str,
        kind: &str,
        status: u16,
        body: &str,
        delay_ms: u32,
        times: i32,
        body_pattern: Option<String>,
    );
    #[wasm_bindgen(js_name = stubRequests)]
    fn stub_requests() -> JsValue;
    #[wasm_bindgen(js_name = recordEvents)]
    pub fn record_events(element: &HtmlElement);
    #[wasm_bindgen(js_name = recordedEvents)]
    fn recorded_events() -> JsValue;
    #[wasm_bindgen(js_name = installPaymentProvider)]
    pub fn install_payment_provider(element: &HtmlElement, token: &str);
    #[wasm_bindgen(js_name = paymentCalls_)]
    fn payment_calls() -> JsValue;
    #[wasm_bindgen(js_name = installVendorPayment)]
    pub fn install_vendor_payment(mode: &str);
    #[wasm_bindgen(js_name = vendorCalls_)]
    fn vendor_calls_js() -> JsValue;
    #[wasm_bindgen(js_name = sessionSet)]
    pub fn session_set(key: &str, value: Option<String>);
    #[wasm_bindgen(js_name = sessionGet)]
    pub fn session_get(key: &str) -> Option<String>;
    #[wasm_bindgen(js_name = refuseClipboard)]
    pub fn refuse_clipboard();
    #[wasm_bindgen(js_name = selectedText)]
    pub fn selected_text() -> String;
    #[wasm_bindgen(js_name = intlMoney)]
    pub fn intl_money(locale: &str, currency: &str, amount: &str) -> String;
    #[wasm_bindgen(js_name = intlDateTime)]
    pub fn intl_date_time(
        locale: &str,
        time_zone: &str,
        unix_seconds: f64,
        with_time: bool,
    ) -> String;
}

/// One request the stub saw.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeenRequest {
    pub method: String,
    pub url: String,
    pub accept_language: Option<String>,
    pub content_type: Option<String>,
    pub customer_token: Option<String>,
    /// What a payment session says it pays for (`X-Online-Offer-Id`, `X-Voucher-Code`,
    /// `X-Payment-Currency`).
    pub payment_offer: Option<String>,
    pub payment_voucher: Option<String>,
    pub payment_currency: Option<String>,
    pub body: Option<String>,
    pub aborted: bool,
    /// The stub handed the widget an HTTP answer.
    pub answered: bool,
}

impl SeenRequest {
    /// The URL without the test server's origin.
    pub fn path(&self) -> String {
        let after_scheme = self
            .url
            .split_once("//")
            .map_or(self.url.as_str(), |(_, rest)| rest);
        after_scheme
            .find('/')
            .map_or(String::new(), |at| after_scheme[at..].to_owned())
    }
}

/// The scripted `fetch`. Every test starts with `Fetch::reset()`: tests run in one page, in no
/// fixed order, and a failed test skips its clean-up.
pub struct Fetch;

impl Fetch {
    pub fn reset() {
        stub_reset();
    }

    /// Every request to a URL containing `pattern` gets `status` and `body`.
    pub fn respond(pattern: &str, status: u16, body: &str) {
        stub_route(pattern, "respond", status, body, 0, -1, None);
    }

    /// The next request only.
    pub fn respond_once(pattern: &str, status: u16, body: &str) {
        stub_route(pattern, "respond", status, body, 0, 1, None);
    }

    /// Every request, after `delay_ms`.
    pub fn respond_after(pattern: &str, delay_ms: u32, status: u16, body: &str) {
        stub_route(pattern, "respond", status, body, delay_ms, -1, None);
    }

    /// The next `times` requests fail as if the network were down.
    pub fn network_error(pattern: &str, times: i32) {
        stub_route(pattern, "network", 0, "", 0, times, None);
    }

    /// Requests get no answer until they are aborted.
    pub fn hang(pattern: &str) {
        stub_route(pattern, "hang", 0, "", 0, -1, None);
    }

    /// Every request to `pattern` whose body contains `body_pattern`, after `delay_ms`.
    pub fn respond_to_body(
        pattern: &str,
        body_pattern: &str,
        delay_ms: u32,
        status: u16,
        body: &str,
    ) {
        stub_route(
            pattern,
            "respond",
            status,
            body,
            delay_ms,
            -1,
            Some(body_pattern.to_owned()),
        );
    }

    /// The requests whose URL contains `pattern`.
    pub fn requests_to(pattern: &str) -> Vec<SeenRequest> {
        Fetch::requests()
            .into_iter()
            .filter(|r| r.url.contains(pattern))
            .collect()
    }

    pub fn requests() -> Vec<SeenRequest> {
        from_js(&stub_requests()).expect("the stub's request log")
    }
}

/// The purchase requests sent so far (a preview's path begins like a purchase's).
pub fn purchases_sent() -> Vec<SeenRequest> {
    Fetch::requests_to("/v1/online-offers/purchase")
        .into_iter()
        .filter(|r| !r.url.contains("preview"))
        .collect()
}

/// Waits until Buy's purchase request is on its way.
pub async fn purchase_sent() {
    wait_until("the purchase sent", 3_000.0, || {
        !purchases_sent().is_empty()
    })
    .await;
}

/// A purchasable page as the vendor sends it: offers with the given ids and prices in EUR.
pub fn offer_page(offers: &[(i64, &str, &str)], next: Option<&str>) -> String {
    let result: Vec<serde_json::Value> = offers
        .iter()
        .map(|(id, name, amount)| {
            serde_json::json!({
                "onlineOfferId": id,
                "name": name,
                "scopeOfUsage": 1,
                "price": { "amount": amount.parse::<f64>().unwrap(), "currency": "EUR" },
                "periodOfUse": { "term": { "value": 1, "unit": "DAY" }, "type": "ONE_TIME" },
                "type": "CHECK_IN_BASED",
                "category": { "id": 1, "name": "Day tickets" },
                "validity": { "value": 2, "unit": "WEEK" }
            })
        })
        .collect();
    serde_json::json!({ "result": result, "hasNext": next.is_some(), "offset": next }).to_string()
}

/// The visitor's calendar date `days` from today, as a date input writes it (`yyyy-MM-dd`).
pub fn local_date(days: u32) -> String {
    let date = js_sys::Date::new_0();
    date.set_date(date.get_date() + days);
    format!(
        "{:04}-{:02}-{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date()
    )
}

/// The visitor's calendar date `days` from today as the English widget writes it (`Dec 11, 2026`),
/// formatted here by the browser, not by the widget's code.
pub fn english_date(days: u32) -> String {
    let date = js_sys::Date::new_0();
    date.set_date(date.get_date() + days);
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into()).unwrap();
    js_sys::Intl::DateTimeFormat::new(&js_sys::Array::of1(&"en".into()), &options)
        .format()
        .call1(&JsValue::NULL, &date)
        .unwrap()
        .as_string()
        .unwrap()
}

/// Where the widget keeps a checkout a payment redirect interrupted: customer 67890's, for the
/// proxy at `/pg-proxy`.
pub const PENDING_KEY: &str = "perfectgym-offers:pending:/pg-proxy:67890";

/// Keeps offer 12345's checkout for customer 67890 under `key` (`PENDING_KEY`, plus
/// `:<category>` for a widget with a `category` attribute) as a payment redirect left it a
/// minute ago, with `voucher` and the start date `valid_from`; returns what was kept.
pub fn pause_checkout(key: &str, voucher: Option<&str>, valid_from: &str) -> String {
    let saved_at = js_sys::Date::now() as u64 - 60_000;
    let voucher = voucher.map_or("null".to_owned(), |v| format!("\"{v}\""));
    let kept = format!(
        r#"{{"offerId":12345,"customerId":67890,"voucher":{voucher},"validFrom":"{valid_from}","savedAtMs":{saved_at}}}"#
    );
    session_set(key, Some(kept.clone()));
    kept
}

/// A fresh element in the page's body.
pub fn fresh_container() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    container
}

/// A mounted widget; dropping it unmounts the widget and removes its element.
pub struct MountedWidget {
    pub root: HtmlElement,
    _handle: UnmountHandle<AnyViewState>,
}

impl Drop for MountedWidget {
    fn drop(&mut self) {
        self.root.remove();
    }
}

impl MountedWidget {
    pub fn query(&self, selector: &str) -> Option<Element> {
        self.root.query_selector(selector).unwrap()
    }

    pub fn query_all(&self, selector: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(selector).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .map(|node| node.unchecked_into())
            .collect()
    }

    pub fn text(&self, selector: &str) -> String {
        self.query(selector)
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }
}

/// Mounts the widget with these attributes, as the custom element would.
pub fn mount_widget(attributes: &[(&str, &str)]) -> MountedWidget {
    let attributes: Vec<(String, String)> = attributes
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let config = WidgetConfig::from_attributes(|name| {
        attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    });
    let root = fresh_container();
    // Events go to the container, where tests listen like a host page would.
    let host = Host::new(Some(root.clone()));
    let handle = mount_to(root.clone(), move || {
        let config = config.map(RwSignal::new);
        view! { <OfferWidget config host/> }.into_any()
    });
    MountedWidget {
        root,
        _handle: handle,
    }
}

/// Polls until `condition` holds, yielding to the browser between checks; panics with `what`
/// after `deadline_ms`.
/// Mounts the widget with `attributes` (the two scripted offers), records its events, chooses
/// the first offer and waits until its price shows `price`.
pub async fn mount_and_choose_first(attributes: &[(&str, &str)], price: &str) -> MountedWidget {
    let widget = mount_widget(attributes);
    record_events(&widget.root);
    wait_until("the offers", 3_000.0, || {
        widget.query_all("[role=radio]").len() == 2
    })
    .await;
    click(&widget.query_all("[role=radio]")[0]);
    wait_until("the price", 3_000.0, || {
        widget.text(".pgo-price__total").contains(price)
    })
    .await;
    widget
}

pub async fn wait_until(what: &str, deadline_ms: f64, condition: impl Fn() -> bool) {
    let start = js_sys::Date::now();
    loop {
        leptos::task::tick().await;
        if condition() {
            return;
        }
        if js_sys::Date::now() - start > deadline_ms {
            panic!("timed out after {deadline_ms} ms waiting for {what}");
        }
        TimeoutFuture::new(10).await;
    }
}

/// Every texts file as the build serves it (`locales/` beside the loader).
pub const TEXTS: [(&str, &str); 8] = [
    ("cs", include_str!("../../core/locales/cs.json")),
    ("de", include_str!("../../core/locales/de.json")),
    ("en", include_str!("../../core/locales/en.json")),
    ("es", include_str!("../../core/locales/es.json")),
    ("fr", include_str!("../../core/locales/fr.json")),
    ("it", include_str!("../../core/locales/it.json")),
    ("nl", include_str!("../../core/locales/nl.json")),
    ("pl", include_str!("../../core/locales/pl.json")),
];

/// Answers the widget's requests for texts files with the real files. (A language's texts are
/// fetched once per page, so most tests never ask.)
pub fn serve_texts() {
    for (language, json) in TEXTS {
        Fetch::respond(&format!("locales/{language}.json"), 200, json);
    }
}

/// The locale the widget makes for `tag`, its texts served as the build serves them.
pub async fn load_locale(tag: &str) -> perfectgym_offers::core::Locale {
    serve_texts();
    perfectgym_offers::locale::load(tag).await
}

/// A host event as a listener saw it.
#[derive(Debug, Clone, Deserialize)]
pub struct SeenEvent {
    pub name: String,
    /// `event.detail` as JSON.
    pub detail: String,
    pub bubbles: bool,
    pub composed: bool,
}

pub fn events() -> Vec<SeenEvent> {
    from_js(&recorded_events()).expect("the recorded events")
}

/// What the host's payment provider was asked, as JSON texts.
pub fn payment_requests() -> Vec<String> {
    from_js(&payment_calls()).expect("the payment calls")
}

/// Sets an input's value and fires the bubbling `event` a visitor's edit would.
fn set_input(input: &Element, value: &str, event: &str) {
    let input: &web_sys::HtmlInputElement = input.unchecked_ref();
    input.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&web_sys::Event::new_with_event_init_dict(event, &init).unwrap())
        .unwrap();
}

/// Types `text` into `input` as a visitor would.
pub fn type_into(input: &Element, text: &str) {
    set_input(input, text, "input");
}

/// Sets a date input as a visitor's date picker would.
pub fn change_date(input: &Element, date: &str) {
    set_input(input, date, "change");
}

/// A catalogue of two offers, "Day Ticket Adult" (12345, €20, with the detail fixture) and
/// "Trial Week" (2, €29), on a fresh scripted `fetch`.
pub fn script_two_offers() {
    Fetch::reset();
    Fetch::respond(
        "/v1/online-offers/purchasable?",
        200,
        &offer_page(
            &[(12345, "Day Ticket Adult", "20"), (2, "Trial Week", "29")],
            None,
        ),
    );
    Fetch::respond(
        "/purchasable/12345",
        200,
        include_str!("../../fixtures/offer-detail.json"),
    );
}

/// A key press on `element`.
pub fn press(element: &Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    element
        .dispatch_event(
            &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap(),
        )
        .unwrap();
}

pub fn click(element: &Element) {
    element.unchecked_ref::<HtmlElement>().click();
}

/// What the stand-in payment component was started with, as JSON texts.
pub fn vendor_calls() -> Vec<String> {
    from_js(&vendor_calls_js()).expect("the vendor calls")
}

/// What the test page's script recorded, read through its JSON text.
fn from_js<T: serde::de::DeserializeOwned>(value: &JsValue) -> Option<T> {
    let text = js_sys::JSON::stringify(value).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}
