//! The vendor's documented example payloads decode into the wire types and encode back to the
//! same JSON, field for field; what the contract lets vary (unknown enum values, extra fields,
//! missing optional fields, older names) still decodes.

use perfectgym_offers_core::checkout::PendingCheckout;
use perfectgym_offers_core::model::*;
use perfectgym_offers_core::money::Amount;
use perfectgym_offers_core::wire::{FromJson, ToJson};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Decodes `name`, checks it encodes back to exactly the same JSON, and returns the value.
fn round_trip<T: DeserializeOwned + Serialize>(name: &str) -> T {
    let json = fixture(name);
    let decoded: T = serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        serde_json::to_value(&decoded).unwrap(),
        json,
        "{name} did not round-trip"
    );
    decoded
}

#[test]
fn purchasable_page_round_trips() {
    let page: OfferPage = round_trip("purchasable-page.json");
    assert!(page.has_next);
    assert_eq!(page.offset, Some(PageOffset("1234567890".into())));
    let offer = &page.result[0];
    assert_eq!(offer.online_offer_id, 12345);
    assert_eq!(offer.offer_type, Some(OfferType::CheckInBased));
    assert_eq!(offer.price.as_ref().unwrap().amount, Amount::from_units(20));
}

#[test]
fn offer_detail_round_trips() {
    let offer: OnlineOffer = round_trip("offer-detail.json");
    let restrictions = offer.restrictions.unwrap();
    assert_eq!(restrictions.min_age, Some(18));
    assert_eq!(
        restrictions.studio_access_type,
        Some(StudioAccessType::AllStudios)
    );
    assert_eq!(restrictions.restricted_studio_ids, [3, 7]);
    assert!(restrictions.time_restrictions.is_some());
    assert_eq!(offer.payment_methods, [PaymentMethod::OnlinePayment]);
}

#[test]
fn preview_round_trips() {
    let request: PurchasePreviewRequest = round_trip("preview-request.json");
    assert_eq!(request.voucher_code.as_deref(), Some("SUMMER21"));
    let preview: PurchasePreview = round_trip("preview-response.json");
    assert_eq!(
        preview.voucher_error_code,
        Some(VoucherErrorCode::InvalidCode)
    );
}

#[test]
fn purchase_round_trips() {
    let request: PurchaseRequest = round_trip("purchase-request.json");
    assert_eq!(request.valid_from, "2024-07-01");
    assert_eq!(
        request.payment_request_token.as_deref(),
        Some("abc123token")
    );
    let result: PurchaseResult = round_trip("purchase-response.json");
    assert_eq!(result.online_offer_purchase_id, 123456);
    assert_eq!(result.studio_access_code, "PTKXPMUO");
    assert_eq!(
        result.prices.voucher_success_message.as_deref(),
        Some("Voucher applied successfully")
    );
}

#[test]
fn purchased_lists_round_trip() {
    for name in ["purchased-list.json", "purchased-offer.json"] {
        let purchased: Vec<PurchasedOffer> = round_trip(name);
        let first = &purchased[0];
        assert_eq!(first.offer.online_offer_id, 12345);
        assert_eq!(first.online_offer_purchase_id, 123456);
        assert_eq!(
            first.purchase_date.as_ref().unwrap().zone(),
            Some("Europe/Berlin")
        );
        assert_eq!(first.voucher_code.as_deref(), Some("VOUCHER-ABC123"));
    }
}

#[test]
fn error_body_decodes_and_ignores_deprecated_args() {
    let body: VendorErrorBody = serde_json::from_value(fixture("error-body.json")).unwrap();
    assert_eq!(body.error_code.as_deref(), Some("ENTITY_NOT_FOUND"));
    assert_eq!(body.trace_id.as_deref(), Some("5f0c1a2b3c4d"));
    assert_eq!(body.reference.as_deref(), Some("OO-404"));
}

#[test]
fn older_names_unknown_values_and_extra_fields_decode() {
    let offer: OnlineOffer = serde_json::from_value(fixture("offer-older-names.json")).unwrap();
    assert_eq!(
        offer.online_offer_id, 777,
        "`id` is the older name of onlineOfferId"
    );
    assert_eq!(
        offer.offer_type,
        Some(OfferType::Unknown("SOME_FUTURE_TYPE".into()))
    );
    let period = offer.period_of_use.as_ref().unwrap();
    assert_eq!(
        period.period_type,
        Some(PeriodOfUseType::Unknown("RECURRING".into()))
    );
    assert_eq!(period.term.as_ref().unwrap().unit, TermUnit::Minutes);
    assert_eq!(
        offer.price.as_ref().unwrap().amount,
        "99.9".parse().unwrap()
    );
    let restrictions = offer.restrictions.as_ref().unwrap();
    assert_eq!(
        restrictions.studio_access_type,
        Some(StudioAccessType::Unknown("REGIONAL_STUDIOS".into()))
    );
    assert_eq!(
        restrictions.time_restrictions, None,
        "null means no time restrictions"
    );
    assert_eq!(
        offer.payment_methods,
        [
            PaymentMethod::OnlinePayment,
            PaymentMethod::Unknown("CASH_AT_DESK".into())
        ]
    );
    // Unknown values encode back exactly as they came.
    let encoded = serde_json::to_value(&offer).unwrap();
    assert_eq!(encoded["type"], "SOME_FUTURE_TYPE");
    assert_eq!(encoded["onlineOfferId"], 777);
}

#[test]
fn older_purchase_names_decode() {
    let result: PurchaseResult = serde_json::from_str(
        r#"{"id": 5, "studioAccessCode": "X", "price": {"amount": 1, "currency": "EUR"},
            "discountedPrice": {"amount": 1, "currency": "EUR"}}"#,
    )
    .unwrap();
    assert_eq!(result.online_offer_purchase_id, 5);
    let request: PurchaseRequest = serde_json::from_str(
        r#"{"onlineOfferId": 1, "customerId": 2, "validFrom": "2026-01-01",
            "onetimePaymentRequestToken": "tok"}"#,
    )
    .unwrap();
    assert_eq!(request.payment_request_token.as_deref(), Some("tok"));
    // An older tenant's purchased list: the purchase's id as `id`, beside the offer's id.
    let purchased: Vec<PurchasedOffer> =
        serde_json::from_str(r#"[{"id": 55, "onlineOfferId": 1, "studioAccessCode": "X"}]"#)
            .unwrap();
    assert_eq!(purchased[0].online_offer_purchase_id, 55);
    assert_eq!(purchased[0].offer.online_offer_id, 1);
    // `id` alone could be either: not read as both.
    let ambiguous: Readable<PurchasedOffer> =
        serde_json::from_str(r#"[{"id": 55, "studioAccessCode": "X"}]"#).unwrap();
    assert!(ambiguous.is_empty() && ambiguous.unreadable.len() == 1);
}

#[test]
fn an_offer_with_nulls_inside_its_category_or_terms_keeps_the_rest() {
    let offer: OnlineOffer = serde_json::from_str(
        r#"{"onlineOfferId": 1, "name": "Day ticket",
            "category": {"id": null, "name": "Tickets"},
            "validity": {"value": null, "unit": null},
            "periodOfUse": {"term": {"value": 2, "unit": null}, "type": "ONE_TIME"}}"#,
    )
    .unwrap();
    assert_eq!(offer.name, "Day ticket");
    assert_eq!(offer.category, None);
    assert_eq!(offer.validity, None);
    let period = offer.period_of_use.unwrap();
    assert_eq!(period.term, None);
    assert!(period.period_type.is_some());
}

#[test]
fn a_bare_offer_decodes_with_every_optional_field_missing() {
    let offer: OnlineOffer = serde_json::from_str(r#"{"onlineOfferId": 1}"#).unwrap();
    assert_eq!(offer.name, "");
    assert_eq!(offer.price, None);
    assert!(offer.payment_methods.is_empty());
    let page: OfferPage = serde_json::from_str("{}").unwrap();
    assert!(page.result.is_empty() && !page.has_next && page.offset.is_none());
    let page: OfferPage =
        serde_json::from_str(r#"{"result": [], "hasNext": true, "offset": 60}"#).unwrap();
    assert_eq!(
        page.offset,
        Some(PageOffset("60".into())),
        "a numeric offset is kept as text"
    );
}

#[test]
fn wrongly_typed_bodies_are_errors_not_panics() {
    for body in [
        r#"{"onlineOfferId": "twelve"}"#,
        r#"{"name": "no id"}"#,
        r#"{"onlineOfferId": 1, "price": {"amount": "lots", "currency": "EUR"}}"#,
        r#"[]"#,
        r#"null"#,
    ] {
        assert!(serde_json::from_str::<OnlineOffer>(body).is_err(), "{body}");
    }
}

#[test]
fn paths_are_the_vendors_own() {
    assert_eq!(
        paths::purchasable(&PageOffset("a b/c".into()), 50),
        "/v1/online-offers/purchasable?offset=a%20b%2Fc&sliceSize=50"
    );
    assert_eq!(
        paths::purchasable_offer(12345),
        "/v1/online-offers/purchasable/12345"
    );
    assert_eq!(
        paths::purchase_preview(),
        "/v1/online-offers/purchase/preview"
    );
    assert_eq!(paths::purchase(), "/v1/online-offers/purchase");
    assert_eq!(paths::purchased(67890), "/v1/online-offers/67890/purchased");
    assert_eq!(
        paths::purchased_offer(67890, 12345),
        "/v1/online-offers/67890/purchased/12345"
    );
}

#[test]
fn payment_session_bodies_use_the_vendors_names() {
    let request = PaymentSessionRequest {
        amount: "16.5".parse().unwrap(),
        scope: PAYMENT_SCOPE_ECOM.into(),
        customer_id: 67890,
        permitted_payment_choices: None,
        reference_text: Some("Online offer 1005".into()),
    };
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        serde_json::json!({"amount": 16.5, "scope": "ECOM", "customerId": 67890, "referenceText": "Online offer 1005"})
    );
    let session: PaymentSession = serde_json::from_str(
        r#"{"token": "sess-1", "tokenValidUntil": "2026-11-24T22:30:00+01:00[Europe/Berlin]", "finionPayCustomerId": 77}"#,
    )
    .unwrap();
    assert_eq!(session.token, "sess-1");
    assert_eq!(paths::payment_session(), "/v1/payments/user-session");
}

/// What a tolerant reader must still read, and where it must stop: an empty object written as
/// `[]`, whole numbers written as floats, and a list of mostly junk.
#[test]
fn empty_lists_for_objects_floats_for_integers_and_junk_lists() {
    let offer: OnlineOffer = serde_json::from_value(serde_json::json!({
        "onlineOfferId": 7.0, "name": "Day", "restrictions": [], "periodOfUse": [], "price": []
    }))
    .unwrap();
    assert_eq!(offer.online_offer_id, 7);
    assert_eq!(offer.restrictions.unwrap().min_age, None);
    assert_eq!(offer.period_of_use.unwrap().term, None);
    assert_eq!(offer.price, None);
    let preview: PurchasePreview = serde_json::from_value(serde_json::json!([])).unwrap();
    assert_eq!(preview.price, None);
    assert!(
        serde_json::from_value::<OnlineOffer>(serde_json::json!({"onlineOfferId": 7.5})).is_err()
    );
    // Up to a thousand unreadable items are named; past that the list is an error, not a
    // million messages.
    let junk = |n: usize| serde_json::json!({"result": vec![0; n], "hasNext": false});
    let page: OfferPage = serde_json::from_value(junk(1_000)).unwrap();
    assert_eq!(page.result.unreadable.len(), 1_000);
    assert!(serde_json::from_value::<OfferPage>(junk(1_001)).is_err());
}

/// What the widget writes into a body (`ToJson`, through the browser's own objects) is what
/// serde's `Serialize` writes natively, member for member.
#[test]
fn bodies_the_widget_writes_match_serde() {
    fn written(value: &impl ToJson) -> Value {
        let mut object = serde_json::Map::new();
        value.write_json(&mut object);
        Value::Object(object)
    }
    let preview: PurchasePreviewRequest = round_trip("preview-request.json");
    assert_eq!(written(&preview), serde_json::to_value(&preview).unwrap());
    let without_voucher = PurchasePreviewRequest {
        voucher_code: None,
        ..preview
    };
    assert_eq!(
        written(&without_voucher),
        serde_json::to_value(&without_voucher).unwrap()
    );
    let purchase: PurchaseRequest = round_trip("purchase-request.json");
    assert_eq!(written(&purchase), serde_json::to_value(&purchase).unwrap());
    for (amount, choices) in [("16.5", None), ("20", Some(vec!["CARD".to_owned()]))] {
        let session = PaymentSessionRequest {
            amount: amount.parse().unwrap(),
            scope: PAYMENT_SCOPE_ECOM.into(),
            customer_id: 67890,
            permitted_payment_choices: choices,
            reference_text: Some("Online offer 1005".into()),
        };
        assert_eq!(written(&session), serde_json::to_value(&session).unwrap());
    }
    for voucher in [None, Some("SUMMER21".to_owned())] {
        let pending = PendingCheckout {
            offer_id: 1005,
            customer_id: 67890,
            voucher,
            valid_from: "2026-12-01".into(),
            saved_at_ms: 1_764_000_000_000,
        };
        assert_eq!(written(&pending), serde_json::to_value(&pending).unwrap());
        assert_eq!(
            PendingCheckout::from_json(&&written(&pending)).unwrap(),
            pending
        );
    }
}

/// A Java tenant with default Jackson settings writes `null` for every absent field, of every
/// type: all of it reads as absent.
#[test]
fn jackson_nulls_read_as_absent_for_every_type() {
    let page: OfferPage = serde_json::from_value(serde_json::json!({
        "result": [{
            "onlineOfferId": 1, "name": null, "scopeOfUsage": null, "price": null,
            "periodOfUse": {"term": null, "type": null}, "type": null,
            "category": {"id": 3, "name": null}, "validity": null,
            "restrictions": {"minAge": null, "studioAccessType": null,
                "restrictedStudioIds": null, "timeRestrictions": null},
            "paymentMethods": null
        }, {
            "onlineOfferId": 2, "name": "Day", "price": {"amount": null, "currency": null},
            "periodOfUse": null, "category": null, "restrictions": null
        }],
        "hasNext": null, "offset": null
    }))
    .unwrap();
    assert!(
        page.result.unreadable.is_empty(),
        "{:?}",
        page.result.unreadable
    );
    let (first, second) = (&page.result[0], &page.result[1]);
    assert_eq!(first.name, "");
    assert_eq!(first.category.as_ref().unwrap().name, "");
    assert!(first.payment_methods.is_empty());
    let restrictions = first.restrictions.as_ref().unwrap();
    assert!(restrictions.restricted_studio_ids.is_empty());
    assert_eq!(restrictions.time_restrictions, None);
    assert_eq!(
        second.price, None,
        "a price without amount and currency is none"
    );
    assert!(!page.has_next);
    assert_eq!(page.offset, None);

    let preview: PurchasePreview = serde_json::from_value(serde_json::json!({
        "price": null, "discountedPrice": null, "discountValue": null,
        "voucherSuccessMessage": null, "voucherErrorCode": null
    }))
    .unwrap();
    assert_eq!(
        preview.discounted_price, None,
        "a missing price is a state, not an error"
    );
    let bought: PurchaseResult = serde_json::from_value(serde_json::json!({
        "onlineOfferPurchaseId": 5, "studioAccessCode": null, "expiryDate": null,
        "price": {"amount": 20, "currency": "EUR"}, "discountedPrice": {"amount": 20, "currency": null},
        "discountValue": null, "voucherSuccessMessage": null, "voucherErrorCode": "INVALID_CODE"
    }))
    .unwrap();
    assert_eq!(bought.studio_access_code, "");
    assert_eq!(bought.prices.discounted_price, None);
    assert_eq!(
        bought.prices.voucher_error_code,
        Some(VoucherErrorCode::InvalidCode)
    );
    let purchases: Readable<PurchasedOffer> = serde_json::from_value(serde_json::json!([{
        "onlineOfferId": 1, "name": null, "onlineOfferPurchaseId": 9, "purchaseDate": null,
        "expiryDate": null, "validFrom": null, "studioAccessCode": null, "studioId": null,
        "voucherCode": null, "discountedPrice": null, "discountValue": null, "paymentMethods": null
    }]))
    .unwrap();
    assert_eq!(purchases.len(), 1);
    assert_eq!(purchases[0].studio_access_code, "");
    let error: VendorErrorBody = serde_json::from_value(serde_json::json!({
        "errorMessage": null, "errorCode": null, "traceId": null, "reference": null
    }))
    .unwrap();
    assert!(!error.is_vendors(), "an empty error body says nothing");
}

/// One offer or purchase that cannot be read is left out and named; the others are kept.
#[test]
fn an_unreadable_item_is_left_out_not_the_whole_list() {
    let body = serde_json::json!({
        "result": [
            {"onlineOfferId": 1, "name": "Day"},
            {"onlineOfferId": "one", "name": "Broken"},
            {"onlineOfferId": 3, "scopeOfUsage": "many"},
            {"onlineOfferId": 4, "name": "Week"}
        ],
        "hasNext": false
    });
    let page: OfferPage = serde_json::from_value(body.clone()).unwrap();
    let ids: Vec<i64> = page.result.iter().map(|o| o.online_offer_id).collect();
    assert_eq!(ids, [1, 4]);
    assert_eq!(page.result.unreadable.len(), 2);
    assert!(
        page.result.unreadable[0].starts_with("item 1 left out"),
        "{:?}",
        page.result.unreadable
    );
    assert!(page.result.unreadable[1].starts_with("item 2 left out"));
    // A streaming decoder may or may not step over the broken item; it ends either way and
    // invents nothing.
    if let Ok(streamed) = serde_json::from_str::<OfferPage>(&body.to_string()) {
        assert!(streamed
            .result
            .iter()
            .all(|o| [1, 4].contains(&o.online_offer_id)));
    }
    // Encoding writes the readable items only, as a plain list.
    assert_eq!(
        serde_json::to_value(&page).unwrap()["result"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn cursors_are_opaque_printable_text_of_generous_length() {
    for cursor in [
        "0".to_owned(),
        "eyJsYXN0SWQiOjEwMDh9+/=".repeat(80),
        "Übersicht 2026-11-27 | ~ {}".to_owned(),
        "x".repeat(PageOffset::MAX_CHARS),
    ] {
        assert!(PageOffset(cursor.clone()).is_cursor(), "{cursor}");
    }
    for not_cursor in [
        String::new(),
        "line\nbreak".to_owned(),
        "nul\0".to_owned(),
        "x".repeat(PageOffset::MAX_CHARS + 1),
    ] {
        assert!(
            !PageOffset(not_cursor.clone()).is_cursor(),
            "{not_cursor:?}"
        );
    }
}
