//! Plain-language lines about an offer: price, how many visits, validity, period of use and
//! restrictions, in the visitor's language.

use crate::i18n::{Locale, Plural};
use crate::model::{
    OnlineOffer, PaymentMethod, PeriodOfUseType, Restrictions, StudioAccessType, Term, TermUnit,
};

/// `2 weeks`, `3 Stunden`; a unit this version does not know is shown as the vendor named it.
pub fn term(term: &Term, locale: Locale) -> String {
    let m = locale.messages();
    let plural: &Plural = match &term.unit {
        TermUnit::Minutes => m.minutes(),
        TermUnit::Hours => m.hours(),
        TermUnit::Day => m.days(),
        TermUnit::Week => m.weeks(),
        TermUnit::Month => m.months(),
        TermUnit::Year => m.years(),
        TermUnit::Unknown(unit) => return format!("{} {}", term.value, unit.to_ascii_lowercase()),
    };
    plural.count(i64::from(term.value), locale)
}

/// The offer's price, "Free" for a zero price, or "price on request" when the vendor sent none.
pub fn price(offer: &OnlineOffer, locale: Locale) -> String {
    match &offer.price {
        Some(price) if price.amount.is_zero() => locale.messages().free().to_owned(),
        Some(price) => price.format(locale),
        None => locale.messages().price_on_request().to_owned(),
    }
}

/// `10 visits`.
pub fn scope_of_usage(offer: &OnlineOffer, locale: Locale) -> Option<String> {
    let uses = offer.scope_of_usage.filter(|uses| *uses > 0)?;
    Some(locale.messages().visits().count(uses, locale))
}

/// `Valid for 2 weeks`.
pub fn validity(offer: &OnlineOffer, locale: Locale) -> Option<String> {
    let validity = offer.validity.as_ref().filter(|v| v.value > 0)?;
    Some(
        locale
            .messages()
            .valid_for()
            .replace("{term}", &term(validity, locale)),
    )
}

/// `Each use lasts 1 day (one time)`.
pub fn period_of_use(offer: &OnlineOffer, locale: Locale) -> Option<String> {
    let period = offer.period_of_use.as_ref()?;
    let length = period.term.as_ref().filter(|t| t.value > 0)?;
    let m = locale.messages();
    let mut line = m.period_of_use().replace("{term}", &term(length, locale));
    if period.period_type == Some(PeriodOfUseType::OneTime) {
        line.push(' ');
        line.push_str(m.one_time_suffix());
    }
    Some(line)
}

/// `Payment: Online payment`; methods this version does not know are named as the vendor sent them.
pub fn payment_methods(offer: &OnlineOffer, locale: Locale) -> Option<String> {
    if offer.payment_methods.is_empty() {
        return None;
    }
    let m = locale.messages();
    let names: Vec<String> = offer
        .payment_methods
        .iter()
        .map(|method| match method {
            PaymentMethod::OnlinePayment => m.online_payment().to_owned(),
            PaymentMethod::Unknown(other) => other.replace('_', " ").to_ascii_lowercase(), // vendor enum values are ASCII; Unicode case tables cost 4 KB of wasm
        })
        .collect();
    Some(m.payment_methods().replace("{methods}", &names.join(", ")))
}

/// One line per restriction: minimum age, studios, time of day.
pub fn restrictions(restrictions: &Restrictions, locale: Locale) -> Vec<String> {
    let m = locale.messages();
    let mut lines = Vec::new();
    if let Some(age) = restrictions.min_age.filter(|age| *age > 0) {
        lines.push(m.min_age().replace("{age}", &age.to_string()));
    }
    match &restrictions.studio_access_type {
        Some(StudioAccessType::MainStudio) => lines.push(m.main_studio_only().to_owned()),
        Some(StudioAccessType::AllStudios) => lines.push(m.all_studios().to_owned()),
        Some(StudioAccessType::RestrictedStudios) | Some(StudioAccessType::Unknown(_))
            if !restrictions.restricted_studio_ids.is_empty() =>
        {
            let ids: Vec<String> = restrictions
                .restricted_studio_ids
                .iter()
                .map(i64::to_string)
                .collect();
            lines.push(m.selected_studio_ids().replace("{ids}", &ids.join(", ")));
        }
        Some(StudioAccessType::RestrictedStudios) => lines.push(m.selected_studios().to_owned()),
        Some(StudioAccessType::Unknown(_)) | None => {}
    }
    if restrictions.time_restrictions.is_some() {
        lines.push(m.time_restricted().to_owned());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{OpaqueJson, PeriodOfUse};
    use crate::money::{Amount, Money};

    fn day_ticket() -> OnlineOffer {
        OnlineOffer {
            online_offer_id: 1,
            name: "Day Ticket Adult".into(),
            scope_of_usage: Some(10),
            price: Some(Money::new(Amount::from_units(20), "EUR")),
            period_of_use: Some(PeriodOfUse {
                term: Some(Term {
                    value: 1,
                    unit: TermUnit::Day,
                }),
                period_type: Some(PeriodOfUseType::OneTime),
            }),
            offer_type: None,
            category: None,
            validity: Some(Term {
                value: 2,
                unit: TermUnit::Week,
            }),
            restrictions: None,
            payment_methods: vec![],
        }
    }

    #[test]
    fn describes_an_offer_in_english_and_german() {
        let offer = day_ticket();
        assert_eq!(price(&offer, Locale::native("en-US")), "€20.00");
        assert_eq!(
            scope_of_usage(&offer, Locale::native("en-US")).unwrap(),
            "10 visits"
        );
        assert_eq!(
            scope_of_usage(&offer, Locale::native("de-DE")).unwrap(),
            "10 Besuche"
        );
        assert_eq!(
            validity(&offer, Locale::native("en-US")).unwrap(),
            "Valid for 2 weeks"
        );
        assert_eq!(
            validity(&offer, Locale::native("de-DE")).unwrap(),
            "Gültig für 2 Wochen"
        );
        assert_eq!(
            period_of_use(&offer, Locale::native("en-US")).unwrap(),
            "Each use lasts 1 day (one time)"
        );
        assert_eq!(
            period_of_use(&offer, Locale::native("de-DE")).unwrap(),
            "Jede Nutzung dauert 1 Tag (einmalig)"
        );
    }

    #[test]
    fn leaves_out_what_the_vendor_did_not_send() {
        let offer = OnlineOffer {
            price: None,
            scope_of_usage: None,
            validity: None,
            period_of_use: None,
            ..day_ticket()
        };
        assert_eq!(price(&offer, Locale::native("de-DE")), "Preis auf Anfrage");
        let guest_pass = OnlineOffer {
            price: Some(Money::new(Amount::ZERO, "EUR")),
            ..day_ticket()
        };
        assert_eq!(price(&guest_pass, Locale::native("en-US")), "Free");
        assert_eq!(price(&guest_pass, Locale::native("de-DE")), "Kostenlos");
        assert_eq!(scope_of_usage(&offer, Locale::native("en-US")), None);
        assert_eq!(validity(&offer, Locale::native("en-US")), None);
        assert_eq!(period_of_use(&offer, Locale::native("en-US")), None);
    }

    #[test]
    fn names_payment_methods() {
        let mut offer = day_ticket();
        assert_eq!(payment_methods(&offer, Locale::native("en-US")), None);
        offer.payment_methods = vec![
            PaymentMethod::OnlinePayment,
            PaymentMethod::Unknown("CASH_AT_DESK".into()),
        ];
        assert_eq!(
            payment_methods(&offer, Locale::native("de-DE")).unwrap(),
            "Zahlung: Online-Zahlung, cash at desk"
        );
    }

    #[test]
    fn shows_unknown_units_as_sent() {
        let odd = Term {
            value: 3,
            unit: TermUnit::Unknown("FORTNIGHT".into()),
        };
        assert_eq!(term(&odd, Locale::native("en-US")), "3 fortnight");
    }

    #[test]
    fn states_every_restriction_kind() {
        let mut r = Restrictions {
            min_age: Some(18),
            studio_access_type: Some(StudioAccessType::MainStudio),
            restricted_studio_ids: vec![],
            time_restrictions: Some(OpaqueJson),
        };
        assert_eq!(
            restrictions(&r, Locale::native("en-US")),
            [
                "From age 18",
                "Main studio only",
                "Only during certain opening hours"
            ]
        );
        r.studio_access_type = Some(StudioAccessType::AllStudios);
        r.time_restrictions = None;
        assert_eq!(
            restrictions(&r, Locale::native("de-DE")),
            ["Ab 18 Jahren", "Alle Studios"]
        );
        r.studio_access_type = Some(StudioAccessType::RestrictedStudios);
        r.restricted_studio_ids = vec![3, 7];
        r.min_age = None;
        assert_eq!(
            restrictions(&r, Locale::native("en-US")),
            ["Selected studios: 3, 7"]
        );
        r.studio_access_type = Some(StudioAccessType::Unknown("NEW_KIND".into()));
        r.restricted_studio_ids = vec![];
        assert!(restrictions(&r, Locale::native("en-US")).is_empty());
    }
}
