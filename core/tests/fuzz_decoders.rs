//! Hostile and broken bodies never panic the decoders: they decode or they are errors.
//!
//! 100,000 generated bodies in all: 40,000 arbitrary JSON documents decoded as every wire type,
//! 40,000 mutations (byte flips, cuts, splices) of the vendor's example payloads, and 20,000
//! arbitrary strings through the hand-written parsers (amounts, timestamps, dates, attributes).

use perfectgym_offers_core::checkout::normalise_voucher;
use perfectgym_offers_core::dates::{parse_date, StudioDateTime};
use perfectgym_offers_core::model::*;
use perfectgym_offers_core::widget_config::WidgetConfig;
use perfectgym_offers_core::{Amount, Locale};
use proptest::prelude::*;
use serde_json::Value;

const FIXTURES: [&str; 10] = [
    include_str!("../../fixtures/purchasable-page.json"),
    include_str!("../../fixtures/offer-detail.json"),
    include_str!("../../fixtures/preview-request.json"),
    include_str!("../../fixtures/preview-response.json"),
    include_str!("../../fixtures/purchase-request.json"),
    include_str!("../../fixtures/purchase-response.json"),
    include_str!("../../fixtures/purchased-list.json"),
    include_str!("../../fixtures/purchased-offer.json"),
    include_str!("../../fixtures/error-body.json"),
    include_str!("../../fixtures/offer-older-names.json"),
];

/// Decodes `body` as every type the widget reads, and renders what decoded, as the widget would.
/// Like the widget (`JSON.parse`, then core's wire reader over the parsed tree), it parses first
/// and decodes the tree; the browser test `tests/decode_fuzz.rs` runs the widget's own path.
fn decode_everything(body: &str) {
    let Ok(tree) = serde_json::from_str::<Value>(body) else {
        return;
    };
    if let Some(page) = read::<OfferPage>(&tree) {
        for offer in page.result.iter() {
            render(offer);
        }
    }
    if let Some(offer) = read::<OnlineOffer>(&tree) {
        render(&offer);
    }
    if let Some(preview) = read::<PurchasePreview>(&tree) {
        let _ = preview
            .discounted_price
            .map(|p| p.format(Locale::native("de-DE")));
    }
    let _ = read::<PurchaseResult>(&tree);
    if let Some(purchases) = read::<Readable<PurchasedOffer>>(&tree) {
        for purchase in purchases.iter() {
            render(&purchase.offer);
            if let Some(date) = &purchase.expiry_date {
                let _ = date.format_date_time(Locale::native("en-US"));
            }
        }
    }
    let _ = read::<VendorErrorBody>(&tree);
    let _ = read::<PaymentSession>(&tree);
}

fn read<'a, T: serde::Deserialize<'a>>(tree: &'a Value) -> Option<T> {
    T::deserialize(tree).ok()
}

fn render(offer: &OnlineOffer) {
    use perfectgym_offers_core::offer_text::*;
    for locale in [Locale::native("en-US"), Locale::native("de-DE")] {
        let _ = price(offer, locale);
        let _ = (
            scope_of_usage(offer, locale),
            validity(offer, locale),
            period_of_use(offer, locale),
        );
        let _ = payment_methods(offer, locale);
        if let Some(r) = &offer.restrictions {
            let _ = restrictions(r, locale);
        }
    }
    if let Some(validity) = &offer.validity {
        let today = time::Date::from_calendar_date(2026, time::Month::November, 24).unwrap();
        let _ = perfectgym_offers_core::dates::last_day_of_use(today, validity);
    }
}

/// Any JSON document, biased towards the shapes and names the contract uses.
fn json_value() -> impl Strategy<Value = Value> {
    let names = prop_oneof![
        Just("onlineOfferId"),
        Just("id"),
        Just("name"),
        Just("price"),
        Just("amount"),
        Just("currency"),
        Just("result"),
        Just("hasNext"),
        Just("offset"),
        Just("validity"),
        Just("value"),
        Just("unit"),
        Just("periodOfUse"),
        Just("term"),
        Just("type"),
        Just("restrictions"),
        Just("minAge"),
        Just("studioAccessType"),
        Just("timeRestrictions"),
        Just("restrictedStudioIds"),
        Just("paymentMethods"),
        Just("discountedPrice"),
        Just("voucherErrorCode"),
        Just("purchaseDate"),
        Just("expiryDate"),
        Just("validFrom"),
        Just("onlineOfferPurchaseId"),
        Just("studioAccessCode"),
        Just("errorMessage"),
        Just("token"),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just("WEEK".to_owned()),
            Just("EUR".to_owned()),
            Just("2026-01-15T00:00:00+01:00[Europe/Berlin]".to_owned()),
            Just("1e400".to_owned()),
            Just("-0.005".to_owned()),
            Just("[".to_owned()),
            ".{0,24}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((names.clone(), inner), 0..8).prop_map(|fields| {
                Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

/// A vendor example with bytes flipped, cut or spliced in.
fn mutated_fixture() -> impl Strategy<Value = Vec<u8>> {
    (
        0..FIXTURES.len(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..6),
    )
        .prop_map(|(which, edits)| {
            let mut bytes = FIXTURES[which].as_bytes().to_vec();
            for (at, byte, kind) in edits {
                if bytes.is_empty() {
                    break;
                }
                let at = at.index(bytes.len());
                match kind {
                    0 => bytes[at] = byte,
                    1 => bytes.truncate(at),
                    _ => bytes.insert(at, byte),
                }
            }
            bytes
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40_000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        decode_everything(&value.to_string());
    }

    #[test]
    fn mutated_vendor_examples_never_panic(bytes in mutated_fixture()) {
        decode_everything(&String::from_utf8_lossy(&bytes));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

    #[test]
    fn the_hand_written_parsers_never_panic(text in "\\PC{0,40}|[0-9.\\-eE+\\[\\]:TZ]{0,40}") {
        let _ = text.parse::<Amount>();
        if let Ok(stamp) = StudioDateTime::parse(&text) {
            let _ = (stamp.format_date_time(Locale::native("en-US")), stamp.to_string());
        }
        let _ = parse_date(&text);
        let _ = normalise_voucher(&text);
        let _ = WidgetConfig::from_attributes(|name| match name {
            "api-base" => Some(text.clone()),
            "customer-id" | "offer-id" | "locale" => Some(text.clone()),
            _ => None,
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

    /// JavaScript hands amounts over as f64: every amount with up to four decimals (up to a
    /// billion) survives the trip both ways, and goes out as the f64 Rust's exact decimal parser
    /// picks for its text.
    #[test]
    fn amounts_cross_the_f64_bridge_exactly(scaled in -10_000_000_000_000i64..10_000_000_000_000i64) {
        let text = format!("{}{}.{:04}", if scaled < 0 { "-" } else { "" }, scaled.abs() / 10_000, scaled.abs() % 10_000);
        let amount: Amount = text.parse().unwrap();
        let nearest: f64 = text.parse().unwrap();
        let json = serde_json::to_string(&amount).unwrap();
        prop_assert_eq!(json.parse::<f64>().unwrap(), nearest);
        prop_assert_eq!(serde_json::from_str::<Amount>(&json).unwrap(), amount);
        prop_assert_eq!(serde_json::from_str::<Amount>(&nearest.to_string()).unwrap(), amount);
    }
}
