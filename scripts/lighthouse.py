#!/usr/bin/env python3
"""Lighthouse scores of the public pages, as a visitor on a phone sees them.

Starts `portal` (release build by default) on a fresh SQLite database
seeded with a small community, runs Lighthouse (mobile, the default
throttling) with the system's Chromium on each public page — home, forum,
a category, a thread, jobs, a job, contribute, privacy, sign-in,
register — and prints the four category scores of each, with the lowest
of each column last.

    scripts/build-site.sh
    scripts/lighthouse.py [--bin target/release/portal] [--site target/site] [--posts 2000]

Lighthouse itself is installed on first use into .tools/lighthouse (from
the npm registry); Chromium is the one the test setup installs.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIGHTHOUSE_VERSION = "12"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def lighthouse_bin():
    folder = os.path.join(ROOT, ".tools", "lighthouse")
    binary = os.path.join(folder, "node_modules", ".bin", "lighthouse")
    if not os.path.exists(binary):
        os.makedirs(folder, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", folder, "--no-audit", "--no-fund", "--silent",
                        f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)
    return binary


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("lighthouse.py: no Chromium found (scripts/setup.sh installs it)")


def first_link(html, pattern):
    match = re.search(r'href="(' + pattern + r')"', html)
    return match.group(1) if match else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target/release/portal"))
    parser.add_argument("--site", default=os.path.join(ROOT, "target/site"))
    parser.add_argument("--posts", type=int, default=2000)
    args = parser.parse_args()

    lighthouse = lighthouse_bin()
    browser = chromium()
    work = tempfile.mkdtemp(prefix="portal-lighthouse-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update({
        "PORTAL_LOG": "warn",
        "PORTAL_SITE_ROOT": os.path.abspath(args.site),
        "PORTAL_DATABASE_URL": f"sqlite://{os.path.join(work, 'portal.db')}?mode=rwc",
        "PORTAL_MAIL_DIR": os.path.join(work, "mail"),
        "PORTAL_UPLOAD_DIR": os.path.join(work, "uploads"),
        "PORTAL_SECRET_KEY_FILE": os.path.join(work, "secret.key"),
        "PORTAL_LISTEN": f"127.0.0.1:{port}",
        "PORTAL_BASE_URL": base,
        # Lighthouse's own requests are not visits worth counting.
        "PORTAL_INSIGHTS": "false",
    })
    subprocess.run([args.bin, "seed", "--posts", str(args.posts)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    server = subprocess.Popen([args.bin, "serve"], env=env, cwd=ROOT)
    try:
        for _ in range(200):
            try:
                fetch(base + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        forum = fetch(base + "/forum")
        category = first_link(forum, r"/forum/c/[0-9]+-[a-z0-9-]+")
        thread = first_link(fetch(base + category), r"/forum/t/[0-9]+-[a-z0-9-]+") if category else None
        job = first_link(fetch(base + "/jobs"), r"/jobs/[0-9]+-[a-z0-9-]+")
        pages = [("home", "/"), ("forum", "/forum"), ("category", category), ("thread", thread),
                 ("jobs", "/jobs"), ("job", job), ("contribute", "/contribute"),
                 ("privacy", "/privacy"), ("sign-in", "/account/sign-in"),
                 ("register", "/account/register")]
        rows = []
        for name, path in pages:
            if not path:
                print(f"lighthouse.py: no {name} page found", file=sys.stderr)
                continue
            report = os.path.join(work, f"{name}.json")
            subprocess.run([lighthouse, base + path, "--quiet", "--output=json", f"--output-path={report}",
                            f"--chrome-path={browser}",
                            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                            "--only-categories=" + ",".join(CATEGORIES)],
                           env={**env, "CHROME_PATH": browser}, check=True)
            with open(report) as f:
                result = json.load(f)
            scores = result["categories"]
            rows.append((name, path, [round(scores[c]["score"] * 100) for c in CATEGORIES]))
            if scores["performance"]["score"] < 0.95:
                metrics = ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                           "cumulative-layout-shift", "speed-index"]
                print(f"{name}: performance: " + ", ".join(
                    f"{m} {result['audits'][m].get('displayValue', '?')}" for m in metrics), file=sys.stderr)
            # What cost points outside performance, to fix.
            for category in CATEGORIES[1:]:
                for ref in scores[category]["auditRefs"]:
                    audit = result["audits"].get(ref["id"], {})
                    if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                        print(f"{name}: {category}: {ref['id']} ({audit.get('title', '')})", file=sys.stderr)
        print("| page | path | performance | accessibility | best practices | SEO |")
        print("|---|---|---:|---:|---:|---:|")
        for name, path, scores in rows:
            print(f"| {name} | `{path}` | " + " | ".join(str(s) for s in scores) + " |")
        if rows:
            lowest = [min(r[2][i] for r in rows) for i in range(len(CATEGORIES))]
            print("| **lowest** | | " + " | ".join(f"**{s}**" for s in lowest) + " |")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
