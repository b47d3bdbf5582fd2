#!/usr/bin/env python3
"""Markdown report of footprint.sh's Cortex-M4 rows: the size table, and where the bytes go.

Every figure comes from the build directory: arm-none-eabi-size (flash = text + data, static RAM =
data + bss), the linker maps (bytes per input section, hence per archive member and, with
-ffunction-sections, per function) and arm-none-eabi-nm (symbol sizes).

usage: footprint_report.py BUILD_DIR MBEDTLS_SOURCE_DIR [--short]
  --short: only the short table for README.md's embedded section.
"""
import collections
import os
import re
import subprocess
import sys

NOT_FLASH = re.compile(r"^\.(bss|noinit|heap|stack|debug|comment|ARM\.attributes|stab)")


def sizes(elf):
    out = subprocess.run(["arm-none-eabi-size", elf], capture_output=True, text=True, check=True).stdout
    text, data, bss = (int(x) for x in out.splitlines()[1].split()[:3])
    return text + data, data + bss


def map_sections(path):
    """(output section, input section, size, object) for every allocated input section of a GNU ld map."""
    out, outsec, pending = [], None, None
    started = False
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("Linker script and memory map"):
            started = True
            continue
        if not started:
            continue
        m = re.match(r"^(\.[^\s]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+", line)
        if m or re.match(r"^\.[^\s]+$", line):
            outsec, pending = line.split()[0], None
            continue
        m = re.match(r"^ (\S+)$", line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^ (\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m and (m.group(1) or pending) and outsec:
            insec = m.group(1) or pending
            if not NOT_FLASH.match(outsec) and not insec.startswith("*fill*"):
                out.append((outsec, insec, int(m.group(3), 16), m.group(4).strip()))
        pending = None
    return out


def demangle(names):
    if not names:
        return {}
    res = subprocess.run(["arm-none-eabi-c++filt"], input="\n".join(names), capture_output=True, text=True).stdout
    return dict(zip(names, res.splitlines()))


def member(obj):
    """'/x/libstdc++_nano.a(floating_from_chars.o)' -> 'libstdc++_nano.a(floating_from_chars.o)'."""
    return os.path.basename(obj.split("(")[0]) + ("(" + obj.split("(")[1] if "(" in obj else "")


def origin(obj):
    b = member(obj)
    if b.startswith("libmbedcrypto.a"):
        return "mbedTLS"
    if b.startswith(("libstdc++", "libsupc++")):
        return "libstdc++ (nano)"
    if b.startswith(("libc_nano", "libg_nano", "libm.a", "libnosys")):
        return "newlib-nano"
    if b.startswith(("libgcc", "crt")):
        return "libgcc + startup"
    if b == "board.o":
        return "board inputs (board.c)"
    return "program (with logto-cpp inlined)"


def function_of(insec):
    m = re.match(r"^\.(text|rodata|data|bss)(\.[a-zA-Z0-9_]+)?\.(_Z.*)$", insec)
    return m.group(3) if m else None


def area(name):
    """Demangled name -> the part of the code it belongs to."""
    n = re.sub(r"^(void |bool |int |unsigned |std::[a-z_:<>0-9, ]+ )", "", name)
    for prefix, label in (("logto::json", "logto::json (strict_json.hpp)"), ("picojson", "picojson"),
                          ("logto::jose", "logto::jose"), ("logto::oidc", "logto::oidc"),
                          ("logto::crypto", "logto::crypto"), ("logto::connectors", "logto::connectors"),
                          ("logto::smtp", "logto::smtp"), ("logto::detail", "logto::detail"),
                          ("logto::", "logto (core: result, url, encoding, client)"),
                          ("std::", "std:: templates instantiated here")):
        if n.startswith(prefix) or (" " + prefix) in name[:80]:
            return label
    return "other"


def breakdown(sections):
    """origin -> bytes, and (origin, detail) -> bytes with detail = archive member or code area."""
    by_origin = collections.Counter()
    by_detail = collections.Counter()
    mangled = [function_of(s) for _, s, _, _ in sections]
    names = demangle(sorted({m for m in mangled if m}))
    for (outsec, insec, size, obj), mg in zip(sections, mangled):
        o = origin(obj)
        by_origin[o] += size
        if o == "program (with logto-cpp inlined)":
            detail = area(names.get(mg, mg)) if mg else "main, literals, tables (" + outsec + ")"
        else:
            detail = member(obj)
        by_detail[(o, detail)] += size
    return by_origin, by_detail


def nm_sizes(elf):
    out = subprocess.run(["arm-none-eabi-nm", "-S", "--size-sort", "-C", elf], capture_output=True, text=True).stdout
    res = collections.Counter()
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in "TtRrDdWwVv":
            res[parts[3]] += int(parts[1], 16)
    return res


def demangle_short(names):
    """Mangled -> demangled without parameter lists (c++filt -p)."""
    if not names:
        return {}
    res = subprocess.run(["arm-none-eabi-c++filt", "-p"], input="\n".join(names), capture_output=True, text=True).stdout
    return dict(zip(names, res.splitlines()))


def archive_refs(path):
    """member -> (referring file, symbol) from the map's 'Archive member included' section."""
    refs, member_line = {}, None
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith(("Discarded input sections", "Memory Configuration")):
            break
        if re.match(r"^\S+\.a\(.*\)$", line.strip()) and not line.startswith(" "):
            member_line = line.strip()
            continue
        m = re.match(r"^\s+(\S+) \((.*)\)$", line)
        if m and member_line:
            refs[member(member_line)] = (m.group(1), m.group(2))
            member_line = None
    return refs


def section_symbol(sec):
    m = re.match(r"^\.(?:text|rodata|data|bss)(?:\.(?:startup|unlikely|hot|rel\.ro|rel\.ro\.local|str1\.\d+))?\.(.+)$", sec)
    return m.group(1) if m else sec


def call_graph(obj):
    """symbol -> symbols its section refers to (relocations of a -ffunction-sections object)."""
    out = subprocess.run(["arm-none-eabi-objdump", "-r", obj], capture_output=True, text=True).stdout
    graph, cur = collections.defaultdict(set), None
    for line in out.splitlines():
        m = re.match(r"^RELOCATION RECORDS FOR \[(.+)\]:", line)
        if m:
            cur = section_symbol(m.group(1)) if not m.group(1).startswith(".ARM.") else None
            continue
        parts = line.split()
        if cur and len(parts) == 3 and re.match(r"^[0-9a-f]+$", parts[0]):
            target = section_symbol(parts[2].split("+")[0].split("-")[0])
            if target != cur:
                graph[cur].add(target)
    return graph


def path_from_main(graph, goal_demangled, names):
    """Shortest chain of symbols from main to one that refers to `goal_demangled`."""
    start = "main"
    prev, queue, seen = {}, [start], {start}
    while queue:
        node = queue.pop(0)
        for t in sorted(graph.get(node, ())):
            if names.get(t, t) == goal_demangled or t == goal_demangled:
                chain = [node]
                while chain[-1] in prev:
                    chain.append(prev[chain[-1]])
                return list(reversed(chain))
            if t not in seen:
                seen.add(t)
                prev[t] = node
                queue.append(t)
    return None


def kb(n):
    return f"{n / 1024:.1f} KB"


def main(build, mbedtls_src, short=False):
    rows = []
    for line in open(f"{build}/rows/rows.txt", encoding="utf-8"):
        if line.strip():
            name, label, source, lib, flags, base = line.rstrip("\n").split("|")
            elf = f"{build}/rows/{name}.elf"
            rows.append(dict(name=name, label=label, lib=lib, flags=flags, base=base, elf=elf,
                             size=sizes(elf) if os.path.exists(elf) else None))
    by = {r["name"]: r for r in rows}
    version = re.search(r'MBEDTLS_VERSION_STRING\s+"([^"]+)"', open(f"{mbedtls_src}/include/mbedtls/version.h").read())
    gcc = subprocess.run(["arm-none-eabi-gcc", "-dumpversion"], capture_output=True, text=True).stdout.strip()

    p = print
    if short:
        p("| on a Cortex-M4 (`-Os`, newlib-nano, `--gc-sections`) | flash | above bare mbedTLS doing the same crypto | static RAM |")
        p("|---|---:|---:|---:|")
        for r in rows:
            if r["base"] and r["size"] and by.get(r["base"], {}).get("size"):
                label = r["label"].split(" (../")[0]
                p(f"| {label} | {kb(r['size'][0])} | {'+' + kb(r['size'][0] - by[r['base']]['size'][0])} | "
                  f"{r['size'][1]:,} B |")
            elif r["base"]:
                p(f"| {r['label']} | does not build | | |")
        return
    p("## Cortex-M4 footprint per feature")
    p()
    p(f"arm-none-eabi-g++ {gcc}, `-Os -mcpu=cortex-m4 -mthumb -fno-exceptions -fno-rtti -ffunction-sections "
      f"-fdata-sections -DLOGTO_NO_THREADS=1`, newlib-nano (`--specs=nano.specs --specs=nosys.specs`), "
      f"`--gc-sections`; mbedTLS {version.group(1) if version else '?'} from Debian's source with "
      "`tests/embedded/mbedtls_config.h`: library *es* = P-256 ECDSA, SHA-1/256/512, CTR-DRBG, no RSA/PK/X.509/TLS; "
      "*rsa* = es + RSA, PK, OID; *tls* = rsa + TLS 1.2 client, X.509, ECDH, GCM. Each row is one program in "
      "`benchmarks/embedded/size/` whose inputs come from an opaque board file, so nothing is folded away. "
      "Flash = text + data, static RAM = data + bss (heap and stack not included). \"Above bare mbedTLS\" "
      "subtracts the program that makes the same mbedTLS calls directly (`size/base.cpp`).")
    p()
    p("| row | mbedTLS | flash | static RAM | bare mbedTLS, same crypto | **flash above it** | RAM above it |")
    p("|---|---|---:|---:|---|---:|---:|")
    for r in rows:
        if not r["base"]:
            continue
        if r["size"] is None:
            p(f"| {r['label']} | {r['lib']} | **does not build** | | | | |")
            continue
        b = by.get(r["base"])
        f, ram = r["size"]
        if b and b["size"]:
            p(f"| {r['label']} | {r['lib']} | {f:,} | {ram:,} | {b['label']} ({b['size'][0]:,}) | "
              f"**{f - b['size'][0]:+,}** | {ram - b['size'][1]:+,} |")
        else:
            p(f"| {r['label']} | {r['lib']} | {f:,} | {ram:,} | (baseline missing) | | |")
    p()
    p("Baselines:")
    p()
    p("| program | mbedTLS | flash | static RAM |")
    p("|---|---|---:|---:|")
    for r in rows:
        if not r["base"]:
            f, ram = r["size"] if r["size"] else (0, 0)
            p(f"| {r['label']} | {r['lib']} | {f:,} | {ram:,} |" if r["size"] else f"| {r['label']} | {r['lib']} | "
              "**does not build** | |")
    p()

    # ---- where the bytes go, per origin, for every library row
    built = [r for r in rows if r["size"] and r["base"]]
    data = {r["name"]: breakdown(map_sections(r["elf"][:-4] + ".map")) for r in built}
    origins = ["program (with logto-cpp inlined)", "libstdc++ (nano)", "newlib-nano", "libgcc + startup", "mbedTLS",
               "board inputs (board.c)"]
    p("### Flash by origin (bytes, from the linker maps)")
    p()
    p("| row | " + " | ".join(origins) + " |")
    p("|---|" + "---:|" * len(origins))
    for r in built:
        p(f"| {r['name']} | " + " | ".join(f"{data[r['name']][0][o]:,}" for o in origins) + " |")
    p()

    # ---- which library members cost most, and the chain of calls from main that pulls each in
    p("### What pulls in the large library members")
    p()
    p("Members of libstdc++, newlib-nano and libgcc of 512 B or more in any row, with the rows that link them "
      "and the chain of references from `main` that pulls them in (from the map's \"Archive member included\" "
      "section and the row object's relocations; functions inlined into their caller do not appear in a chain). "
      "mbedTLS is left out: its members are the crypto the row asks for.")
    p()
    p("| member | bytes | rows | referenced as | chain from `main` (first row) |")
    p("|---|---:|---|---|---|")
    seen_members = {}
    for r in built:
        mp = r["elf"][:-4] + ".map"
        refs = archive_refs(mp)
        per_member = collections.Counter()
        for _, _, size, obj in map_sections(mp):
            per_member[member(obj)] += size
        graph = None
        for mem, size in per_member.items():
            if size < 512 or origin(mem) in ("mbedTLS", "program (with logto-cpp inlined)", "board inputs (board.c)"):
                continue
            if mem in seen_members:
                seen_members[mem]["rows"].append(r["name"])
                continue
            # follow member -> member references up to the row's object
            ref, chain_libs, guard = refs.get(mem), [], 0
            while ref and "(" in os.path.basename(ref[0]) and guard < 8:
                chain_libs.append(member(ref[0]) + " (" + ref[1] + ")")
                ref, guard = refs.get(member(ref[0])), guard + 1
            chain = ""
            if ref and ref[0].endswith(".o"):
                if graph is None:
                    graph = call_graph(ref[0])
                    names = demangle(sorted(set(graph) | {t for v in graph.values() for t in v}))
                    short = demangle_short(sorted(set(graph) | {t for v in graph.values() for t in v}))
                found = path_from_main(graph, ref[1], names)
                chain = " → ".join("`" + short.get(n, n)[:90].replace("|", "&#124;") + "`" for n in found) if found \
                    else "(not found: referenced from an inlined body)"
                referenced = "`" + ref[1][:100].replace("|", "&#124;") + "`"
            else:
                referenced = "`" + (ref[1] if ref else "?") + "`"
            if chain_libs:
                referenced = " ← ".join(chain_libs[:2]) + " ← " + referenced
            seen_members[mem] = dict(size=size, rows=[r["name"]], ref=referenced, chain=chain)
    for mem, d in sorted(seen_members.items(), key=lambda kv: -kv[1]["size"]):
        p(f"| {mem} | {d['size']:,} | {', '.join(d['rows'])} | {d['ref']} | {d['chain']} |")
    p()
    # ---- the issue's smoke: what logto-cpp adds, per archive member / code area and per symbol
    if "smoke2" in data and by["smoke1"]["size"]:
        base_o, base_d = breakdown(map_sections(by["smoke1"]["elf"][:-4] + ".map"))
        o2, d2 = data["smoke2"]
        p("### Where the issue smoke's flash goes: (2) minus (1)")
        p()
        p(f"Program (2) is {by['smoke2']['size'][0]:,} B of flash, (1) {by['smoke1']['size'][0]:,} B: "
          f"**{by['smoke2']['size'][0] - by['smoke1']['size'][0]:+,} B** (goal: +20,480). Per origin and, inside it, "
          "per archive member (libraries) or per code area (the program's own object, where logto-cpp is "
          "inlined; functions it did not inline have their own section thanks to -ffunction-sections):")
        p()
        p("| origin | part | (2) | (1) | added |")
        p("|---|---|---:|---:|---:|")
        keys = set(d2) | set(base_d)
        delta = sorted(keys, key=lambda k: -(d2[k] - base_d[k]))
        shown = 0
        rest = 0
        for k in delta:
            dd = d2[k] - base_d[k]
            if dd == 0:
                continue
            if shown < 30 and abs(dd) >= 200:
                p(f"| {k[0]} | {k[1]} | {d2[k]:,} | {base_d[k]:,} | {dd:+,} |")
                shown += 1
            else:
                rest += dd
        p(f"| | everything else ({len([k for k in keys if d2[k] != base_d[k]]) - shown} parts) | | | {rest:+,} |")
        p()
        s2, s1 = nm_sizes(by["smoke2"]["elf"]), nm_sizes(by["smoke1"]["elf"])
        p("The 40 largest symbols (2) has and (1) has not (arm-none-eabi-nm -S -C; bytes):")
        p()
        p("| bytes | symbol |")
        p("|---:|---|")
        extra = sorted(((s2[n] - s1.get(n, 0), n) for n in s2 if s2[n] > s1.get(n, 0)), reverse=True)
        for size, name in extra[:40]:
            shown_name = name if len(name) <= 150 else name[:147] + "..."
            p(f"| {size:,} | `{shown_name.replace('|', '&#124;')}` |")
        p(f"| {sum(s for s, _ in extra[40:]):,} | the other {max(0, len(extra) - 40)} symbols |")
        p()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--short" in sys.argv[3:])
