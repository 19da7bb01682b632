"""Trunk post-build hook step (release builds), after short-names.py, and a step of the npm
package's build (npm-package.sh): orders the wasm's functions by the size and then the bytes of
their bodies, so that look-alike functions sit next to each other.

The wasm holds thousands of small monomorphised copies of the same Leptos functions, byte for
byte alike but for the indices they call. gzip only finds a repeat within the last 32 KB, and
LLVM emits them wherever their callers are, so many copies are too far apart to compress
against each other (README, "Bundle size"). binaryen renumbers every call, table entry and
export when it reorders; it can only order by name, so this names each function after its place
in the wanted order, lets binaryen sort, and writes no names out.
  python3 order-functions.py DIR     (trunk's staging directory, or the npm package's)
"""
import pathlib
import subprocess
import sys


def leb(data, at):
    """The unsigned LEB128 number at `at`, and where the bytes after it start."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def encode_leb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def skip_limits(data, at):
    """Where the bytes after a table's or memory's limits (flags, minimum, maybe maximum) start."""
    flags, at = leb(data, at)
    _, at = leb(data, at)
    if flags & 1:
        _, at = leb(data, at)
    return at


def function_bodies(data):
    """The number of imported functions, each defined function's body in index order, and
    whether the module names its functions already."""
    at, imported, bodies, named = 8, 0, [], False
    while at < len(data):
        section = data[at]
        size, at = leb(data, at + 1)
        end = at + size
        if section == 0:
            length, start = leb(data, at)
            named = named or data[start : start + length] == b"name"
        elif section == 2:  # imports: only functions take a function index
            count, at = leb(data, at)
            for _ in range(count):
                for _name in range(2):
                    length, at = leb(data, at)
                    at += length
                kind = data[at]
                at += 1
                if kind == 0:  # function: its type index
                    _, at = leb(data, at)
                    imported += 1
                elif kind == 1:  # table: element type, limits
                    at = skip_limits(data, at + 1)
                elif kind == 2:  # memory: limits
                    at = skip_limits(data, at)
                elif kind == 3:  # global: value type, mutability
                    at += 2
                else:
                    sys.exit(f"order-functions: unknown import kind {kind}")
        elif section == 10:
            count, at = leb(data, at)
            for _ in range(count):
                length, start = leb(data, at)
                bodies.append(data[start : start + length])
                at = start + length
        at = end
    return imported, bodies, named


def names_section(imported, order):
    """A custom "name" section naming the defined function `order[rank]` after its rank."""
    width = len(str(len(order)))
    entries = b"".join(
        encode_leb(imported + index) + encode_leb(width + 1) + f"f{rank:0{width}d}".encode()
        for rank, index in sorted(enumerate(order), key=lambda pair: pair[1])
    )
    function_names = encode_leb(len(order)) + entries
    subsection = bytes([1]) + encode_leb(len(function_names)) + function_names
    payload = encode_leb(len(b"name")) + b"name" + subsection
    return bytes([0]) + encode_leb(len(payload)) + payload


def main(folder):
    wasms = list(pathlib.Path(folder).glob("perfectgym-offers*_bg.wasm"))
    if len(wasms) != 1:
        sys.exit(f"order-functions: expected one wasm in {folder}, found {wasms}")
    (wasm,) = wasms
    data = wasm.read_bytes()
    imported, bodies, named = function_bodies(data)
    if named:
        # A build that keeps its names for profiling (wasm-opt -g) keeps its order too.
        print(f"order-functions: {wasm.name} names its functions; left in their order")
        return
    order = sorted(range(len(bodies)), key=lambda index: (len(bodies[index]), bodies[index]))
    wasm.write_bytes(data + names_section(imported, order))
    subprocess.run(
        ["wasm-opt", str(wasm), "--reorder-functions-by-name", "-o", str(wasm)], check=True
    )


if __name__ == "__main__":
    main(sys.argv[1])
