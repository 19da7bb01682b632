//! Lists the languages in `locales/` (one `<tag>.json` file each), so adding a language is adding
//! its file: the widget knows which texts exist without asking the server for missing ones.

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
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("languages.rs");
    std::fs::write(out, code).unwrap();
}
