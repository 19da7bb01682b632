//! The allowlist: the online-offer operations, each checked and rebuilt from its parts, so only
//! these exact requests can ever reach the tenant. What each route reads (its path, query or
//! body) and how that becomes its operation is here; [`crate::checked`] reads it for the routes.

use axum::http::StatusCode;
use perfectgym_offers_core::checkout::{is_voucher_code, MAX_VOUCHER_LEN};
use perfectgym_offers_core::model::{
    paths, PageOffset, PaymentSessionRequest, PurchasePreviewRequest, PurchaseRequest,
    PAYMENT_SCOPE_ECOM, SLICE_SIZE_DEFAULT, SLICE_SIZE_MAX, SLICE_SIZE_MIN,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::reply::Reply;

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

/// A route's input checked into the one operation the route allows: ids positive, fields in
/// their documented shape, everything else dropped.
pub trait Checks: DeserializeOwned + Send {
    fn checked(self) -> Result<Operation, Reply>;
}

/// Where a route's parameters are read from.
pub enum Source {
    /// The path, refused with `unreadable` when it does not parse.
    Path { unreadable: &'static str },
    /// The query string, refused with the parser's explanation.
    Query,
}

/// An input in the request's path or query.
pub trait Parameters: Checks {
    const SOURCE: Source;
}

/// An input in the request's JSON body (unknown fields are dropped by decoding).
pub trait Body: Checks {}

pub(crate) fn bad_request(message: &str) -> Reply {
    Reply::error(StatusCode::BAD_REQUEST, "PROXY_BAD_REQUEST", message)
}

fn positive_id(value: i64, name: &str) -> Result<i64, Reply> {
    if value > 0 {
        Ok(value)
    } else {
        Err(bad_request(&format!("{name} must be a positive integer")))
    }
}

/// `…/purchasable?offset=…&sliceSize=…`: a page of the catalogue.
#[derive(Deserialize)]
pub struct OfferListQuery {
    offset: Option<String>,
    #[serde(rename = "sliceSize")]
    slice_size: Option<String>,
}

impl Parameters for OfferListQuery {
    const SOURCE: Source = Source::Query;
}

impl Checks for OfferListQuery {
    fn checked(self) -> Result<Operation, Reply> {
        let offset = self.offset.unwrap_or_else(|| "0".to_owned());
        // Opaque: whatever printable cursor the tenant gave, within core's bound.
        if !PageOffset(offset.clone()).is_cursor() {
            return Err(bad_request("offset is not a paging cursor"));
        }
        let slice_size = match self.slice_size {
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
    }
}

/// `…/purchasable/{offer_id}`: one offer of the catalogue.
#[derive(Deserialize)]
pub struct OfferPath {
    offer_id: i64,
}

impl Parameters for OfferPath {
    const SOURCE: Source = Source::Path {
        unreadable: "offerId must be a positive integer",
    };
}

impl Checks for OfferPath {
    fn checked(self) -> Result<Operation, Reply> {
        Ok(Operation::OfferDetail {
            offer_id: positive_id(self.offer_id, "offerId")?,
        })
    }
}

/// `…/{customer_id}/purchased`: the offers a customer bought.
#[derive(Deserialize)]
pub struct PurchasedPath {
    customer_id: i64,
}

impl Parameters for PurchasedPath {
    const SOURCE: Source = Source::Path {
        unreadable: "customerId must be a positive integer",
    };
}

impl Checks for PurchasedPath {
    fn checked(self) -> Result<Operation, Reply> {
        Ok(Operation::Purchased {
            customer_id: positive_id(self.customer_id, "customerId")?,
        })
    }
}

/// `…/{customer_id}/purchased/{offer_id}`: one offer a customer bought.
#[derive(Deserialize)]
pub struct PurchasedOfferPath {
    customer_id: i64,
    offer_id: i64,
}

impl Parameters for PurchasedOfferPath {
    const SOURCE: Source = Source::Path {
        unreadable: "customerId and offerId must be positive integers",
    };
}

impl Checks for PurchasedOfferPath {
    fn checked(self) -> Result<Operation, Reply> {
        Ok(Operation::PurchasedOffer {
            customer_id: positive_id(self.customer_id, "customerId")?,
            offer_id: positive_id(self.offer_id, "offerId")?,
        })
    }
}

/// A voucher code as the header or a body carries it: trimmed, `None` when empty, refused when
/// longer than the widget lets a visitor type or not printable ASCII (core's `is_voucher_code`:
/// the widget does not send such a code).
pub(crate) fn voucher_code(code: Option<&str>) -> Result<Option<String>, Reply> {
    match code.map(str::trim) {
        None | Some("") => Ok(None),
        Some(code) if code.len() <= MAX_VOUCHER_LEN && is_voucher_code(code) => {
            Ok(Some(code.to_owned()))
        }
        Some(_) => Err(bad_request("the voucher code is not one")),
    }
}

/// Whether `text` is a calendar date written `yyyy-MM-dd` (a real day: no 30 February).
fn is_calendar_date(text: &str) -> bool {
    perfectgym_offers_core::dates::parse_date(text).is_some()
}

impl Body for PurchasePreviewRequest {}

impl Checks for PurchasePreviewRequest {
    fn checked(self) -> Result<Operation, Reply> {
        Ok(Operation::Preview(PurchasePreviewRequest {
            online_offer_id: positive_id(self.online_offer_id, "onlineOfferId")?,
            customer_id: positive_id(self.customer_id, "customerId")?,
            voucher_code: voucher_code(self.voucher_code.as_deref())?,
        }))
    }
}

impl Body for PurchaseRequest {}

impl Checks for PurchaseRequest {
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

impl Body for PaymentSessionRequest {}

/// Only a web shop session for a positive amount, for a real customer, goes upstream; choices
/// and reference text are the widget's to leave out. Its price is checked apart
/// ([`crate::session_price`]).
impl Checks for PaymentSessionRequest {
    fn checked(self) -> Result<Operation, Reply> {
        positive_id(self.customer_id, "customerId")?;
        if self.scope != PAYMENT_SCOPE_ECOM {
            return Err(bad_request("scope must be ECOM"));
        }
        if self.amount.is_negative() || self.amount.is_zero() {
            return Err(bad_request("amount must be positive"));
        }
        Ok(Operation::PaymentSession(PaymentSessionRequest {
            permitted_payment_choices: None,
            reference_text: None,
            ..self
        }))
    }
}
