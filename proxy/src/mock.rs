//! The demo tenant: the six online-offer operations answered from an embedded catalogue
//! (`fixtures/mock-tenant/catalogue.json`), deterministic but for the clock, so the widget can
//! be previewed and tested with no PerfectGym account.
//!
//! It behaves as `shared/reference/API-NOTES.md` describes the vendor: capped slices with a
//! last-id cursor, list entries without restrictions, vouchers that apply or are rejected (in the
//! preview and, with `voucherErrorCode`, in the purchase answer), purchases that need a payment
//! token unless free (each token buys once: one token per payment session), and remembered
//! purchases in the documented shapes. Switched with
//! [`MockTenant::writing_nulls`], it writes `null` for every absent field, as a Java tenant with
//! default Jackson settings does.

use std::collections::HashSet;
use std::sync::Mutex;

use axum::http::StatusCode;
use perfectgym_offers_core::dates::{last_day_of_use, parse_date, Date};
use perfectgym_offers_core::model::{
    OfferPage, OnlineOffer, PageOffset, PaymentSession, PaymentSessionRequest, PriceBreakdown,
    PurchasePreviewRequest, PurchaseRequest, PurchaseResult, PurchasedOffer, Term, TermUnit,
    VoucherErrorCode,
};
use perfectgym_offers_core::{Amount, Money, StudioDateTime};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::macros::{datetime, offset, time};
use time::{Duration, Month, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::operation::Operation;
use crate::reply::Reply;

/// The demo customer the README and demo page use; it starts with one expired purchase.
pub const DEMO_CUSTOMER_ID: i64 = 67890;
/// A percentage voucher: 20 % off.
pub const VOUCHER_PERCENT: &str = "SUMMER21";
/// A fixed-amount voucher: 10 units of the offer's currency off, never below zero.
pub const VOUCHER_FIXED: &str = "TENOFF";
/// A voucher the tenant rejects with a code this API version does not document.
pub const VOUCHER_EXPIRED: &str = "WINTER2020";

const CATALOGUE: &str = include_str!("../../fixtures/mock-tenant/catalogue.json");
/// The studio's time zone; the catalogue names it too.
const STUDIO_ZONE: &str = "Europe/Berlin";
const FIRST_PURCHASE_ID: i64 = 100_001;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Catalogue {
    studio_time_zone: String,
    slice_size_cap: u32,
    offers: Vec<OnlineOffer>,
}

pub struct MockTenant {
    offers: Vec<OnlineOffer>,
    slice_size_cap: usize,
    purchases: Mutex<Vec<(i64, PurchasedOffer)>>,
    sessions: Mutex<u64>,
    /// The payment tokens purchases were made with: the vendor captures a token's payment once.
    spent_tokens: Mutex<HashSet<String>>,
    writes_nulls: bool,
}

impl Default for MockTenant {
    fn default() -> Self {
        MockTenant::new()
    }
}

impl MockTenant {
    pub fn new() -> MockTenant {
        let catalogue: Catalogue =
            serde_json::from_str(CATALOGUE).expect("the embedded catalogue is valid");
        let mut offers = catalogue.offers;
        offers.sort_by_key(|offer| offer.online_offer_id);
        assert_eq!(
            catalogue.studio_time_zone, STUDIO_ZONE,
            "the mock knows the rules of one zone"
        );
        let tenant = MockTenant {
            offers,
            slice_size_cap: catalogue.slice_size_cap as usize,
            purchases: Mutex::new(Vec::new()),
            sessions: Mutex::new(0),
            spent_tokens: Mutex::new(HashSet::new()),
            writes_nulls: false,
        };
        tenant.seed_expired_purchase();
        tenant
    }

    /// Whether every absent field is written as `null` (Jackson's default) instead of left out.
    pub fn writing_nulls(mut self, writes_nulls: bool) -> MockTenant {
        self.writes_nulls = writes_nulls;
        self
    }

    /// A 200 answer, with nulls for absent fields when so switched.
    fn ok<T: Serialize>(&self, value: &T) -> Reply {
        match serde_json::to_value(value) {
            Ok(mut tree) if self.writes_nulls => {
                write_nulls(&mut tree, None);
                Reply::json(StatusCode::OK, &tree)
            }
            _ => Reply::json(StatusCode::OK, value),
        }
    }

    /// The demo customer bought a day ticket once, long expired.
    fn seed_expired_purchase(&self) {
        let offer = self.offers[0].clone();
        let bought = datetime!(2026-01-15 09:30 +1);
        self.record(DEMO_CUSTOMER_ID, offer, bought, bought.date(), None, None);
    }

    /// Answers one operation as the vendor would.
    pub fn answer(&self, operation: Operation, accept_language: Option<&str>) -> Reply {
        let german = accept_language.is_some_and(|l| l.trim_start().starts_with("de"));
        match operation {
            Operation::ListPurchasable { offset, slice_size } => self.list(&offset, slice_size),
            Operation::OfferDetail { offer_id } => match self.offer(offer_id) {
                Some(offer) => self.ok(offer),
                None => not_found(offer_id),
            },
            Operation::Preview(request) => self.preview(&request, german),
            Operation::Purchase(request) => self.purchase(request, german),
            Operation::Purchased { customer_id } => self.purchased(customer_id, None),
            Operation::PurchasedOffer {
                customer_id,
                offer_id,
            } => self.purchased(customer_id, Some(offer_id)),
            Operation::PaymentSession(request) => self.payment_session(&request),
        }
    }

    fn offer(&self, offer_id: i64) -> Option<&OnlineOffer> {
        self.offers
            .iter()
            .find(|offer| offer.online_offer_id == offer_id)
    }

    /// A slice of at most `slice_size_cap` offers after the cursor (the last id of the previous
    /// slice). List entries carry no restrictions or payment methods: those are detail data.
    fn list(&self, offset: &PageOffset, slice_size: u32) -> Reply {
        let Ok(after_id) = offset.0.parse::<i64>() else {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                "INVALID_OFFSET",
                "offset is not a valid cursor",
            );
        };
        let take = (slice_size as usize).min(self.slice_size_cap);
        let rest: Vec<&OnlineOffer> = self
            .offers
            .iter()
            .filter(|offer| offer.online_offer_id > after_id)
            .collect();
        let result: Vec<OnlineOffer> = rest
            .iter()
            .take(take)
            .map(|offer| OnlineOffer {
                restrictions: None,
                payment_methods: Vec::new(),
                ..(*offer).clone()
            })
            .collect();
        let page = OfferPage {
            has_next: rest.len() > result.len(),
            offset: result
                .last()
                .map(|offer| PageOffset(offer.online_offer_id.to_string())),
            result: result.into(),
        };
        self.ok(&page)
    }

    fn price_breakdown(
        &self,
        offer: &OnlineOffer,
        voucher: Option<&str>,
        german: bool,
    ) -> PriceBreakdown {
        let price = offer
            .price
            .clone()
            .unwrap_or_else(|| Money::new(Amount::ZERO, "EUR"));
        let (discount, error) = match voucher.map(|code| code.trim().to_ascii_uppercase()) {
            None => (Amount::ZERO, None),
            Some(code) if code == VOUCHER_PERCENT => (price.amount.percent(20), None),
            Some(code) if code == VOUCHER_FIXED => (Amount::from_units(10).min(price.amount), None),
            Some(code) if code == VOUCHER_EXPIRED => (
                Amount::ZERO,
                Some(VoucherErrorCode::Unknown("VOUCHER_EXPIRED".to_owned())),
            ),
            Some(_) => (Amount::ZERO, Some(VoucherErrorCode::InvalidCode)),
        };
        let applied = voucher.is_some() && error.is_none();
        let discounted = price.amount.checked_sub(discount).unwrap_or(price.amount);
        PriceBreakdown {
            discounted_price: Some(Money::new(discounted, &price.currency)),
            discount_value: Some(Money::new(discount, &price.currency)),
            voucher_success_message: applied.then(|| {
                if german {
                    "Gutschein erfolgreich angewendet".to_owned()
                } else {
                    "Voucher applied successfully".to_owned()
                }
            }),
            voucher_error_code: error,
            price: Some(price),
        }
    }

    fn preview(&self, request: &PurchasePreviewRequest, german: bool) -> Reply {
        match self.offer(request.online_offer_id) {
            Some(offer) => {
                self.ok(&self.price_breakdown(offer, request.voucher_code.as_deref(), german))
            }
            None => not_found(request.online_offer_id),
        }
    }

    fn purchase(&self, request: PurchaseRequest, german: bool) -> Reply {
        let Some(offer) = self.offer(request.online_offer_id).cloned() else {
            return not_found(request.online_offer_id);
        };
        let now = studio_now();
        let Some(valid_from) = parse_date(&request.valid_from) else {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                "INVALID_DATE",
                "validFrom must be yyyy-MM-dd",
            );
        };
        if valid_from < now.date() {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                "VALID_FROM_IN_PAST",
                "validFrom must not be in the past",
            );
        }
        // A voucher refused now is said in the answer's `voucherErrorCode`, as in the preview;
        // the purchase goes through at the price without it.
        let prices = self.price_breakdown(&offer, request.voucher_code.as_deref(), german);
        let needs_payment = prices
            .discounted_price
            .as_ref()
            .is_some_and(|to_pay| !to_pay.amount.is_zero());
        let has_token = request
            .payment_request_token
            .as_deref()
            .is_some_and(|token| !token.trim().is_empty());
        if needs_payment && !has_token {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                "PAYMENT_REQUIRED",
                "paymentRequestToken is required for offers that are not free",
            );
        }
        // One token per payment session (API notes): a second purchase with it is refused, so
        // a client that sent a purchase twice would see it here rather than buy twice.
        if let Some(token) = request
            .payment_request_token
            .as_deref()
            .filter(|_| needs_payment)
        {
            let mut spent = self.spent_tokens.lock().unwrap_or_else(|e| e.into_inner());
            if !spent.insert(token.trim().to_owned()) {
                return Reply::error(
                    StatusCode::BAD_REQUEST,
                    "PAYMENT_TOKEN_USED",
                    "This payment was already used for a purchase",
                );
            }
        }
        let purchase = self.record(
            request.customer_id,
            offer,
            now,
            valid_from,
            request
                .voucher_code
                .filter(|_| prices.voucher_success_message.is_some()),
            Some(&prices),
        );
        let result = PurchaseResult {
            online_offer_purchase_id: purchase.online_offer_purchase_id,
            studio_access_code: purchase.studio_access_code,
            // Not in the documented purchase answer.
            expiry_date: None,
            prices,
        };
        self.ok(&result)
    }

    /// Remembers a purchase so the purchased endpoints return it.
    fn record(
        &self,
        customer_id: i64,
        offer: OnlineOffer,
        bought: OffsetDateTime,
        valid_from: Date,
        voucher_code: Option<String>,
        prices: Option<&PriceBreakdown>,
    ) -> PurchasedOffer {
        let mut purchases = self.purchases.lock().unwrap_or_else(|e| e.into_inner());
        let id = FIRST_PURCHASE_ID + purchases.len() as i64;
        let start = studio_midnight(valid_from);
        let expiry = offer
            .validity
            .as_ref()
            .and_then(|term| expiry_after(start, term))
            .unwrap_or(start);
        let studio_time = |local| Some(StudioDateTime::in_zone(local, STUDIO_ZONE));
        let purchase = PurchasedOffer {
            online_offer_purchase_id: id,
            purchase_date: studio_time(bought),
            expiry_date: studio_time(expiry),
            valid_from: studio_time(start),
            studio_access_code: access_code(id),
            studio_id: Some(1),
            voucher_code,
            discounted_price: prices
                .and_then(|p| p.discounted_price.clone())
                .or_else(|| offer.price.clone()),
            discount_value: prices.and_then(|p| p.discount_value.clone()),
            offer,
        };
        purchases.push((customer_id, purchase.clone()));
        purchase
    }

    /// A session token for the payment component, valid for 30 minutes. The demo has no payment
    /// component to use it with; tests and the e2e suite do, through a stand-in.
    fn payment_session(&self, request: &PaymentSessionRequest) -> Reply {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        *sessions += 1;
        let valid_until = in_studio(OffsetDateTime::now_utc() + Duration::minutes(30))
            .map(|t| StudioDateTime::in_zone(t, STUDIO_ZONE).to_string());
        let session = PaymentSession {
            token: format!("mock-session-{}-{}", request.customer_id, *sessions),
            token_valid_until: valid_until,
        };
        self.ok(&session)
    }

    /// A bare JSON array, as the vendor answers, in purchase order. As documented, entries of
    /// the whole list carry no `validity` or `restrictions`, those of one offer's list do; neither
    /// carries `paymentMethods`.
    fn purchased(&self, customer_id: i64, offer_id: Option<i64>) -> Reply {
        let purchases = self.purchases.lock().unwrap_or_else(|e| e.into_inner());
        let found: Vec<PurchasedOffer> = purchases
            .iter()
            .filter(|(customer, _)| *customer == customer_id)
            .map(|(_, purchase)| purchase)
            .filter(|purchase| offer_id.is_none_or(|id| purchase.offer.online_offer_id == id))
            .map(|purchase| {
                let mut entry = purchase.clone();
                entry.offer.payment_methods = Vec::new();
                if offer_id.is_none() {
                    entry.offer.validity = None;
                    entry.offer.restrictions = None;
                }
                entry
            })
            .collect();
        self.ok(&found)
    }

    /// How many purchases the tenant has recorded for a customer (for tests and the e2e suite).
    pub fn purchase_count(&self, customer_id: i64) -> usize {
        let purchases = self.purchases.lock().unwrap_or_else(|e| e.into_inner());
        purchases.iter().filter(|(c, _)| *c == customer_id).count()
    }
}

/// Europe/Berlin's offset at `instant`: CET (UTC+1), and CEST (UTC+2) under the EU's summer
/// time, from 01:00 UTC on March's last Sunday to 01:00 UTC on October's (Directive 2000/84/EC,
/// Berlin's rule since 1996). That is all the zone data the mock needs; the widget asks `Intl`.
fn studio_offset(instant: OffsetDateTime) -> UtcOffset {
    let year = instant.to_offset(UtcOffset::UTC).year();
    let switch = |month: Month| {
        let last = Date::from_calendar_date(year, month, month.length(year)).ok()?;
        let sunday = last - Duration::days(last.weekday().number_days_from_sunday().into());
        Some(PrimitiveDateTime::new(sunday, time!(01:00)).assume_utc())
    };
    match (switch(Month::March), switch(Month::October)) {
        (Some(spring), Some(autumn)) if spring <= instant && instant < autumn => offset!(+2),
        _ => offset!(+1),
    }
}

/// `instant` on the studio's clock; `None` past the calendar's end.
fn in_studio(instant: OffsetDateTime) -> Option<OffsetDateTime> {
    instant.checked_to_offset(studio_offset(instant))
}

/// The studio's clock now.
fn studio_now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.to_offset(studio_offset(now))
}

/// Today on the studio's calendar (tests and the e2e suite buy from today on).
pub fn studio_today() -> Date {
    studio_now().date()
}

/// The studio's midnight starting `date`. Berlin's clocks change at 02:00 or 03:00, never at
/// midnight, so the offset at midnight on standard time tells which one applies.
fn studio_midnight(date: Date) -> OffsetDateTime {
    let midnight = PrimitiveDateTime::new(date, time!(00:00));
    midnight.assume_offset(studio_offset(midnight.assume_offset(offset!(+1))))
}

/// The `expiryDate` of a purchase valid from `start` for `term`, as the vendor writes it:
/// minutes and hours elapse to a moment; longer terms name the last day of use at the studio's
/// midnight (the vendor's day ticket expires at the midnight it starts).
fn expiry_after(start: OffsetDateTime, term: &Term) -> Option<OffsetDateTime> {
    let value = i64::from(term.value);
    match term.unit {
        TermUnit::Minutes => in_studio(start.checked_add(Duration::minutes(value))?),
        TermUnit::Hours => in_studio(start.checked_add(Duration::hours(value))?),
        _ => Some(studio_midnight(last_day_of_use(start.date(), term)?)),
    }
}

/// Eight letters derived from the purchase id: stable across restarts, different per purchase.
fn access_code(purchase_id: i64) -> String {
    // A multiplicative hash spreads consecutive ids over the code space.
    let mut state = (purchase_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..8)
        .map(|_| {
            state = state.rotate_left(5).wrapping_mul(0x2545_F491_4F6C_DD1D);
            char::from(b'A' + (state >> 59) as u8 % 26)
        })
        .collect()
}

/// The documented fields of each shape the mock answers with, for [`write_nulls`].
const OFFER_FIELDS: &[&str] = &[
    "onlineOfferId",
    "name",
    "scopeOfUsage",
    "price",
    "periodOfUse",
    "type",
    "category",
    "validity",
    "restrictions",
    "paymentMethods",
];
const PURCHASED_FIELDS: &[&str] = &[
    "onlineOfferPurchaseId",
    "purchaseDate",
    "expiryDate",
    "studioAccessCode",
    "studioId",
    "validFrom",
    "voucherCode",
    "discountedPrice",
    "discountValue",
];
const PRICE_FIELDS: &[&str] = &[
    "price",
    "discountedPrice",
    "discountValue",
    "voucherSuccessMessage",
    "voucherErrorCode",
];
const PURCHASE_FIELDS: &[&str] = &["onlineOfferPurchaseId", "studioAccessCode"];
const PAGE_FIELDS: &[&str] = &["result", "hasNext", "offset"];
const RESTRICTION_FIELDS: &[&str] = &[
    "minAge",
    "studioAccessType",
    "restrictedStudioIds",
    "timeRestrictions",
];
const PERIOD_FIELDS: &[&str] = &["term", "type"];
const SESSION_FIELDS: &[&str] = &["token", "tokenValidUntil", "finionPayCustomerId"];

/// Writes `null` for every documented field an answer leaves out, as Jackson does by default.
/// `key` is the field the object is the value of.
fn write_nulls(value: &mut Value, key: Option<&str>) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|item| write_nulls(item, key)),
        Value::Object(fields) => {
            let has = |name: &str| fields.contains_key(name);
            let shapes: &[&[&str]] = match key {
                Some("restrictions") => &[RESTRICTION_FIELDS],
                Some("periodOfUse") => &[PERIOD_FIELDS],
                _ if has("hasNext") => &[PAGE_FIELDS],
                _ if has("onlineOfferPurchaseId") && has("onlineOfferId") => {
                    &[OFFER_FIELDS, PURCHASED_FIELDS]
                }
                _ if has("onlineOfferPurchaseId") => &[PURCHASE_FIELDS, PRICE_FIELDS],
                _ if has("onlineOfferId") => &[OFFER_FIELDS],
                _ if has("discountedPrice") => &[PRICE_FIELDS],
                _ if has("token") => &[SESSION_FIELDS],
                _ => &[],
            };
            // The purchased lists leave these out altogether (see `purchased`).
            let left_out: &[&str] = if has("onlineOfferPurchaseId") && !has("validity") {
                &["validity", "restrictions", "paymentMethods"]
            } else if has("onlineOfferPurchaseId") {
                &["paymentMethods"]
            } else {
                &[]
            };
            for name in shapes.iter().flat_map(|shape| shape.iter()) {
                if !left_out.contains(name) {
                    fields.entry(*name).or_insert(Value::Null);
                }
            }
            for (name, child) in fields.iter_mut() {
                write_nulls(child, Some(name));
            }
        }
        _ => {}
    }
}

fn not_found(offer_id: i64) -> Reply {
    Reply::error(
        StatusCode::NOT_FOUND,
        "ONLINE_OFFER_NOT_FOUND",
        &format!("Online offer with id {offer_id} not found"),
    )
}

#[cfg(test)]
mod tests {
    use perfectgym_offers_core::model::{PurchasePreview, Readable};
    use serde::de::DeserializeOwned;

    use super::*;

    /// What the tenant answered, parsed, and decoded as the widget reads it.
    fn answer<T: DeserializeOwned>(tenant: &MockTenant, operation: Operation) -> (Value, T) {
        let reply = tenant.answer(operation, None);
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let tree: Value = serde_json::from_slice(&reply.body).unwrap();
        let decoded = T::deserialize(&tree).unwrap_or_else(|e| panic!("{e}: {tree}"));
        (tree, decoded)
    }

    fn purchase(voucher: Option<&str>) -> Operation {
        Operation::Purchase(PurchaseRequest {
            online_offer_id: 1001,
            customer_id: DEMO_CUSTOMER_ID,
            valid_from: studio_today().to_string(),
            voucher_code: voucher.map(str::to_owned),
            payment_request_token: Some("tok".to_owned()),
        })
    }

    fn nulls_in(tree: &Value) -> usize {
        match tree {
            Value::Null => 1,
            Value::Array(items) => items.iter().map(nulls_in).sum(),
            Value::Object(fields) => fields.values().map(nulls_in).sum(),
            _ => 0,
        }
    }

    /// With nulls switched on, every answer has nulls where it had absent fields, and reads as
    /// the very same values.
    #[test]
    fn a_jackson_tenant_says_the_same_with_nulls() {
        let plain = MockTenant::new();
        let jackson = MockTenant::new().writing_nulls(true);
        let operations = [
            Operation::ListPurchasable {
                offset: PageOffset::first(),
                slice_size: 10,
            },
            Operation::OfferDetail { offer_id: 1001 },
            Operation::Preview(PurchasePreviewRequest {
                online_offer_id: 1001,
                customer_id: DEMO_CUSTOMER_ID,
                voucher_code: None,
            }),
            Operation::Purchased {
                customer_id: DEMO_CUSTOMER_ID,
            },
            Operation::PurchasedOffer {
                customer_id: DEMO_CUSTOMER_ID,
                offer_id: 1001,
            },
            // Last: the lists above hold the same (seeded) purchase in both tenants.
            purchase(None),
        ];
        for operation in operations {
            let name = format!("{operation:?}");
            let (plain_tree, plain_read, jackson_tree, jackson_read) = match &operation {
                Operation::ListPurchasable { .. } => {
                    let (a, x) = answer::<OfferPage>(&plain, operation.clone());
                    let (b, y) = answer::<OfferPage>(&jackson, operation);
                    assert_eq!(x, y, "{name}");
                    (a, format!("{x:?}"), b, format!("{y:?}"))
                }
                Operation::OfferDetail { .. } => {
                    let (a, x) = answer::<OnlineOffer>(&plain, operation.clone());
                    let (b, y) = answer::<OnlineOffer>(&jackson, operation);
                    (a, format!("{x:?}"), b, format!("{y:?}"))
                }
                Operation::Preview(_) => {
                    let (a, x) = answer::<PurchasePreview>(&plain, operation.clone());
                    let (b, y) = answer::<PurchasePreview>(&jackson, operation);
                    (a, format!("{x:?}"), b, format!("{y:?}"))
                }
                Operation::Purchase(_) => {
                    let (a, mut x) = answer::<PurchaseResult>(&plain, operation.clone());
                    let (b, mut y) = answer::<PurchaseResult>(&jackson, operation);
                    // Two tenants, two purchases: only their numbers and codes differ.
                    x.online_offer_purchase_id = 0;
                    y.online_offer_purchase_id = 0;
                    x.studio_access_code.clear();
                    y.studio_access_code.clear();
                    (a, format!("{x:?}"), b, format!("{y:?}"))
                }
                _ => {
                    let (a, x) = answer::<Readable<PurchasedOffer>>(&plain, operation.clone());
                    let (b, y) = answer::<Readable<PurchasedOffer>>(&jackson, operation);
                    assert!(y.unreadable.is_empty(), "{name}: {:?}", y.unreadable);
                    (a, format!("{x:?}"), b, format!("{y:?}"))
                }
            };
            assert_eq!(plain_read, jackson_read, "{name}");
            assert_eq!(nulls_in(&plain_tree), 0, "{name}: {plain_tree}");
            assert!(nulls_in(&jackson_tree) > 0, "{name}: {jackson_tree}");
        }
    }

    #[test]
    fn a_voucher_refused_at_purchase_is_said_in_the_answer_not_refused() {
        let tenant = MockTenant::new();
        let (tree, bought) = answer::<PurchaseResult>(&tenant, purchase(Some("NOPE")));
        assert_eq!(tree["voucherErrorCode"], "INVALID_CODE");
        assert_eq!(
            bought.prices.discounted_price.map(|p| p.amount),
            Some(Amount::from_units(20)),
            "the price without the voucher"
        );
        let (_, mine) = answer::<Readable<PurchasedOffer>>(
            &tenant,
            Operation::PurchasedOffer {
                customer_id: DEMO_CUSTOMER_ID,
                offer_id: 1001,
            },
        );
        let recorded = mine.last().unwrap();
        assert_eq!(
            recorded.online_offer_purchase_id,
            bought.online_offer_purchase_id
        );
        assert_eq!(recorded.voucher_code, None, "no voucher was used");
    }

    #[test]
    fn purchased_lists_have_the_documented_shapes() {
        let tenant = MockTenant::new();
        let (all, _) = answer::<Value>(
            &tenant,
            Operation::Purchased {
                customer_id: DEMO_CUSTOMER_ID,
            },
        );
        let (one, _) = answer::<Value>(
            &tenant,
            Operation::PurchasedOffer {
                customer_id: DEMO_CUSTOMER_ID,
                offer_id: 1001,
            },
        );
        for field in ["validity", "restrictions", "paymentMethods"] {
            assert!(all[0].get(field).is_none(), "whole list: {field}");
        }
        for field in ["validity", "restrictions"] {
            assert!(one[0].get(field).is_some(), "one offer's list: {field}");
        }
        assert!(one[0].get("paymentMethods").is_none());
        for entry in [&all[0], &one[0]] {
            // The seeded purchase used no voucher.
            let optional = ["voucherCode", "discountValue"];
            for field in PURCHASED_FIELDS.iter().filter(|f| !optional.contains(f)) {
                assert!(entry.get(*field).is_some(), "{field}: {entry}");
            }
        }
    }

    /// Berlin's clock around the 2026 changes (29 March and 25 October, 01:00 UTC), and terms
    /// that cross them: the mock's only zone data, checked against the IANA database's dates.
    #[test]
    fn the_studio_clock_follows_berlin_summer_time() {
        let at = |instant: OffsetDateTime| studio_offset(instant).whole_hours();
        assert_eq!(at(datetime!(2026-03-29 00:59:59 UTC)), 1);
        assert_eq!(at(datetime!(2026-03-29 01:00 UTC)), 2);
        assert_eq!(at(datetime!(2026-10-25 00:59:59 UTC)), 2);
        assert_eq!(at(datetime!(2026-10-25 01:00 UTC)), 1);
        assert_eq!(at(datetime!(2027-03-28 01:00 UTC)), 2);
        let shown = |local| StudioDateTime::in_zone(local, STUDIO_ZONE).to_string();
        let start = studio_midnight(datetime!(2026-03-20 00:00).date());
        assert_eq!(shown(start), "2026-03-20T00:00:00+01:00[Europe/Berlin]");
        let term = |value, unit| Term { value, unit };
        let month_later = expiry_after(start, &term(1, TermUnit::Month)).unwrap();
        assert_eq!(
            shown(month_later),
            "2026-04-19T00:00:00+02:00[Europe/Berlin]",
            "the last day of use, on summer time"
        );
        let summer = studio_midnight(datetime!(2026-10-24 00:00).date());
        let hours_later = expiry_after(summer, &term(30, TermUnit::Hours)).unwrap();
        assert_eq!(
            shown(hours_later),
            "2026-10-25T05:00:00+01:00[Europe/Berlin]"
        );
        assert_eq!(
            expiry_after(start, &term(1, TermUnit::Unknown("ERA".into()))),
            None
        );
    }
}
