//! The checkout rules, as a visitor meets them.

use perfectgym_offers_core::checkout::*;
use perfectgym_offers_core::model::{
    PriceBreakdown, PurchaseRequest, PurchaseResult, PurchasedOffer, VoucherErrorCode,
};
use perfectgym_offers_core::{ApiError, Money};
use time::{Date, Month};

fn day(d: u8) -> Date {
    Date::from_calendar_date(2026, Month::November, d).unwrap()
}

fn eur(amount: &str) -> Money {
    Money::new(amount.parse().unwrap(), "EUR")
}

fn preview(price: &str, to_pay: &str, error: Option<VoucherErrorCode>) -> PriceBreakdown {
    PriceBreakdown {
        price: eur(price),
        discounted_price: eur(to_pay),
        discount_value: None,
        voucher_success_message: None,
        voucher_error_code: error,
    }
}

fn receipt() -> PurchaseResult {
    PurchaseResult {
        online_offer_purchase_id: 100_001,
        studio_access_code: "PTKXPMUO".into(),
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
    assert_eq!(checkout.buy(today), Ok(NextStep::Pay { amount: eur("16") }));
    assert!(checkout.is_locked());
    assert_eq!(
        checkout.buy(today),
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
    checkout.purchase_finished(Ok(receipt()));
    assert!(matches!(checkout.stage, Stage::Done(_)));
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
    assert_eq!(checkout.buy(today), Err(Blocked::VoucherRejected));
    let (seq, _) = checkout.request_preview("").unwrap();
    checkout.preview_arrived(seq, Ok(preview("20", "20", None)));
    assert!(matches!(checkout.buy(today), Ok(NextStep::Pay { .. })));
}

#[test]
fn no_price_no_purchase() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(1), today);
    assert_eq!(checkout.buy(today), Err(Blocked::PriceNotReady));
    let (seq, _) = checkout.request_preview("").unwrap();
    checkout.preview_arrived(seq, Err(ApiError::Timeout { after_ms: 1 }));
    assert_eq!(checkout.buy(today), Err(Blocked::PriceNotReady));
}

#[test]
fn free_offers_skip_payment() {
    let today = day(24);
    let mut checkout = Checkout::new(1008, Some(1), today);
    let (seq, _) = checkout.request_preview("").unwrap();
    checkout.preview_arrived(seq, Ok(preview("0", "0", None)));
    let Ok(NextStep::Purchase(request)) = checkout.buy(today) else {
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
    assert_eq!(checkout.buy(today), Err(Blocked::SignInRequired));
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
    let (seq, _) = checkout.request_preview("").unwrap();
    checkout.preview_arrived(seq, Ok(preview("20", "20", None)));
    checkout.set_valid_from(day(24), day(24)).unwrap();
    assert_eq!(checkout.buy(day(25)), Err(Blocked::StartInPast));
}

#[test]
fn cancelling_payment_returns_to_choosing_and_buying_again_works() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(1), today);
    let (seq, _) = checkout.request_preview("").unwrap();
    checkout.preview_arrived(seq, Ok(preview("20", "20", None)));
    checkout.buy(today).unwrap();
    checkout.payment_cancelled();
    assert_eq!(checkout.stage, Stage::Choosing);
    assert_eq!(
        checkout.paid("late-token".into()),
        None,
        "a token after cancelling buys nothing"
    );
    assert!(matches!(checkout.buy(today), Ok(NextStep::Pay { .. })));
}

#[test]
fn a_failed_purchase_can_be_tried_again_and_the_form_unlocks() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(1), today);
    let (seq, _) = checkout.request_preview("").unwrap();
    checkout.preview_arrived(seq, Ok(preview("0", "0", None)));
    checkout.buy(today).unwrap();
    assert_eq!(
        checkout.request_preview("X"),
        None,
        "the form is locked while buying"
    );
    checkout.purchase_finished(Err(ApiError::from_status(400, None)));
    assert!(!checkout.is_locked());
    assert!(matches!(checkout.buy(today), Ok(NextStep::Purchase(_))));
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

fn purchased(id: i64, offer: i64, valid_from: &str, bought: &str) -> PurchasedOffer {
    serde_json::from_value(serde_json::json!({
        "onlineOfferId": offer, "name": "Day Ticket Adult",
        "price": {"amount": 20, "currency": "EUR"},
        "onlineOfferPurchaseId": id, "studioAccessCode": format!("CODE{id}"),
        "validFrom": format!("{valid_from}T00:00:00+01:00[Europe/Berlin]"),
        "purchaseDate": bought,
        "discountedPrice": {"amount": 16, "currency": "EUR"},
        "discountValue": {"amount": 4, "currency": "EUR"}
    }))
    .unwrap()
}

fn paid_request(checkout: &mut Checkout, today: Date) -> PurchaseRequest {
    let (seq, _) = checkout.request_preview("").unwrap();
    checkout.preview_arrived(seq, Ok(preview("20", "20", None)));
    checkout.buy(today).unwrap();
    checkout.paid("tok".into()).unwrap()
}

#[test]
fn a_dropped_purchase_is_checked_before_anything_else_and_found() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(1), today);
    let request = paid_request(&mut checkout, today);
    assert!(checkout.purchase_finished(Err(ApiError::Network {
        cause: "reset".into()
    })));
    assert!(matches!(checkout.stage, Stage::Verifying(_)));
    assert!(
        checkout.is_locked(),
        "no blind retry while the outcome is unknown"
    );
    assert_eq!(checkout.buy(today), Err(Blocked::InFlight));
    let purchases = [
        purchased(
            7,
            1001,
            "2026-11-24",
            "2026-11-20T10:00:00+01:00[Europe/Berlin]",
        ),
        purchased(
            9,
            1001,
            "2026-11-24",
            "2026-11-24T10:00:00+01:00[Europe/Berlin]",
        ),
        purchased(
            8,
            2002,
            "2026-11-24",
            "2026-11-24T10:00:00+01:00[Europe/Berlin]",
        ),
    ];
    let found = find_new_purchase(&purchases, &request, Some(&[7]), 0).unwrap();
    assert_eq!(found.online_offer_purchase_id, 9);
    assert_eq!(found.studio_access_code, "CODE9");
    assert_eq!(found.prices.discounted_price, eur("16"));
    checkout.verification_finished(Ok(Some(found)));
    assert!(matches!(checkout.stage, Stage::Done(_)));
}

#[test]
fn a_dropped_purchase_that_did_not_go_through_may_be_tried_again() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(1), today);
    let request = paid_request(&mut checkout, today);
    assert!(checkout.purchase_finished(Err(ApiError::from_status(504, None))));
    let old = [purchased(
        7,
        1001,
        "2026-11-24",
        "2026-11-20T10:00:00+01:00[Europe/Berlin]",
    )];
    assert_eq!(find_new_purchase(&old, &request, Some(&[7]), 0), None);
    let other_date = [purchased(
        9,
        1001,
        "2026-12-01",
        "2026-11-24T10:00:00+01:00[Europe/Berlin]",
    )];
    assert_eq!(
        find_new_purchase(&other_date, &request, Some(&[]), 0),
        None,
        "another start date is another purchase"
    );
    checkout.verification_finished(Ok(None));
    assert!(matches!(
        checkout.stage,
        Stage::Failed(ApiError::Http { status: 504, .. })
    ));
    assert!(!checkout.is_locked());
}

#[test]
fn when_even_the_check_fails_the_outcome_stays_unconfirmed() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(1), today);
    paid_request(&mut checkout, today);
    assert!(checkout.purchase_finished(Err(ApiError::Timeout { after_ms: 15_000 })));
    checkout.verification_finished(Err(ApiError::Network {
        cause: "offline".into(),
    }));
    assert!(matches!(
        checkout.stage,
        Stage::Unconfirmed(ApiError::Timeout { .. })
    ));
    assert!(!checkout.is_locked(), "the visitor is not stuck");
}

#[test]
fn without_a_snapshot_only_purchases_since_sending_count() {
    let request = PurchaseRequest {
        online_offer_id: 1001,
        customer_id: 1,
        valid_from: "2026-11-24".into(),
        voucher_code: None,
        payment_request_token: None,
    };
    let sent_at = 1_795_000_000; // 2026-11-18T...
    let earlier = purchased(
        7,
        1001,
        "2026-11-24",
        "2026-11-01T10:00:00+01:00[Europe/Berlin]",
    );
    let later = purchased(
        9,
        1001,
        "2026-11-24",
        "2026-11-24T10:00:00+01:00[Europe/Berlin]",
    );
    let found = find_new_purchase(&[earlier, later], &request, None, sent_at).unwrap();
    assert_eq!(found.online_offer_purchase_id, 9);
}

#[test]
fn a_clear_refusal_is_a_plain_failure() {
    let today = day(24);
    let mut checkout = Checkout::new(1001, Some(1), today);
    paid_request(&mut checkout, today);
    assert!(!checkout.purchase_finished(Err(ApiError::from_status(400, None))));
    assert!(matches!(checkout.stage, Stage::Failed(_)));
}
