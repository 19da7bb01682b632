//! Wire types of the six "Online offer operations" endpoints (PerfectGym Next API 1.13).
//!
//! Field names are the vendor's, byte for byte. Everything the vendor may leave out is optional and
//! may as well be written `null` (as a Java tenant with default Jackson settings does), unknown
//! fields are ignored, an item of a list that cannot be read is left out and named (see
//! [`Readable`]), enum values the vendor adds later are kept (see [`open_enum!`]),
//! and the older field names listed in `shared/reference/API-NOTES.md` are accepted as aliases.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::dates::StudioDateTime;
// Terms live with the date arithmetic that uses them; they are wire types all the same.
pub use crate::dates::{Term, TermUnit};
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
    #[serde(default, deserialize_with = "null_as_default")]
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
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
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

/// For fields whose absence has a natural value (an empty name, no ids, `false`): `null` means
/// absent too.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A `Money` with an amount and a currency, or `None`: a Jackson tenant may write
/// `{"amount":null,"currency":null}` for a price it does not have.
fn complete_money<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Money>, D::Error> {
    #[derive(Deserialize)]
    struct PartMoney {
        #[serde(default)]
        amount: Option<Amount>,
        #[serde(default)]
        currency: Option<String>,
    }
    let part = Option::<PartMoney>::deserialize(deserializer)?;
    Ok(part.and_then(|part| Some(Money::new(part.amount?, &part.currency?))))
}

/// A list whose readable items are kept and whose unreadable ones are left out, each named in
/// `unreadable` (for the developer: the console and the `error` event): one odd offer or
/// purchase never empties the whole list.
///
/// This relies on the decoder moving to the next item after a failed one, which tree decoders
/// do (the widget's `JSON.parse` + serde-wasm-bindgen, `serde_json::Value`). A streaming decoder
/// may not; there an unreadable item can make the whole list an error (after at most
/// a thousand tries, never an endless loop).
#[derive(Debug, Clone, PartialEq)]
pub struct Readable<T> {
    pub items: Vec<T>,
    pub unreadable: Vec<String>,
}

/// A streaming decoder repeats its error without moving on: stop there.
const MAX_UNREADABLE_ITEMS: usize = 1_000;

impl<T> Default for Readable<T> {
    fn default() -> Self {
        Vec::new().into()
    }
}

impl<T> From<Vec<T>> for Readable<T> {
    fn from(items: Vec<T>) -> Self {
        Readable {
            items,
            unreadable: Vec::new(),
        }
    }
}

impl<T> std::ops::Deref for Readable<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<T: Serialize> Serialize for Readable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Readable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemsVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for ItemsVisitor<T> {
            type Value = Readable<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Readable<T>, A::Error> {
                let mut list = Readable {
                    items: Vec::new(),
                    unreadable: Vec::new(),
                };
                for index in 0.. {
                    match seq.next_element::<T>() {
                        Ok(Some(item)) => list.items.push(item),
                        Ok(None) => break,
                        Err(error) if list.unreadable.len() < MAX_UNREADABLE_ITEMS => list
                            .unreadable
                            .push(format!("item {index} left out: {error}")),
                        Err(error) => return Err(error),
                    }
                }
                Ok(list)
            }
        }
        deserializer.deserialize_seq(ItemsVisitor(std::marker::PhantomData))
    }
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
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// How many times the offer can be used (10 for a 10-visit card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_of_usage: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "complete_money"
    )]
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
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub payment_methods: Vec<PaymentMethod>,
}

/// The `offset` of a purchasable page: an opaque cursor, a string or a number, sent back exactly
/// as it came and never computed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageOffset(pub String);

impl PageOffset {
    /// A cursor is opaque: any printable text up to this many characters (a tenant may send a
    /// base64 token or an encoded sort key; nothing this long is needed for a gym's catalogue).
    pub const MAX_CHARS: usize = 2_048;

    /// Whether this can be sent back as a cursor: not empty, printable, within [`Self::MAX_CHARS`].
    pub fn is_cursor(&self) -> bool {
        let chars = self.0.chars().count();
        (1..=Self::MAX_CHARS).contains(&chars) && !self.0.chars().any(char::is_control)
    }

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
    #[serde(default, deserialize_with = "null_as_default")]
    pub result: Readable<OnlineOffer>,
    #[serde(default, deserialize_with = "null_as_default")]
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

/// What the visitor would pay (preview) or paid (purchase), and what the voucher did. A price the
/// answer leaves out is `None`: "price not available", a state of its own, not an unreadable
/// answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceBreakdown {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "complete_money"
    )]
    pub price: Option<Money>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "complete_money"
    )]
    pub discounted_price: Option<Money>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "complete_money"
    )]
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
    #[serde(default, deserialize_with = "null_as_default")]
    pub studio_access_code: String,
    /// Not in the purchase answer's documented example, but in the purchased list's: shown on
    /// the receipt when a tenant sends it (and always for a purchase found after a lost answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<StudioDateTime>,
    /// On the wire these fields sit beside the others. The widget reads them without serde's
    /// `flatten`, which costs 12 KB of wasm: its API client nests a copy of the answer under a
    /// name no tenant writes (`nest_flattened_parts`). Never serialised in the widget.
    #[cfg_attr(not(target_arch = "wasm32"), serde(flatten))]
    #[cfg_attr(target_arch = "wasm32", serde(rename = "perfectgym-offers:prices"))]
    pub prices: PriceBreakdown,
}

/// One entry of `GET /v1/online-offers/{customerId}/purchased[/{offerId}]` (a bare JSON array).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchasedOffer {
    /// The offer's own fields, beside the purchase's on the wire (read as for
    /// [`PurchaseResult::prices`]).
    #[cfg_attr(not(target_arch = "wasm32"), serde(flatten))]
    #[cfg_attr(target_arch = "wasm32", serde(rename = "perfectgym-offers:offer"))]
    pub offer: OnlineOffer,
    pub online_offer_purchase_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_date: Option<StudioDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<StudioDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<StudioDateTime>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub studio_access_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub studio_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher_code: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "complete_money"
    )]
    pub discounted_price: Option<Money>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "complete_money"
    )]
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
    #[serde(default, deserialize_with = "null_as_default")]
    pub error_message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl VendorErrorBody {
    /// Whether this is the vendor's error body rather than any JSON object: it says what went
    /// wrong.
    pub fn is_vendors(&self) -> bool {
        !self.error_message.trim().is_empty() || self.error_code.is_some()
    }
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
