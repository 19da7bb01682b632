//! Every texts file in `core/locales/` is complete: it decodes (no key missing, none unknown),
//! no text is empty, and each text has exactly the placeholders its English original has.

use std::collections::BTreeSet;

use perfectgym_offers_core::i18n::{
    decode_messages, native_messages, Messages, ENGLISH_MESSAGES, LANGUAGES,
};

/// `{age}`, `{n}` …: the names between braces.
fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// The English text a key is checked against: a plural form against English's `other`.
fn english_for<'a>(english: &'a [(String, &'static str)], key: &str) -> Option<&'a str> {
    let base = match key.split_once('.') {
        Some((plural, _)) => format!("{plural}.other"),
        None => key.to_owned(),
    };
    english
        .iter()
        .find(|(k, _)| *k == base)
        .map(|(_, text)| *text)
}

fn problems_of(
    language: &str,
    messages: &Messages,
    english: &[(String, &'static str)],
) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, text) in messages.entries() {
        if text.trim().is_empty() {
            problems.push(format!("{language}: {key} is empty"));
        }
        let Some(original) = english_for(english, &key) else {
            problems.push(format!("{language}: {key} has no English original"));
            continue;
        };
        if placeholders(text) != placeholders(original) {
            problems.push(format!(
                "{language}: {key} has placeholders {:?}, English has {:?}",
                placeholders(text),
                placeholders(original)
            ));
        }
    }
    problems
}

#[test]
fn every_language_has_every_key_with_its_placeholders() {
    assert!(LANGUAGES.len() >= 8, "{LANGUAGES:?}");
    for required in ["en", "de", "pl", "fr", "it", "nl", "es", "cs"] {
        assert!(LANGUAGES.contains(&required), "{required} is missing");
    }
    let english = native_messages("en").expect("en.json").entries();
    let mut problems = Vec::new();
    for language in LANGUAGES {
        match native_messages(language) {
            Ok(messages) => problems.extend(problems_of(language, &messages, &english)),
            Err(error) => problems.push(format!("core/locales/{language}.json: {error}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The widget's compiled-in English (build.rs) says what `en.json` says, form for form.
#[test]
fn compiled_in_english_is_en_json() {
    let from_file = native_messages("en").expect("en.json").entries();
    assert_eq!(ENGLISH_MESSAGES.entries(), from_file);
}

#[test]
fn a_missing_key_an_unknown_key_and_a_lost_placeholder_are_each_found() {
    let english_json: serde_json::Value =
        serde_json::from_str(perfectgym_offers_core::i18n::ENGLISH).unwrap();
    // As this repository's files are checked: strictly (the widget passes an unknown key over).
    let decode = |value: &serde_json::Value| decode_messages(&value.to_string());

    let mut missing = english_json.clone();
    missing.as_object_mut().unwrap().remove("voucher_invalid");
    let error = decode(&missing).unwrap_err();
    assert!(error.contains("missing key `voucher_invalid`"), "{error}");

    let mut unknown = english_json.clone();
    unknown["voucher_expired"] = "This voucher has expired.".into();
    let error = decode(&unknown).unwrap_err();
    assert!(error.contains("unknown key `voucher_expired`"), "{error}");

    let mut unknown_form = english_json.clone();
    unknown_form["visits"]["several"] = "{n} visits".into();
    let error = decode(&unknown_form).unwrap_err();
    assert!(
        error.contains("unknown plural form `visits.several`"),
        "{error}"
    );

    let mut no_other = english_json.clone();
    no_other["visits"].as_object_mut().unwrap().remove("other");
    let error = decode(&no_other).unwrap_err();
    assert!(error.contains("missing key `visits.other`"), "{error}");

    let english = decode(&english_json).unwrap().entries();
    let mut lost = english_json.clone();
    lost["min_age"] = "From age 18".into();
    lost["visits"]["one"] = "one visit".into();
    let problems = problems_of("xx", &decode(&lost).unwrap(), &english);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].contains("min_age"), "{problems:#?}");
    assert!(problems[1].contains("visits.one"), "{problems:#?}");
}

/// A release's texts files are uploaded before the loader that names its code: a widget still
/// running the release before reads a file with a key it does not know, and keeps the
/// language instead of falling back to English.
#[test]
fn the_widget_reads_a_newer_texts_file_with_a_key_it_does_not_know() {
    let mut newer: serde_json::Value =
        serde_json::from_str(include_str!("../locales/de.json")).unwrap();
    newer["voucher_expired"] = "Dieser Gutschein ist abgelaufen.".into();
    let (read, missing) = Messages::read(&newer, None).expect("read despite the unknown key");
    assert!(missing.is_empty());
    assert_eq!(read.buy(), native_messages("de").unwrap().buy());
    assert!(Messages::unknown_key(&newer).is_some());
}

/// A newer widget reading the texts file of the release before (its keys added since are
/// missing) keeps the file's language and takes only the missing texts from English; without a
/// fallback (this repository's own files) a missing key is an error, and so is a malformed
/// plural even with one.
#[test]
fn the_widget_fills_the_keys_an_older_texts_file_lacks_from_english() {
    let german = native_messages("de").unwrap();
    let mut older: serde_json::Value =
        serde_json::from_str(include_str!("../locales/de.json")).unwrap();
    older.as_object_mut().unwrap().remove("voucher_invalid");
    older.as_object_mut().unwrap().remove("visits");
    let (read, missing) = Messages::read(&older, Some(&ENGLISH_MESSAGES)).unwrap();
    assert_eq!(missing, ["voucher_invalid", "visits"]);
    assert_eq!(read.voucher_invalid(), ENGLISH_MESSAGES.voucher_invalid());
    assert_eq!(read.visits().other, ENGLISH_MESSAGES.visits().other);
    assert_eq!(read.buy(), german.buy());
    assert_eq!(read.weeks().other, german.weeks().other);

    assert!(Messages::read(&older, None).is_err());
    older["visits"] = serde_json::json!({ "one": "{n} Besuch" });
    assert!(Messages::read(&older, Some(&ENGLISH_MESSAGES)).is_err());
}

/// A plural filled from English takes English's rules: French calls 0 `one`, and English's
/// `one` form would read "0 offer".
#[test]
fn a_plural_filled_from_english_is_counted_by_english_rules() {
    use perfectgym_offers_core::i18n::{PluralCategory, Regional};
    use perfectgym_offers_core::{Locale, Money};
    struct FrenchRules;
    impl Regional for FrenchRules {
        fn money(&self, money: &Money) -> String {
            money.amount.to_string()
        }
        fn date(&self, _: time::Date) -> String {
            String::new()
        }
        fn date_time(&self, _: time::Date, _: time::Time) -> String {
            String::new()
        }
        fn plural(&self, language: &str, n: i64) -> PluralCategory {
            match (language, n) {
                ("fr", 0 | 1) | ("en", 1) => PluralCategory::One,
                _ => PluralCategory::Other,
            }
        }
    }
    let mut older: serde_json::Value =
        serde_json::from_str(include_str!("../locales/fr.json")).unwrap();
    older.as_object_mut().unwrap().remove("offer_count");
    let (read, _) = Messages::read(&older, Some(&ENGLISH_MESSAGES)).unwrap();
    let messages: &'static Messages = Box::leak(Box::new(read));
    let french = Locale::new("fr", "fr", messages, Box::new(FrenchRules));
    assert_eq!(messages.offer_count().count(0, french), "0 offers");
    assert_eq!(messages.offer_count().count(1, french), "1 offer");
    assert!(messages.visits().count(0, french).contains('0'));
    assert_eq!(
        messages.visits().count(0, french),
        native_messages("fr").unwrap().visits().count(0, french),
        "the file's own plurals keep French rules"
    );
}
