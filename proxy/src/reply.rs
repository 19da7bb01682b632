//! What the proxy sends back for an API operation: a status and a JSON body, nothing else of
//! the upstream's answer (no headers, so nothing upstream set can leak through).

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use perfectgym_offers_core::model::VendorErrorBody;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Bytes,
    /// When to ask again, for a refusal the proxy makes to protect the tenant's budget.
    pub retry_after: Option<Duration>,
    /// The body's `ETag`, when it was made once for a catalogue answer the proxy keeps
    /// ([`Reply::tagged`]); otherwise it is made as the answer goes out.
    pub etag: Option<HeaderValue>,
    /// A refusal made without calling the tenant while the pause it asked for (its 429 or 503)
    /// lasts: counted in the metrics once it is what the visitor gets.
    pub pause_refusal: bool,
}

impl Reply {
    pub fn new(status: StatusCode, body: Bytes) -> Reply {
        Reply {
            status,
            body,
            retry_after: None,
            etag: None,
            pause_refusal: false,
        }
    }

    /// This reply with its body's [`crate::http_cache::etag`] made now, for one that is kept
    /// and answered many times: a cache hit does not hash the body again.
    pub fn tagged(self) -> Reply {
        Reply {
            etag: Some(crate::http_cache::etag(&self.body)),
            ..self
        }
    }

    pub fn retry_after(self, wait: Duration) -> Reply {
        Reply {
            retry_after: Some(wait),
            ..self
        }
    }

    /// A 2xx or any status with a JSON body encoded from `value`.
    pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Reply {
        match serde_json::to_vec(value) {
            Ok(body) => Reply::new(status, body.into()),
            Err(error) => Reply::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "PROXY_ENCODING",
                &format!("could not encode the answer: {error}"),
            ),
        }
    }

    /// An error in the vendor's documented error shape, so the widget reads every error alike.
    pub fn error(status: StatusCode, code: &str, message: &str) -> Reply {
        let body = VendorErrorBody {
            error_message: message.to_owned(),
            error_code: Some(code.to_owned()),
            trace_id: None,
            reference: None,
        };
        Reply::json(status, &body)
    }

    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        // Customer data and prices are never stored by a browser or a shared cache.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(wait) = self.retry_after {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(wait.as_secs().max(1)),
            );
        }
        response
    }
}
