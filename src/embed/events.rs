//! The events a host page hears (all bubble and cross the shadow boundary). Each variant carries
//! its own detail, so no event can go out with another event's payload.

use perfectgym_offers_core::model::{PurchasePreview, PurchaseRequest, PurchaseResult};
use perfectgym_offers_core::wire::JsonObject;
use perfectgym_offers_core::{ApiError, Locale, Money};
use wasm_bindgen::JsValue;

use crate::api::json::JsObject;

/// One event and its `detail` (the variant's fields, named in camelCase: [`HostEvent::detail`]).
#[derive(Debug, Clone, PartialEq)]
pub enum HostEvent {
    /// The catalogue is on screen.
    Ready {
        offer_count: usize,
    },
    OfferSelected {
        offer_id: i64,
        name: String,
    },
    VoucherApplied(VoucherDetail),
    VoucherRejected(VoucherDetail),
    /// Buy was pressed without a `customer-id`: the page signs the visitor in.
    SignInRequired {
        offer_id: i64,
    },
    PurchaseCompleted(PurchaseDetail),
    Error(ErrorDetail),
}

#[derive(Debug, Clone, PartialEq)]
pub struct VoucherDetail {
    pub offer_id: i64,
    pub voucher_code: String,
    /// The price with the voucher; `None` when it was rejected or the answer had no price.
    pub discounted_price: Option<MoneyDetail>,
    pub voucher_error_code: Option<String>,
}

/// Money for a page's script: the amount as a decimal string, never a float.
#[derive(Debug, Clone, PartialEq)]
pub struct MoneyDetail {
    pub amount: String,
    pub currency: String,
}

impl From<&Money> for MoneyDetail {
    fn from(money: &Money) -> Self {
        MoneyDetail {
            amount: money.amount.to_string(),
            currency: money.currency.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PurchaseDetail {
    pub offer_id: i64,
    pub online_offer_purchase_id: i64,
    /// `None` when the answer had no price.
    pub paid: Option<MoneyDetail>,
    /// The voucher sent, unless the purchase answer refused it.
    pub voucher_code: Option<String>,
}

/// The visitor's message and the developer's cause.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorDetail {
    pub message: &'static str,
    pub cause: String,
}

impl HostEvent {
    /// The event's `detail` for the page's script: plain JSON-like values (`null` where a value
    /// is absent), money as decimal strings.
    pub fn detail(&self) -> JsValue {
        let mut detail = JsObject::new();
        match self {
            HostEvent::Ready { offer_count } => detail.set_integer(
                "offerCount",
                i64::try_from(*offer_count).unwrap_or(i64::MAX),
            ),
            HostEvent::OfferSelected { offer_id, name } => {
                detail.set_integer("offerId", *offer_id);
                detail.set_string("name", name);
            }
            HostEvent::VoucherApplied(voucher) | HostEvent::VoucherRejected(voucher) => {
                detail.set_integer("offerId", voucher.offer_id);
                detail.set_string("voucherCode", &voucher.voucher_code);
                set_money(
                    &mut detail,
                    "discountedPrice",
                    voucher.discounted_price.as_ref(),
                );
                detail
                    .set_nullable_string("voucherErrorCode", voucher.voucher_error_code.as_deref());
            }
            HostEvent::SignInRequired { offer_id } => detail.set_integer("offerId", *offer_id),
            HostEvent::PurchaseCompleted(purchase) => {
                detail.set_integer("offerId", purchase.offer_id);
                detail.set_integer("onlineOfferPurchaseId", purchase.online_offer_purchase_id);
                set_money(&mut detail, "paid", purchase.paid.as_ref());
                detail.set_nullable_string("voucherCode", purchase.voucher_code.as_deref());
            }
            HostEvent::Error(error) => {
                detail.set_string("message", error.message);
                detail.set_string("cause", &error.cause);
            }
        }
        detail.into()
    }

    pub fn name(&self) -> &'static str {
        match self {
            HostEvent::Ready { .. } => "perfectgym-offers:ready",
            HostEvent::OfferSelected { .. } => "perfectgym-offers:offer-selected",
            HostEvent::VoucherApplied(_) => "perfectgym-offers:voucher-applied",
            HostEvent::VoucherRejected(_) => "perfectgym-offers:voucher-rejected",
            HostEvent::SignInRequired { .. } => "perfectgym-offers:sign-in-required",
            HostEvent::PurchaseCompleted(_) => "perfectgym-offers:purchase-completed",
            HostEvent::Error(_) => "perfectgym-offers:error",
        }
    }

    /// What the server said of the voucher `code` sent with a preview of `offer_id`.
    pub fn voucher_checked(offer_id: i64, code: &str, preview: &PurchasePreview) -> HostEvent {
        let rejected = preview.voucher_error_code.is_some();
        let detail = VoucherDetail {
            offer_id,
            voucher_code: code.to_owned(),
            discounted_price: preview
                .discounted_price
                .as_ref()
                .filter(|_| !rejected)
                .map(MoneyDetail::from),
            voucher_error_code: preview
                .voucher_error_code
                .as_ref()
                .map(|c| c.as_wire().to_owned()),
        };
        if rejected {
            HostEvent::VoucherRejected(detail)
        } else {
            HostEvent::VoucherApplied(detail)
        }
    }

    /// A purchase the tenant recorded for `request` (answered, or found after a lost answer).
    pub fn purchase_completed(request: &PurchaseRequest, result: &PurchaseResult) -> HostEvent {
        HostEvent::PurchaseCompleted(PurchaseDetail {
            offer_id: request.online_offer_id,
            online_offer_purchase_id: result.online_offer_purchase_id,
            paid: result.prices.discounted_price.as_ref().map(Into::into),
            voucher_code: request
                .voucher_code
                .clone()
                .filter(|_| result.prices.voucher_error_code.is_none()),
        })
    }

    pub fn error(message: &'static str, cause: String) -> HostEvent {
        HostEvent::Error(ErrorDetail { message, cause })
    }

    /// A request that failed: its message for the visitor in `locale`, the error as the cause.
    pub fn failed(error: &ApiError, locale: Locale) -> HostEvent {
        HostEvent::error(error.user_message(locale), error.to_string())
    }
}

/// A money member as `{ amount, currency }`, `null` when there is none.
fn set_money(detail: &mut JsObject, name: &str, money: Option<&MoneyDetail>) {
    match money {
        Some(money) => {
            let mut object = JsObject::new();
            object.set_string("amount", &money.amount);
            object.set_string("currency", &money.currency);
            detail.set(name, &object.into());
        }
        None => detail.set_null(name),
    }
}
