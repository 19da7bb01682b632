//! Money, dates and plurals in the widget come from the browser's `Intl` for the element's exact
//! tag: Swiss German reads `CHF 35.00`, German German `35,00 €`, Polish counts `5 wejść`.

use perfectgym_offers::core::{Money, StudioDateTime};
use perfectgym_offers::embed::host::studio_date;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

mod support;
use support::{intl_date_time, intl_money, load_locale, Fetch, TEXTS};

wasm_bindgen_test_configure!(run_in_browser);

/// Intl separates with no-break spaces (U+00A0, U+202F); a reader sees spaces.
fn spaced(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ")
}

#[wasm_bindgen_test]
async fn money_reads_as_each_region_writes_it() {
    Fetch::reset();
    let cases = [
        ("de-DE", "35", "EUR", "35,00 €"),
        ("de-CH", "35", "CHF", "CHF 35.00"),
        ("de-AT", "35", "EUR", "€ 35,00"),
        ("en-GB", "35", "GBP", "£35.00"),
        ("en", "1234.5", "EUR", "€1,234.50"),
        ("pl-PL", "35", "PLN", "35,00 zł"),
        ("nl-NL", "35", "EUR", "€ 35,00"),
        ("cs-CZ", "35", "CZK", "35,00 Kč"),
        ("es-ES", "35", "EUR", "35,00 €"),
        ("it-IT", "35", "EUR", "35,00 €"),
        ("fr-FR", "35", "EUR", "35,00 €"),
    ];
    for (tag, amount, currency, expected) in cases {
        let locale = load_locale(tag).await;
        let money = Money::new(amount.parse().unwrap(), currency);
        assert_eq!(spaced(&money.format(locale)), expected, "{tag}");
    }
}

#[wasm_bindgen_test]
async fn amounts_are_rounded_from_the_exact_decimal() {
    Fetch::reset();
    for tag in ["en-US", "de-CH", "fr-CH", "pl-PL"] {
        let locale = load_locale(tag).await;
        for (amount, currency) in [
            ("999.995", "EUR"),
            ("0.005", "EUR"),
            ("-0.004", "EUR"),
            ("1234567.891", "PLN"),
            ("1.2345", "KWD"),
            ("2500", "JPY"),
        ] {
            let ours = Money::new(amount.parse().unwrap(), currency).format(locale);
            // Intl reads a string as an exact decimal, so rounding is compared exactly.
            assert_eq!(
                ours,
                intl_money(tag, currency, amount),
                "{amount} {currency} in {tag}"
            );
        }
    }
    let locale = load_locale("de-CH").await;
    assert_eq!(
        Money::new("20".parse().unwrap(), "EURO").format(locale),
        "20 EURO",
        "a currency Intl would refuse is shown as sent, not thrown"
    );
}

#[wasm_bindgen_test]
async fn studio_dates_keep_the_studio_wall_clock_in_every_region() {
    Fetch::reset();
    let stamps = [
        "2026-01-15T00:00:00+01:00[Europe/Berlin]",
        "2026-07-01T08:05:00+02:00[Europe/Berlin]",
        "2026-03-29T12:30:00.000+02:00[Europe/Zurich]",
        "2026-12-31T23:59:00+01:00[Europe/Warsaw]",
        "2026-06-15T18:45:00-04:00[America/New_York]",
    ];
    for tag in [
        "en-US", "en-GB", "de-DE", "de-CH", "fr-CH", "pl-PL", "cs-CZ", "nl-NL",
    ] {
        let locale = load_locale(tag).await;
        for stamp in stamps {
            let parsed = StudioDateTime::parse(stamp).unwrap();
            let zone = parsed.zone().unwrap();
            let seconds = parsed.unix_seconds() as f64;
            assert_eq!(
                parsed.format_date(locale),
                intl_date_time(tag, zone, seconds, false),
                "{stamp} in {tag}"
            );
            assert_eq!(
                parsed.format_date_time(locale),
                intl_date_time(tag, zone, seconds, true),
                "{stamp} in {tag}"
            );
        }
    }
    let locale = load_locale("de-DE").await;
    let stamp = StudioDateTime::parse("2022-06-22T08:00:00.000+02:00[Europe/Berlin]").unwrap();
    assert_eq!(stamp.format_date_time(locale), "22.06.2022, 08:00");
}

#[wasm_bindgen_test]
async fn every_language_has_a_form_for_each_count_its_plural_rules_choose() {
    Fetch::reset();
    let mut problems = Vec::new();
    for (language, _) in TEXTS {
        let locale = load_locale(language).await;
        assert_eq!(locale.lang(), language, "{language}'s texts were served");
        let entries = locale.messages().entries();
        let plurals: Vec<&str> = entries
            .iter()
            .filter_map(|(key, _)| key.strip_suffix(".other"))
            .collect();
        for n in 0..=200 {
            let category = locale.plural(n).name();
            for plural in &plurals {
                let key = format!("{plural}.{category}");
                if !entries.iter().any(|(k, _)| *k == key) {
                    problems.push(format!("{language}: {key} (for {n})"));
                }
            }
        }
    }
    problems.dedup_by(|a, b| a.split(" (").next() == b.split(" (").next());
    assert!(problems.is_empty(), "missing plural forms: {problems:#?}");

    // A language without texts reads English, and counts as English does: Russian's rules put
    // 21 in "one", which would print "21 visit".
    let ru = load_locale("ru-RU").await;
    assert_eq!(ru.lang(), "en");
    assert_eq!(ru.messages().visits().count(21, ru), "21 visits");

    let pl = load_locale("pl-PL").await;
    let visits = |n| pl.messages().visits().count(n, pl);
    assert_eq!(
        [visits(1), visits(2), visits(5), visits(22)],
        ["1 wejście", "2 wejścia", "5 wejść", "22 wejścia"]
    );
    let cs = load_locale("cs").await;
    let weeks = |n| cs.messages().weeks().count(n, cs);
    assert_eq!(
        [weeks(1), weeks(3), weeks(5)],
        ["1 týden", "3 týdny", "5 týdnů"]
    );
}

#[wasm_bindgen(inline_js = r#"
export function writeDatesAsWebKitDoes() {
  const proto = Intl.DateTimeFormat.prototype;
  const original = Object.getOwnPropertyDescriptor(proto, "format");
  Object.defineProperty(proto, "format", {
    configurable: true,
    get() {
      return (date) => {
        const parts = Object.fromEntries(this.formatToParts(date).map((p) => [p.type, p.value]));
        return `${parts.month}/${parts.day}/${parts.year}`;
      };
    },
  });
  return () => Object.defineProperty(proto, "format", original);
}
"#)]
extern "C" {
    /// Makes every `Intl.DateTimeFormat` write whole dates as month/day/year, as WebKitGTK's ICU
    /// writes en-CA; returns what puts the browser's own back.
    #[wasm_bindgen(js_name = writeDatesAsWebKitDoes)]
    fn write_dates_as_webkit_does() -> js_sys::Function;
}

/// The studio's calendar date must not hang on how some locale writes a date: where it did, at
/// 23:30 UTC (already tomorrow in Berlin) WebKit read the visitor's UTC date instead, and the
/// tenant refused a purchase starting "in the past".
#[wasm_bindgen_test]
fn the_studio_date_does_not_hang_on_how_a_locale_writes_dates() {
    let late_evening_utc = StudioDateTime::parse("2026-11-27T23:30:00Z").unwrap();
    let restore = write_dates_as_webkit_does();
    let date = studio_date(&late_evening_utc, Some("Europe/Berlin"));
    restore.call0(&wasm_bindgen::JsValue::NULL).unwrap();
    assert_eq!(date.to_string(), "2026-11-28");
}
