//! The decoder the widget really uses (the browser's `JSON.parse`, then core's wire reader, through
//! `api::decode_body`) against generated bodies: it never panics, and in a list with broken items
//! every intact item survives while the broken ones are named.
//!
//! Deterministic (a fixed-seed generator), so a failure reproduces: 6,000 byte-mutated vendor
//! examples and 1,500 lists with structurally broken items.

use perfectgym_offers::api::decode_body;
use perfectgym_offers::core::model::{
    OfferPage, OnlineOffer, PaymentSession, PurchasePreview, PurchaseResult, PurchasedOffer,
    Readable, VendorErrorBody,
};
use perfectgym_offers::locale::english;
use serde_json::{json, Value};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURES: [&str; 8] = [
    include_str!("../fixtures/purchasable-page.json"),
    include_str!("../fixtures/offer-detail.json"),
    include_str!("../fixtures/preview-response.json"),
    include_str!("../fixtures/purchase-response.json"),
    include_str!("../fixtures/purchased-list.json"),
    include_str!("../fixtures/purchased-offer.json"),
    include_str!("../fixtures/error-body.json"),
    include_str!("../fixtures/offer-older-names.json"),
];

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Decodes `body` as every type the widget reads, and uses what decoded as the widget would.
fn decode_everything(body: &str) {
    if let Ok(page) = decode_body::<OfferPage>(body) {
        page.result.iter().for_each(render);
    }
    if let Ok(offer) = decode_body::<OnlineOffer>(body) {
        render(&offer);
    }
    if let Ok(preview) = decode_body::<PurchasePreview>(body) {
        let _ = preview.discounted_price.map(|p| p.format(english()));
    }
    if let Ok(result) = decode_body::<PurchaseResult>(body) {
        let _ = result.expiry_date.map(|d| d.format_date(english()));
    }
    if let Ok(purchases) = decode_body::<Readable<PurchasedOffer>>(body) {
        for purchase in purchases.iter() {
            render(&purchase.offer);
            let _ = purchase
                .purchase_date
                .as_ref()
                .map(|d| d.format_date_time(english()));
        }
    }
    let _ = decode_body::<VendorErrorBody>(body);
    let _ = decode_body::<PaymentSession>(body);
}

fn render(offer: &OnlineOffer) {
    use perfectgym_offers::core::offer_text::*;
    // Intl formats every tag by the same path; English texts are the ones always compiled in.
    {
        let locale = english();
        let _ = (
            price(offer, locale),
            scope_of_usage(offer, locale),
            validity(offer, locale),
            period_of_use(offer, locale),
            payment_methods(offer, locale),
        );
        if let Some(r) = &offer.restrictions {
            let _ = restrictions(r, locale);
        }
    }
}

#[wasm_bindgen_test]
fn byte_mutated_vendor_examples_never_panic_the_widgets_decoder() {
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let mut decoded_some = 0;
    for _ in 0..6_000 {
        let mut bytes = FIXTURES[dice.below(FIXTURES.len())].as_bytes().to_vec();
        for _ in 0..1 + dice.below(5) {
            if bytes.is_empty() {
                break;
            }
            let at = dice.below(bytes.len());
            let byte = dice.next() as u8;
            match dice.below(3) {
                0 => bytes[at] = byte,
                1 => bytes.truncate(at),
                _ => bytes.insert(at, byte),
            }
        }
        let body = String::from_utf8_lossy(&bytes);
        decode_everything(&body);
        decoded_some += usize::from(js_sys::JSON::parse(&body).is_ok());
    }
    assert!(
        decoded_some > 300,
        "the mutations must leave many bodies parseable, else this tests JSON.parse only: {decoded_some}"
    );
}

/// What a broken field may hold instead.
fn odd_value(dice: &mut Dice) -> Value {
    match dice.below(10) {
        0 => Value::Null,
        1 => json!(""),
        2 => json!("not a number"),
        3 => json!(-1.5),
        4 => json!(1e300),
        5 => json!(true),
        6 => json!([]),
        7 => json!({}),
        8 => json!([null, {"x": 1}]),
        _ => json!({"amount": null, "currency": 7}),
    }
}

/// Replaces one value somewhere inside `value` (maybe the whole of it).
fn break_somewhere(value: &mut Value, dice: &mut Dice) {
    let keys: Vec<String> = match value {
        Value::Object(fields) if !fields.is_empty() && dice.below(4) != 0 => {
            fields.keys().cloned().collect()
        }
        _ => {
            *value = odd_value(dice);
            return;
        }
    };
    let key = &keys[dice.below(keys.len())];
    break_somewhere(value.get_mut(key).unwrap(), dice);
}

fn purchased_entry() -> Value {
    serde_json::from_str::<Value>(FIXTURES[4]).unwrap()[0].clone()
}

fn offer_entry() -> Value {
    serde_json::from_str::<Value>(FIXTURES[0]).unwrap()["result"][0].clone()
}

#[wasm_bindgen_test]
fn in_lists_with_broken_items_every_intact_item_survives() {
    let mut dice = Dice(0xD1B5_4A32_D192_ED03);
    let mut left_out = 0;
    for case in 0..1_500 {
        let purchases = case % 2 == 1;
        let template = if purchases {
            purchased_entry()
        } else {
            offer_entry()
        };
        let count = 1 + dice.below(8);
        let mut intact = Vec::new();
        let items: Vec<Value> = (0..count)
            .map(|i| {
                let mut item = template.clone();
                let id = 1_000 + i as i64;
                item["onlineOfferId"] = json!(id);
                item["onlineOfferPurchaseId"] = json!(id);
                if dice.below(3) == 0 {
                    break_somewhere(&mut item, &mut dice);
                } else {
                    intact.push(id);
                }
                item
            })
            .collect();
        let (ids, unreadable) = if purchases {
            let list: Readable<PurchasedOffer> = decode_body(&Value::Array(items).to_string())
                .unwrap_or_else(|e| panic!("case {case}: the list itself must decode: {e}"));
            (
                list.iter()
                    .map(|p| p.online_offer_purchase_id)
                    .collect::<Vec<_>>(),
                list.unreadable,
            )
        } else {
            let body = json!({"result": items, "hasNext": false}).to_string();
            let page: OfferPage = decode_body(&body)
                .unwrap_or_else(|e| panic!("case {case}: the page itself must decode: {e}"));
            (
                page.result
                    .iter()
                    .map(|o| o.online_offer_id)
                    .collect::<Vec<_>>(),
                page.result.unreadable,
            )
        };
        for id in &intact {
            assert!(
                ids.contains(id),
                "case {case}: intact item {id} lost; kept {ids:?}, left out {unreadable:?}"
            );
        }
        assert_eq!(
            ids.len() + unreadable.len(),
            count,
            "case {case}: every item is kept or named"
        );
        left_out += unreadable.len();
    }
    assert!(
        left_out > 200,
        "the broken items must often be unreadable, else nothing is tested: {left_out}"
    );
}
