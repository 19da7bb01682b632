//! Forwarding to the real tenant: the API key is added here and nowhere else, catalogue reads are
//! cached per language, and only the vendor's documented error fields come back.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::header::{ACCEPT, ACCEPT_LANGUAGE, CONTENT_TYPE};
use axum::http::uri::{self, Authority, PathAndQuery, Scheme};
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, Uri};
use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use moka::future::Cache;
use moka::Expiry;
use perfectgym_offers_core::model::{VendorErrorBody, TENANT_BUSY_CODE, UPSTREAM_ERROR_CODE};

use crate::backoff::Backoff;
use crate::budget::{Ceiling, TenantBudget};
use crate::http_cache::CataloguePolicy;
use crate::metrics::{CatalogueOutcome, Endpoint, Metrics, PerEndpoint};
use crate::operation::Operation;
use crate::reply::Reply;

/// The environment variable the gym's API key is read from (never a flag or a file: flags show
/// in `ps`, files end up in repositories).
pub const API_KEY_ENV: &str = "PERFECTGYM_API_KEY";
/// The header the vendor reads the key from (`X-API-KEY`; header names are case-insensitive,
/// and a static name is not parsed again on every request).
pub const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// The gym's API key. Its `Debug` and `Display` never show it.
#[derive(Clone)]
pub struct ApiKey(Arc<str>);

impl ApiKey {
    pub fn new(key: &str) -> Option<ApiKey> {
        let key = key.trim();
        (!key.is_empty()).then(|| ApiKey(key.into()))
    }

    /// Reads the key from [`API_KEY_ENV`].
    pub fn from_env() -> Option<ApiKey> {
        ApiKey::new(&std::env::var(API_KEY_ENV).ok()?)
    }
}

impl ApiKey {
    /// The key as the header carries it, marked sensitive (never shown by `Debug`, never indexed
    /// by header compression); `None` if it is not a header value.
    fn header(&self) -> Option<HeaderValue> {
        let mut value = HeaderValue::from_str(&self.0).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Tuning of the upstream side.
#[derive(Debug, Clone)]
pub struct UpstreamConfig {
    /// The tenant's base URL, e.g. `https://mygym.open-api.perfectgym.com`.
    pub base_url: String,
    pub api_key: ApiKey,
    /// How long a catalogue answer is reused (`max_age`; the tenant allows 1,000 calls a minute
    /// per endpoint for every visitor together), and how long a last good one is kept to serve
    /// while the tenant refuses (429) or fails (`stale`): the figures HTTP caches are told too.
    pub catalogue: CataloguePolicy,
    pub timeout: Duration,
    /// This instance's ceiling on calls to the tenant (its share when several run).
    pub ceiling: Ceiling,
    /// A tenant answer longer than this is not read further (502): one bad page cannot fill
    /// the proxy's memory.
    pub max_body_bytes: usize,
    /// Bytes the catalogue caches may hold (half for fresh answers, half for last good ones).
    pub cache_bytes: u64,
    /// The serving lanes ([`crate::server::serve_on_threads`]): each gets its own pool of
    /// connections to the tenant, so a tenant call stays on the thread of its request.
    pub lanes: usize,
}

impl UpstreamConfig {
    /// Forwarding to `base_url` with `api_key`, every other setting at its default.
    pub fn new(base_url: String, api_key: ApiKey) -> UpstreamConfig {
        UpstreamConfig {
            base_url,
            api_key,
            catalogue: CataloguePolicy::default(),
            timeout: Duration::from_secs(10),
            ceiling: Ceiling::default(),
            max_body_bytes: MAX_BODY_BYTES,
            cache_bytes: CACHE_BYTES,
            lanes: 1,
        }
    }
}

/// Default for [`UpstreamConfig::max_body_bytes`]: a page of 100 offers is well under 1 MiB.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Default for [`UpstreamConfig::cache_bytes`].
pub const CACHE_BYTES: u64 = 64 * 1024 * 1024;
/// How long "no such offer" is remembered: long enough that repeating an unknown id costs the
/// tenant nothing, short enough that a newly published offer shows soon.
pub const NOT_FOUND_TTL: Duration = Duration::from_secs(10);

type CacheKey = (String, String);

/// Why the upstream client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("the TLS configuration: {0}")]
    Tls(#[from] rustls::Error),
    #[error("the API key in {API_KEY_ENV} cannot be sent as a header (it has characters a header cannot carry)")]
    KeyNotAHeader,
    #[error("--upstream {0:?} is not an http(s):// URL with a host")]
    NotATenantUrl(String),
    #[error("--upstream {0:?} would send the API key unencrypted: use https:// (http:// only to a loopback address, such as a local mock)")]
    Cleartext(String),
}

/// HTTP/1.1 with keep-alive to the tenant, HTTPS by rustls (ring, Mozilla's roots). hyper's
/// client itself, not reqwest: reqwest parsed every request's URL twice more (once into its
/// `Url`, once in its redirect layer, even with redirects off), a sixth of forwarding's CPU.
type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

pub struct Upstream {
    config: UpstreamConfig,
    /// `config.base_url` checked once: a vendor path is appended to it.
    base: Base,
    key: HeaderValue,
    /// One client, with its own connection pool, per serving lane.
    clients: Vec<HttpClient>,
    catalogue: Cache<CacheKey, Reply>,
    last_good: Cache<CacheKey, Reply>,
    backoff: Mutex<PerEndpoint<Backoff>>,
    budget: TenantBudget,
}

/// A cached answer's size: what the byte bound counts.
fn weight(key: &CacheKey, reply: &Reply) -> u32 {
    let etag = reply.etag.as_ref().map_or(0, HeaderValue::len);
    u32::try_from(key.0.len() + key.1.len() + reply.body.len() + etag).unwrap_or(u32::MAX)
}

/// Catalogue answers live `max_age`; a "no such offer" only [`NOT_FOUND_TTL`] (at most).
struct CatalogueExpiry {
    max_age: Duration,
}

impl Expiry<CacheKey, Reply> for CatalogueExpiry {
    fn expire_after_create(
        &self,
        _key: &CacheKey,
        reply: &Reply,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(if reply.status == StatusCode::NOT_FOUND {
            self.max_age.min(NOT_FOUND_TTL)
        } else {
            self.max_age
        })
    }
}

/// The part of a base URL a vendor path is appended to, parsed once so that a request parses
/// only its own path: scheme, host, and path without its trailing `/` (a query or fragment is
/// dropped).
struct Base {
    scheme: Scheme,
    authority: Authority,
    path: String,
}

/// `base_url`'s [`Base`]: an `https://` URL, or `http://` to a loopback address (the key must
/// not cross a network unencrypted).
fn base_of(base_url: &str) -> Result<Base, SetupError> {
    let not_a_url = || SetupError::NotATenantUrl(base_url.to_owned());
    let uri: Uri = base_url.parse().map_err(|_| not_a_url())?;
    let scheme = uri
        .scheme()
        .filter(|s| matches!(s.as_str(), "http" | "https"))
        .ok_or_else(not_a_url)?
        .clone();
    let authority = uri.authority().ok_or_else(not_a_url)?.clone();
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if scheme == Scheme::HTTP && !loopback {
        return Err(SetupError::Cleartext(base_url.to_owned()));
    }
    Ok(Base {
        scheme,
        authority,
        path: uri.path().trim_end_matches('/').to_owned(),
    })
}

impl Upstream {
    pub fn new(config: UpstreamConfig) -> Result<Upstream, SetupError> {
        let mut connector = HttpConnector::new();
        // As reqwest did: no Nagle delay on small requests, no idle connection kept open
        // through a NAT that forgot it.
        connector.set_nodelay(true);
        connector.set_keepalive(Some(Duration::from_secs(15)));
        connector.enforce_http(false);
        let https = HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())?
            .https_or_http()
            .enable_http1()
            .wrap_connector(connector);
        // Redirects are not followed (hyper's client never does): the key goes to the
        // configured host only.
        let clients = (0..config.lanes.max(1))
            .map(|_| {
                Client::builder(TokioExecutor::new())
                    .pool_timer(TokioTimer::new())
                    .pool_idle_timeout(Duration::from_secs(90))
                    .build(https.clone())
            })
            .collect();
        let catalogue = Cache::builder()
            .max_capacity(config.cache_bytes / 2)
            .weigher(weight)
            .expire_after(CatalogueExpiry {
                max_age: config.catalogue.max_age,
            })
            .build();
        let last_good = Cache::builder()
            .max_capacity(config.cache_bytes / 2)
            .weigher(weight)
            .time_to_live(config.catalogue.stale.max(config.catalogue.max_age))
            .build();
        let budget = TenantBudget::new(config.ceiling);
        Ok(Upstream {
            base: base_of(&config.base_url)?,
            key: config.api_key.header().ok_or(SetupError::KeyNotAHeader)?,
            config,
            clients,
            catalogue,
            last_good,
            backoff: Mutex::default(),
            budget,
        })
    }

    /// Bytes the catalogue caches hold now (fresh and last good together).
    pub async fn cached_bytes(&self) -> u64 {
        self.catalogue.run_pending_tasks().await;
        self.last_good.run_pending_tasks().await;
        self.catalogue.weighted_size() + self.last_good.weighted_size()
    }

    /// Answers `operation` from the tenant, or for catalogue reads from the cache. Concurrent
    /// misses for the same page share one upstream call; "no such offer" is cached briefly,
    /// other failures not at all. While the tenant pushes back on an endpoint, or this
    /// instance's ceiling for it is reached, its catalogue reads get the last good answer.
    pub async fn forward(
        &self,
        operation: Operation,
        accept_language: Option<String>,
        metrics: &Metrics,
    ) -> Reply {
        let endpoint = Endpoint::from(&operation);
        let reply = self.reply(operation, accept_language, metrics).await;
        // Counted here, as it reaches the visitor: a catalogue page refused during a pause may
        // have been answered with its last good copy instead.
        if reply.pause_refusal {
            metrics.pause_refusal(endpoint);
        }
        reply
    }

    async fn reply(
        &self,
        operation: Operation,
        accept_language: Option<String>,
        metrics: &Metrics,
    ) -> Reply {
        if !self.cached(&operation) {
            return self
                .send(&operation, accept_language.as_deref(), metrics)
                .await;
        }
        let endpoint = Endpoint::from(&operation);
        let key = (
            operation.path(),
            accept_language.clone().unwrap_or_default(),
        );
        if let Some(wait) = self.pause_left(endpoint) {
            // A fresh answer costs the tenant nothing, a known "no such offer" included (it has
            // no last good copy, and would otherwise turn into a refusal for the pause's length).
            if let Some(fresh) = self.catalogue.get(&key).await {
                metrics.catalogue_answer(CatalogueOutcome::hit);
                return fresh;
            }
            return match self.last_good(&key, metrics).await {
                Some(stale) => stale,
                None => paused(endpoint, wait),
            };
        }
        let asked = AtomicBool::new(false);
        let fetched = self
            .catalogue
            .try_get_with(key.clone(), async {
                asked.store(true, Ordering::Relaxed);
                let reply = self
                    .send(&operation, accept_language.as_deref(), metrics)
                    .await;
                if reply.is_success() {
                    Ok(reply.tagged())
                } else if reply.status == StatusCode::NOT_FOUND {
                    Ok(reply)
                } else {
                    Err(reply)
                }
            })
            .await;
        match fetched {
            Ok(reply) => {
                if asked.load(Ordering::Relaxed) {
                    metrics.catalogue_answer(CatalogueOutcome::miss);
                    if reply.is_success() {
                        self.last_good.insert(key, reply.clone()).await;
                    }
                } else {
                    metrics.catalogue_answer(CatalogueOutcome::hit);
                }
                reply
            }
            Err(failed) => {
                let tenant_failing = failed.status.is_server_error()
                    || failed.status == StatusCode::TOO_MANY_REQUESTS;
                let stale = if tenant_failing {
                    self.last_good(&key, metrics).await
                } else {
                    None
                };
                stale.unwrap_or_else(|| (*failed).clone())
            }
        }
    }

    /// Whether `operation`'s answers go through the catalogue cache (and its last good copies).
    fn cached(&self, operation: &Operation) -> bool {
        operation.is_catalogue_read() && !self.config.catalogue.max_age.is_zero()
    }

    /// The last good answer for `key`, if one is kept, counted as served stale.
    async fn last_good(&self, key: &CacheKey, metrics: &Metrics) -> Option<Reply> {
        let stale = self.last_good.get(key).await?;
        metrics.catalogue_answer(CatalogueOutcome::stale);
        Some(stale)
    }

    /// What is left of the pause the tenant asked for on `endpoint` (429, 503).
    fn pause_left(&self, endpoint: Endpoint) -> Option<Duration> {
        let backoff = self
            .backoff
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        backoff[endpoint].left(Instant::now)
    }

    fn note_answer(&self, endpoint: Endpoint, status: StatusCode) {
        let mut backoff = self
            .backoff
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        backoff[endpoint].record(status, || {
            let unix_seconds = u64::try_from(crate::unix_seconds()).unwrap_or(0);
            (Instant::now(), unix_seconds)
        });
    }

    /// The tenant's URL for a vendor path (and query), under the base URL's own path.
    fn url(&self, path_and_query: &str) -> Option<Uri> {
        let base = &self.base;
        let path = [base.path.as_str(), path_and_query].concat();
        let mut parts = uri::Parts::default();
        parts.scheme = Some(base.scheme.clone());
        parts.authority = Some(base.authority.clone());
        parts.path_and_query = Some(PathAndQuery::from_maybe_shared(Bytes::from(path)).ok()?);
        Uri::from_parts(parts).ok()
    }

    async fn send(
        &self,
        operation: &Operation,
        accept_language: Option<&str>,
        metrics: &Metrics,
    ) -> Reply {
        let endpoint = Endpoint::from(operation);
        // The tenant asked to be left alone (API notes: back off on 429 and 503): whoever asks
        // next waits too, instead of being refused by the tenant again.
        if let Some(wait) = self.pause_left(endpoint) {
            return paused(endpoint, wait);
        }
        if let Err(wait) = self.budget.take(endpoint) {
            metrics.ceiling_hit(endpoint);
            return busy(endpoint, wait);
        }
        let Some(url) = self.url(&operation.path()) else {
            tracing::warn!(base = %self.config.base_url, "the tenant's base URL is not a URL");
            return Reply::error(
                StatusCode::BAD_GATEWAY,
                "PROXY_UPSTREAM_UNREACHABLE",
                "The booking service could not be reached",
            );
        };
        let (method, body) = match operation {
            Operation::Preview(body) => (Method::POST, serde_json::to_vec(body)),
            Operation::Purchase(body) => (Method::POST, serde_json::to_vec(body)),
            Operation::PaymentSession(body) => (Method::POST, serde_json::to_vec(body)),
            _ => (Method::GET, Ok(Vec::new())),
        };
        let body = match body {
            Ok(body) => body,
            Err(error) => {
                return Reply::error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "PROXY_ENCODING",
                    &format!("could not encode the request: {error}"),
                )
            }
        };
        // Built from nothing: no header the browser sent can reach the tenant.
        let mut request = Request::builder()
            .uri(url)
            .header(API_KEY_HEADER, self.key.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if method == Method::POST {
            request = request.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        request = request.method(method);
        if let Some(language) = accept_language {
            request = request.header(ACCEPT_LANGUAGE, language);
        }
        let request = match request.body(Full::new(Bytes::from(body))) {
            Ok(request) => request,
            Err(error) => return failure(&Failure::Request(error.into())),
        };
        // The timeout covers the whole answer, its body too.
        let answer = tokio::time::timeout(self.config.timeout, async {
            let client = &self.clients[crate::server::lane() % self.clients.len()];
            let response = client
                .request(request)
                .await
                .map_err(|error| Failure::Request(error.into()))?;
            let status = response.status();
            metrics.tenant_request(endpoint, status);
            self.note_answer(endpoint, status);
            let body = read_capped(response.into_body(), self.config.max_body_bytes).await?;
            Ok::<_, Failure>((status, body))
        })
        .await
        .unwrap_or(Err(Failure::Timeout));
        let (status, body) = match answer {
            Ok(answer) => answer,
            Err(Failure::TooLarge) => {
                tracing::warn!(
                    limit = self.config.max_body_bytes,
                    "the tenant's answer is longer than allowed; not read further"
                );
                return Reply::error(
                    StatusCode::BAD_GATEWAY,
                    "PROXY_UPSTREAM_TOO_LARGE",
                    "The booking service answered with more than expected",
                );
            }
            Err(failed) => return failure(&failed),
        };
        if status.is_success() {
            Reply::new(status, body)
        } else {
            vendor_error(status, &body, &self.config.api_key)
        }
    }
}

/// Why no answer of the tenant's came through.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("no answer within the upstream timeout")]
    Timeout,
    /// Longer than `max_body_bytes`.
    #[error("the answer is longer than allowed")]
    TooLarge,
    #[error("{0}")]
    Request(Box<dyn std::error::Error + Send + Sync>),
}

/// [`busy`], because the tenant asked for a pause ([`Reply::pause_refusal`]).
fn paused(endpoint: Endpoint, wait: Duration) -> Reply {
    Reply {
        pause_refusal: true,
        ..busy(endpoint, wait)
    }
}

/// Nothing was sent to the tenant, which is busy: a read may be asked again after `wait` (503); a
/// write gets 429, which tells the widget it was refused (a 503 would leave it unsure whether a
/// purchase went through).
fn busy(endpoint: Endpoint, wait: Duration) -> Reply {
    let status = if endpoint.is_read() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::TOO_MANY_REQUESTS
    };
    Reply::error(
        status,
        TENANT_BUSY_CODE,
        "The booking service is busy; please try again in a minute",
    )
    .retry_after(wait)
}

/// The body, read chunk by chunk up to `limit` bytes; [`Failure::TooLarge`] past that.
async fn read_capped(mut body: Incoming, limit: usize) -> Result<Bytes, Failure> {
    if hyper::body::Body::size_hint(&body)
        .exact()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(Failure::TooLarge);
    }
    // An answer in one chunk (the usual case) is passed on as it came, without a copy.
    let mut whole = BytesMut::new();
    let mut next = next_chunk(&mut body).await?;
    while let Some(chunk) = next {
        if whole.len() + chunk.len() > limit {
            return Err(Failure::TooLarge);
        }
        next = next_chunk(&mut body).await?;
        if whole.is_empty() && next.is_none() {
            return Ok(chunk);
        }
        whole.extend_from_slice(&chunk);
    }
    Ok(whole.freeze())
}

/// The body's next piece of data (trailers are skipped), or `None` at its end.
async fn next_chunk(body: &mut Incoming) -> Result<Option<Bytes>, Failure> {
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| Failure::Request(error.into()))?;
        if let Ok(data) = frame.into_data() {
            return Ok(Some(data));
        }
    }
    Ok(None)
}

/// The tenant could not be asked. The cause goes to the log (hyper's errors name neither the
/// URL nor a header), the visitor gets a status that says which side failed.
fn failure(error: &Failure) -> Reply {
    // hyper's error says which step failed, its sources why ("Connection refused").
    let mut text = error.to_string();
    let mut source = match error {
        Failure::Request(error) => error.source(),
        _ => None,
    };
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    tracing::warn!(error = %text, "upstream request failed");
    if matches!(error, Failure::Timeout) {
        Reply::error(
            StatusCode::GATEWAY_TIMEOUT,
            "PROXY_UPSTREAM_TIMEOUT",
            "The booking service did not answer in time",
        )
    } else {
        Reply::error(
            StatusCode::BAD_GATEWAY,
            "PROXY_UPSTREAM_UNREACHABLE",
            "The booking service could not be reached",
        )
    }
}

/// Passes on only the vendor's documented error fields; an undocumented body becomes a generic
/// message rather than being echoed. Should the tenant ever echo the key, it is cut out.
fn vendor_error(status: StatusCode, body: &[u8], key: &ApiKey) -> Reply {
    match serde_json::from_slice::<VendorErrorBody>(body) {
        Ok(mut error) => {
            for field in [
                Some(&mut error.error_message),
                error.error_code.as_mut(),
                error.trace_id.as_mut(),
                error.reference.as_mut(),
            ]
            .into_iter()
            .flatten()
            {
                *field = field.replace(&*key.0, "[redacted]");
            }
            Reply::json(status, &error)
        }
        Err(_) => Reply::error(
            status,
            UPSTREAM_ERROR_CODE,
            "The booking service answered with an error",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenant_url_keeps_the_base_path_and_the_query() {
        let upstream = |base: &str| {
            let key = ApiKey::new("key").unwrap();
            Upstream::new(UpstreamConfig::new(base.to_owned(), key)).unwrap()
        };
        let path = "/v1/online-offers/purchasable?offset=1005&sliceSize=10";
        for base in ["http://127.0.0.1:9/tenant/", "http://127.0.0.1:9/tenant"] {
            assert_eq!(
                upstream(base).url(path).unwrap().to_string(),
                "http://127.0.0.1:9/tenant/v1/online-offers/purchasable?offset=1005&sliceSize=10"
            );
        }
        assert_eq!(
            upstream("https://gym.example")
                .url("/v1/online-offers/purchasable/1001")
                .unwrap()
                .to_string(),
            "https://gym.example/v1/online-offers/purchasable/1001"
        );
    }

    #[test]
    fn the_key_goes_unencrypted_only_to_a_loopback_address() {
        let build = |base: &str| {
            let key = ApiKey::new("key").unwrap();
            Upstream::new(UpstreamConfig::new(base.to_owned(), key)).err()
        };
        for fine in [
            "https://gym.open-api.perfectgym.com",
            "http://127.0.0.1:8080",
            "http://localhost:9/tenant",
            "http://[::1]:9",
        ] {
            assert!(build(fine).is_none(), "{fine}");
        }
        for not_a_base in ["not a url", "/tenant", "ftp://gym.example", "gym.example"] {
            assert!(
                matches!(build(not_a_base), Some(SetupError::NotATenantUrl(_))),
                "{not_a_base}"
            );
        }
        for cleartext in ["http://gym.open-api.perfectgym.com", "http://10.0.0.5:8080"] {
            assert!(
                matches!(build(cleartext), Some(SetupError::Cleartext(_))),
                "{cleartext}"
            );
        }
    }
}
