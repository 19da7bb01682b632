//! The reference proxy: the only thing between the widget and the PerfectGym tenant.
//!
//! It exposes exactly the online-offer routes the widget uses, under the vendor's own paths, and
//! answers them either by forwarding to the tenant with the gym's API key ([`upstream`]) or from
//! an embedded demo tenant ([`mock`]). Everything else is 404 and never leaves this process.

pub mod mock;
pub mod operation;
pub mod reply;
pub mod upstream;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::mock::MockTenant;
use crate::operation::Operation;
use crate::reply::Reply;
use crate::upstream::Upstream;

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
    pub async fn answer(&self, operation: Operation, accept_language: Option<String>) -> Reply {
        match self {
            Tenant::Upstream(upstream) => upstream.forward(operation, accept_language).await,
            Tenant::Mock(mock) => mock.answer(operation, accept_language.as_deref()),
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
}

/// The whole HTTP surface, without binding a socket, so tests call it on any port.
pub fn app(config: ProxyConfig) -> Router {
    let api = operation::routes()
        .with_state(config.tenant)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let prefix = config.api_prefix.trim_end_matches('/');
    let mut router = if prefix.is_empty() {
        api
    } else {
        Router::new().nest(prefix, api)
    };
    if let Some(dir) = config.static_dir {
        router = router.fallback_service(ServeDir::new(dir));
    }
    router.layer((
        TraceLayer::new_for_http(),
        TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, REQUEST_TIMEOUT),
    ))
}
