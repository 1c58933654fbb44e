#!/usr/bin/env python3
"""Rewrites `Diagnostic::new("K003", ...)` to `Diagnostic::new(Code::K003, ...)` in src/,
adding `use crate::code::Code;` where a file needs it. Idempotent: run it after merging a
branch that still spells codes as text, then `cargo fmt`.

    python3 scripts/typed-rule-codes.py && cargo fmt
"""
import pathlib
import re
import sys

CALL = re.compile(r'Diagnostic::new\((\s*)"([A-Z][0-9]{3})"')
IMPORT = "use crate::code::Code;\n"


def imports_code(text):
    return re.search(r"^\s*use [^;]*\bCode\b[^;]*;", text, re.M) is not None


def add_import(text):
    # Before the first top-level `use`, so `cargo fmt` sorts it into the group.
    match = re.search(r"^use ", text, re.M)
    if match is None:
        sys.exit("no top-level `use` to put the import beside")
    return text[: match.start()] + IMPORT + text[match.start():]


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    changed = 0
    for path in sorted((root / "src").rglob("*.rs")):
        text = path.read_text()
        new, count = CALL.subn(r"Diagnostic::new(\1Code::\2", text)
        if count == 0:
            continue
        if not imports_code(new):
            new = add_import(new)
        path.write_text(new)
        changed += 1
        print(f"{path.relative_to(root)}: {count}")
    print(f"{changed} files changed", file=sys.stderr)


if __name__ == "__main__":
    main()
