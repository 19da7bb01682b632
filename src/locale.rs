//! The visitor's locale in the browser: texts fetched for the active language only (English is
//! compiled in, the fallback), and money, dates and plurals formatted by the browser's `Intl` for
//! the exact tag, so `de-CH` reads `CHF 35.00` and Polish counts `2 wejścia`, `5 wejść`.

use std::cell::RefCell;

use js_sys::{Array, Function, Intl, Object, Reflect};
use perfectgym_offers_core::i18n::{
    texts_file, Messages, PluralCategory, Regional, TextsFile, ENGLISH_MESSAGES,
};
use perfectgym_offers_core::wire::Json;
use perfectgym_offers_core::{Locale, Money};
use time::{Date, PrimitiveDateTime, Time};
use wasm_bindgen::prelude::*;

use crate::api::json::ParsedJson;

#[wasm_bindgen]
extern "C" {
    /// Throws a `RangeError` for a tag the browser rejects (the element's attribute is input).
    #[wasm_bindgen(js_namespace = Intl, js_name = getCanonicalLocales, catch)]
    fn canonical_locales(tag: &str) -> Result<Array, JsValue>;
}

/// Where the loader found the build's files (`embed.js` sets it to its own folder); without a
/// loader, the page's own folder.
const ASSETS_GLOBAL: &str = "perfectgymOffersAssets";

thread_local! {
    /// Each fetched language's texts, decoded once for the page and kept (English is compiled
    /// in). (A page holds a language or two: a list, which costs the wasm less than a map.)
    static TEXTS: RefCell<Vec<(&'static str, &'static Messages)>> = const { RefCell::new(Vec::new()) };
    /// One locale per tag and texts file (see `Locale::new`).
    static LOCALES: RefCell<Vec<Locale>> = const { RefCell::new(Vec::new()) };
    /// `Intl` formatters by tag and options, built once per page: building one costs far more
    /// than using it, and the first list alone formats some sixty prices, terms and counts.
    static FORMATTERS: RefCell<Vec<(String, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// The formatter kept under `key`, built by `build` the first time.
fn formatter<T: JsCast>(key: String, build: impl FnOnce() -> T) -> T {
    let kept = FORMATTERS.with(|all| {
        all.borrow()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, f)| f.clone())
    });
    let made = kept.unwrap_or_else(|| {
        let made: JsValue = build().into();
        FORMATTERS.with(|all| all.borrow_mut().push((key, made.clone())));
        made
    });
    made.unchecked_into()
}

/// Formats with `Intl` for one canonical tag.
struct IntlRules {
    tag: String,
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let options = Object::new();
    for (name, value) in pairs {
        let _ = Reflect::set(&options, &(*name).into(), &(*value).into());
    }
    options
}

fn call(format: &Function, value: &JsValue) -> Option<String> {
    format.call1(&JsValue::NULL, value).ok()?.as_string()
}

impl IntlRules {
    fn locales(&self) -> Array {
        Array::of1(&JsValue::from_str(&self.tag))
    }

    /// The studio's wall-clock time, as sent: formatted in UTC from the same fields, so the
    /// visitor's own zone never shifts it.
    fn wall_clock(&self, date: Date, time: Time, style: &[(&str, &str)]) -> String {
        let millis = PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp() as f64
            * 1000.0;
        let mut key = format!("{} date", self.tag);
        for (name, value) in style {
            key.push_str(&format!(" {name}={value}"));
        }
        let format: Function = formatter(key, || {
            let mut pairs = style.to_vec();
            pairs.push(("timeZone", "UTC"));
            Intl::DateTimeFormat::new(&self.locales(), &options(&pairs)).format()
        });
        call(&format, &js_sys::Date::new(&millis.into())).unwrap_or_default()
    }
}

impl Regional for IntlRules {
    fn money(&self, money: &Money) -> String {
        let code = money.currency.trim().to_ascii_uppercase();
        // Intl throws for a code that is not three letters: such a (broken) answer is shown as sent.
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return format!("{} {}", money.amount, money.currency.trim());
        }
        let format: Function = formatter(format!("{} money {code}", self.tag), || {
            Intl::NumberFormat::new(
                &self.locales(),
                &options(&[("style", "currency"), ("currency", &code)]),
            )
            .format()
        });
        // A decimal string, which Intl rounds exactly (no detour through a float).
        call(&format, &money.amount.to_string().into()).unwrap_or_default()
    }

    fn date(&self, date: Date) -> String {
        self.wall_clock(date, Time::MIDNIGHT, &[("dateStyle", "medium")])
    }

    fn date_time(&self, date: Date, time: Time) -> String {
        self.wall_clock(
            date,
            time,
            &[("dateStyle", "medium"), ("timeStyle", "short")],
        )
    }

    fn plural(&self, language: &str, n: i64) -> PluralCategory {
        let rules: Intl::PluralRules = formatter(format!("{language} plural"), || {
            Intl::PluralRules::new(&Array::of1(&language.into()), &Object::new())
        });
        PluralCategory::from_name(&String::from(rules.select(n as f64)))
    }
}

/// `tag` as the browser spells it (`de-ch` → `de-CH`), or `en` when the browser rejects it.
fn canonical(tag: &str) -> String {
    canonical_locales(tag)
        .ok()
        .and_then(|tags| tags.get(0).as_string())
        .unwrap_or_else(|| "en".to_owned())
}

/// A texts file as the browser's `JSON.parse` made it: an object of texts and of plural forms.
impl TextsFile for ParsedJson {
    fn keys(&self) -> Vec<String> {
        match self.0.dyn_ref::<Object>() {
            Some(object) => Object::keys(object)
                .iter()
                .filter_map(|k| k.as_string())
                .collect(),
            None => Vec::new(),
        }
    }

    fn text(&self, key: &str) -> Option<String> {
        self.member(key)?.string()
    }

    fn forms(&self, key: &str) -> Option<Vec<(String, String)>> {
        let forms = self.member(key).filter(Json::is_object)?;
        forms
            .keys()
            .into_iter()
            .map(|name| {
                let text = forms.text(&name)?;
                Some((name, text))
            })
            .collect()
    }
}

/// The texts of `json`, with English for a key it lacks (the file of an older release: the
/// language stays, only the newer texts are English), and the keys so filled.
fn decode(json: &str) -> Result<(Messages, Vec<&'static str>), String> {
    let value = js_sys::JSON::parse(json).map_err(|error| crate::api::js_error_text(&error))?;
    Messages::read(&ParsedJson(value), Some(&ENGLISH_MESSAGES))
}

fn texts_of(file: &str) -> Option<&'static Messages> {
    TEXTS.with(|texts| {
        texts
            .borrow()
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, m)| *m)
    })
}

fn keep_texts(file: &'static str, messages: Messages) -> &'static Messages {
    let messages: &'static Messages = Box::leak(Box::new(messages));
    TEXTS.with(|texts| texts.borrow_mut().push((file, messages)));
    messages
}

/// The locale of `tag` with the texts of `file` (made once per tag and file).
fn locale_for(tag: &str, file: &'static str, messages: &'static Messages) -> Locale {
    let made = LOCALES.with(|locales| {
        let locales = locales.borrow();
        locales
            .iter()
            .find(|l| l.tag() == tag && l.texts() == file)
            .copied()
    });
    if let Some(locale) = made {
        return locale;
    }
    let rules = IntlRules {
        tag: tag.to_owned(),
    };
    let locale = Locale::new(tag, file, messages, Box::new(rules));
    LOCALES.with(|locales| locales.borrow_mut().push(locale));
    locale
}

/// English with Intl's `en` formats: for what is shown before the settings are known.
pub fn english() -> Locale {
    locale_for("en", "en", &ENGLISH_MESSAGES)
}

/// The locale for the element's tag when its texts are already here (English always is).
pub fn ready(tag: &str) -> Option<Locale> {
    let tag = canonical(tag);
    let file = texts_file(&tag);
    let messages = if file == "en" {
        Some(&ENGLISH_MESSAGES)
    } else {
        texts_of(file)
    }?;
    Some(locale_for(&tag, file, messages))
}

/// The locale for the element's tag, fetching its language's texts (`locales/<file>.json`
/// beside the loader). When they cannot be had the widget speaks English, formats for the tag
/// all the same, and says why on the console.
pub async fn load(tag: &str) -> Locale {
    if let Some(locale) = ready(tag) {
        return locale;
    }
    let tag = canonical(tag);
    let file = texts_file(&tag);
    let url = format!("{}locales/{file}.json", assets_base());
    match fetch_texts(&url).await {
        Ok((messages, missing)) => {
            if !missing.is_empty() {
                let missing = missing.join(", ");
                let cause = format!("perfectgym-offers: texts {url} lack {missing}: shown in English (upload this release's locales/)");
                web_sys::console::warn_1(&cause.into());
            }
            locale_for(&tag, file, keep_texts(file, messages))
        }
        Err(cause) => {
            web_sys::console::warn_1(&format!("perfectgym-offers: texts {url}: {cause}").into());
            locale_for(&tag, "en", &ENGLISH_MESSAGES)
        }
    }
}

fn assets_base() -> String {
    Reflect::get(&js_sys::global(), &ASSETS_GLOBAL.into())
        .ok()
        .and_then(|base| base.as_string())
        .unwrap_or_default()
}

/// How long a language's texts may take: the widget waits for them before it shows anything,
/// so a file that never answers (a stalled CDN) must end in English rather than in loading.
const TEXTS_TIMEOUT_MS: u32 = 5_000;

async fn fetch_texts(url: &str) -> Result<(Messages, Vec<&'static str>), String> {
    let deadline = crate::api::Deadline::after(TEXTS_TIMEOUT_MS);
    let signal = deadline.signal();
    let exchange = async {
        let response = gloo_net::http::Request::get(url)
            .abort_signal(signal.as_ref())
            .send()
            .await
            .map_err(|error| error.to_string())?;
        if !response.ok() {
            return Err(format!("HTTP {}", response.status()));
        }
        response.text().await.map_err(|error| error.to_string())
    };
    let Some(json) = deadline.run(exchange).await else {
        return Err(format!("no answer within {TEXTS_TIMEOUT_MS} ms"));
    };
    decode(&json?)
}
