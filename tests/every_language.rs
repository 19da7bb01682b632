//! Every language as a visitor on a 320 px phone sees it: the element on a page, texts fetched
//! for its language, a chosen offer, a rejected voucher. Nothing may stick out of its box.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, ShadowRoot};

mod support;
use support::{
    click, fresh_container, script_two_offers, serve_texts, type_into, wait_until, Fetch, TEXTS,
};

wasm_bindgen_test_configure!(run_in_browser);

fn shadow(element: &Element) -> ShadowRoot {
    element.shadow_root().expect("an open shadow root")
}

fn all(root: &ShadowRoot, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|node| node.unchecked_into())
        .collect()
}

/// Every element in `root` whose content is wider than its box (a text field's value scrolls
/// inside it by design, so fields are left out).
fn overflowing(root: &ShadowRoot) -> Vec<String> {
    all(root, ":not(input, select, textarea)")
        .into_iter()
        .filter(|e| e.client_width() > 0 && e.scroll_width() > e.client_width())
        .map(|e| {
            format!(
                "<{} class={:?}> {} > {}: {:?}",
                e.tag_name().to_lowercase(),
                e.class_name(),
                e.scroll_width(),
                e.client_width(),
                e.text_content()
                    .unwrap_or_default()
                    .chars()
                    .take(60)
                    .collect::<String>()
            )
        })
        .collect()
}

#[wasm_bindgen_test]
async fn every_language_fits_a_320_px_phone() {
    perfectgym_offers::embed::define_element();
    let mut problems = Vec::new();
    for (language, _) in TEXTS {
        script_two_offers();
        serve_texts();
        Fetch::respond(
            "/purchase/preview",
            200,
            r#"{"price":{"amount":1299.5,"currency":"EUR"},"discountedPrice":{"amount":1299.5,"currency":"EUR"},
                "voucherErrorCode":"VOUCHER_EXPIRED"}"#,
        );
        let page = fresh_container();
        page.style().set_property("width", "320px").unwrap();
        page.set_inner_html(&format!(
            r#"<perfectgym-offers api-base="/pg-proxy" customer-id="67890" locale="{language}"></perfectgym-offers>"#
        ));
        let element = page.query_selector("perfectgym-offers").unwrap().unwrap();
        let root = shadow(&element);
        wait_until("the offers", 3_000.0, || {
            all(&root, "[role=radio]").len() == 2
        })
        .await;
        assert_eq!(
            root.query_selector(".pgo-widget")
                .unwrap()
                .unwrap()
                .get_attribute("lang")
                .as_deref(),
            Some(language),
            "{language}'s texts were fetched"
        );
        click(&all(&root, "[role=radio]")[0]);
        wait_until("the price", 3_000.0, || {
            root.query_selector(".pgo-price__total").unwrap().is_some()
        })
        .await;
        type_into(
            &root.query_selector(".pgo-input").unwrap().unwrap(),
            "SUMMER21-EXPIRED",
        );
        wait_until("the voucher's rejection", 3_000.0, || {
            root.query_selector(".pgo-voucher--rejected")
                .unwrap()
                .is_some()
        })
        .await;
        problems.extend(
            overflowing(&root)
                .into_iter()
                .map(|p| format!("{language}: {p}")),
        );
        let host: &HtmlElement = element.unchecked_ref();
        if host.scroll_width() > 320 {
            problems.push(format!(
                "{language}: the element is {} px wide",
                host.scroll_width()
            ));
        }
        page.remove();
    }
    assert!(
        problems.is_empty(),
        "overflow at 320 px:\n{}",
        problems.join("\n")
    );
}
