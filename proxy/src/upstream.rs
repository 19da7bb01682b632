//! Forwarding to the real tenant: the API key is added here and nowhere else, catalogue reads are
//! cached per language, and only the vendor's documented error fields come back.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use moka::future::Cache;
use perfectgym_offers_core::model::VendorErrorBody;

use crate::operation::Operation;
use crate::reply::Reply;

/// The environment variable the gym's API key is read from (never a flag or a file: flags show
/// in `ps`, files end up in repositories).
pub const API_KEY_ENV: &str = "PERFECTGYM_API_KEY";
/// The header the vendor reads the key from.
pub const API_KEY_HEADER: &str = "X-API-KEY";

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
    /// How long a catalogue answer is reused (the tenant allows 1,000 calls a minute per endpoint
    /// for every visitor together).
    pub catalogue_ttl: Duration,
    pub timeout: Duration,
}

type CacheKey = (String, String);

pub struct Upstream {
    config: UpstreamConfig,
    client: reqwest::Client,
    catalogue: Cache<CacheKey, Reply>,
}

impl Upstream {
    pub fn new(config: UpstreamConfig) -> Result<Upstream, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let catalogue = Cache::builder()
            .max_capacity(10_000)
            .time_to_live(config.catalogue_ttl)
            .build();
        Ok(Upstream {
            config,
            client,
            catalogue,
        })
    }

    /// Answers `operation` from the tenant, or for catalogue reads from the cache. Concurrent
    /// misses for the same page share one upstream call; failures are not cached.
    pub async fn forward(&self, operation: Operation, accept_language: Option<String>) -> Reply {
        if !operation.is_catalogue_read() || self.config.catalogue_ttl.is_zero() {
            return self.send(&operation, accept_language.as_deref()).await;
        }
        let key = (
            operation.path(),
            accept_language.clone().unwrap_or_default(),
        );
        let fetched = self
            .catalogue
            .try_get_with(key, async {
                let reply = self.send(&operation, accept_language.as_deref()).await;
                if reply.is_success() {
                    Ok(reply)
                } else {
                    Err(reply)
                }
            })
            .await;
        fetched.unwrap_or_else(|failed: Arc<Reply>| (*failed).clone())
    }

    async fn send(&self, operation: &Operation, accept_language: Option<&str>) -> Reply {
        let url = format!(
            "{}{}",
            self.config.base_url.trim_end_matches('/'),
            operation.path()
        );
        // Built from nothing: no header the browser sent can reach the tenant.
        let mut request = match operation {
            Operation::Preview(body) => self.client.post(&url).json(body),
            Operation::Purchase(body) => self.client.post(&url).json(body),
            Operation::PaymentSession(body) => self.client.post(&url).json(body),
            _ => self.client.get(&url),
        };
        request = request
            .header(API_KEY_HEADER, &*self.config.api_key.0)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(language) = accept_language {
            request = request.header(reqwest::header::ACCEPT_LANGUAGE, language);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return failure(&error),
        };
        let status = response.status();
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(error) => return failure(&error),
        };
        let status = StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
        if status.is_success() {
            Reply { status, body }
        } else {
            vendor_error(status, &body, &self.config.api_key)
        }
    }
}

/// The tenant could not be asked. The cause goes to the log (reqwest's errors name the URL,
/// never headers), the visitor gets a status that says which side failed.
fn failure(error: &reqwest::Error) -> Reply {
    tracing::warn!(%error, "upstream request failed");
    if error.is_timeout() {
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
            "PROXY_UPSTREAM_ERROR",
            "The booking service answered with an error",
        ),
    }
}
