//! The widget's settings, read from the custom element's attributes.

use crate::error::ApiError;
use crate::i18n::well_formed_tag;
use crate::wire::MAX_SAFE_INTEGER;

/// The attributes the element reads; a change to any of them re-reads the settings.
pub const ATTRIBUTES: [&str; 10] = [
    "api-base",
    "customer-id",
    "customer-token",
    "locale",
    "offer-id",
    "category",
    "time-zone",
    "payment-script",
    "payment-environment",
    "payment-country",
];

/// What the gym's web developer set on `<perfectgym-offers>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetConfig {
    /// Where the gym's proxy is mounted, e.g. `/pg-proxy`.
    pub api_base: String,
    /// The visitor's locale tag as set (`de-CH`), or `en`: texts by fallback, formats exact.
    pub locale: String,
    /// The signed-in visitor, when the host page knows them.
    pub customer_id: Option<i64>,
    /// The token the gym's backend signed for that customer, when the proxy binds customers.
    pub customer_token: Option<String>,
    /// An offer to preselect.
    pub offer_id: Option<i64>,
    /// A category to filter by (its id or its name).
    pub category: Option<String>,
    /// The studio's IANA time zone, for "today" (the visitor's zone when absent).
    pub time_zone: Option<String>,
    /// The vendor's payment component: its script URL, environment and country code, passed to
    /// `paymentWidget.init` as they are.
    pub payment: PaymentConfig,
}

/// Settings of the vendor's payment component.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaymentConfig {
    pub script: Option<String>,
    pub environment: Option<String>,
    pub country: Option<String>,
}

impl WidgetConfig {
    /// Reads the settings through `attribute` (the element's `getAttribute`). A missing
    /// `api-base` or an id that is not a positive integer up to 2^53 - 1 (the largest a JSON body
    /// carries exactly) is a configuration error, shown in the widget, before any request is made.
    pub fn from_attributes(
        attribute: impl Fn(&str) -> Option<String>,
    ) -> Result<WidgetConfig, ApiError> {
        let text = |name: &str| {
            attribute(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let api_base = text("api-base").ok_or_else(|| ApiError::Config {
            cause: "the api-base attribute is required (the URL path of the gym's proxy, e.g. /pg-proxy)".to_owned(),
        })?;
        let id = |name: &str| match text(name) {
            None => Ok(None),
            // Ids travel in JSON bodies as JS numbers: above 2^53 - 1 they would change.
            Some(value) => match value.parse::<i64>() {
                Ok(id) if id > 0 && id <= MAX_SAFE_INTEGER as i64 => Ok(Some(id)),
                _ => Err(ApiError::Config {
                    cause: format!("{name}=\"{value}\" is not a positive integer up to 2^53 - 1"),
                }),
            },
        };
        Ok(WidgetConfig {
            api_base,
            locale: well_formed_tag(text("locale").as_deref()),
            customer_id: id("customer-id")?,
            customer_token: text("customer-token"),
            offer_id: id("offer-id")?,
            category: text("category"),
            time_zone: text("time-zone"),
            payment: PaymentConfig {
                script: text("payment-script"),
                environment: text("payment-environment"),
                country: text("payment-country"),
            },
        })
    }
}

impl WidgetConfig {
    /// Whether a widget built from `self` can take `next` in place, keeping the visitor's
    /// checkout: the customer, their token, the locale and the payment settings are followed
    /// live; another proxy, preselected offer, category or time zone builds the widget afresh.
    pub fn can_follow(&self, next: &WidgetConfig) -> bool {
        (
            &self.api_base,
            self.offer_id,
            &self.category,
            &self.time_zone,
        ) == (
            &next.api_base,
            next.offer_id,
            &next.category,
            &next.time_zone,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<WidgetConfig, ApiError> {
        WidgetConfig::from_attributes(|name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn reads_every_attribute() {
        let config = read(&[
            ("api-base", " /pg-proxy "),
            ("customer-id", "67890"),
            ("customer-token", "67890.1800000000.ab12"),
            ("locale", "de-DE"),
            ("offer-id", "1005"),
            ("category", "Day tickets"),
            ("time-zone", "Europe/Berlin"),
            ("payment-script", "https://pay.example/widget.js"),
            ("payment-environment", "sandbox"),
            ("payment-country", "DE"),
        ])
        .unwrap();
        assert_eq!(config.api_base, "/pg-proxy");
        assert_eq!(config.locale, "de-DE");
        assert_eq!(config.customer_id, Some(67890));
        assert_eq!(
            config.customer_token.as_deref(),
            Some("67890.1800000000.ab12")
        );
        assert_eq!(config.offer_id, Some(1005));
        assert_eq!(config.category.as_deref(), Some("Day tickets"));
        assert_eq!(config.time_zone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(
            config.payment.script.as_deref(),
            Some("https://pay.example/widget.js")
        );
        assert_eq!(config.payment.environment.as_deref(), Some("sandbox"));
        assert_eq!(config.payment.country.as_deref(), Some("DE"));
    }

    #[test]
    fn the_customer_token_and_locale_are_followed_the_rest_starts_afresh() {
        let base = read(&[("api-base", "/pg-proxy")]).unwrap();
        let followed = read(&[
            ("api-base", "/pg-proxy"),
            ("customer-id", "67890"),
            ("customer-token", "t"),
            ("locale", "de"),
            ("payment-environment", "sandbox"),
        ])
        .unwrap();
        assert!(base.can_follow(&followed));
        for (name, value) in [
            ("api-base", "/other"),
            ("offer-id", "2"),
            ("category", "Sauna"),
            ("time-zone", "Europe/Berlin"),
        ] {
            // The first of two `api-base`s is the one read.
            let next = read(&[(name, value), ("api-base", "/pg-proxy")]).unwrap();
            assert!(!base.can_follow(&next), "{name}");
        }
    }

    #[test]
    fn only_api_base_is_required() {
        let config = read(&[("api-base", "https://gym.example/pg-proxy")]).unwrap();
        assert_eq!(config.locale, "en");
        assert_eq!(
            (config.customer_id, config.offer_id, config.category),
            (None, None, None)
        );
        assert!(matches!(read(&[]), Err(ApiError::Config { .. })));
        assert!(matches!(
            read(&[("api-base", "  ")]),
            Err(ApiError::Config { .. })
        ));
    }

    #[test]
    fn ids_must_be_positive_integers() {
        // 2^53 and above: a JS number would send a neighbouring id.
        let bad_ids = ["0", "-1", "12a", "1.5", "99999999999999999999", "<script>"];
        for bad in bad_ids
            .into_iter()
            .chain(["9007199254740992", "9007199254740993"])
        {
            let result = read(&[("api-base", "/p"), ("customer-id", bad)]);
            assert!(
                matches!(result, Err(ApiError::Config { .. })),
                "{bad}: {result:?}"
            );
            let result = read(&[("api-base", "/p"), ("offer-id", bad)]);
            assert!(
                matches!(result, Err(ApiError::Config { .. })),
                "{bad}: {result:?}"
            );
        }
        let largest = read(&[("api-base", "/p"), ("customer-id", "9007199254740991")]);
        assert_eq!(largest.unwrap().customer_id, Some(9_007_199_254_740_991));
    }
}
