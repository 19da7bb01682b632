//! `<perfectgym-offers>` as a gym's page uses it: the element, its shadow root, its attributes.

use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, ShadowRoot};

mod support;
use support::{fresh_container, offer_page, serve_texts, wait_until, Fetch};

wasm_bindgen_test_configure!(run_in_browser);

fn shadow(element: &Element) -> ShadowRoot {
    element
        .shadow_root()
        .expect("the widget renders in an open shadow root")
}

fn shadow_text(element: &Element, selector: &str) -> Option<String> {
    shadow(element)
        .query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
}

/// A page holding `html` (its widgets against a tenant selling one Day Ticket Adult for €20),
/// with the texts served and the element defined.
fn page_selling_a_day_ticket(html: &str) -> HtmlElement {
    Fetch::reset();
    Fetch::respond(
        "/v1/online-offers/purchasable?",
        200,
        &offer_page(&[(1, "Day Ticket Adult", "20")], None),
    );
    serve_texts();
    perfectgym_offers::embed::define_element();
    let host = fresh_container();
    host.set_inner_html(html);
    host
}

#[wasm_bindgen_test]
async fn the_element_renders_in_its_shadow_root_and_follows_its_attributes() {
    // The host page's own CSS must not reach into the widget.
    let host = page_selling_a_day_ticket(
        r#"<style>h2 { color: rgb(255, 0, 0) !important; } * { font-family: serif !important; }</style>
           <perfectgym-offers api-base="/pg-proxy" locale="en"></perfectgym-offers>"#,
    );
    let element = host.query_selector("perfectgym-offers").unwrap().unwrap();
    wait_until("the offer in the shadow root", 3_000.0, || {
        shadow_text(&element, ".pgo-offer__price").is_some()
    })
    .await;
    assert_eq!(
        shadow_text(&element, ".pgo-offer__price").unwrap(),
        "€20.00"
    );
    assert!(
        host.query_selector(".pgo-offer").unwrap().is_none(),
        "nothing leaks into the light DOM"
    );
    let heading = shadow(&element).query_selector("h2").unwrap().unwrap();
    let style = web_sys::window()
        .unwrap()
        .get_computed_style(&heading)
        .unwrap()
        .unwrap();
    assert_ne!(style.get_property_value("color").unwrap(), "rgb(255, 0, 0)");
    let font = style.get_property_value("font-family").unwrap();
    assert!(
        font.starts_with("system-ui"),
        "the host's fonts leaked in: {font}"
    );

    element.set_attribute("locale", "de").unwrap();
    wait_until("German prices", 3_000.0, || {
        shadow_text(&element, ".pgo-offer__price").as_deref() == Some("20,00\u{a0}€")
    })
    .await;
    assert_eq!(
        shadow_text(&element, "h2").as_deref(),
        Some("Online kaufen")
    );

    element.remove();
    leptos::task::tick().await;
    assert!(
        shadow(&element)
            .query_selector(".pgo-widget")
            .unwrap()
            .is_none(),
        "a removed element unmounts its widget"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn two_widgets_on_one_page_are_independent() {
    Fetch::reset();
    Fetch::respond(
        "/a/v1/online-offers/purchasable?",
        200,
        &offer_page(&[(1, "Gym A ticket", "20")], None),
    );
    Fetch::respond(
        "/b/v1/online-offers/purchasable?",
        500,
        r#"{"errorMessage":"down"}"#,
    );
    perfectgym_offers::embed::define_element();
    let host = fresh_container();
    host.set_inner_html(
        r#"<perfectgym-offers id="a" api-base="/a"></perfectgym-offers>
           <perfectgym-offers id="b" api-base="/b"></perfectgym-offers>"#,
    );
    let a = host.query_selector("#a").unwrap().unwrap();
    let b = host.query_selector("#b").unwrap().unwrap();
    wait_until("both widgets settled", 5_000.0, || {
        shadow_text(&a, ".pgo-offer__name").is_some()
            && shadow(&b).query_selector("[role=alert]").unwrap().is_some()
    })
    .await;
    assert_eq!(
        shadow_text(&a, ".pgo-offer__name").as_deref(),
        Some("Gym A ticket")
    );
    assert!(
        shadow(&b).query_selector(".pgo-offer").unwrap().is_none(),
        "one gym's failure does not show another's offers"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn an_attribute_changes_its_own_widget_only() {
    let host = page_selling_a_day_ticket(
        r#"<perfectgym-offers id="first" api-base="/pg-proxy"></perfectgym-offers>
           <perfectgym-offers id="second" api-base="/pg-proxy"></perfectgym-offers>"#,
    );
    let first = host.query_selector("#first").unwrap().unwrap();
    let second = host.query_selector("#second").unwrap().unwrap();
    let price = |element: &Element| shadow_text(element, ".pgo-offer__price");
    wait_until("both lists", 3_000.0, || {
        price(&first).is_some() && price(&second).is_some()
    })
    .await;

    // Same tenant, a setting both could follow live: only the element changed follows it.
    second.set_attribute("locale", "de").unwrap();
    wait_until("German prices in the second widget", 3_000.0, || {
        price(&second).as_deref() == Some("20,00\u{a0}€")
    })
    .await;
    assert_eq!(price(&first).as_deref(), Some("€20.00"));

    // Removing one element unmounts its widget only.
    second.remove();
    leptos::task::tick().await;
    assert_eq!(price(&first).as_deref(), Some("€20.00"));
    assert_eq!(price(&second), None);
    host.remove();
}

/// A page that answers the widget's configuration error by fixing the attribute, from its
/// `error` listener (sent while the element mounts): the widget follows the fix.
#[wasm_bindgen_test]
async fn an_attribute_fixed_by_the_error_listener_is_followed() {
    let host = page_selling_a_day_ticket("");
    let fix =
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
            let element: Element = wasm_bindgen::JsCast::unchecked_into(event.target().unwrap());
            element.set_attribute("api-base", "/pg-proxy").unwrap();
        });
    host.add_event_listener_with_callback(
        "perfectgym-offers:error",
        wasm_bindgen::JsCast::unchecked_ref(fix.as_ref()),
    )
    .unwrap();
    host.set_inner_html("<perfectgym-offers></perfectgym-offers>");
    let element = host.query_selector("perfectgym-offers").unwrap().unwrap();
    assert_eq!(
        element.get_attribute("api-base").as_deref(),
        Some("/pg-proxy"),
        "the listener ran"
    );
    wait_until("the offer", 3_000.0, || {
        shadow_text(&element, ".pgo-offer__price").is_some()
    })
    .await;
    host.remove();
    drop(fix);
}
