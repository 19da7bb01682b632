//! Language negotiation: which of the widget's languages a request is answered in.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use perfectgym_offers_core::i18n::texts_file;

/// The language a request is answered in ([`accept_language`]), as an extractor.
pub struct Language(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Language {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Language(accept_language(&parts.headers)))
    }
}

/// The visitor's `Accept-Language` reduced to the one language the widget offers that the
/// visitor prefers most (its primary subtag, e.g. `de`), or nothing: what becomes part of a
/// cache key and goes upstream. Made-up values cannot make the tenant answer the same page
/// again, and nothing the browser wrote reaches the tenant.
pub fn accept_language(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    offered_language(value).map(str::to_owned)
}

/// The most preferred offered language of an `Accept-Language` list (RFC 9110 weights; the
/// first of equal weights wins).
pub fn offered_language(list: &str) -> Option<&'static str> {
    let mut preferred: Option<(u16, &'static str)> = None;
    for item in list.split(',').take(32) {
        // `split` yields at least one piece, the tag, even from an empty item.
        let mut parts = item.split(';').map(str::trim);
        let tag = parts.next().unwrap_or_default();
        let weight = match parts.next() {
            None => 1000,
            Some(q) => match q.strip_prefix("q=").and_then(quality) {
                Some(weight) => weight,
                None => continue,
            },
        };
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        // The widget's own texts files decide what is offered; it falls back to English
        // for anything else, so only a language that has its own file is offered.
        let language = texts_file(primary);
        let offered = weight > 0 && language.eq_ignore_ascii_case(primary);
        if offered && preferred.is_none_or(|(best, _)| weight > best) {
            preferred = Some((weight, language));
        }
    }
    preferred.map(|(_, language)| language)
}

/// An RFC 9110 quality value (`0` to `1` with up to three decimals) in thousandths.
fn quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Missing decimals are zeros: "0.5" is 500 thousandths, "0.05" 50.
    let thousandths = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0, |n, digit| n * 10 + u16::from(digit - b'0'));
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_preferred_offered_language_wins_and_the_first_of_equals() {
        assert_eq!(offered_language("de-DE"), Some("de"));
        assert_eq!(offered_language("xx, de;q=0.5, en;q=0.55"), Some("en"));
        assert_eq!(offered_language("en;q=0.05, de;q=0.050"), Some("en"));
        assert_eq!(offered_language("de;q=0.999, en;q=1.000"), Some("en"));
        assert_eq!(offered_language("en;q=0.9, DE_ch;q=0.9"), Some("en"));
        assert_eq!(offered_language("de;q=0, en;q=0.001"), Some("en"));
        assert_eq!(offered_language("de;q=0"), None);
        // Malformed weights leave their item out, not the list.
        for broken in [
            "de;q=1.5, en;q=0.1",
            "de;q=1.001, en;q=0.1",
            "de;q=0.1234, en;q=0.1",
            "de;q=.5x, en;q=0.1",
            "de;level=1, en;q=0.1",
        ] {
            assert_eq!(offered_language(broken), Some("en"), "{broken}");
        }
        assert_eq!(offered_language("de;q=0.999, en"), Some("en"));
        assert_eq!(offered_language("en;q=0.5, de;q=1"), Some("de"));
        assert_eq!(offered_language(" de ; q=0.5 ,, en ; q=0.4"), Some("de"));
        assert_eq!(offered_language("xx-YY, zz"), None);
        assert_eq!(offered_language(""), None);
    }
}
