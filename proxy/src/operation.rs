//! The allowlist: the six online-offer operations, each checked and rebuilt from its parts, so
//! only these exact requests can ever reach the tenant.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use perfectgym_offers_core::checkout::MAX_VOUCHER_LEN;
use perfectgym_offers_core::i18n::texts_file;
use perfectgym_offers_core::model::{
    paths, PageOffset, PaymentSessionRequest, PurchasePreview, PurchasePreviewRequest,
    PurchaseRequest, PAYMENT_CURRENCY_HEADER, PAYMENT_OFFER_HEADER, PAYMENT_SCOPE_ECOM,
    PAYMENT_VOUCHER_HEADER, SLICE_SIZE_DEFAULT, SLICE_SIZE_MAX, SLICE_SIZE_MIN,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::customer_token::{self, TokenError};
use crate::http_cache::catalogue_response;
use crate::reply::Reply;
use crate::ApiState;

/// One allowed call, with its parameters already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    ListPurchasable {
        offset: PageOffset,
        slice_size: u32,
    },
    OfferDetail {
        offer_id: i64,
    },
    Preview(PurchasePreviewRequest),
    Purchase(PurchaseRequest),
    Purchased {
        customer_id: i64,
    },
    PurchasedOffer {
        customer_id: i64,
        offer_id: i64,
    },
    /// A payment session for the vendor's payment component (web shop scope only).
    PaymentSession(PaymentSessionRequest),
}

impl Operation {
    /// The vendor path (and query) this operation is sent to.
    pub fn path(&self) -> String {
        match self {
            Operation::ListPurchasable { offset, slice_size } => {
                paths::purchasable(offset, *slice_size)
            }
            Operation::OfferDetail { offer_id } => paths::purchasable_offer(*offer_id),
            Operation::Preview(_) => paths::purchase_preview(),
            Operation::Purchase(_) => paths::purchase(),
            Operation::Purchased { customer_id } => paths::purchased(*customer_id),
            Operation::PurchasedOffer {
                customer_id,
                offer_id,
            } => paths::purchased_offer(*customer_id, *offer_id),
            Operation::PaymentSession(_) => paths::payment_session(),
        }
    }

    /// The customer the operation reads or acts for, if any.
    pub fn customer_id(&self) -> Option<i64> {
        match self {
            Operation::ListPurchasable { .. } | Operation::OfferDetail { .. } => None,
            Operation::Preview(request) => Some(request.customer_id),
            Operation::Purchase(request) => Some(request.customer_id),
            Operation::Purchased { customer_id }
            | Operation::PurchasedOffer { customer_id, .. } => Some(*customer_id),
            Operation::PaymentSession(request) => Some(request.customer_id),
        }
    }

    /// The public catalogue, the same for every visitor: safe to cache.
    pub fn is_catalogue_read(&self) -> bool {
        matches!(
            self,
            Operation::ListPurchasable { .. } | Operation::OfferDetail { .. }
        )
    }
}

/// The reads: catalogue and purchased offers. Anything not routed falls through to 404.
pub fn read_routes() -> Router<ApiState> {
    Router::new()
        .route("/v1/online-offers/purchasable", get(list_purchasable))
        .route(
            "/v1/online-offers/purchasable/{offer_id}",
            get(offer_detail),
        )
        .route("/v1/online-offers/{customer_id}/purchased", get(purchased))
        .route(
            "/v1/online-offers/{customer_id}/purchased/{offer_id}",
            get(purchased_offer),
        )
}

/// The writes, which are rate limited per client: previews, purchases, payment sessions.
pub fn write_routes() -> Router<ApiState> {
    Router::new()
        .route(
            "/v1/online-offers/purchase/preview",
            post(offer_request::<PurchasePreviewRequest>),
        )
        .route(
            "/v1/online-offers/purchase",
            post(offer_request::<PurchaseRequest>),
        )
        .route("/v1/payments/user-session", post(payment_session))
}

#[derive(Deserialize)]
struct ListQuery {
    offset: Option<String>,
    #[serde(rename = "sliceSize")]
    slice_size: Option<String>,
}

fn bad_request(message: &str) -> Reply {
    Reply::error(StatusCode::BAD_REQUEST, "PROXY_BAD_REQUEST", message)
}

fn positive_id(value: i64, name: &str) -> Result<i64, Reply> {
    if value > 0 {
        Ok(value)
    } else {
        Err(bad_request(&format!("{name} must be a positive integer")))
    }
}

/// The visitor's `Accept-Language` reduced to the one language the widget offers that the
/// visitor prefers most (its primary subtag, e.g. `de`), or nothing: what becomes part of a
/// cache key and goes upstream. Made-up values cannot make the tenant answer the same page
/// again, and nothing the browser wrote reaches the tenant.
pub fn accept_language(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    offered_language(value).map(str::to_owned)
}

/// The most preferred offered language of an `Accept-Language` list (RFC 9110 weights; the
/// first of equal weights wins).
pub fn offered_language(list: &str) -> Option<&'static str> {
    let mut choices: Vec<(u16, &'static str)> = list
        .split(',')
        .take(32)
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let weight = match parts.next().map(str::trim) {
                None => 1000,
                Some(q) => quality(q.strip_prefix("q=")?)?,
            };
            let primary = tag.split(['-', '_']).next()?;
            // The widget's own texts files decide what is offered; it falls back to English
            // for anything else, so only a language that has its own file is offered.
            let language = texts_file(primary);
            (weight > 0 && language.eq_ignore_ascii_case(primary)).then_some((weight, language))
        })
        .collect();
    choices.sort_by_key(|(weight, _)| std::cmp::Reverse(*weight));
    choices.first().map(|(_, tag)| *tag)
}

/// An RFC 9110 quality value (`0` to `1` with up to three decimals) in thousandths.
fn quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

async fn answer(
    state: &ApiState,
    operation: Result<Operation, Reply>,
    headers: &HeaderMap,
) -> Reply {
    let operation = match operation {
        Ok(operation) => operation,
        Err(refusal) => return refusal,
    };
    if operation.customer_id().is_some() && state.binding.is_none() && !state.customer_routes_open {
        return Reply::error(
            StatusCode::FORBIDDEN,
            "PROXY_CUSTOMER_BINDING_REQUIRED",
            "This proxy does not serve customer data without customer binding",
        );
    }
    if let (Some(binding), Some(customer_id)) = (&state.binding, operation.customer_id()) {
        let token = headers
            .get(customer_token::HEADER)
            .and_then(|v| v.to_str().ok());
        if let Err(error) = binding.verify(token, customer_id, crate::unix_seconds()) {
            let status = if error == TokenError::Missing {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::FORBIDDEN
            };
            return Reply::error(status, "PROXY_CUSTOMER_TOKEN", &error.to_string());
        }
    }
    if let Operation::PaymentSession(request) = &operation {
        if let Err(refusal) = check_session_price(state, request, headers).await {
            return refusal;
        }
    }
    state
        .tenant
        .answer(operation, accept_language(headers), &state.metrics)
        .await
}

/// A payment session is opened only for what the named offer costs this customer now: the
/// proxy previews the offer (with the named voucher) and compares. Otherwise a visitor could
/// open sessions for any amount they like.
async fn check_session_price(
    state: &ApiState,
    request: &PaymentSessionRequest,
    headers: &HeaderMap,
) -> Result<(), Reply> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let online_offer_id = header(PAYMENT_OFFER_HEADER)
        .and_then(|id| id.trim().parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            bad_request(&format!(
                "{PAYMENT_OFFER_HEADER} must name the offer the payment is for"
            ))
        })?;
    let voucher_code = voucher_code(header(PAYMENT_VOUCHER_HEADER))?;
    let currency = header(PAYMENT_CURRENCY_HEADER)
        .map(str::trim)
        .filter(|code| code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()))
        .ok_or_else(|| {
            bad_request(&format!(
                "{PAYMENT_CURRENCY_HEADER} must name the currency of the amount"
            ))
        })?;
    let preview = Operation::Preview(PurchasePreviewRequest {
        online_offer_id,
        customer_id: request.customer_id,
        voucher_code,
    });
    let reply = state
        .tenant
        .answer(preview, accept_language(headers), &state.metrics)
        .await;
    if !reply.is_success() {
        return Err(reply);
    }
    let preview: PurchasePreview = serde_json::from_slice(&reply.body).map_err(|_| {
        Reply::error(
            StatusCode::BAD_GATEWAY,
            "PROXY_UPSTREAM_ERROR",
            "The booking service answered the price check with something unreadable",
        )
    })?;
    let price = preview.discounted_price.as_ref();
    if price.map(|p| p.amount) != Some(request.amount)
        || price.map(|p| p.currency.as_str()) != Some(currency)
    {
        return Err(Reply::error(
            StatusCode::CONFLICT,
            "PROXY_PRICE_CHANGED",
            "The price to pay is not the current price of this offer; check it and try again",
        ));
    }
    Ok(())
}

async fn list_purchasable(
    State(state): State<ApiState>,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let operation = (|| {
        let Query(query) = query.map_err(|e| bad_request(&e.body_text()))?;
        let offset = query.offset.unwrap_or_else(|| "0".to_owned());
        // Opaque: whatever printable cursor the tenant gave, within core's bound.
        if !PageOffset(offset.clone()).is_cursor() {
            return Err(bad_request("offset is not a paging cursor"));
        }
        let slice_size = match query.slice_size {
            None => SLICE_SIZE_DEFAULT,
            Some(text) => text
                .parse()
                .ok()
                .filter(|size| (SLICE_SIZE_MIN..=SLICE_SIZE_MAX).contains(size))
                .ok_or_else(|| bad_request("sliceSize must be an integer from 10 to 100"))?,
        };
        Ok(Operation::ListPurchasable {
            offset: PageOffset(offset),
            slice_size,
        })
    })();
    let reply = answer(&state, operation, &headers).await;
    catalogue_response(reply, &headers, state.catalogue)
}

async fn offer_detail(
    State(state): State<ApiState>,
    headers: HeaderMap,
    offer_id: Result<Path<i64>, PathRejection>,
) -> Response {
    let operation = offer_id
        .map_err(|_| bad_request("offerId must be a positive integer"))
        .and_then(|Path(id)| positive_id(id, "offerId"))
        .map(|offer_id| Operation::OfferDetail { offer_id });
    let reply = answer(&state, operation, &headers).await;
    catalogue_response(reply, &headers, state.catalogue)
}

/// A voucher code as the header or a body carries it: trimmed, `None` when empty, refused when
/// longer than the widget lets a visitor type or not printable ASCII.
fn voucher_code(code: Option<&str>) -> Result<Option<String>, Reply> {
    match code.map(str::trim) {
        None | Some("") => Ok(None),
        Some(code)
            if code.len() <= MAX_VOUCHER_LEN && code.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(Some(code.to_owned()))
        }
        Some(_) => Err(bad_request("the voucher code is not one")),
    }
}

/// Whether `text` is a calendar date written `yyyy-MM-dd` (a real day: no 30 February).
fn is_calendar_date(text: &str) -> bool {
    perfectgym_offers_core::dates::parse_date(text).is_some()
}

/// A body that names an offer and a customer: previews and purchases.
trait OfferRequest: DeserializeOwned {
    /// The request as it may leave: ids positive, fields in their documented shape.
    fn checked(self) -> Result<Operation, Reply>;
}

impl OfferRequest for PurchasePreviewRequest {
    fn checked(self) -> Result<Operation, Reply> {
        Ok(Operation::Preview(PurchasePreviewRequest {
            online_offer_id: positive_id(self.online_offer_id, "onlineOfferId")?,
            customer_id: positive_id(self.customer_id, "customerId")?,
            voucher_code: voucher_code(self.voucher_code.as_deref())?,
        }))
    }
}

impl OfferRequest for PurchaseRequest {
    fn checked(self) -> Result<Operation, Reply> {
        if !is_calendar_date(&self.valid_from) {
            return Err(bad_request("validFrom must be a calendar date, yyyy-MM-dd"));
        }
        Ok(Operation::Purchase(PurchaseRequest {
            online_offer_id: positive_id(self.online_offer_id, "onlineOfferId")?,
            customer_id: positive_id(self.customer_id, "customerId")?,
            voucher_code: voucher_code(self.voucher_code.as_deref())?,
            ..self
        }))
    }
}

/// Checks the body's shape (unknown fields are dropped by decoding), its ids and fields.
async fn offer_request<B: OfferRequest>(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Result<Json<B>, JsonRejection>,
) -> Reply {
    let operation = body
        .map_err(|e| bad_request(&e.body_text()))
        .and_then(|Json(request)| request.checked());
    answer(&state, operation, &headers).await
}

/// Only a web shop session for a positive amount, for a real customer, goes upstream; choices
/// and reference text are the widget's to leave out.
async fn payment_session(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Result<Json<PaymentSessionRequest>, JsonRejection>,
) -> Reply {
    let operation = body
        .map_err(|e| bad_request(&e.body_text()))
        .and_then(|Json(request)| {
            positive_id(request.customer_id, "customerId")?;
            if request.scope != PAYMENT_SCOPE_ECOM {
                return Err(bad_request("scope must be ECOM"));
            }
            if request.amount.is_negative() || request.amount.is_zero() {
                return Err(bad_request("amount must be positive"));
            }
            Ok(Operation::PaymentSession(PaymentSessionRequest {
                permitted_payment_choices: None,
                reference_text: None,
                ..request
            }))
        });
    answer(&state, operation, &headers).await
}

async fn purchased(
    State(state): State<ApiState>,
    headers: HeaderMap,
    customer_id: Result<Path<i64>, PathRejection>,
) -> Reply {
    let operation = customer_id
        .map_err(|_| bad_request("customerId must be a positive integer"))
        .and_then(|Path(id)| positive_id(id, "customerId"))
        .map(|customer_id| Operation::Purchased { customer_id });
    answer(&state, operation, &headers).await
}

async fn purchased_offer(
    State(state): State<ApiState>,
    headers: HeaderMap,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Reply {
    let operation = ids
        .map_err(|_| bad_request("customerId and offerId must be positive integers"))
        .and_then(|Path((customer_id, offer_id))| {
            Ok(Operation::PurchasedOffer {
                customer_id: positive_id(customer_id, "customerId")?,
                offer_id: positive_id(offer_id, "offerId")?,
            })
        });
    answer(&state, operation, &headers).await
}
