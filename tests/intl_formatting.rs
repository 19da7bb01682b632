//! The pure formatting layer against the browser's own `Intl`: what the widget prints for money
//! and studio dates must be what `Intl.NumberFormat` / `Intl.DateTimeFormat` print.

use perfectgym_offers::core::{Locale, Money, StudioDateTime};
use wasm_bindgen_test::*;

mod support;
use support::{intl_date_time, intl_money, tag};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn money_matches_intl_number_format() {
    let amounts = [
        "0",
        "0.5",
        "1",
        "19.99",
        "20",
        "1234.5",
        "1234567.891",
        "-5",
        "0.005",
        "999.995",
        "12.345",
    ];
    let currencies = [
        "EUR", "USD", "GBP", "CHF", "JPY", "PLN", "KWD", "CAD", "SEK", "AUD",
    ];
    for locale in [Locale::En, Locale::De] {
        for currency in currencies {
            for amount in amounts {
                let ours = Money::new(amount.parse().unwrap(), currency).format(locale);
                // Intl reads a string as an exact decimal, so rounding is compared exactly.
                let intl = intl_money(tag(locale), currency, amount);
                assert_eq!(ours, intl, "{amount} {currency} in {locale:?}");
            }
        }
    }
    // The comparison above is only worth something if Intl really formats per language and
    // currency: pinned answers (grouping, decimal comma, symbol place, rounding, 0 and 3 decimal
    // currencies).
    for (locale, currency, amount, expected) in [
        (Locale::En, "EUR", "1234.5", "€1,234.50"),
        (Locale::De, "EUR", "1234.5", "1.234,50\u{a0}€"),
        (Locale::En, "JPY", "999.995", "¥1,000"),
        (Locale::De, "KWD", "0.005", "0,005\u{a0}KWD"),
        (Locale::En, "EUR", "-5", "-€5.00"),
    ] {
        assert_eq!(
            intl_money(tag(locale), currency, amount),
            expected,
            "{amount} {currency} in {locale:?}"
        );
        assert_eq!(
            Money::new(amount.parse().unwrap(), currency).format(locale),
            expected
        );
    }
}

#[wasm_bindgen_test]
fn studio_dates_match_intl_date_time_format() {
    let stamps = [
        "2026-01-15T00:00:00+01:00[Europe/Berlin]",
        "2026-07-01T08:05:00+02:00[Europe/Berlin]",
        "2026-03-29T12:30:00.000+02:00[Europe/Berlin]",
        "2026-12-31T23:59:00+01:00[Europe/Berlin]",
        "2026-06-15T18:45:00-04:00[America/New_York]",
    ];
    for locale in [Locale::En, Locale::De] {
        for stamp in stamps {
            let parsed = StudioDateTime::parse(stamp).unwrap();
            let zone = parsed.zone().unwrap();
            let seconds = parsed.unix_seconds() as f64;
            assert_eq!(
                parsed.format_date(locale),
                intl_date_time(tag(locale), zone, seconds, false),
                "{stamp}"
            );
            assert_eq!(
                parsed.format_date_time(locale),
                intl_date_time(tag(locale), zone, seconds, true),
                "{stamp}"
            );
        }
    }
}
