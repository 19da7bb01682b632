//! Wire types of the six "Online offer operations" endpoints (PerfectGym Next API 1.13).
//!
//! Field names are the vendor's, byte for byte. Everything the vendor may leave out is optional and
//! may as well be written `null` (as a Java tenant with default Jackson settings does), unknown
//! fields are ignored, an item of a list that cannot be read is left out and named (see
//! [`Readable`]), enum values the vendor adds later are kept (see [`open_enum!`]),
//! and the older field names listed in `shared/reference/API-NOTES.md` are accepted as aliases.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::dates::StudioDateTime;
// Terms live with the date arithmetic that uses them; they are wire types all the same.
pub use crate::dates::{Term, TermUnit};
use crate::money::{Amount, Money};
use crate::open_enum;
use crate::wire::{
    object, optional, optional_part, or_default, present, required, FromJson, Json, JsonObject,
    ToJson, WireError,
};

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodOfUse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<Term>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub period_type: Option<PeriodOfUseType>,
}

impl FromJson for PeriodOfUse {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a period of use")?;
        Ok(PeriodOfUse {
            term: optional_part(json, &["term"]),
            period_type: optional(json, &["type"])?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Category {
    pub id: i64,
    pub name: String,
}

impl FromJson for Category {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a category")?;
        Ok(Category {
            id: required(json, &["id"])?,
            name: or_default(json, &["name"])?,
        })
    }
}

/// Facility, age and time restrictions of an offer (detail endpoint).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Restrictions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_age: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub studio_access_type: Option<StudioAccessType>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub restricted_studio_ids: Vec<i64>,
    /// Not described publicly ("based on opening hours category"): its presence is what the widget
    /// shows, so only that is kept.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_presence"
    )]
    pub time_restrictions: Option<OpaqueJson>,
}

impl FromJson for Restrictions {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "restrictions")?;
        Ok(Restrictions {
            min_age: optional(json, &["minAge"])?,
            studio_access_type: optional(json, &["studioAccessType"])?,
            restricted_studio_ids: or_default(json, &["restrictedStudioIds"])?,
            // Any value but null: only its presence is kept.
            time_restrictions: present(json, &["timeRestrictions"]).map(|_| OpaqueJson),
        })
    }
}

/// A `Money` with an amount and a currency, or `None`: a Jackson tenant may write
/// `{"amount":null,"currency":null}` for a price it does not have.
fn complete_money<J: Json>(json: &J, name: &str) -> Result<Option<Money>, WireError> {
    let Some(part) = present(json, &[name]) else {
        return Ok(None);
    };
    object(&part, "a money object")?;
    let amount: Option<Amount> = optional(&part, &["amount"])?;
    let currency: Option<String> = optional(&part, &["currency"])?;
    Ok(amount
        .zip(currency)
        .map(|(amount, currency)| Money { amount, currency }))
}

/// A list whose readable items are kept and whose unreadable ones are left out, each named in
/// `unreadable` (for the developer: the console and the `error` event): one odd offer or
/// purchase never empties the whole list (the reader walks a parsed tree, so it always moves on
/// to the next item).
#[derive(Debug, Clone, PartialEq)]
pub struct Readable<T> {
    pub items: Vec<T>,
    pub unreadable: Vec<String>,
}

/// A list with more unreadable items than this is an error as a whole.
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

impl<T: FromJson> FromJson for Readable<T> {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        let mut list = Readable::default();
        let items = json
            .items()
            .ok_or_else(|| WireError::invalid_type(json, "a list"))?;
        for (index, item) in items.iter().enumerate() {
            match T::from_json(item) {
                Ok(item) => list.items.push(item),
                Err(error) if list.unreadable.len() < MAX_UNREADABLE_ITEMS => list
                    .unreadable
                    .push(format!("item {index} left out: {error}")),
                // A list of mostly junk is not a list of offers: one error, not a million
                // messages (a body of 2 MB holds about that many tiny items).
                Err(error) => return Err(error),
            }
        }
        Ok(list)
    }
}

/// A JSON value whose shape the vendor does not publish. Only its presence is kept; it encodes
/// back as an empty object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpaqueJson;

fn serialize_presence<S: Serializer>(
    _: &Option<OpaqueJson>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    serializer.serialize_map(Some(0))?.end()
}

/// An offer that can be bought online (list and detail endpoints).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OnlineOffer {
    /// Older API versions called it `id`.
    pub online_offer_id: i64,
    pub name: String,
    /// How many times the offer can be used (10 for a 10-visit card).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope_of_usage: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_of_use: Option<PeriodOfUse>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub offer_type: Option<OfferType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validity: Option<Term>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restrictions: Option<Restrictions>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub payment_methods: Vec<PaymentMethod>,
}

impl FromJson for OnlineOffer {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "an offer")?;
        Ok(OnlineOffer {
            online_offer_id: required(json, &["onlineOfferId", "id"])?,
            name: or_default(json, &["name"])?,
            scope_of_usage: optional(json, &["scopeOfUsage"])?,
            price: complete_money(json, "price")?,
            period_of_use: optional(json, &["periodOfUse"])?,
            offer_type: optional(json, &["type"])?,
            category: optional_part(json, &["category"]),
            validity: optional_part(json, &["validity"]),
            restrictions: optional(json, &["restrictions"])?,
            payment_methods: or_default(json, &["paymentMethods"])?,
        })
    }
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

impl FromJson for PageOffset {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        // JavaScript hands every number over as a float; whole ones are integers.
        json.string()
            .or_else(|| json.integer().map(|offset| offset.to_string()))
            .map(PageOffset)
            .ok_or_else(|| WireError::invalid_type(json, "an offset as a string or an integer"))
    }
}

/// One slice of `GET /v1/online-offers/purchasable`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferPage {
    pub result: Readable<OnlineOffer>,
    pub has_next: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<PageOffset>,
}

impl FromJson for OfferPage {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a page of offers")?;
        Ok(OfferPage {
            result: or_default(json, &["result"])?,
            has_next: or_default(json, &["hasNext"])?,
            offset: optional(json, &["offset"])?,
        })
    }
}

/// Body of `POST /v1/online-offers/purchase/preview`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchasePreviewRequest {
    pub online_offer_id: i64,
    pub customer_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voucher_code: Option<String>,
}

impl FromJson for PurchasePreviewRequest {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a preview request")?;
        Ok(PurchasePreviewRequest {
            online_offer_id: required(json, &["onlineOfferId"])?,
            customer_id: required(json, &["customerId"])?,
            voucher_code: optional(json, &["voucherCode"])?,
        })
    }
}

impl ToJson for PurchasePreviewRequest {
    fn write_json(&self, out: &mut impl JsonObject) {
        out.set_integer("onlineOfferId", self.online_offer_id);
        out.set_integer("customerId", self.customer_id);
        out.set_optional_string("voucherCode", self.voucher_code.as_deref());
    }
}

/// What the visitor would pay (preview) or paid (purchase), and what the voucher did. A price the
/// answer leaves out is `None`: "price not available", a state of its own, not an unreadable
/// answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceBreakdown {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discounted_price: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_value: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voucher_success_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voucher_error_code: Option<VoucherErrorCode>,
}

impl FromJson for PriceBreakdown {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a price breakdown")?;
        Ok(PriceBreakdown {
            price: complete_money(json, "price")?,
            discounted_price: complete_money(json, "discountedPrice")?,
            discount_value: complete_money(json, "discountValue")?,
            voucher_success_message: optional(json, &["voucherSuccessMessage"])?,
            voucher_error_code: optional(json, &["voucherErrorCode"])?,
        })
    }
}

/// Answer of the purchase preview.
pub type PurchasePreview = PriceBreakdown;

/// Body of `POST /v1/online-offers/purchase`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseRequest {
    pub online_offer_id: i64,
    pub customer_id: i64,
    /// `yyyy-MM-dd`.
    pub valid_from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voucher_code: Option<String>,
    /// From the vendor's payment component; absent for free offers. Older name accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_request_token: Option<String>,
}

impl FromJson for PurchaseRequest {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a purchase request")?;
        Ok(PurchaseRequest {
            online_offer_id: required(json, &["onlineOfferId"])?,
            customer_id: required(json, &["customerId"])?,
            valid_from: required(json, &["validFrom"])?,
            voucher_code: optional(json, &["voucherCode"])?,
            payment_request_token: optional(
                json,
                &["paymentRequestToken", "onetimePaymentRequestToken"],
            )?,
        })
    }
}

impl ToJson for PurchaseRequest {
    fn write_json(&self, out: &mut impl JsonObject) {
        out.set_integer("onlineOfferId", self.online_offer_id);
        out.set_integer("customerId", self.customer_id);
        out.set_string("validFrom", &self.valid_from);
        out.set_optional_string("voucherCode", self.voucher_code.as_deref());
        out.set_optional_string("paymentRequestToken", self.payment_request_token.as_deref());
    }
}

/// Answer of the purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseResult {
    /// Older API versions called it `id`.
    pub online_offer_purchase_id: i64,
    pub studio_access_code: String,
    /// Not in the purchase answer's documented example, but in the purchased list's: shown on
    /// the receipt when a tenant sends it (and always for a purchase found after a lost answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<StudioDateTime>,
    /// On the wire these fields sit beside the others: read from the same object.
    #[serde(flatten)]
    pub prices: PriceBreakdown,
}

impl FromJson for PurchaseResult {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a purchase")?;
        Ok(PurchaseResult {
            online_offer_purchase_id: required(json, &["onlineOfferPurchaseId", "id"])?,
            studio_access_code: or_default(json, &["studioAccessCode"])?,
            expiry_date: optional(json, &["expiryDate"])?,
            prices: PriceBreakdown::from_json(json)?,
        })
    }
}

/// One entry of `GET /v1/online-offers/{customerId}/purchased[/{offerId}]` (a bare JSON array).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchasedOffer {
    /// The offer's own fields, beside the purchase's on the wire (read from the same object).
    #[serde(flatten)]
    pub offer: OnlineOffer,
    pub online_offer_purchase_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_date: Option<StudioDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<StudioDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<StudioDateTime>,
    pub studio_access_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub studio_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voucher_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discounted_price: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_value: Option<Money>,
}

impl FromJson for PurchasedOffer {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a purchased offer")?;
        Ok(PurchasedOffer {
            offer: OnlineOffer::from_json(json)?,
            // Older API versions called it `id`, as they did the offer's own id: only beside
            // `onlineOfferId` does `id` say which it is. An entry with `id` alone is unreadable
            // (left out and reported), never one number read as both ids, which would make a
            // recorded purchase look absent after a lost answer.
            online_offer_purchase_id: if present(json, &["onlineOfferId"]).is_some() {
                required(json, &["onlineOfferPurchaseId", "id"])?
            } else {
                required(json, &["onlineOfferPurchaseId"])?
            },
            purchase_date: optional(json, &["purchaseDate"])?,
            expiry_date: optional(json, &["expiryDate"])?,
            valid_from: optional(json, &["validFrom"])?,
            studio_access_code: or_default(json, &["studioAccessCode"])?,
            studio_id: optional(json, &["studioId"])?,
            voucher_code: optional(json, &["voucherCode"])?,
            discounted_price: complete_money(json, "discountedPrice")?,
            discount_value: complete_money(json, "discountValue")?,
        })
    }
}

/// The only payment scope the widget asks for: a web shop payment.
pub const PAYMENT_SCOPE_ECOM: &str = "ECOM";

/// Body of `POST /v1/payments/user-session`: a payment session for the previewed amount, which
/// the vendor's payment component then uses (API notes, "Payment").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentSessionRequest {
    pub amount: Amount,
    pub scope: String,
    pub customer_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permitted_payment_choices: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_text: Option<String>,
}

impl FromJson for PaymentSessionRequest {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a payment session request")?;
        Ok(PaymentSessionRequest {
            amount: required(json, &["amount"])?,
            scope: required(json, &["scope"])?,
            customer_id: required(json, &["customerId"])?,
            permitted_payment_choices: optional(json, &["permittedPaymentChoices"])?,
            reference_text: optional(json, &["referenceText"])?,
        })
    }
}

impl ToJson for PaymentSessionRequest {
    fn write_json(&self, out: &mut impl JsonObject) {
        self.amount.write_json("amount", out);
        out.set_string("scope", &self.scope);
        out.set_integer("customerId", self.customer_id);
        if let Some(choices) = &self.permitted_payment_choices {
            out.set_strings("permittedPaymentChoices", choices);
        }
        out.set_optional_string("referenceText", self.reference_text.as_deref());
    }
}

/// Sent by the widget with a payment session request: the offer the amount pays for, and the
/// voucher of its preview. The gym's proxy previews exactly that and opens the session only for
/// that price; a proxy that forwards verbatim passes them on and the vendor ignores them.
pub const PAYMENT_OFFER_HEADER: &str = "X-Online-Offer-Id";
pub const PAYMENT_VOUCHER_HEADER: &str = "X-Voucher-Code";
/// ... and the currency the amount is in (the session request itself has only a number).
pub const PAYMENT_CURRENCY_HEADER: &str = "X-Payment-Currency";

/// Answer of the payment session: the token the payment component is started with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentSession {
    pub token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_valid_until: Option<String>,
}

impl FromJson for PaymentSession {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a payment session")?;
        Ok(PaymentSession {
            token: required(json, &["token"])?,
            token_valid_until: optional(json, &["tokenValidUntil"])?,
        })
    }
}

/// The vendor's error body on every 4xx and 5xx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct VendorErrorBody {
    pub error_message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl FromJson for VendorErrorBody {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "an error body")?;
        Ok(VendorErrorBody {
            error_message: or_default(json, &["errorMessage"])?,
            error_code: optional(json, &["errorCode"])?,
            trace_id: optional(json, &["traceId"])?,
            reference: optional(json, &["reference"])?,
        })
    }
}

crate::deserialize_via_reader!(
    PeriodOfUse,
    Category,
    Restrictions,
    OnlineOffer,
    PageOffset,
    OfferPage,
    PurchasePreviewRequest,
    PriceBreakdown,
    PurchaseRequest,
    PurchaseResult,
    PurchasedOffer,
    PaymentSessionRequest,
    PaymentSession,
    VendorErrorBody,
);

/// Natively, serde's `Deserialize` through the reader, as for the types above.
#[cfg(not(target_arch = "wasm32"))]
impl<'de, T: FromJson> serde::Deserialize<'de> for Readable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
        Readable::from_json(&&value).map_err(serde::de::Error::custom)
    }
}

/// The proxy's code for a tenant error answer that was not the vendor's error body (a gateway's
/// HTML page, an empty body), passed on with its status in the vendor's shape.
pub const UPSTREAM_ERROR_CODE: &str = "PROXY_UPSTREAM_ERROR";

/// The proxy's code for a request it did not send because the tenant's budget is spent or the
/// tenant asked for a pause: 503 for reads, 429 for writes, both with `Retry-After`.
pub const TENANT_BUSY_CODE: &str = "PROXY_TENANT_BUSY";

/// The proxy's code for a payment session refused because the amount is not the offer's
/// current price (409).
pub const PRICE_CHANGED_CODE: &str = "PROXY_PRICE_CHANGED";

impl VendorErrorBody {
    /// Whether this is the vendor's error body rather than any JSON object: it says what went
    /// wrong. A body the proxy wrapped for a tenant answer that was not one (a gateway's page)
    /// is not: it proves nothing about what the tenant did.
    pub fn is_vendors(&self) -> bool {
        (!self.error_message.trim().is_empty() || self.error_code.is_some())
            && !self.has_code(UPSTREAM_ERROR_CODE)
    }

    /// Whether the error's code is `code`.
    pub fn has_code(&self, code: &str) -> bool {
        self.error_code.as_deref() == Some(code)
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
