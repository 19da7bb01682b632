"""Trunk post-build hook step (release builds), before minify.sh: gives the wasm's imports and
exports names of one or two characters, and the glue the same names.

wasm-bindgen names each import after its JS function plus a 16-digit hash, and each closure
export after its whole Rust type (some are over 300 characters). The wasm carries every name and
the glue again, and hashes do not compress: 12 KB of import names in the wasm alone. binaryen's
`--minify-imports-and-exports-and-modules` renames them in the wasm (all imports then come from
one module) and prints the mapping, which this applies to the glue:
- the glue's own imports (the keys of its `import0` object) are renamed;
- the snippets' imports are looked up in their module namespace by their old names;
- every `wasm.<export>` the glue calls is renamed.
Every name must be found where expected, else the build fails: a wasm-bindgen whose glue is
shaped otherwise stops here instead of shipping a widget that cannot start. It runs once per
build, on the fresh staging directory trunk makes (a second run would find no long names).
  python3 short-names.py DIR     (trunk's staging directory)
"""
import json
import pathlib
import re
import subprocess
import sys

GLUE_MODULE = "./perfectgym-offers_bg.js"


def import_modules(wasm):
    """The module names the wasm imports from, as binaryen's disassembler prints its imports."""
    text = subprocess.run(["wasm-dis", str(wasm)], check=True, capture_output=True, text=True).stdout
    return set(re.findall(r'^\s*\(import "([^"]*)"', text, flags=re.MULTILINE))


def main(folder):
    root = pathlib.Path(folder)
    glues = [p for p in root.glob("perfectgym-offers-*.js") if "_bg" not in p.name]
    if len(glues) != 1:
        sys.exit(f"short-names: expected one glue in {root}, found {[p.name for p in glues]}")
    glue = glues[0]
    wasm = root / f"{glue.stem}_bg.wasm"
    printed = subprocess.run(
        ["wasm-opt", str(wasm), "--minify-imports-and-exports-and-modules", "-o", str(wasm)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    mapping = json.loads(printed)
    modules = import_modules(wasm)
    if len(modules) != 1:
        sys.exit(f"short-names: expected the imports to come from one module, found {modules}")
    (module,) = modules
    js = glue.read_text()

    snippet_entries = []
    for source, old, new in mapping["imports"]:
        if source == GLUE_MODULE:
            js, found = re.subn(
                rf"^(\s+){re.escape(old)}(: function\b)",
                lambda m: f'{m[1]}"{new}"{m[2]}',
                js,
                flags=re.MULTILINE,
            )
            if found != 1:
                sys.exit(f"short-names: the glue's import {old} found {found} times")
        else:
            namespace = re.search(rf'import \* as (import\d+) from "{re.escape(source)}"', js)
            if not namespace:
                sys.exit(f"short-names: no namespace import of {source}")
            snippet_entries.append(f'"{new}": {namespace[1]}.{old}')

    imports = re.compile(r"return \{\s*__proto__: null,\s*\"" + re.escape(GLUE_MODULE) + r"\": import0,[^}]*\};")
    replacement = (
        f'return {{ __proto__: null, "{module}": Object.assign(import0, {{ '
        + ", ".join(snippet_entries)
        + " }) };"
    )
    js, found = imports.subn(lambda _: replacement, js)
    if found != 1:
        sys.exit(f"short-names: the glue's import object found {found} times")

    exports = dict(mapping["exports"])
    unknown = set()

    def rename(match):
        name = match[1]
        if name in exports:
            return "wasm." + exports[name]
        unknown.add(name)
        return match[0]

    js = re.sub(r"\bwasm\.([A-Za-z_$][\w$]*)", rename, js)
    if unknown or "__wbindgen_start" not in exports:
        sys.exit(f"short-names: the glue calls exports the wasm lacks: {sorted(unknown)}")
    glue.write_text(js)


if __name__ == "__main__":
    main(sys.argv[1])
