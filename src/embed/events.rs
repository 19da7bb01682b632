//! The events a host page hears (all bubble and cross the shadow boundary). Each variant carries
//! its own detail, so no event can go out with another event's payload.

use perfectgym_offers_core::model::{PurchasePreview, PurchaseRequest, PurchaseResult};
use perfectgym_offers_core::Money;
use serde::Serialize;

/// One event and its `detail`; serialised untagged, so the detail is the variant's fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged, rename_all_fields = "camelCase")]
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

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VoucherDetail {
    pub offer_id: i64,
    pub voucher_code: String,
    /// The price with the voucher; `None` when it was rejected or the answer had no price.
    pub discounted_price: Option<MoneyDetail>,
    pub voucher_error_code: Option<String>,
}

/// Money for a page's script: the amount as a decimal string, never a float.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseDetail {
    pub offer_id: i64,
    pub online_offer_purchase_id: i64,
    /// `None` when the answer had no price.
    pub paid: Option<MoneyDetail>,
    /// The voucher sent, unless the purchase answer refused it.
    pub voucher_code: Option<String>,
}

/// The visitor's message and the developer's cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorDetail {
    pub message: &'static str,
    pub cause: String,
}

impl HostEvent {
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
}
