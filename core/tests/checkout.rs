//! The checkout rules, as a visitor meets them.

use perfectgym_offers_core::checkout::*;
use std::cell::RefCell;

use futures_executor::block_on;
use perfectgym_offers_core::model::{
    PriceBreakdown, PurchaseRequest, PurchaseResult, PurchasedOffer, Readable, VendorErrorBody,
    VoucherErrorCode,
};
use perfectgym_offers_core::{ApiError, Money, StudioDateTime};
use time::{Date, Month};

fn day(d: u8) -> Date {
    Date::from_calendar_date(2026, Month::November, d).unwrap()
}

fn eur(amount: &str) -> Money {
    Money::new(amount.parse().unwrap(), "EUR")
}

fn preview(price: &str, to_pay: &str, error: Option<VoucherErrorCode>) -> PriceBreakdown {
    PriceBreakdown {
        price: Some(eur(price)),
        discounted_price: Some(eur(to_pay)),
        discount_value: None,
        voucher_success_message: None,
        voucher_error_code: error,
    }
}

/// The server's price for no voucher, 20 EUR, arrived.
fn previewed_at_20(checkout: &mut Checkout) {
    let (seq, _) = checkout.request_preview("").unwrap();
    checkout.preview_arrived(seq, Ok(preview("20", "20", None)));
}

fn receipt() -> PurchaseResult {
    PurchaseResult {
        online_offer_purchase_id: 100_001,
        studio_access_code: "PTKXPMUO".into(),
        expiry_date: None,
        prices: preview("20", "16", None),
    }
}

#[test]
fn typing_summer21_previews_and_buying_pays_the_previewed_price() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(67890), today);
    let (seq, request) = checkout.request_preview("  SUMMER21 ").unwrap();
    assert_eq!(
        request.voucher_code.as_deref(),
        Some("SUMMER21"),
        "codes are trimmed"
    );
    assert_eq!(checkout.price, PriceState::Loading);
    assert!(checkout.preview_arrived(seq, Ok(preview("20", "16", None))));
    assert_eq!(checkout.amount_to_pay(), Some(&eur("16")));
    assert_eq!(
        checkout.buy(today, "SUMMER21"),
        Ok(NextStep::Pay { amount: eur("16") })
    );
    assert!(checkout.is_locked());
    assert_eq!(
        checkout.buy(today, "SUMMER21"),
        Err(Blocked::InFlight),
        "Buy cannot start twice"
    );
    let purchase = checkout.paid("tok-1".into()).unwrap();
    assert_eq!(purchase.valid_from, "2026-11-24");
    assert_eq!(purchase.voucher_code.as_deref(), Some("SUMMER21"));
    assert_eq!(purchase.payment_request_token.as_deref(), Some("tok-1"));
    assert_eq!(
        checkout.paid("tok-2".into()),
        None,
        "one token, one purchase"
    );
    checkout.purchase_finished(PurchaseOutcome::Bought(receipt()));
    assert!(matches!(checkout.stage, Stage::Done(_)));
}

#[test]
fn a_voucher_typed_since_the_last_preview_is_priced_before_anything_is_bought() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(67890), today);
    previewed_at_20(&mut checkout);
    assert_eq!(
        checkout.buy(today, "SUMMER21 "),
        Err(Blocked::PriceOutdated),
        "the code is not dropped in silence"
    );
    assert!(!checkout.is_locked());
    let (seq, _) = checkout.request_preview("SUMMER21 ").unwrap();
    checkout.preview_arrived(seq, Ok(preview("20", "16", None)));
    let Ok(NextStep::Pay { amount }) = checkout.buy(today, "SUMMER21 ") else {
        panic!("the discounted price is paid");
    };
    assert_eq!(amount, eur("16"));
    assert_eq!(
        checkout.paid("tok".into()).unwrap().voucher_code.as_deref(),
        Some("SUMMER21")
    );
}

#[test]
fn an_older_preview_never_overwrites_a_newer_one() {
    let mut checkout = Checkout::new(1001, Some(1), day(24));
    let (old, _) = checkout.request_preview("SUMMER").unwrap();
    let (new, _) = checkout.request_preview("SUMMER21").unwrap();
    assert!(checkout.preview_arrived(new, Ok(preview("20", "16", None))));
    assert!(!checkout.preview_arrived(
        old,
        Ok(preview("20", "20", Some(VoucherErrorCode::InvalidCode)))
    ));
    assert_eq!(checkout.amount_to_pay(), Some(&eur("16")));
}

#[test]
fn removing_the_code_previews_the_plain_price() {
    let mut checkout = Checkout::new(1001, Some(1), day(24));
    let (_, request) = checkout.request_preview("   ").unwrap();
    assert_eq!(request.voucher_code, None);
    assert_eq!(checkout.voucher, None);
}

#[test]
fn long_codes_are_cut_to_the_limit() {
    let long = "A".repeat(500);
    assert_eq!(normalise_voucher(&long).unwrap().len(), MAX_VOUCHER_LEN);
    assert_eq!(normalise_voucher("\t\n"), None);
}

#[test]
fn a_rejected_voucher_blocks_buying_until_removed() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(1), today);
    let (seq, _) = checkout.request_preview("NOPE").unwrap();
    checkout.preview_arrived(
        seq,
        Ok(preview("20", "20", Some(VoucherErrorCode::InvalidCode))),
    );
    assert_eq!(checkout.buy(today, "NOPE"), Err(Blocked::VoucherRejected));
    previewed_at_20(&mut checkout);
    assert!(matches!(checkout.buy(today, ""), Ok(NextStep::Pay { .. })));
}

/// A code the proxy would refuse outright (a space in it, a letter beyond ASCII) is previewed
/// without it: the plain price shows with "not valid", not an error, and Buy waits for a fix.
#[test]
fn a_code_that_cannot_be_one_is_priced_without_it_and_shown_as_not_valid() {
    let today = day(24);
    for typed in ["SUMMER 21", "FRÜHLING", "TEN\u{200B}OFF"] {
        let mut checkout = Checkout::new(1001, Some(1), today);
        let (seq, request) = checkout.request_preview(typed).unwrap();
        assert_eq!(request.voucher_code, None, "{typed} is not sent");
        assert_eq!(checkout.voucher.as_deref(), Some(typed));
        let mut answer = preview("20", "20", None);
        answer.voucher_success_message = Some("No voucher".into());
        checkout.preview_arrived(seq, Ok(answer));
        let PriceState::Ready(shown) = &checkout.price else {
            panic!("{checkout:?}")
        };
        assert_eq!(
            voucher_outcome(
                shown,
                Some(typed),
                perfectgym_offers_core::Locale::native("en")
            ),
            Some(Err("This voucher code is not valid.")),
            "{typed}"
        );
        assert_eq!(checkout.buy(today, typed), Err(Blocked::VoucherRejected));
    }
    assert!(is_voucher_code("SUMMER21") && is_voucher_code("50%-OFF!"));
}

#[test]
fn no_price_no_purchase() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(1), today);
    assert_eq!(
        checkout.buy(today, ""),
        Err(Blocked::PriceOutdated),
        "never previewed"
    );
    let (seq, _) = checkout.request_preview("").unwrap();
    assert_eq!(checkout.buy(today, ""), Err(Blocked::PriceNotReady));
    checkout.preview_arrived(seq, Err(ApiError::Timeout { after_ms: 1 }));
    assert_eq!(
        checkout.buy(today, ""),
        Err(Blocked::PriceOutdated),
        "a failed preview is asked again"
    );
}

#[test]
fn free_offers_skip_payment() {
    let today = day(24);
    let mut checkout = Checkout::new(1008, Some(1), today);
    let (seq, _) = checkout.request_preview("").unwrap();
    checkout.preview_arrived(seq, Ok(preview("0", "0", None)));
    let Ok(NextStep::Purchase(request)) = checkout.buy(today, "") else {
        panic!("{checkout:?}")
    };
    assert_eq!(request.payment_request_token, None);
    assert_eq!(checkout.stage, Stage::Purchasing);
}

#[test]
fn without_a_customer_the_list_price_stands_and_buy_asks_for_sign_in() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, None, today);
    assert_eq!(checkout.request_preview("SUMMER21"), None);
    assert_eq!(checkout.price, PriceState::ListPrice);
    assert_eq!(checkout.buy(today, ""), Err(Blocked::SignInRequired));
}

#[test]
fn signing_in_mid_checkout_keeps_the_form_and_previews_for_the_customer() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, None, today);
    checkout.set_valid_from(day(26), today).unwrap();
    assert_eq!(checkout.request_preview("SUMMER21"), None);
    assert_eq!(checkout.buy(today, ""), Err(Blocked::SignInRequired));

    assert!(checkout.customer_changed(Some(67890)));
    assert!(
        !checkout.customer_changed(Some(67890)),
        "the same customer again changes nothing"
    );
    assert_eq!((checkout.offer_id, checkout.valid_from), (1001, day(26)));
    assert_eq!(checkout.voucher.as_deref(), Some("SUMMER21"));
    let (seq, request) = checkout.request_preview("SUMMER21").unwrap();
    assert_eq!(request.customer_id, 67890);
    assert_eq!(request.voucher_code.as_deref(), Some("SUMMER21"));
    assert!(checkout.preview_arrived(seq, Ok(preview("20", "16", None))));
    assert_eq!(
        checkout.buy(today, "SUMMER21"),
        Ok(NextStep::Pay { amount: eur("16") })
    );
    let purchase = checkout.paid("tok-1".into()).unwrap();
    assert_eq!(
        (purchase.customer_id, purchase.valid_from.as_str()),
        (67890, "2026-11-26")
    );
}

#[test]
fn a_preview_for_the_previous_customer_is_dropped() {
    let mut checkout = Checkout::new(1001, Some(1), day(24));
    let (old, _) = checkout.request_preview("").unwrap();
    assert!(checkout.customer_changed(Some(2)));
    assert!(!checkout.preview_arrived(old, Ok(preview("20", "20", None))));
    assert_eq!(checkout.price, PriceState::ListPrice);
}

#[test]
fn a_purchase_under_way_keeps_its_customer() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(1), today);
    previewed_at_20(&mut checkout);
    checkout.buy(today, "").unwrap();
    assert!(!checkout.customer_changed(Some(2)));
    assert_eq!(checkout.paid("tok".into()).unwrap().customer_id, 1);
}

#[test]
fn past_start_dates_are_refused() {
    let mut checkout = Checkout::new(1001, Some(1), day(24));
    assert_eq!(
        checkout.set_valid_from(day(23), day(24)),
        Err(Blocked::StartInPast)
    );
    assert_eq!(checkout.valid_from, day(24));
    assert_eq!(checkout.set_valid_from(day(30), day(24)), Ok(()));
    assert_eq!(checkout.valid_from, day(30));
    // A tab left open overnight: the chosen date is now in the past.
    previewed_at_20(&mut checkout);
    checkout.set_valid_from(day(24), day(24)).unwrap();
    assert_eq!(checkout.buy(day(25), ""), Err(Blocked::StartInPast));
    // Left at its default, "today" is the day Buy is pressed on.
    let mut overnight = Checkout::new(1001, Some(1), day(24));
    previewed_at_20(&mut overnight);
    let Ok(NextStep::Pay { .. }) = overnight.buy(day(25), "") else {
        panic!("a checkout opened yesterday could not be bought today");
    };
    assert_eq!(
        overnight.paid("tok".into()).unwrap().valid_from,
        "2026-11-25"
    );
}

#[test]
fn cancelling_payment_returns_to_choosing_and_buying_again_works() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(1), today);
    previewed_at_20(&mut checkout);
    checkout.buy(today, "").unwrap();
    checkout.payment_cancelled();
    assert_eq!(checkout.stage, Stage::Choosing);
    assert_eq!(
        checkout.paid("late-token".into()),
        None,
        "a token after cancelling buys nothing"
    );
    assert!(matches!(checkout.buy(today, ""), Ok(NextStep::Pay { .. })));
}

#[test]
fn a_failed_purchase_can_be_tried_again_and_the_form_unlocks() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(1), today);
    let (seq, _) = checkout.request_preview("").unwrap();
    checkout.preview_arrived(seq, Ok(preview("0", "0", None)));
    checkout.buy(today, "").unwrap();
    assert_eq!(
        checkout.request_preview("X"),
        None,
        "the form is locked while buying"
    );
    checkout.purchase_finished(PurchaseOutcome::Refused(refusal()));
    assert!(!checkout.is_locked());
    assert!(matches!(checkout.buy(today, ""), Ok(NextStep::Purchase(_))));
}

#[test]
fn voucher_outcomes_in_words() {
    use perfectgym_offers_core::Locale;
    let mut applied = preview("20", "16", None);
    assert_eq!(
        voucher_outcome(&applied, None, Locale::native("en-US")),
        None
    );
    assert_eq!(
        voucher_outcome(&applied, Some("X"), Locale::native("de-DE")),
        Some(Ok("Gutschein eingelöst.".into()))
    );
    applied.voucher_success_message = Some("Summer deal: 20 % off".into());
    assert_eq!(
        voucher_outcome(&applied, Some("X"), Locale::native("en-US")),
        Some(Ok("Summer deal: 20 % off".into()))
    );
    let invalid = preview("20", "20", Some(VoucherErrorCode::InvalidCode));
    assert_eq!(
        voucher_outcome(&invalid, Some("X"), Locale::native("en-US")),
        Some(Err("This voucher code is not valid."))
    );
    let unknown = preview(
        "20",
        "20",
        Some(VoucherErrorCode::Unknown("VOUCHER_EXPIRED".into())),
    );
    assert_eq!(
        voucher_outcome(&unknown, Some("X"), Locale::native("en-US")),
        Some(Err("This voucher cannot be used for this offer."))
    );
    assert_eq!(
        Blocked::SignInRequired.user_message(Locale::native("en-US")),
        "Please sign in to buy this offer."
    );
}

#[test]
fn an_interrupted_checkout_is_kept_for_its_customer_for_half_an_hour() {
    let mut checkout = Checkout::new(1005, Some(67890), day(24));
    checkout.request_preview("SUMMER21");
    let pending = checkout.pending(1_000_000.0).unwrap();
    assert_eq!(pending.voucher.as_deref(), Some("SUMMER21"));
    assert_eq!(pending.valid_from, "2026-11-24");
    assert!(pending.resumable(Some(67890), 1_000_000.0 + 60_000.0));
    assert!(
        !pending.resumable(Some(11111), 1_000_000.0),
        "another customer's checkout is not resumed"
    );
    assert!(!pending.resumable(None, 1_000_000.0));
    assert!(
        !pending.resumable(Some(67890), 1_000_000.0 + PENDING_CHECKOUT_MS),
        "too old"
    );
    assert_eq!(Checkout::new(1, None, day(24)).pending(0.0), None);
}

fn refusal() -> ApiError {
    ApiError::from_status(
        400,
        Some(VendorErrorBody {
            error_message: "Voucher expired".into(),
            error_code: Some("VALIDATION".into()),
            ..VendorErrorBody::default()
        }),
    )
}

#[test]
fn a_preview_without_a_price_to_pay_is_its_own_state_and_blocks_buying() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(1), today);
    let (seq, _) = checkout.request_preview("").unwrap();
    let mut no_price = preview("20", "20", None);
    no_price.discounted_price = None;
    assert!(checkout.preview_arrived(seq, Ok(no_price)));
    assert_eq!(checkout.price, PriceState::Unavailable);
    assert_eq!(checkout.buy(today, ""), Err(Blocked::PriceUnavailable));
    // A price below zero (a tenant's discount larger than the price) is no price to pay either.
    let (seq, _) = checkout.request_preview("").unwrap();
    assert!(checkout.preview_arrived(seq, Ok(preview("20", "-5", None))));
    assert_eq!(checkout.price, PriceState::Unavailable);
    assert_eq!(checkout.buy(today, ""), Err(Blocked::PriceUnavailable));
    assert_eq!(
        Blocked::PriceUnavailable.user_message(perfectgym_offers_core::Locale::native("en-US")),
        "The price of this offer is not available right now, so it cannot be bought. Please try again later."
    );
}

/// One purchase of offer 1001 by customer 1, as the purchased endpoints list it.
fn purchased(id: i64, offer: i64, valid_from: &str, bought: &str) -> PurchasedOffer {
    serde_json::from_value(serde_json::json!({
        "onlineOfferId": offer, "name": "Day Ticket Adult",
        "price": {"amount": 20, "currency": "EUR"},
        "onlineOfferPurchaseId": id, "studioAccessCode": format!("CODE{id}"),
        "validFrom": valid_from,
        "purchaseDate": bought,
        "expiryDate": "2026-11-28T00:00:00+01:00[Europe/Berlin]",
        "discountedPrice": {"amount": 16, "currency": "EUR"},
        "discountValue": {"amount": 4, "currency": "EUR"}
    }))
    .unwrap()
}

/// The purchase the visitor sends: offer 1001 from 27 November (Berlin).
fn request() -> PurchaseRequest {
    PurchaseRequest {
        online_offer_id: 1001,
        customer_id: 1,
        valid_from: "2026-11-27".into(),
        voucher_code: None,
        payment_request_token: Some("tok".into()),
    }
}

/// 2026-11-26T23:00:00Z, the instant the visitor sends the purchase.
fn sent_at() -> i64 {
    StudioDateTime::parse("2026-11-26T23:00:00Z")
        .unwrap()
        .unix_seconds()
}

/// A scripted booking service: the customer's purchases of the offer before and after, and the
/// purchase's answer. It records every call.
struct Tenant {
    before: Result<Readable<PurchasedOffer>, ApiError>,
    answer: Result<PurchaseResult, ApiError>,
    after: Result<Readable<PurchasedOffer>, ApiError>,
    calls: RefCell<Vec<&'static str>>,
}

impl Tenant {
    fn new(
        before: Vec<PurchasedOffer>,
        answer: Result<PurchaseResult, ApiError>,
        after: Vec<PurchasedOffer>,
    ) -> Tenant {
        Tenant {
            before: Ok(before.into()),
            answer,
            after: Ok(after.into()),
            calls: RefCell::new(Vec::new()),
        }
    }

    fn buy(&self) -> PurchaseOutcome {
        let checking = RefCell::new(None);
        let outcome = block_on(purchase_and_reconcile(self, &request(), sent_at, |error| {
            *checking.borrow_mut() = Some(error.clone())
        }));
        assert_eq!(
            checking.into_inner().is_some(),
            !matches!(
                outcome,
                PurchaseOutcome::Bought(_) | PurchaseOutcome::Refused(_)
            ),
            "the check is announced exactly when the answer proved nothing"
        );
        outcome
    }
}

impl PurchaseClient for Tenant {
    async fn purchase(&self, sent: &PurchaseRequest) -> Result<PurchaseResult, ApiError> {
        assert_eq!(sent, &request());
        self.calls.borrow_mut().push("purchase");
        self.answer.clone()
    }

    async fn purchases_of_offer(
        &self,
        customer_id: i64,
        offer_id: i64,
    ) -> Result<Readable<PurchasedOffer>, ApiError> {
        assert_eq!((customer_id, offer_id), (1, 1001));
        let mut calls = self.calls.borrow_mut();
        let first = !calls.contains(&"purchase");
        calls.push("purchased");
        if first {
            self.before.clone()
        } else {
            self.after.clone()
        }
    }
}

fn old_purchase() -> PurchasedOffer {
    purchased(
        7,
        1001,
        "2026-11-20T00:00:00+01:00[Europe/Berlin]",
        "2026-11-19T10:00:00+01:00[Europe/Berlin]",
    )
}

/// The same purchase (27 November in Berlin), its timestamps written three ways.
fn the_new_purchase_written(how: &str) -> PurchasedOffer {
    let (valid_from, bought) = match how {
        "studio zone" => (
            "2026-11-27T00:00:00+01:00[Europe/Berlin]",
            "2026-11-27T00:00:05+01:00[Europe/Berlin]",
        ),
        "UTC" => ("2026-11-26T23:00:00Z", "2026-11-26T23:00:05Z"),
        "offset" => ("2026-11-26T18:00:00-05:00", "2026-11-26T18:00:05-05:00"),
        _ => unreachable!(),
    };
    purchased(9, 1001, valid_from, bought)
}

fn lost() -> ApiError {
    ApiError::Network {
        cause: "connection reset".into(),
    }
}

fn server_error() -> ApiError {
    ApiError::from_status(
        500,
        Some(VendorErrorBody {
            error_message: "Internal error".into(),
            ..VendorErrorBody::default()
        }),
    )
}

#[test]
fn a_purchase_whose_answer_proved_nothing_is_found_however_its_dates_are_written() {
    for how in ["studio zone", "UTC", "offset"] {
        for answer in [lost(), server_error()] {
            let tenant = Tenant::new(
                vec![old_purchase()],
                Err(answer.clone()),
                vec![old_purchase(), the_new_purchase_written(how)],
            );
            let PurchaseOutcome::Recovered(found) = tenant.buy() else {
                panic!("{how}, {answer}: not recovered");
            };
            assert_eq!(found.online_offer_purchase_id, 9, "{how}");
            assert_eq!(found.studio_access_code, "CODE9");
            assert_eq!(found.prices.discounted_price, Some(eur("16")));
            assert_eq!(
                found.expiry_date.map(|d| d.date()),
                Some(day(28)),
                "the receipt gets the vendor's expiry date"
            );
            assert_eq!(
                *tenant.calls.borrow(),
                ["purchased", "purchase", "purchased"],
                "sent once, looked for before and after"
            );
            // Without a list from before, the purchase made since sending still counts: compared
            // as instants.
            let tenant = Tenant {
                before: Err(lost()),
                ..Tenant::new(
                    vec![],
                    Err(answer.clone()),
                    vec![old_purchase(), the_new_purchase_written(how)],
                )
            };
            assert!(
                matches!(tenant.buy(), PurchaseOutcome::Recovered(ref r) if r.online_offer_purchase_id == 9),
                "{how}, {answer}, no list from before"
            );
        }
    }
}

#[test]
fn every_answer_that_does_not_prove_a_refusal_is_checked() {
    let not_proof = [
        lost(),
        ApiError::Timeout { after_ms: 15_000 },
        ApiError::Decode {
            cause: "not JSON".into(),
        },
        server_error(),
        ApiError::from_status(500, None),
        ApiError::from_status(501, None),
        ApiError::from_status(503, None),
        ApiError::from_status(504, None),
        ApiError::from_status(400, None),
        ApiError::from_status(400, Some(VendorErrorBody::default())),
        // A gateway's HTML 400 or 500 in front of the tenant, which the proxy passes on in the
        // vendor's shape under its own code: not the tenant's answer.
        ApiError::from_status(400, Some(wrapped_by_the_proxy())),
        ApiError::from_status(500, Some(wrapped_by_the_proxy())),
        ApiError::from_status(429, None),
    ];
    for error in not_proof {
        assert!(!error.proves_write_refused(), "{error}");
        let tenant = Tenant::new(
            vec![old_purchase()],
            Err(error.clone()),
            vec![old_purchase()],
        );
        // Only the tenant's own error body shows it finished: after a lost connection, a
        // timeout, a gateway's 5xx or an unreadable answer it may still be recording the
        // purchase, so a list without it proves nothing yet.
        let expected = if error.tenant_finished() {
            PurchaseOutcome::NotRecorded(error.clone())
        } else {
            PurchaseOutcome::Unconfirmed(error.clone())
        };
        assert_eq!(tenant.buy(), expected, "{error}");
    }
    let finished: Vec<String> = [
        lost(),
        ApiError::Timeout { after_ms: 15_000 },
        ApiError::Decode {
            cause: "not JSON".into(),
        },
        server_error(),
        ApiError::from_status(500, None),
        ApiError::from_status(502, Some(proxy_body())),
        ApiError::from_status(503, Some(proxy_body())),
        ApiError::from_status(504, Some(proxy_body())),
    ]
    .into_iter()
    .filter(ApiError::tenant_finished)
    .map(|error| error.to_string())
    .collect();
    assert_eq!(finished, [server_error().to_string()]);
}

#[test]
fn the_visitor_reads_the_booking_services_reason_for_a_refusal() {
    let en = perfectgym_offers_core::Locale::native("en-US");
    assert_eq!(refusal().reason(en), "Voucher expired");
    // The proxy's own answers, a gateway's page and server errors keep our wording.
    let proxy_refusal = ApiError::from_status(
        403,
        Some(VendorErrorBody {
            error_message: "The customer token has expired".into(),
            error_code: Some("PROXY_CUSTOMER_TOKEN".into()),
            ..VendorErrorBody::default()
        }),
    );
    let refused_as = |status: u16, message: &str| {
        ApiError::from_status(
            status,
            Some(VendorErrorBody {
                error_message: message.into(),
                error_code: Some("X".into()),
                ..VendorErrorBody::default()
            }),
        )
    };
    // A preview or purchase names an offer and a customer: only the tenant says which is unknown.
    let unknown_customer = refused_as(404, "Customer with id 7 not found");
    assert_eq!(unknown_customer.reason(en), "Customer with id 7 not found");
    assert_eq!(
        refusal().reason(perfectgym_offers_core::Locale::native("ru-RU")),
        refusal().user_message(en),
        "Russian reads English: the tenant's reason may be in the studio's language"
    );
    for error in [
        proxy_refusal,
        refused_as(401, "Invalid API key"),
        refused_as(403, "Missing scope ONLINE_OFFERS_WRITE"),
        refused_as(400, &"long ".repeat(100)),
        refused_as(400, "<html>Bad request</html>"),
        ApiError::from_status(400, Some(wrapped_by_the_proxy())),
        ApiError::from_status(500, Some(proxy_body())),
        ApiError::from_status(400, Some(VendorErrorBody::default())),
    ] {
        assert_eq!(error.reason(en), error.user_message(en), "{error}");
    }
}

/// What the proxy passes on for a tenant error answer that was not the vendor's body.
fn wrapped_by_the_proxy() -> VendorErrorBody {
    VendorErrorBody {
        error_message: "The booking service answered with an error".into(),
        error_code: Some(perfectgym_offers_core::model::UPSTREAM_ERROR_CODE.into()),
        ..VendorErrorBody::default()
    }
}

/// What a gateway (our proxy) answers when the tenant did not answer in time.
fn proxy_body() -> VendorErrorBody {
    VendorErrorBody {
        error_message: "The booking service did not answer in time".into(),
        error_code: Some("PROXY_UPSTREAM_TIMEOUT".into()),
        ..VendorErrorBody::default()
    }
}

#[test]
fn a_documented_refusal_is_a_failure_without_a_check() {
    for refused in [
        refusal(),
        ApiError::from_status(
            429,
            Some(VendorErrorBody {
                error_message: "Too many requests".into(),
                ..VendorErrorBody::default()
            }),
        ),
    ] {
        assert!(refused.proves_write_refused(), "{refused}");
        let tenant = Tenant::new(vec![], Err(refused.clone()), vec![old_purchase()]);
        assert_eq!(tenant.buy(), PurchaseOutcome::Refused(refused));
        assert_eq!(*tenant.calls.borrow(), ["purchased", "purchase"]);
    }
    let mut checkout = Checkout::new(1001, Some(1), day(24));
    paid_request(&mut checkout, day(24));
    checkout.purchase_finished(PurchaseOutcome::Refused(refusal()));
    assert!(matches!(checkout.stage, Stage::Failed(_)));
    assert!(!checkout.is_locked());
}

#[test]
fn when_the_evidence_is_not_conclusive_the_outcome_stays_unconfirmed() {
    // The purchases cannot be read afterwards.
    let tenant = Tenant {
        after: Err(lost()),
        ..Tenant::new(vec![], Err(lost()), vec![])
    };
    assert_eq!(tenant.buy(), PurchaseOutcome::Unconfirmed(lost()));
    // No list from before and nothing bought since sending: an older purchase proves nothing.
    let tenant = Tenant {
        before: Err(lost()),
        ..Tenant::new(vec![], Err(lost()), vec![old_purchase()])
    };
    assert_eq!(tenant.buy(), PurchaseOutcome::Unconfirmed(lost()));
    // One purchase afterwards could not be read: it may be the one.
    let tenant = Tenant {
        after: Ok(Readable {
            items: vec![old_purchase()],
            unreadable: vec!["item 1 left out: invalid type".into()],
        }),
        ..Tenant::new(vec![old_purchase()], Err(lost()), vec![])
    };
    assert_eq!(tenant.buy(), PurchaseOutcome::Unconfirmed(lost()));
    // An unreadable one before: an id not seen then may be an old purchase.
    let tenant = Tenant {
        before: Ok(Readable {
            items: vec![],
            unreadable: vec!["item 0 left out: invalid type".into()],
        }),
        ..Tenant::new(vec![], Err(lost()), vec![old_purchase()])
    };
    assert_eq!(tenant.buy(), PurchaseOutcome::Unconfirmed(lost()));
}

fn paid_request(checkout: &mut Checkout, today: Date) -> PurchaseRequest {
    previewed_at_20(checkout);
    checkout.buy(today, "").unwrap();
    checkout.paid("tok".into()).unwrap()
}

#[test]
fn while_the_outcome_is_checked_nothing_else_happens_and_each_conclusion_has_its_stage() {
    let today = day(24);
    for (outcome, unlocked) in [
        (PurchaseOutcome::Recovered(receipt()), false),
        (PurchaseOutcome::NotRecorded(lost()), true),
        (PurchaseOutcome::Unconfirmed(lost()), true),
    ] {
        let mut checkout = Checkout::new(1001, Some(1), today);
        paid_request(&mut checkout, today);
        checkout.purchase_checking(lost());
        assert!(matches!(checkout.stage, Stage::Verifying(_)));
        assert!(
            checkout.is_locked(),
            "no blind retry while the outcome is unknown"
        );
        assert_eq!(checkout.buy(today, ""), Err(Blocked::InFlight));
        checkout.purchase_finished(outcome.clone());
        match outcome {
            PurchaseOutcome::Recovered(_) => assert!(matches!(checkout.stage, Stage::Done(_))),
            PurchaseOutcome::NotRecorded(_) => {
                assert!(matches!(checkout.stage, Stage::NotRecorded(_)))
            }
            _ => assert!(matches!(checkout.stage, Stage::Unconfirmed(_))),
        }
        assert_eq!(
            matches!(checkout.buy(today, ""), Ok(NextStep::Pay { .. })),
            unlocked,
            "{outcome:?}"
        );
    }
}
