//! Minifies the widget's stylesheet for the wasm (it is `include_str!`ed): comments and
//! layout whitespace are a third of it, and every byte of the wasm goes to every visitor.

use std::path::PathBuf;

fn main() {
    let source = "style/widget.css";
    println!("cargo:rerun-if-changed={source}");
    let css = std::fs::read_to_string(source).expect("style/widget.css is readable");
    assert_strings_survive(&css);
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("widget.min.css"), minify(&css)).expect("OUT_DIR is writable");
}

/// The minifier does not know strings: one that holds what it rewrites would be changed.
fn assert_strings_survive(css: &str) {
    for (index, string) in css.split('"').enumerate().filter(|(i, _)| i % 2 == 1) {
        assert!(
            !string.contains(['{', '}', ';', ',', ':']) && !string.contains("/*") && !string.contains("  "),
            "string {index} of style/widget.css (\"{string}\") holds what build.rs's minifier rewrites"
        );
    }
}

/// Drops comments, collapses whitespace, and drops it around `{ } ; ,` and after `:` (where it
/// never means anything: unlike before `:` or in a selector's descendant combinator), and each
/// block's last `;`. The stylesheet has no comment-like text inside strings.
fn minify(css: &str) -> String {
    let mut without_comments = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        without_comments.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    without_comments.push_str(rest);
    let collapsed = without_comments
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut minified = String::with_capacity(collapsed.len());
    let tight = |c: char| matches!(c, '{' | '}' | ';' | ',');
    let mut chars = collapsed.chars().peekable();
    while let Some(c) = chars.next() {
        let last = minified.chars().last();
        let after_tight = last.is_some_and(|l| tight(l) || l == ':');
        let before_tight = chars.peek().copied().is_some_and(tight);
        if c == ' ' && (after_tight || before_tight) {
            continue;
        }
        if c == '}' && last == Some(';') {
            minified.pop();
        }
        minified.push(c);
    }
    minified
}
