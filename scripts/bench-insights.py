#!/usr/bin/env python3
"""What recording page views costs a page: bursts of page requests from
browsers (a real User-Agent, so that every request is recorded) against
the same portal with PORTAL_INSIGHTS on and off, in alternating rounds.

    scripts/bench-insights.py --bin target/release/portal [--posts 60000]
        [--rounds 5] [--requests 1000] [--connections 32]

Each round is a burst of --requests requests (wrk, at --connections),
spread over the home page, the forum and thread pages, as a visitor
without a session sees them (so mostly from the page cache: the cheapest
pages, where recording weighs most). Prints p50 and p99 per round and the
medians' ratio on/off.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the benchmark's helpers)

SCRIPT = """
local limit = tonumber(os.getenv("BURST_PER_THREAD") or "500")
local done = 0
response = function(status, headers, body)
  done = done + 1
  if done >= limit then wrk.thread:stop() end
end
local paths = {"/", "/forum", "/jobs", "/privacy", "/newsletter", "/account/sign-in",
               "/account/register", "/privacy/requests"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[n % #paths + 1], {
    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    ["Accept-Language"] = "en-GB,en;q=0.8",
    ["Referer"] = "https://news.example.net/item",
  })
end
"""


def burst(base, script, requests, connections, seconds):
    """One burst: wrk's two threads stop after `requests` answers in all.
    (wrk still waits out its duration, so `seconds` should be just enough;
    its requests/s are then meaningless, its latencies are not.)"""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, base + "/"]
    env = dict(os.environ, BURST_PER_THREAD=str(requests // 2))
    output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    return bench.parse_wrk(output)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default="target/release/portal")
    parser.add_argument("--posts", type=int, default=60000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="portal-bench-insights-")
    try:
        seeded = os.path.join(work, "seeded.db")
        env = dict(os.environ, DATABASE_URL=f"sqlite://{seeded}?mode=rwc",
                   PORTAL_SECRET_KEY_FILE=os.path.join(work, "secret.key"),
                   PORTAL_MAIL_DIR=os.path.join(work, "mail"), PORTAL_LOG="warn")
        subprocess.run([args.bin, "seed", "--posts", str(args.posts)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        script = os.path.join(work, "pages.lua")
        with open(script, "w") as f:
            f.write(SCRIPT)
        results = {"on": [], "off": []}
        for round_ in range(args.rounds):
            for mode in ("on", "off") if round_ % 2 == 0 else ("off", "on"):
                database = os.path.join(work, f"{mode}.db")
                shutil.copyfile(seeded, database)
                port = bench.free_port()
                base = f"http://127.0.0.1:{port}"
                server_env = dict(env, DATABASE_URL=f"sqlite://{database}?mode=rwc",
                                  PORTAL_LISTEN=f"127.0.0.1:{port}", PORTAL_BASE_URL=base,
                                  PORTAL_INSIGHTS="true" if mode == "on" else "false",
                                  # One address stands for many visitors here.
                                  PORTAL_INSIGHTS_VIEWS_PER_MINUTE="60000",
                                  PORTAL_HOUSEKEEPING="false", PORTAL_MAIL_WORKER="false")
                server = subprocess.Popen([args.bin, "serve"], env=server_env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    bench.wait_ready(base, server)
                    # Warm the page cache and the pools, and learn the rate.
                    warm = burst(base, script, 10**9, args.connections, 2)
                    seconds = max(1, int(2 * args.requests / max(warm["rps"], 1)) + 1)
                    figures = burst(base, script, args.requests, args.connections, seconds)
                    results[mode].append(figures)
                    figures["rps"] = warm["rps"]
                    print(f"round {round_ + 1} {mode:3}: {figures['requests']:6} requests, "
                          f"{warm['rps']:8.0f}/s sustained, p50 {figures['p50']:.2f} ms, "
                          f"p99 {figures['p99']:.2f} ms, errors {figures['errors']}")
                finally:
                    server.terminate()
                    server.wait(timeout=10)
                time.sleep(0.5)
        median = {mode: {key: statistics.median(r[key] for r in rounds) for key in ("p50", "p99", "rps")}
                  for mode, rounds in results.items()}
        for mode in ("off", "on"):
            m = median[mode]
            print(f"median {mode:3}: {m['rps']:.0f}/s, p50 {m['p50']:.2f} ms, p99 {m['p99']:.2f} ms")
        print(f"p99 on/off: {median['on']['p99'] / median['off']['p99']:.3f}, "
              f"p50 on/off: {median['on']['p50'] / median['off']['p50']:.3f}, "
              f"throughput on/off: {median['on']['rps'] / median['off']['rps']:.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
