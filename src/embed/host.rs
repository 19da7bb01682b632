//! The host page side of one widget: the events it hears, the payment provider it may offer, and
//! the browser facts (today, clipboard) the views need.

use perfectgym_offers_core::dates::parse_date;
use perfectgym_offers_core::widget_config::PaymentConfig;
use perfectgym_offers_core::wire::{
    object, optional, or_default, FromJson, Json, JsonObject, ToJson, WireError,
};
use perfectgym_offers_core::{ApiError, Locale, StudioDateTime};
use send_wrapper::SendWrapper;
use time::Date;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlElement;

use crate::api::json::{JsObject, ParsedJson};
use crate::embed::events::HostEvent;

#[wasm_bindgen(module = "/src/embed/host.js")]
extern "C" {
    #[wasm_bindgen(js_name = dateIn)]
    fn date_in(time_zone: Option<String>, millis: f64) -> String;
    #[wasm_bindgen(js_name = emitEvent)]
    fn emit_event(element: &HtmlElement, name: &str, detail: JsValue);
    #[wasm_bindgen(js_name = askPaymentProvider)]
    fn ask_payment_provider(element: Option<HtmlElement>, details: JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = copyText)]
    fn copy_text(text: &str, button: Option<web_sys::Element>) -> js_sys::Promise;
    #[wasm_bindgen(js_name = mountVendorPayment)]
    fn mount_vendor_payment(
        element: &HtmlElement,
        script: Option<String>,
        options: JsValue,
    ) -> js_sys::Promise;
    #[wasm_bindgen(js_name = cancelVendorPayment)]
    fn cancel_vendor_payment(element: &HtmlElement);
    /// The tab's `sessionStorage` (`None` where the browser refuses it).
    #[wasm_bindgen(js_name = storageGet)]
    pub fn storage_get(key: &str) -> Option<String>;
    #[wasm_bindgen(js_name = storageSet)]
    pub fn storage_set(key: &str, value: Option<String>);
    #[wasm_bindgen(js_name = takePrefetched)]
    fn take_prefetched(key: &str) -> Option<js_sys::Promise>;
}

#[wasm_bindgen(module = "/src/embed/element.js")]
extern "C" {
    #[wasm_bindgen(js_name = revealWidget)]
    fn reveal_widget(element: &HtmlElement);
}

/// The answer embed.js already fetched for a GET of `url` in `language` while the wasm loaded
/// (taken once): its status and body text. `None` when there is none or it failed, and the
/// caller asks the network itself.
pub async fn prefetched(language: &str, url: &str) -> Option<(u16, String)> {
    let answer = JsFuture::from(take_prefetched(&format!("{language} {url}"))?)
        .await
        .ok()?;
    let field = |name: &str| js_sys::Reflect::get(&answer, &JsValue::from_str(name)).ok();
    let status = field("status")?.as_f64()?;
    let text = field("text")?.as_string()?;
    Some((status as u16, text))
}

/// What the host's `paymentTokenProvider` receives.
#[derive(Debug, Clone)]
pub struct PaymentDetails {
    pub offer_id: i64,
    pub customer_id: i64,
    /// Major units as a decimal string ("16.00" is sent as "16"), never a float.
    pub amount: String,
    pub currency: String,
    /// `yyyy-MM-dd`.
    pub valid_from: String,
}

impl ToJson for PaymentDetails {
    fn write_json(&self, out: &mut impl JsonObject) {
        out.set_integer("offerId", self.offer_id);
        out.set_integer("customerId", self.customer_id);
        out.set_string("amount", &self.amount);
        out.set_string("currency", &self.currency);
        out.set_string("validFrom", &self.valid_from);
    }
}

/// What a payment (the host's provider or the vendor's component) came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentOutcome {
    Token(String),
    Cancelled,
    /// The page set no provider (ask the vendor's component instead).
    NoProvider,
    /// The vendor's component could not be loaded or started.
    Unavailable,
    /// The gym's proxy refused a payment session for this amount: the price is no longer it.
    PriceChanged,
    /// The payment session could not be opened (an expired customer token, the tenant busy…).
    SessionFailed(ApiError),
}

/// What the page's payment provider resolved with: `{ token }` once paid, `{ unavailable: true }`
/// when it could not start.
struct PaymentAnswer {
    token: Option<String>,
    unavailable: bool,
}

impl FromJson for PaymentAnswer {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a payment answer")?;
        Ok(PaymentAnswer {
            token: optional(json, &["token"])?,
            unavailable: or_default(json, &["unavailable"])?,
        })
    }
}

impl PaymentAnswer {
    fn outcome(answer: Result<JsValue, JsValue>, when_null: PaymentOutcome) -> PaymentOutcome {
        match answer {
            Ok(value) if value.is_null() || value.is_undefined() => when_null,
            Ok(value) => match PaymentAnswer::from_json(&ParsedJson(value)) {
                Ok(PaymentAnswer {
                    token: Some(token), ..
                }) => PaymentOutcome::Token(token),
                Ok(PaymentAnswer {
                    unavailable: true, ..
                }) => PaymentOutcome::Unavailable,
                _ => PaymentOutcome::Cancelled,
            },
            Err(_) => PaymentOutcome::Cancelled,
        }
    }
}

/// The element a widget lives in (absent when mounted without one).
#[derive(Clone)]
pub struct Host(SendWrapper<Option<HtmlElement>>);

impl Host {
    pub fn new(element: Option<HtmlElement>) -> Host {
        Host(SendWrapper::new(element))
    }

    /// Takes away the loading skeleton embed.js showed, uncovering the widget: once the
    /// catalogue (or an error in its place) is there to be seen.
    pub fn reveal(&self) {
        if let Some(element) = self.0.as_ref() {
            reveal_widget(element);
        }
    }

    /// Dispatches `event` with its detail, as plain JSON-like values.
    pub fn emit(&self, event: HostEvent) {
        let Some(element) = self.0.as_ref() else {
            return;
        };
        emit_event(element, event.name(), event.detail());
    }

    /// Asks the host page's `paymentTokenProvider` for a token.
    pub async fn payment_token(&self, details: &PaymentDetails) -> PaymentOutcome {
        let answer = JsFuture::from(ask_payment_provider(
            (*self.0).clone(),
            JsObject::of(details).into(),
        ))
        .await;
        PaymentAnswer::outcome(answer, PaymentOutcome::NoProvider)
    }

    /// Mounts the vendor's payment component for a session and waits for its token.
    pub async fn vendor_payment(
        &self,
        session_token: &str,
        payment: &PaymentConfig,
        locale: Locale,
    ) -> PaymentOutcome {
        let Some(element) = self.0.as_ref() else {
            return PaymentOutcome::Unavailable;
        };
        // What `paymentWidget.init` receives besides its container and callbacks.
        let mut options = JsObject::new();
        options.set_string("userSessionToken", session_token);
        options.set_optional_string("environment", payment.environment.as_deref());
        options.set_optional_string("countryCode", payment.country.as_deref());
        options.set_string("locale", locale.tag());
        let answer = JsFuture::from(mount_vendor_payment(
            element,
            payment.script.clone(),
            options.into(),
        ))
        .await;
        PaymentAnswer::outcome(answer, PaymentOutcome::Unavailable)
    }

    /// Closes the vendor's payment component, if one is open (its wait ends as cancelled).
    pub fn cancel_payment(&self) {
        if let Some(element) = self.0.as_ref() {
            cancel_vendor_payment(element);
        }
    }
}

/// Today in the studio's time zone (the `time-zone` attribute), or the visitor's.
pub fn today(time_zone: Option<&str>) -> Date {
    let now = js_sys::Date::now();
    parse_date(&date_in(time_zone.map(str::to_owned), now)).unwrap_or(Date::MIN)
}

/// The studio's calendar date of a vendor timestamp, however its offset is written (a tenant may
/// write the studio's midnight as `23:00Z` the day before): in the zone the timestamp names,
/// else the `time-zone` attribute's, else the visitor's. A bare date stays as written.
pub fn studio_date(moment: &StudioDateTime, time_zone: Option<&str>) -> Date {
    if moment.is_date_only() {
        return moment.date();
    }
    let zone = moment.zone().or(time_zone).map(str::to_owned);
    parse_date(&date_in(zone, moment.unix_seconds() as f64 * 1000.0)).unwrap_or(moment.date())
}

/// Copies `text`; whether it worked. Where it did not, the code shown beside `button` (in its
/// parent) is selected for the visitor to copy.
pub async fn copy_to_clipboard(text: &str, button: Option<web_sys::Element>) -> bool {
    JsFuture::from(copy_text(text, button))
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}
