//! The catalogue view, mounted in a real browser against a scripted `fetch`: loading, offers,
//! empty, error with a working retry, text-only rendering, and configuration errors.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::{events, mount_widget, offer_page, record_events, serve_texts, wait_until, Fetch};

wasm_bindgen_test_configure!(run_in_browser);

const LIST: &str = "/v1/online-offers/purchasable?";

/// Three offers in two pages, each answered after its delay (ms).
fn script_two_pages(first_ms: u32, second_ms: u32) {
    Fetch::reset();
    Fetch::respond_after(
        "offset=0&",
        first_ms,
        200,
        &offer_page(
            &[(1, "Day Ticket Adult", "20"), (2, "Trial Week", "29")],
            Some("2"),
        ),
    );
    Fetch::respond_after(
        "offset=2&",
        second_ms,
        200,
        &offer_page(&[(3, "10-Visit Card", "179")], None),
    );
}

#[wasm_bindgen_test]
async fn shows_loading_then_every_offer_of_every_page() {
    script_two_pages(150, 50);
    let widget = mount_widget(&[("api-base", "/pg-proxy")]);
    leptos::task::tick().await;
    let loading = widget
        .query(".pgo-status--loading")
        .expect("a loading state");
    assert_eq!(loading.get_attribute("role").as_deref(), Some("status"));
    assert!(loading.text_content().unwrap().contains("Loading offers"));
    wait_until("three offer cards", 3_000.0, || {
        widget.query_all(".pgo-offer").len() == 3
    })
    .await;
    assert!(widget.query(".pgo-status--loading").is_none());
    assert_eq!(widget.text(".pgo-count"), "3 offers");
    let first = &widget.query_all(".pgo-offer")[0];
    let text = first.text_content().unwrap();
    for expected in [
        "Day tickets",
        "Day Ticket Adult",
        "€20.00",
        "1 visit",
        "Valid for 2 weeks",
        "Each use lasts 1 day (one time)",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from {text:?}"
        );
    }
    assert_eq!(first.get_attribute("role").as_deref(), Some("radio"));
    assert_eq!(
        first.get_attribute("aria-labelledby").as_deref(),
        Some("pgo-name-1 pgo-price-1"),
        "each choice is named by its name and price"
    );
}

#[wasm_bindgen_test]
async fn speaks_german_with_german_money() {
    Fetch::reset();
    Fetch::respond(LIST, 200, &offer_page(&[(1, "Tageskarte", "1234.5")], None));
    serve_texts();
    let widget = mount_widget(&[("api-base", "/pg-proxy"), ("locale", "de-DE")]);
    wait_until("the offer", 3_000.0, || {
        widget.query(".pgo-offer").is_some()
    })
    .await;
    assert_eq!(widget.text(".pgo-offer__price"), "1.234,50\u{a0}€");
    assert!(widget
        .text(".pgo-offer__facts")
        .contains("Gültig für 2 Wochen"));
    assert_eq!(widget.text(".pgo-heading"), "Online kaufen");
    assert_eq!(
        widget
            .query(".pgo-widget")
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("de-DE")
    );
    let catalogue = &Fetch::requests_to(LIST)[0];
    assert_eq!(
        catalogue.accept_language.as_deref(),
        Some("de-DE"),
        "the exact tag, so the vendor answers in it"
    );
    assert_eq!(
        catalogue.customer_token, None,
        "no token unless the page gives one"
    );
}

/// A deployment that did not upload this release's `locales/` again serves the texts file of the
/// release before, without the keys added since: the visitor keeps their language, and only the
/// texts the file lacks are English.
#[wasm_bindgen_test]
async fn a_texts_file_of_an_older_release_keeps_the_language() {
    Fetch::reset();
    Fetch::respond(LIST, 200, &offer_page(&[(1, "Dagkaart", "12")], None));
    let (_, dutch) = support::TEXTS.iter().find(|(l, _)| *l == "nl").unwrap();
    let mut older: serde_json::Value = serde_json::from_str(dutch).unwrap();
    let texts = older.as_object_mut().unwrap();
    texts.remove("offers_heading");
    texts.remove("offer_count");
    Fetch::respond("locales/nl.json", 200, &older.to_string());
    let widget = mount_widget(&[("api-base", "/pg-proxy"), ("locale", "nl")]);
    wait_until("the offer", 3_000.0, || {
        widget.query(".pgo-offer").is_some()
    })
    .await;
    assert_eq!(
        widget.text(".pgo-heading"),
        "Buy online",
        "the text it lacks"
    );
    assert_eq!(widget.text(".pgo-count"), "1 offer", "the plural it lacks");
    let facts = widget.text(".pgo-offer__facts");
    assert!(
        facts.contains("1 bezoek") && facts.contains("2 weken geldig"),
        "every other text in Dutch: {facts:?}"
    );
}

#[wasm_bindgen_test]
async fn says_so_when_there_is_nothing_to_buy() {
    Fetch::reset();
    Fetch::respond(LIST, 200, &offer_page(&[], None));
    let widget = mount_widget(&[("api-base", "/pg-proxy")]);
    wait_until("the empty state", 3_000.0, || {
        widget.query(".pgo-status--empty").is_some()
    })
    .await;
    assert!(widget
        .text(".pgo-status--empty")
        .contains("no offers to buy online"));
    assert!(widget.query(".pgo-offer").is_none());
}

#[wasm_bindgen_test]
async fn an_error_is_announced_and_retry_loads_the_offers() {
    Fetch::reset();
    Fetch::respond_once(
        LIST,
        400,
        r#"{"errorMessage":"Invalid tenant","errorCode":"BAD","traceId":"t-9"}"#,
    );
    Fetch::respond_after(
        LIST,
        300,
        200,
        &offer_page(&[(7, "Trial Week", "29")], None),
    );
    let widget = mount_widget(&[("api-base", "/pg-proxy")]);
    record_events(&widget.root);
    wait_until("the error state", 3_000.0, || {
        widget.query("[role=alert]").is_some()
    })
    .await;
    let alert = widget.query("[role=alert]").unwrap();
    assert!(alert
        .text_content()
        .unwrap()
        .contains("could not accept this request"));
    let errors: Vec<_> = events().into_iter().filter(|e| e.name == "error").collect();
    assert_eq!(errors.len(), 1, "the page is told once");
    assert!(
        errors[0].detail.contains("traceId t-9"),
        "{}",
        errors[0].detail
    );
    assert!(
        alert
            .get_attribute("data-cause")
            .unwrap()
            .contains("traceId t-9"),
        "the developer sees the cause"
    );
    let retry: web_sys::HtmlElement = widget
        .query("[role=alert] button")
        .expect("a retry button")
        .unchecked_into();
    assert_eq!(retry.text_content().unwrap(), "Try again");
    retry.click();
    // The second attempt's answer takes 300 ms: meanwhile the widget says it is loading, instead
    // of showing the old error.
    wait_until("the second attempt's loading state", 250.0, || {
        widget.query("[role=alert]").is_none() && widget.query(".pgo-status--loading").is_some()
    })
    .await;
    wait_until("the offer after retrying", 3_000.0, || {
        widget.query(".pgo-offer").is_some()
    })
    .await;
    assert!(widget.query("[role=alert]").is_none());
    assert_eq!(Fetch::requests().len(), 2);
}

#[wasm_bindgen_test]
async fn offer_names_are_text_never_markup() {
    Fetch::reset();
    let name = r#"Spa <img src=x onerror="window.__pwned=1"> & Sauna"#;
    Fetch::respond(LIST, 200, &offer_page(&[(5, name, "24.9")], None));
    let widget = mount_widget(&[("api-base", "/pg-proxy")]);
    wait_until("the offer", 3_000.0, || {
        widget.query(".pgo-offer").is_some()
    })
    .await;
    assert_eq!(widget.text(".pgo-offer__name"), name);
    assert!(widget.query("img").is_none());
}

#[wasm_bindgen_test]
async fn a_bad_configuration_is_shown_and_no_request_is_made() {
    Fetch::reset();
    let widget = mount_widget(&[("customer-id", "abc")]);
    leptos::task::tick().await;
    let alert = widget.query("[role=alert]").expect("a configuration error");
    assert!(alert
        .text_content()
        .unwrap()
        .contains("not set up correctly"));
    assert!(alert
        .get_attribute("data-cause")
        .unwrap()
        .contains("api-base"));
    assert!(
        widget.query("[role=alert] button").is_none(),
        "retrying cannot fix configuration"
    );
    let widget = mount_widget(&[("api-base", "/pg-proxy"), ("customer-id", "-5")]);
    leptos::task::tick().await;
    assert!(widget
        .query("[role=alert]")
        .unwrap()
        .get_attribute("data-cause")
        .unwrap()
        .contains("customer-id"));
    assert!(Fetch::requests().is_empty());
}

#[wasm_bindgen_test]
async fn shows_the_first_page_while_the_next_one_loads() {
    script_two_pages(0, 1_500);
    let widget = mount_widget(&[("api-base", "/pg-proxy")]);
    wait_until("the first page's offers", 1_000.0, || {
        widget.query_all(".pgo-offer").len() == 2
    })
    .await;
    assert!(
        widget.query(".pgo-status--loading").is_some(),
        "the rest is still loading, and says so"
    );
    wait_until("the second page appended", 3_000.0, || {
        widget.query_all(".pgo-offer").len() == 3
    })
    .await;
    assert!(widget.query(".pgo-status--loading").is_none());
    assert_eq!(widget.text(".pgo-count"), "3 offers");
}

/// What embed.js leaves for the widget when it fetched the catalogue while the wasm loaded.
fn prefetched(key: &str, body: &str) {
    let answer = js_sys::Object::new();
    js_sys::Reflect::set(&answer, &"status".into(), &200.into()).unwrap();
    js_sys::Reflect::set(&answer, &"text".into(), &body.into()).unwrap();
    let waiting = js_sys::Map::new();
    waiting.set(&key.into(), &js_sys::Promise::resolve(&answer));
    let well_known = js_sys::Symbol::for_("perfectgym-offers.prefetch");
    js_sys::Reflect::set(&js_sys::global(), &well_known, &waiting).unwrap();
}

#[wasm_bindgen_test]
async fn takes_the_catalogue_page_the_loader_already_fetched_once() {
    Fetch::reset();
    Fetch::respond(
        LIST,
        200,
        &offer_page(&[(9, "From the network", "5")], None),
    );
    prefetched(
        "de-AT /pg-proxy/v1/online-offers/purchasable?offset=0&sliceSize=100",
        &offer_page(&[(8, "Vorab geladen", "5")], None),
    );
    let widget = mount_widget(&[("api-base", "/pg-proxy/"), ("locale", "de-AT")]);
    wait_until("the offer", 3_000.0, || {
        widget.query(".pgo-offer").is_some()
    })
    .await;
    assert_eq!(widget.text(".pgo-offer__name"), "Vorab geladen");
    assert!(Fetch::requests_to(LIST).is_empty(), "not asked twice");
    // Taken once: a second widget (or a retry) asks the network.
    let again = mount_widget(&[("api-base", "/pg-proxy"), ("locale", "de-AT")]);
    wait_until("the offer", 3_000.0, || again.query(".pgo-offer").is_some()).await;
    assert_eq!(again.text(".pgo-offer__name"), "From the network");
}

/// A Java tenant writes `null` for every absent field; one offer it sends cannot be read at all.
/// The others are listed, and the developer hears about the one left out.
#[wasm_bindgen_test]
async fn a_tenant_writing_nulls_and_one_unreadable_offer_still_lists_the_rest() {
    Fetch::reset();
    Fetch::respond(
        LIST,
        200,
        r#"{"result":[
            {"onlineOfferId":1,"name":"Day Ticket Adult","scopeOfUsage":null,
             "price":{"amount":20,"currency":"EUR"},"periodOfUse":null,"type":null,
             "category":{"id":1,"name":null},"validity":null,"restrictions":null,
             "paymentMethods":null},
            {"onlineOfferId":"broken","name":"Never shown"},
            {"onlineOfferId":3,"name":"Guest Pass","price":{"amount":null,"currency":null},
             "restrictions":{"minAge":null,"restrictedStudioIds":null,"timeRestrictions":null}}
        ],"hasNext":null,"offset":null}"#,
    );
    let widget = mount_widget(&[("api-base", "/pg-proxy")]);
    support::record_events(&widget.root);
    wait_until("two offer cards", 3_000.0, || {
        widget.query_all(".pgo-offer").len() == 2
    })
    .await;
    let text = widget.text(".pgo-offers");
    assert!(
        text.contains("Day Ticket Adult") && text.contains("Guest Pass"),
        "{text}"
    );
    assert!(!text.contains("Never shown"));
    assert!(widget.query(".pgo-status--error").is_none());
    let errors: Vec<_> = support::events()
        .into_iter()
        .filter(|e| e.name == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .detail
            .contains("purchasable offers: item 1 left out")
            && errors[0]
                .detail
                .contains("Some entries could not be shown."),
        "{}",
        errors[0].detail
    );
}

#[wasm_bindgen_test]
async fn an_offer_list_nothing_answers_for_is_a_setup_problem_not_a_missing_offer() {
    Fetch::reset();
    Fetch::respond(LIST, 404, r#"{"errorMessage":"no route"}"#);
    let widget = mount_widget(&[("api-base", "/wrong-path")]);
    wait_until("the error state", 3_000.0, || {
        widget.query("[role=alert]").is_some()
    })
    .await;
    let alert = widget.query("[role=alert]").unwrap();
    assert!(
        alert
            .text_content()
            .unwrap()
            .contains("not set up correctly"),
        "not 'This offer is no longer available'"
    );
    assert!(alert
        .get_attribute("data-cause")
        .unwrap()
        .contains("/wrong-path"));
    assert!(widget.query("[role=alert] button").is_none());
}
