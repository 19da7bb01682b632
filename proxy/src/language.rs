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
    let mut choices: Vec<(u16, &'static str)> = list
        .split(',')
        .take(32)
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let weight = match parts.next().map(str::trim) {
                None => 1000,
                Some(q) => quality(q.strip_prefix("q=")?)?,
            };
            let primary = tag.split(['-', '_']).next()?;
            // The widget's own texts files decide what is offered; it falls back to English
            // for anything else, so only a language that has its own file is offered.
            let language = texts_file(primary);
            (weight > 0 && language.eq_ignore_ascii_case(primary)).then_some((weight, language))
        })
        .collect();
    choices.sort_by_key(|(weight, _)| std::cmp::Reverse(*weight));
    choices.first().map(|(_, tag)| *tag)
}

/// An RFC 9110 quality value (`0` to `1` with up to three decimals) in thousandths.
fn quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}
