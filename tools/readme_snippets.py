#!/usr/bin/env python3
"""Compiles every ```cpp block of README.md, so that what a newcomer copies compiles.

Each block becomes the body of a function `int snippet_<n>()` in one translation unit after the prelude
tests/readme/prelude.hpp (the names a snippet leaves to its reader: `http`, `client`, `fail`, ...), with
`#line` directives, so a compiler error names README.md and the line. `#include` lines at the top of a
block are its own (moved to file scope): a snippet names the standard headers it needs. A block right after the comment
`<!-- not compiled: why -->` is skipped (a summary of declarations, say).

usage: tools/readme_snippets.py CXX [flags...]    e.g. tools/readme_snippets.py g++ -I/usr/include/mbedtls
Exit status: the compiler's. The warnings are the project's, less the ones a fragment cannot avoid
(unused results of a demonstration, a local named like the prelude's).
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def blocks(readme):
    lines = readme.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```cpp":
            start = i + 1
            j = start
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            prev = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
            skip = prev.strip().startswith("<!-- not compiled")
            yield start + 1, "\n".join(lines[start:j]), skip  # 1-based line of the first code line
            i = j
        i += 1


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    readme_path = os.path.join(ROOT, "README.md")
    with open(readme_path, encoding="utf-8") as f:
        readme = f.read()
    head = ['#include "tests/readme/prelude.hpp"']
    out = ["namespace readme {"]
    compiled = skipped = 0
    for n, (line, code, skip) in enumerate(blocks(readme)):
        if skip:
            skipped += 1
            continue
        compiled += 1
        # A snippet's own #include lines (at its top) go to file scope, before the prelude's namespace.
        body = code.split("\n")
        while body and body[0].startswith("#include"):
            head.append(f'#line {line} "{readme_path}"')
            head.append(body.pop(0))
            line += 1
        out.append(f"int snippet_{n}() {{")
        out.append(f'#line {line} "{readme_path}"')
        out.append("\n".join(body))
        out.append("  return 0;")
        out.append("}")
    out.append("}  // namespace readme")
    with tempfile.NamedTemporaryFile("w", suffix=".cpp", delete=False) as tu:
        tu.write("\n".join(head + out) + "\n")
        name = tu.name
    cmd = sys.argv[1:] + ["-std=c++17", "-fsyntax-only", "-I" + ROOT, "-I" + os.path.join(ROOT, "include"),
                          "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Wno-unused-variable",
                          "-Wno-unused-but-set-variable", "-Wno-unused-parameter", name]
    status = subprocess.call(cmd)
    os.unlink(name)
    print(f"README snippets: {compiled} compiled, {skipped} skipped (marked not compiled): "
          + ("ok" if status == 0 else "FAILED"))
    return status


if __name__ == "__main__":
    sys.exit(main())
