//! Customer tokens: with a secret configured (customer binding), the gym's own backend signs one
//! for a signed-in customer, and a request naming that customer is admitted only with it
//! ([`crate::customer_binding`]).
//!
//! Token: `{customerId}.{expiresUnixSeconds}.{hex(HMAC-SHA256(secret, "{customerId}.{expires}"))}`,
//! sent by the widget in the `X-Customer-Token` header (its `customer-token` attribute).

use std::fmt;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The environment variable the signing secret is read from.
pub const SECRET_ENV: &str = "PERFECTGYM_CUSTOMER_TOKEN_SECRET";
/// The request header the widget sends the token in.
pub const HEADER: &str = "x-customer-token";
/// A shorter secret is refused: it could be guessed.
pub const MIN_SECRET_LEN: usize = 32;

/// Why a request's customer token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("no customer token")]
    Missing,
    #[error("the customer token is malformed")]
    Malformed,
    #[error("the customer token's signature is wrong")]
    BadSignature,
    #[error("the customer token has expired")]
    Expired,
    #[error("the customer token is for another customer")]
    WrongCustomer,
}

/// The signing secret. Its `Debug` never shows it.
#[derive(Clone)]
pub struct CustomerBinding {
    secret: Arc<[u8]>,
}

impl fmt::Debug for CustomerBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CustomerBinding(<secret redacted>)")
    }
}

impl CustomerBinding {
    /// `None` for a secret shorter than [`MIN_SECRET_LEN`] bytes.
    pub fn new(secret: &str) -> Option<CustomerBinding> {
        let secret = secret.trim();
        (secret.len() >= MIN_SECRET_LEN).then(|| CustomerBinding {
            secret: secret.as_bytes().into(),
        })
    }

    /// Reads the secret from [`SECRET_ENV`]: `Ok(None)` when unset (binding off), `Err` when set
    /// but too short.
    pub fn from_env() -> Result<Option<CustomerBinding>, String> {
        match std::env::var(SECRET_ENV) {
            Err(_) => Ok(None),
            Ok(secret) => CustomerBinding::new(&secret).map(Some).ok_or_else(|| {
                format!("{SECRET_ENV} must be at least {MIN_SECRET_LEN} characters")
            }),
        }
    }

    fn mac(&self, customer_id: i64, expires: i64) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes a key of any length");
        mac.update(format!("{customer_id}.{expires}").as_bytes());
        mac
    }

    /// A token for `customer_id` valid until `expires_unix` (what the gym's backend does).
    pub fn sign(&self, customer_id: i64, expires_unix: i64) -> String {
        let signature = self.mac(customer_id, expires_unix).finalize().into_bytes();
        format!("{customer_id}.{expires_unix}.{}", hex::encode(signature))
    }

    /// The customer `token` was signed for, if it is valid at `now_unix`.
    pub fn customer_of(&self, token: &str, now_unix: i64) -> Option<i64> {
        let customer = token.trim().split('.').next()?.parse().ok()?;
        self.verify(Some(token), customer, now_unix).ok()?;
        Some(customer)
    }

    /// Checks `token` for `customer_id` at `now_unix` (the signature in constant time).
    pub fn verify(
        &self,
        token: Option<&str>,
        customer_id: i64,
        now_unix: i64,
    ) -> Result<(), TokenError> {
        let token = token.ok_or(TokenError::Missing)?;
        let mut parts = token.trim().splitn(3, '.');
        let (Some(customer), Some(expires), Some(signature)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let customer: i64 = customer.parse().map_err(|_| TokenError::Malformed)?;
        let expires: i64 = expires.parse().map_err(|_| TokenError::Malformed)?;
        let signature = hex::decode(signature).map_err(|_| TokenError::Malformed)?;
        self.mac(customer, expires)
            .verify_slice(&signature)
            .map_err(|_| TokenError::BadSignature)?;
        if expires <= now_unix {
            return Err(TokenError::Expired);
        }
        if customer != customer_id {
            return Err(TokenError::WrongCustomer);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "an-example-secret-of-at-least-32-characters";

    #[test]
    fn accepts_only_a_fresh_token_for_the_same_customer() {
        let binding = CustomerBinding::new(SECRET).unwrap();
        let token = binding.sign(67890, 2_000);
        assert_eq!(binding.verify(Some(&token), 67890, 1_000), Ok(()));
        assert_eq!(
            binding.verify(Some(&token), 11111, 1_000),
            Err(TokenError::WrongCustomer)
        );
        assert_eq!(
            binding.verify(Some(&token), 67890, 2_000),
            Err(TokenError::Expired)
        );
        assert_eq!(binding.verify(None, 67890, 1_000), Err(TokenError::Missing));
    }

    /// What the per-customer write limit keys by: only a valid token names its customer.
    #[test]
    fn a_customer_is_read_only_from_a_valid_token() {
        let binding = CustomerBinding::new(SECRET).unwrap();
        let other = CustomerBinding::new("another-secret-that-is-also-32-characters-long").unwrap();
        assert_eq!(
            binding.customer_of(&binding.sign(67890, 2_000), 1_000),
            Some(67890)
        );
        assert_eq!(
            binding.customer_of(&binding.sign(67890, 2_000), 2_000),
            None,
            "expired"
        );
        assert_eq!(
            binding.customer_of(&other.sign(67890, 2_000), 1_000),
            None,
            "forged"
        );
        for junk in ["", "67890", "a.b.c", "67890.2000."] {
            assert_eq!(binding.customer_of(junk, 1_000), None, "{junk:?}");
        }
    }

    #[test]
    fn refuses_forgeries() {
        let binding = CustomerBinding::new(SECRET).unwrap();
        let other = CustomerBinding::new("another-secret-that-is-also-32-characters-long").unwrap();
        let forged = other.sign(67890, 2_000);
        assert_eq!(
            binding.verify(Some(&forged), 67890, 1_000),
            Err(TokenError::BadSignature)
        );
        // Someone else's valid token with the customer id edited.
        let token = binding.sign(11111, 2_000);
        let edited = token.replacen("11111", "67890", 1);
        assert_eq!(
            binding.verify(Some(&edited), 67890, 1_000),
            Err(TokenError::BadSignature)
        );
        let extended = binding.sign(67890, 2_000).replacen("2000", "9999", 1);
        assert_eq!(
            binding.verify(Some(&extended), 67890, 1_000),
            Err(TokenError::BadSignature)
        );
        for junk in [
            "",
            "67890",
            "67890.2000",
            "a.b.c",
            "67890.2000.zz",
            "67890.2000.",
        ] {
            assert!(
                binding.verify(Some(junk), 67890, 1_000).is_err(),
                "{junk:?}"
            );
        }
    }

    #[test]
    fn short_secrets_are_refused_and_never_shown() {
        assert!(CustomerBinding::new("short").is_none());
        let binding = CustomerBinding::new(SECRET).unwrap();
        assert!(!format!("{binding:?}").contains(SECRET));
    }
}
