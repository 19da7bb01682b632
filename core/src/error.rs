//! What can go wrong talking to the booking service: one value per failure class, with a message
//! for the visitor (in their language) and a cause for the developer (`Display`).

use crate::i18n::Locale;
use crate::model::{VendorErrorBody, TENANT_BUSY_CODE};

/// A failed API call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The request never got an HTTP answer (offline, DNS, CORS, connection reset).
    #[error("network failure: {cause}")]
    Network { cause: String },
    /// No answer within the client's time limit; the request was aborted.
    #[error("no answer within {after_ms} ms")]
    Timeout { after_ms: u32 },
    /// 429: the tenant's per-endpoint budget is spent for this minute.
    #[error("rate limited (HTTP 429){}", describe(.body))]
    RateLimited { body: Option<VendorErrorBody> },
    /// Any other non-2xx answer, with the vendor's error body when it sent one.
    #[error("HTTP {status}{}", describe(.body))]
    Http {
        status: u16,
        body: Option<VendorErrorBody>,
    },
    /// 404 for the signed-in customer's own purchases: the tenant knows no customer with the
    /// page's `customer-id` (a stale sign-in, a wrong id), not an offer gone.
    #[error("no such customer at the tenant (HTTP 404){}", describe(.body))]
    UnknownCustomer { body: Option<VendorErrorBody> },
    /// A 2xx answer whose body is not what the contract says.
    #[error("undecodable response: {cause}")]
    Decode { cause: String },
    /// The widget's own set-up is wrong (e.g. no `api-base`); no request was made.
    #[error("widget configuration: {cause}")]
    Config { cause: String },
}

fn describe(body: &Option<VendorErrorBody>) -> String {
    let Some(body) = body else {
        return String::new();
    };
    let mut text = format!(": {}", body.error_message);
    for (label, value) in [("errorCode", &body.error_code), ("traceId", &body.trace_id)] {
        if let Some(value) = value {
            text.push_str(&format!(" [{label} {value}]"));
        }
    }
    text
}

impl ApiError {
    /// The error for a non-2xx status and its (possibly undecodable) body. The proxy's 503 for a
    /// read it held back while the tenant is busy is a rate limit too: asking again at once
    /// would only be held back again.
    pub fn from_status(status: u16, body: Option<VendorErrorBody>) -> ApiError {
        let busy = status == 503 && body.as_ref().is_some_and(|b| b.has_code(TENANT_BUSY_CODE));
        if status == 429 || busy {
            ApiError::RateLimited { body }
        } else {
            ApiError::Http { status, body }
        }
    }

    /// Whether a GET may be sent again: only failures that say nothing about the request itself.
    /// POSTs are never retried (a purchase must not be made twice).
    pub fn is_retryable_read(&self) -> bool {
        match self {
            ApiError::Network { .. } => true,
            ApiError::Http { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// Whether a POST that failed this way was certainly not carried out: the widget's own set-up
    /// stopped it before sending, or the booking service refused it with a 4xx and its error
    /// body. Anything else (no answer, a timeout, any 5xx, a 2xx that could not be read, a 4xx
    /// without the vendor's body, say from a gateway) may have been carried out.
    pub fn proves_write_refused(&self) -> bool {
        match self {
            ApiError::Config { .. } => true,
            ApiError::RateLimited { body } | ApiError::UnknownCustomer { body } => {
                body.as_ref().is_some_and(VendorErrorBody::is_vendors)
            }
            ApiError::Http { status, body } => {
                (400..500).contains(status)
                    && body.as_ref().is_some_and(VendorErrorBody::is_vendors)
            }
            ApiError::Network { .. } | ApiError::Timeout { .. } | ApiError::Decode { .. } => false,
        }
    }

    /// Whether the booking service itself finished handling the request that failed this way:
    /// it answered with its own error body, and not with a gateway's 502/503/504. Only then does
    /// a purchase missing from the customer's purchases read straight afterwards mean it was not
    /// made; after a lost connection, a timeout or a gateway's answer the tenant may still be
    /// working on it, and a purchase it records a moment later would be bought twice.
    pub fn tenant_finished(&self) -> bool {
        match self {
            ApiError::Http { status, body } => {
                !matches!(status, 502..=504)
                    && body.as_ref().is_some_and(VendorErrorBody::is_vendors)
            }
            ApiError::RateLimited { body } | ApiError::UnknownCustomer { body } => {
                body.as_ref().is_some_and(VendorErrorBody::is_vendors)
            }
            ApiError::Network { .. }
            | ApiError::Timeout { .. }
            | ApiError::Decode { .. }
            | ApiError::Config { .. } => false,
        }
    }

    /// The booking service's own words for a refusal (its `errorMessage`, in the visitor's
    /// language when the tenant localises it by `Accept-Language`): why a purchase or a price was
    /// refused, say an age limit. `None` for the proxy's own answers and for everything else.
    pub fn vendor_message(&self) -> Option<&str> {
        match self {
            // Not 401/403 (the gym's key or scopes: for the developer). A 404 is included: a
            // preview or purchase names an offer and a customer, and only the tenant's words
            // say which of them it does not know.
            ApiError::Http {
                status: 400 | 404 | 409 | 422,
                body: Some(body),
            } if body.is_vendors()
                && !body
                    .error_code
                    .as_deref()
                    .is_some_and(|code| code.starts_with("PROXY_")) =>
            {
                let message = body.error_message.trim();
                // One short sentence or two; anything longer is not meant for a visitor.
                (!message.is_empty() && message.len() <= 300 && !message.contains(['\n', '<']))
                    .then_some(message)
            }
            _ => None,
        }
    }

    /// What the visitor is told: the booking service's reason when it gave one, else ours. A
    /// visitor whose language has no texts reads English, and the proxy then asks the tenant
    /// for no language: its reason could be in the studio's, so ours is shown.
    pub fn reason(&self, locale: Locale) -> &str {
        self.vendor_message()
            .filter(|_| locale.lang() == locale.tag())
            .unwrap_or_else(|| self.user_message(locale))
    }

    /// What the visitor is told.
    pub fn user_message(&self, locale: Locale) -> &'static str {
        let m = locale.messages();
        match self {
            ApiError::Network { .. } => m.error_network(),
            ApiError::Timeout { .. } => m.error_timeout(),
            ApiError::RateLimited { .. } => m.error_rate_limited(),
            ApiError::Http { status: 404, .. } => m.error_not_found(),
            ApiError::UnknownCustomer { .. } => m.error_unknown_customer(),
            ApiError::Http { status, .. } if *status >= 500 => m.error_server(),
            ApiError::Http { .. } => m.error_request(),
            ApiError::Decode { .. } => m.error_decode(),
            ApiError::Config { .. } => m.error_config(),
        }
    }
}

/// When to send a failed GET again: exponential backoff with a cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub attempts: u32,
    pub first_delay_ms: u32,
    pub max_delay_ms: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            first_delay_ms: 400,
            max_delay_ms: 4_000,
        }
    }
}

impl RetryPolicy {
    /// The wait before try number `attempt` (1-based; the first try has none), or `None` when
    /// the error or the count of tries says stop.
    pub fn delay_before(&self, attempt: u32, error: &ApiError) -> Option<u32> {
        if attempt < 2 || attempt > self.attempts || !error.is_retryable_read() {
            return None;
        }
        let doubled = self
            .first_delay_ms
            .saturating_mul(1 << (attempt - 2).min(16));
        Some(doubled.min(self.max_delay_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> VendorErrorBody {
        VendorErrorBody {
            error_message: "Offer not found".into(),
            error_code: Some("NOT_FOUND".into()),
            trace_id: Some("abc-123".into()),
            reference: None,
        }
    }

    #[test]
    fn separates_the_failure_classes() {
        assert!(matches!(
            ApiError::from_status(429, None),
            ApiError::RateLimited { .. }
        ));
        assert!(matches!(
            ApiError::from_status(503, None),
            ApiError::Http { status: 503, .. }
        ));
        // The proxy held the read back while the tenant is busy: not retried at once, and the
        // visitor reads "very busy", not "a problem".
        let held_back = ApiError::from_status(
            503,
            Some(VendorErrorBody {
                error_code: Some(TENANT_BUSY_CODE.into()),
                ..body()
            }),
        );
        assert!(matches!(held_back, ApiError::RateLimited { .. }));
        assert_eq!(RetryPolicy::default().delay_before(2, &held_back), None);
        let not_found = ApiError::from_status(404, Some(body()));
        assert_eq!(
            not_found.to_string(),
            "HTTP 404: Offer not found [errorCode NOT_FOUND] [traceId abc-123]"
        );
        assert_eq!(
            not_found.user_message(Locale::native("en-US")),
            "This offer is no longer available."
        );
        assert_eq!(
            ApiError::Timeout { after_ms: 10_000 }.user_message(Locale::native("de-DE")),
            "Der Buchungsdienst hat zu lange nicht geantwortet. Bitte versuche es erneut."
        );
    }

    #[test]
    fn retries_reads_only_on_network_errors_and_5xx() {
        let policy = RetryPolicy::default();
        let network = ApiError::Network {
            cause: "reset".into(),
        };
        let unavailable = ApiError::from_status(503, None);
        assert_eq!(
            policy.delay_before(1, &network),
            None,
            "the first try is not a retry"
        );
        assert_eq!(policy.delay_before(2, &network), Some(400));
        assert_eq!(policy.delay_before(3, &unavailable), Some(800));
        assert_eq!(
            policy.delay_before(4, &unavailable),
            None,
            "three tries in all"
        );
        for final_error in [
            ApiError::from_status(400, None),
            ApiError::from_status(404, None),
            ApiError::from_status(429, None),
            ApiError::Timeout { after_ms: 1 },
            ApiError::Decode { cause: "x".into() },
        ] {
            assert_eq!(policy.delay_before(2, &final_error), None, "{final_error}");
        }
    }

    #[test]
    fn only_a_documented_refusal_proves_a_write_refused() {
        assert!(ApiError::from_status(400, Some(body())).proves_write_refused());
        assert!(ApiError::from_status(409, Some(body())).proves_write_refused());
        assert!(ApiError::from_status(429, Some(body())).proves_write_refused());
        assert!(ApiError::Config {
            cause: String::new()
        }
        .proves_write_refused());
        for status in [500, 502, 503, 504] {
            assert!(
                !ApiError::from_status(status, Some(body())).proves_write_refused(),
                "{status}"
            );
        }
        for status in [400, 404, 429] {
            assert!(
                !ApiError::from_status(status, None).proves_write_refused(),
                "{status} without the vendor's body"
            );
            assert!(
                !ApiError::from_status(status, Some(VendorErrorBody::default()))
                    .proves_write_refused(),
                "{status} with an empty object"
            );
        }
        for silent in [
            ApiError::Network {
                cause: String::new(),
            },
            ApiError::Timeout { after_ms: 1 },
            ApiError::Decode {
                cause: String::new(),
            },
        ] {
            assert!(!silent.proves_write_refused(), "{silent}");
        }
    }

    #[test]
    fn backoff_is_capped() {
        let policy = RetryPolicy {
            attempts: 40,
            first_delay_ms: 400,
            max_delay_ms: 4_000,
        };
        let network = ApiError::Network {
            cause: String::new(),
        };
        assert_eq!(policy.delay_before(6, &network), Some(4_000));
        assert_eq!(policy.delay_before(40, &network), Some(4_000));
    }
}
