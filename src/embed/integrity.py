"""Keeps the demo page's Subresource Integrity values true to the files beside it.

trunk writes `integrity="sha384-…"` for the files the page loads before the post-build hook
minifies them; a stale value makes the browser block the file and the widget never starts.
  python3 integrity.py fix DIR     rewrite each value from the file it names
  python3 integrity.py check DIR   exit 1 naming each value that does not match its file
"""
import base64
import hashlib
import pathlib
import re
import sys

TAG = re.compile(r'<(?:link|script)\b[^>]*>')
ATTRIBUTE = re.compile(r'\b(href|src|integrity)="([^"]*)"')


def digest(path):
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


def main(mode, folder):
    root = pathlib.Path(folder)
    page = root / "index.html"
    html = page.read_text()
    stale = []

    def pin(tag_match):
        tag = tag_match.group(0)
        attributes = dict(ATTRIBUTE.findall(tag))
        url = attributes.get("href") or attributes.get("src")
        if "integrity" not in attributes or not url or "://" in url:
            return tag
        expected = digest(root / url.lstrip("/").split("?")[0])
        if attributes["integrity"] != expected:
            stale.append(url)
        return tag.replace(attributes["integrity"], expected)

    fixed = TAG.sub(pin, html)
    if mode == "fix":
        page.write_text(fixed)
    elif stale:
        print("integrity: stale on the demo page for " + ", ".join(stale), file=sys.stderr)
        sys.exit(1)


main(sys.argv[1], sys.argv[2])
