//! Who may call the proxy and how often: CORS for the gym's own origins, and per-client rate
//! limits on the writes and on the reads. Both are well-kept tower layers, configured here.

use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use governor::middleware::NoOpMiddleware;
use governor::DefaultKeyedRateLimiter;
use perfectgym_offers_core::model::{
    PAYMENT_CURRENCY_HEADER, PAYMENT_OFFER_HEADER, PAYMENT_VOUCHER_HEADER,
};
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::{KeyExtractor, PeerIpKeyExtractor};
use tower_governor::{GovernorError, GovernorLayer};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::customer_token::CustomerBinding;
use crate::reply::Reply;

/// How often a limit forgets its quiet clients.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// The per-client limit on previews, purchases and payment sessions, and the same per customer
/// ([`Writer`]): a visitor typing a voucher makes a preview every pause, a script hammering
/// purchases does not get through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteLimit {
    /// Requests a client may send in a burst.
    pub burst: u32,
    /// Requests a client regains per minute after that.
    pub per_minute: u32,
    /// Take the client from `X-Forwarded-For`'s right-most entry (only behind a proxy that
    /// appends or sets it); otherwise the peer address. The read limit counts clients the same way.
    pub trust_forwarded_for: bool,
}

impl Default for WriteLimit {
    fn default() -> Self {
        WriteLimit {
            burst: 20,
            per_minute: 30,
            trust_forwarded_for: false,
        }
    }
}

/// The per-client limit on reads (offer list, offer details, purchased offers), counted like
/// the write limit: a page load is a handful of reads, a script reading every offer id is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimit {
    pub burst: u32,
    pub per_minute: u32,
}

impl Default for ReadLimit {
    fn default() -> Self {
        ReadLimit {
            burst: 60,
            per_minute: 120,
        }
    }
}

/// Cross-origin calls from exactly these origins, with only the methods and headers the widget
/// sends, the customer token and the payment session's offer among them (never `X-API-KEY`: the
/// key is the proxy's to add).
pub fn cors_layer(origins: Vec<HeaderValue>) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers(
            [
                header::ACCEPT,
                header::ACCEPT_LANGUAGE,
                header::CONTENT_TYPE,
                HeaderName::from_static(crate::customer_token::HEADER),
            ]
            .into_iter()
            .chain(
                [
                    PAYMENT_OFFER_HEADER,
                    PAYMENT_VOUCHER_HEADER,
                    PAYMENT_CURRENCY_HEADER,
                ]
                .into_iter()
                .filter_map(|name| HeaderName::from_bytes(name.as_bytes()).ok()),
            )
            .collect::<Vec<_>>(),
        )
        .max_age(Duration::from_secs(600))
}

/// Answers a limited client in the vendor's error shape, with `Retry-After`.
fn too_many(error: GovernorError) -> Response<Body> {
    let retry_after = match &error {
        GovernorError::TooManyRequests { wait_time, .. } => Some(*wait_time),
        _ => None,
    };
    let mut response = match error {
        GovernorError::TooManyRequests { .. } => Reply::error(
            StatusCode::TOO_MANY_REQUESTS,
            "PROXY_RATE_LIMITED",
            "Too many requests from this client; try again shortly",
        ),
        _ => Reply::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "PROXY_CLIENT_UNKNOWN",
            "The client address could not be determined",
        ),
    }
    .into_response();
    if let Some(seconds) = retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, seconds);
    }
    response
}

/// The client a request counts against: the peer address, or behind a trusted proxy the address
/// it forwarded; an IPv6 client by its /64.
#[derive(Debug, Clone, Copy)]
pub struct ClientKey {
    trust_forwarded_for: bool,
}

impl KeyExtractor for ClientKey {
    type Key = IpAddr;

    fn extract<T>(&self, request: &Request<T>) -> Result<IpAddr, GovernorError> {
        let forwarded = self
            .trust_forwarded_for
            .then(|| forwarded_client(request.headers()))
            .flatten();
        let client = match forwarded {
            Some(client) => client,
            None => PeerIpKeyExtractor.extract(request)?,
        };
        Ok(network_of(client))
    }
}

/// The address the proxy in front saw: the right-most `X-Forwarded-For` entry. A proxy appends
/// the address it got the request from; whatever is left of it (and `X-Real-IP`, `Forwarded`)
/// came from the client, who could send a new address with every request.
fn forwarded_client(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers.get_all("x-forwarded-for").iter().next_back()?;
    last.to_str().ok()?.rsplit(',').next()?.trim().parse().ok()
}

/// An IPv6 client counts by its /64: one host holds a whole /64 and could use a fresh address
/// for every request. (An IPv4 client on a dual-stack socket, `::ffff:a.b.c.d`, stays itself.)
pub fn network_of(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
        v4 => v4,
    }
}

/// What a write counts against besides its client: the customer its token was signed for, so one
/// member sending from many addresses gets one customer's share of writes, not one per address.
/// Only a valid token names a customer here (its signature checked, as the binding checks it
/// again later): keyed by a made-up one, anyone could spend a member's share and lock them out
/// of buying. A write without a valid token (or with customer binding off) counts against its
/// client, exactly as the client limit already counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Writer {
    Customer(i64),
    Client(IpAddr),
}

/// The [`Writer`] of a request.
#[derive(Debug, Clone)]
pub struct WriterKey {
    client: ClientKey,
    binding: Option<CustomerBinding>,
}

impl KeyExtractor for WriterKey {
    type Key = Writer;

    fn extract<T>(&self, request: &Request<T>) -> Result<Writer, GovernorError> {
        let customer = self.binding.as_ref().and_then(|binding| {
            let token = request.headers().get(crate::customer_token::HEADER)?;
            binding.customer_of(token.to_str().ok()?, crate::unix_seconds())
        });
        match customer {
            Some(customer) => Ok(Writer::Customer(customer)),
            None => self.client.extract(request).map(Writer::Client),
        }
    }
}

/// A per-client limit (`burst` at once, then `per_minute`) as a layer over some routes. Call it
/// within a tokio runtime: it starts the limit's [`sweep`].
pub fn client_limit_layer(
    burst: u32,
    per_minute: u32,
    trust_forwarded_for: bool,
) -> GovernorLayer<ClientKey, NoOpMiddleware, Body> {
    limit_layer(
        ClientKey {
            trust_forwarded_for,
        },
        burst,
        per_minute,
    )
}

/// The same limit per [`Writer`], for the writes (after the client limit, so a request it
/// refuses costs no signature check).
pub fn writer_limit_layer(
    burst: u32,
    per_minute: u32,
    trust_forwarded_for: bool,
    binding: Option<CustomerBinding>,
) -> GovernorLayer<WriterKey, NoOpMiddleware, Body> {
    limit_layer(
        WriterKey {
            client: ClientKey {
                trust_forwarded_for,
            },
            binding,
        },
        burst,
        per_minute,
    )
}

fn limit_layer<K>(key: K, burst: u32, per_minute: u32) -> GovernorLayer<K, NoOpMiddleware, Body>
where
    K: KeyExtractor,
    K::Key: Hash + Eq + Clone + Send + Sync + 'static,
{
    let config = GovernorConfigBuilder::default()
        .key_extractor(key)
        .period(Duration::from_nanos(
            (60_000_000_000 / u64::from(per_minute.max(1))).max(1),
        ))
        .burst_size(burst.max(1))
        .finish()
        .expect("a positive period and burst make a valid quota");
    tokio::spawn(sweep(Arc::downgrade(config.limiter())));
    GovernorLayer::new(config).error_handler(too_many)
}

/// Forgets clients that have been quiet, once a minute, so the table does not grow with every
/// visitor. It holds the limiter weakly and ends once the last router using it is dropped, so
/// apps made and dropped (each test, a reload) leave nothing running.
async fn sweep<K: Hash + Eq + Clone>(limiter: Weak<DefaultKeyedRateLimiter<K>>) {
    loop {
        tokio::time::sleep(SWEEP_EVERY).await;
        let Some(limiter) = limiter.upgrade() else {
            return;
        };
        limiter.retain_recent();
    }
}
