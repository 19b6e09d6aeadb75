#!/usr/bin/env python3
"""The portal's benchmark: every hot page against a ceiling, on one machine.

Seeds a database with `portal seed` (or reuses one seeded before with the
same size), starts the release portal on it, warms up, and drives each
scenario with wrk at a fixed concurrency. Beside every figure stands the
ceiling: a bare axum handler (`portal bench-ceiling`, server/src/bench_ceiling.rs)
that answers
with the same bytes as the thread page from memory, on the same machine in
the same run — so each result is also a ratio that holds across machines.

Run it through scripts/bench.sh, which builds what it needs:

    scripts/bench.sh [--posts 60000] [--backend sqlite|postgres] [--seconds 10] [--connections 64]
    scripts/bench.sh --posts 1000000 --soak 10 --connections 16

Writes target/bench/<backend>-<posts>.md (a Markdown table) and .json; a
soak writes target/bench/soak-<backend>-<posts>.md. BENCH_MEMBERS sets how
many seeded members sign in for the writes (600, or 3,000 for a soak).
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
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "seeded member password"
RARE_WORD = "quasarflux"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, data=None, follow=True, headers=None):
    """(status, final url, headers, body) of one request."""
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.geturl(), response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, url, error.headers, error.read()


def wait_ready(base, process, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit("the server stopped while starting")
        try:
            if fetch(base + "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"{base} did not become ready")


def rss_mb(pid, field="VmRSS:"):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def to_ms(text):
    number = float(re.match(r"[\d.]+", text).group())
    unit = text[len(re.match(r"[\d.]+", text).group()):]
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}.get(unit, 1.0)


def parse_wrk(output):
    figures = {"rps": 0.0, "p50": None, "p99": None, "max": None, "errors": 0, "requests": 0}
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("Requests/sec:"):
            figures["rps"] = float(line.split()[1])
        elif line.startswith("Latency") and len(line.split()) >= 4:
            figures["max"] = to_ms(line.split()[3])
        elif re.match(r"^50(\.0+)?%", line):
            figures["p50"] = to_ms(line.split()[1])
        elif re.match(r"^99(\.0+)?%", line):
            figures["p99"] = to_ms(line.split()[1])
        elif line.startswith("Non-2xx or 3xx responses:"):
            figures["errors"] += int(line.split(":")[1])
        elif line.startswith("Socket errors:"):
            figures["errors"] += sum(int(n) for n in re.findall(r"\d+", line))
        m = re.match(r"(\d+) requests in", line)
        if m:
            figures["requests"] = int(m.group(1))
    return figures


def wrk(url, args, pid, script=None):
    """Runs wrk against url, sampling the server's memory meanwhile."""
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", script]
    process = subprocess.Popen(command + [url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, rss_mb(pid))
        time.sleep(0.1)
    output = process.stdout.read()
    figures = parse_wrk(output)
    figures["rss_peak_mb"] = round(peak, 1)
    if figures["requests"] == 0:
        print(output, file=sys.stderr)
    return figures


def lua(folder, name, text):
    path = os.path.join(folder, name + ".lua")
    with open(path, "w") as f:
        f.write(text)
    return path


def first_link(html, pattern):
    m = re.search(pattern, html)
    return m.group(0) if m else None


def sign_in(base, members):
    """Session cookies of the seeded members 1..members, signed in four at
    a time, each having accepted the privacy policy in force."""
    from concurrent.futures import ThreadPoolExecutor

    def one(n):
        body = urllib.parse.urlencode({"login": f"member{n:06}", "password": PASSWORD}).encode()
        _, _, headers, _ = fetch(base + "/api/account/sign-in", data=body, follow=False,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
        for cookie in headers.get_all("Set-Cookie") or []:
            pair = cookie.split(";")[0]
            if "session" in pair.split("=")[0]:
                return pair
        return None

    # Members seeded before the policy's newest material version have not
    # accepted it, and may not post until they do: accept it for them.
    privacy = fetch(base + "/privacy")[3].decode()
    found = re.search(r'<code class="hash">([0-9a-f]{64})', privacy)
    accept = urllib.parse.urlencode({"sha256": found.group(1) if found else ""}).encode()

    def accepted(cookie):
        if cookie:
            fetch(base + "/api/privacy/accept", data=accept, follow=False,
                  headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        return cookie

    with ThreadPoolExecutor(4) as pool:
        return [c for c in pool.map(lambda n: accepted(one(n)), range(1, members + 1)) if c]


def anon_mb(pid):
    """The server's anonymous resident memory: its heap, without the file
    pages SQLite's memory map brings in (those count in RSS too, and the
    kernel drops them under pressure)."""
    return rss_mb(pid, "RssAnon:")


def open_files(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def transfer(base, category, thread):
    """What the first load of each public page downloads: its HTML, and
    the WebAssembly and JavaScript it loads, as a browser that accepts
    brotli receives them. [(page, html bytes, script bytes)]."""
    jobs = fetch(base + "/jobs")[3].decode()
    job = first_link(jobs, r"/jobs/[0-9]+[a-z0-9-]*")
    pages = [("home", "/"), ("forum", "/forum"), ("category", category), ("thread", thread),
             ("jobs", "/jobs"), ("a job", job), ("contribute", "/contribute"),
             ("privacy", "/privacy"), ("sign-in", "/account/sign-in"),
             ("register", "/account/register")]
    brotli = {"Accept-Encoding": "br"}
    rows = []
    for name, path in pages:
        if not path:
            continue
        status, _, _, html = fetch(base + path, headers=brotli)
        text = fetch(base + path)[3].decode()
        assets = set(re.findall(r'<link rel="(?:modulepreload|preload)" href="([^"]+\.(?:js|wasm))"', text))
        assets |= set(re.findall(r'<script[^>]* src="([^"]+)"', text))
        scripts = sum(len(fetch(base + asset, headers=brotli)[3]) for asset in assets)
        rows.append((name, len(html), scripts))
    return rows


def soak(args, base, pid, cookies, work, out_dir):
    """A long run at a mixed load, sampling the server's memory and open
    files: the long tail of threads and category pages, searches, and one
    request in twenty a write (a reply by one of the signed-in members);
    every page served is also a page view for the visit statistics. Fails
    if any answer is a 5xx."""
    forum = fetch(base + "/forum")[3].decode()
    threads = int(args.posts) // 3
    categories = sorted(set(re.findall(r'href="(/forum/c/[0-9]+-[a-z0-9-]+)"', forum)))
    with open(os.path.join(ROOT, "server/src/seed.rs")) as f:
        seed_source = f.read()
    vocabulary = re.findall(r'"([a-z]+)"', seed_source.split("const WORDS")[1].split("];")[0])
    script = lua(work, "soak", """
local cookies = {%s}
local categories = {%s}
local words = {%s}
local threads = %d
local seen = {}
function setup(thread)
  table.insert(seen, thread)
  thread:set("seed", #seen)
end
function init(args)
  math.randomseed(os.time() * 100 + (seed or 0))
  statuses = {}
end
local agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
local n = 0
request = function()
  n = n + 1
  local pick = math.random(100)
  if pick <= 5 then
    local cookie = cookies[math.random(#cookies)]
    return wrk.format("POST", "/api/forum/reply",
      {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie},
      "thread=" .. math.random(threads) .. "&body=A+soak+reply+with+enough+words+to+be+a+real+post+" .. n)
  elseif pick <= 60 then
    return wrk.format("GET", "/forum/t/" .. math.random(threads), {["User-Agent"] = agent})
  elseif pick <= 80 then
    local page = math.random(40)
    return wrk.format("GET", categories[math.random(#categories)] .. "?page=" .. page, {["User-Agent"] = agent})
  elseif pick <= 90 then
    return wrk.format("GET", "/forum/search?q=" .. words[math.random(#words)], {["User-Agent"] = agent})
  else
    return wrk.format("GET", "/forum", {["User-Agent"] = agent})
  end
end
response = function(status, headers, body)
  local class = math.floor(status / 100) .. "xx"
  if status == 404 or status == 429 or status == 503 then class = tostring(status) end
  statuses[class] = (statuses[class] or 0) + 1
end
done = function(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(seen) do
    local counts = thread:get("statuses")
    for class, count in pairs(counts) do
      total[class] = (total[class] or 0) + count
    end
  end
  for class, count in pairs(total) do
    io.write(string.format("status %%s %%d\\n", class, count))
  end
end
""" % (", ".join(json.dumps(c) for c in cookies), ", ".join(json.dumps(c) for c in categories),
       ", ".join(json.dumps(w) for w in vocabulary), threads))
    seconds = int(args.soak * 60)
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
               "-s", script, base + "/"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    samples = []
    started = time.time()
    while process.poll() is None:
        samples.append((round(time.time() - started), round(rss_mb(pid), 1), open_files(pid),
                        round(anon_mb(pid), 1)))
        time.sleep(10)
    output = process.stdout.read()
    figures = parse_wrk(output)
    statuses = dict(re.findall(r"^status (\S+) (\d+)$", output, re.M))
    statuses = {k: int(v) for k, v in statuses.items()}
    if not statuses:
        print(output, file=sys.stderr)
    # Memory after the first minute (caches filled) against the end.
    warm = [rss for at, rss, _, _ in samples if at >= 60] or [0.0]
    anon = [heap for at, _, _, heap in samples if at >= 60] or [0.0]
    lines = [
        f"Soak: backend {args.backend}, {args.posts:,} posts, {args.connections} connections, "
        f"{args.soak:g} minutes, {os.cpu_count()} cores.",
        "",
        f"- requests: {figures['requests']:,} ({figures['rps']:.0f}/s), p50 {figures['p50']} ms, "
        f"p99 {figures['p99']} ms, max {figures['max']} ms",
        "- answers: " + ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items())),
        f"- RSS: {samples[0][1] if samples else 0} MB at the start, {warm[0]} MB after a minute, "
        f"{max(warm)} MB at most after that, {samples[-1][1] if samples else 0} MB at the end",
        f"- anonymous memory (the heap, without mapped file pages): {anon[0]} MB after a minute, "
        f"{max(anon)} MB at most after that, {samples[-1][3] if samples else 0} MB at the end",
        f"- open files: {min(s[2] for s in samples) if samples else 0} to "
        f"{max(s[2] for s in samples) if samples else 0}",
        "",
        "| second | RSS MB | anonymous MB | open files |",
        "|---:|---:|---:|---:|",
    ] + [f"| {at} | {rss} | {heap} | {files} |" for at, rss, files, heap in samples[::6] + samples[-1:]]
    stem = os.path.join(out_dir, f"soak-{args.backend}-{args.posts}")
    with open(stem + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nwritten to {stem}.md")
    if statuses.get("5xx"):
        sys.exit(f"{statuses['5xx']} answers were server errors")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target/release/portal"))
    parser.add_argument("--posts", type=int, default=60000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres", default=os.environ.get("PORTAL_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--only", help="comma-separated words; runs the scenarios whose names contain one, e.g. thread,search")
    parser.add_argument("--soak", type=float, metavar="MINUTES",
                        help="instead of the scenarios, a mixed load for this long, sampling memory and open files")
    args = parser.parse_args()

    out_dir = os.path.join(ROOT, "target/bench")
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="portal-bench-")
    env = dict(os.environ)
    env.update({
        "PORTAL_LOG": "warn",
        "PORTAL_SITE_ROOT": os.path.join(ROOT, "target/site"),
        "PORTAL_MAIL_DIR": os.path.join(work, "mail"),
        "PORTAL_UPLOAD_DIR": os.path.join(work, "uploads"),
        "PORTAL_SECRET_KEY_FILE": os.path.join(out_dir, "bench-secret.key"),
        # The benchmark measures the pages, not the per-address limits that
        # one load generator on one address would hit at once.
        "PORTAL_SIGN_INS_PER_IP_PER_10_MINUTES": "100000",
        "PORTAL_FORUM_POSTS_PER_IP_PER_10_MINUTES": "100000",
        "PORTAL_FORUM_HELD_POSTS": "0",
        # The CLA status run asks from many addresses, as many CI bots do.
        "PORTAL_TRUST_FORWARDED_FOR": "true",
    })
    if args.backend == "sqlite":
        database = os.path.join(out_dir, f"bench-{args.posts}.db")
        env["DATABASE_URL"] = f"sqlite://{database}?mode=rwc"
        fresh = not os.path.exists(database)
    else:
        name = f"portal_bench_{args.posts}"
        base_pg = args.postgres.rstrip("/")
        exists = subprocess.run(["psql", base_pg + "/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                                capture_output=True, text=True).stdout.strip() == "1"
        if not exists:
            subprocess.run(["psql", base_pg + "/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
        env["DATABASE_URL"] = f"{base_pg}/{name}"
        fresh = not exists
    for key in ("PORTAL_DATABASE_URL",):
        env.pop(key, None)

    if fresh:
        started = time.time()
        subprocess.run([args.bin, "seed", "--posts", str(args.posts)], env=env, check=True)
        print(f"seeded {args.posts} posts in {time.time() - started:.1f} s")
    else:
        print(f"reusing the database seeded before ({args.backend}, {args.posts} posts)")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env["PORTAL_LISTEN"] = f"127.0.0.1:{port}"
    env["PORTAL_BASE_URL"] = base
    server = subprocess.Popen([args.bin, "serve"], env=env, cwd=ROOT)
    ceiling = None
    try:
        wait_ready(base, server)
        idle_rss = rss_mb(server.pid)

        # Find the addresses to drive.
        forum = fetch(base + "/forum")[3].decode()
        category = first_link(forum, r"/forum/c/[0-9]+-[a-z0-9-]+")
        long_thread = fetch(base + "/forum/t/1")[1]
        long_path = urllib.parse.urlsplit(long_thread).path
        status, _, _, page = fetch(base + long_path)
        last_page = None
        pages = re.findall(r'href="(' + re.escape(long_path) + r'\?page=(\d+))"', page.decode())
        if pages:
            last_page = max(pages, key=lambda p: int(p[1]))[0]
        thread_bytes = os.path.join(work, "thread.html")
        with open(thread_bytes, "wb") as f:
            f.write(page)

        ceiling_port = free_port()
        ceiling = subprocess.Popen([args.bin, "bench-ceiling", "--port", str(ceiling_port), "--file", thread_bytes], env=env)
        for _ in range(100):
            try:
                if fetch(f"http://127.0.0.1:{ceiling_port}/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)

        # Sessions for the mixed run: members who sign in once. Enough that
        # the mixed run stays under the per-member posting limit (10 posts in
        # 10 minutes), even run twice in a row; the soak posts for longer.
        cookies = sign_in(base, int(os.environ.get("BENCH_MEMBERS", 3000 if args.soak else 600)))
        thread_id = re.match(r"/forum/t/(\d+)", long_path).group(1)
        if args.soak:
            soak(args, base, server.pid, cookies, work, out_dir)
            return

        scripts = {
            "sign_in": lua(work, "sign_in", f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local n = 0
request = function()
  n = n + 1
  local login = string.format("member%06d", (n * 7919) % 2000 + 1)
  return wrk.format(nil, "/api/account/sign-in", nil, "login=" .. login .. "&password=seeded+member+password")
end
"""),
            "cla_status": lua(work, "cla_status", """
local n = 0
request = function()
  n = n + 1
  local address = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  return wrk.format("GET", "/api/cla/v1/status?github=member" .. string.format("%06d", n % 2000 + 1) .. "-gh",
    {["X-Forwarded-For"] = address})
end
"""),
            "mixed": lua(work, "mixed", """
local cookies = {%s}
local reads = {"/forum", "%s", "%s", "/jobs"}
local n = 0
request = function()
  n = n + 1
  if n %% 20 == 0 and #cookies > 0 then
    local cookie = cookies[(n / 20) %% #cookies + 1]
    return wrk.format("POST", "/api/forum/reply",
      {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie},
      "thread=%s&body=A+benchmark+reply+with+enough+words+to+be+a+real+post+" .. n)
  end
  return wrk.format("GET", reads[n %% #reads + 1])
end
""" % (", ".join(json.dumps(c) for c in cookies), category or "/forum", long_path, thread_id)),
        }

        # As "mixed, 5 % posting", but each twentieth request is a POST that
        # changes nothing a visitor sees: a read-only server function, or a
        # reply refused at its field. The page cache must keep serving.
        scripts["mixed_reads"] = lua(work, "mixed_reads", """
local cookies = {%s}
local reads = {"/forum", "%s", "%s", "/jobs"}
local n = 0
request = function()
  n = n + 1
  if n %% 40 == 0 then
    return wrk.format("POST", "/api/forum/categories",
      {["Content-Type"] = "application/x-www-form-urlencoded"}, "")
  elseif n %% 40 == 20 and #cookies > 0 then
    return wrk.format("POST", "/api/forum/reply",
      {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookies[n %% #cookies + 1]},
      "thread=%s&body=")
  end
  return wrk.format("GET", reads[n %% #reads + 1])
end
""" % (", ".join(json.dumps(c) for c in cookies), category or "/forum", long_path, thread_id))

        # Searches as many people make them: one or two words of the seeded
        # vocabulary at random (about 9,000 different queries), so that
        # few are asked twice within the memory of recent searches.
        with open(os.path.join(ROOT, "server/src/seed.rs")) as f:
            seed_source = f.read()
        vocabulary = re.findall(r'"([a-z]+)"', seed_source.split("const WORDS")[1].split("];")[0])
        scripts["varied_search"] = lua(work, "varied_search", """
local words = {%s}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end
function init(args)
  math.randomseed(os.time() * 100 + (seed or 0))
end
request = function()
  local q = words[math.random(#words)]
  if math.random(3) > 1 then
    q = q .. "+" .. words[math.random(#words)]
  end
  return wrk.format("GET", "/forum/search?q=" .. q)
end
""" % ", ".join(json.dumps(w) for w in vocabulary + [RARE_WORD]))

        scenarios = [
            ("ceiling", f"http://127.0.0.1:{ceiling_port}/", None),
            ("healthz", base + "/healthz", None),
            ("forum index", base + "/forum", None),
            ("category page", base + (category or "/forum"), None),
            ("thread, first page (500 replies)", base + long_path, None),
            ("thread, last page", base + (last_page or long_path), None),
            ("search, rare word", base + f"/forum/search?q={RARE_WORD}", None),
            ("search, common word", base + "/forum/search?q=release", None),
            ("search, varied words", base + "/", scripts["varied_search"]),
            ("job list", base + "/jobs", None),
            ("job feed (JSON)", base + "/api/jobs/v1", None),
            ("CLA status API", base + "/", scripts["cla_status"]),
            ("sign-in", base + "/", scripts["sign_in"]),
            ("mixed, 5 % posting", base + "/", scripts["mixed"]),
            ("mixed, 5 % read-only or refused POSTs", base + "/", scripts["mixed_reads"]),
        ]
        if args.only:
            wanted = [word.strip().lower() for word in args.only.split(",") if word.strip()]
            scenarios = [s for s in scenarios
                         if s[0] == "ceiling" or any(word in s[0].lower() for word in wanted)]

        # Warm up: every page once, then a short burst at the forum.
        for _, url, script in scenarios:
            if not script:
                fetch(url)
        subprocess.run(["wrk", "-t2", "-c16", "-d2s", base + "/forum"], capture_output=True)

        sizes = transfer(base, category, long_path)
        for name, html, scripts in sizes:
            print(f"first load of {name:12} HTML {html:>7,} B  WebAssembly + JavaScript {scripts:>8,} B (brotli)")

        results = []
        for name, url, script in scenarios:
            # Let the requests the previous run left in flight finish.
            time.sleep(2)
            pid = ceiling.pid if name == "ceiling" else server.pid
            figures = wrk(url, args, pid, script)
            figures["scenario"] = name
            results.append(figures)
            print(f"{name:34} {figures['rps']:>10.1f} req/s  p50 {figures['p50']} ms  p99 {figures['p99']} ms  "
                  f"errors {figures['errors']}  RSS {figures['rss_peak_mb']} MB", flush=True)
    finally:
        server.terminate()
        if ceiling:
            ceiling.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    top = results[0]["rps"] or 1.0
    report = {
        "backend": args.backend,
        "posts": args.posts,
        "connections": args.connections,
        "seconds": args.seconds,
        "cores": os.cpu_count(),
        "idle_rss_mb": round(idle_rss, 1),
        "scenarios": results,
        "first_load": [{"page": n, "html_bytes": h, "script_bytes": b} for n, h, b in sizes],
    }
    stem = os.path.join(out_dir, f"{args.backend}-{args.posts}")
    with open(stem + ".json", "w") as f:
        json.dump(report, f, indent=2)
    lines = [
        f"Backend {args.backend}, {args.posts:,} posts, {args.connections} connections, "
        f"{args.seconds} s each, {os.cpu_count()} cores; idle RSS {idle_rss:.0f} MB.",
        "",
        "| scenario | requests/s | of ceiling | p50 ms | p99 ms | max ms | errors | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['scenario']} | {r['rps']:.0f} | {100 * r['rps'] / top:.2f} % | {r['p50']} | {r['p99']} | "
            f"{r['max']} | {r['errors']} | {r['rss_peak_mb']} |"
        )
    lines += [
        "",
        "| first load of | HTML (brotli) | WebAssembly + JavaScript (brotli) |",
        "|---|---:|---:|",
    ]
    for name, html, scripts in sizes:
        lines.append(f"| {name} | {html / 1000:.1f} KB | {scripts / 1000:.1f} KB |")
    with open(stem + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nwritten to {stem}.md and {stem}.json")


if __name__ == "__main__":
    main()
