//! Who may name a customer: a request that reads or acts for one (purchased offers, previews,
//! purchases, payment sessions) is admitted only as the proxy's customer routes allow, so a
//! visitor cannot read or buy on someone else's account by editing an id.

use axum::http::{HeaderValue, StatusCode};

use crate::customer_token::{CustomerBinding, TokenError};
use crate::reply::Reply;

/// How requests naming a customer are admitted.
#[derive(Debug, Clone)]
pub enum CustomerRoutes {
    /// Each needs a token the gym's backend signed for its customer ([`crate::customer_token`]).
    Bound(CustomerBinding),
    /// Served to anyone: the mock tenant (a demo), or the operator's opt-out.
    Open,
    /// Refused: the real tenant without binding, and the operator did not opt out.
    Closed,
}

impl CustomerRoutes {
    /// Admits a request for `customer_id` carrying `token` (its
    /// [`crate::customer_token::HEADER`]), or says why not.
    pub fn admit(&self, customer_id: i64, token: Option<&HeaderValue>) -> Result<(), Reply> {
        match self {
            CustomerRoutes::Open => Ok(()),
            CustomerRoutes::Closed => Err(Reply::error(
                StatusCode::FORBIDDEN,
                "PROXY_CUSTOMER_BINDING_REQUIRED",
                "This proxy does not serve customer data without customer binding",
            )),
            CustomerRoutes::Bound(binding) => {
                let token = token.and_then(|v| v.to_str().ok());
                binding
                    .verify(token, customer_id, crate::unix_seconds())
                    .map_err(|error| {
                        let status = if error == TokenError::Missing {
                            StatusCode::UNAUTHORIZED
                        } else {
                            StatusCode::FORBIDDEN
                        };
                        Reply::error(status, "PROXY_CUSTOMER_TOKEN", &error.to_string())
                    })
            }
        }
    }
}
