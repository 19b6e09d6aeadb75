#!/usr/bin/env python3
"""Fails when a module of the app crate imports one it must not.

Reads every `crate::…` path in app/src (use declarations, brace groups and
inline paths alike), maps each file to its top-level module (app/src/forum.rs
and app/src/forum/** are `forum`) and checks every edge between top-level
modules against LAYERS below: a module may use its own layer's declared
neighbours and anything in a lower layer, never a higher one, and the graph
of modules has no cycle.

    scripts/check-layers.py            check; exit 1 on a violation
    scripts/check-layers.py --graph    print every edge with its count
"""

import pathlib
import re
import sys
from collections import defaultdict

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "app" / "src"

# Lowest first. A module may import any module of a lower layer; within a
# layer only the edges in ALLOWED_SIDEWAYS.
LAYERS = [
    # The floor: errors and small helpers that need nothing else.
    ["error", "slug", "return_path", "email"],
    # Infrastructure (ssr: database, clock, mail, limiter, tokens, Markdown,
    # the HTML shell) and form helpers; no feature.
    ["forms", "notice", "ssr", "table"],
    # Page pieces every feature uses.
    ["error_page", "shared_page", "chart", "description"],
    # Features, each its own folder; accounts is the one the others build on.
    ["accounts", "documents", "privacy", "forum", "moderation", "cla", "jobs", "mail_lists", "insights", "admin"],
    # The page frame, the home page and the composition root.
    ["layout", "home_page", "choices_page", "app", "features"],
]

# Edges between modules of one layer that the design allows.
ALLOWED_SIDEWAYS = {
    ("documents", "accounts"),
    ("privacy", "accounts"),
    ("privacy", "documents"),
    ("forum", "accounts"),
    ("moderation", "forum"),
    ("moderation", "accounts"),
    ("cla", "accounts"),
    ("cla", "documents"),
    ("jobs", "accounts"),
    ("jobs", "privacy"),
    ("mail_lists", "accounts"),
    ("mail_lists", "privacy"),
    ("insights", "accounts"),
    ("admin", "accounts"),
    ("admin", "forum"),
    ("admin", "jobs"),
    ("admin", "cla"),
    ("admin", "moderation"),
    ("admin", "privacy"),
    ("admin", "mail_lists"),
    ("app", "layout"),
    ("app", "home_page"),
    ("app", "choices_page"),
    ("home_page", "layout"),
}

# Edges that break the layering today, each to be removed by the
# architecture work; the check fails on any edge not listed here, and on a
# listed edge that no longer exists (so this list only ever shrinks).
KNOWN = {
    ("accounts", "documents"),
    ("forum", "moderation"),
}

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip(source):
    """Source without comments, string and character literals."""
    out, i, n = [], 0, len(source)
    char = re.compile(r"'(?:\\(?:u\{[0-9a-fA-F]+\}|.)|[^\\'])'")
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            i = source.find("\n", i)
            i = n if i < 0 else i
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c == "r" and (i == 0 or not (source[i - 1].isalnum() or source[i - 1] == "_")) \
                and re.match(r'r#*"', source[i:]):
            hashes = re.match(r"r(#*)", source[i:]).group(1)
            end = source.find('"' + hashes, i + len(hashes) + 2)
            i = n if end < 0 else end + 1 + len(hashes)
            out.append('""')
        elif c == '"':
            i += 1
            while i < n and source[i] != '"':
                i += 2 if source[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and char.match(source, i):
            i = char.match(source, i).end()
            out.append("' '")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def group_heads(text, start):
    """The first segment of each path in the brace group opening at start."""
    depth, item, heads, i = 0, "", [], start
    while i < len(text):
        c = text[i]
        if c == "{":
            depth += 1
            if depth == 1:
                item = ""
                i += 1
                continue
        elif c == "}":
            depth -= 1
            if depth == 0:
                heads.append(item)
                break
        elif c == "," and depth == 1:
            heads.append(item)
            item = ""
            i += 1
            continue
        if depth >= 1:
            item += c
        i += 1
    out = []
    for item in heads:
        match = re.match(r"\s*(" + IDENT + ")", item)
        if match and match.group(1) not in ("self", "super", "crate"):
            out.append(match.group(1))
    return out


def module_of(path):
    parts = path.relative_to(SRC).parts
    name = parts[0].removesuffix(".rs")
    return None if name in ("lib", "main") else name


def edges():
    counts = defaultdict(int)
    for path in sorted(SRC.rglob("*.rs")):
        here = module_of(path)
        text = strip(path.read_text())
        for match in re.finditer(r"\bcrate::(\{|" + IDENT + ")", text):
            heads = (group_heads(text, match.start(1)) if match.group(1) == "{"
                     else [match.group(1)])
            for head in heads:
                if here is not None and head != here:
                    counts[(here, head)] += 1
    return counts


def layer_of(module):
    for index, layer in enumerate(LAYERS):
        if module in layer:
            return index
    return None


def cycles(graph):
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def main():
    counts = edges()
    if "--graph" in sys.argv:
        for (a, b), n in sorted(counts.items()):
            print(f"{a} -> {b}: {n}")
        return 0
    problems = []
    for (a, b), n in sorted(counts.items()):
        la, lb = layer_of(a), layer_of(b)
        if la is None or lb is None:
            problems.append(f"{a} -> {b}: module without a layer in scripts/check-layers.py")
            continue
        allowed = lb < la or (la == lb and (a, b) in ALLOWED_SIDEWAYS)
        if not allowed and (a, b) not in KNOWN:
            problems.append(f"{a} -> {b} ({n} uses): a lower or unrelated module imported")
    for edge in sorted(KNOWN - set(counts)):
        problems.append(f"{edge[0]} -> {edge[1]} is gone: delete it from KNOWN")
    whole, checked = defaultdict(set), defaultdict(set)
    for (a, b) in counts:
        for graph in (whole, checked):
            graph.setdefault(b, set())
        whole[a].add(b)
        if (a, b) not in KNOWN:
            checked[a].add(b)
    for cycle in cycles(checked):
        problems.append("import cycle: " + " -> ".join(cycle))
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"layers: {len(counts)} imports between modules, {len(KNOWN)} known upward ones "
          f"left, {len(cycles(whole))} cycles through them")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
