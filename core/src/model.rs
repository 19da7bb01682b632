//! Wire types of the six "Online offer operations" endpoints (PerfectGym Next API 1.13).
//!
//! Field names are the vendor's, byte for byte. Everything the vendor may leave out is optional,
//! unknown fields are ignored, enum values the vendor adds later are kept (see [`open_enum!`]),
//! and the older field names listed in `shared/reference/API-NOTES.md` are accepted as aliases.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::dates::StudioDateTime;
use crate::money::{Amount, Money};
use crate::open_enum;

/// The vendor's path prefix for every online-offer operation.
pub const ONLINE_OFFERS_PATH: &str = "/v1/online-offers";
/// The vendor's bounds and default for `sliceSize` on the purchasable list.
pub const SLICE_SIZE_MIN: u32 = 10;
pub const SLICE_SIZE_MAX: u32 = 100;
pub const SLICE_SIZE_DEFAULT: u32 = 50;

open_enum!(
    /// How an offer is consumed (`type`).
    OfferType {
        /// The offer is based on check-ins.
        CheckInBased = "CHECK_IN_BASED",
    }
);

open_enum!(
    /// `periodOfUse.type`.
    PeriodOfUseType {
        OneTime = "ONE_TIME",
    }
);

open_enum!(
    /// The unit of a `Term` or `TermWithMinutes`.
    TermUnit {
        Minutes = "MINUTES",
        Hours = "HOURS",
        Day = "DAY",
        Week = "WEEK",
        Month = "MONTH",
        Year = "YEAR",
    }
);

open_enum!(
    /// Which studios an offer opens (`restrictions.studioAccessType`).
    StudioAccessType {
        MainStudio = "MAIN_STUDIO",
        AllStudios = "ALL_STUDIOS",
        RestrictedStudios = "RESTRICTED_STUDIOS",
    }
);

open_enum!(
    /// How an offer may be paid.
    PaymentMethod {
        OnlinePayment = "ONLINE_PAYMENT",
    }
);

open_enum!(
    /// Why a voucher was not applied in a preview or purchase.
    VoucherErrorCode {
        InvalidCode = "INVALID_CODE",
    }
);

/// `Term` and `TermWithMinutes`: a length of time such as 2 weeks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub value: i32,
    pub unit: TermUnit,
}

/// How long one use of the offer lasts, and how it may be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodOfUse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<Term>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub period_type: Option<PeriodOfUseType>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    #[serde(default)]
    pub name: String,
}

/// Facility, age and time restrictions of an offer (detail endpoint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Restrictions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_age: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub studio_access_type: Option<StudioAccessType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restricted_studio_ids: Vec<i64>,
    /// Not described publicly ("based on opening hours category"): its presence is what the widget
    /// shows, so only that is kept.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present_if_not_null",
        serialize_with = "serialize_presence"
    )]
    pub time_restrictions: Option<OpaqueJson>,
}

/// A JSON value whose shape the vendor does not publish. Only its presence is kept; it encodes
/// back as an empty object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpaqueJson;

fn present_if_not_null<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<OpaqueJson>, D::Error> {
    // An explicit null means "no time restrictions".
    let value = Option::<serde::de::IgnoredAny>::deserialize(deserializer)?;
    Ok(value.map(|_| OpaqueJson))
}

fn serialize_presence<S: Serializer>(
    _: &Option<OpaqueJson>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    serializer.serialize_map(Some(0))?.end()
}

/// An offer that can be bought online (list and detail endpoints).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnlineOffer {
    /// Older API versions called it `id`.
    #[serde(alias = "id")]
    pub online_offer_id: i64,
    #[serde(default)]
    pub name: String,
    /// How many times the offer can be used (10 for a 10-visit card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_of_usage: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_of_use: Option<PeriodOfUse>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub offer_type: Option<OfferType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity: Option<Term>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restrictions: Option<Restrictions>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payment_methods: Vec<PaymentMethod>,
}

/// The `offset` of a purchasable page: an opaque cursor, a string or a number, sent back exactly
/// as it came and never computed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageOffset(pub String);

impl PageOffset {
    /// Where the first page starts.
    pub fn first() -> PageOffset {
        PageOffset("0".to_owned())
    }
}

impl fmt::Display for PageOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for PageOffset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PageOffset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OffsetVisitor;
        impl serde::de::Visitor<'_> for OffsetVisitor {
            type Value = PageOffset;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an offset as a string or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<PageOffset, E> {
                Ok(PageOffset(value.to_owned()))
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<PageOffset, E> {
                Ok(PageOffset(value.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<PageOffset, E> {
                Ok(PageOffset(value.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<PageOffset, E> {
                // JavaScript hands every number over as f64; whole ones are integers.
                if value.fract() == 0.0 && value.abs() < 9.0e15 {
                    Ok(PageOffset(format!("{}", value as i64)))
                } else {
                    Err(E::custom("offset is not a whole number"))
                }
            }
        }
        deserializer.deserialize_any(OffsetVisitor)
    }
}

/// One slice of `GET /v1/online-offers/purchasable`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferPage {
    #[serde(default)]
    pub result: Vec<OnlineOffer>,
    #[serde(default)]
    pub has_next: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<PageOffset>,
}

/// Body of `POST /v1/online-offers/purchase/preview`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchasePreviewRequest {
    pub online_offer_id: i64,
    pub customer_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher_code: Option<String>,
}

/// What the visitor would pay (preview) or paid (purchase), and what the voucher did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceBreakdown {
    pub price: Money,
    pub discounted_price: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_value: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher_success_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher_error_code: Option<VoucherErrorCode>,
}

/// Answer of the purchase preview.
pub type PurchasePreview = PriceBreakdown;

/// Body of `POST /v1/online-offers/purchase`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseRequest {
    pub online_offer_id: i64,
    pub customer_id: i64,
    /// `yyyy-MM-dd`.
    pub valid_from: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher_code: Option<String>,
    /// From the vendor's payment component; absent for free offers. Older name accepted.
    #[serde(
        default,
        alias = "onetimePaymentRequestToken",
        skip_serializing_if = "Option::is_none"
    )]
    pub payment_request_token: Option<String>,
}

/// Answer of the purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseResult {
    /// Older API versions called it `id`.
    #[serde(alias = "id")]
    pub online_offer_purchase_id: i64,
    #[serde(default)]
    pub studio_access_code: String,
    #[serde(flatten)]
    pub prices: PriceBreakdown,
}

/// One entry of `GET /v1/online-offers/{customerId}/purchased[/{offerId}]` (a bare JSON array).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchasedOffer {
    #[serde(flatten)]
    pub offer: OnlineOffer,
    pub online_offer_purchase_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_date: Option<StudioDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<StudioDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<StudioDateTime>,
    #[serde(default)]
    pub studio_access_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub studio_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discounted_price: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_value: Option<Money>,
}

/// The only payment scope the widget asks for: a web shop payment.
pub const PAYMENT_SCOPE_ECOM: &str = "ECOM";

/// Body of `POST /v1/payments/user-session`: a payment session for the previewed amount, which
/// the vendor's payment component then uses (API notes, "Payment").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentSessionRequest {
    pub amount: Amount,
    pub scope: String,
    pub customer_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permitted_payment_choices: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_text: Option<String>,
}

/// Sent by the widget with a payment session request: the offer the amount pays for, and the
/// voucher of its preview. The gym's proxy previews exactly that and opens the session only for
/// that price; a proxy that forwards verbatim passes them on and the vendor ignores them.
pub const PAYMENT_OFFER_HEADER: &str = "X-Online-Offer-Id";
pub const PAYMENT_VOUCHER_HEADER: &str = "X-Voucher-Code";
/// ... and the currency the amount is in (the session request itself has only a number).
pub const PAYMENT_CURRENCY_HEADER: &str = "X-Payment-Currency";

/// Answer of the payment session: the token the payment component is started with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentSession {
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_valid_until: Option<String>,
}

/// The vendor's error body on every 4xx and 5xx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct VendorErrorBody {
    #[serde(default)]
    pub error_message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// Paths of the six endpoints, relative to the API base.
pub mod paths {
    use super::{PageOffset, ONLINE_OFFERS_PATH};

    pub fn purchasable(offset: &PageOffset, slice_size: u32) -> String {
        format!(
            "{ONLINE_OFFERS_PATH}/purchasable?offset={}&sliceSize={slice_size}",
            encode_query_value(&offset.0)
        )
    }

    pub fn purchasable_offer(offer_id: i64) -> String {
        format!("{ONLINE_OFFERS_PATH}/purchasable/{offer_id}")
    }

    pub fn purchase_preview() -> String {
        format!("{ONLINE_OFFERS_PATH}/purchase/preview")
    }

    pub fn purchase() -> String {
        format!("{ONLINE_OFFERS_PATH}/purchase")
    }

    pub fn purchased(customer_id: i64) -> String {
        format!("{ONLINE_OFFERS_PATH}/{customer_id}/purchased")
    }

    pub fn purchased_offer(customer_id: i64, offer_id: i64) -> String {
        format!("{ONLINE_OFFERS_PATH}/{customer_id}/purchased/{offer_id}")
    }

    pub fn payment_session() -> String {
        "/v1/payments/user-session".to_owned()
    }

    /// Percent-encodes a query value (RFC 3986 unreserved characters pass), so an opaque cursor
    /// travels unchanged.
    pub fn encode_query_value(value: &str) -> String {
        let mut encoded = String::with_capacity(value.len());
        for byte in value.bytes() {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                encoded.push(char::from(byte));
            } else {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        }
        encoded
    }
}
