//! The widget's two complete languages and every text it shows.
//!
//! All visible text comes from these tables, so a missing translation is a compile error.

/// A language the widget speaks. Anything else falls back to English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    De,
}

impl Locale {
    /// Reads a BCP 47 tag such as `de-DE`, `de_AT` or `en-GB`; unknown tags fall back to English.
    pub fn from_tag(tag: &str) -> Locale {
        let language = tag.trim().split(['-', '_']).next().unwrap_or("");
        if language.eq_ignore_ascii_case("de") {
            Locale::De
        } else {
            Locale::En
        }
    }

    /// The tag sent as `Accept-Language` and set as the widget's `lang`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
        }
    }

    pub fn messages(self) -> &'static Messages {
        match self {
            Locale::En => &EN,
            Locale::De => &DE,
        }
    }
}

/// A noun in singular and plural.
#[derive(Debug, Clone, Copy)]
pub struct Plural {
    pub one: &'static str,
    pub other: &'static str,
}

impl Plural {
    /// `1 visit`, `10 visits`.
    pub fn count(&self, n: i64) -> String {
        format!("{n} {}", if n == 1 { self.one } else { self.other })
    }
}

/// Every text of one language.
#[derive(Debug)]
pub struct Messages {
    pub widget_label: &'static str,
    pub loading_offers: &'static str,
    pub no_offers: &'static str,
    pub retry: &'static str,
    pub offers_heading: &'static str,
    pub offer_count: Plural,
    pub uncategorised: &'static str,
    pub price_on_request: &'static str,
    pub free: &'static str,
    pub visits: Plural,
    pub valid_for: &'static str,
    pub period_of_use: &'static str,
    pub one_time_suffix: &'static str,
    pub minutes: Plural,
    pub hours: Plural,
    pub days: Plural,
    pub weeks: Plural,
    pub months: Plural,
    pub years: Plural,
    pub min_age: &'static str,
    pub main_studio_only: &'static str,
    pub all_studios: &'static str,
    pub selected_studios: &'static str,
    pub time_restricted: &'static str,
    pub error_network: &'static str,
    pub error_timeout: &'static str,
    pub error_rate_limited: &'static str,
    pub error_not_found: &'static str,
    pub error_server: &'static str,
    pub error_request: &'static str,
    pub error_decode: &'static str,
    pub error_config: &'static str,
    pub all_categories: &'static str,
    pub category_filter: &'static str,
    pub choose_offer: &'static str,
    pub loading_detail: &'static str,
    pub payment_methods: &'static str,
    pub online_payment: &'static str,
    pub your_price: &'static str,
    pub list_price: &'static str,
    pub checking_price: &'static str,
    pub sign_in_for_price: &'static str,
    pub original_price: &'static str,
    pub discount: &'static str,
    pub to_pay: &'static str,
    pub voucher_label: &'static str,
    pub voucher_apply: &'static str,
    pub voucher_remove: &'static str,
    pub voucher_invalid: &'static str,
    pub voucher_not_accepted: &'static str,
    pub voucher_applied: &'static str,
    pub start_date: &'static str,
    pub start_in_past: &'static str,
    pub buy: &'static str,
    pub buying: &'static str,
    pub paying: &'static str,
    pub payment_cancelled: &'static str,
    pub payment_unavailable: &'static str,
    pub price_changed: &'static str,
    pub sign_in_required: &'static str,
    pub price_not_ready: &'static str,
    pub price_unavailable: &'static str,
    pub price_not_available: &'static str,
    pub voucher_blocks: &'static str,
    pub purchase_failed: &'static str,
    pub receipt_heading: &'static str,
    pub purchase_number: &'static str,
    pub offer: &'static str,
    pub purchase_unconfirmed: &'static str,
    pub purchase_not_recorded: &'static str,
    pub items_left_out: &'static str,
    pub receipt_voucher_not_applied: &'static str,
    pub purchase_checking: &'static str,
    pub cancel_payment: &'static str,
    pub payment_resumed: &'static str,
    pub paid: &'static str,
    pub valid_from: &'static str,
    pub valid_until: &'static str,
    pub access_code: &'static str,
    pub access_code_hint: &'static str,
    pub copy_code: &'static str,
    pub copied: &'static str,
    pub qr_label: &'static str,
    pub buy_another: &'static str,
    pub tab_buy: &'static str,
    pub tab_my_offers: &'static str,
    pub loading_purchases: &'static str,
    pub no_purchases: &'static str,
    pub purchased_on: &'static str,
    pub expires: &'static str,
    pub expired: &'static str,
    pub voucher_used: &'static str,
}

pub static EN: Messages = Messages {
    widget_label: "Online offers",
    loading_offers: "Loading offers…",
    no_offers: "There are no offers to buy online right now. Please check back later.",
    retry: "Try again",
    offers_heading: "Buy online",
    offer_count: Plural {
        one: "offer",
        other: "offers",
    },
    uncategorised: "Other offers",
    price_on_request: "Price on request",
    free: "Free",
    visits: Plural {
        one: "visit",
        other: "visits",
    },
    valid_for: "Valid for",
    period_of_use: "Each use lasts",
    one_time_suffix: "(one time)",
    minutes: Plural {
        one: "minute",
        other: "minutes",
    },
    hours: Plural {
        one: "hour",
        other: "hours",
    },
    days: Plural {
        one: "day",
        other: "days",
    },
    weeks: Plural {
        one: "week",
        other: "weeks",
    },
    months: Plural {
        one: "month",
        other: "months",
    },
    years: Plural {
        one: "year",
        other: "years",
    },
    min_age: "From age {age}",
    main_studio_only: "Main studio only",
    all_studios: "All studios",
    selected_studios: "Selected studios",
    time_restricted: "Only during certain opening hours",
    error_network:
        "We could not reach the gym's booking service. Check your connection and try again.",
    error_timeout: "The booking service took too long to answer. Please try again.",
    error_rate_limited: "The booking service is very busy right now. Please try again in a minute.",
    error_not_found: "This offer is no longer available.",
    error_server: "The booking service has a problem right now. Please try again later.",
    error_request: "The booking service could not accept this request.",
    error_decode: "The booking service sent an answer we could not read. Please try again later.",
    error_config: "This widget is not set up correctly. Please tell the gym.",
    all_categories: "All",
    category_filter: "Filter by category",
    choose_offer: "Choose an offer",
    loading_detail: "Loading details…",
    payment_methods: "Payment",
    online_payment: "Online payment",
    your_price: "Your price",
    list_price: "Price",
    checking_price: "Checking your price…",
    sign_in_for_price: "Sign in to see your personal price and buy.",
    original_price: "Regular price",
    discount: "Discount",
    to_pay: "To pay",
    voucher_label: "Voucher code",
    voucher_apply: "Apply",
    voucher_remove: "Remove",
    voucher_invalid: "This voucher code is not valid.",
    voucher_not_accepted: "This voucher cannot be used for this offer.",
    voucher_applied: "Voucher applied.",
    start_date: "Start date",
    start_in_past: "The start date cannot be in the past.",
    buy: "Buy now",
    buying: "Buying… please wait",
    paying: "Waiting for payment…",
    payment_cancelled: "Payment cancelled. Nothing was charged.",
    payment_unavailable: "Online payment is not available right now. Please try again later.",
    price_changed: "The price has changed. Please check it and press Buy now again.",
    sign_in_required: "Please sign in to buy this offer.",
    price_not_ready: "Please wait until your price is confirmed.",
    price_unavailable: "The price of this offer is not available right now, so it cannot be bought. Please try again later.",
    price_not_available: "Price not available",
    voucher_blocks: "Remove or correct the voucher code first.",
    purchase_failed: "The purchase did not go through. Nothing was charged.",
    receipt_heading: "Thank you! Your purchase is complete.",
    purchase_number: "Purchase number",
    offer: "Offer",
    purchase_unconfirmed: "We could not confirm whether your purchase went through. Please check “My offers” before buying again.",
    purchase_not_recorded: "The purchase did not go through: it is not among your purchases. You can try again.",
    items_left_out: "Some entries could not be shown.",
    receipt_voucher_not_applied: "Your voucher was not applied to this purchase.",
    purchase_checking: "Checking whether your purchase went through…",
    cancel_payment: "Cancel payment",
    payment_resumed: "Your payment was interrupted. Check your details and press Buy to continue.",
    paid: "Paid",
    valid_from: "Valid from",
    valid_until: "Valid until",
    access_code: "Studio access code",
    access_code_hint: "Show this code or the QR code at the front desk.",
    copy_code: "Copy code",
    copied: "Copied",
    qr_label: "QR code of your access code",
    buy_another: "Buy another offer",
    tab_buy: "Buy online",
    tab_my_offers: "My offers",
    loading_purchases: "Loading your offers…",
    no_purchases: "You have not bought any offers online yet.",
    purchased_on: "Bought on",
    expires: "Expires",
    expired: "Expired",
    voucher_used: "Voucher",
};

pub static DE: Messages = Messages {
    widget_label: "Online-Angebote",
    loading_offers: "Angebote werden geladen …",
    no_offers: "Zurzeit gibt es keine Angebote zum Online-Kauf. Bitte schau später wieder vorbei.",
    retry: "Erneut versuchen",
    offers_heading: "Online kaufen",
    offer_count: Plural { one: "Angebot", other: "Angebote" },
    uncategorised: "Weitere Angebote",
    price_on_request: "Preis auf Anfrage",
    free: "Kostenlos",
    visits: Plural { one: "Besuch", other: "Besuche" },
    valid_for: "Gültig für",
    period_of_use: "Jede Nutzung dauert",
    one_time_suffix: "(einmalig)",
    minutes: Plural { one: "Minute", other: "Minuten" },
    hours: Plural { one: "Stunde", other: "Stunden" },
    days: Plural { one: "Tag", other: "Tage" },
    weeks: Plural { one: "Woche", other: "Wochen" },
    months: Plural { one: "Monat", other: "Monate" },
    years: Plural { one: "Jahr", other: "Jahre" },
    min_age: "Ab {age} Jahren",
    main_studio_only: "Nur im Hauptstudio",
    all_studios: "Alle Studios",
    selected_studios: "Ausgewählte Studios",
    time_restricted: "Nur zu bestimmten Öffnungszeiten",
    error_network: "Der Buchungsdienst des Studios ist nicht erreichbar. Prüfe deine Verbindung und versuche es erneut.",
    error_timeout: "Der Buchungsdienst hat zu lange nicht geantwortet. Bitte versuche es erneut.",
    error_rate_limited: "Der Buchungsdienst ist gerade stark ausgelastet. Bitte versuche es in einer Minute erneut.",
    error_not_found: "Dieses Angebot ist nicht mehr verfügbar.",
    error_server: "Der Buchungsdienst hat gerade ein Problem. Bitte versuche es später erneut.",
    error_request: "Der Buchungsdienst konnte diese Anfrage nicht annehmen.",
    error_decode: "Der Buchungsdienst hat eine unlesbare Antwort geschickt. Bitte versuche es später erneut.",
    error_config: "Dieses Widget ist nicht richtig eingerichtet. Bitte gib dem Studio Bescheid.",
    all_categories: "Alle",
    category_filter: "Nach Kategorie filtern",
    choose_offer: "Angebot auswählen",
    loading_detail: "Details werden geladen …",
    payment_methods: "Zahlung",
    online_payment: "Online-Zahlung",
    your_price: "Dein Preis",
    list_price: "Preis",
    checking_price: "Dein Preis wird geprüft …",
    sign_in_for_price: "Melde dich an, um deinen Preis zu sehen und zu kaufen.",
    original_price: "Regulärer Preis",
    discount: "Rabatt",
    to_pay: "Zu zahlen",
    voucher_label: "Gutscheincode",
    voucher_apply: "Einlösen",
    voucher_remove: "Entfernen",
    voucher_invalid: "Dieser Gutscheincode ist ungültig.",
    voucher_not_accepted: "Dieser Gutschein kann für dieses Angebot nicht verwendet werden.",
    voucher_applied: "Gutschein eingelöst.",
    start_date: "Startdatum",
    start_in_past: "Das Startdatum darf nicht in der Vergangenheit liegen.",
    buy: "Jetzt kaufen",
    buying: "Kauf läuft … bitte warten",
    paying: "Warte auf die Zahlung …",
    payment_cancelled: "Zahlung abgebrochen. Es wurde nichts abgebucht.",
    payment_unavailable: "Die Online-Zahlung ist gerade nicht verfügbar. Bitte versuche es später erneut.",
    price_changed: "Der Preis hat sich geändert. Bitte prüfe ihn und tippe erneut auf „Jetzt kaufen“.",
    sign_in_required: "Bitte melde dich an, um dieses Angebot zu kaufen.",
    price_not_ready: "Bitte warte, bis dein Preis bestätigt ist.",
    price_unavailable: "Der Preis dieses Angebots ist gerade nicht verfügbar, daher kann es nicht gekauft werden. Bitte versuche es später erneut.",
    price_not_available: "Preis nicht verfügbar",
    voucher_blocks: "Entferne oder korrigiere zuerst den Gutscheincode.",
    purchase_failed: "Der Kauf hat nicht geklappt. Es wurde nichts abgebucht.",
    receipt_heading: "Danke! Dein Kauf ist abgeschlossen.",
    purchase_number: "Kaufnummer",
    offer: "Angebot",
    purchase_unconfirmed: "Wir konnten nicht bestätigen, ob dein Kauf geklappt hat. Bitte sieh unter „Meine Angebote“ nach, bevor du erneut kaufst.",
    purchase_not_recorded: "Der Kauf hat nicht geklappt: Er ist nicht unter deinen Käufen. Du kannst es erneut versuchen.",
    items_left_out: "Einige Einträge konnten nicht angezeigt werden.",
    receipt_voucher_not_applied: "Dein Gutschein wurde bei diesem Kauf nicht angewendet.",
    purchase_checking: "Wir prüfen, ob dein Kauf geklappt hat …",
    cancel_payment: "Zahlung abbrechen",
    payment_resumed: "Deine Zahlung wurde unterbrochen. Prüfe deine Angaben und tippe auf Kaufen, um fortzufahren.",
    paid: "Bezahlt",
    valid_from: "Gültig ab",
    valid_until: "Gültig bis",
    access_code: "Studio-Zugangscode",
    access_code_hint: "Zeige diesen Code oder den QR-Code am Empfang.",
    copy_code: "Code kopieren",
    copied: "Kopiert",
    qr_label: "QR-Code deines Zugangscodes",
    buy_another: "Weiteres Angebot kaufen",
    tab_buy: "Online kaufen",
    tab_my_offers: "Meine Angebote",
    loading_purchases: "Deine Angebote werden geladen …",
    no_purchases: "Du hast noch keine Angebote online gekauft.",
    purchased_on: "Gekauft am",
    expires: "Läuft ab",
    expired: "Abgelaufen",
    voucher_used: "Gutschein",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tags_and_falls_back_to_english() {
        assert_eq!(Locale::from_tag("de-DE"), Locale::De);
        assert_eq!(Locale::from_tag("DE_at"), Locale::De);
        assert_eq!(Locale::from_tag("de"), Locale::De);
        assert_eq!(Locale::from_tag("en-GB"), Locale::En);
        assert_eq!(Locale::from_tag("fr-FR"), Locale::En);
        assert_eq!(Locale::from_tag(""), Locale::En);
        assert_eq!(Locale::from_tag("deu"), Locale::En);
    }

    #[test]
    fn counts_in_singular_and_plural() {
        assert_eq!(EN.visits.count(1), "1 visit");
        assert_eq!(EN.visits.count(10), "10 visits");
        assert_eq!(DE.weeks.count(2), "2 Wochen");
        assert_eq!(DE.days.count(1), "1 Tag");
    }
}
