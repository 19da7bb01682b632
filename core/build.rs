//! Lists the languages in `locales/` (one `<tag>.json` file each), so adding a language is adding
//! its file: the widget knows which texts exist without asking the server for missing ones. And
//! compiles English, the fallback, in as the `Messages` value `en.json` decodes to.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut tags: Vec<String> = std::fs::read_dir(&dir)
        .expect("core/locales")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            Some(name.strip_suffix(".json")?.to_owned())
        })
        .collect();
    tags.sort();
    let mut code = String::from("/// Every language with a texts file, as its lower-case tag.\n");
    writeln!(code, "pub const LANGUAGES: &[&str] = &{tags:?};").unwrap();
    // Natively (tests, tools) every file is compiled in; the widget fetches only the one it needs.
    code.push_str("#[cfg(not(target_arch = \"wasm32\"))]\nfn native_file(tag: &str) -> Option<&'static str> {\n    match tag {\n");
    for tag in &tags {
        let path = dir.join(format!("{tag}.json"));
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            code,
            "        {tag:?} => Some(include_str!({:?})),",
            path.display()
        )
        .unwrap();
    }
    code.push_str("        _ => None,\n    }\n}\n");
    code.push_str(&english_messages(&dir.join("en.json")));
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("languages.rs");
    std::fs::write(out, code).unwrap();
}

/// `ENGLISH_MESSAGES`, the `Messages` of `path` as Rust: the widget starts without parsing JSON,
/// and carries no JSON text of it. A key `Messages` lacks does not compile, nor does a file with
/// fewer texts or plurals than `Messages` has (each key is set once, so the counts prove every
/// key is there); a plural's unknown form or missing `other` stops the build.
fn english_messages(path: &Path) -> String {
    println!("cargo:rerun-if-changed={}", path.display());
    let json = std::fs::read_to_string(path).expect("core/locales/en.json");
    let texts: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&json).expect("core/locales/en.json is a JSON object");
    let mut code = String::from(
        "/// English, the fallback, as `locales/en.json` decodes (compiled in by build.rs).\n\
         pub static ENGLISH_MESSAGES: Messages = {\n    \
         let mut texts = [\"\"; TEXTS];\n    \
         let mut plurals = [Plural::NONE; PLURALS];\n",
    );
    let (mut text_count, mut plural_count) = (0, 0);
    for (key, value) in &texts {
        if let Some(text) = value.as_str() {
            writeln!(code, "    texts[TextKey::{key} as usize] = {text:?};").unwrap();
            text_count += 1;
            continue;
        }
        let forms = value
            .as_object()
            .unwrap_or_else(|| panic!("en.json: `{key}` is neither a text nor plural forms"));
        const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];
        if let Some(unknown) = forms
            .keys()
            .find(|name| !CATEGORIES.contains(&name.as_str()))
        {
            panic!("en.json: unknown plural form `{key}.{unknown}`");
        }
        let form = |name: &str| {
            forms.get(name).map(|text| {
                text.as_str()
                    .unwrap_or_else(|| panic!("en.json: `{key}.{name}` is not a text"))
            })
        };
        let other = form("other").unwrap_or_else(|| panic!("en.json: missing key `{key}.other`"));
        plural_count += 1;
        writeln!(
            code,
            "    plurals[PluralKey::{key} as usize] = Plural {{ zero: {:?}, one: {:?}, two: {:?}, few: {:?}, many: {:?}, other: {other:?}, in_english: false }};",
            form("zero"),
            form("one"),
            form("two"),
            form("few"),
            form("many"),
        )
        .unwrap();
    }
    writeln!(
        code,
        "    assert!({text_count} == TEXTS && {plural_count} == PLURALS, \"en.json lacks a key\");\n    \
         Messages {{ texts, plurals }}\n}};"
    )
    .unwrap();
    code
}
