//! What any HTTP cache in front of the proxy (a browser, nginx, a CDN) may do with an answer.
//!
//! Catalogue reads are the same for every visitor of one language, so they are public, briefly
//! fresh, revalidated by `ETag`, and kept apart per `Accept-Language`. Everything else (previews,
//! purchases, payment sessions, customer data, errors) is `no-store` ([`Reply`]'s default). The
//! widget's own files are immutable when their name carries a content hash.

use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use xxhash_rust::xxh3::xxh3_128;

use crate::reply::Reply;

/// How long shared caches and browsers may reuse a catalogue answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CataloguePolicy {
    /// Fresh for this long: the same figure the proxy's own catalogue cache uses.
    pub max_age: Duration,
    /// After that, may still be served for this long while one request revalidates it, or while
    /// the tenant is failing.
    pub stale: Duration,
}

impl Default for CataloguePolicy {
    fn default() -> Self {
        CataloguePolicy {
            max_age: Duration::from_secs(30),
            stale: Duration::from_secs(300),
        }
    }
}

impl CataloguePolicy {
    /// The `Cache-Control` of a catalogue answer: made once, when the routes are built.
    pub fn cache_control(&self) -> HeaderValue {
        let value = format!(
            "public, max-age={}, stale-while-revalidate={stale}, stale-if-error={stale}",
            self.max_age.as_secs(),
            stale = self.stale.as_secs()
        );
        HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("no-cache"))
    }
}

/// A strong validator for a body: its 128-bit XXH3, quoted. The bodies are the tenant's
/// catalogue, which no visitor writes, so a validator needs no collision resistance against an
/// attacker; XXH3 is a stable, specified hash (every instance of one release behind a load
/// balancer gives the same tag; across a release that changes the hash, clients revalidate once
/// with a full answer) and with the proxy's cache off, when every answer is hashed, SHA-256 took
/// a twentieth of forwarding's user-space CPU.
pub fn etag(body: &[u8]) -> HeaderValue {
    let digest = xxh3_128(body).to_be_bytes();
    let mut quoted = [b'"'; 34];
    match hex::encode_to_slice(digest, &mut quoted[1..33]) {
        Ok(()) => HeaderValue::from_bytes(&quoted).unwrap_or(HeaderValue::from_static("\"\"")),
        Err(_) => HeaderValue::from_static("\"\""),
    }
}

/// Whether `If-None-Match` names `tag` (weak comparison, as RFC 9110 asks for GET).
fn none_match(request: &HeaderMap, tag: &HeaderValue) -> bool {
    let Ok(tag) = tag.to_str() else {
        return false;
    };
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|candidate| candidate.trim())
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == tag)
}

/// A catalogue answer with its caching headers, or `304 Not Modified` when the client already
/// holds it. Failures stay `no-store`: an error must not be replayed to the next visitor.
pub fn catalogue_response(
    reply: Reply,
    request: &HeaderMap,
    cache_control: &HeaderValue,
) -> Response {
    if !reply.is_success() {
        return reply.into_response();
    }
    let tag = reply.etag.clone().unwrap_or_else(|| etag(&reply.body));
    let not_modified = none_match(request, &tag);
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        reply.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, cache_control.clone());
    headers.insert(header::ETAG, tag);
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    response
}

/// Whether a file name carries a content hash (`perfectgym-offers-0123456789abcdef_bg.wasm`,
/// as trunk names them with `filehash`: a 64-bit hash in hex, without leading zeros): such a
/// file never changes under its name.
fn is_content_addressed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (8..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// Caching headers for the static files: hashed names are immutable for a year; the loader, the
/// host page and the rest are revalidated on every use (their `Last-Modified` makes that a 304),
/// so a new release reaches visitors at once. Every file may be served precompressed, so caches
/// keep one copy per `Accept-Encoding`.
pub async fn static_file_headers(request: Request, next: Next) -> Response {
    let immutable = is_content_addressed(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let value = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_etag_is_the_bodys_xxh3_128_in_hex() {
        // XXH3-128 of the empty input, from the xxHash reference's own tests: instances of one
        // release give every visitor the same tag.
        assert_eq!(etag(b""), "\"99aa06d3014798d86001c324468d497f\"");
        assert_ne!(etag(b"[]"), etag(b"[ ]"));
    }

    #[test]
    fn hashed_build_outputs_are_content_addressed() {
        assert!(is_content_addressed(
            "/w/perfectgym-offers-0123456789abcdef_bg.wasm"
        ));
        assert!(is_content_addressed(
            "/perfectgym-offers-0123456789abcdef.js"
        ));
        assert!(is_content_addressed("/demo-fedcba9876543210.css"));
        assert!(!is_content_addressed("/embed.js"));
        assert!(!is_content_addressed("/index.html"));
        assert!(is_content_addressed(
            "/perfectgym-offers-123456789abcdef.js"
        ));
        assert!(!is_content_addressed("/perfectgym-offers_bg.wasm"));
        assert!(!is_content_addressed("/jquery-3.7.js"));
        assert!(!is_content_addressed("/snippets/x-0123456789abcdeg/a.js"));
    }

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_star() {
        let tag = HeaderValue::from_static("\"abc\"");
        let mut request = HeaderMap::new();
        assert!(!none_match(&request, &tag));
        request.insert(header::IF_NONE_MATCH, "\"x\", W/\"abc\"".parse().unwrap());
        assert!(none_match(&request, &tag));
        request.insert(header::IF_NONE_MATCH, "*".parse().unwrap());
        assert!(none_match(&request, &tag));
        request.insert(header::IF_NONE_MATCH, "\"abcd\"".parse().unwrap());
        assert!(!none_match(&request, &tag));
    }
}
