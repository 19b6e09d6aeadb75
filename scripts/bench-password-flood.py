#!/usr/bin/env python3
"""A flood of password work against a fresh portal, and what it costs
everyone else.

Starts `portal` (release build by default) on a fresh SQLite database with
the per-address sign-in limit lifted, so that every request of the flood
reaches the password code. Then, for --seconds:
  - --concurrency clients post made-up password-reset tokens,
  - --concurrency clients post sign-ins for unknown logins (each costs an
    Argon2 hash against a dummy, unless the hashing pool is full),
  - one prober asks for /healthz and one for the forum page, one request
    at a time, timing each answer;
and samples the server's resident memory. Prints the attackers' answers
by status, the probers' p50/p99, and the largest RSS.

    scripts/build-site.sh
    scripts/bench-password-flood.py [--bin target/release/portal] [--concurrency 200] [--seconds 20]
"""

import argparse
import collections
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url, form):
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except Exception:  # connection refused, reset, timeout
        return "error"


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except Exception:
        return "error"


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(values, share):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(share * len(values)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default="target/release/portal")
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--only", choices=["reset", "sign_in"], help="flood with one kind of request only")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="portal-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        PORTAL_LISTEN=f"127.0.0.1:{port}",
        PORTAL_BASE_URL=base,
        PORTAL_DATABASE_URL=f"sqlite://{folder}/portal.db?mode=rwc",
        PORTAL_MAIL_DIR=f"{folder}/mail",
        PORTAL_UPLOAD_DIR=f"{folder}/uploads",
        PORTAL_SECRET_KEY_FILE=f"{folder}/secret.key",
        PORTAL_SIGN_INS_PER_IP_PER_10_MINUTES="100000",
        PORTAL_LOG="warn",
    )
    server = subprocess.Popen([args.bin, "serve"], env=env)
    try:
        for _ in range(300):
            if get(f"{base}/healthz") == 200:
                break
            time.sleep(0.1)
        else:
            sys.exit("the portal did not start")
        idle_rss = rss_mb(server.pid)

        stop = time.monotonic() + args.seconds
        answers = collections.Counter()
        lock = threading.Lock()

        def attacker(kind):
            while time.monotonic() < stop:
                if kind == "reset":
                    status = post(
                        f"{base}/api/account/reset-password",
                        {"token": secrets.token_urlsafe(32), "password": "violet kettle orbit lamp"},
                    )
                else:
                    status = post(
                        f"{base}/api/account/sign-in",
                        {"login": "nobody" + secrets.token_hex(6), "password": "a guess that is wrong"},
                    )
                with lock:
                    answers[(kind, status)] += 1

        timings = collections.defaultdict(list)

        def prober(path):
            while time.monotonic() < stop:
                started = time.monotonic()
                status = get(base + path)
                elapsed = (time.monotonic() - started) * 1000
                timings[path].append((elapsed, status))

        peak = [idle_rss]

        def sampler():
            while time.monotonic() < stop:
                peak[0] = max(peak[0], rss_mb(server.pid))
                time.sleep(0.2)

        threads = [threading.Thread(target=attacker, args=(kind,))
                   for kind in ("reset", "sign_in") if args.only in (None, kind)
                   for _ in range(args.concurrency)]
        threads += [threading.Thread(target=prober, args=(path,)) for path in ("/healthz", "/forum")]
        threads.append(threading.Thread(target=sampler))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        print(f"flood: {args.concurrency} reset + {args.concurrency} sign-in clients for {args.seconds:.0f} s")
        for (kind, status), count in sorted(answers.items(), key=str):
            print(f"  {kind:8} {status}: {count}")
        for path, rows in timings.items():
            ms = [elapsed for elapsed, _ in rows]
            bad = sum(1 for _, status in rows if status != 200)
            print(f"{path:9} {len(ms)} requests, p50 {percentile(ms, 0.5):.1f} ms, "
                  f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms, not 200: {bad}")
        print(f"RSS: {idle_rss:.0f} MB idle, {peak[0]:.0f} MB peak, {rss_mb(server.pid):.0f} MB after")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
