//! The visitor's language: every text the widget shows, one file per language
//! (`core/locales/<tag>.json`) chosen by fallback (`fr-CH` → `fr` → `en`), and money, dates and
//! plurals formatted for the exact tag (`de-CH` prints `CHF 35.00`).
//!
//! A texts file decodes into [`Messages`], with a method per key: natively a file that misses a
//! key or has an unknown one does not decode, and `core/tests/locales.rs` names the file and the
//! key (the widget passes an unknown key over and fills a missing one from English). To
//! add a text, add its key below and its text to every file; to add a language, add its file.

use std::fmt;

use time::{Date, Time};

use crate::money::Money;

include!(concat!(env!("OUT_DIR"), "/languages.rs"));

/// English, the fallback, as its texts file. The widget has it compiled in as
/// `ENGLISH_MESSAGES` (from build.rs), so a widget whose texts cannot be fetched still speaks.
pub const ENGLISH: &str = include_str!("../locales/en.json");

/// Texts live as long as the page (each language is decoded once and kept), so they are
/// `&'static str` and every view can hold them without copying.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

macro_rules! messages {
    (texts { $($text:ident),* $(,)? } plurals { $($plural:ident),* $(,)? }) => {
        /// Where each text and each plural sits in [`Messages`]' arrays.
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy)]
        enum TextKey { $($text,)* }
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy)]
        enum PluralKey { $($plural,)* }

        const TEXTS: usize = [$(stringify!($text)),*].len();
        const PLURALS: usize = [$(stringify!($plural)),*].len();

        /// Every text of one language: the keys of a texts file, one method each. Held as two
        /// arrays in key order, so a decoded file moves in with one copy (as named fields, each
        /// moved on its own, reading cost the wasm 1.8 KB gzip).
        #[derive(Debug)]
        pub struct Messages {
            texts: [&'static str; TEXTS],
            plurals: [Plural; PLURALS],
        }

        /// Every key of a texts file: the texts, then the plurals.
        pub const KEYS: &[&str] = &[$(stringify!($text),)* $(stringify!($plural),)*];

        impl Messages {
            $(pub fn $text(&self) -> &'static str {
                self.texts[TextKey::$text as usize]
            })*
            $(pub fn $plural(&self) -> &Plural {
                &self.plurals[PluralKey::$plural as usize]
            })*

            /// Reads a decoded texts file. Another key is passed over, so a widget still running
            /// the release before reads the texts file of the next one (the files are uploaded
            /// before the loader that names the new release: docs/deploy.md);
            /// [`Messages::unknown_key`] finds such a key in this repository's own files. A missing
            /// key is an error without `english` (English's texts); with them, English's text
            /// stands in and the key is named in the answer: a newer widget reading the texts file
            /// of the release before (a deployment that did not upload `locales/` again) keeps the
            /// visitor's language for every text but the new ones. (A lookup per key instead of a
            /// serde visitor keeps the wasm small.)
            pub fn read(
                file: &impl TextsFile,
                english: Option<&Messages>,
            ) -> Result<(Messages, Vec<&'static str>), String> {
                // Read in one loop over the static key list: an inlined lookup per key costs
                // ~10 KB of wasm, and a key array built in place costs code per key.
                let mut missing = Vec::new();
                let mut texts = Vec::new();
                for (at, &key) in KEYS[..TEXTS].iter().enumerate() {
                    texts.push(match (file.text(key), english) {
                        (Some(text), _) => leak(text),
                        (None, Some(english)) => {
                            missing.push(key);
                            english.texts[at]
                        }
                        (None, None) => return Err(format!("missing key `{key}` (a text)")),
                    });
                }
                let mut plurals = Vec::new();
                for (at, &key) in KEYS[TEXTS..].iter().enumerate() {
                    plurals.push(match (file.forms(key), english) {
                        (Some(forms), _) => Plural::read(key, forms)?,
                        (None, Some(english)) => {
                            missing.push(key);
                            Plural {
                                in_english: true,
                                ..english.plurals[at].clone()
                            }
                        }
                        (None, None) => return Err(format!("missing key `{key}` (plural forms)")),
                    });
                }
                match (texts.try_into(), plurals.try_into()) {
                    (Ok(texts), Ok(plurals)) => Ok((Messages { texts, plurals }, missing)),
                    _ => Err("texts out of step with their keys".to_owned()),
                }
            }

            /// A key of `file` that is not one of [`KEYS`]: a texts file of this repository has none.
            pub fn unknown_key(file: &impl TextsFile) -> Option<String> {
                file.keys().into_iter().find(|k| !KEYS.contains(&k.as_str()))
            }

            /// Every text with its key (`visits.few` for a plural form), to compare languages.
            pub fn entries(&self) -> Vec<(String, &'static str)> {
                let texts = KEYS.iter().zip(self.texts).map(|(key, text)| (key.to_string(), text));
                let plurals = KEYS[TEXTS..].iter().zip(&self.plurals).flat_map(|(key, plural)| {
                    plural.forms().map(move |(category, text)| (format!("{key}.{}", category.name()), text))
                });
                texts.chain(plurals).collect()
            }
        }
    };
}

messages! {
    texts {
        widget_label, loading_offers, no_offers, retry, offers_heading, uncategorised,
        price_on_request, free, valid_for, period_of_use, one_time_suffix, min_age,
        main_studio_only, all_studios, selected_studios, selected_studio_ids, time_restricted, error_network,
        error_timeout, error_rate_limited, error_not_found, error_unknown_customer, error_server,
        error_request,
        error_decode, error_config, all_categories, category_filter, choose_offer, loading_detail,
        payment_methods, online_payment, your_price, list_price, checking_price, sign_in_for_price,
        original_price, discount, to_pay, voucher_label, voucher_apply, voucher_remove,
        voucher_invalid, voucher_not_accepted, voucher_applied, start_date, start_in_past, buy,
        buying, paying, payment_cancelled, payment_unavailable, price_changed, sign_in_required,
        price_not_ready, price_unavailable, price_not_available, voucher_blocks, purchase_failed, receipt_heading, purchase_number, offer,
        purchase_unconfirmed, purchase_not_recorded, items_left_out, receipt_voucher_not_applied,
        purchase_checking, cancel_payment, payment_resumed, paid, valid_from,
        valid_until, access_code, access_code_hint, copy_code, copied, qr_label, buy_another,
        tab_buy, tab_my_offers, loading_purchases, no_purchases, purchased_on, expires, expired,
        voucher_used,
    }
    plurals {
        offer_count, visits, minutes, hours, days, weeks, months, years,
    }
}

/// The CLDR plural categories `Intl.PluralRules` selects from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralCategory {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

impl PluralCategory {
    /// As `Intl.PluralRules.select` names it; anything else is `other`.
    pub fn from_name(name: &str) -> PluralCategory {
        match name {
            "zero" => PluralCategory::Zero,
            "one" => PluralCategory::One,
            "two" => PluralCategory::Two,
            "few" => PluralCategory::Few,
            "many" => PluralCategory::Many,
            _ => PluralCategory::Other,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PluralCategory::Zero => "zero",
            PluralCategory::One => "one",
            PluralCategory::Two => "two",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        }
    }
}

/// A counted phrase in each plural form its language has, with `{n}` where the number goes:
/// Polish `{n} wejście` / `{n} wejścia` / `{n} wejść`.
#[derive(Debug, Clone)]
pub struct Plural {
    pub zero: Option<&'static str>,
    pub one: Option<&'static str>,
    pub two: Option<&'static str>,
    pub few: Option<&'static str>,
    pub many: Option<&'static str>,
    pub other: &'static str,
    /// English's forms standing in for a plural the texts file lacks: English's rules pick
    /// among them (French calls 0 `one`, which would read "0 offer").
    pub in_english: bool,
}

/// A texts file as decoded JSON: the browser's `JSON.parse` in the widget, serde_json natively.
pub trait TextsFile {
    /// Its keys.
    fn keys(&self) -> Vec<String>;
    /// The text at `key`, if that is a string.
    fn text(&self, key: &str) -> Option<String>;
    /// The forms at `key` (`("one", "{n} visit")` …), if that is an object of strings.
    fn forms(&self, key: &str) -> Option<Vec<(String, String)>>;
}

impl Plural {
    /// No forms: what a plural is read into, and what `ENGLISH_MESSAGES` starts from.
    const NONE: Plural = Plural {
        zero: None,
        one: None,
        two: None,
        few: None,
        many: None,
        other: "",
        in_english: false,
    };

    /// The forms of the plural `key`: CLDR's category names, `other` required.
    fn read(key: &str, forms: Vec<(String, String)>) -> Result<Plural, String> {
        let mut plural = Plural::NONE;
        for (name, text) in forms {
            let text = leak(text);
            match name.as_str() {
                "zero" => plural.zero = Some(text),
                "one" => plural.one = Some(text),
                "two" => plural.two = Some(text),
                "few" => plural.few = Some(text),
                "many" => plural.many = Some(text),
                "other" => plural.other = text,
                _ => return Err(format!("unknown plural form `{key}.{name}`")),
            }
        }
        if plural.other.is_empty() {
            return Err(format!("missing key `{key}.other`"));
        }
        Ok(plural)
    }

    /// The form written for `category`, if the file has one.
    pub fn form(&self, category: PluralCategory) -> Option<&'static str> {
        match category {
            PluralCategory::Zero => self.zero,
            PluralCategory::One => self.one,
            PluralCategory::Two => self.two,
            PluralCategory::Few => self.few,
            PluralCategory::Many => self.many,
            PluralCategory::Other => Some(self.other),
        }
    }

    /// The forms the file has, `other` last.
    pub fn forms(&self) -> impl Iterator<Item = (PluralCategory, &'static str)> + '_ {
        [
            PluralCategory::Zero,
            PluralCategory::One,
            PluralCategory::Two,
            PluralCategory::Few,
            PluralCategory::Many,
            PluralCategory::Other,
        ]
        .into_iter()
        .filter_map(|category| Some((category, self.form(category)?)))
    }

    /// `1 visit`, `3 wejścia`, `5 wejść`: the form the language's plural rules choose for `n`.
    pub fn count(&self, n: i64, locale: Locale) -> String {
        // English's rule for whole numbers: one for 1, other otherwise.
        let category = match (self.in_english, n) {
            (true, 1) => PluralCategory::One,
            (true, _) => PluralCategory::Other,
            (false, _) => locale.plural(n),
        };
        self.form(category)
            .unwrap_or(self.other)
            .replace("{n}", &n.to_string())
    }
}

/// Money, dates and plural categories for one locale tag: the browser's `Intl` in the widget,
/// fixed en-US / de-DE patterns natively (`Locale::native`).
pub trait Regional: Send + Sync {
    fn money(&self, money: &Money) -> String;
    /// As `Intl.DateTimeFormat` with `dateStyle: "medium"`.
    fn date(&self, date: Date) -> String;
    /// A wall-clock date and time, with `dateStyle: "medium", timeStyle: "short"`.
    fn date_time(&self, date: Date, time: Time) -> String;
    /// The plural category of `n` in `language`, the language the texts are in: the tag's own,
    /// or English when its texts fell back (`ru` read in English says "21 days", not "21 day").
    fn plural(&self, language: &str, n: i64) -> PluralCategory;
}

/// The visitor's locale: the exact tag, the texts of its language and its regional formatting.
/// Copied freely into views; what it points to lives as long as the page (one per tag).
#[derive(Clone, Copy)]
pub struct Locale(&'static Kept);

/// What a [`Locale`] points to: one pointer to copy into every view, not seven words.
struct Kept {
    tag: String,
    /// The texts file the messages came from (`fr` for `fr-CH`; `en` when they fell back).
    texts: &'static str,
    messages: &'static Messages,
    regional: Box<dyn Regional>,
}

impl Locale {
    /// `tag` speaking `messages` (from the texts file `texts`) and formatting with `regional`,
    /// kept for the page's life: make one per tag and reuse it.
    pub fn new(
        tag: &str,
        texts: &'static str,
        messages: &'static Messages,
        regional: Box<dyn Regional>,
    ) -> Locale {
        Locale(Box::leak(Box::new(Kept {
            tag: tag.to_owned(),
            texts,
            messages,
            regional,
        })))
    }

    /// The exact tag, e.g. `de-CH`: sent as `Accept-Language` and set as the widget's `lang`.
    pub fn tag(self) -> &'static str {
        &self.0.tag
    }

    /// The texts file the messages came from (`fr` for `fr-CH`).
    pub fn texts(self) -> &'static str {
        self.0.texts
    }

    /// The language the texts are in, for the widget's `lang`: the tag itself (`fr-CH`) unless
    /// the texts fell back to another language (`pt-BR` reads English: `en`).
    pub fn lang(self) -> &'static str {
        let language = |tag: &'static str| tag.split('-').next().unwrap_or(tag);
        if language(self.tag()).eq_ignore_ascii_case(language(self.texts())) {
            self.tag()
        } else {
            self.texts()
        }
    }

    pub fn messages(self) -> &'static Messages {
        self.0.messages
    }

    pub fn money(self, money: &Money) -> String {
        self.0.regional.money(money)
    }

    pub fn date(self, date: Date) -> String {
        self.0.regional.date(date)
    }

    pub fn date_time(self, date: Date, time: Time) -> String {
        self.0.regional.date_time(date, time)
    }

    pub fn plural(self, n: i64) -> PluralCategory {
        self.0.regional.plural(self.lang(), n)
    }
}

impl fmt::Debug for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Locale").field(&self.tag()).finish()
    }
}

impl PartialEq for Locale {
    fn eq(&self, other: &Locale) -> bool {
        self.tag() == other.tag() && self.texts() == other.texts()
    }
}

/// The element's `locale` attribute as a tag the browser accepts: `de_AT` becomes `de-AT`;
/// anything that is not shaped like a BCP 47 tag (or is absent) is `en`.
pub fn well_formed_tag(attribute: Option<&str>) -> String {
    let tag = attribute.unwrap_or("").trim().replace('_', "-");
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or("");
    let language_ok =
        (2..=8).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_alphabetic());
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if language_ok && rest_ok {
        tag
    } else {
        "en".to_owned()
    }
}

/// The texts file for `tag`: the longest prefix of it that has a file (`fr-CH` → `fr`), else
/// English.
pub fn texts_file(tag: &str) -> &'static str {
    let tag = tag.to_ascii_lowercase();
    let mut candidate = tag.as_str();
    loop {
        if let Some(found) = LANGUAGES.iter().find(|language| **language == candidate) {
            return found;
        }
        match candidate.rfind('-') {
            Some(end) => candidate = &candidate[..end],
            None => return "en",
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::sync::Mutex;

    use super::*;

    /// Locales made natively, one per tag (see [`Locale::new`]).
    static NATIVE: Mutex<Vec<Locale>> = Mutex::new(Vec::new());

    /// Fixed patterns for native use: de-DE rules for `de-*` tags, en-US for the rest, and the
    /// plural rules of the languages the widget ships.
    struct NativeRules {
        language: String,
    }

    impl Regional for NativeRules {
        fn money(&self, money: &Money) -> String {
            money.native_format(self.language == "de")
        }

        fn date(&self, date: Date) -> String {
            native_date(date, self.language == "de")
        }

        fn date_time(&self, date: Date, time: Time) -> String {
            native_date_time(date, time, self.language == "de")
        }

        fn plural(&self, language: &str, n: i64) -> PluralCategory {
            let language = language
                .split('-')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            native_plural(&language, n)
        }
    }

    /// A date as `Intl.DateTimeFormat` with `dateStyle: "medium"` prints it in en-US or, with
    /// `german`, de-DE.
    fn native_date(date: Date, german: bool) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (year, month, day) = (date.year(), u8::from(date.month()), date.day());
        if german {
            format!("{day:02}.{month:02}.{year}")
        } else {
            format!("{} {day}, {year}", MONTHS[usize::from(month) - 1])
        }
    }

    /// Date and time with `dateStyle: "medium", timeStyle: "short"` in en-US or de-DE.
    fn native_date_time(date: Date, time: Time, german: bool) -> String {
        let day = native_date(date, german);
        let (hour, minute) = (time.hour(), time.minute());
        if german {
            return format!("{day}, {hour:02}:{minute:02}");
        }
        let (hour12, meridiem) = match hour {
            0 => (12, "AM"),
            1..=11 => (hour, "AM"),
            12 => (12, "PM"),
            _ => (hour - 12, "PM"),
        };
        format!("{day}, {hour12}:{minute:02} {meridiem}")
    }

    /// CLDR's integer plural rules for the shipped languages (the widget asks `Intl` instead).
    fn native_plural(language: &str, n: i64) -> PluralCategory {
        let n = n.unsigned_abs();
        let (last, last_two) = (n % 10, n % 100);
        match language {
            "pl" if n == 1 => PluralCategory::One,
            "pl" if (2..=4).contains(&last) && !(12..=14).contains(&last_two) => {
                PluralCategory::Few
            }
            "pl" => PluralCategory::Many,
            "cs" => match n {
                1 => PluralCategory::One,
                2..=4 => PluralCategory::Few,
                _ => PluralCategory::Other,
            },
            "fr" if n <= 1 => PluralCategory::One,
            "fr" | "es" | "it" if n != 0 && n.is_multiple_of(1_000_000) => PluralCategory::Many,
            _ if n == 1 => PluralCategory::One,
            _ => PluralCategory::Other,
        }
    }

    impl Locale {
        /// The locale for `tag` with its texts by fallback and native formatting: for native
        /// tests and tools. The widget formats with the browser's `Intl` instead.
        pub fn native(tag: &str) -> Locale {
            let tag = well_formed_tag(Some(tag));
            let mut made = NATIVE
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some(locale) = made.iter().find(|l| l.tag() == tag) {
                return *locale;
            }
            let file = texts_file(&tag);
            let messages = native_messages(file)
                .unwrap_or_else(|error| panic!("core/locales/{file}.json: {error}"));
            let language = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
            let locale = Locale::new(
                &tag,
                file,
                Box::leak(Box::new(messages)),
                Box::new(NativeRules { language }),
            );
            made.push(locale);
            locale
        }
    }

    impl TextsFile for serde_json::Value {
        fn keys(&self) -> Vec<String> {
            self.as_object()
                .map(|object| object.keys().cloned().collect())
                .unwrap_or_default()
        }

        fn text(&self, key: &str) -> Option<String> {
            Some(self.get(key)?.as_str()?.to_owned())
        }

        fn forms(&self, key: &str) -> Option<Vec<(String, String)>> {
            self.get(key)?
                .as_object()?
                .iter()
                .map(|(name, text)| Some((name.clone(), text.as_str()?.to_owned())))
                .collect()
        }
    }

    /// Decodes the texts file `json`, refusing a key the widget does not know (as a file of this
    /// repository must; the widget itself passes such a key over).
    pub fn decode_messages(json: &str) -> Result<Messages, String> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        if let Some(unknown) = Messages::unknown_key(&value) {
            return Err(format!("unknown key `{unknown}`"));
        }
        Messages::read(&value, None).map(|(messages, _)| messages)
    }

    /// Decodes the compiled-in texts file `tag`.
    pub fn native_messages(tag: &str) -> Result<Messages, String> {
        decode_messages(native_file(tag).ok_or_else(|| format!("no texts file {tag}"))?)
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub use native::{decode_messages, native_messages};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_fall_back_from_region_to_language_to_english() {
        assert_eq!(texts_file("fr-CH"), "fr");
        assert_eq!(texts_file("DE-at"), "de");
        assert_eq!(texts_file("pl"), "pl");
        assert_eq!(texts_file("cs-CZ"), "cs");
        assert_eq!(texts_file("pt-BR"), "en");
        assert_eq!(texts_file("deu"), "en");
        assert_eq!(texts_file("en-GB"), "en");
    }

    #[test]
    fn reads_the_locale_attribute() {
        assert_eq!(well_formed_tag(Some(" de_CH ")), "de-CH");
        assert_eq!(well_formed_tag(Some("zh-Hant-TW")), "zh-Hant-TW");
        for bad in [
            None,
            Some(""),
            Some("d"),
            Some("de-"),
            Some("<b>"),
            Some("de CH"),
            Some("x-123456789"),
        ] {
            assert_eq!(well_formed_tag(bad), "en", "{bad:?}");
        }
    }

    #[test]
    fn counts_with_each_languages_plural_forms() {
        let en = Locale::native("en-GB");
        assert_eq!(en.messages().visits().count(1, en), "1 visit");
        assert_eq!(en.messages().visits().count(10, en), "10 visits");
        let de = Locale::native("de-DE");
        assert_eq!(de.messages().weeks().count(2, de), "2 Wochen");
        assert_eq!(de.messages().days().count(1, de), "1 Tag");
        let pl = Locale::native("pl-PL");
        let visits = |n| pl.messages().visits().count(n, pl);
        assert_eq!(
            [
                visits(1),
                visits(3),
                visits(5),
                visits(12),
                visits(22),
                visits(25)
            ],
            [
                "1 wejście",
                "3 wejścia",
                "5 wejść",
                "12 wejść",
                "22 wejścia",
                "25 wejść"
            ]
        );
        let cs = Locale::native("cs");
        let days = |n| cs.messages().days().count(n, cs);
        assert_eq!([days(1), days(2), days(5)], ["1 den", "2 dny", "5 dní"]);
        let fr = Locale::native("fr-CH");
        assert_eq!(fr.messages().visits().count(0, fr), "0 entrée");
        assert_eq!(fr.lang(), "fr-CH");
        assert_eq!(
            Locale::native("pt-BR").lang(),
            "en",
            "Portuguese reads English"
        );
    }
}
