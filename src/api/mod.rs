//! The HTTP client of the six online-offer operations, over gloo-net, against the gym's proxy.
//!
//! It requests `{api_base}` + the vendor's own paths and query names, so any proxy that forwards
//! those paths and adds the key works. JSON is parsed by the browser's `JSON.parse` and read by
//! core's wire reader ([`json`]), which keeps a JSON parser out of the wasm bundle. Lists are read
//! item by item: an item that cannot be read is left out and named, never the whole list.

pub mod json;

use std::future::Future;
use std::pin::pin;

use futures_util::future::{select, Either};
use gloo_net::http::{Method, RequestBuilder};
use gloo_timers::future::TimeoutFuture;
use perfectgym_offers_core::checkout::PurchaseClient;
use perfectgym_offers_core::error::RetryPolicy;
use perfectgym_offers_core::model::{
    paths, OfferPage, OnlineOffer, PageOffset, PaymentSession, PaymentSessionRequest,
    PurchasePreview, PurchasePreviewRequest, PurchaseRequest, PurchaseResult, PurchasedOffer,
    Readable, VendorErrorBody, PAYMENT_CURRENCY_HEADER, PAYMENT_OFFER_HEADER,
    PAYMENT_VOUCHER_HEADER, SLICE_SIZE_MAX,
};
use perfectgym_offers_core::paging::fetch_pages_showing;
use perfectgym_offers_core::wire::{FromJson, ToJson};
use perfectgym_offers_core::ApiError;
use wasm_bindgen::JsValue;

use crate::embed::host::prefetched;

/// No answer of this API is anywhere near this size; a larger body is refused before parsing.
pub const MAX_BODY_CHARS: usize = 2 * 1024 * 1024;
/// How long one request may take, body included, before it is aborted.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

/// A client for one proxy base URL and one visitor locale.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiClient {
    base: String,
    /// The element's exact tag (`de-CH`), sent as `Accept-Language` so the vendor's own messages
    /// come back in it.
    language: String,
    /// Sent as `X-Customer-Token` when the proxy binds customers.
    customer_token: Option<String>,
    timeout_ms: u32,
    retry: RetryPolicy,
}

impl ApiClient {
    /// `api_base` is the proxy's mount point, e.g. `/pg-proxy` or `https://gym.example/pg-proxy`.
    pub fn new(api_base: &str, language: &str) -> ApiClient {
        ApiClient {
            base: api_base.trim().trim_end_matches('/').to_owned(),
            language: language.to_owned(),
            customer_token: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            retry: RetryPolicy::default(),
        }
    }

    pub fn with_customer_token(mut self, token: Option<String>) -> ApiClient {
        self.customer_token = token;
        self
    }

    pub fn with_timeout_ms(mut self, timeout_ms: u32) -> ApiClient {
        self.timeout_ms = timeout_ms;
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> ApiClient {
        self.retry = retry;
        self
    }

    /// One slice of the purchasable offers.
    pub async fn purchasable_page(
        &self,
        offset: &PageOffset,
        slice_size: u32,
    ) -> Result<OfferPage, ApiError> {
        let page = self.get(&paths::purchasable(offset, slice_size)).await;
        page.map_err(|error| match error {
            // The list always exists: a 404 means nothing answers at `api-base` (a wrong path,
            // a proxy not deployed yet), not an offer gone.
            ApiError::Http { status: 404, .. } => ApiError::Config {
                cause: format!(
                    "the offer list at {} answered {error}: is api-base where the proxy is?",
                    self.base
                ),
            },
            error => error,
        })
    }

    /// Every purchasable offer, following the pages to the end; `so_far` sees the offers
    /// gathered after each page but the last.
    pub async fn all_purchasable(
        &self,
        so_far: impl FnMut(&[OnlineOffer]),
    ) -> Result<Readable<OnlineOffer>, ApiError> {
        fetch_pages_showing(
            |offset| async move { self.purchasable_page(&offset, SLICE_SIZE_MAX).await },
            so_far,
        )
        .await
    }

    /// One offer with its restrictions and payment methods.
    pub async fn offer_detail(&self, offer_id: i64) -> Result<OnlineOffer, ApiError> {
        self.get(&paths::purchasable_offer(offer_id)).await
    }

    /// What the visitor would pay, with or without a voucher. Never retried.
    pub async fn preview(
        &self,
        request: &PurchasePreviewRequest,
    ) -> Result<PurchasePreview, ApiError> {
        self.post(&paths::purchase_preview(), request, &[]).await
    }

    /// Buys the offer. Never retried: a second send could charge twice.
    pub async fn purchase(&self, request: &PurchaseRequest) -> Result<PurchaseResult, ApiError> {
        self.post(&paths::purchase(), request, &[]).await
    }

    /// The customer's purchased offers.
    pub async fn purchased(&self, customer_id: i64) -> Result<Readable<PurchasedOffer>, ApiError> {
        let list = self.get(&paths::purchased(customer_id)).await;
        list.map_err(|error| match error {
            // Only the customer is named here: a customer with no purchases has an empty list.
            ApiError::Http { status: 404, body } => ApiError::UnknownCustomer { body },
            error => error,
        })
    }

    /// The customer's purchases of one offer.
    pub async fn purchased_offer(
        &self,
        customer_id: i64,
        offer_id: i64,
    ) -> Result<Readable<PurchasedOffer>, ApiError> {
        self.get(&paths::purchased_offer(customer_id, offer_id))
            .await
    }

    /// A payment session for the vendor's payment component, for the price of `offer_id` with
    /// `voucher` in `currency` (named in headers, so the gym's proxy can check the amount).
    /// Never retried.
    pub async fn payment_session(
        &self,
        request: &PaymentSessionRequest,
        offer_id: i64,
        voucher: Option<&str>,
        currency: &str,
    ) -> Result<PaymentSession, ApiError> {
        let offer_id = offer_id.to_string();
        let mut headers = vec![
            (PAYMENT_OFFER_HEADER, offer_id.as_str()),
            (PAYMENT_CURRENCY_HEADER, currency),
        ];
        if let Some(voucher) = voucher {
            headers.push((PAYMENT_VOUCHER_HEADER, voucher));
        }
        self.post(&paths::payment_session(), request, &headers)
            .await
    }

    /// A GET, sent again with backoff after network errors and 5xx answers.
    async fn get<T: FromJson>(&self, path: &str) -> Result<T, ApiError> {
        let mut attempt = 1;
        loop {
            let error = match self.send(Method::GET, path, None, &[]).await {
                Ok(value) => match decode(value) {
                    Ok(decoded) => return Ok(decoded),
                    Err(error) => error,
                },
                Err(error) => error,
            };
            attempt += 1;
            match self.retry.delay_before(attempt, &error) {
                Some(delay_ms) => TimeoutFuture::new(delay_ms).await,
                None => return Err(error),
            }
        }
    }

    async fn post<B: ToJson, T: FromJson>(
        &self,
        path: &str,
        body: &B,
        headers: &[(&str, &str)],
    ) -> Result<T, ApiError> {
        let body = json::JsObject::of(body)
            .to_json_text()
            .ok_or_else(|| ApiError::Config {
                cause: format!("request body for {path} could not be encoded"),
            })?;
        decode(self.send(Method::POST, path, Some(body), headers).await?)
    }

    /// Sends one request and returns the parsed JSON of a 2xx answer. The whole exchange, body
    /// included, is bounded by the timeout; on timeout the request is aborted.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        headers: &[(&str, &str)],
    ) -> Result<JsValue, ApiError> {
        let url = format!("{}{path}", self.base);
        // The browser's `Headers` throws for a value it cannot send, and gloo-net passes that
        // throw through the wasm: refuse such a value (a pasted token or voucher) instead.
        let token = self.customer_token.as_deref();
        let mut values = headers
            .iter()
            .copied()
            .chain(token.map(|t| ("X-Customer-Token", t)));
        if let Some((name, _)) = values.find(|(_, value)| !sendable(value)) {
            return Err(ApiError::Config {
                cause: format!("the {name} header cannot carry its value: a character above U+00FF or a line break"),
            });
        }
        let is_get = method == Method::GET;
        let deadline = Deadline::after(self.timeout_ms);
        let signal = deadline.signal();
        let mut builder = RequestBuilder::new(&url)
            .method(method)
            .header("Accept", "application/json")
            .header("Accept-Language", &self.language)
            .abort_signal(signal.as_ref());
        if let Some(token) = &self.customer_token {
            builder = builder.header("X-Customer-Token", token);
        }
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let request = match body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(body),
            None => builder.build(),
        }
        .map_err(|error| ApiError::Config {
            cause: format!("request to {path} could not be built: {error}"),
        })?;
        let exchange = async {
            // The loader may have asked exactly this while the wasm loaded.
            if is_get {
                if let Some(answer) = prefetched(&self.language, &url).await {
                    return Ok(answer);
                }
            }
            let response = request.send().await.map_err(|error| ApiError::Network {
                cause: error.to_string(),
            })?;
            let status = response.status();
            let text = response.text().await.map_err(|error| ApiError::Network {
                cause: format!("body of HTTP {status} broke off: {error}"),
            })?;
            Ok::<_, ApiError>((status, text))
        };
        let Some(outcome) = deadline.run(exchange).await else {
            return Err(ApiError::Timeout {
                after_ms: self.timeout_ms,
            });
        };
        let (status, text) = outcome?;
        if !(200..300).contains(&status) {
            let body = parse_json(&text)
                .ok()
                .and_then(|v| decode::<VendorErrorBody>(v).ok());
            return Err(ApiError::from_status(status, body));
        }
        parse_json(&text)
    }
}

impl PurchaseClient for ApiClient {
    async fn purchase(&self, request: &PurchaseRequest) -> Result<PurchaseResult, ApiError> {
        ApiClient::purchase(self, request).await
    }

    async fn purchases_of_offer(
        &self,
        customer_id: i64,
        offer_id: i64,
    ) -> Result<Readable<PurchasedOffer>, ApiError> {
        self.purchased_offer(customer_id, offer_id).await
    }
}

/// Reads a 2xx body as the widget does: the browser's `JSON.parse`, then core's wire reader.
pub fn decode_body<T: FromJson>(text: &str) -> Result<T, ApiError> {
    decode(parse_json(text)?)
}

/// A request's time limit and the abort signal it fires: a request given the signal and run
/// through [`Deadline::run`] is aborted when the time is up, not left to finish unseen.
pub(crate) struct Deadline {
    controller: Option<web_sys::AbortController>,
    timeout_ms: u32,
}

impl Deadline {
    pub(crate) fn after(timeout_ms: u32) -> Deadline {
        Deadline {
            controller: web_sys::AbortController::new().ok(),
            timeout_ms,
        }
    }

    /// The signal to send the request with.
    pub(crate) fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.controller.as_ref().map(|c| c.signal())
    }

    /// Runs `future` for at most the time limit; `None` (and the request aborted) when time ran
    /// out first.
    pub(crate) async fn run<T>(self, future: impl Future<Output = T>) -> Option<T> {
        match select(pin!(future), TimeoutFuture::new(self.timeout_ms)).await {
            Either::Left((output, _)) => Some(output),
            Either::Right(_) => {
                if let Some(controller) = self.controller {
                    controller.abort();
                }
                None
            }
        }
    }
}

/// Whether the browser sends `value` as a header: a byte string (no character above U+00FF,
/// whose UTF-8 starts with a byte from 0xC4 on) without NUL, CR or LF.
fn sendable(value: &str) -> bool {
    !value
        .bytes()
        .any(|b| matches!(b, 0 | b'\r' | b'\n' | 0xC4..))
}

fn parse_json(text: &str) -> Result<JsValue, ApiError> {
    if text.len() > MAX_BODY_CHARS {
        return Err(ApiError::Decode {
            cause: format!("body of {} bytes is over the limit", text.len()),
        });
    }
    js_sys::JSON::parse(text).map_err(|error| ApiError::Decode {
        cause: format!("not JSON: {}", js_error_text(&error)),
    })
}

fn decode<T: FromJson>(value: JsValue) -> Result<T, ApiError> {
    T::from_json(&json::ParsedJson(value)).map_err(|error| ApiError::Decode { cause: error.0 })
}

/// What a value JS threw says: an `Error`'s message, a thrown string, or the value as JSON.
pub(crate) fn js_error_text(error: &JsValue) -> String {
    // `Reflect` rather than `Error::message`: reading `message` of null or undefined throws.
    js_sys::Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|message| message.as_string())
        .or_else(|| error.as_string())
        .or_else(|| js_sys::JSON::stringify(error).ok()?.as_string())
        .unwrap_or_else(|| "a value JSON cannot show".to_owned())
}
