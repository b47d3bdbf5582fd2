#!/usr/bin/env python3
"""Where logto-cpp's instructions per payload byte go (issue 17), from the payload groups' callgrind files.

    python3 per_byte.py LIST_TSV IR_TSV CALLGRIND_DIR N_OPS

Run by run.sh after the callgrind step; prints markdown. For each payload case (ES256, ES384, RS256-2048) it reads
the callgrind files of the 1 KB and 64 KB groups, takes every function's exclusive instructions per operation
(callgrind_annotate), and divides the difference by the 64,512 extra payload bytes. Exclusive counts add up, so
the categories sum to the contender's total per-byte cost. Inlined code is counted in the function it was inlined
into (callgrind sees symbols, not source functions), so the categories name functions as the compiler left them.
Debian's libcrypto.so.3 has no symbols: OpenSSL's own code is one category.
"""
import collections
import os
import re
import subprocess
import sys

CASES = ["ES256", "ES384", "RS256-2048"]
LO, HI = ("1KB", 1024), ("64KB", 65536)
CONTENDERS = [
    ("limit: bare mbedTLS primitive + base64url decode floor", "floor limit (mbedTLS)"),
    ("logto-cpp: jose::verify_id_token", "logto-cpp (mbedTLS)"),
    ("logto-cpp, OpenSSL backend: jose::verify_id_token", "logto-cpp (OpenSSL)"),
]
# First match wins; matched against "file:function [object]".
CATEGORIES = [
    ("hash (SHA-256 / SHA-384 compression, md layer)", r"sha256|sha512|sha1_|mbedtls_md|EVP_Digest"),
    ("OpenSSL libcrypto (hash and verify; no symbols)", r"libcrypto\.so"),
    ("bignum / EC / RSA", r"mbedtls_(mpi|ecp|ecdsa|rsa|pk|ct_)|libmbedcrypto"),
    ("base64url decode", r"base64|b64url"),
    ("UTF-8 validation", r"utf8"),
    # jose::detail::decode_payload's own instructions are the JSON parser's code inlined into it.
    ("JSON parse and document (strict_json, picojson, decode_payload)", r"strict_json|picojson|json::|decode_payload"),
    ("token split (split_compact)", r"split_compact"),
    ("malloc / free", r"malloc\.c|operator new|operator delete|\bfree\b"),
    ("libc mem*/str* (copies, zero fills, scans)", r"mem(cpy|move|set|chr|cmp)|str(len|chr|cmp)"),
    ("std::string growth and copies (libstdc++)", r"basic_string"),
]


def exclusive(path):
    """function -> exclusive Ir in one callgrind file."""
    out = subprocess.run(["callgrind_annotate", "--auto=no", "--threshold=100", path], capture_output=True, text=True).stdout
    table, seen = collections.Counter(), 0
    for line in out.splitlines():
        if line.startswith("Ir ") or line.strip() == "Ir":
            seen += 1
            continue
        m = re.match(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$", line)
        if seen >= 2 and m and "PROGRAM TOTALS" not in line:
            table[m.group(2).strip()] += int(m.group(1).replace(",", ""))
    return table


def short(fn):
    """'file:function(args) [object]' -> 'function' (without arguments and templates' noise), or the object."""
    m = re.match(r"^(.*?):(.*?)(?: \[(.*)\])?$", fn)
    if not m:
        return fn
    name, obj = m.group(2), os.path.basename(m.group(3) or "")
    if name.startswith("0x"):
        return f"(no symbol) [{obj}]"
    name = re.sub(r"\[abi:cxx11\]", "", name)
    depth, res = 0, ""
    for ch in name:  # drop the argument list
        if ch == "(" and depth == 0 and res:
            break
        res += ch
    return res if obj.startswith("bench") or not obj else f"{res} [{obj}]"


def category(fn):
    for label, rx in CATEGORIES:
        if re.search(rx, fn):
            return label
    return "other"


def main():
    list_tsv, callgrind_dir, n_ops = sys.argv[1], sys.argv[3], float(sys.argv[4])
    index = {}
    with open(list_tsv) as f:
        for line in f:
            idx, group, name, _ = line.rstrip("\n").split("\t")
            index[(group, name)] = idx
    per_byte = {}  # (case, contender) -> Counter(function -> Ir per payload byte)
    for case in CASES:
        for name, _ in CONTENDERS:
            files = [os.path.join(callgrind_dir, "cg." + index.get((f"payload/{case}/{size}", name), "none"))
                     for size, _ in (LO, HI)]
            if not all(os.path.exists(p) for p in files):
                continue
            lo, hi = (exclusive(p) for p in files)
            d = collections.Counter()
            for fn in set(lo) | set(hi):
                d[fn] = (hi[fn] - lo[fn]) / n_ops / (HI[1] - LO[1])
            per_byte[(case, name)] = d
    if not per_byte:
        return
    cols = [(c, n, label) for c in CASES for n, label in CONTENDERS if (c, n) in per_byte]
    print("\n#### Where the cost per payload byte goes (callgrind, exclusive Ir by function: (64 KB - 1 KB) / 64,512 bytes)\n")
    print("Per payload byte: the token carries 4/3 base64url characters for it, hashed as text, then decoded, "
          "validated as UTF-8 and parsed. Inlined code counts in the function it was inlined into. RS256-2048 and "
          "ES256 both hash with SHA-256; ES384 with SHA-384.\n")
    print("| category | " + " | ".join(f"{c}: {label}" for c, _, label in cols) + " |")
    print("|---|" + "---:|" * len(cols))
    sums = {}
    for label, _ in CATEGORIES + [("other", None)]:
        row = []
        for c, n, _ in cols:
            v = sum(x for fn, x in per_byte[(c, n)].items() if category(fn) == label)
            sums[(c, n)] = sums.get((c, n), 0) + v
            row.append(v)
        if any(abs(v) >= 0.05 for v in row):
            print(f"| {label} | " + " | ".join(f"{v:.1f}" for v in row) + " |")
    print("| **total** | " + " | ".join(f"**{sums[(c, n)]:.1f}**" for c, n, _ in cols) + " |")
    for c, n, label in cols:
        if n != CONTENDERS[1][0] or c != "ES256":
            continue
        top = collections.Counter()
        for fn, v in per_byte[(c, n)].items():
            top[short(fn)] += v
        print(f"\nFunctions of {label}, {c}, by Ir per payload byte (those above 0.2):\n")
        print("| function | Ir per payload byte | category |")
        print("|---|---:|---|")
        for fn, v in top.most_common():
            if v < 0.2:
                break
            cat = next((category(f) for f in per_byte[(c, n)] if short(f) == fn), "")
            print(f"| `{fn}` | {v:.1f} | {cat} |")


if __name__ == "__main__":
    main()
