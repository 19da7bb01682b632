//! Helpers shared by the browser tests: a scripted `fetch`, mounting, and waiting for the DOM.
#![allow(dead_code)] // each test file uses a different part

use gloo_timers::future::TimeoutFuture;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyViewState;
use perfectgym_offers::core::widget_config::WidgetConfig;
use perfectgym_offers::core::Locale;
use perfectgym_offers::ui::OfferWidget;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

#[wasm_bindgen(module = "/tests/support/fetch_stub.js")]
extern "C" {
    #[wasm_bindgen(js_name = stubReset)]
    fn stub_reset();
    #[wasm_bindgen(js_name = stubRoute)]
    fn stub_route(pattern: &str, kind: &str, status: u16, body: &str, delay_ms: u32, times: i32);
    #[wasm_bindgen(js_name = stubRequests)]
    fn stub_requests() -> JsValue;
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
    pub body: Option<String>,
    pub aborted: bool,
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
        stub_route(pattern, "respond", status, body, 0, -1);
    }

    /// The next request only.
    pub fn respond_once(pattern: &str, status: u16, body: &str) {
        stub_route(pattern, "respond", status, body, 0, 1);
    }

    /// Every request, after `delay_ms`.
    pub fn respond_after(pattern: &str, delay_ms: u32, status: u16, body: &str) {
        stub_route(pattern, "respond", status, body, delay_ms, -1);
    }

    /// The next `times` requests fail as if the network were down.
    pub fn network_error(pattern: &str, times: i32) {
        stub_route(pattern, "network", 0, "", 0, times);
    }

    /// Requests get no answer until they are aborted.
    pub fn hang(pattern: &str) {
        stub_route(pattern, "hang", 0, "", 0, -1);
    }

    pub fn requests() -> Vec<SeenRequest> {
        serde_wasm_bindgen::from_value(stub_requests()).expect("the stub's request log")
    }
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
    let handle = mount_to(root.clone(), move || {
        view! { <OfferWidget config/> }.into_any()
    });
    MountedWidget {
        root,
        _handle: handle,
    }
}

/// Polls until `condition` holds, yielding to the browser between checks; panics with `what`
/// after `deadline_ms`.
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

pub fn tag(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "en-US",
        Locale::De => "de-DE",
    }
}
