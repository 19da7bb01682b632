//! The reference proxy: the only thing between the widget and the PerfectGym tenant.
//!
//! It exposes exactly the online-offer routes the widget uses, under the vendor's own paths, and
//! answers them either by forwarding to the tenant with the gym's API key ([`upstream`]) or from
//! an embedded demo tenant ([`mock`]). Everything else is 404 and never leaves this process.

pub mod backoff;
pub mod budget;
pub mod checked;
pub mod customer_binding;
pub mod customer_token;
pub mod http_cache;
pub mod language;
pub mod limits;
pub mod metrics;
pub mod mock;
pub mod operation;
pub mod reply;
pub mod routes;
pub mod server;
pub mod session_price;
pub mod upstream;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::customer_binding::CustomerRoutes;
use crate::customer_token::CustomerBinding;
use crate::http_cache::CataloguePolicy;
use crate::metrics::{Endpoint, Metrics};
use crate::mock::MockTenant;
use crate::operation::Operation;
use crate::reply::Reply;
use crate::upstream::Upstream;

pub use crate::limits::{ReadLimit, WriteLimit};

/// Seconds since the Unix epoch by the wall clock (0 should the clock be before 1970): what
/// customer tokens expire by and what the vendor's per-minute window counts in.
pub fn unix_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Request bodies larger than this are refused before they are read: a preview or purchase body
/// is well under 1 KiB.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// A visitor's request never waits longer than this for an answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// Who answers the online-offer operations.
#[derive(Clone)]
pub enum Tenant {
    Upstream(Arc<Upstream>),
    Mock(Arc<MockTenant>),
}

impl Tenant {
    /// Answers one allowed operation.
    pub async fn answer(
        &self,
        operation: Operation,
        accept_language: Option<String>,
        metrics: &Metrics,
    ) -> Reply {
        match self {
            Tenant::Upstream(upstream) => {
                upstream.forward(operation, accept_language, metrics).await
            }
            Tenant::Mock(mock) => {
                let endpoint = Endpoint::from(&operation);
                let reply = mock.answer(operation, accept_language.as_deref());
                metrics.tenant_request(endpoint, reply.status);
                reply
            }
        }
    }
}

/// How the proxy is mounted.
#[derive(Clone)]
pub struct ProxyConfig {
    /// Where the API is mounted, e.g. `/pg-proxy`: the widget's `api-base`.
    pub api_prefix: String,
    /// Built widget files and host page to serve at `/`, so page, widget and API share one origin.
    pub static_dir: Option<PathBuf>,
    pub tenant: Tenant,
    /// Origins (e.g. `https://www.mygym.example`) whose pages may call the API from another
    /// origin. Empty: same-origin only (no CORS headers at all).
    pub allowed_origins: Vec<HeaderValue>,
    pub write_limit: WriteLimit,
    pub read_limit: ReadLimit,
    /// With a secret, requests naming a customer need that customer's signed token.
    pub customer_binding: Option<CustomerBinding>,
    /// Without customer binding, serve the routes naming a customer from the real tenant
    /// anyway: anyone could read any member's purchases and door codes. Off unless the
    /// operator says so; the mock tenant serves them regardless (it is a demo).
    pub unauthenticated_customer_routes: bool,
    /// What browsers and shared caches may do with catalogue answers.
    pub catalogue_cache: CataloguePolicy,
    /// Counters for the operator's `/metrics` ([`metrics::router`]).
    pub metrics: Metrics,
}

impl ProxyConfig {
    /// The API under `api_prefix`, answered by `tenant`, with every other setting at its
    /// default: same-origin only, the default write limit, no customer binding, no static files.
    pub fn new(api_prefix: &str, tenant: Tenant) -> ProxyConfig {
        ProxyConfig {
            api_prefix: api_prefix.to_owned(),
            static_dir: None,
            tenant,
            allowed_origins: Vec::new(),
            write_limit: WriteLimit::default(),
            read_limit: ReadLimit::default(),
            customer_binding: None,
            unauthenticated_customer_routes: false,
            catalogue_cache: CataloguePolicy::default(),
            metrics: Metrics::new(),
        }
    }
}

/// What the API handlers share, behind one `Arc`: axum clones a handler's state twice per
/// request, and each `Arc` inside (the tenant, seven in the metrics, the header's bytes) is an
/// atomic count that the worker threads take turns to write.
#[derive(Clone)]
pub struct ApiState(Arc<Api>);

impl std::ops::Deref for ApiState {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.0
    }
}

/// The fields of [`ApiState`].
pub struct Api {
    pub tenant: Tenant,
    pub customers: CustomerRoutes,
    /// The catalogue answers' `Cache-Control` ([`CataloguePolicy::cache_control`]).
    pub catalogue_cache_control: HeaderValue,
    pub metrics: Metrics,
}

/// The whole HTTP surface, without binding a socket, so tests call it on any port. Serve it with
/// [`server::serve`]: the per-client limits key on the peer address it records. Call it within
/// a tokio runtime: each limit's sweep is a task there, which ends once the router is dropped.
pub fn app(config: ProxyConfig) -> Router {
    let binding = config.customer_binding.clone();
    let customers = match config.customer_binding {
        Some(binding) => CustomerRoutes::Bound(binding),
        None if matches!(config.tenant, Tenant::Mock(_))
            || config.unauthenticated_customer_routes =>
        {
            CustomerRoutes::Open
        }
        None => CustomerRoutes::Closed,
    };
    config
        .metrics
        .customer_routes_unauthenticated(matches!(customers, CustomerRoutes::Open));
    let state = ApiState(Arc::new(Api {
        tenant: config.tenant,
        customers,
        catalogue_cache_control: config.catalogue_cache.cache_control(),
        metrics: config.metrics,
    }));
    // Each `layer` call wraps every route once more, and a request clones each wrapping: the
    // layers of a group go on in one call.
    let trust_forwarded_for = config.write_limit.trust_forwarded_for;
    let prefix = config.api_prefix.trim_end_matches('/');
    let writes = routes::write_routes(prefix)
        .with_state(state.clone())
        .layer((
            DefaultBodyLimit::max(MAX_BODY_BYTES),
            limits::client_limit_layer(
                config.write_limit.burst,
                config.write_limit.per_minute,
                trust_forwarded_for,
            ),
            limits::writer_limit_layer(
                config.write_limit.burst,
                config.write_limit.per_minute,
                trust_forwarded_for,
                binding,
            ),
        ));
    let reads = routes::read_routes(prefix).with_state(state).layer((
        DefaultBodyLimit::max(MAX_BODY_BYTES),
        limits::client_limit_layer(
            config.read_limit.burst,
            config.read_limit.per_minute,
            trust_forwarded_for,
        ),
    ));
    let mut router = reads.merge(writes);
    if let Some(dir) = config.static_dir {
        let files = Router::new()
            // A build's `.br` / `.gz` siblings go out to browsers that accept them, with the
            // original file's Content-Type (so `application/wasm` keeps streaming compilation).
            .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
            .layer(axum::middleware::from_fn(http_cache::static_file_headers));
        router = router.fallback_service(files);
    }
    // After the files: a page on an allowed origin loads the widget's module scripts and wasm
    // from here with CORS, as it calls the API (a layer wraps only what the router has so far).
    if !config.allowed_origins.is_empty() {
        router = router.layer(limits::cors_layer(config.allowed_origins));
    }
    let timeout = TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, REQUEST_TIMEOUT);
    // tower-http writes its request spans and events at DEBUG: below that level (the default
    // is INFO) the layer would only cost time on every request.
    if tracing::enabled!(target: "tower_http::trace", tracing::Level::DEBUG) {
        router.layer((
            axum::middleware::map_response(errors_are_not_stored),
            TraceLayer::new_for_http(),
            timeout,
        ))
    } else {
        router.layer((
            axum::middleware::map_response(errors_are_not_stored),
            timeout,
        ))
    }
}

/// Every error answer is `no-store`, whoever made it: the router's 404 and 405, the timeout's
/// 504, the body limit's 413, a missing static file. An error must not be replayed to the next
/// visitor by a browser or a shared cache.
async fn errors_are_not_stored<B>(mut response: Response<B>) -> Response<B> {
    if response.status().as_u16() >= 400 && !response.headers().contains_key(CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
