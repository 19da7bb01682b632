//! The host page side of one widget: the events it hears, the payment provider it may offer, and
//! the browser facts (today, clipboard) the views need.

use perfectgym_offers_core::dates::parse_date;
use send_wrapper::SendWrapper;
use serde::{Deserialize, Serialize};
use time::Date;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlElement;

#[wasm_bindgen(module = "/src/embed/host.js")]
extern "C" {
    #[wasm_bindgen(js_name = todayIn)]
    fn today_in(time_zone: Option<String>) -> String;
    #[wasm_bindgen(js_name = emitEvent)]
    fn emit_event(element: &HtmlElement, name: &str, detail: JsValue);
    #[wasm_bindgen(js_name = askPaymentProvider)]
    fn ask_payment_provider(element: Option<HtmlElement>, details: JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = copyText)]
    fn copy_text(text: &str) -> js_sys::Promise;
}

/// The events a host page can listen to (all bubble and cross the shadow boundary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostEvent {
    Ready,
    OfferSelected,
    VoucherApplied,
    VoucherRejected,
    SignInRequired,
    PurchaseCompleted,
    Error,
}

impl HostEvent {
    pub fn name(self) -> &'static str {
        match self {
            HostEvent::Ready => "perfectgym-offers:ready",
            HostEvent::OfferSelected => "perfectgym-offers:offer-selected",
            HostEvent::VoucherApplied => "perfectgym-offers:voucher-applied",
            HostEvent::VoucherRejected => "perfectgym-offers:voucher-rejected",
            HostEvent::SignInRequired => "perfectgym-offers:sign-in-required",
            HostEvent::PurchaseCompleted => "perfectgym-offers:purchase-completed",
            HostEvent::Error => "perfectgym-offers:error",
        }
    }
}

/// What the host's `paymentTokenProvider` receives.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentDetails {
    pub offer_id: i64,
    pub customer_id: i64,
    /// Major units as a decimal string ("16.00" is sent as "16"), never a float.
    pub amount: String,
    pub currency: String,
    /// `yyyy-MM-dd`.
    pub valid_from: String,
}

/// What the host's provider did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentOutcome {
    Token(String),
    Cancelled,
    /// The page set no provider.
    NoProvider,
}

#[derive(Deserialize)]
struct ProviderAnswer {
    token: Option<String>,
}

/// The element a widget lives in (absent when mounted without one).
#[derive(Clone)]
pub struct Host(SendWrapper<Option<HtmlElement>>);

impl Host {
    pub fn new(element: Option<HtmlElement>) -> Host {
        Host(SendWrapper::new(element))
    }

    /// Dispatches `event` with a JSON-friendly `detail`.
    pub fn emit<T: Serialize>(&self, event: HostEvent, detail: &T) {
        let Some(element) = self.0.as_ref() else {
            return;
        };
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        let detail = detail.serialize(&serializer).unwrap_or(JsValue::NULL);
        emit_event(element, event.name(), detail);
    }

    /// Asks the host page's `paymentTokenProvider` for a token.
    pub async fn payment_token(&self, details: &PaymentDetails) -> PaymentOutcome {
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        let Ok(details) = details.serialize(&serializer) else {
            return PaymentOutcome::Cancelled;
        };
        let answer = JsFuture::from(ask_payment_provider((*self.0).clone(), details)).await;
        match answer {
            Ok(value) if value.is_null() || value.is_undefined() => PaymentOutcome::NoProvider,
            Ok(value) => match serde_wasm_bindgen::from_value::<ProviderAnswer>(value) {
                Ok(ProviderAnswer { token: Some(token) }) => PaymentOutcome::Token(token),
                _ => PaymentOutcome::Cancelled,
            },
            Err(_) => PaymentOutcome::Cancelled,
        }
    }
}

/// Today in the studio's time zone (the `time-zone` attribute), or the visitor's.
pub fn today(time_zone: Option<&str>) -> Date {
    let text = today_in(time_zone.map(str::to_owned));
    parse_date(&text).unwrap_or_else(|| {
        let now = js_sys::Date::new_0();
        perfectgym_offers_core::dates::date_at(now.get_time(), -(now.get_timezone_offset() as i32))
            .unwrap_or(Date::MIN)
    })
}

/// Copies `text`; whether it worked.
pub async fn copy_to_clipboard(text: &str) -> bool {
    JsFuture::from(copy_text(text))
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}
