//! A purchase whose answer proves nothing (lost, a 500) is never retried blindly and never called
//! a failure on a guess: the widget looks for it among the customer's purchases first, shows its
//! receipt when it went through, however the tenant writes its timestamps, and says so when it
//! cannot tell.

use wasm_bindgen_test::*;

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

const PURCHASED: &str = "/v1/online-offers/67890/purchased/12345";
const PURCHASE: &str = "/v1/online-offers/purchase";

/// The customer's purchase of offer 12345 that the unanswered request made: from 27 November in
/// Berlin, its `validFrom` and `purchaseDate` written as the tenant chooses, expiring at the
/// studio's midnight of 11 December written in UTC.
fn the_new_purchase(valid_from: &str, purchase_date: &str) -> String {
    format!(
        r#"[{{"onlineOfferId":12345,"name":"Day Ticket Adult","price":{{"amount":20,"currency":"EUR"}},
            "onlineOfferPurchaseId":555001,"studioAccessCode":"RECOVERD",
            "purchaseDate":"{purchase_date}","validFrom":"{valid_from}",
            "expiryDate":"2026-12-10T23:00:00Z",
            "discountedPrice":{{"amount":0,"currency":"EUR"}}}}]"#
    )
}

/// The three ways a tenant may write the studio's midnight of 27 November.
const WRITTEN: [&str; 3] = [
    "2026-11-27T00:00:00+01:00[Europe/Berlin]",
    "2026-11-26T23:00:00Z",
    "2026-11-26T18:00:00-05:00",
];

/// How the purchase's answer goes missing.
#[derive(Debug, Clone, Copy)]
enum Silence {
    Lost,
    ServerError,
}

impl Silence {
    fn script(self) {
        match self {
            Silence::Lost => Fetch::network_error(PURCHASE, -1),
            Silence::ServerError => Fetch::respond(
                PURCHASE,
                500,
                r#"{"errorMessage":"Internal server error","traceId":"t-1"}"#,
            ),
        }
    }
}

/// A free offer (no payment step): `purchased` scripts the customer's purchases of the offer,
/// then the purchase's answer goes missing as `silence` says, and the visitor presses Buy.
async fn buy_and_lose_the_answer(purchased: impl Fn(), silence: Silence) -> MountedWidget {
    script_two_offers();
    purchased();
    Fetch::respond(
        "/purchase/preview",
        200,
        r#"{"price":{"amount":0,"currency":"EUR"},"discountedPrice":{"amount":0,"currency":"EUR"}}"#,
    );
    silence.script();
    let widget = mount_and_choose_first(
        &[
            ("api-base", "/pg-proxy"),
            ("customer-id", "67890"),
            ("time-zone", "Europe/Berlin"),
        ],
        "€0.00",
    )
    .await;
    click(&widget.query(".pgo-buy").unwrap());
    widget
}

fn purchase_posts() -> usize {
    Fetch::requests_to(PURCHASE)
        .iter()
        .filter(|r| r.method == "POST" && !r.url.contains("preview"))
        .count()
}

/// The receipt of the recovered purchase is shown, the purchase was sent once, and Buy does not
/// send it again.
async fn assert_recovered(widget: &MountedWidget, case: &str) {
    wait_until(&format!("the recovered receipt ({case})"), 3_000.0, || {
        widget.query(".pgo-receipt").is_some()
    })
    .await;
    assert_eq!(widget.text(".pgo-code"), "RECOVERD", "{case}");
    let facts = widget.text(".pgo-receipt__facts");
    assert!(facts.contains("555001"), "{case}: {facts}");
    assert!(
        facts.contains("Dec 11, 2026"),
        "{case}: the vendor's expiry on the studio's date: {facts}"
    );
    assert!(
        !widget.text(".pgo-panel").contains("Nothing was charged"),
        "{case}"
    );
    assert!(events()
        .iter()
        .any(|e| e.name == "purchase-completed" && e.detail.contains("555001")));
    let choose = widget.query(".pgo-panel__choose").unwrap();
    assert!(choose.has_attribute("hidden"), "{case}: the form is gone");
    click(&widget.query(".pgo-buy").unwrap());
    leptos::task::tick().await;
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert_eq!(
        purchase_posts(),
        1,
        "{case}: the purchase was sent once, and Buy does not send it again"
    );
}

#[wasm_bindgen_test]
async fn a_purchase_whose_answer_was_lost_or_a_500_shows_its_receipt_however_its_dates_are_written()
{
    for silence in [Silence::Lost, Silence::ServerError] {
        for written in WRITTEN {
            let widget = buy_and_lose_the_answer(
                || {
                    // Before the purchase: nothing; afterwards: the purchase the request made.
                    Fetch::respond_once(PURCHASED, 200, "[]");
                    Fetch::respond(PURCHASED, 200, &the_new_purchase(written, written));
                },
                silence,
            )
            .await;
            assert_recovered(&widget, &format!("{silence:?}, {written}")).await;
            assert_eq!(
                Fetch::requests_to(PURCHASED).len(),
                2,
                "looked for before and after"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn without_the_list_from_before_a_purchase_made_since_sending_is_found_as_an_instant() {
    // Now, written in UTC: in Berlin that may well be another calendar day.
    let now_utc = js_sys::Date::new_0().to_iso_string().as_string().unwrap();
    for silence in [Silence::Lost, Silence::ServerError] {
        let widget = buy_and_lose_the_answer(
            || {
                Fetch::network_error(PURCHASED, 3);
                Fetch::respond(
                    PURCHASED,
                    200,
                    &the_new_purchase("2026-11-26T23:00:00Z", &now_utc),
                );
            },
            silence,
        )
        .await;
        assert_recovered(&widget, &format!("{silence:?}, no list from before")).await;
    }
}

#[wasm_bindgen_test]
async fn a_lost_answer_and_no_purchase_yet_is_not_called_a_failure() {
    // The tenant may still be recording it: a list read straight after proves nothing.
    let widget =
        buy_and_lose_the_answer(|| Fetch::respond(PURCHASED, 200, "[]"), Silence::Lost).await;
    wait_until("the warning", 3_000.0, || {
        widget
            .text(".pgo-notice--problem")
            .contains("could not confirm")
    })
    .await;
    assert!(!widget.text(".pgo-panel").contains("did not go through"));
    assert_eq!(purchase_posts(), 1);
}

/// The tenant's own 500 error body says it finished; its purchases show none made.
#[wasm_bindgen_test]
async fn a_purchase_that_did_not_go_through_can_be_tried_again() {
    let widget = buy_and_lose_the_answer(
        || Fetch::respond(PURCHASED, 200, "[]"),
        Silence::ServerError,
    )
    .await;
    wait_until("the failure", 3_000.0, || {
        widget
            .text(".pgo-notice--problem")
            .contains("it is not among your purchases")
    })
    .await;
    assert!(!widget.text(".pgo-panel").contains("Nothing was charged"));
    assert_eq!(purchase_posts(), 1);
    let buy = widget.query(".pgo-buy").unwrap();
    assert!(
        !buy.has_attribute("disabled"),
        "now the visitor may try again"
    );
    // The purchase answers this time. Routes are matched in order: script afresh (the stub's
    // log starts over too).
    Fetch::reset();
    Fetch::respond(PURCHASED, 200, "[]");
    Fetch::respond(
        PURCHASE,
        200,
        include_str!("../fixtures/purchase-response.json"),
    );
    click(&buy);
    wait_until("the receipt", 3_000.0, || {
        widget.query(".pgo-receipt").is_some()
    })
    .await;
    assert_eq!(widget.text(".pgo-code"), "PTKXPMUO");
    assert_eq!(purchase_posts(), 1, "one more purchase, sent once");
}

#[wasm_bindgen_test]
async fn when_the_check_fails_too_the_visitor_is_told_to_look_first() {
    for silence in [Silence::Lost, Silence::ServerError] {
        let widget = buy_and_lose_the_answer(|| Fetch::network_error(PURCHASED, -1), silence).await;
        wait_until("the warning", 8_000.0, || {
            widget
                .text(".pgo-notice--problem")
                .contains("could not confirm")
        })
        .await;
        let notice = widget.text(".pgo-notice--problem");
        assert!(notice.contains("My offers"), "{silence:?}: {notice}");
        assert!(!notice.contains("Nothing was charged"), "{silence:?}");
        assert_eq!(purchase_posts(), 1);
    }
}
