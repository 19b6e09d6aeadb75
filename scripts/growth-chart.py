#!/usr/bin/env python3
"""Draws docs/growth.svg from the benchmark's results: throughput and p99 of
the main pages against the size of the forum, on both back ends, with the
page cache off. Run the benchmark first at each size, for example:

    for posts in 10000 100000 1000000; do
      PORTAL_PAGE_CACHE_SECONDS=0 scripts/bench.sh --posts $posts --only forum,category,thread,search
      PORTAL_PAGE_CACHE_SECONDS=0 scripts/bench.sh --posts $posts --backend postgres --only forum,category,thread,search
    done
    scripts/growth-chart.py

It reads target/bench/<backend>-<posts>.json and writes a plain SVG (no
plotting library needed).
"""

import json
import os
import sys
from html import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = [10_000, 100_000, 1_000_000]
BACKENDS = [("sqlite", "SQLite", ""), ("postgres", "PostgreSQL", "6 4")]
SCENARIOS = [
    ("forum index", "forum index", "#1b6ca8"),
    ("category page", "category page", "#2e8b57"),
    ("thread, first page (500 replies)", "thread page", "#c0392b"),
    ("search, varied words", "search, varied words", "#8e44ad"),
]
PANELS = [("served", "pages served per second (64 connections)"), ("p99", "p99 latency, ms (every answer)")]
WIDTH, HEIGHT = 960, 420
PANEL_W, PANEL_H = 380, 280
LEFT, TOP = 70, 50


def load():
    results = {}
    for backend, _, _ in BACKENDS:
        for posts in SIZES:
            path = os.path.join(ROOT, "target/bench", f"{backend}-{posts}.json")
            if not os.path.exists(path):
                sys.exit(f"missing {path}: run the benchmark at {posts} posts on {backend} first")
            with open(path) as f:
                data = json.load(f)
            for row in data["scenarios"]:
                # Answers that were not refused: a search past its bound is
                # answered 503 at once, and those are not throughput.
                row["served"] = (row["requests"] - row["errors"]) / data["seconds"]
                results[(backend, posts, row["scenario"])] = row
    return results


def nice_top(value):
    """The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that holds value."""
    magnitude = 10 ** (len(str(int(value))) - 1)
    return next(step * magnitude for step in (1, 2, 2.5, 5, 10) if step * magnitude >= value)


def panel(out, results, key, title, x0):
    values = [results[(b, p, s)][key] for b, _, _ in BACKENDS for p in SIZES for s, _, _ in SCENARIOS
              if (b, p, s) in results]
    top = nice_top(max(values) * 1.05)
    out.append(f'<text x="{x0 + PANEL_W / 2}" y="{TOP - 18}" text-anchor="middle" font-weight="bold">{escape(title)}</text>')
    out.append(f'<rect x="{x0}" y="{TOP}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#999"/>')
    for i in range(5):
        value = top * i / 4
        y = TOP + PANEL_H - PANEL_H * i / 4
        out.append(f'<line x1="{x0}" y1="{y}" x2="{x0 + PANEL_W}" y2="{y}" stroke="#eee"/>')
        out.append(f'<text x="{x0 - 6}" y="{y + 4}" text-anchor="end">{value:,.0f}</text>')
    xs = [x0 + 30 + (PANEL_W - 60) * i / (len(SIZES) - 1) for i in range(len(SIZES))]
    for x, posts in zip(xs, SIZES):
        out.append(f'<text x="{x}" y="{TOP + PANEL_H + 18}" text-anchor="middle">{posts:,} posts</text>')
    for backend, _, dash in BACKENDS:
        for scenario, _, colour in SCENARIOS:
            points = [(x, results[(backend, posts, scenario)][key]) for x, posts in zip(xs, SIZES)
                      if (backend, posts, scenario) in results]
            if len(points) < 2:
                continue
            path = " ".join(f"{x:.1f},{TOP + PANEL_H - PANEL_H * v / top:.1f}" for x, v in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
                       + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
            for x, v in points:
                out.append(f'<circle cx="{x:.1f}" cy="{TOP + PANEL_H - PANEL_H * v / top:.1f}" r="3" fill="{colour}"/>')


def main():
    results = load()
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12" role="img" '
           f'aria-label="Throughput and p99 latency of the main pages against forum size, SQLite and PostgreSQL, page cache off">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>']
    for n, (key, title) in enumerate(PANELS):
        panel(out, results, key, title, LEFT + n * (PANEL_W + 100))
    y = TOP + PANEL_H + 45
    x = LEFT
    for _, label, colour in SCENARIOS:
        out.append(f'<line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="{colour}" stroke-width="3"/>')
        out.append(f'<text x="{x + 30}" y="{y + 4}">{escape(label)}</text>')
        x += 180
    y += 22
    x = LEFT
    for _, label, dash in BACKENDS:
        out.append(f'<line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="#333" stroke-width="2"'
                   + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        out.append(f'<text x="{x + 30}" y="{y + 4}">{escape(label)}</text>')
        x += 180
    out.append("</svg>")
    target = os.path.join(ROOT, "docs/growth.svg")
    with open(target, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"written to {target}")


if __name__ == "__main__":
    main()
